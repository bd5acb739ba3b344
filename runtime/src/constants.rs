//! Constants of the Sable runtime: the currency's denominations and the chain's clock.

/// Balances, fees and deposits of the native token `SBL`.
pub mod currency {
	use crate::Balance;

	/// Decimal places of one `SBL`; published as the `tokenDecimals` chain property.
	pub const DECIMALS: u8 = 12;
	/// One whole `SBL`.
	pub const UNITS: Balance = 10u128.pow(DECIMALS as u32);
	/// A hundredth of a unit.
	pub const CENTS: Balance = UNITS / 100;
	/// A thousandth of a cent.
	pub const MILLICENTS: Balance = CENTS / 1_000;
	/// The `tokenSymbol` chain property.
	pub const TOKEN_SYMBOL: &str = "SBL";
	/// The SS58 address format; 42 is the generic Substrate prefix (see docs/ARCHITECTURE.md).
	pub const SS58_PREFIX: u16 = 42;

	/// Deposit for storing `items` entries of `bytes` bytes in total.
	pub const fn deposit(items: u32, bytes: u32) -> Balance {
		items as Balance * 20 * CENTS + (bytes as Balance) * 100 * MILLICENTS
	}
}

/// Slots, epochs and sessions.
pub mod time {
	use crate::BlockNumber;
	use pallet_durations::ChainDurations;

	/// BABE aims for one block per slot; with secondary slots every slot gets a block. Two
	/// seconds keeps a block in every slot on a loaded dev node and on an idle 4-validator
	/// net; four loaded validators sharing two cores miss slots (docs/PERFORMANCE.md,
	/// "Slot length").
	pub const MILLISECS_PER_BLOCK: u64 = 2_000;
	/// Slot length; changing it after genesis breaks BABE.
	pub const SLOT_DURATION: u64 = MILLISECS_PER_BLOCK;

	pub const MINUTES: BlockNumber = 60_000 / (MILLISECS_PER_BLOCK as BlockNumber);
	pub const HOURS: BlockNumber = MINUTES * 60;
	pub const DAYS: BlockNumber = HOURS * 24;

	/// The durations of test networks (dev, local, zombienet), which a genesis without
	/// durations gets: one-minute epochs (one session each), three-session eras, bonding for
	/// four eras (12 minutes), slashes deferred two eras, 84 eras of claimable rewards. Short
	/// enough that rotations, eras and slashes can be watched within minutes.
	pub const TEST_DURATIONS: ChainDurations = ChainDurations {
		epoch_slots: MINUTES as u64,
		sessions_per_era: 3,
		bonding_eras: 4,
		slash_defer_eras: 2,
		history_depth_eras: 84,
	};

	/// The durations the staging preset sets at genesis (`docs/OPERATOR.md`, "Durations"):
	/// one-hour epochs, six-hour eras, 28 eras (7 days) of bonding, slashes deferred 27 eras
	/// (6 days 18 hours, in which Root may cancel them; staking requires less than the bonding
	/// period), and 84 eras (21 days) of claimable rewards. Equivocation reports stay valid for
	/// the whole bonding period (7 days).
	pub const PRODUCTION_DURATIONS: ChainDurations = ChainDurations {
		epoch_slots: HOURS as u64,
		sessions_per_era: 6,
		bonding_eras: 28,
		slash_defer_eras: 27,
		history_depth_eras: 84,
	};

	/// The probability of a slot having a primary BABE author, `c = (1, 4)`.
	pub const PRIMARY_PROBABILITY: (u64, u64) = (1, 4);
}
