//! `stance::corpus::records::csv_units_with` with renamed columns, CSV or
//! TSV, and `stance::input::decompress`, on any bytes: no panic; accepted
//! units have an id, a text and a document; extras never hold a unit
//! column; plain bytes pass decompression unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/invariants/mod.rs"]
mod invariants;

fuzz_target!(|data: &[u8]| {
    invariants::must(invariants::unit_columns(data, "fuzz.tsv"));
});
