//! Tests of the shielded pool with real proofs (made once per test run, see [`scenario`]).

// `ValidateUnsigned` is deprecated upstream; the pallet still implements it (docs/zk.md).
#![allow(deprecated)]

use std::sync::OnceLock;

use codec::{Decode, Encode};
use frame_support::{
	assert_noop, assert_ok,
	dispatch::GetDispatchInfo,
	traits::{Get, Hooks},
	BoundedVec,
};
use rand::{rngs::StdRng, SeedableRng};
use sable_zk_primitives::{
	encoding::{fp_from_bytes, fp_to_bytes},
	keys::SpendingKey,
	public_inputs::MAX_PROOF_LEN,
	tree::CommitmentTree,
	Fp,
};
use sable_zk_proofs::{
	encryption::{Address, IncomingViewingKey},
	keys::TransferKeys,
	shielded::{prove_shielded, BindingContext, Proven, ShieldedRequest},
	witness::Spend,
};
use sp_runtime::{
	traits::ValidateUnsigned,
	transaction_validity::{InvalidTransaction, TransactionSource, TransactionValidityError},
	DispatchError,
};

use crate::{mock::*, *};

/// The mock's genesis hash (`frame_system` stores `[69; 32]` for block 0).
const GENESIS: [u8; 32] = [69; 32];

fn charlie() -> AccountId {
	sp_core::crypto::AccountId32::new([3; 32])
}

/// The proofs of one story, each made against the tree the chain will have:
/// block 1 `shield_a` (1000) and `shield_b` (500); block 2 `transfer_a` and `transfer_b`;
/// block 3 `unshield` (850 to Charlie).
struct Scenario {
	shield_a: ShieldedProof,
	shield_b: ShieldedProof,
	transfer_a: ShieldedProof,
	transfer_b: ShieldedProof,
	unshield: ShieldedProof,
	/// `transfer_b`'s spend with its fee paid to Bob, its relayer.
	relayed_b: ShieldedProof,
	/// Roots after blocks 1 and 2, as a wallet computes them.
	roots: [[u8; 32]; 2],
	bob_notes: Vec<sable_zk_primitives::note::Note>,
}

fn scenario() -> &'static Scenario {
	static SCENARIO: OnceLock<Scenario> = OnceLock::new();
	SCENARIO.get_or_init(|| {
		let keys = TransferKeys::get();
		let mut rng = StdRng::seed_from_u64(0x2b);
		let alice_sk = SpendingKey::from_field(Fp::from(0xa11ce_u64));
		let bob_sk = SpendingKey::from_field(Fp::from(0xb0b_u64));
		let (alice_addr, bob_addr) =
			(Address::from_spending_key(&alice_sk), Address::from_spending_key(&bob_sk));
		let mut tree = CommitmentTree::default();
		let mut prove_paying = |request: ShieldedRequest,
		                        kind,
		                        recipient: Option<&AccountId>,
		                        relayer: Option<&AccountId>|
		 -> Proven {
			let context = BindingContext {
				genesis_hash: GENESIS,
				kind,
				unshield_recipient: recipient.map(account_binding_bytes),
				fee_payee: relayer.map(account_binding_bytes),
			};
			prove_shielded(keys, &request, &context, &mut rng).expect("scenario proof")
		};
		let dummy = |seed: u64| Spend::dummy(&mut StdRng::seed_from_u64(seed));
		let request = ShieldedRequest::new;

		let empty = tree.root();
		let shield_a = prove_paying(
			request(
				[dummy(1), dummy(2)],
				[(alice_addr, 700), (alice_addr, 300)],
				empty,
				1000,
				0,
				0,
			),
			CallKind::Shield,
			None,
			None,
		);
		let shield_b = prove_paying(
			request([dummy(3), dummy(4)], [(alice_addr, 500), (alice_addr, 0)], empty, 500, 0, 0),
			CallKind::Shield,
			None,
			None,
		);
		for proven in [&shield_a, &shield_b] {
			for cm in proven.payload.public_inputs.commitments {
				tree.append(fp_from_bytes(&cm.0).expect("canonical")).expect("room");
			}
		}
		let root_1 = tree.root();
		let spend = |tree: &CommitmentTree, sk: SpendingKey, note, position| Spend {
			sk,
			note,
			path: tree.path(position).expect("leaf"),
		};
		let transfer_a = prove_paying(
			request(
				[
					spend(&tree, alice_sk, shield_a.output_notes[0], 0),
					spend(&tree, alice_sk, shield_a.output_notes[1], 1),
				],
				[(bob_addr, 900), (alice_addr, 95)],
				root_1,
				0,
				0,
				5,
			),
			CallKind::Transfer,
			None,
			None,
		);
		let transfer_b = prove_paying(
			request(
				[spend(&tree, alice_sk, shield_b.output_notes[0], 2), dummy(5)],
				[(bob_addr, 490), (alice_addr, 7)],
				root_1,
				0,
				0,
				3,
			),
			CallKind::Transfer,
			None,
			None,
		);
		// `transfer_b`'s spend relayed by Bob, who is paid its fee.
		let relayed_b = prove_paying(
			request(
				[spend(&tree, alice_sk, shield_b.output_notes[0], 2), dummy(5)],
				[(bob_addr, 490), (alice_addr, 7)],
				root_1,
				0,
				0,
				3,
			),
			CallKind::Transfer,
			None,
			Some(&bob()),
		);
		for proven in [&transfer_a, &transfer_b] {
			for cm in proven.payload.public_inputs.commitments {
				tree.append(fp_from_bytes(&cm.0).expect("canonical")).expect("room");
			}
		}
		let root_2 = tree.root();
		let unshield = prove_paying(
			request(
				[spend(&tree, bob_sk, transfer_a.output_notes[0], 4), dummy(6)],
				[(bob_addr, 45), (bob_addr, 0)],
				root_2,
				0,
				850,
				5,
			),
			CallKind::Unshield,
			Some(&charlie()),
			None,
		);
		// Bob can read his notes from the chain's ciphertexts.
		let bob_ivk = IncomingViewingKey::from_spending_key(&bob_sk);
		let bob_notes = [&transfer_a, &transfer_b]
			.iter()
			.filter_map(|p| bob_ivk.decrypt(bob_sk.owner(), &p.payload.ciphertexts[0]))
			.map(|(note, _)| note)
			.collect();
		Scenario {
			shield_a: shield_a.payload,
			shield_b: shield_b.payload,
			transfer_a: transfer_a.payload,
			transfer_b: transfer_b.payload,
			unshield: unshield.payload,
			relayed_b: relayed_b.payload,
			roots: [fp_to_bytes(&root_1), fp_to_bytes(&root_2)],
			bob_notes,
		}
	})
}

