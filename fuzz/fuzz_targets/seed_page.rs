//! `stance::corpus::parse_seed` on any UTF-8 page: no panic; units are
//! `title, p1..pn, c1..cm` with non-empty text; errors have a message and a
//! line inside the page.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/invariants/mod.rs"]
mod invariants;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        invariants::must(invariants::seed_page("fuzz", text));
    }
});
