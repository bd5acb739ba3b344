//! Marked sections of a Markdown document, which a script rewrites and people leave alone:
//! the lines from `<!-- NAME:begin ... -->` to `<!-- NAME:end -->`.

use std::path::Path;

use crate::Error;

/// A section: its name, an optional note in its begin marker and the text between markers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
	/// The name in its markers (`bench-zk` for `<!-- bench-zk:begin -->`).
	pub name: String,
	/// Shown in the begin marker: `<!-- NAME:begin (NOTE) -->`.
	pub note: Option<String>,
	/// The lines between the markers.
	pub body: String,
}

impl Section {
	fn begin_prefix(&self) -> String {
		format!("<!-- {}:begin", self.name)
	}

	fn end_marker(&self) -> String {
		format!("<!-- {}:end -->", self.name)
	}

	/// The section's text, markers included, without a final newline.
	pub fn render(&self) -> String {
		let begin = match &self.note {
			Some(note) => format!("{} ({note}) -->", self.begin_prefix()),
			None => format!("{} -->", self.begin_prefix()),
		};
		format!("{begin}\n{}\n{}", self.body.trim_end_matches('\n'), self.end_marker())
	}

	/// Whether `line` is this section's begin marker (any note).
	fn is_begin(&self, line: &str) -> bool {
		let line = line.trim();
		line.strip_prefix(&self.begin_prefix())
			.is_some_and(|rest| rest.ends_with("-->") && (rest.starts_with(' ') || rest == "-->"))
	}

	/// Whether `line` is this section's end marker.
	fn is_end(&self, line: &str) -> bool {
		line.trim() == self.end_marker()
	}

	/// `doc` with this section in place of its marked lines, or appended after a blank line
	/// when `doc` has no such section. Refused when the markers are incomplete or out of order.
	pub fn replace_in(&self, doc: &str) -> Result<String, Error> {
		let mut begin = None;
		let mut offset = 0;
		for line in doc.split_inclusive('\n') {
			let next = offset + line.len();
			match begin {
				None if self.is_end(line) => {
					return Err(Error::Markers(format!(
						"{} comes before its begin marker",
						self.end_marker()
					)))
				},
				None if self.is_begin(line) => begin = Some(offset),
				Some(start) if self.is_end(line) => {
					let newline = if line.ends_with('\n') { "\n" } else { "" };
					return Ok(format!(
						"{}{}{newline}{}",
						&doc[..start],
						self.render(),
						&doc[next..]
					));
				},
				_ => {},
			}
			offset = next;
		}
		match begin {
			Some(_) => Err(Error::Markers(format!(
				"{} ... --> without {} after it",
				self.begin_prefix(),
				self.end_marker()
			))),
			None => Ok(format!("{}\n\n{}\n", doc.trim_end(), self.render())),
		}
	}

	/// Rewrites the section in the document at `path` (`# Performance` and the section if
	/// there is no such file).
	pub fn write_to(&self, path: &Path) -> Result<(), Error> {
		let io = |error| Error::Io { path: path.to_path_buf(), error };
		let doc = match std::fs::read_to_string(path) {
			Ok(doc) => doc,
			Err(error) if error.kind() == std::io::ErrorKind::NotFound => "# Performance\n".into(),
			Err(error) => return Err(io(error)),
		};
		std::fs::write(path, self.replace_in(&doc)?).map_err(io)
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn section(note: Option<&str>, body: &str) -> Section {
		Section { name: "x".into(), note: note.map(String::from), body: body.into() }
	}

	#[test]
	fn renders_markers_around_the_body() {
		assert_eq!(section(None, "a\nb\n").render(), "<!-- x:begin -->\na\nb\n<!-- x:end -->");
		assert_eq!(
			section(Some("written by y"), "a").render(),
			"<!-- x:begin (written by y) -->\na\n<!-- x:end -->"
		);
	}

	#[test]
	fn replaces_the_marked_lines_and_keeps_the_rest() {
		let doc = "# T\n\nbefore\n<!-- x:begin (old note) -->\nold\nlines\n<!-- x:end -->\nafter\n";
		assert_eq!(
			section(Some("new"), "new").replace_in(doc).ok().as_deref(),
			Some("# T\n\nbefore\n<!-- x:begin (new) -->\nnew\n<!-- x:end -->\nafter\n")
		);
	}

	#[test]
	fn replaces_a_section_that_ends_the_file_without_a_newline() {
		let doc = "a\n<!-- x:begin -->\nold\n<!-- x:end -->";
		assert_eq!(
			section(None, "new").replace_in(doc).ok().as_deref(),
			Some("a\n<!-- x:begin -->\nnew\n<!-- x:end -->")
		);
	}

	#[test]
	fn leaves_other_sections_alone() {
		let doc = "<!-- y:begin -->\nold\n<!-- y:end -->\n<!-- xy:begin -->\n<!-- xy:end -->\n";
		assert_eq!(
			section(None, "new").replace_in(doc).ok().as_deref(),
			Some(
				"<!-- y:begin -->\nold\n<!-- y:end -->\n<!-- xy:begin -->\n<!-- xy:end -->\n\n\
				 <!-- x:begin -->\nnew\n<!-- x:end -->\n"
			)
		);
	}

	#[test]
	fn appends_the_section_when_there_are_no_markers() {
		assert_eq!(
			section(None, "new").replace_in("# T\n\ntext\n\n\n").ok().as_deref(),
			Some("# T\n\ntext\n\n<!-- x:begin -->\nnew\n<!-- x:end -->\n")
		);
	}

	#[test]
	fn refuses_incomplete_or_reversed_markers() {
		let unterminated = "<!-- x:begin -->\nold\n";
		assert!(matches!(section(None, "new").replace_in(unterminated), Err(Error::Markers(_))));
		let reversed = "<!-- x:end -->\n<!-- x:begin -->\n";
		assert!(matches!(section(None, "new").replace_in(reversed), Err(Error::Markers(_))));
	}

	#[test]
	fn writes_a_new_document_when_there_is_none() {
		let dir = std::env::temp_dir().join(format!("sable-report-{}", std::process::id()));
		let path = dir.join("PERFORMANCE.md");
		let _ = std::fs::remove_dir_all(&dir);
		assert!(std::fs::create_dir_all(&dir).is_ok());
		assert!(section(None, "one").write_to(&path).is_ok());
		assert!(section(None, "two").write_to(&path).is_ok());
		let written = std::fs::read_to_string(&path).ok();
		let _ = std::fs::remove_dir_all(&dir);
		assert_eq!(
			written.as_deref(),
			Some("# Performance\n\n<!-- x:begin -->\ntwo\n<!-- x:end -->\n")
		);
	}
}
