//! The transfer circuit: two inputs, two outputs, one statement for shield, private transfer
//! and unshield. Each constraint cites the item of `docs/zk.md`, "Statement", it enforces.

mod merkle;
pub mod poseidon;
mod value;

use halo2_gadgets::utilities::cond_swap::{CondSwapChip, CondSwapConfig};
use halo2_proofs::{
	circuit::{floor_planner::V1, Layouter, Value},
	plonk::{Advice, Circuit, Column, ConstraintSystem, Error, Instance},
};
use sable_zk_primitives::{hash::DomainTag, public_inputs::layout, tree::TREE_DEPTH, Fp};

use poseidon::{Cell, PoseidonConfig};
use value::ValueConfig;

/// The registered version this code is: `2^11` rows. The two inputs are proven side by side
/// in two lanes of columns (about 1,900 rows each: 45 Poseidon permutations, 32 conditional
/// swaps, an output and range checks), which fits 2,048 rows and halves the verifier's
/// multi-scalar multiplication.
pub const SPEC: sable_circuits::CircuitSpec = sable_circuits::TRANSFER_V1;

/// `2^K` rows ([`SPEC`]'s `k`).
pub const K: u32 = SPEC.k;

/// The secret data of one input note (real or zero-value dummy).
#[derive(Clone, Debug)]
pub struct InputWitness {
	/// Spending key of the note's owner.
	pub sk: Value<Fp>,
	/// The note's value.
	pub value: Value<Fp>,
	/// The note's uniqueness seed.
	pub rho: Value<Fp>,
	/// The note's commitment randomness.
	pub rcm: Value<Fp>,
	/// Bit `h`: the path's node at height `h` is a right child.
	pub position_bits: [Value<bool>; TREE_DEPTH],
	/// Siblings from the leaf upwards.
	pub siblings: [Value<Fp>; TREE_DEPTH],
}

/// The secret data of one output note; its `rho` is derived in the circuit.
#[derive(Clone, Debug)]
pub struct OutputWitness {
	/// The note's value.
	pub value: Value<Fp>,
	/// The recipient's owner id.
	pub owner: Value<Fp>,
	/// The note's commitment randomness.
	pub rcm: Value<Fp>,
}

impl Default for InputWitness {
	fn default() -> Self {
		Self {
			sk: Value::unknown(),
			value: Value::unknown(),
			rho: Value::unknown(),
			rcm: Value::unknown(),
			position_bits: [Value::unknown(); TREE_DEPTH],
			siblings: [Value::unknown(); TREE_DEPTH],
		}
	}
}

impl Default for OutputWitness {
	fn default() -> Self {
		Self { value: Value::unknown(), owner: Value::unknown(), rcm: Value::unknown() }
	}
}

/// The transfer circuit with its witness (unknown when building keys).
#[derive(Clone, Debug, Default)]
pub struct TransferCircuit {
	/// The two notes spent.
	pub inputs: [InputWitness; 2],
	/// The two notes created.
	pub outputs: [OutputWitness; 2],
}

/// Five advice columns with their own Poseidon and conditional-swap chips. Input `i` and
/// output `i` are laid out in lane `i`; the floor planner places the lanes' regions in the
/// same rows.
#[derive(Clone, Debug)]
pub struct Lane {
	advices: [Column<Advice>; 5],
	poseidon: PoseidonConfig,
	swap: CondSwapConfig,
}

impl Lane {
	fn configure(meta: &mut ConstraintSystem<Fp>) -> Lane {
		let advices = [(); 5].map(|_| meta.advice_column());
		for column in advices {
			meta.enable_equality(column);
		}
		let poseidon = PoseidonConfig::configure(meta, advices);
		let swap = CondSwapChip::configure(meta, advices);
		Lane { advices, poseidon, swap }
	}
}

/// Columns, gates and chips of the transfer circuit.
#[derive(Clone, Debug)]
pub struct TransferConfig {
	lanes: [Lane; 2],
	instance: Column<Instance>,
	values: ValueConfig,
}

/// Cells an input leaves for the balance and output gadgets.
struct SpentCells {
	value: Cell,
	nullifier: Cell,
}

impl Circuit<Fp> for TransferCircuit {
	type Config = TransferConfig;
	type FloorPlanner = V1;

	fn without_witnesses(&self) -> Self {
		Self::default()
	}

	fn configure(meta: &mut ConstraintSystem<Fp>) -> TransferConfig {
		let instance = meta.instance_column();
		meta.enable_equality(instance);
		// Constants (domain tags, Poseidon padding) are fixed through this column.
		let constants = meta.fixed_column();
		meta.enable_constant(constants);

		let lanes = [Lane::configure(meta), Lane::configure(meta)];
		let values = ValueConfig::configure(meta, lanes[1].advices);
		TransferConfig { lanes, instance, values }
	}

