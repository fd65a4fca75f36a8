//! What the fuzz targets share: the properties they check and the generator
//! of plausible policies. `tests/properties.rs` includes the same two files.

pub mod policy;
pub mod properties;
