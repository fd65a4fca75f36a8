//! Arbitrary bytes as up to four files (separated by `0xFF`) → `compile` and
//! every renderer.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scalec_fuzz::properties;

fuzz_target!(|bytes: &[u8]| {
    properties::check(&properties::split_files(bytes));
});
