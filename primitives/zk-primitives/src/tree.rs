//! The note-commitment tree: an append-only Poseidon Merkle tree of depth 32
//! (`docs/zk.md`, "Note-commitment tree").
//!
//! Leaves are note commitments in insertion order; an empty leaf is `0`; a node is
//! `merkle_node(left, right)`. The chain keeps only a [`Frontier`] (33 nodes) and gets the new
//! root from each append; wallets keep a [`CommitmentTree`] with every node, from which they
//! read the [`MerklePath`] of their own notes.

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

use crate::{
	encoding::{fp_from_bytes, fp_to_bytes},
	hash::merkle_node,
	Fp,
};

/// Levels between a leaf and the root.
pub const TREE_DEPTH: usize = 32;
/// How many leaves the tree can hold.
pub const TREE_CAPACITY: u64 = 1 << TREE_DEPTH;

/// Why an append failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TreeError {
	/// All `2^32` leaves are taken.
	Full,
	/// Stored node bytes are not a canonical field element (storage was corrupted).
	NonCanonicalNode,
}

/// The root of an empty subtree of each height: `empty_root(0) = 0` (an empty leaf),
/// `empty_root(h + 1) = merkle_node(empty_root(h), empty_root(h))`.
pub fn empty_roots() -> [Fp; TREE_DEPTH + 1] {
	let mut roots = [Fp::zero(); TREE_DEPTH + 1];
	for height in 0..TREE_DEPTH {
		roots[height + 1] = merkle_node(roots[height], roots[height]);
	}
	roots
}

/// The chain's view of the tree: the next free position, the left nodes still waiting for a
/// right sibling, and the current root.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub struct Frontier {
	/// Number of leaves appended so far (the next leaf's position).
	pub next_index: u64,
	/// At each height, the last left node whose right sibling is not yet known.
	filled: [[u8; 32]; TREE_DEPTH],
	/// Root after the last append.
	root: [u8; 32],
}

impl Default for Frontier {
	fn default() -> Self {
		let empty = empty_roots();
		Frontier {
			next_index: 0,
			filled: [[0u8; 32]; TREE_DEPTH],
			root: fp_to_bytes(&empty[TREE_DEPTH]),
		}
	}
}

impl Frontier {
	/// The current root (the anchor of proofs made against this state).
	pub fn root(&self) -> [u8; 32] {
		self.root
	}

	/// Appends `leaves` in order and returns the position of the first. Either every leaf is
	/// appended or, on error, none is: the frontier is unchanged.
	pub fn append(&mut self, leaves: &[Fp]) -> Result<u64, TreeError> {
		let first = self.next_index;
		if first.saturating_add(leaves.len() as u64) > TREE_CAPACITY {
			return Err(TreeError::Full);
		}
		let empty = empty_roots();
		let mut filled = [Fp::zero(); TREE_DEPTH];
		for (node, bytes) in filled.iter_mut().zip(self.filled.iter()) {
			*node = fp_from_bytes(bytes).ok_or(TreeError::NonCanonicalNode)?;
		}
		let mut root = Fp::zero();
		for (offset, leaf) in leaves.iter().enumerate() {
			let mut index = first + offset as u64;
			let mut node = *leaf;
			for (height, waiting) in filled.iter_mut().enumerate() {
				node = if index & 1 == 0 {
					*waiting = node;
					merkle_node(node, empty[height])
				} else {
					merkle_node(*waiting, node)
				};
				index >>= 1;
			}
			root = node;
		}
		if !leaves.is_empty() {
			for (bytes, node) in self.filled.iter_mut().zip(filled.iter()) {
				*bytes = fp_to_bytes(node);
			}
			self.root = fp_to_bytes(&root);
			self.next_index = first + leaves.len() as u64;
		}
		Ok(first)
	}
}

/// The authentication path of one leaf: its position and the sibling at every height.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MerklePath {
	/// Position of the leaf; bit `h` says whether the node at height `h` is a right child.
	pub position: u64,
	/// Sibling nodes from the leaf's level upwards.
	pub siblings: [Fp; TREE_DEPTH],
}

impl MerklePath {
	/// The root this path leads to from `leaf`.
	pub fn root(&self, leaf: Fp) -> Fp {
		let mut node = leaf;
		for (height, sibling) in self.siblings.iter().enumerate() {
			node = if (self.position >> height) & 1 == 0 {
				merkle_node(node, *sibling)
			} else {
				merkle_node(*sibling, node)
			};
		}
		node
	}
}

