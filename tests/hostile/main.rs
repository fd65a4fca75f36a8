//! Hostile and unlucky use of the real binary: one case per attack, named for
//! what it attacks. Each case runs `scalec` (check, fmt or build) in a sandbox
//! and asserts the exit code, the diagnostic code, that nothing outside the
//! output changed, and that every file scalec did not write is byte-identical
//! afterwards. Every run is bounded in time and memory (see `sandbox`).
//!
//! The cases are grouped by what they attack, one module each.

mod sandbox;

mod data_loss;
mod fmt_files;
mod interrupt;
mod names;
mod numbers;
mod reports;
mod smoke;
mod streams;
mod syntax;
mod writes_outside;
