use super::*;

fn same(a: &Record, b: &Record) -> bool {
    match (a, b) {
        (Record::Unit(x), Record::Unit(y)) => x == y,
        (Record::Target(x), Record::Target(y)) => x == y,
        _ => false,
    }
}

/// Lines of every shape: the fast way accepts only what the old way
/// accepts, and builds the same record; it takes the usual lines.
#[test]
fn fast_records_are_the_old_records() {
    let values: &[&str] = &[
        "\"x\"",
        "\"  \"",
        "\"\"",
        "\"Pakistan and \\\"India\\\"\\n\"",
        "\"\\u00e9\"",
        "\"comment\"",
        "\" Paragraph \"",
        "\"blog\"",
        "\"favor\"",
        "\"against\"",
        "\"maybe\"",
        "\"Cruz\"",
        "\"Ted Cruz won\"",
        "\"“Senator” Cruz lost.\"",
        "0",
        "1",
        "-1",
        "2",
        "4",
        "8",
        "10",
        "14",
        "-0",
        "1.0",
        "1e2",
        "18446744073709551615",
        "9223372036854775808",
        "-9223372036854775808",
        "true",
        "null",
        "[]",
        "[1,{}]",
        "{}",
        "{\"a\":[null]}",
    ];
    let keys: &[&str] = &[
        "doc_id",
        "unit_id",
        "text",
        "kind",
        "author",
        "posted_at",
        "target",
        "label",
        "id",
        "sentence",
        "mention",
        "from",
        "to",
        "polarity",
        "extra",
        "te\\u0078t",
    ];
    let mut x = 0x2545_f491_4f6c_dd1du64;
    let mut next = move |n: usize| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % n as u64) as usize
    };
    let mut fast_taken = 0;
    let mut lines = Vec::new();
    for _ in 0..30_000 {
        let n = next(8);
        let fields: Vec<String> = (0..n)
            .map(|_| {
                format!(
                    "\"{}\":{}",
                    keys[next(keys.len())],
                    values[next(values.len())]
                )
            })
            .collect();
        lines.push(format!("{{{}}}", fields.join(",")));
    }
    // Shapes the fast way must take.
    lines.extend(
        [
            r#"{"doc_id":"d","unit_id":"c1","text":"Pakistan is great"}"#,
            r#"{"doc_id":"d","unit_id":7,"text":"x","kind":"paragraph","author":"a","posted_at":"2024"}"#,
            r#"{"mention":"Cruz","polarity":-1,"from":10,"to":14,"sentence":"“Senator” Cruz lost.","id":"x"}"#,
            r#"{"mention":"Cruz","from":4,"to":8,"sentence":"Ted Cruz won"}"#,
            r#"{"text":"We trust Pakistan","target":" PAK ","label":"favor","id":3}"#,
            r#"{"text":"We trust Pakistan","target":"PAK"}"#,
        ]
        .map(String::from),
    );
    for text in &lines {
        // What the old way gives for the line.
        let old = json_object(text).and_then(record_from_json);
        if let Some(rec) = fast_record(text) {
            fast_taken += 1;
            let old = old.unwrap_or_else(|e| panic!("{text}: fast accepts, old rejects: {e}"));
            assert!(same(&rec, &old), "{text}: {rec:?} != {old:?}");
        }
    }
    assert!(
        fast_taken > 200,
        "only {fast_taken} lines took the fast way"
    );
    for text in &lines[lines.len() - 6..] {
        assert!(fast_record(text).is_some(), "{text}");
    }
}
