//! Unsigned private transfers cannot crowd everything else out of a block: each books its
//! benchmarked weight and its length against the normal class, which may fill at most 75%
//! of a block, so operational and mandatory extrinsics always find room. Within the normal
//! class they compete with signed transactions by priority, which for a private transfer
//! grows with its shielded fee (tested in pallet-zk).

use codec::{Decode, Encode, MaxEncodedLen};
use frame_support::dispatch::{DispatchClass, DispatchInfo, GetDispatchInfo};
use frame_support::weights::Weight;
use frame_system::CheckWeight;
use pallet_zk::ShieldedProof;
use sable_runtime::{
	configs::{RuntimeBlockLength, RuntimeBlockWeights},
	Runtime, RuntimeCall, UncheckedExtrinsic,
};

/// The largest `zk.transfer` the runtime decodes: a proof of the maximum length.
fn largest_transfer() -> UncheckedExtrinsic {
	let zeros = vec![0u8; ShieldedProof::max_encoded_len()];
	let mut payload = ShieldedProof::decode(&mut &zeros[..]).expect("a zero payload decodes");
	while payload.proof.try_push(0).is_ok() {}
	assert_eq!(payload.encoded_size(), ShieldedProof::max_encoded_len());
	UncheckedExtrinsic::new_bare_legacy(RuntimeCall::Zk(pallet_zk::Call::transfer {
		payload: Box::new(payload),
	}))
}

/// Books `info` of length `len` in the current block as block building does.
fn book(info: &DispatchInfo, len: usize) -> bool {
	CheckWeight::<Runtime>::do_validate(info, len)
		.and_then(|(_, next_len)| CheckWeight::<Runtime>::do_prepare(info, len, next_len))
		.is_ok()
}

#[test]
fn private_transfers_fill_at_most_the_normal_share_of_a_block() {
	let transfer = largest_transfer();
	let len = transfer.encoded_size();
	let info = transfer.function.get_dispatch_info();
	assert_eq!(info.class, DispatchClass::Normal);

	let weights = RuntimeBlockWeights::get();
	let normal = weights.get(DispatchClass::Normal);
	let normal_max = normal.max_total.expect("the normal class is capped");
	let normal_len = u64::from(*RuntimeBlockLength::get().max.get(DispatchClass::Normal));
	let booked = info.total_weight().saturating_add(normal.base_extrinsic);

	sp_io::TestExternalities::default().execute_with(|| {
		let mut count: u64 = 0;
		while count < 100_000 && book(&info, len) {
			count += 1;
		}
		// A full block of them stays under the normal share, and one more would not fit.
		assert!(count >= 1, "not even one private transfer fits a block");
		let used = frame_system::Pallet::<Runtime>::block_weight();
		assert!(used.get(DispatchClass::Normal).all_lte(normal_max));
		assert_eq!(used.get(DispatchClass::Normal).ref_time(), count * booked.ref_time());
		assert!((count + 1) * booked.ref_time() > normal_max.ref_time());
		assert!(count * len as u64 <= normal_len, "the length limit is not the binding one");
		assert!(
			normal_max.ref_time() * 4 <= weights.max_block.ref_time() * 3,
			"the normal class may take at most 75% of a block"
		);
		println!(
			"private transfers per block: {count} ({} bytes each, {:.1} ms booked each)",
			len,
			booked.ref_time() as f64 / 1e9
		);

		// The block takes no more private transfers...
		assert!(!book(&info, len));
		// ... but operational ones (GRANDPA and BABE equivocation reports, for example)
		// still have their reserved quarter, and mandatory inherents always fit.
		let operational = DispatchInfo {
			call_weight: Weight::from_parts(weights.max_block.ref_time() / 5, 0),
			class: DispatchClass::Operational,
			..Default::default()
		};
		assert!(book(&operational, 1_000));
		let mandatory = DispatchInfo { class: DispatchClass::Mandatory, ..Default::default() };
		assert!(book(&mandatory, 100));
	});
}