fn boxed(payload: &ShieldedProof) -> Box<ShieldedProof> {
	Box::new(payload.clone())
}

fn zk_events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::Zk(event) => Some(event),
			_ => None,
		})
		.collect()
}

/// Pool account balance above its existential deposit == pool total == `expected`.
fn assert_pool(expected: Balance) {
	assert_eq!(PoolTotal::<Test>::get(), expected, "pool total");
	assert_eq!(free(&Zk::pool_account()) - EXISTENTIAL_DEPOSIT, expected, "pool account balance");
}

/// Block 1: both shields by Alice.
fn block_1() {
	let s = scenario();
	assert_ok!(Zk::shield(RuntimeOrigin::signed(alice()), boxed(&s.shield_a)));
	assert_ok!(Zk::shield(RuntimeOrigin::signed(alice()), boxed(&s.shield_b)));
	next_block();
}

fn block_2_with_transfers() {
	let s = scenario();
	assert_ok!(Zk::transfer(RuntimeOrigin::none(), boxed(&s.transfer_a)));
	assert_ok!(Zk::transfer(RuntimeOrigin::none(), boxed(&s.transfer_b)));
	next_block();
}

#[test]
fn shield_transfer_unshield_end_to_end() {
	new_test_ext().execute_with(|| {
		let s = scenario();
		assert_pool(0);
		let alice_before = free(&alice());

		assert_ok!(Zk::shield(RuntimeOrigin::signed(alice()), boxed(&s.shield_a)));
		assert_ok!(Zk::shield(RuntimeOrigin::signed(alice()), boxed(&s.shield_b)));
		assert_eq!(free(&alice()), alice_before - 1500);
		assert_pool(1500);
		let events = zk_events();
		assert!(matches!(
			&events[0],
			Event::Shielded { who, value: 1000, notes, .. }
				if *who == alice() && notes.first_index == 0 &&
					notes.commitments == s.shield_a.public_inputs.commitments &&
					notes.ciphertexts == s.shield_a.ciphertexts
		));
		assert!(matches!(&events[1], Event::Shielded { notes, .. } if notes.first_index == 2));
		// The root is computed once, at the end of the block, and equals the wallet's.
		next_block();
		assert_eq!(Zk::tree_state().root, s.roots[0]);
		assert_eq!(Zk::tree_state().leaf_count, 4);
		assert!(zk_events().contains(&Event::AnchorAdded { root: s.roots[0], leaf_count: 4 }));

		block_2_with_transfers();
		assert_eq!(Zk::tree_state().root, s.roots[1]);
		assert_eq!(free(&fee_sink()), EXISTENTIAL_DEPOSIT + 5 + 3);
		assert_pool(1500 - 8);
		for nullifier in s.transfer_a.public_inputs.nullifiers {
			assert!(Zk::is_spent(&nullifier));
		}

		assert_ok!(Zk::unshield(RuntimeOrigin::none(), boxed(&s.unshield), charlie()));
		assert_eq!(free(&charlie()), 850);
		assert_eq!(free(&fee_sink()), EXISTENTIAL_DEPOSIT + 8 + 5);
		// Invariant: pool = sum(value_in) - sum(value_out) - sum(fees).
		assert_pool(1500 - 850 - 8 - 5);
		assert!(zk_events().iter().any(|e| matches!(
			e,
			Event::Unshielded { recipient, value: 850, fee: 5, notes, .. }
				if *recipient == charlie() && notes.first_index == 8
		)));

		// Wallet view, once the block is closed: every leaf with its ciphertext, in order.
		assert_eq!(Zk::leaves(0, 100).len(), 8, "this block's leaves are not in the tree yet");
		next_block();
		let leaves = Zk::leaves(0, 100);
		assert_eq!(leaves.len(), 10);
		assert_eq!(leaves[4].commitment, s.transfer_a.public_inputs.commitments[0]);
		assert_eq!(leaves[4].ciphertext, s.transfer_a.ciphertexts[0]);
		assert_eq!(Zk::leaves(8, 1).len(), 1);
		assert_eq!(s.bob_notes.iter().map(|n| n.value).collect::<Vec<_>>(), vec![900, 490]);
	});
}

