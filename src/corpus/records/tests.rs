//! Tests of the record readers.
use super::*;

#[test]
fn json_units_report_each_bad_line() {
    let input = b"{\"doc_id\":\"d\",\"unit_id\":\"c1\",\"text\":\"hi\"}\n\n[1,2]\n{\"doc_id\":\"d\",\"unit_id\":\"c2\"}\nnot json\n\xff\xfe\n{\"doc_id\":\"d\",\"unit_id\":3,\"text\":\"x\",\"kind\":\"paragraph\"}\n";
    let out: Vec<_> = json_units(&input[..], "f.jsonl").collect();
    assert_eq!(out.len(), 6);
    assert_eq!(out[0].as_ref().unwrap().1.kind, UnitKind::Comment);
    let errs: Vec<String> = out
        .iter()
        .filter_map(|r| r.as_ref().err())
        .map(|r| r.to_string())
        .collect();
    assert_eq!(errs.len(), 4);
    assert!(errs[0].starts_with("f.jsonl:3: expected a JSON object, found an array"));
    assert!(errs[1].starts_with("f.jsonl:4: missing field `text`"));
    assert!(errs[2].starts_with("f.jsonl:5: invalid JSON"));
    assert!(errs[3].starts_with("f.jsonl:6: invalid UTF-8"));
    let last = &out[5].as_ref().unwrap().1;
    assert_eq!(
        (last.unit_id.as_str(), last.kind),
        ("3", UnitKind::Paragraph)
    );
}

#[test]
fn csv_units_with_bad_rows() {
    let input =
        "doc_id,unit_id,text,author\nd,c1,hello,ann\nd,c2,,bob\nd,c3\nd,c4,\"multi\nline\",\n";
    let out: Vec<_> = csv_units(input.as_bytes(), "f.csv").collect();
    assert_eq!(out.len(), 4);
    assert_eq!(out[0].as_ref().unwrap().1.author.as_deref(), Some("ann"));
    assert_eq!(
        out[1].as_ref().unwrap_err().to_string(),
        "f.csv:3: field `text` is empty"
    );
    assert!(
        out[2]
            .as_ref()
            .unwrap_err()
            .to_string()
            .starts_with("f.csv:4: 2 fields")
    );
    assert_eq!(out[3].as_ref().unwrap().1.text, "multi\nline");
}

#[test]
fn text_must_be_a_string_where_ids_may_be_numbers() {
    let input =
        b"{\"doc_id\":1,\"unit_id\":2,\"text\":42}\n{\"doc_id\":1,\"unit_id\":2,\"text\":\"42\"}\n";
    let out: Vec<_> = json_units(&input[..], "f.jsonl").collect();
    assert_eq!(
        out[0].as_ref().unwrap_err().to_string(),
        "f.jsonl:1: field `text` must be a string, found a number"
    );
    assert_eq!(out[1].as_ref().unwrap().1.text, "42");
}

#[test]
fn a_column_named_twice_is_an_error() {
    let out: Vec<_> =
        csv_units("doc_id,unit_id,TEXT,text\nd,1,a,b\n".as_bytes(), "x.csv").collect();
    assert_eq!(out.len(), 1);
    assert_eq!(
        out[0].as_ref().unwrap_err().to_string(),
        "x.csv:1: the header names the column `text` twice"
    );
}

#[test]
fn a_long_line_is_one_rejection_and_the_rest_is_read() {
    let long = "x".repeat(max_line_bytes() + 1);
    let input = format!(
        "{{\"doc_id\":\"d\",\"unit_id\":\"1\",\"text\":\"{long}\"}}\n{{\"doc_id\":\"d\",\"unit_id\":\"2\",\"text\":\"ok\"}}\n"
    );
    let out: Vec<_> = json_units(input.as_bytes(), "f.jsonl").collect();
    assert_eq!(out.len(), 2);
    assert!(
        out[0]
            .as_ref()
            .unwrap_err()
            .to_string()
            .starts_with("f.jsonl:1: line longer than")
    );
    assert_eq!(out[1].as_ref().unwrap().1.unit_id, "2");
}

#[test]
fn csv_without_text_column() {
    let out: Vec<_> = csv_units("doc_id,unit_id\nd,1\n".as_bytes(), "x.csv").collect();
    assert_eq!(out.len(), 1);
    assert!(out[0].as_ref().unwrap_err().reason.contains("`text`"));
}

#[test]
fn unterminated_quote_is_rejected_with_the_swallowed_lines() {
    let input = "doc_id,unit_id,text\nd,c1,\"open quote\nd,c2,next row\nd,c3,third\n";
    let out: Vec<_> = csv_units(input.as_bytes(), "f.csv").collect();
    assert_eq!(out.len(), 1);
    let r = out[0].as_ref().unwrap_err().to_string();
    assert!(
        r.starts_with("f.csv:2: a quoted field") && r.contains("lines 3–4"),
        "{r}"
    );
    // Prose over several lines, even with commas, is one field.
    let ok = "doc_id,unit_id,text\nd,c1,\"I agree, but\nthen again, no\nsee, here, it\"\n";
    let out: Vec<_> = csv_units(ok.as_bytes(), "f.csv").collect();
    assert!(out[0].is_ok(), "{out:?}");
}

#[test]
fn renamed_columns_keep_the_others() {
    let cols = Columns {
        doc: "doc_id".into(),
        unit: "ID".into(),
        text: "comment".into(),
    };
    let rows = CsvRows::with_delimiter(
        "id\tcomment\toutlet\n7\thi\tBBC\n8\tyo\t\n".as_bytes(),
        "f.tsv",
        b'\t',
    );
    let out: Vec<_> = csv_units_with(rows, &cols, Some("f")).collect();
    let u = &out[0].as_ref().unwrap().1;
    assert_eq!(
        (u.doc_id.as_str(), u.unit_id.as_str(), u.text.as_str()),
        ("f", "7", "hi")
    );
    assert_eq!(u.fields.as_ref().unwrap()["outlet"], "BBC");
    assert_eq!(out[1].as_ref().unwrap().1.fields, None);
}
