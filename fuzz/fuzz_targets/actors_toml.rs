//! `stance::actors::ActorSet::from_toml` on any UTF-8 text, then mention
//! detection: no panic; errors have a message and a line inside the text;
//! accepted sets have valid distinct codes with names; mentions are sorted,
//! disjoint char ranges spelling a configured name.
//!
//! Input: the TOML text, optionally followed by a 0xFF byte (never part of
//! UTF-8) and a text to find mentions in.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/invariants/mod.rs"]
mod invariants;

fuzz_target!(|data: &[u8]| {
    let (toml, sample) = match data.iter().position(|&b| b == 0xff) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &b"Pakistan and the U.S. met Russia's envoy"[..]),
    };
    if let Ok(toml) = std::str::from_utf8(toml) {
        let sample = String::from_utf8_lossy(sample);
        invariants::must(invariants::actors_toml(toml, &sample));
    }
});