#[test]
fn the_invariant_checks_catch_each_kind_of_corruption() {
	use frame_support::traits::fungible::Mutate;
	// A state after shields and transfers passes; each corruption then fails its own check.
	let populated = || {
		let mut ext = new_test_ext();
		ext.execute_with(|| {
			block_1();
			block_2_with_transfers();
			assert_ok!(Zk::do_try_state());
		});
		ext
	};
	let fails_with = |corrupt: &dyn Fn(), expected: &'static str| {
		populated().execute_with(|| {
			corrupt();
			let error = Zk::do_try_state().expect_err(expected);
			assert_eq!(error, DispatchError::Other(expected));
		});
	};
	fails_with(
		&|| PoolTotal::<Test>::mutate(|total| *total += 1),
		"zk: pool account balance minus existential deposit differs from PoolTotal",
	);
	fails_with(
		&|| {
			assert_ok!(Balances::mint_into(&Zk::pool_account(), 1));
		},
		"zk: pool account balance minus existential deposit differs from PoolTotal",
	);
	fails_with(&|| LeafCount::<Test>::mutate(|n| *n += 1), "zk: the frontier has not hashed every leaf");
	fails_with(&|| Leaves::<Test>::remove(3), "zk: stored leaves differ from LeafCount");
	fails_with(
		&|| {
			let latest = (RootCount::<Test>::get() - 1) as u32;
			RootRing::<Test>::insert(latest % ROOT_HISTORY, [7u8; 32]);
		},
		"zk: the latest anchor is not the frontier's root",
	);
	fails_with(
		&|| RootHistory::<Test>::insert([9u8; 32], 0),
		"zk: the anchor index does not hold the last RootHistorySize roots",
	);
	fails_with(&|| BlockProofCount::<Test>::put(1), "zk: BlockProofCount survived its block");
}

#[test]
fn a_batch_applies_like_single_calls() {
	new_test_ext().execute_with(|| {
		let s = scenario();
		block_1();
		let batch = BoundedVec::truncate_from(vec![
			ShieldedAction::Transfer(s.transfer_a.clone()),
			ShieldedAction::Transfer(s.transfer_b.clone()),
		]);
		assert_ok!(Zk::submit_batch(RuntimeOrigin::none(), batch));
		assert!(zk_events().contains(&Event::BatchApplied { count: 2 }));
		next_block();
		// Same tree as with two single calls: the unshield proven against it applies.
		assert_eq!(Zk::tree_state().root, s.roots[1]);
		let batch = BoundedVec::truncate_from(vec![ShieldedAction::Unshield {
			payload: s.unshield.clone(),
			recipient: charlie(),
		}]);
		assert_ok!(Zk::submit_batch(RuntimeOrigin::none(), batch));
		assert_eq!(free(&charlie()), 850);
		assert_pool(1500 - 850 - 13);
	});
}

#[test]
fn double_spends_are_refused_everywhere() {
	new_test_ext().execute_with(|| {
		let s = scenario();
		block_1();
		// In one call: both nullifiers equal.
		let mut same_twice = s.transfer_a.clone();
		same_twice.public_inputs.nullifiers[1] = same_twice.public_inputs.nullifiers[0];
		assert_noop!(
			Zk::transfer(RuntimeOrigin::none(), Box::new(same_twice)),
			Error::<Test>::DuplicateNullifier
		);
		// In one batch.
		let batch = BoundedVec::truncate_from(vec![
			ShieldedAction::Transfer(s.transfer_a.clone()),
			ShieldedAction::Transfer(s.transfer_a.clone()),
		]);
		assert_noop!(
			Zk::submit_batch(RuntimeOrigin::none(), batch),
			Error::<Test>::DuplicateNullifier
		);
		// Across blocks.
		block_2_with_transfers();
		assert_noop!(
			Zk::transfer(RuntimeOrigin::none(), boxed(&s.transfer_a)),
			Error::<Test>::NullifierAlreadySpent
		);
		// A replayed shield reveals the same (dummy) nullifiers: refused too.
		assert_noop!(
			Zk::shield(RuntimeOrigin::signed(alice()), boxed(&s.shield_a)),
			Error::<Test>::NullifierAlreadySpent
		);
	});
}

