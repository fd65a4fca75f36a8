//! Generated plausible projects → `compile`, `emit` to memory, YAML parses.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scalec_fuzz::{policy::Project, properties};

fuzz_target!(|project: Project| {
    properties::build(&project.files);
});
