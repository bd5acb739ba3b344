//! The wasm runtime imports Sable's verification host functions: an executor without them
//! cannot even instantiate it, and the node's list covers every import.

use sc_executor::{WasmExecutionMethod, WasmExecutor};
use sc_executor_common::runtime_blob::RuntimeBlob;
use sp_core::traits::{CallContext, CodeExecutor, RuntimeCode, WrappedRuntimeCode};
use sp_state_machine::BasicExternalities;

fn wasm() -> &'static [u8] {
	sable_runtime::WASM_BINARY.expect("the wasm runtime is built (do not set SKIP_WASM_BUILD)")
}

/// Calls `Core_version` with an executor that refuses missing host functions.
fn call_version<H: sp_wasm_interface::HostFunctions>() -> Result<Vec<u8>, String> {
	let executor = WasmExecutor::<H>::builder()
		.with_execution_method(WasmExecutionMethod::default())
		.with_allow_missing_host_functions(false)
		.build();
	let code = WrappedRuntimeCode(wasm().into());
	let runtime_code = RuntimeCode { code_fetcher: &code, heap_pages: None, hash: vec![1, 2, 3] };
	let mut ext = BasicExternalities::default();
	executor
		.call(&mut ext, &runtime_code, "Core_version", &[], CallContext::Offchain)
		.0
		.map_err(|error| error.to_string())
}

#[test]
fn the_runtime_imports_the_verifier_host_functions() {
	// Import names are stored verbatim in the module's import section.
	let module = RuntimeBlob::uncompress_if_needed(wasm()).expect("valid wasm").serialize();
	for name in [
		"ext_zk_verifier_verify_version_1",
		"ext_zk_verifier_verify_batch_version_1",
		"ext_zk_verifier_admit_version_1",
	] {
		assert!(
			module.windows(name.len()).any(|window| window == name.as_bytes()),
			"{name} not imported"
		);
	}
}

#[test]
fn an_executor_without_them_fails_loudly_and_the_nodes_list_suffices() {
	let error = call_version::<sp_io::SubstrateHostFunctions>().expect_err("must not instantiate");
	assert!(error.contains("ext_zk_verifier_verify"), "unexpected error: {error}");

	let version = call_version::<sable_zk_host::SableHostFunctions>().expect("instantiates");
	let version = <sp_version::RuntimeVersion as codec::Decode>::decode(&mut &version[..])
		.expect("a runtime version");
	assert_eq!(version.spec_name, "sable");
}