#[test]
fn unknown_and_expired_anchors_are_refused() {
	new_test_ext().execute_with(|| {
		let s = scenario();
		// Before the shields, the transfers' anchor does not exist yet.
		assert_ok!(Zk::shield(RuntimeOrigin::signed(alice()), boxed(&s.shield_a)));
		assert_ok!(Zk::shield(RuntimeOrigin::signed(alice()), boxed(&s.shield_b)));
		assert_noop!(
			Zk::transfer(RuntimeOrigin::none(), boxed(&s.transfer_a)),
			Error::<Test>::UnknownAnchor
		);
		next_block();
		// ROOT_HISTORY more roots push the block-1 root out of the history.
		for i in 0..ROOT_HISTORY {
			Pallet::<Test>::record_root([i as u8 + 1; 32], 4);
		}
		assert!(!Zk::is_known_anchor(&s.roots[0]));
		assert_noop!(
			Zk::transfer(RuntimeOrigin::none(), boxed(&s.transfer_a)),
			Error::<Test>::UnknownAnchor
		);
	});
}

#[test]
fn tampered_proofs_and_bindings_are_refused() {
	new_test_ext().execute_with(|| {
		let s = scenario();
		block_1();
		// The pool verifies the proof (dispatch defers it to the block's batch, see
		// `a_block_with_an_invalid_proof_is_invalid`).
		let mut tampered = s.transfer_a.clone();
		tampered.proof[200] ^= 1;
		assert_eq!(validate(&Call::transfer { payload: Box::new(tampered) }), Err(refusal(13)));

		// A changed ciphertext no longer matches the binding.
		let mut other_ciphertext = s.transfer_a.clone();
		other_ciphertext.ciphertexts[1][0] ^= 1;
		assert_noop!(
			Zk::transfer(RuntimeOrigin::none(), Box::new(other_ciphertext)),
			Error::<Test>::BindingMismatch
		);
		// A transfer proof cannot be used as an unshield, nor a shield as a transfer.
		assert_noop!(
			Zk::unshield(RuntimeOrigin::none(), boxed(&s.transfer_a), charlie()),
			Error::<Test>::ValuesNotAllowed
		);
		assert_noop!(
			Zk::transfer(RuntimeOrigin::none(), boxed(&s.shield_b)),
			Error::<Test>::ValuesNotAllowed
		);
		block_2_with_transfers();
		// The unshield is bound to Charlie: redirecting it to Bob fails.
		assert_noop!(
			Zk::unshield(RuntimeOrigin::none(), boxed(&s.unshield), bob()),
			Error::<Test>::BindingMismatch
		);
		// Changing the amount breaks the proof (after the binding, which does not cover it).
		let mut more = s.unshield.clone();
		more.public_inputs.value_out += 1;
		let call = Call::unshield { payload: Box::new(more), recipient: charlie() };
		assert_eq!(validate(&call), Err(refusal(13)));
	});
}

#[test]
fn a_relayed_transfer_pays_its_relayer_and_a_bad_one_costs_only_the_relayer() {
	new_test_ext().execute_with(|| {
		let s = scenario();
		block_1();
		let relay = |who: AccountId, payload: &ShieldedProof| {
			Zk::relay(RuntimeOrigin::signed(who), Box::new(ShieldedAction::Transfer(payload.clone())))
		};
		// The proof is bound to Bob as its fee payee: no one else may relay it, and it is no
		// unsigned transfer; an unsigned transfer's proof cannot be relayed.
		assert_noop!(relay(charlie(), &s.relayed_b), Error::<Test>::BindingMismatch);
		assert_noop!(
			Zk::transfer(RuntimeOrigin::none(), boxed(&s.relayed_b)),
			Error::<Test>::BindingMismatch
		);
		assert_noop!(relay(bob(), &s.transfer_b), Error::<Test>::BindingMismatch);
		// The pool never takes a relay as an unsigned call.
		let relayed = Call::relay {
			action: Box::new(ShieldedAction::Transfer(s.relayed_b.clone())),
		};
		assert_eq!(validate(&relayed), Err(InvalidTransaction::Call.into()));
		// It is weighed as a proof verified alone, on top of a transfer's own work.
		let weight = relayed.get_dispatch_info().call_weight;
		assert!(weight.all_gte(
			<<Test as Config>::WeightInfo as WeightInfo>::verify_block_proofs(1)
				.saturating_add(<<Test as Config>::WeightInfo as WeightInfo>::transfer())
		));

		// A bad proof is verified at dispatch: the call fails (its signer has paid the
		// transaction fee) and nothing else changes, in this block or at its end.
		let mut tampered = s.relayed_b.clone();
		tampered.proof[200] ^= 1;
		assert_noop!(relay(bob(), &tampered), Error::<Test>::InvalidProof);
		assert_eq!(BlockProofCount::<Test>::get(), 0);

		let (bob_before, sink_before) = (free(&bob()), free(&fee_sink()));
		assert_ok!(relay(bob(), &s.relayed_b));
		assert_eq!(free(&bob()), bob_before + 3, "the relayer is paid the shielded fee");
		assert_eq!(free(&fee_sink()), sink_before, "nothing is burned");
		assert_pool(1500 - 3);
		for nullifier in s.relayed_b.public_inputs.nullifiers {
			assert!(Zk::is_spent(&nullifier));
		}
		// Its spend is now a double spend on both paths.
		assert_noop!(relay(bob(), &s.relayed_b), Error::<Test>::NullifierAlreadySpent);
		assert_eq!(
			validate(&Call::transfer { payload: boxed(&s.transfer_b) }),
			Err(refusal(5))
		);
		next_block();
		assert_eq!(Zk::tree_state().leaf_count, 6);
	});
}

