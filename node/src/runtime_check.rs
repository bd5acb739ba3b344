//! `sable-node check-runtime`: whether this node can run a runtime before anyone proposes it
//! as an upgrade (`docs/OPERATOR.md`, "Runtime upgrades").
//!
//! A runtime that imports a host function the nodes do not provide cannot be instantiated:
//! enacted on chain, it halts the chain at the next block, because no node can execute it.
//! The check lists the wasm's function imports against this node's host functions, then
//! instantiates it with an executor that refuses missing functions, as block import does,
//! and calls `Core_version`, which also catches a function imported under a known name with
//! another signature.

use std::{collections::BTreeSet, path::PathBuf};

use codec::Decode;
use sc_executor::{WasmExecutionMethod, WasmExecutor};
use sp_core::traits::{CallContext, CodeExecutor, RuntimeCode, WrappedRuntimeCode};
use sp_state_machine::BasicExternalities;
use sp_version::RuntimeVersion;
use sp_wasm_interface::HostFunctions as _;

use crate::service::HostFunctions;

/// Checks that this node can execute a runtime: every host function it imports is one this
/// node provides.
#[derive(Debug, clap::Parser)]
pub struct CheckRuntimeCmd {
	/// The runtime's wasm, compressed (`*.compact.compressed.wasm`) or not.
	pub wasm: PathBuf,
}

/// What the check found in a runtime that this node can execute.
#[derive(Debug)]
pub struct CheckedRuntime {
	pub version: RuntimeVersion,
	/// Host functions the runtime imports.
	pub imports: usize,
}

/// Why this node cannot execute a runtime.
#[derive(Debug)]
pub enum CheckError {
	Read(PathBuf, std::io::Error),
	NotWasm(String),
	MissingHostFunctions(Vec<String>),
	Refused(String),
	BadVersion(codec::Error),
}

impl std::fmt::Display for CheckError {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		match self {
			CheckError::Read(path, error) => write!(f, "cannot read {}: {error}", path.display()),
			CheckError::NotWasm(error) => write!(f, "not a runtime: {error}"),
			CheckError::MissingHostFunctions(names) => write!(
				f,
				"the runtime imports host functions this node does not provide: {}",
				names.join(", ")
			),
			CheckError::Refused(error) => write!(f, "this node's executor refuses the runtime: {error}"),
			CheckError::BadVersion(error) => write!(f, "the runtime's Core_version does not decode: {error}"),
		}
	}
}

impl CheckRuntimeCmd {
	pub fn run(&self) -> sc_cli::Result<()> {
		let code = std::fs::read(&self.wasm).map_err(|e| CheckError::Read(self.wasm.clone(), e));
		let checked = code.and_then(|code| check_runtime(&code)).map_err(|e| e.to_string())?;
		println!(
			"{} spec_version {}: all {} imported host functions are provided by this node",
			checked.version.spec_name, checked.version.spec_version, checked.imports
		);
		Ok(())
	}
}

/// Checks `code` (compressed or not) against this node's host functions.
pub fn check_runtime(code: &[u8]) -> Result<CheckedRuntime, CheckError> {
	let wasm = sp_maybe_compressed_blob::decompress(code, sp_maybe_compressed_blob::CODE_BLOB_BOMB_LIMIT)
		.map_err(|e| CheckError::NotWasm(e.to_string()))?;
	let imports = imported_functions(&wasm)?;
	let provided: BTreeSet<&str> =
		HostFunctions::host_functions().iter().map(|function| function.name()).collect();
	let missing: Vec<String> =
		imports.iter().filter(|name| !provided.contains(name.as_str())).cloned().collect();
	if !missing.is_empty() {
		return Err(CheckError::MissingHostFunctions(missing));
	}
	let version = call_version(&wasm)?;
	Ok(CheckedRuntime { version, imports: imports.len() })
}

/// The names of the functions the module imports from the host (`env`).
fn imported_functions(wasm: &[u8]) -> Result<BTreeSet<String>, CheckError> {
	let not_wasm = |e: wasmparser::BinaryReaderError| CheckError::NotWasm(e.to_string());
	let mut names = BTreeSet::new();
	for payload in wasmparser::Parser::new(0).parse_all(wasm) {
		if let wasmparser::Payload::ImportSection(section) = payload.map_err(not_wasm)? {
			for import in section {
				let import = import.map_err(not_wasm)?;
				if matches!(import.ty, wasmparser::TypeRef::Func(_)) {
					names.insert(import.name.to_string());
				}
			}
		}
	}
	Ok(names)
}

/// Instantiates the runtime as block import would, and asks it for its version.
fn call_version(wasm: &[u8]) -> Result<RuntimeVersion, CheckError> {
	let executor = WasmExecutor::<HostFunctions>::builder()
		.with_execution_method(WasmExecutionMethod::default())
		.with_allow_missing_host_functions(false)
		.build();
	let code = WrappedRuntimeCode(wasm.into());
	let hash = <sp_runtime::traits::BlakeTwo256 as sp_runtime::traits::Hash>::hash(wasm).0.to_vec();
	let runtime_code = RuntimeCode { code_fetcher: &code, heap_pages: None, hash };
	let mut ext = BasicExternalities::default();
	let encoded = executor
		.call(&mut ext, &runtime_code, "Core_version", &[], CallContext::Offchain)
		.0
		.map_err(|e| CheckError::Refused(e.to_string()))?;
	RuntimeVersion::decode(&mut &encoded[..]).map_err(CheckError::BadVersion)
}
