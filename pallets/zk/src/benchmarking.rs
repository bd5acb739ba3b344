//! Benchmarks of `pallet_zk`, with real proofs from the committed fixture verified through
//! the host function (the node turns its verified-statement cache off for benchmarks, so
//! every repetition pays for a full verification).
//!
//! Each benchmark sets up the worst case the call can meet: a tree whose next append
//! completes 31 subtrees, an unshield recipient that does not exist yet.

use super::*;
use crate::benchmark_fixture::{fixture, BenchmarkFixture};
use frame_benchmarking::v2::*;
use frame_support::BoundedVec;
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use sable_zk_primitives::tree::Frontier;

/// Pool funds for the unshields (more than any batch takes out).
const POOL_FUNDS: u64 = u64::MAX / 4;
/// A tree position with every low bit set: the next append hashes up 31 levels.
const WORST_POSITION: u64 = (1 << 31) - 1;

/// Takes the `BlockProofs` entries at `positions` out of the database accounting. Calls write
/// them and `on_finalize` removes them within one block, so they never reach the database:
/// reading and writing them is work on the block's overlay, which the measured time covers.
fn whitelist_block_proofs<T: Config>(positions: core::ops::Range<u32>) {
	for position in positions {
		frame_benchmarking::benchmarking::add_to_whitelist(
			BlockProofs::<T>::hashed_key_for(position).into(),
		);
	}
}

fn load() -> Result<BenchmarkFixture, BenchmarkError> {
	fixture().ok_or(BenchmarkError::Stop("benchmark fixture does not decode"))
}

/// Puts the chain in the state the fixture's proofs were made for.
fn set_up<T: Config>(fixture: &BenchmarkFixture) -> Result<(), BenchmarkError> {
	let genesis = T::Hash::decode(&mut &fixture.genesis_hash[..])
		.map_err(|_| BenchmarkError::Stop("hash type is not 32 bytes"))?;
	frame_system::BlockHash::<T>::insert(BlockNumberFor::<T>::zero(), genesis);

	let mut tree = Frontier::default();
	let leaves: Vec<Fp> = fixture
		.leaves
		.iter()
		.map(|leaf| fp_from_bytes(&leaf.0).ok_or(BenchmarkError::Stop("leaf not canonical")))
		.collect::<Result<_, _>>()?;
	tree.append(&leaves).map_err(|_| BenchmarkError::Stop("fixture tree"))?;
	let anchor = tree.root().map_err(|_| BenchmarkError::Stop("fixture root"))?;
	Pallet::<T>::record_root(anchor, tree.next_index);

	// Worst case for appends: the next leaf completes 31 subtrees.
	// The tree at a position whose next leaves cost the most to hash in (all low bits set).
	let mut frontier = Frontier::default();
	frontier.next_index = WORST_POSITION;
	TreeFrontier::<T>::put(frontier);
	LeafCount::<T>::put(WORST_POSITION);

	let pool = Pallet::<T>::pool_account();
	let funds: BalanceOf<T> = POOL_FUNDS.into();
	T::Currency::mint_into(&pool, funds.saturating_add(T::Currency::minimum_balance()))?;
	PoolTotal::<T>::put(funds);
	Ok(())
}