/// The pool's answer for `call`.
fn validate(call: &Call<Test>) -> sp_runtime::transaction_validity::TransactionValidity {
	Zk::validate_unsigned(TransactionSource::External, call)
}

/// The pool's refusal with `code` (`docs/zk.md`, "Refusal codes").
fn refusal(code: u8) -> TransactionValidityError {
	TransactionValidityError::Invalid(InvalidTransaction::Custom(code))
}

#[test]
#[should_panic(expected = "a shielded proof in this block is invalid")]
fn a_block_with_an_invalid_proof_is_invalid() {
	new_test_ext().execute_with(|| {
		let s = scenario();
		block_1();
		// An author that skips its pool's verification can dispatch it: the checks that do
		// not need the proof pass, and the block's batch refuses the block.
		let mut tampered = s.transfer_b.clone();
		tampered.proof[200] ^= 1;
		assert_ok!(Zk::transfer(RuntimeOrigin::none(), boxed(&s.transfer_a)));
		assert_ok!(Zk::transfer(RuntimeOrigin::none(), Box::new(tampered)));
		next_block();
	});
}

#[test]
fn a_block_verifies_its_unsigned_proofs_in_one_batch_each_paying_its_share() {
	new_test_ext().execute_with(|| {
		let s = scenario();
		block_1();
		sable_zk_host::native::clear_cache();
		let own = <() as WeightInfo>::transfer();
		let fixed = <() as WeightInfo>::verify_block_proofs(0);
		let per_proof = <() as WeightInfo>::verify_block_proofs(1) - fixed;
		let leaves = Zk::tree_weight(2);
		// The block reserves the fixed cost of its one host batch call and of the tree
		// update; a transfer declares, and uses, its own work and its shares.
		let reserved = Zk::on_initialize(2);
		assert_eq!(reserved, fixed + <() as WeightInfo>::update_root(0));
		for transfer in [&s.transfer_a, &s.transfer_b] {
			let declared =
				Call::<Test>::transfer { payload: boxed(transfer) }.get_dispatch_info().call_weight;
			assert_eq!(declared, own + per_proof + leaves);
			assert_ok!(Zk::transfer(RuntimeOrigin::none(), boxed(transfer)));
		}
		assert_eq!(BlockProofCount::<Test>::get(), 2);
		next_block();
		// Verified together at the end of the block (and so remembered by the node), then
		// forgotten by the chain.
		assert_eq!(BlockProofCount::<Test>::get(), 0);
		assert!(BlockProofs::<Test>::iter().next().is_none());
		for payload in [&s.transfer_a, &s.transfer_b] {
			assert!(sable_zk_host::native::is_cached(&Zk::statement(payload).expect("statement")));
		}
		assert_eq!(Zk::tree_state().root, s.roots[1]);
	});
}

#[test]
fn a_block_holds_at_most_max_block_proofs() {
	new_test_ext().execute_with(|| {
		let s = scenario();
		block_1();
		BlockProofCount::<Test>::put(<<Test as Config>::MaxBlockProofs as Get<u32>>::get());
		let call = Call::<Test>::transfer { payload: boxed(&s.transfer_a) };
		// Left for a later block by the author, and refused if dispatched anyway.
		assert_eq!(
			Zk::pre_dispatch(&call),
			Err(TransactionValidityError::Invalid(InvalidTransaction::ExhaustsResources))
		);
		assert_noop!(
			Zk::transfer(RuntimeOrigin::none(), boxed(&s.transfer_a)),
			Error::<Test>::BlockProofsFull
		);
		BlockProofCount::<Test>::kill();
		assert_ok!(Zk::pre_dispatch(&call));
	});
}

