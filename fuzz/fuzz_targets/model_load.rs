//! The whole load path of a model file: `decode`, `StanceModel::from_data`,
//! then scoring a text. A model the loader accepts must score without
//! panicking. Input is a payload, wrapped in a valid header and checksum.
//! Best started from a real model's payload (see README.md).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/invariants/mod.rs"]
mod invariants;

fuzz_target!(|data: &[u8]| {
    let file = invariants::frame_model(data);
    invariants::must(invariants::model_load_and_score(
        &file,
        "We trust Pakistan again, but we blame Russia and the U.S. today.",
    ));
});
