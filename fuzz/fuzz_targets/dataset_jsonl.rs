//! `stance::dataset::readers::example_from_json` on every line of any bytes
//! (through `JsonLines`), and `stance::dataset::read_data` on the same
//! bytes as a `.jsonl` file: no panic; one row read per non-blank line,
//! kept or rejected with the file named; kept examples have text and
//! target, and a NewsMTSC span is a char range spelling the mention.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/invariants/mod.rs"]
mod invariants;

fuzz_target!(|data: &[u8]| {
    invariants::must(invariants::dataset_lines(data, "fuzz.jsonl"));
    invariants::must(invariants::dataset_jsonl(data));
});