#[test]
fn low_fees_disabled_verifier_and_bad_origins_are_refused() {
	new_test_ext().execute_with(|| {
		let s = scenario();
		block_1();
		let mut cheap = s.transfer_a.clone();
		cheap.public_inputs.fee = MINIMUM_FEE - 1;
		assert_noop!(
			Zk::transfer(RuntimeOrigin::none(), Box::new(cheap)),
			Error::<Test>::FeeTooLow
		);

		assert_noop!(
			Zk::set_enabled(RuntimeOrigin::signed(alice()), false),
			DispatchError::BadOrigin
		);
		assert_ok!(Zk::set_enabled(RuntimeOrigin::root(), false));
		assert_noop!(
			Zk::transfer(RuntimeOrigin::none(), boxed(&s.transfer_a)),
			Error::<Test>::VerifierDisabled
		);
		assert_noop!(
			Zk::shield(RuntimeOrigin::signed(alice()), boxed(&s.shield_a)),
			Error::<Test>::VerifierDisabled
		);
		assert_ok!(Zk::set_enabled(RuntimeOrigin::root(), true));
		assert_ok!(Zk::transfer(RuntimeOrigin::none(), boxed(&s.transfer_a)));

		// Unsigned calls must be unsigned, the shield must be signed.
		assert_noop!(
			Zk::transfer(RuntimeOrigin::signed(alice()), boxed(&s.transfer_b)),
			DispatchError::BadOrigin
		);
		assert_noop!(
			Zk::shield(RuntimeOrigin::none(), boxed(&s.shield_a)),
			DispatchError::BadOrigin
		);
		// A signer who cannot pay `value_in` is refused before the proof is checked.
		let poor = sp_core::crypto::AccountId32::new([8; 32]);
		assert_ok!(<Balances as frame_support::traits::fungible::Mutate<_>>::mint_into(&poor, 500));
		assert_noop!(
			Zk::shield(RuntimeOrigin::signed(poor), boxed(&s.shield_a)),
			Error::<Test>::InsufficientBalance
		);
	});
}

#[test]
fn a_batch_with_one_bad_proof_changes_nothing() {
	new_test_ext().execute_with(|| {
		let s = scenario();
		block_1();
		let mut bad = s.transfer_b.clone();
		bad.proof[300] ^= 1;
		let actions = BoundedVec::truncate_from(vec![
			ShieldedAction::Transfer(s.transfer_a.clone()),
			ShieldedAction::Transfer(bad),
		]);
		// Refused by the pool after one combined check, without a search for the culprit.
		assert_eq!(validate(&Call::submit_batch { actions }), Err(refusal(13)));
		assert_pool(1500);
		assert!(!Zk::is_spent(&s.transfer_a.public_inputs.nullifiers[0]));
		assert_noop!(
			Zk::submit_batch(RuntimeOrigin::none(), BoundedVec::new()),
			Error::<Test>::EmptyBatch
		);
	});
}

/// `payload` with its proof replaced by `proof` (`None` beyond the bound of every payload).
fn with_proof(payload: &ShieldedProof, proof: Vec<u8>) -> Option<ShieldedProof> {
	Some(ShieldedProof { proof: proof.try_into().ok()?, ..payload.clone() })
}

#[test]
fn a_proof_of_any_other_length_is_refused_singly_in_a_batch_and_by_the_pool() {
	new_test_ext().execute_with(|| {
		let s = scenario();
		block_1();
		let proof = s.transfer_a.proof.to_vec();
		let mut padded = proof.clone();
		padded.push(0);
		let mut at_bound = proof.clone();
		at_bound.resize(MAX_PROOF_LEN as usize, 0);
		let mut over_bound = proof.clone();
		over_bound.resize(MAX_PROOF_LEN as usize + 1, 0);
		let short = proof[..proof.len() - 1].to_vec();
		// One byte more than the longest proof of any circuit version exceeds the bound of
		// every proof: such a call does not even decode.
		assert!(proof.len() < MAX_PROOF_LEN as usize);
		assert!(with_proof(&s.transfer_a, over_bound).is_none());
		for bad in [padded, at_bound, short] {
			let bad = with_proof(&s.transfer_a, bad).expect("within the bound");
			assert_noop!(
				Zk::transfer(RuntimeOrigin::none(), Box::new(bad.clone())),
				Error::<Test>::WrongProofLength
			);
			let batch = BoundedVec::truncate_from(vec![
				ShieldedAction::Transfer(s.transfer_b.clone()),
				ShieldedAction::Transfer(bad.clone()),
			]);
			assert_noop!(
				Zk::submit_batch(RuntimeOrigin::none(), batch),
				Error::<Test>::WrongProofLength
			);
			let call = Call::<Test>::transfer { payload: Box::new(bad) };
			assert_eq!(validate(&call), Err(refusal(Error::<Test>::WrongProofLength.code())));
		}
		assert_ok!(Zk::transfer(RuntimeOrigin::none(), boxed(&s.transfer_a)));
	});
}

