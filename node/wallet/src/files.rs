//! Crash-safe files: every write goes to a temporary file in the same directory, is flushed
//! to disk, and then renamed over the old file, so a reader sees either the old or the new
//! content, never a mix. Secret files are created with mode 0600.

use std::{
	fs::{self, File, OpenOptions},
	io::Write,
	path::Path,
};

use crate::error::{Result, WalletError};

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> WalletError + '_ {
	move |e| WalletError::Io(path.display().to_string(), e)
}

/// Writes `bytes` to `path` atomically; `private` files are readable by their owner only.
pub fn write_atomic(path: &Path, bytes: &[u8], private: bool) -> Result<()> {
	let dir = path
		.parent()
		.ok_or_else(|| WalletError::Input(format!("{}: no parent directory", path.display())))?;
	fs::create_dir_all(dir).map_err(io(dir))?;
	let temporary = path.with_extension("tmp");
	let mut options = OpenOptions::new();
	options.write(true).create(true).truncate(true);
	#[cfg(unix)]
	if private {
		use std::os::unix::fs::OpenOptionsExt;
		options.mode(0o600);
	}
	let mut file = options.open(&temporary).map_err(io(&temporary))?;
	file.write_all(bytes).map_err(io(&temporary))?;
	file.sync_all().map_err(io(&temporary))?;
	drop(file);
	fs::rename(&temporary, path).map_err(io(path))?;
	// Persist the rename itself.
	File::open(dir).and_then(|d| d.sync_all()).map_err(io(dir))?;
	Ok(())
}

/// The file's content, or `None` if it does not exist.
pub fn read_optional(path: &Path) -> Result<Option<Vec<u8>>> {
	match fs::read(path) {
		Ok(bytes) => Ok(Some(bytes)),
		Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
		Err(e) => Err(WalletError::Io(path.display().to_string(), e)),
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn writes_replace_atomically_and_private_files_are_0600() {
		let dir = tempfile::tempdir().expect("temp dir");
		let path = dir.path().join("nested/state.json");
		write_atomic(&path, b"one", true).expect("write");
		write_atomic(&path, b"two", true).expect("rewrite");
		assert_eq!(fs::read(&path).expect("read"), b"two");
		assert!(!path.with_extension("tmp").exists(), "no temporary file left");
		#[cfg(unix)]
		{
			use std::os::unix::fs::PermissionsExt;
			let mode = fs::metadata(&path).expect("metadata").permissions().mode();
			assert_eq!(mode & 0o777, 0o600);
		}
		// A crash between writing the temporary file and renaming leaves the old content.
		fs::write(path.with_extension("tmp"), b"half-writ").expect("stray temp");
		assert_eq!(read_optional(&path).expect("read"), Some(b"two".to_vec()));
		assert_eq!(read_optional(&dir.path().join("absent")).expect("read"), None);
	}
}
