use super::*;
use crate::actors::ActorSet;
use crate::features::{Extractor, Scratch, Vocabulary};
use crate::model::predict::target_spans;
use crate::sparse::SparseRow;
use crate::text::TokenizerConfig;

/// Deterministic texts full of what makes rows differ: actors (one-
/// and multi-word, exact-case, possessive, hyphenated, inside URLs and
/// hashtags), negations and clause breaks.
fn texts(n: usize, seed: u64) -> Vec<String> {
    const PIECES: &[&str] = &[
        "Pakistan",
        "Russia",
        "China",
        "India",
        "the US",
        "U.S.",
        "America",
        "Afghanistan",
        "Imran Khan",
        "Vladimir Putin",
        "Putin",
        "Xi",
        "Xi Jinping",
        "United States",
        "Pakistan's",
        "Pakistan-Russia",
        "anti-US",
        "#Pakistan",
        "@India",
        "http://pakistan.example/russia-china",
        "www.india-china.org/us",
        "Pakistan Russia China",
        "not",
        "never",
        "didn't",
        "good",
        "bad",
        "ally",
        "friend",
        "enemy",
        "talks",
        "trade",
        "with",
        "and",
        "but",
        ",",
        ".",
        "!",
        "?",
        "the",
        "a",
        "2024",
        "Pakistán",
        "🇵🇰",
        "Kremlin",
        "Beijing",
        "Delhi",
        "strongly",
        "support",
        "oppose",
        "USSR",
        "Soviet Union",
        "us",
        "PAK",
        "love",
        "hate",
        "very",
        "unlike",
        "terrorist",
        "however",
    ];
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    (0..n)
        .map(|_| {
            let len = (next() % 40) as usize;
            (0..len)
                .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

fn actors() -> ActorSet {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("labels/actors.toml");
    ActorSet::from_file(&path).unwrap()
}

/// Every row the old path makes for `texts` (target-blind, and per actor).
fn all_keys(ex: &Extractor, actors: &ActorSet, texts: &[String]) -> Vec<Vec<(u64, Group)>> {
    let mut out = Vec::new();
    let mut s = Scratch::default();
    for t in texts {
        let mut k = Vec::new();
        ex.keys(t, None, &mut s, &mut k);
        out.push(k);
        let mentions = actors.mentions(t);
        for a in actors.actors() {
            let spans = target_spans(t, actors, &mentions, &a.code, None);
            let mut k = Vec::new();
            ex.keys(t, Some(&spans), &mut s, &mut k);
            out.push(k);
        }
    }
    out
}

fn same(what: &str, text: &str, expected: &SparseRow, idx: &[u32], val: &[f32]) {
    let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    assert_eq!(expected.indices, idx, "{what}: indices differ for {text:?}");
    assert_eq!(
        bits(&expected.values),
        bits(val),
        "{what}: values differ for {text:?}"
    );
}

/// `row` and `actor_rows` give exactly `keys_of_tokens` + `transform`'s
/// rows, under many feature settings, with vocabularies that know every
/// feature and vocabularies that know half of them.
#[test]
fn rows_are_the_training_rows() {
    let actors = actors();
    let base = FeatureParams::default();
    let settings = [
        base.clone(),
        FeatureParams {
            mask_targets: false,
            ..base.clone()
        },
        FeatureParams {
            window: 0,
            target_identity: false,
            ..base.clone()
        },
        FeatureParams {
            window: 2,
            word_ngrams: 3,
            negation: false,
            ..base.clone()
        },
        FeatureParams {
            char_ngrams: Some((2, 4)),
            word_ngrams: 1,
            sublinear_tf: false,
            ..base.clone()
        },
        FeatureParams {
            char_ngrams: Some((1, 3)),
            mask_targets: false,
            window: 4,
            ..base.clone()
        },
        FeatureParams {
            lexicon: true,
            ..base.clone()
        },
        FeatureParams {
            lexicon: true,
            char_ngrams: Some((2, 4)),
            window: 0,
            mask_targets: false,
            ..base.clone()
        },
    ];
    let corpus = texts(400, 7);
    let probe = texts(300, 11);
    let mut fallbacks = 0;
    let mut shared_rows = 0;
    for (si, p) in settings.iter().enumerate() {
        let ex = Extractor::new(p.clone(), TokenizerConfig::default());
        let keys = all_keys(&ex, &actors, &corpus);
        for half in [false, true] {
            let docs = keys.iter().enumerate().filter(|(i, _)| !half || i % 2 == 0);
            let vocab = Vocabulary::fit(docs.map(|(_, k)| k.as_slice()), 1, p.sublinear_tf);
            let table = FeatureTable::new(&vocab);
            let rf = RowFeaturizer::new(p.clone(), ex.lexicon().cloned());
            let mut keys: Vec<ActorKey> = actors.codes().map(|c| rf.actor_key(c, &table)).collect();
            // One head for all: actors share a row exactly when their
            // unmentioned rows are the same (without target identity).
            let heads = vec![0; keys.len()];
            share_rows(&mut keys, &heads);
            let mut fs = Scratch::default();
            let mut rs = RowScratch::default();
            let mut k = Vec::new();
            let mut expected = SparseRow::default();
            for text in probe.iter().chain(&corpus[..50]) {
                let what = format!("settings {si}, half {half}");
                ex.tokenize(text, &mut fs);
                let tokens = fs.tokens().to_vec();
                rf.prepare(text, &tokens, &mut rs);
                ex.keys(text, None, &mut fs, &mut k);
                vocab.transform(&k, &mut Vec::new(), &mut expected);
                rf.row(&tokens, None, &table, &mut rs);
                same(&what, text, &expected, &rs.idx, &rs.val);

                let mentions = actors.mentions(text);
                let mut want = Vec::new();
                for a in actors.actors() {
                    let spans = target_spans(text, &actors, &mentions, &a.code, None);
                    ex.keys(text, Some(&spans), &mut fs, &mut k);
                    let mut r = SparseRow::default();
                    vocab.transform(&k, &mut Vec::new(), &mut r);
                    rf.row(&tokens, Some(&spans), &table, &mut rs);
                    same(&what, text, &r, &rs.idx, &rs.val);
                    want.push(r);
                }
                let mut seen = 0;
                let shared = rf.actor_rows(&tokens, &mentions, &keys, &table, &mut rs, |a, out| {
                    let what = format!("{what}, actor {a}");
                    match out {
                        ActorOut::Row(row) => {
                            let (mut idx, mut val) = (Vec::new(), Vec::new());
                            row.for_each_run(|i, v| {
                                idx.extend_from_slice(i);
                                val.extend_from_slice(v);
                            });
                            same(&what, text, &want[a], &idx, &val);
                        }
                        // Shared only where the rows are the same.
                        ActorOut::Same(b) => {
                            assert!(b < a, "{what}: shares with a later actor {b}");
                            same(&what, text, &want[a], &want[b].indices, &want[b].values);
                            shared_rows += 1;
                        }
                    }
                    seen += 1;
                });
                if shared {
                    assert_eq!(seen, want.len());
                } else {
                    assert_eq!(seen, 0);
                    fallbacks += 1;
                }
                // A given span, as NewsMTSC lines have.
                if let Some(m) = mentions.first() {
                    let spans =
                        target_spans(text, &actors, &mentions, "mention", Some((m.start, m.end)));
                    ex.keys(text, Some(&spans), &mut fs, &mut k);
                    vocab.transform(&k, &mut Vec::new(), &mut expected);
                    rf.row(&tokens, Some(&spans), &table, &mut rs);
                    same(&what, text, &expected, &rs.idx, &rs.val);
                }
            }
        }
    }
    // URLs with several names in one token take the per-actor path.
    assert!(fallbacks > 0, "no text exercised the fallback");
    assert!(shared_rows > 0, "no unmentioned row was shared");
}

#[test]
fn radix_sort_sorts_by_index() {
    let mut x = 12345u64;
    for n in [0usize, 1, 5, 63, 64, 65, 200, 1000] {
        for bits in [1u32, 7, 8, 9, 14, 16, 17, 24] {
            let mut v: Vec<Feature> = (0..n)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    let i = x % (1 << bits);
                    // Equal indices are equal features.
                    (i << 34) | ((i % 3) << 32) | (i * 7 % 1000)
                })
                .collect();
            let mut want = v.clone();
            want.sort_unstable();
            radix_sort(&mut v, &mut Vec::new(), bits);
            assert_eq!(v, want, "n {n}, bits {bits}");
        }
    }
}