#[test]
fn the_runtime_chooses_the_accepted_circuit_version() {
	new_test_ext().execute_with(|| {
		let s = scenario();
		block_1();
		// A version no node verifies (and the registry does not hold) is refused clearly,
		// before any proof work; switching back accepts the same proof.
		TransferCircuit::set(&CircuitId::new(sable_zk_host::circuits::TRANSFER, 2));
		assert_noop!(
			Zk::transfer(RuntimeOrigin::none(), boxed(&s.transfer_a)),
			Error::<Test>::UnknownCircuit
		);
		TransferCircuit::set(&sable_zk_host::circuits::TRANSFER_V1.id);
		assert_ok!(Zk::transfer(RuntimeOrigin::none(), boxed(&s.transfer_a)));
	});
}

#[test]
fn oversize_inputs_do_not_decode() {
	let s = scenario();
	let mut encoded = s.transfer_a.encode();
	// Replace the proof's length prefix and bytes by a 9,000-byte proof.
	let long =
		(vec![0u8; 9000], s.transfer_a.public_inputs.clone(), s.transfer_a.ciphertexts).encode();
	assert!(ShieldedProof::decode(&mut &long[..]).is_err());
	assert!(ShieldedProof::decode(&mut &encoded[..]).is_ok());
	// A batch longer than `MaxBatchSize` (8) does not decode as a call.
	let items = vec![ShieldedAction::<AccountId>::Transfer(s.transfer_a.clone()); 8];
	encoded = (2u8, 3u8, &items).encode();
	assert!(matches!(
		RuntimeCall::decode(&mut &encoded[..]),
		Ok(RuntimeCall::Zk(Call::submit_batch { actions })) if actions.len() == 8
	));
	let items = vec![ShieldedAction::<AccountId>::Transfer(s.transfer_a.clone()); 9];
	encoded = (2u8, 3u8, &items).encode();
	assert!(RuntimeCall::decode(&mut &encoded[..]).is_err());
}

#[test]
fn the_pool_validates_unsigned_transfers_with_tags_priority_and_longevity() {
	new_test_ext().execute_with(|| {
		let s = scenario();
		block_1();
		let call = Call::<Test>::transfer { payload: boxed(&s.transfer_a) };
		let fee = s.transfer_a.public_inputs.fee;
		let valid = validate(&call).expect("valid");
		// With no length fee the whole shielded fee is surplus, ordered as a tip would be.
		assert_eq!(valid.priority, fee);
		// The block-1 root is the newest of ROOT_HISTORY accepted roots.
		assert_eq!(valid.longevity, u64::from(ROOT_HISTORY));
		let tags: Vec<Vec<u8>> = s
			.transfer_a
			.public_inputs
			.nullifiers
			.iter()
			.map(|nf| ("SableZk", nf.0).encode())
			.collect();
		assert_eq!(valid.provides, tags);
		assert!(valid.requires.is_empty());

		let mut tampered = s.transfer_a.clone();
		tampered.proof[10] ^= 1;
		let call = Call::<Test>::transfer { payload: Box::new(tampered) };
		assert_eq!(
			Zk::validate_unsigned(TransactionSource::External, &call),
			Err(TransactionValidityError::Invalid(InvalidTransaction::Custom(13)))
		);
		let call = Call::<Test>::set_enabled { enabled: false };
		assert_eq!(
			Zk::validate_unsigned(TransactionSource::External, &call),
			Err(TransactionValidityError::Invalid(InvalidTransaction::Call))
		);

		// Once spent in the block, the other transaction is left out by pre_dispatch.
		let call = Call::<Test>::transfer { payload: boxed(&s.transfer_a) };
		assert_ok!(Zk::pre_dispatch(&call));
		assert_ok!(Zk::transfer(RuntimeOrigin::none(), boxed(&s.transfer_a)));
		assert_eq!(
			Zk::pre_dispatch(&call),
			Err(TransactionValidityError::Invalid(InvalidTransaction::Custom(5)))
		);
	});
}

#[test]
fn the_fee_follows_what_signed_bytes_cost() {
	new_test_ext().execute_with(|| {
		let s = scenario();
		block_1();
		let call = Call::<Test>::transfer { payload: boxed(&s.transfer_a) };
		let fee = s.transfer_a.public_inputs.fee;
		let len = call.encoded_size() as u32;
		assert!(len > 4 * 1024, "a transfer is a few KiB");
		// One unit for the transaction's bytes: the rest of the fee is the priority.
		BytesPerFeeUnit::set(&len);
		assert_eq!(validate(&call).expect("still paid").priority, fee - 1);
		// The price of bytes rises (as the fee multiplier does): the same proof no longer
		// pays enough, in the pool or in a block.
		BytesPerFeeUnit::set(&(len / (fee as u32 + 1)));
		assert_eq!(validate(&call), Err(refusal(Error::<Test>::FeeTooLow.code())));
		assert_eq!(Zk::pre_dispatch(&call), Err(refusal(Error::<Test>::FeeTooLow.code())));
		// Wallets ask for the fee to offer: the price of exactly a real transfer's bytes.
		BytesPerFeeUnit::set(&1);
		assert_eq!(Zk::minimum_fee(CallKind::Transfer), Some(u64::from(len)));
		assert_eq!(Zk::minimum_fee(CallKind::Unshield), Some(u64::from(len) + 32));
		assert_eq!(Zk::minimum_fee(CallKind::Shield), None);
		BytesPerFeeUnit::set(&0);
		assert_eq!(Zk::minimum_fee(CallKind::Transfer), Some(MINIMUM_FEE));
		assert_ok!(Zk::pre_dispatch(&call));
	});
}

