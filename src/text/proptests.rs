//! Property tests: the invariants callers rely on, over arbitrary input.

use proptest::prelude::*;

use super::*;

/// Text built from the characters the rules care about, so the interesting
/// branches (apostrophes, abbreviations, hyphens, URLs, numbers, emoji) are
/// hit far more often than by uniformly random strings.
fn tricky_text() -> impl Strategy<Value = String> {
    let atoms = prop::sample::select(vec![
        "a",
        "Z",
        "é",
        "e\u{301}",
        "n",
        "t",
        "s",
        "U",
        ".",
        ",",
        "-",
        "–",
        "'",
        "’",
        "`",
        "\"",
        "“",
        " ",
        "\u{A0}",
        "\n",
        "\u{2028}",
        "\u{200F}",
        "\u{200D}",
        "0",
        "7",
        "%",
        "$",
        "@",
        "#",
        "_",
        "http://",
        "https://",
        "www.",
        "(",
        ")",
        "don't",
        "U.S.",
        "n't",
        "'s",
        "🇵🇰",
        "👍🏽",
        "ß",
        "İ",
        "پ",
        "本",
        "\u{FE0F}",
        "\u{10FFFF}",
        "\0",
    ]);
    prop::collection::vec(atoms, 0..40).prop_map(|v| v.concat())
}

fn any_config() -> impl Strategy<Value = TokenizerConfig> {
    (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()).prop_map(
        |(lowercase, stem, mark_negation, keep_punct)| TokenizerConfig {
            lowercase,
            stem,
            mark_negation,
            keep_punct,
        },
    )
}

fn check_spans(text: &str, tokens: &[Token]) -> Result<(), TestCaseError> {
    let mut last_end = 0;
    for t in tokens {
        prop_assert!(t.start < t.end, "empty span {t:?}");
        prop_assert!(t.end <= text.len(), "span out of bounds {t:?}");
        prop_assert!(
            text.is_char_boundary(t.start) && text.is_char_boundary(t.end),
            "{t:?}"
        );
        prop_assert!(
            t.start >= last_end,
            "overlap or disorder at {t:?} in {tokens:?}"
        );
        prop_assert!(!t.text.is_empty(), "empty text {t:?}");
        last_end = t.end;
    }
    Ok(())
}

fn texts(tokens: Vec<Token>) -> Vec<(String, TokenKind, bool)> {
    tokens
        .into_iter()
        .map(|t| (t.text, t.kind, t.negated))
        .collect()
}

proptest! {
    #[test]
    fn never_panics_on_any_string(text in any::<String>(), config in any_config()) {
        let _ = Tokenizer::new(config).tokenize(&text);
    }

    #[test]
    fn never_panics_on_tricky_text(text in tricky_text(), config in any_config()) {
        let _ = Tokenizer::new(config).tokenize(&text);
    }

    #[test]
    fn normalize_is_idempotent(text in any::<String>(), tricky in tricky_text()) {
        for t in [text, tricky] {
            let once = normalize(&t).into_owned();
            prop_assert_eq!(normalize(&once), once.as_str());
        }
    }

    #[test]
    fn normalize_keeps_char_count(text in tricky_text()) {
        prop_assert_eq!(normalize(&text).chars().count(), text.chars().count());
    }

    #[test]
    fn spans_are_valid_on_any_string(text in any::<String>(), config in any_config()) {
        check_spans(&text, &Tokenizer::new(config).tokenize(&text))?;
    }

    #[test]
    fn spans_are_valid_on_tricky_text(text in tricky_text(), config in any_config()) {
        check_spans(&text, &Tokenizer::new(config).tokenize(&text))?;
    }

    #[test]
    fn normalizing_first_changes_no_token(text in tricky_text(), config in any_config()) {
        let t = Tokenizer::new(config);
        let normalized = normalize(&text);
        prop_assert_eq!(texts(t.tokenize(&normalized)), texts(t.tokenize(&text)));
    }

    #[test]
    fn normalizing_first_changes_no_token_any_string(text in any::<String>()) {
        let t = Tokenizer::default();
        let normalized = normalize(&text);
        prop_assert_eq!(texts(t.tokenize(&normalized)), texts(t.tokenize(&text)));
    }

    #[test]
    fn tokenize_into_matches_tokenize(a in tricky_text(), b in tricky_text()) {
        let t = Tokenizer::default();
        let mut out = t.tokenize(&a);
        t.tokenize_into(&b, &mut out);
        prop_assert_eq!(out, t.tokenize(&b));
    }
}
