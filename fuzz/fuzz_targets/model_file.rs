//! `stance::model::file::decode` on any bytes: no panic, and what it
//! accepts re-encodes stably.
//!
//! Random bytes never pass the SHA-256 check, so the first input byte picks
//! the mode: odd = the rest is a payload, wrapped in a valid header and
//! checksum so the payload decoder is reached; even = the rest is the whole
//! file.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/invariants/mod.rs"]
mod invariants;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode & 1 == 1 {
        invariants::must(invariants::model_bytes(&invariants::frame_model(rest)));
    } else {
        invariants::must(invariants::model_bytes(rest));
    }
});
