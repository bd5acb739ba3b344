//! What fills a block. Unsigned private transfers cannot crowd everything else out of it:
//! each books its benchmarked weight and its length against the normal class, which may fill
//! at most 75% of a block, so operational and mandatory extrinsics always find room. Within
//! the normal class they compete with signed transactions by priority, which for a private
//! transfer grows with its shielded fee (tested in pallet-zk). Signed balance transfers are
//! limited by weight too, each booking its call, its extensions and the extrinsic base
//! weight (docs/PERFORMANCE.md, "Throughput").

use codec::{Decode, Encode, MaxEncodedLen};
use frame_support::dispatch::{DispatchClass, DispatchInfo, GetDispatchInfo};
use frame_support::weights::Weight;
use frame_system::CheckWeight;
use pallet_zk::ShieldedProof;
use sable_runtime::{
	configs::{RuntimeBlockLength, RuntimeBlockWeights},
	tx_extension, AccountId, Runtime, RuntimeCall, UncheckedExtrinsic, UNITS,
};
use sp_core::{sr25519, Pair};
use sp_runtime::MultiSignature;

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

/// The normal class's limits, as the runtime configures them.
struct NormalClass {
	/// Its share of the block's weight.
	max_weight: Weight,
	/// Its share of the block's length.
	max_len: u64,
	/// What every extrinsic books besides its own weight.
	base_extrinsic: Weight,
}

impl NormalClass {
	fn get() -> Self {
		let normal = RuntimeBlockWeights::get().get(DispatchClass::Normal).clone();
		NormalClass {
			max_weight: normal.max_total.expect("the normal class is capped"),
			max_len: u64::from(*RuntimeBlockLength::get().max.get(DispatchClass::Normal)),
			base_extrinsic: normal.base_extrinsic,
		}
	}

	/// What an extrinsic of `info` books in a block.
	fn booked(&self, info: &DispatchInfo) -> Weight {
		info.total_weight().saturating_add(self.base_extrinsic)
	}
}

/// Books `info` of length `len` until the normal class refuses it; returns how many fit (at
/// most 100,000) and checks that the class stays within its cap.
fn fill_normal_class(info: &DispatchInfo, len: usize) -> u64 {
	let mut count: u64 = 0;
	while count < 100_000 && book(info, len) {
		count += 1;
	}
	let used = frame_system::Pallet::<Runtime>::block_weight();
	assert!(used.get(DispatchClass::Normal).all_lte(NormalClass::get().max_weight));
	count
}

#[test]
fn private_transfers_fill_at_most_the_normal_share_of_a_block() {
	let transfer = largest_transfer();
	let len = transfer.encoded_size();
	let info = transfer.function.get_dispatch_info();
	assert_eq!(info.class, DispatchClass::Normal);

	let weights = RuntimeBlockWeights::get();
	let normal = NormalClass::get();
	let (normal_max, normal_len) = (normal.max_weight, normal.max_len);
	let booked = normal.booked(&info);

	sp_io::TestExternalities::default().execute_with(|| {
		let count = fill_normal_class(&info, len);
		// A full block of them stays under the normal share, and one more would not fit.
		assert!(count >= 1, "not even one private transfer fits a block");
		let used = frame_system::Pallet::<Runtime>::block_weight();
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

/// The account of the sr25519 key made from `seed`.
fn account(seed: u8) -> AccountId {
	sr25519::Pair::from_seed(&[seed; 32]).public().into()
}

/// A signed `transfer_keep_alive` as the wallet builds it (the signature is not checked here).
fn signed_balance_transfer() -> UncheckedExtrinsic {
	let sender = sr25519::Pair::from_seed(&[1; 32]);
	let call = RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive {
		dest: account(2).into(),
		value: UNITS,
	});
	let signature = MultiSignature::from(sender.sign(&[0; 64]));
	UncheckedExtrinsic::new_signed(call, account(1).into(), signature, tx_extension(0, 0))
}

#[test]
fn signed_balance_transfers_fill_the_normal_share_by_weight() {
	let transfer = signed_balance_transfer();
	let len = transfer.encoded_size();
	let info = transfer.get_dispatch_info();
	assert_eq!(info.class, DispatchClass::Normal);
	assert!(info.extension_weight.ref_time() > 0, "the extensions' weight is booked");

	let normal = NormalClass::get();
	let (normal_max, normal_len) = (normal.max_weight, normal.max_len);
	let booked = normal.booked(&info);

	sp_io::TestExternalities::default().execute_with(|| {
		let count = fill_normal_class(&info, len);
		// Weight is what stops the block: one more would exceed the normal share while the
		// block's length is far from its limit.
		assert!(count >= 1);
		assert!((count + 1) * booked.ref_time() > normal_max.ref_time());
		assert!(count * (len as u64) < normal_len / 2, "the length limit is not the binding one");
		println!(
			"signed balance transfers per block: {count} ({len} bytes each, {:.1} us booked each: \
			 call {:.1}, extensions {:.1}, base {:.1})",
			booked.ref_time() as f64 / 1e6,
			info.call_weight.ref_time() as f64 / 1e6,
			info.extension_weight.ref_time() as f64 / 1e6,
			normal.base_extrinsic.ref_time() as f64 / 1e6,
		);
	});
}