	fn synthesize(
		&self,
		config: TransferConfig,
		mut layouter: impl Layouter<Fp>,
	) -> Result<(), Error> {
		config.values.load_table(&mut layouter)?;
		let zero = config.lanes[0].poseidon.constant(layouter.namespace(|| "zero"), Fp::zero())?;
		let anchor = public_cell(&config, &mut layouter, layout::ANCHOR, "anchor")?;

		let mut spent = Vec::with_capacity(2);
		for (i, input) in self.inputs.iter().enumerate() {
			let mut layouter = layouter.namespace(|| format!("input {i}"));
			let cells = spend(&config, &config.lanes[i], &mut layouter, input, &zero, &anchor)?;
			// Item 3: the revealed nullifier is the one derived from the note.
			layouter.constrain_instance(
				cells.nullifier.cell(),
				config.instance,
				layout::NULLIFIERS[i],
			)?;
			spent.push(cells);
		}

		let mut output_values = Vec::with_capacity(2);
		for (j, output) in self.outputs.iter().enumerate() {
			let mut layouter = layouter.namespace(|| format!("output {j}"));
			let lane = &config.lanes[j];
			let poseidon = &lane.poseidon;
			// Item 3: rho_out_j = H3(OutputRho_j, nf_in_0, nf_in_1) - never chosen by the prover.
			let tag = if j == 0 { DomainTag::OutputRho0 } else { DomainTag::OutputRho1 };
			let rho = poseidon.hash3(
				layouter.namespace(|| "rho"),
				tag,
				spent[0].nullifier.clone(),
				spent[1].nullifier.clone(),
			)?;
			let value = witness(lane, &mut layouter, output.value, "value")?;
			let owner = witness(lane, &mut layouter, output.owner, "owner")?;
			let rcm = witness(lane, &mut layouter, output.rcm, "rcm")?;
			// Item 4: the output commitment is well formed.
			let cm = poseidon.hash5(
				layouter.namespace(|| "commitment"),
				DomainTag::NoteCommitment,
				[value.clone(), owner, rho, rcm],
			)?;
			layouter.constrain_instance(cm.cell(), config.instance, layout::COMMITMENTS[j])?;
			// Item 5.
			config.values.range_check_u64(layouter.namespace(|| "value < 2^64"), value.clone())?;
			output_values.push(value);
		}

		let value_in = public_cell(&config, &mut layouter, layout::VALUE_IN, "value_in")?;
		let value_out = public_cell(&config, &mut layouter, layout::VALUE_OUT, "value_out")?;
		let fee = public_cell(&config, &mut layouter, layout::FEE, "fee")?;
		for (name, cell) in [("value_in", &value_in), ("value_out", &value_out), ("fee", &fee)] {
			// Item 5.
			config
				.values
				.range_check_u64(layouter.namespace(|| format!("{name} < 2^64")), cell.clone())?;
		}
		// Item 6.
		config.values.balance(
			layouter.namespace(|| "balance"),
			[&spent[0].value, &spent[1].value],
			&value_in,
			[&output_values[0], &output_values[1]],
			&value_out,
			&fee,
		)?;
		// Item 7: the binding is copied into the witness, so the permutation argument ties the
		// proof to its value.
		public_cell(&config, &mut layouter, layout::BINDING, "binding")?;
		Ok(())
	}
}

/// Items 1-3 and 5 for one input, laid out in `lane`: returns its value and nullifier cells.
fn spend(
	config: &TransferConfig,
	lane: &Lane,
	layouter: &mut impl Layouter<Fp>,
	input: &InputWitness,
	zero: &Cell,
	anchor: &Cell,
) -> Result<SpentCells, Error> {
	let poseidon = &lane.poseidon;
	let sk = witness(lane, layouter, input.sk, "sk")?;
	let value = witness(lane, layouter, input.value, "value")?;
	let rho = witness(lane, layouter, input.rho, "rho")?;
	let rcm = witness(lane, layouter, input.rcm, "rcm")?;

	// Item 2: the note's owner is derived from the prover's spending key.
	let nk =
		poseidon.hash3(layouter.namespace(|| "nk"), DomainTag::NullifierKey, sk, zero.clone())?;
	let owner = poseidon.hash3(
		layouter.namespace(|| "owner"),
		DomainTag::Owner,
		nk.clone(),
		zero.clone(),
	)?;
	let cm = poseidon.hash5(
		layouter.namespace(|| "commitment"),
		DomainTag::NoteCommitment,
		[value.clone(), owner, rho.clone(), rcm],
	)?;
	// Item 3: nf = H3(Nullifier, nk, rho).
	let nullifier =
		poseidon.hash3(layouter.namespace(|| "nullifier"), DomainTag::Nullifier, nk, rho)?;
	// Item 1: the commitment is a leaf under the anchor, unless the value is zero.
	let root = merkle::root_from_path(
		layouter.namespace(|| "merkle path"),
		&lane.swap,
		poseidon,
		cm,
		input.position_bits,
		input.siblings,
	)?;
	config.values.value_zero_or_root_is_anchor(
		layouter.namespace(|| "value = 0 or root = anchor"),
		&value,
		&root,
		anchor,
	)?;
	// Item 5.
	config.values.range_check_u64(layouter.namespace(|| "value < 2^64"), value.clone())?;
	Ok(SpentCells { value, nullifier })
}

/// A private value in a fresh cell of `lane`.
fn witness(
	lane: &Lane,
	layouter: &mut impl Layouter<Fp>,
	value: Value<Fp>,
	name: &'static str,
) -> Result<Cell, Error> {
	layouter.assign_region(
		|| format!("witness {name}"),
		|mut region| region.assign_advice(|| name, lane.advices[0], 0, || value),
	)
}

/// A public input copied into a cell.
fn public_cell(
	config: &TransferConfig,
	layouter: &mut impl Layouter<Fp>,
	row: usize,
	name: &'static str,
) -> Result<Cell, Error> {
	layouter.assign_region(
		|| format!("public {name}"),
		|mut region| {
			region.assign_advice_from_instance(
				|| name,
				config.instance,
				row,
				config.lanes[1].advices[1],
				0,
			)
		},
	)
}
