//! End-to-end examples of each tokenisation rule.

use super::*;

fn texts(text: &str) -> Vec<String> {
    Tokenizer::default()
        .tokenize(text)
        .into_iter()
        .map(|t| t.text)
        .collect()
}

/// Tokens as (text, negated) pairs.
fn negs(text: &str) -> Vec<(String, bool)> {
    Tokenizer::default()
        .tokenize(text)
        .into_iter()
        .map(|t| (t.text, t.negated))
        .collect()
}

fn with(config: TokenizerConfig) -> Tokenizer {
    Tokenizer::new(config)
}

fn pairs(list: &[(&str, bool)]) -> Vec<(String, bool)> {
    list.iter().map(|&(s, b)| (s.to_owned(), b)).collect()
}

#[test]
fn negation_contraction_possessive_and_clause_end() {
    let text = "The US didn't help Pakistan’s army, but China did.";
    assert_eq!(
        negs(text),
        pairs(&[
            ("the", false),
            ("us", false),
            ("did", false),
            ("not", false),
            ("help", true),
            ("pakistan", true),
            ("armi", true),
            ("but", false),
            ("china", false),
            ("did", false),
        ])
    );
    let toks = Tokenizer::default().tokenize(text);
    let surfaces: Vec<&str> = toks.iter().map(|t| &text[t.start..t.end]).collect();
    assert_eq!(surfaces[2..6], ["did", "n't", "help", "Pakistan"]);
}

#[test]
fn plain_sentence_is_lowercased_and_stemmed() {
    assert_eq!(
        texts("Checkmate to Indians here."),
        ["checkmat", "to", "indian", "here"]
    );
}

#[test]
fn stemming_and_lowercasing_can_be_turned_off() {
    let raw = with(TokenizerConfig {
        lowercase: false,
        stem: false,
        ..Default::default()
    });
    let t: Vec<String> = raw
        .tokenize("Indians' ARMIES")
        .into_iter()
        .map(|t| t.text)
        .collect();
    assert_eq!(t, ["Indians", "ARMIES"]);
    let lower = with(TokenizerConfig {
        stem: false,
        ..Default::default()
    });
    let t: Vec<String> = lower
        .tokenize("ÇA İstanbul")
        .into_iter()
        .map(|t| t.text)
        .collect();
    assert_eq!(t, ["ça", "i\u{307}stanbul"]);
}

#[test]
fn every_trigger_opens_a_scope_that_punctuation_closes() {
    for trigger in [
        "not", "no", "never", "cannot", "nor", "without", "none", "nobody", "nothing", "neither",
    ] {
        let text = format!("they {trigger} support Kashmir; India does");
        let got = negs(&text);
        let flags: Vec<bool> = got.iter().map(|(_, n)| *n).collect();
        assert_eq!(
            flags,
            [false, false, true, true, false, false],
            "{trigger}: {got:?}"
        );
    }
    for end in [".", ",", ";", ":", "!", "?", "\n", "\u{2028}"] {
        let got = negs(&format!("not good{end} good"));
        assert_eq!(
            got,
            pairs(&[("not", false), ("good", true), ("good", false)]),
            "{end:?}"
        );
    }
}

#[test]
fn non_clause_punctuation_keeps_the_scope_open() {
    let got = negs("No \"friend\" (ever) - really");
    assert!(got[1..].iter().all(|(_, n)| *n), "{got:?}");
}

#[test]
fn negation_marking_can_be_turned_off() {
    let t = with(TokenizerConfig {
        mark_negation: false,
        ..Default::default()
    });
    assert!(t.tokenize("never trust them").iter().all(|t| !t.negated));
}

#[test]
fn contractions_expand_and_keep_surface_spans() {
    assert_eq!(
        texts("can't won't they're I'd"),
        ["can", "not", "will", "not", "they", "are", "i", "would"]
    );
    let text = "Can’t";
    let toks = Tokenizer::default().tokenize(text);
    assert_eq!(&text[toks[0].start..toks[0].end], "Ca");
    assert_eq!(&text[toks[1].start..toks[1].end], "n’t");
    assert_eq!(texts("O'Brien's"), ["o'brien"]);
}

#[test]
fn possessives_stem_to_the_bare_name() {
    assert_eq!(texts("Pakistan's"), texts("Pakistan"));
    assert_eq!(texts("Pakistan’s"), ["pakistan"]);
    assert_eq!(texts("India´s"), ["india"]);
}

#[test]
fn abbreviations_are_one_word() {
    assert_eq!(
        texts("The U.S. and the U.S are the same"),
        ["the", "u.s", "and", "the", "u.s", "are", "the", "same"]
    );
    let toks = Tokenizer::default().tokenize("U.S.");
    assert_eq!(
        (toks.len(), toks[0].kind, toks[0].end),
        (1, TokenKind::Word, 4)
    );
    assert_eq!(texts("e.g. this"), ["e.g", "this"]);
}

#[test]
fn hyphens_split_compounds() {
    assert_eq!(texts("Pakistan-Russia ties"), ["pakistan", "russia", "tie"]);
    assert_eq!(texts("anti-US sentiment"), ["anti", "us", "sentiment"]);
    assert_eq!(texts("Sino–Indian"), ["sino", "indian"]);
    let punct = with(TokenizerConfig {
        keep_punct: true,
        ..Default::default()
    });
    let t: Vec<String> = punct
        .tokenize("anti-US - no")
        .into_iter()
        .map(|t| t.text)
        .collect();
    assert_eq!(t, ["anti", "us", "-", "no"]);
}

