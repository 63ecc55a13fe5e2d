//! Unit records: JSON lines.

use super::*;

/// A JSON value of any type, biased to what fields hold.
#[derive(Debug, Clone)]
pub(crate) enum V {
    Str(String),
    Int(i64),
    Big(u64),
    Float(f64),
    Bool(bool),
    Null,
    Arr,
    Obj,
}

impl V {
    pub(crate) fn json(&self) -> Value {
        match self {
            V::Str(s) => Value::from(s.as_str()),
            V::Int(i) => Value::from(*i),
            V::Big(u) => Value::from(*u),
            V::Float(f) => Value::from(*f),
            V::Bool(b) => Value::from(*b),
            V::Null => Value::Null,
            V::Arr => serde_json::json!([1, "a"]),
            V::Obj => serde_json::json!({"a": 1}),
        }
    }

    /// What `field_str` makes of it: `Ok(None)` absent, `Err` wrong type.
    pub(crate) fn as_field(&self) -> Result<Option<String>, ()> {
        match self {
            V::Str(s) => Ok(Some(s.clone())),
            V::Int(i) => Ok(Some(i.to_string())),
            V::Big(u) => Ok(Some(u.to_string())),
            V::Null => Ok(None),
            _ => Err(()),
        }
    }

    /// What `field_text` makes of it: like [`V::as_field`], but a number
    /// is no text.
    pub(crate) fn as_text(&self) -> Result<Option<String>, ()> {
        match self {
            V::Int(_) | V::Big(_) | V::Float(_) => Err(()),
            other => other.as_field(),
        }
    }
}

pub(crate) fn string_value() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => words(1..6),
        1 => select(vec!["", " ", "\t\n", "\u{feff}", "comment", "Title", " PARAGRAPH ", "reply"])
            .prop_map(String::from),
        1 => odd_text(),
        1 => any::<String>(),
    ]
}

pub(crate) fn value() -> impl Strategy<Value = V> {
    prop_oneof![
        8 => string_value().prop_map(V::Str),
        2 => any::<i64>().prop_map(V::Int),
        1 => (i64::MAX as u64..=u64::MAX).prop_map(V::Big),
        1 => (-1e9f64..1e9).prop_map(|f| V::Float(f + 0.5)),
        1 => any::<bool>().prop_map(V::Bool),
        1 => Just(V::Null),
        1 => Just(V::Arr),
        1 => Just(V::Obj),
    ]
}

pub(crate) const UNIT_KEYS: &[&str] = &[
    "doc_id",
    "unit_id",
    "text",
    "kind",
    "author",
    "posted_at",
    "extra",
    "Text",
];

/// An object with each unit field present with probability 3/4 (required
/// ones) or 1/2, so that most objects are units and many are almost.
pub(crate) fn unit_object() -> impl Strategy<Value = BTreeMap<String, V>> {
    vec((0u8..4, value()), UNIT_KEYS.len()).prop_map(|fields| {
        fields
            .into_iter()
            .zip(UNIT_KEYS)
            .filter(|((p, _), k)| {
                if k.ends_with("id") || **k == "text" {
                    *p > 0
                } else {
                    *p > 1
                }
            })
            .map(|((_, v), k)| (k.to_string(), v))
            .collect()
    })
}

/// What `unit_from_json` must decide for an object: accepted or not.
pub(crate) fn unit_accepted(obj: &BTreeMap<String, V>) -> bool {
    let get = |k: &str| obj.get(k).map_or(Ok(None), V::as_field);
    let filled = |v: Result<Option<String>, ()>| matches!(v, Ok(Some(s)) if !s.trim().is_empty());
    let required = |k: &str| filled(get(k));
    let kind_ok = match get("kind") {
        Err(()) => false,
        Ok(None) => true,
        Ok(Some(k)) => k.trim().is_empty() || UnitKind::parse(&k).is_some(),
    };
    required("doc_id")
        && required("unit_id")
        && filled(obj.get("text").map_or(Ok(None), V::as_text))
        && kind_ok
        && get("author").is_ok()
        && get("posted_at").is_ok()
}

