//! # Durations pallet
//!
//! The lengths that shape consensus and staking: the BABE epoch (one session), the sessions of
//! an era, the bonding period, the slash deferral and the history of claimable rewards.
//! A chain's genesis sets them once; no call changes them afterwards, because BABE cannot
//! change its epoch length on a running chain and the staking periods are promises to the
//! chain's stakers (`docs/OPERATOR.md`, "Durations").
//!
//! One runtime serves every network: test networks take [`Config::Default`] (short periods, so
//! that rotations and slashes are observable within minutes), the staging preset sets
//! production periods. The runtime reads each duration through the [`Get`] adapters of
//! [`Durations`].

#![cfg_attr(not(feature = "std"), no_std)]

pub use pallet::*;

#[cfg(test)]
mod tests;

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::traits::Get;
use scale_info::TypeInfo;

/// The durations of a chain.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	serde::Serialize,
	serde::Deserialize,
)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChainDurations {
	/// Slots in one BABE epoch, which is one session.
	pub epoch_slots: u64,
	/// Sessions in one staking era.
	pub sessions_per_era: u32,
	/// Eras that unbonded funds stay bonded, and slashable.
	pub bonding_eras: u32,
	/// Eras a slash waits before it applies, during which Root may cancel it.
	pub slash_defer_eras: u32,
	/// Eras of rewards kept claimable.
	pub history_depth_eras: u32,
}

/// Why a set of durations cannot start a chain.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum InvalidDurations {
	/// An epoch has no slots, or an era no sessions.
	EmptyPeriod,
	/// Funds must stay bonded for at least one era.
	NoBonding,
	/// A deferred slash must apply while the offender's funds are still bonded
	/// (`pallet_staking` requires the deferral to be shorter than the bonding period).
	DeferralNotShorterThanBonding,
	/// Rewards must stay claimable for at least the bonding period.
	HistoryShorterThanBonding,
}

impl ChainDurations {
	/// Checks the rules every chain's durations must follow.
	pub fn validate(&self) -> Result<(), InvalidDurations> {
		if self.epoch_slots == 0 || self.sessions_per_era == 0 {
			return Err(InvalidDurations::EmptyPeriod);
		}
		if self.bonding_eras == 0 {
			return Err(InvalidDurations::NoBonding);
		}
		if self.slash_defer_eras >= self.bonding_eras {
			return Err(InvalidDurations::DeferralNotShorterThanBonding);
		}
		if self.history_depth_eras < self.bonding_eras {
			return Err(InvalidDurations::HistoryShorterThanBonding);
		}
		Ok(())
	}

	/// Sessions an offender's stake stays slashable after it unbonds: as long as an
	/// equivocation about it can be reported, and as long as GRANDPA keeps the set ids such a
	/// report names.
	pub fn slashable_sessions(&self) -> u32 {
		self.bonding_eras.saturating_mul(self.sessions_per_era)
	}

	/// [`Self::slashable_sessions`] in slots: how long an equivocation report stays valid.
	pub fn report_longevity_slots(&self) -> u64 {
		u64::from(self.slashable_sessions()).saturating_mul(self.epoch_slots)
	}
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::pallet_prelude::*;

	/// The version of this pallet's storage layout: 0 is the layout the chain launched with.
	pub const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The durations of a chain whose genesis sets none.
		type Default: Get<ChainDurations>;
	}

	/// The chain's durations, set at genesis.
	#[pallet::storage]
	pub type Durations<T: Config> = StorageValue<_, ChainDurations, ValueQuery, T::Default>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// The chain's durations; `None` keeps [`Config::Default`].
		pub durations: Option<ChainDurations>,
		#[serde(skip)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			let durations = self.durations.unwrap_or_else(T::Default::get);
			// A chain spec with durations that break staking's rules must not start a chain.
			if let Err(error) = durations.validate() {
				panic!("invalid genesis durations {durations:?}: {error:?}");
			}
			Durations::<T>::put(durations);
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<frame_system::pallet_prelude::BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert_eq!(T::Default::get().validate(), Ok(()), "the default durations are valid");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(
			_: frame_system::pallet_prelude::BlockNumberFor<T>,
		) -> Result<(), sp_runtime::TryRuntimeError> {
			Durations::<T>::get().validate().map_err(|_| "durations: stored durations are invalid".into())
		}
	}
}

/// Reads one of the chain's durations, as the `Get` other pallets' configs ask for (in any
/// integer type the value converts into, as `parameter_types!` offers).
macro_rules! duration_getter {
	($(#[$doc:meta])* $name:ident: $ty:ty = |$d:ident| $value:expr) => {
		$(#[$doc])*
		pub struct $name<T>(core::marker::PhantomData<T>);
		impl<T: Config, I: From<$ty>> Get<I> for $name<T> {
			fn get() -> I {
				let $d = Durations::<T>::get();
				I::from($value)
			}
		}
	};
}

duration_getter!(
	/// Slots in an epoch (`pallet_babe::Config::EpochDuration`).
	EpochDuration: u64 = |d| d.epoch_slots
);
duration_getter!(
	/// Sessions in an era (`pallet_staking::Config::SessionsPerEra`).
	SessionsPerEra: u32 = |d| d.sessions_per_era
);
duration_getter!(
	/// Eras of bonding (`pallet_staking::Config::BondingDuration`).
	BondingDuration: u32 = |d| d.bonding_eras
);
duration_getter!(
	/// Eras of slash deferral (`pallet_staking::Config::SlashDeferDuration`).
	SlashDeferDuration: u32 = |d| d.slash_defer_eras
);
duration_getter!(
	/// Eras of claimable rewards (`pallet_staking::Config::HistoryDepth`).
	HistoryDepth: u32 = |d| d.history_depth_eras
);
duration_getter!(
	/// Slots an equivocation report stays valid (BABE's and GRANDPA's `ReportLongevity`).
	ReportLongevity: u64 = |d| d.report_longevity_slots()
);
duration_getter!(
	/// Sessions of GRANDPA set ids kept (`pallet_grandpa::Config::MaxSetIdSessionEntries`).
	SlashableSessions: u32 = |d| d.slashable_sessions()
);
