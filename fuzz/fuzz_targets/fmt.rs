//! Arbitrary bytes as one file → `fmt`: idempotent and meaning-preserving.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    scalec_fuzz::properties::fmt(&String::from_utf8_lossy(bytes));
});
