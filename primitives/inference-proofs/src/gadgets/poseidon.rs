//! Tagged Poseidon hashes of any length, in their own lane of columns (`docs/poi-circuits.md`,
//! "Layout"): the in-circuit `sable_zk_primitives::hash::hash_tagged_slice`.
//!
//! `H_L(tag, w_1, ..., w_{L-1})` is the `P128Pow5T3` sponge in `ConstantLength<L>` mode: the
//! state starts as `(0, 0, L * 2^64)` (three circuit constants), the message is padded with
//! zeros to a multiple of the rate 2, and each pair of words is added to the state by
//! halo2_gadgets' `pad_and_add` gate before one permutation (the Pow5 chip's round gates).
//! The output is the first state word after the last permutation.
//!
//! The tag, the zero padding and any word that is a constant of the circuit (such as a
//! shape) enter as fixed cells, so a prover cannot change them; every other word is copied
//! in from the cell that computed it. The Pow5 chip is halo2_gadgets' own; only the sponge
//! loop lives here, because the lengths of the model and input commitments depend on the
//! circuit version's shape.

use ff::PrimeField;
use halo2_gadgets::poseidon::{
	primitives::{Absorbing, Domain, P128Pow5T3, State},
	PaddedWord, PoseidonInstructions, PoseidonSpongeInstructions, Pow5Chip, Pow5Config, StateWord,
};
use halo2_proofs::{
	circuit::Layouter,
	plonk::{Advice, Column, ConstraintSystem, Error},
};
use sable_zk_primitives::{hash::DomainTag, Fp};
use sable_zk_proofs::circuit::poseidon::Cell;

/// One word of a hashed message.
#[derive(Clone, Debug)]
pub enum Word {
	/// A value computed in the circuit.
	Cell(Cell),
	/// A constant of the circuit.
	Constant(Fp),
}

/// The Pow5 chip on its lane: three state columns and the partial S-box column.
#[derive(Clone, Debug)]
pub struct HashConfig {
	pow5: Pow5Config<Fp, 3, 2>,
	state: [Column<Advice>; 3],
}

/// Names the sponge's regions. The capacity and the padding are set by [`HashConfig::hash`]
/// itself; halo2_gadgets' sponge API, which reads them from a domain type, is not used.
#[derive(Clone, Copy, Debug)]
struct Tagged;

impl Domain<Fp, 2> for Tagged {
	type Padding = core::iter::Empty<Fp>;

	fn name() -> String {
		"tagged".into()
	}

	fn initial_capacity_element() -> Fp {
		Fp::zero()
	}

	fn padding(_: usize) -> Self::Padding {
		core::iter::empty()
	}
}

type Chip = Pow5Chip<Fp, 3, 2>;

impl HashConfig {
	/// The chip on `state` and `partial_sbox`, with six new fixed columns for the round
	/// constants (three of them, equality-enabled, also hold fixed message words).
	pub fn configure(
		meta: &mut ConstraintSystem<Fp>,
		state: [Column<Advice>; 3],
		partial_sbox: Column<Advice>,
	) -> Self {
		let rc_a = [(); 3].map(|_| meta.fixed_column());
		let rc_b = [(); 3].map(|_| meta.fixed_column());
		let pow5 = Chip::configure::<P128Pow5T3>(meta, state, partial_sbox, rc_a, rc_b);
		HashConfig { pow5, state }
	}

	/// `H_L(tag, message...)` with `L = message.len() + 1`.
	pub fn hash(
		&self,
		mut layouter: impl Layouter<Fp>,
		tag: DomainTag,
		message: &[Word],
	) -> Result<Cell, Error> {
		let chip = Chip::construct(self.pow5.clone());
		let length = (message.len() + 1) as u128;
		let capacity = Fp::from_u128(length << 64);
		let mut state: State<StateWord<Fp>, 3> = layouter.assign_region(
			|| "sponge: initial state (0, 0, L 2^64)",
			|mut region| {
				let mut word = |i: usize, value: Fp| {
					region
						.assign_advice_from_constant(|| "state", self.state[i], 0, value)
						.map(StateWord::from)
				};
				Ok([word(0, Fp::zero())?, word(1, Fp::zero())?, word(2, capacity)?])
			},
		)?;
		let mut words: Vec<PaddedWord<Fp>> = core::iter::once(PaddedWord::Padding(tag.to_field()))
			.chain(message.iter().map(|word| match word {
				Word::Cell(cell) => PaddedWord::Message(cell.clone()),
				Word::Constant(value) => PaddedWord::Padding(*value),
			}))
			.collect();
		if words.len() % 2 == 1 {
			words.push(PaddedWord::Padding(Fp::zero()));
		}
		for pair in words.chunks(2) {
			let mut input = Absorbing::<PaddedWord<Fp>, 2>::init_empty();
			for word in pair {
				input.absorb(word.clone()).map_err(|_| Error::Synthesis)?;
			}
			state = <Chip as PoseidonSpongeInstructions<Fp, P128Pow5T3, Tagged, 3, 2>>::add_input(
				&chip,
				&mut layouter,
				&state,
				&input,
			)?;
			state = <Chip as PoseidonInstructions<Fp, P128Pow5T3, 3, 2>>::permute(
				&chip,
				&mut layouter,
				&state,
			)?;
		}
		let [output, _, _] = state;
		Ok(output.into())
	}
}