#[test]
fn urls_handles_numbers_and_hashtags() {
    let text = "@PMOIndia see https://t.co/xY12?a=1, www.Dawn.com. #Kashmir #HillaryClinton 2017";
    let toks = Tokenizer::default().tokenize(text);
    let got: Vec<(&str, TokenKind)> = toks.iter().map(|t| (t.text.as_str(), t.kind)).collect();
    use TokenKind::*;
    assert_eq!(
        got,
        [
            ("<user>", Handle),
            ("see", Word),
            ("<url>", Url),
            ("<url>", Url),
            ("kashmir", Hashtag),
            ("hillaryclinton", Hashtag),
            ("<num>", Number),
        ]
    );
    assert_eq!(&text[toks[2].start..toks[2].end], "https://t.co/xY12?a=1");
    assert_eq!(&text[toks[3].start..toks[3].end], "www.Dawn.com");
    assert_eq!(&text[toks[4].start..toks[4].end], "#Kashmir");
}

#[test]
fn numbers_in_their_usual_shapes() {
    for n in ["2017", "$6.1", "39,000", "3.5%", "1,000.50", "€20", "٣٤"] {
        let toks = Tokenizer::default().tokenize(n);
        assert_eq!(toks.len(), 1, "{n}: {toks:?}");
        assert_eq!(
            (toks[0].text.as_str(), toks[0].kind),
            ("<num>", TokenKind::Number),
            "{n}"
        );
        assert_eq!((toks[0].start, toks[0].end), (0, n.len()), "{n}");
    }
    assert_eq!(texts("in 2017, 50% said"), ["in", "<num>", "<num>", "said"]);
    assert_eq!(texts("the 2nd G20 summit"), ["the", "2nd", "g20", "summit"]);
}

#[test]
fn punctuation_only_when_asked() {
    assert!(texts("?!... -- :)").is_empty());
    let punct = with(TokenizerConfig {
        keep_punct: true,
        ..Default::default()
    });
    let toks = punct.tokenize("No, “never”!");
    let got: Vec<(&str, TokenKind, bool)> = toks
        .iter()
        .map(|t| (t.text.as_str(), t.kind, t.negated))
        .collect();
    use TokenKind::*;
    assert_eq!(
        got,
        [
            ("no", Word, false),
            (",", Punct, false),
            ("\"", Punct, false),
            ("never", Word, false),
            ("\"", Punct, true),
            ("!", Punct, false),
        ]
    );
}

#[test]
fn awkward_input_does_not_panic() {
    let t = Tokenizer::default();
    assert!(t.tokenize("").is_empty());
    assert!(t.tokenize("   \n\t ").is_empty());
    let long = "x".repeat(10_000);
    assert_eq!(t.tokenize(&long).len(), 1);
    let long_ing = "ab".repeat(5_000) + "ing";
    assert_eq!(t.tokenize(&long_ing).len(), 1);
    assert_eq!(texts("پاکستان زندہ باد"), ["پاکستان", "زندہ", "باد"]);
    assert_eq!(texts("\u{200F}پاکستان\u{200F}"), ["پاکستان"]);
    assert_eq!(texts("भारत माता"), ["भारत", "माता"]);
    assert_eq!(texts("Cafe\u{301}!"), ["cafe\u{301}"]);
    assert_eq!(texts("I ❤️ 🇵🇰"), ["i"]);
    assert_eq!(texts("\u{301}\u{301}a"), ["a"]);
}

#[test]
fn tokenize_into_clears_and_reuses() {
    let t = Tokenizer::default();
    let mut out = t.tokenize("one two three");
    t.tokenize_into("four", &mut out);
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].text, "four");
}

#[test]
fn tokenizer_is_shareable_and_config_round_trips() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Tokenizer>();
    let config = TokenizerConfig {
        keep_punct: true,
        ..Default::default()
    };
    let t = Tokenizer::new(config.clone());
    assert_eq!(t.config(), &config);
    assert_eq!(t.clone().config(), &config);
    let json = serde_json::to_string(&config).unwrap();
    assert_eq!(
        serde_json::from_str::<TokenizerConfig>(&json).unwrap(),
        config
    );
    let partial: TokenizerConfig = serde_json::from_str(r#"{"stem": false}"#).unwrap();
    assert_eq!(
        partial,
        TokenizerConfig {
            stem: false,
            ..Default::default()
        }
    );
}

/// Throughput check; run with
/// `cargo test --release --lib text:: -- --ignored --nocapture`.
/// A 30-word comment exercising every rule, and a typical 12-word one.
#[test]
#[ignore]
fn throughput() {
    let long = "The US didn’t help Pakistan’s army in 2017, but China did — and #Kashmir \
                still waits; see https://dawn.com/x for @reporter's anti-US take on U.S. aid. \
                Nobody here trusts either side.";
    let short = "Checkmate to Indians here. Pakistan and China are not going anywhere!";
    let t = Tokenizer::default();
    let mut out = Vec::new();
    for comment in [long, short] {
        let words = comment.split_whitespace().count();
        let n = 100_000;
        let mut tokens = 0usize;
        let start = std::time::Instant::now();
        for _ in 0..n {
            t.tokenize_into(std::hint::black_box(comment), &mut out);
            tokens += out.len();
        }
        let secs = start.elapsed().as_secs_f64();
        println!(
            "{n} comments of {words} words, {tokens} tokens in {secs:.3}s: \
             {:.0} comments/s, {:.0} tokens/s",
            n as f64 / secs,
            tokens as f64 / secs
        );
    }
}
