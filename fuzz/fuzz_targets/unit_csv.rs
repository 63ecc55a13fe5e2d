//! `stance::corpus::records::{CsvRows, csv_units}` on any bytes: no panic;
//! rows + rejections cover every record that is not blank, in line order,
//! each naming the file; rows follow the header; accepted units have
//! `doc_id`, `unit_id` and `text`.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/invariants/mod.rs"]
mod invariants;

fuzz_target!(|data: &[u8]| {
    invariants::must(invariants::csv_rows(data, "fuzz.csv"));
    invariants::must(invariants::unit_csv(data, "fuzz.csv"));
});
