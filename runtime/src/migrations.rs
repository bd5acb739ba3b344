//! Storage migrations, run by [`crate::Executive`] on the first block of a new runtime
//! (`docs/OPERATOR.md`, "Runtime upgrades").
//!
//! Every pallet declares the version of its storage layout (`#[pallet::storage_version]`);
//! a runtime that changes a layout bumps that version and adds its migration here, wrapped in
//! `frame_support::migrations::VersionedMigration` so it runs exactly once, from the version
//! it was written for. Migrations leave this list in the release after the one that ran them
//! on every network.
//!
//! Every pallet's storage is still the layout the chain launched with, so the list is empty.

/// The migrations the next runtime upgrade runs, in order.
pub type Migrations = ();
