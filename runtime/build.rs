fn main() {
	#[cfg(feature = "std")]
	build_wasm();
}

/// Builds two wasm runtimes from this crate:
///
/// - `sable_runtime`, the runtime the chain specs embed, with its metadata hash built in so
///   `CheckMetadataHash` can verify what offline signers were shown (RFC 78);
/// - `sable_runtime_next_spec`, the same code with `spec_version + 1`: the runtime the
///   upgrade test enacts on a running net (`zombienet/0006-runtime-upgrade.zndsl`). It is built
///   without a metadata hash: nothing signs against it in mode 1.
///
/// The second build comes first: it has its own feature set, so cargo caches it apart from
/// the two passes the metadata hash needs for the first.
#[cfg(feature = "std")]
fn build_wasm() {
	use substrate_wasm_builder::WasmBuilder;

	WasmBuilder::init_with_defaults()
		.enable_feature("spec-version-next")
		.set_file_name("sable_runtime_next_spec")
		.build();
	WasmBuilder::init_with_defaults().enable_metadata_hash("SBL", 12).build();
}
