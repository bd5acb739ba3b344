//! Root held by a multisig, as on staging: three of four signatories authorize a runtime
//! upgrade through sudo, fewer cannot, and the authorized code (the real next-spec wasm) is
//! then applied by anyone; code with the same spec version is refused
//! (`docs/OPERATOR.md`, "Governance" and "Runtime upgrades").

mod common;

use common::{new_test_ext, run_to_block};
use frame_support::{assert_noop, assert_ok, dispatch::GetDispatchInfo};
use sable_runtime::{AccountId, Multisig, Runtime, RuntimeCall, RuntimeEvent, RuntimeOrigin, System};
use sp_core::traits::ReadRuntimeVersionExt;
use sp_genesis_builder::DEV_RUNTIME_PRESET;
use sp_keyring::Sr25519Keyring;

const THRESHOLD: u16 = 3;

fn signatories() -> Vec<AccountId> {
	let mut all: Vec<AccountId> =
		[Sr25519Keyring::Alice, Sr25519Keyring::Bob, Sr25519Keyring::Charlie, Sr25519Keyring::Dave]
			.map(|k| k.to_account_id())
			.to_vec();
	all.sort();
	all
}

/// The signatories other than `who`, sorted, as `pallet_multisig` wants them.
fn others(who: &AccountId) -> Vec<AccountId> {
	signatories().into_iter().filter(|s| s != who).collect()
}

/// A dev chain whose sudo key is the 3-of-4 multisig, with an executor that can read a wasm's
/// runtime version (what `system.apply_authorized_upgrade` checks).
fn chain_with_multisig_root() -> sp_io::TestExternalities {
	let mut ext = new_test_ext(DEV_RUNTIME_PRESET);
	let executor = sc_executor::WasmExecutor::<sable_zk_host::SableHostFunctions>::builder().build();
	ext.register_extension(ReadRuntimeVersionExt::new(executor));
	ext.execute_with(|| {
		run_to_block(1, 0);
		let multisig = Multisig::multi_account_id(&signatories(), THRESHOLD);
		assert_ok!(pallet_sudo::Pallet::<Runtime>::set_key(
			RuntimeOrigin::signed(Sr25519Keyring::Alice.to_account_id()),
			multisig.into()
		));
	});
	ext
}

fn next_runtime() -> &'static [u8] {
	sable_runtime::next_spec::WASM_BINARY.expect("the next-spec runtime is built")
}

fn authorize(code: &[u8]) -> RuntimeCall {
	let hash = sp_io::hashing::blake2_256(code).into();
	RuntimeCall::Sudo(pallet_sudo::Call::sudo {
		call: Box::new(RuntimeCall::System(frame_system::Call::authorize_upgrade { code_hash: hash })),
	})
}

fn events() -> Vec<RuntimeEvent> {
	System::events().into_iter().map(|record| record.event).collect()
}

/// Signatories `approvers` approve `call` in turn; the last one submits it whole.
fn approve(call: &RuntimeCall, approvers: &[Sr25519Keyring]) {
	let max_weight = call.get_dispatch_info().call_weight;
	let hash = sp_io::hashing::blake2_256(&codec::Encode::encode(call));
	let multisig = Multisig::multi_account_id(&signatories(), THRESHOLD);
	for (i, approver) in approvers.iter().enumerate() {
		let who = approver.to_account_id();
		let timepoint = pallet_multisig::Multisigs::<Runtime>::get(&multisig, hash).map(|m| m.when);
		let origin = RuntimeOrigin::signed(who.clone());
		if i + 1 < approvers.len() {
			assert_ok!(Multisig::approve_as_multi(origin, THRESHOLD, others(&who), timepoint, hash, max_weight));
		} else {
			assert_ok!(Multisig::as_multi(
				origin,
				THRESHOLD,
				others(&who),
				timepoint,
				Box::new(call.clone()),
				max_weight
			));
		}
	}
}

/// Whether an upgrade is authorized: `frame_system`'s `AuthorizedUpgrade` holds a value (the
/// item is private to the pallet, so it is read by its key).
fn authorized() -> bool {
	let key = frame_support::storage::storage_prefix(b"System", b"AuthorizedUpgrade");
	frame_support::storage::unhashed::exists(&key)
}

#[test]
fn three_of_four_signatories_authorize_an_upgrade_and_anyone_applies_it() {
	chain_with_multisig_root().execute_with(|| {
		let call = authorize(next_runtime());
		// Two approvals: nothing is dispatched.
		approve(&call, &[Sr25519Keyring::Alice, Sr25519Keyring::Bob]);
		assert!(!authorized());
		// The third executes sudo(authorize_upgrade) as the multisig.
		approve(&call, &[Sr25519Keyring::Charlie]);
		assert!(authorized());
		assert!(events().iter().any(|e| matches!(
			e,
			RuntimeEvent::Sudo(pallet_sudo::Event::Sudid { sudo_result: Ok(()) })
		)));

		// Anyone (here an unsigned origin) applies the authorized code; only that code.
		let current = sable_runtime::WASM_BINARY.expect("built");
		assert_noop!(
			frame_system::Pallet::<Runtime>::apply_authorized_upgrade(RuntimeOrigin::none(), current.to_vec()),
			frame_system::Error::<Runtime>::Unauthorized
		);
		assert_ok!(frame_system::Pallet::<Runtime>::apply_authorized_upgrade(
			RuntimeOrigin::none(),
			next_runtime().to_vec()
		));
		assert!(events().iter().any(|e| matches!(e, RuntimeEvent::System(frame_system::Event::CodeUpdated { .. }))));
		assert_eq!(sp_io::storage::get(sp_core::storage::well_known_keys::CODE).as_deref(), Some(next_runtime()));
	});
}

#[test]
fn no_single_key_holds_root_and_a_stale_runtime_is_refused() {
	chain_with_multisig_root().execute_with(|| {
		// Alice, the dev chain's former sudo key, is Root no more.
		let alice = Sr25519Keyring::Alice.to_account_id();
		assert_noop!(
			pallet_sudo::Pallet::<Runtime>::sudo(RuntimeOrigin::signed(alice), Box::new(authorize(next_runtime()))),
			pallet_sudo::Error::<Runtime>::RequireSudo
		);
		// The multisig authorizes the runtime already running (same spec version): applying it
		// is refused with an event, and the code is unchanged.
		let current = sable_runtime::WASM_BINARY.expect("built");
		approve(&authorize(current), &[Sr25519Keyring::Bob, Sr25519Keyring::Charlie, Sr25519Keyring::Dave]);
		assert!(authorized());
		let before = sp_io::storage::get(sp_core::storage::well_known_keys::CODE);
		assert_ok!(frame_system::Pallet::<Runtime>::apply_authorized_upgrade(
			RuntimeOrigin::none(),
			current.to_vec()
		));
		assert!(events().iter().any(|e| matches!(
			e,
			RuntimeEvent::System(frame_system::Event::RejectedInvalidAuthorizedUpgrade { .. })
		)));
		assert_eq!(sp_io::storage::get(sp_core::storage::well_known_keys::CODE), before);
	});
}
