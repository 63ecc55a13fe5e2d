//! Renamed columns, TSV and compressed input (issue 13, part 2): no panic;
//! accepted units have an id, a text and a document; an extra field never
//! holds a unit column; plain bytes pass `decompress` unchanged.

use super::*;
use stance::corpus::columns::Columns;
use stance::corpus::records::{CsvRows, csv_units_with};

/// The first byte picks the separator (even: tab), the rest is the file.
pub fn unit_columns(bytes: &[u8], file: &str) -> Check {
    let (delimiter, body) = match bytes.split_first() {
        Some((&b, rest)) => (if b % 2 == 0 { b'\t' } else { b',' }, rest),
        None => (b',', bytes),
    };
    let cols = Columns {
        doc: "article".into(),
        unit: "id".into(),
        text: "comment".into(),
    };
    let rows = CsvRows::with_delimiter(body, file, delimiter);
    for item in csv_units_with(rows, &cols, Some("fallback")) {
        match item {
            Ok((at, u)) => {
                check_location(&at, file)?;
                ensure!(
                    trimmed_nonempty(&u.unit_id)
                        && trimmed_nonempty(&u.text)
                        && !u.doc_id.is_empty(),
                    "accepted unit without id, text or document: {u:?}"
                );
                for k in u.fields.iter().flat_map(|f| f.keys()) {
                    ensure!(!cols.is_unit_field(k), "unit column `{k}` kept as an extra");
                }
            }
            Err(r) => check_rejection(&r, file)?,
        }
    }
    let compressed = body.starts_with(&[0x1f, 0x8b]) || body.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]);
    if let Ok(mut r) = stance::input::decompress(Box::new(std::io::Cursor::new(body.to_vec()))) {
        let mut out = Vec::new();
        let read = std::io::Read::read_to_end(&mut r, &mut out);
        ensure!(
            compressed || (read.is_ok() && out == body),
            "plain bytes changed by decompress"
        );
    }
    Ok(())
}
