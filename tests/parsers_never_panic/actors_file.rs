//! Actors file.

use super::*;

pub(crate) fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[derive(Debug, Clone)]
pub(crate) struct ActorSpec {
    code: &'static str,
    name: Option<&'static str>,
    names: Option<Vec<String>>,
    exact: Option<Vec<String>>,
    extra: bool,
}

pub(crate) fn actor_name() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => select(vec!["Pakistan", "Pakistani", "Pak", "U.S.", "US", "USA", "Indo", "India",
                          "Indian Ocean", "Russia", "Vladimir Putin", "a", "ü", "本", "o'clock",
                          "Pakistan-Russia", "x.", ".x", " spaced ", "🇵🇰"])
            .prop_map(String::from),
        1 => select(vec!["", " ", "\t", "a\"b", "back\\slash", "\u{7f}", "line\nbreak"])
            .prop_map(String::from),
        1 => "[a-zA-Z ]{1,8}",
        1 => odd_text(),
    ]
}

pub(crate) fn actor_spec() -> impl Strategy<Value = ActorSpec> {
    (
        select(vec!["PAK", "RUS", "USA", "A_1", "x", "", "A-B", "Ü", "a b"]),
        proptest::option::weighted(0.9, select(vec!["Pakistan", "", "Ü \"q\""])),
        proptest::option::weighted(0.8, vec(actor_name(), 0..4)),
        proptest::option::weighted(0.4, vec(actor_name(), 0..3)),
        proptest::bool::weighted(0.1),
    )
        .prop_map(|(code, name, names, exact, extra)| ActorSpec {
            code,
            name,
            names,
            exact,
            extra,
        })
}

pub(crate) fn render_actors(actors: &[ActorSpec], top_extra: bool) -> String {
    let list = |v: &[String]| {
        v.iter()
            .map(|s| toml_string(s))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out = String::from("# actors\n");
    if top_extra {
        out.push_str("version = 1\n");
    }
    for a in actors {
        out.push_str("\n[[actor]]\n");
        out.push_str(&format!("code = {}\n", toml_string(a.code)));
        if let Some(n) = a.name {
            out.push_str(&format!("name = {}\n", toml_string(n)));
        }
        if let Some(v) = &a.names {
            out.push_str(&format!("names = [{}]\n", list(v)));
        }
        if let Some(v) = &a.exact {
            // Multi-line, with a trailing comma when not empty.
            let sep = if v.is_empty() { "" } else { "," };
            out.push_str(&format!("exact = [\n  {}{sep}\n]\n", list(v)));
        }
        if a.extra {
            out.push_str("colour = \"red\"\n");
        }
    }
    out
}

/// What `from_toml` must decide for a rendered file.
pub(crate) fn actors_accepted(actors: &[ActorSpec], top_extra: bool) -> bool {
    !top_extra
        && !actors.is_empty()
        && actors.iter().enumerate().all(|(i, a)| {
            let names: Vec<&String> = a.names.iter().chain(&a.exact).flatten().collect();
            a.name.is_some()
                && !a.extra
                && !a.code.is_empty()
                && a.code
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_')
                && actors[..i].iter().all(|b| b.code != a.code)
                && !names.is_empty()
                && names.iter().all(|n| !n.trim().is_empty())
                && no_name_clash(&actors[..i], a)
        })
}

/// A name of `a` is not also a name of an earlier actor: folded names clash
/// ignoring ASCII case with any name, exact names with an equal exact name.
fn no_name_clash(earlier: &[ActorSpec], a: &ActorSpec) -> bool {
    let folded = |x: &ActorSpec| x.names.iter().flatten().cloned().collect::<Vec<String>>();
    let exact = |x: &ActorSpec| x.exact.iter().flatten().cloned().collect::<Vec<String>>();
    earlier.iter().all(|b| {
        folded(a).iter().all(|n| {
            !folded(b)
                .iter()
                .chain(&exact(b))
                .any(|m| m.eq_ignore_ascii_case(n))
        }) && exact(a)
            .iter()
            .all(|n| !exact(b).contains(n) && !folded(b).iter().any(|m| m.eq_ignore_ascii_case(n)))
    })
}

pub(crate) fn mention_text() -> impl Strategy<Value = String> {
    vec(
        prop_oneof![
            actor_name(),
            select(vec![
                " ", "’s ", "-", ".", ", ", "Indiana", "us", "pakistan", "PAKISTAN", "\n", "é"
            ])
            .prop_map(String::from),
        ],
        0..12,
    )
    .prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn actors_any_string(text in any::<String>(), sample in any::<String>()) {
        ok(actors_toml(&text, &sample))?;
    }

    #[test]
    fn actors_near_valid_files(actors in vec(actor_spec(), 0..5), top_extra in proptest::bool::weighted(0.1), sample in mention_text()) {
        let text = render_actors(&actors, top_extra);
        ok(actors_toml(&text, &sample))?;
        let got = ActorSet::from_toml(&text);
        prop_assert_eq!(got.is_ok(), actors_accepted(&actors, top_extra), "{}\n{:?}", text, got.err());
    }

    /// Damaged files: cut at any character, or a character put anywhere.
    #[test]
    fn actors_damaged_files(
        actors in vec(actor_spec(), 1..4),
        at in any::<prop::sample::Index>(),
        insert in proptest::option::of(select(vec!['"', '[', ']', '=', '\n', '\\', '#', 'ü', '\'', '{', '\u{0}'])),
        sample in mention_text(),
    ) {
        let mut text = render_actors(&actors, false);
        let bounds: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
        let i = bounds[at.index(bounds.len())];
        match insert {
            Some(c) => text.insert(i, c),
            None => text.truncate(i),
        }
        ok(actors_toml(&text, &sample))?;
    }

    #[test]
    fn actors_shipped_file_on_any_text(sample in prop_oneof![any::<String>(), mention_text()]) {
        ok(actors_toml(shipped_actors(), &sample))?;
    }
}

pub(crate) fn shipped_actors() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| {
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/labels/actors.toml")).unwrap()
    })
}