fn recipient<T: Config>(fixture: &BenchmarkFixture) -> Result<T::AccountId, BenchmarkError> {
	T::AccountId::decode(&mut &fixture.recipient[..])
		.map_err(|_| BenchmarkError::Stop("account type is not 32 bytes"))
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn shield() -> Result<(), BenchmarkError> {
		let fixture = load()?;
		set_up::<T>(&fixture)?;
		let caller: T::AccountId = whitelisted_caller();
		let value: BalanceOf<T> = fixture.shield.public_inputs.value_in.into();
		T::Currency::mint_into(&caller, value.saturating_mul(2u32.into()))?;

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), Box::new(fixture.shield.clone()));

		assert!(Pallet::<T>::is_spent(&fixture.shield.public_inputs.nullifiers[0]));
		Ok(())
	}

	#[benchmark]
	fn transfer() -> Result<(), BenchmarkError> {
		let fixture = load()?;
		set_up::<T>(&fixture)?;
		whitelist_block_proofs::<T>(0..1);

		#[extrinsic_call]
		_(RawOrigin::None, Box::new(fixture.transfer.clone()));

		assert!(Pallet::<T>::is_spent(&fixture.transfer.public_inputs.nullifiers[0]));
		assert_eq!(BlockProofCount::<T>::get(), 1);
		Ok(())
	}

	#[benchmark]
	fn unshield() -> Result<(), BenchmarkError> {
		let fixture = load()?;
		set_up::<T>(&fixture)?;
		let recipient = recipient::<T>(&fixture)?;
		let payload =
			fixture.unshields.first().cloned().ok_or(BenchmarkError::Stop("no unshield"))?;
		whitelist_block_proofs::<T>(0..1);

		#[extrinsic_call]
		_(RawOrigin::None, Box::new(payload), recipient.clone());

		assert!(!T::Currency::balance(&recipient).is_zero());
		Ok(())
	}

	/// `n` unshields verified as one batch.
	#[benchmark]
	fn submit_batch(n: Linear<1, { T::MaxBatchSize::get() }>) -> Result<(), BenchmarkError> {
		let fixture = load()?;
		set_up::<T>(&fixture)?;
		let recipient = recipient::<T>(&fixture)?;
		let actions: Vec<_> = fixture
			.unshields
			.iter()
			.take(n as usize)
			.map(|payload| ShieldedAction::Unshield {
				payload: payload.clone(),
				recipient: recipient.clone(),
			})
			.collect();
		if actions.len() < n as usize {
			return Err(BenchmarkError::Stop("fixture has fewer unshields than MaxBatchSize"));
		}
		let actions = BoundedVec::truncate_from(actions);
		whitelist_block_proofs::<T>(0..n);

		#[extrinsic_call]
		_(RawOrigin::None, actions);

		assert_eq!(LeafCount::<T>::get(), WORST_POSITION + 2 * u64::from(n));
		assert_eq!(BlockProofCount::<T>::get(), n);
		Ok(())
	}

	#[benchmark]
	fn verify_block_proofs(
		// Linear in `n` (a multi-scalar multiplication of 2^k points per proof): measured to
		// 256, a quarter of what one call may carry.
		n: Linear<1, 256>,
	) -> Result<(), BenchmarkError> {
		let fixture = load()?;
		// Distinct proofs, repeated: with the node's cache off every copy is verified.
		let statements = core::iter::once(&fixture.transfer)
			.chain(fixture.unshields.iter())
			.cycle()
			.take(n as usize)
			.map(Pallet::<T>::statement)
			.collect::<Result<Vec<_>, _>>()
			.map_err(|_| BenchmarkError::Stop("fixture statement"))?;
		if n > T::MaxBlockProofs::get() {
			return Err(BenchmarkError::Stop("MaxBlockProofs below 256"));
		}
		for (position, statement) in (0..).zip(statements) {
			BlockProofs::<T>::insert(position, statement);
		}
		BlockProofCount::<T>::put(n);
		whitelist_block_proofs::<T>(0..n);

		#[block]
		{
			Pallet::<T>::verify_block_proofs();
		}

		assert_eq!(BlockProofCount::<T>::get(), 0);
		assert!(BlockProofs::<T>::iter().next().is_none());
		Ok(())
	}

	#[benchmark]
	fn set_enabled() {
		#[extrinsic_call]
		_(RawOrigin::Root, false);

		assert!(!VerifierEnabled::<T>::get());
	}

	/// The root computed in `on_finalize`: 32 hashes when the lowest bit of the leaf count
	/// is set.
	#[benchmark]
	fn update_root(n: Linear<1, 512>) -> Result<(), BenchmarkError> {
		let fixture = load()?;
		set_up::<T>(&fixture)?;
		let leaf = NoteRecord {
			commitment: fixture.transfer.public_inputs.commitments[0],
			ciphertext: fixture.transfer.ciphertexts[0],
			nullifier: fixture.transfer.public_inputs.nullifiers[0],
		};
		for index in WORST_POSITION..WORST_POSITION + u64::from(n) {
			Leaves::<T>::insert(index, leaf.clone());
		}
		LeafCount::<T>::put(WORST_POSITION + u64::from(n));
		let before = RootCount::<T>::get();

		#[block]
		{
			Pallet::<T>::update_tree();
		}

		assert_eq!(RootCount::<T>::get(), before + 1);
		assert_eq!(TreeFrontier::<T>::get().next_index, WORST_POSITION + u64::from(n));
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
