//! Generated plausible projects → `compile` and every renderer.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scalec_fuzz::{policy::Project, properties};

fuzz_target!(|project: Project| {
    properties::check(&project.files);
});
