//! Configuration of every pallet in the runtime, grouped by concern.

mod consensus;
mod system;

pub use consensus::*;
pub use system::*;
