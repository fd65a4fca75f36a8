//! Arbitrary bytes (as text, invalid UTF-8 replaced) → `syntax::parse_file`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    scalec_fuzz::properties::parse(&String::from_utf8_lossy(bytes));
});
