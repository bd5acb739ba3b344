//! Consensus and validator election: BABE, GRANDPA, authorship, session (+ historical),
//! NPoS staking and offences, with equivocation reports for BABE and GRANDPA flowing through
//! offences into staking slashes.

use frame_election_provider_support::{
	bounds::{ElectionBounds, ElectionBoundsBuilder},
	onchain, SequentialPhragmen,
};
use frame_support::{
	parameter_types,
	traits::{ConstBool, ConstU32, Nothing},
};
use frame_system::EnsureRoot;
use sp_runtime::{curve::PiecewiseLinear, Perbill};

use crate::{
	AccountId, Babe, Balance, Balances, Historical, Moment, Offences, Runtime, RuntimeCall,
	RuntimeEvent, RuntimeHoldReason, Session, SessionKeys, Staking, Timestamp, UncheckedExtrinsic,
	MILLISECS_PER_BLOCK, TEST_DURATIONS, UNITS,
};

/// Most validators the chain supports; bounds BABE's and GRANDPA's authority lists and the
/// staking election's winners.
pub const MAX_AUTHORITIES: u32 = 100;
/// Most nominators that back one validator in an exposure page (bounds equivocation proofs).
pub const MAX_NOMINATORS: u32 = 64;

/// One epoch is one session (`ShouldEndSession = Babe`); its length is set at genesis.
pub type EpochDuration = pallet_durations::EpochDuration<Runtime>;
/// An equivocation can be reported for as long as the offender's stake can be slashed.
pub type ReportLongevity = pallet_durations::ReportLongevity<Runtime>;
/// Sessions in an era, set at genesis.
pub type SessionsPerEra = pallet_durations::SessionsPerEra<Runtime>;
/// Eras unbonded funds stay slashable, set at genesis.
pub type BondingDuration = pallet_durations::BondingDuration<Runtime>;
/// Eras a slash waits before it applies, so that Root can cancel it; set at genesis.
pub type SlashDeferDuration = pallet_durations::SlashDeferDuration<Runtime>;
/// Eras of claimable rewards, set at genesis.
pub type HistoryDepth = pallet_durations::HistoryDepth<Runtime>;

impl pallet_durations::Config for Runtime {
	type Default = TestDurations;
}

parameter_types! {
	pub const TestDurations: pallet_durations::ChainDurations = TEST_DURATIONS;
	pub const ExpectedBlockTime: Moment = MILLISECS_PER_BLOCK;
	pub const MaxAuthorities: u32 = MAX_AUTHORITIES;
	pub const MaxNominators: u32 = MAX_NOMINATORS;
}

impl pallet_babe::Config for Runtime {
	type EpochDuration = EpochDuration;
	type ExpectedBlockTime = ExpectedBlockTime;
	/// Session rotation drives epoch changes, so the authority set follows the election.
	type EpochChangeTrigger = pallet_babe::ExternalTrigger;
	type DisabledValidators = Session;
	type WeightInfo = crate::weights::consensus::BabeWeight<Runtime>;
	type MaxAuthorities = MaxAuthorities;
	type MaxNominators = MaxNominators;
	type KeyOwnerProof = sp_session::MembershipProof;
	type EquivocationReportSystem =
		pallet_babe::EquivocationReportSystem<Self, Offences, Historical, ReportLongevity>;
}

/// GRANDPA set ids are kept for as long as equivocations about them can be reported.
pub type MaxSetIdSessionEntries = pallet_durations::SlashableSessions<Runtime>;

impl pallet_grandpa::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = crate::weights::consensus::GrandpaWeight<Runtime>;
	type MaxAuthorities = MaxAuthorities;
	type MaxNominators = MaxNominators;
	type MaxSetIdSessionEntries = MaxSetIdSessionEntries;
	type KeyOwnerProof = sp_session::MembershipProof;
	type EquivocationReportSystem =
		pallet_grandpa::EquivocationReportSystem<Self, Offences, Historical, ReportLongevity>;
}

impl pallet_authorship::Config for Runtime {
	type FindAuthor = pallet_session::FindAccountFromAuthorIndex<Self, Babe>;
	/// Block authors earn era reward points.
	type EventHandler = Staking;
}

parameter_types! {
	/// Held from a validator's free balance while it has session keys registered.
	pub const SessionKeyDeposit: Balance = UNITS;
}

impl pallet_session::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	/// Stash = validator id: the chain identifies validators by their stash account.
	type ValidatorId = AccountId;
	type ValidatorIdOf = sp_runtime::traits::ConvertInto;
	type ShouldEndSession = Babe;
	type NextSessionRotation = Babe;
	type SessionManager = pallet_session::historical::NoteHistoricalRoot<Self, Staking>;
	type SessionHandler = <SessionKeys as sp_runtime::traits::OpaqueKeys>::KeyTypeIdProviders;
	type Keys = SessionKeys;
	type DisablingStrategy = pallet_session::disabling::UpToLimitWithReEnablingDisablingStrategy;
	type WeightInfo = pallet_session::weights::SubstrateWeight<Runtime>;
	type Currency = Balances;
	type KeyDeposit = SessionKeyDeposit;
}

