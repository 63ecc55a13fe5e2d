//! Units from the user's own columns (issue 13): CSV and TSV.

use super::*;
use stance::corpus::columns::Columns;
use stance::corpus::records::csv_units_with;

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn columns_any_bytes(bytes in vec(any::<u8>(), 0..400)) {
        ok(unit_columns(&bytes, "f.tsv"))?;
    }

    /// Comments with ids, multi-line prose and an extra column: every row
    /// is a unit with its id, its text and the extra as a field, by CSV
    /// and by TSV.
    #[test]
    fn own_columns_keep_every_row(
        rows in vec((1u32..10_000, words(1..8), select(vec!["", "BBC", "Dawn", "a b"])), 1..20),
        tab in any::<bool>(),
    ) {
        let sep = if tab { "\t" } else { "," };
        let mut text = format!("id{sep}comment{sep}outlet\n");
        for (i, (id, words, outlet)) in rows.iter().enumerate() {
            // Prose over two lines, with the separator inside: quoted.
            let comment = format!("{words}{sep} and\nmore {i}");
            text += &format!("{}{id}{sep}\"{comment}\"{sep}{outlet}\n", i);
        }
        let cols = Columns { doc: "doc_id".into(), unit: "id".into(), text: "comment".into() };
        let d = if tab { b'\t' } else { b',' };
        let items: Vec<_> = csv_units_with(CsvRows::with_delimiter(text.as_bytes(), "f", d), &cols, Some("f")).collect();
        prop_assert_eq!(items.len(), rows.len());
        for (item, (i, (id, _, outlet))) in items.iter().zip(rows.iter().enumerate()) {
            let (_, u) = item.as_ref().map_err(|e| TestCaseError::fail(format!("{e}\n{text:?}")))?;
            prop_assert_eq!(&u.unit_id, &format!("{i}{id}"));
            prop_assert_eq!(u.doc_id.as_str(), "f");
            let field = u.fields.as_ref().and_then(|f| f.get("outlet")).and_then(|v| v.as_str());
            prop_assert_eq!(field, (!outlet.is_empty()).then_some(*outlet));
        }
    }
}
