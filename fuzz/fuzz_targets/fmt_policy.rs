//! Generated plausible files → `fmt`: idempotent and meaning-preserving.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scalec_fuzz::{policy::File, properties};

fuzz_target!(|file: File| {
    properties::fmt(&file.0);
});