/// A wallet's full copy of the tree: every node of every level, so that appends and paths
/// each cost one walk from leaf to root.
#[derive(Clone, Debug)]
pub struct CommitmentTree {
	/// `levels[0]` are the leaves; `levels[h]` the nodes at height `h` that have a left child.
	levels: Vec<Vec<Fp>>,
	empty: [Fp; TREE_DEPTH + 1],
}

impl Default for CommitmentTree {
	fn default() -> Self {
		Self { levels: (0..=TREE_DEPTH).map(|_| Vec::new()).collect(), empty: empty_roots() }
	}
}

impl CommitmentTree {
	/// Number of leaves.
	pub fn len(&self) -> u64 {
		self.levels[0].len() as u64
	}

	/// Whether no leaf was appended.
	pub fn is_empty(&self) -> bool {
		self.levels[0].is_empty()
	}

	fn node(&self, height: usize, index: u64) -> Fp {
		self.levels[height].get(index as usize).copied().unwrap_or(self.empty[height])
	}

	/// Appends a leaf and returns its position.
	pub fn append(&mut self, leaf: Fp) -> Result<u64, TreeError> {
		let position = self.len();
		if position >= TREE_CAPACITY {
			return Err(TreeError::Full);
		}
		self.levels[0].push(leaf);
		let mut index = position;
		for height in 0..TREE_DEPTH {
			let parent = index >> 1;
			let left = self.node(height, parent << 1);
			let right = self.node(height, (parent << 1) | 1);
			let value = merkle_node(left, right);
			let level = &mut self.levels[height + 1];
			if (parent as usize) < level.len() {
				level[parent as usize] = value;
			} else {
				level.push(value);
			}
			index = parent;
		}
		Ok(position)
	}

	/// The current root.
	pub fn root(&self) -> Fp {
		self.node(TREE_DEPTH, 0)
	}

	/// The path of the leaf at `position`, or `None` if there is no such leaf.
	pub fn path(&self, position: u64) -> Option<MerklePath> {
		if position >= self.len() {
			return None;
		}
		let mut siblings = [Fp::zero(); TREE_DEPTH];
		for (height, sibling) in siblings.iter_mut().enumerate() {
			*sibling = self.node(height, (position >> height) ^ 1);
		}
		Some(MerklePath { position, siblings })
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn leaf(i: u64) -> Fp {
		Fp::from(1000 + i)
	}

	#[test]
	fn frontier_and_full_tree_agree_and_paths_verify() {
		let mut frontier = Frontier::default();
		let mut tree = CommitmentTree::default();
		assert_eq!(frontier.root(), fp_to_bytes(&tree.root()), "empty roots agree");
		for i in 0..37 {
			let position = frontier.append(&[leaf(i)]).expect("room");
			assert_eq!(position, i);
			assert_eq!(tree.append(leaf(i)), Ok(i));
			assert_eq!(frontier.root(), fp_to_bytes(&tree.root()), "roots agree after {i}");
		}
		for i in 0..37 {
			let path = tree.path(i).expect("leaf exists");
			assert_eq!(path.root(leaf(i)), tree.root(), "path of leaf {i}");
			assert_ne!(path.root(leaf(i) + Fp::one()), tree.root(), "a wrong leaf fails");
		}
		assert!(tree.path(37).is_none());
	}

	#[test]
	fn batch_append_equals_single_appends() {
		let mut one_by_one = Frontier::default();
		for i in 0..5 {
			one_by_one.append(&[leaf(i)]).expect("room");
		}
		let mut batch = Frontier::default();
		assert_eq!(batch.append(&(0..5).map(leaf).collect::<Vec<_>>()), Ok(0));
		assert_eq!(batch, one_by_one);
	}

	#[test]
	fn full_tree_rejects_and_stays_unchanged() {
		let mut frontier = Frontier::default();
		frontier.next_index = TREE_CAPACITY - 1;
		let before = frontier.clone();
		assert_eq!(frontier.append(&[leaf(0), leaf(1)]), Err(TreeError::Full));
		assert_eq!(frontier, before);
		assert_eq!(frontier.append(&[leaf(0)]), Ok(TREE_CAPACITY - 1));
		assert_eq!(frontier.append(&[leaf(1)]), Err(TreeError::Full));
	}

	#[test]
	fn corrupted_frontier_is_an_error() {
		let mut frontier = Frontier::default();
		frontier.filled[3] = [0xff; 32];
		assert_eq!(frontier.append(&[leaf(0)]), Err(TreeError::NonCanonicalNode));
	}
}