#[derive(Debug, Clone)]
pub(crate) enum JLine {
    Object(BTreeMap<String, V>),
    Blank(String),
    /// Valid JSON that is not an object, or not JSON at all.
    Other(String),
    Bytes(Vec<u8>),
}

pub(crate) fn jline() -> impl Strategy<Value = JLine> {
    prop_oneof![
        6 => unit_object().prop_map(JLine::Object),
        1 => select(vec!["", " ", "\t", "\r", "\u{feff}", "\u{feff} \t", "\u{a0}"])
            .prop_map(|s| JLine::Blank(s.into())),
        1 => select(vec!["[1,2]", "3", "\"x\"", "null", "true", "{", "{\"a\":}", "not json",
                          "{\"doc_id\":\"d\"}{}", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]"])
            .prop_map(|s| JLine::Other(s.into())),
        1 => vec(any::<u8>(), 1..20).prop_map(JLine::Bytes),
    ]
}

pub(crate) fn encode_jlines(lines: &[JLine], crlf: bool, nl: bool) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(if crlf { b"\r\n" } else { b"\n" });
        }
        match l {
            JLine::Object(m) => {
                let obj: Map<String, Value> =
                    m.iter().map(|(k, v)| (k.clone(), v.json())).collect();
                out.extend_from_slice(serde_json::to_string(&obj).unwrap().as_bytes());
            }
            JLine::Blank(s) | JLine::Other(s) => out.extend_from_slice(s.as_bytes()),
            JLine::Bytes(b) => out.extend(b.iter().map(|&b| if b == b'\n' { b'x' } else { b })),
        }
    }
    if nl {
        out.extend_from_slice(if crlf { b"\r\n" } else { b"\n" });
    }
    out
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn jsonl_any_bytes(bytes in vec(any::<u8>(), 0..400)) {
        ok(unit_jsonl(&bytes, "f.jsonl"))?;
    }

    #[test]
    fn jsonl_any_text(text in vec(prop_oneof![any::<String>(), odd_text(), Just("\n".to_string())], 0..10)) {
        ok(unit_jsonl(text.concat().as_bytes(), "f.jsonl"))?;
    }

    /// One item per line that is not blank, each accepted exactly when its
    /// object is a unit.
    #[test]
    fn jsonl_near_valid_objects(lines in vec(jline(), 0..12), crlf in any::<bool>(), nl in any::<bool>()) {
        let bytes = encode_jlines(&lines, crlf, nl);
        ok(unit_jsonl(&bytes, "f.jsonl"))?;
        let items: Vec<_> = json_units(&bytes[..], "f.jsonl").collect();
        let expected: Vec<(u64, Option<bool>)> = lines
            .iter()
            .enumerate()
            .filter_map(|(i, l)| {
                let n = i as u64 + 1;
                match l {
                    JLine::Object(m) => Some((n, Some(unit_accepted(m)))),
                    JLine::Blank(_) => None,
                    JLine::Other(_) => Some((n, Some(false))),
                    // Random bytes may be blank or even a unit; only the
                    // count is known.
                    JLine::Bytes(b) => {
                        let b: Vec<u8> = b.iter().map(|&b| if b == b'\n' { b'x' } else { b }).collect();
                        (!json_row_lines(&b).is_empty()).then_some((n, None))
                    }
                }
            })
            .collect();
        prop_assert_eq!(items.len(), expected.len(), "{:?}", String::from_utf8_lossy(&bytes));
        for (item, (line, accepted)) in items.iter().zip(&expected) {
            let at = match item { Ok((at, _)) => at, Err(r) => &r.at };
            prop_assert_eq!(at.line, Some(*line));
            if let Some(a) = accepted {
                prop_assert_eq!(item.is_ok(), *a, "line {}: {:?}", line, item);
            }
        }
    }
}
