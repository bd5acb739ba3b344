//! Configuration of every pallet in the runtime, grouped by concern.

mod consensus;
mod governance;
mod inference;
mod shielded;
mod system;
mod voter_bags;

pub use consensus::*;
pub use governance::*;
pub use inference::*;
pub use shielded::*;
pub use system::*;
pub use voter_bags::*;
