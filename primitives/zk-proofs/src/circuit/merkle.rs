//! The Merkle path gadget (`docs/zk.md`, statement item 1): from a leaf, its position bits
//! and 32 siblings to the root, with the same node hash as the chain's tree.

use halo2_gadgets::utilities::cond_swap::{CondSwapChip, CondSwapConfig, CondSwapInstructions};
use halo2_proofs::{
	circuit::{Layouter, Value},
	plonk::Error,
};
use sable_zk_primitives::{tree::TREE_DEPTH, Fp};

use super::poseidon::{Cell, PoseidonConfig};

/// Computes the root above `leaf`. At height `h` the bit `position_bits[h]` says whether the
/// current node is a right child; the conditional-swap gate constrains each bit to be boolean
/// and orders the pair accordingly ("swap is boolean", "a_swapped = swap ? b : a").
pub fn root_from_path(
	mut layouter: impl Layouter<Fp>,
	swap: &CondSwapConfig,
	poseidon: &PoseidonConfig,
	leaf: Cell,
	position_bits: [Value<bool>; TREE_DEPTH],
	siblings: [Value<Fp>; TREE_DEPTH],
) -> Result<Cell, Error> {
	let chip = CondSwapChip::<Fp>::construct(swap.clone());
	let mut node = leaf;
	for height in 0..TREE_DEPTH {
		let (left, right) = chip.swap(
			layouter.namespace(|| format!("order pair at height {height}")),
			(node, siblings[height]),
			position_bits[height],
		)?;
		node = poseidon.merkle_node(
			layouter.namespace(|| format!("node at height {}", height + 1)),
			left,
			right,
		)?;
	}
	Ok(node)
}
