//! In-circuit Poseidon with the domain rules of `docs/zk.md`, "Hashes": the Merkle node hash
//! is the only length-2 hash; every other hash absorbs its [`DomainTag`] first, and the tag is
//! a circuit constant, so a prover cannot move a value from one domain to another.

use halo2_gadgets::poseidon::{
	primitives::{ConstantLength, P128Pow5T3},
	Hash, Pow5Chip, Pow5Config,
};
use halo2_proofs::{
	circuit::{AssignedCell, Layouter},
	plonk::{Advice, Column, ConstraintSystem, Error},
};
use sable_zk_primitives::{hash::DomainTag, Fp};

/// A cell holding a field element.
pub type Cell = AssignedCell<Fp, Fp>;

/// Poseidon of width 3 and rate 2 over `Fp`, plus a column to hold constant inputs.
#[derive(Clone, Debug)]
pub struct PoseidonConfig {
	pub(crate) pow5: Pow5Config<Fp, 3, 2>,
	/// Where tags and constant zeroes are assigned (fixed through the constants column).
	pub(crate) constant_column: Column<Advice>,
}

impl PoseidonConfig {
	/// Poseidon on `advices[0..3]` (state) and `advices[3]` (partial S-box), constants in
	/// `advices[4]`; six new fixed columns hold the round constants. The caller enables
	/// equality on the advice columns and provides a constants column.
	pub fn configure(meta: &mut ConstraintSystem<Fp>, advices: [Column<Advice>; 5]) -> Self {
		let rc_a = [(); 3].map(|_| meta.fixed_column());
		let rc_b = [(); 3].map(|_| meta.fixed_column());
		let pow5 = Pow5Chip::configure::<P128Pow5T3>(
			meta,
			[advices[0], advices[1], advices[2]],
			advices[3],
			rc_a,
			rc_b,
		);
		PoseidonConfig { pow5, constant_column: advices[4] }
	}

	fn hash<const L: usize>(
		&self,
		mut layouter: impl Layouter<Fp>,
		message: [Cell; L],
	) -> Result<Cell, Error> {
		let chip = Pow5Chip::construct(self.pow5.clone());
		let hasher = Hash::<Fp, _, P128Pow5T3, ConstantLength<L>, 3, 2>::init(
			chip,
			layouter.namespace(|| "init"),
		)?;
		hasher.hash(layouter.namespace(|| "absorb and squeeze"), message)
	}

	/// A constant assigned in a cell and fixed in the circuit.
	pub fn constant(&self, mut layouter: impl Layouter<Fp>, value: Fp) -> Result<Cell, Error> {
		layouter.assign_region(
			|| "constant",
			|mut region| {
				region.assign_advice_from_constant(|| "constant", self.constant_column, 0, value)
			},
		)
	}

	/// `merkle_node(left, right) = H2(left, right)`.
	pub fn merkle_node(
		&self,
		layouter: impl Layouter<Fp>,
		left: Cell,
		right: Cell,
	) -> Result<Cell, Error> {
		self.hash(layouter, [left, right])
	}

	/// `H3(tag, a, b)` with `tag` fixed in the circuit.
	pub fn hash3(
		&self,
		mut layouter: impl Layouter<Fp>,
		tag: DomainTag,
		a: Cell,
		b: Cell,
	) -> Result<Cell, Error> {
		let tag = self.constant(layouter.namespace(|| "tag"), tag.to_field())?;
		self.hash(layouter, [tag, a, b])
	}

	/// `H_N(tag, rest...)` with `tag` fixed in the circuit: the in-circuit
	/// `sable_zk_primitives::hash::hash_tagged`. `rest` must hold `N - 1` cells.
	pub fn hash_tagged<const N: usize>(
		&self,
		mut layouter: impl Layouter<Fp>,
		tag: DomainTag,
		rest: &[Cell],
	) -> Result<Cell, Error> {
		if rest.len() + 1 != N {
			return Err(Error::Synthesis);
		}
		let tag = self.constant(layouter.namespace(|| "tag"), tag.to_field())?;
		let message: [Cell; N] =
			core::array::from_fn(|i| if i == 0 { tag.clone() } else { rest[i - 1].clone() });
		self.hash(layouter, message)
	}

	/// `H5(tag, a, b, c, d)` with `tag` fixed in the circuit.
	pub fn hash5(
		&self,
		mut layouter: impl Layouter<Fp>,
		tag: DomainTag,
		[a, b, c, d]: [Cell; 4],
	) -> Result<Cell, Error> {
		let tag = self.constant(layouter.namespace(|| "tag"), tag.to_field())?;
		self.hash(layouter, [tag, a, b, c, d])
	}
}
