//! Arbitrary bytes as (SCALE public inputs, proof) for the verifier: it must return, never
//! panic, whatever it is given. Valid-looking public inputs reach the proof parser.

#![no_main]

use codec::Decode;
use libfuzzer_sys::fuzz_target;
use sable_zk_primitives::public_inputs::TransferPublicInputs;
use sable_zk_proofs::{keys::TransferKeys, proof};

fuzz_target!(|data: &[u8]| {
	let keys = TransferKeys::get();
	let mut cursor = data;
	let Ok(inputs) = TransferPublicInputs::decode(&mut cursor) else { return };
	let _ = proof::verify(keys, cursor, &inputs);
	let _ = proof::verify_batch(keys, &[(cursor, &inputs), (data, &inputs)]);
});