mod benchmark_fixture {
	use super::*;
	use crate::benchmark_fixture::*;

	/// Writes `benchmark_fixture.scale` (about a minute of proving).
	#[test]
	#[ignore]
	fn regenerate_benchmark_fixture() {
		if std::env::var("SABLE_UPDATE_BENCH_FIXTURE").is_err() {
			return;
		}
		let keys = TransferKeys::get();
		let mut rng = StdRng::seed_from_u64(0xbe7c);
		let sk = SpendingKey::from_field(Fp::from(0xbe_u64));
		let address = Address::from_spending_key(&sk);
		let recipient = [7u8; 32];
		let notes_needed = 1 + FIXTURE_UNSHIELDS;
		let notes: Vec<_> = (0..notes_needed)
			.map(|_| sable_zk_primitives::note::Note {
				value: NOTE_VALUE,
				owner: sk.owner(),
				rho: sable_zk_primitives::note::Rho(ff::Field::random(&mut rng)),
				rcm: ff::Field::random(&mut rng),
			})
			.collect();
		let mut tree = CommitmentTree::default();
		for note in &notes {
			tree.append(note.commitment_field()).expect("room");
		}
		let anchor = tree.root();
		let mut prove = |inputs, outputs, value_in, value_out, fee, kind, unshield_recipient| {
			let request = ShieldedRequest::new(inputs, outputs, anchor, value_in, value_out, fee);
			let context = BindingContext { genesis_hash: GENESIS, kind, unshield_recipient, fee_payee: None };
			prove_shielded(keys, &request, &context, &mut rng).expect("fixture proof").payload
		};
		let spend = |position: usize| Spend {
			sk,
			note: notes[position],
			path: tree.path(position as u64).expect("leaf"),
		};
		let dummy = |seed: u64| Spend::dummy(&mut StdRng::seed_from_u64(seed));
		let shield = prove(
			[dummy(1), dummy(2)],
			[(address, SHIELD_VALUE), (address, 0)],
			SHIELD_VALUE,
			0,
			0,
			CallKind::Shield,
			None,
		);
		let transfer = prove(
			[spend(0), dummy(3)],
			[(address, NOTE_VALUE - FIXTURE_FEE), (address, 0)],
			0,
			0,
			FIXTURE_FEE,
			CallKind::Transfer,
			None,
		);
		let unshields = (0..FIXTURE_UNSHIELDS)
			.map(|i| {
				prove(
					[spend(1 + i), dummy(100 + i as u64)],
					[(address, NOTE_VALUE - UNSHIELD_VALUE - FIXTURE_FEE), (address, 0)],
					0,
					UNSHIELD_VALUE,
					FIXTURE_FEE,
					CallKind::Unshield,
					Some(recipient),
				)
			})
			.collect();
		let fixture = BenchmarkFixture {
			genesis_hash: GENESIS,
			leaves: notes.iter().map(|note| note.commitment()).collect(),
			shield,
			transfer,
			unshields,
			recipient,
		};
		let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/benchmark_fixture.scale");
		std::fs::write(path, fixture.encode()).expect("write fixture");
	}

	#[test]
	fn committed_fixture_proofs_verify() {
		let fixture = fixture().expect("fixture decodes");
		assert_eq!(fixture.unshields.len(), FIXTURE_UNSHIELDS);
		let mut tree = CommitmentTree::default();
		for leaf in &fixture.leaves {
			tree.append(fp_from_bytes(&leaf.0).expect("canonical")).expect("room");
		}
		let payloads: Vec<&ShieldedProof> = [&fixture.shield, &fixture.transfer]
			.into_iter()
			.chain(fixture.unshields.iter())
			.collect();
		for payload in &payloads {
			assert_eq!(payload.public_inputs.anchor, fp_to_bytes(&tree.root()));
		}
		new_test_ext().execute_with(|| {
			let batch: Vec<_> = payloads
				.iter()
				.map(|payload| Zk::statement(payload).expect("well-formed"))
				.collect();
			assert_eq!(batch.len(), FIXTURE_UNSHIELDS + 2);
			assert_eq!(sable_zk_host::verify(&batch), Ok(()));
		});
	}
}
