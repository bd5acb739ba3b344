pub use sable_zk_primitives;
