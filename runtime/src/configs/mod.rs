//! Configuration of every pallet in the runtime, grouped by concern.

mod consensus;
mod inference;
mod shielded;
mod system;

pub use consensus::*;
pub use inference::*;
pub use shielded::*;
pub use system::*;
