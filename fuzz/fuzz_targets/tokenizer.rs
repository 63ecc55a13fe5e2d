//! `stance::text::Tokenizer::tokenize` on any text, under every
//! configuration: no panic; tokens have non-empty text and non-empty,
//! ordered, disjoint spans on char boundaries of the input.
//!
//! Input: one byte of configuration bits, then the text (lossy UTF-8).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/invariants/mod.rs"]
mod invariants;

fuzz_target!(|data: &[u8]| {
    let Some((&bits, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    invariants::must(invariants::tokens(
        &text,
        invariants::config_from_bits(bits),
    ));
});
