//! Arbitrary bytes as up to four files (separated by `0xFF`) → `compile`,
//! then `emit` to memory; every YAML document parses back.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scalec_fuzz::properties;

fuzz_target!(|bytes: &[u8]| {
    properties::build(&properties::split_files(bytes));
});
