//! Data-set lines (stance JSON lines, NewsMTSC).

use super::*;

/// A NewsMTSC-shaped object: sentence, a character span, the mention (mostly
/// the span's text), polarity, with random damage.
pub(crate) fn newsmtsc_object() -> impl Strategy<Value = BTreeMap<String, V>> {
    (
        prop_oneof![words(1..10), odd_text(), any::<String>()],
        any::<prop::sample::Index>(),
        any::<prop::sample::Index>(),
        prop_oneof![4 => Just(None), 1 => any::<i64>().prop_map(Some), 1 => (-3i64..30).prop_map(Some)],
        prop_oneof![4 => (-1i64..=1).prop_map(V::Int), 1 => value()],
        proptest::bool::weighted(0.8),
        proptest::option::weighted(0.5, value()),
        vec(0u8..12, 0..2),
    )
        .prop_map(|(sentence, a, b, bad_to, polarity, true_mention, id, drop)| {
            let n = sentence.chars().count();
            let (mut from, mut to) = (a.index(n + 1), b.index(n + 1));
            if from > to {
                std::mem::swap(&mut from, &mut to);
            }
            let mention: String = if true_mention {
                sentence.chars().skip(from).take(to - from).collect()
            } else {
                "Smith".into()
            };
            let to = bad_to.unwrap_or(to as i64);
            let mut m = BTreeMap::new();
            m.insert("sentence".to_string(), V::Str(sentence));
            m.insert("mention".to_string(), V::Str(mention));
            m.insert("from".to_string(), V::Int(from as i64));
            m.insert("to".to_string(), V::Int(to));
            m.insert("polarity".to_string(), polarity);
            if let Some(id) = id {
                m.insert("id".to_string(), id);
            }
            for d in drop {
                let keys: Vec<String> = m.keys().cloned().collect();
                if let Some(k) = keys.get(d as usize) {
                    m.remove(k);
                }
            }
            m
        })
}

pub(crate) fn stance_object() -> impl Strategy<Value = BTreeMap<String, V>> {
    let keys = ["text", "target", "label", "id", "extra", "type"];
    (
        prop_oneof![4 => words(1..10).prop_map(V::Str), 1 => value()],
        prop_oneof![4 => select(vec!["PAK", "Hillary Clinton", " RUS ", ""]).prop_map(|s| V::Str(s.into())), 1 => value()],
        prop_oneof![4 => select(vec!["favor", "AGAINST", "none", "pro", " anti", "neutral", "maybe", ""]).prop_map(|s| V::Str(s.into())), 1 => value()],
        value(),
        value(),
        prop_oneof![2 => select(vec!["negation", " plain_pro ", "", "  "]).prop_map(|s| V::Str(s.into())), 1 => value()],
        vec(0u8..4, 6),
    )
        .prop_map(move |(text, target, label, id, extra, kind, keep)| {
            [text, target, label, id, extra, kind]
                .into_iter()
                .zip(keys)
                .zip(keep)
                .filter(|((_, k), p)| if matches!(*k, "id" | "extra" | "type") { *p > 1 } else { *p > 0 })
                .map(|((v, k), _)| (k.to_string(), v))
                .collect()
        })
}

/// What `example_from_json` must make of an object.
pub(crate) fn expected_example(m: &BTreeMap<String, V>) -> Option<Example> {
    let get = |k: &str| m.get(k).map_or(Ok(None), V::as_field);
    let filled = |v: Result<Option<String>, ()>| match v {
        Ok(Some(s)) if !s.trim().is_empty() => Some(s),
        _ => None,
    };
    let required = |k: &str| filled(get(k));
    // Text (a stance line's `text`, a NewsMTSC `sentence`) is no number.
    let text = |k: &str| filled(m.get(k).map_or(Ok(None), V::as_text));
    let id = |text: &str| match get("id") {
        Err(()) => None,
        Ok(id) => Some(id.unwrap_or_else(|| format!("{:016x}", fnv1a(text.as_bytes())))),
    };
    if m.contains_key("sentence") && m.contains_key("polarity") {
        let sentence = text("sentence")?;
        let mention = required("mention")?;
        let int = |k: &str| match m.get(k) {
            Some(V::Int(i)) => Some(*i),
            _ => None,
        };
        let stance = match int("polarity")? {
            1 => Stance::Pro,
            0 => Stance::None,
            -1 => Stance::Anti,
            _ => return None,
        };
        let (from, to) = (int("from")?, int("to")?);
        let n = sentence.chars().count() as i64;
        if from < 0 || to < from || to > n {
            return None;
        }
        let byte = |c: i64| {
            sentence
                .char_indices()
                .map(|(i, _)| i)
                .chain([sentence.len()])
                .nth(c as usize)
                .unwrap()
        };
        let span = (byte(from), byte(to));
        if sentence[span.0..span.1] != mention {
            return None;
        }
        Some(Example {
            id: id(&sentence)?,
            group: fnv1a(sentence.as_bytes()),
            text: sentence,
            target: "mention".into(),
            span: Some(span),
            stance,
            kind: None,
            source: "data".into(),
            probe_type: None,
        })
    } else if m.contains_key("target") && m.contains_key("label") {
        let text = text("text")?;
        let target = required("target")?;
        let stance = Stance::parse(&required("label")?)?;
        let id = id(&text)?;
        let probe_type = get("type")
            .ok()?
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty());
        Some(Example {
            id,
            group: fnv1a(text.as_bytes()),
            text,
            target: target.trim().to_string(),
            span: None,
            stance,
            kind: None,
            source: "data".into(),
            probe_type,
        })
    } else {
        None
    }
}

pub(crate) fn to_map(m: &BTreeMap<String, V>) -> Map<String, Value> {
    m.iter().map(|(k, v)| (k.clone(), v.json())).collect()
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn dataset_any_bytes(bytes in vec(any::<u8>(), 0..400)) {
        ok(dataset_lines(&bytes, "d.jsonl"))?;
    }

    #[test]
    fn dataset_file_any_lines(lines in vec(jline(), 0..8)) {
        ok(dataset_jsonl(&encode_jlines(&lines, false, true)))?;
    }

    /// Each line is decided exactly as its format says; kept examples are
    /// exactly what the line holds.
    #[test]
    fn dataset_near_valid_lines(obj in prop_oneof![newsmtsc_object(), stance_object()]) {
        let got = example_from_json(&to_map(&obj));
        let want = expected_example(&obj);
        prop_assert_eq!(got.as_ref().ok(), want.as_ref(), "{:?}", got);
        if let Ok(e) = &got {
            ok(check_example(e))?;
        }
    }

    /// The same objects as JSON lines in a file, read by `read_data`.
    #[test]
    fn dataset_near_valid_files(objs in vec(prop_oneof![newsmtsc_object(), stance_object()], 0..8)) {
        let text: String = objs
            .iter()
            .map(|o| serde_json::to_string(&to_map(o)).unwrap() + "\n")
            .collect();
        ok(dataset_jsonl(text.as_bytes()))?;
        ok(dataset_lines(text.as_bytes(), "d.jsonl"))?;
    }
}
