//! Configuration of every pallet in the runtime, grouped by concern.

mod consensus;
mod shielded;
mod system;

pub use consensus::*;
pub use shielded::*;
pub use system::*;
