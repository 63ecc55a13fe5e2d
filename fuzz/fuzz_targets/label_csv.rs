//! `stance::labels::read_labels` on a label file holding any bytes (it reads
//! files by path, and its row parser is private, so each input is written
//! to a temporary file): no panic; every rejection names the file; rows +
//! rejections cover every record that is not blank; kept rows have every
//! field filled.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/invariants/mod.rs"]
mod invariants;

fuzz_target!(|data: &[u8]| {
    invariants::must(invariants::csv_rows(data, "fuzz.csv"));
    invariants::must(invariants::label_csv(data));
});