impl pallet_session::historical::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type FullIdentification = ();
	type FullIdentificationOf = pallet_staking::UnitIdentificationOf<Self>;
}

pallet_staking_reward_curve::build! {
	const REWARD_CURVE: PiecewiseLinear<'static> = curve!(
		min_inflation: 0_025_000,
		max_inflation: 0_100_000,
		ideal_stake: 0_500_000,
		falloff: 0_050_000,
		max_piece_count: 40,
		test_precision: 0_005_000,
	);
}

parameter_types! {
	pub const RewardCurve: &'static PiecewiseLinear<'static> = &REWARD_CURVE;
	/// Bounds the on-chain election so it always fits in one block.
	pub ElectionBoundsOnChain: ElectionBounds = ElectionBoundsBuilder::default()
		.voters_count(5_000.into())
		.targets_count(1_000.into())
		.build();
}

/// On-chain sequential Phragmén: enough for a validator set of at most [`MAX_AUTHORITIES`].
pub struct OnChainSeqPhragmen;
impl onchain::Config for OnChainSeqPhragmen {
	type System = Runtime;
	type Solver = SequentialPhragmen<AccountId, Perbill>;
	type DataProvider = Staking;
	type WeightInfo = frame_election_provider_support::weights::SubstrateWeight<Runtime>;
	type Bounds = ElectionBoundsOnChain;
	type MaxWinnersPerPage = MaxAuthorities;
	type MaxBackersPerWinner = ConstU32<5_000>;
	type Sort = ConstBool<true>;
}

/// Benchmark ranges for staking, sized to this chain rather than to Polkadot.
pub struct StakingBenchmarkingConfig;
impl pallet_staking::BenchmarkingConfig for StakingBenchmarkingConfig {
	type MaxNominators = ConstU32<1_000>;
	type MaxValidators = ConstU32<{ MAX_AUTHORITIES }>;
}

impl pallet_staking::Config for Runtime {
	type OldCurrency = Balances;
	type Currency = Balances;
	type CurrencyBalance = Balance;
	type RuntimeHoldReason = RuntimeHoldReason;
	type UnixTime = Timestamp;
	type CurrencyToVote = sp_staking::currency_to_vote::U128CurrencyToVote;
	type ElectionProvider = onchain::OnChainExecution<OnChainSeqPhragmen>;
	type GenesisElectionProvider = onchain::OnChainExecution<OnChainSeqPhragmen>;
	type NominationsQuota = pallet_staking::FixedNominationsQuota<16>;
	type HistoryDepth = HistoryDepth;
	/// What the reward curve does not pay out is not minted.
	type RewardRemainder = ();
	type RuntimeEvent = RuntimeEvent;
	/// Slashed funds are burned.
	type Slash = ();
	/// Rewards are minted.
	type Reward = ();
	type SessionsPerEra = SessionsPerEra;
	type BondingDuration = BondingDuration;
	type SlashDeferDuration = SlashDeferDuration;
	type AdminOrigin = EnsureRoot<AccountId>;
	type SessionInterface = Self;
	type EraPayout = pallet_staking::ConvertCurve<RewardCurve>;
	type NextNewSession = Session;
	type MaxExposurePageSize = MaxNominators;
	type MaxValidatorSet = MaxAuthorities;
	/// Voters sorted by stake (configs/voter_bags.rs).
	type VoterList = crate::VoterList;
	type TargetList = pallet_staking::UseValidatorsMap<Self>;
	type MaxUnlockingChunks = ConstU32<32>;
	type MaxControllersInDeprecationBatch = ConstU32<100>;
	type EventListeners = ();
	type Filter = Nothing;
	type BenchmarkingConfig = StakingBenchmarkingConfig;
	type WeightInfo = pallet_staking::weights::SubstrateWeight<Runtime>;
}

impl pallet_offences::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type IdentificationTuple = pallet_session::historical::IdentificationTuple<Self>;
	type OnOffenceHandler = Staking;
}

// Equivocation reports are submitted by the node as unsigned extrinsics.
impl<C> frame_system::offchain::CreateTransactionBase<C> for Runtime
where
	RuntimeCall: From<C>,
{
	type Extrinsic = UncheckedExtrinsic;
	type RuntimeCall = RuntimeCall;
}

impl<C> frame_system::offchain::CreateBare<C> for Runtime
where
	RuntimeCall: From<C>,
{
	fn create_bare(call: RuntimeCall) -> UncheckedExtrinsic {
		UncheckedExtrinsic::new_bare(call)
	}
}
