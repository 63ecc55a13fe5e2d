//! `stance::corpus::records::json_units` (and so `JsonLines`) on any bytes:
//! no panic; exactly one item per non-blank line, at that line, naming the
//! file; accepted units have `doc_id`, `unit_id` and `text`.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/invariants/mod.rs"]
mod invariants;

fuzz_target!(|data: &[u8]| {
    invariants::must(invariants::unit_jsonl(data, "fuzz.jsonl"));
});
