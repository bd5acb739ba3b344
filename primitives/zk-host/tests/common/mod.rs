//! Real statements for the host-function tests.

use std::sync::OnceLock;

use ff::Field;
use rand::{rngs::StdRng, SeedableRng};
use sable_zk_host::{circuits, Statement};
use sable_zk_primitives::{keys::SpendingKey, tree::CommitmentTree, Fp};
use sable_zk_proofs::{
	keys::TransferKeys,
	proof::prove,
	witness::{Recipient, Spend, TransferRequest},
};

/// Two real shield proofs (made once per test binary), as statements.
pub fn statements() -> &'static [Statement; 2] {
	static STATEMENTS: OnceLock<[Statement; 2]> = OnceLock::new();
	STATEMENTS.get_or_init(|| {
		let mut rng = StdRng::seed_from_u64(7);
		let owner = SpendingKey::from_field(Fp::from(0xa11ce)).owner();
		[100u64, 200].map(|value| {
			let request = TransferRequest {
				inputs: [Spend::dummy(&mut rng), Spend::dummy(&mut rng)],
				outputs: [Recipient { owner, value }, Recipient { owner, value: 0 }],
				anchor: CommitmentTree::default().root(),
				value_in: value,
				value_out: 0,
				fee: 0,
				binding: Fp::random(&mut rng),
			};
			let witness = request.build(&mut rng).expect("valid request");
			let keys = TransferKeys::get();
			let proof =
				prove(keys, &witness.circuit, &witness.public_inputs, &mut rng).expect("proves");
			Statement::new(
				circuits::TRANSFER_V1.id,
				&witness.public_inputs.to_instance_bytes(),
				proof.try_into().expect("proof fits"),
			)
			.expect("a well-formed statement")
		})
	})
}
