//! Feature keys of one text for one target. Allocation-free in steady state:
//! callers keep a [`Scratch`] per thread.

use std::sync::Arc;

use super::clauses;
use super::hashing::{mix, seq, token};
use super::lexicon::{self, Lexicon, Polarity};
use super::{FeatureParams, Group};
use crate::text::{Token, TokenKind, Tokenizer, TokenizerConfig};

/// Where the target and the other actors are mentioned in the text (byte
/// spans), and the target's name.
#[derive(Debug, Clone, Default)]
pub struct TargetSpans {
    pub target: String,
    pub own: Vec<(usize, usize)>,
    pub others: Vec<(usize, usize)>,
}

/// How a token enters the word sequence of a row toward a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mark {
    /// It continues the mention the previous token began: a mention of
    /// several tokens ("Vladimir Putin") becomes one marker.
    Same,
    /// It begins a mention of the target (`own`) or of another actor.
    Mention { own: bool },
    /// A plain word.
    Word,
}

/// Marks tokens one after the other (see [`Mark`]); training and scoring
/// featurisers both walk tokens with it, so they cannot disagree on what
/// a mention is.
pub(crate) struct Marks<'a> {
    target: Option<&'a TargetSpans>,
    /// Whether the previous token was in a mention, and which one.
    last: Option<(bool, usize)>,
}

impl<'a> Marks<'a> {
    pub(crate) fn new(target: Option<&'a TargetSpans>) -> Self {
        Marks { target, last: None }
    }

    pub(crate) fn mark(&mut self, tok: &Token) -> Mark {
        let span_of = |spans: &[(usize, usize)]| {
            spans
                .iter()
                .position(|&(a, b)| tok.start < b && a < tok.end)
        };
        let hit = self.target.and_then(|t| {
            span_of(&t.own)
                .map(|i| (true, i))
                .or_else(|| span_of(&t.others).map(|i| (false, i)))
        });
        match hit {
            Some(h) if self.last == Some(h) => Mark::Same,
            Some((own, _)) => {
                self.last = hit;
                Mark::Mention { own }
            }
            None => {
                self.last = None;
                Mark::Word
            }
        }
    }
}

/// The keys of the context features around target position `i` of
/// `hashes`: each token within `window` left and right, and the two-token
/// n-grams touching the target on either side.
pub(crate) fn window_keys(
    hashes: &[u64],
    i: usize,
    window: usize,
    clause: Option<&[u32]>,
    mut push: impl FnMut(u64),
) {
    let (lo, hi) = window_bounds(i, window, hashes.len(), clause);
    for &h in &hashes[lo..i] {
        push(seq(TAG_LEFT, &[h]));
    }
    for &h in &hashes[i + 1..hi] {
        push(seq(TAG_RIGHT, &[h]));
    }
    if i >= 2 {
        push(seq(TAG_LEFT + 1, &hashes[i - 2..i]));
    }
    if i + 3 <= hashes.len() {
        push(seq(TAG_RIGHT + 1, &hashes[i + 1..i + 3]));
    }
}

/// The context window of sequence position `i`: `window` positions either
/// side, and, when the clauses are known (lexicon features on), not beyond
/// `i`'s clause. Comments set actors against each other clause by clause
/// ("<o> betrays its friends, while <t> stands by them"); a window that
/// crosses the comma gives both actors the same context words, so only the
/// clause's own words can tell their stances apart.
pub(crate) fn window_bounds(
    i: usize,
    window: usize,
    n: usize,
    clause: Option<&[u32]>,
) -> (usize, usize) {
    let lo = i.saturating_sub(window);
    let hi = (i + 1 + window).min(n);
    match clause {
        Some(c) => {
            let r = clauses::clause_range(c, i);
            (lo.max(r.start), hi.min(r.end))
        }
        _ => (lo, hi),
    }
}

/// Reusable buffers for [`Extractor::keys`].
#[derive(Default)]
pub struct Scratch {
    tokens: Vec<Token>,
    hashes: Vec<u64>,
    is_target: Vec<bool>,
    lower: String,
    /// Lexicon features: token hashes, per-token polarity, and the same per
    /// sequence position.
    raw: Vec<u64>,
    tok_pol: Polarity,
    seq_pol: Polarity,
    foreign: Vec<bool>,
    pub indices: Vec<u32>,
}

impl Scratch {
    /// The tokens of the last [`Extractor::tokenize`].
    pub fn tokens(&self) -> &[Token] {
        &self.tokens
    }
}

pub(super) const TAG_WORD: u64 = 0x100;
pub(super) const TAG_LEFT: u64 = 0x200;
pub(super) const TAG_RIGHT: u64 = 0x300;
pub(super) const TAG_COUNT: u64 = 0x400;
pub(super) const TAG_TARGET: u64 = 0x500;
pub(super) const TAG_CHAR: u64 = 0x600;
pub(super) const NEG: u64 = 0x6e65_6761_7465_6421;

/// Turns text into feature keys according to [`FeatureParams`].
#[derive(Debug)]
pub struct Extractor {
    params: FeatureParams,
    tokenizer: Tokenizer,
    lexicon: Option<Arc<Lexicon>>,
}

impl Extractor {
    pub fn new(params: FeatureParams, tokenizer: TokenizerConfig) -> Extractor {
        let tokenizer = Tokenizer::new(tokenizer);
        let lexicon = params.lexicon.then(|| Arc::new(Lexicon::vader(&tokenizer)));
        Extractor {
            params,
            tokenizer,
            lexicon,
        }
    }

    /// The polarity lexicon, when the features use one; the scoring
    /// featuriser shares it.
    pub fn lexicon(&self) -> Option<&Arc<Lexicon>> {
        self.lexicon.as_ref()
    }

    pub fn params(&self) -> &FeatureParams {
        &self.params
    }

    pub fn tokenizer(&self) -> &Tokenizer {
        &self.tokenizer
    }

    /// Appends the (key, group) pairs of `text` to `out` (cleared first).
    /// `target` is `None` for target-blind tasks (sentiment).
    pub fn keys(
        &self,
        text: &str,
        target: Option<&TargetSpans>,
        s: &mut Scratch,
        out: &mut Vec<(u64, Group)>,
    ) {
        self.tokenize(text, s);
        self.keys_of_tokens(text, target, s, out);
    }

    /// Tokenizes once so one text can be featurized for several targets.
    pub fn tokenize(&self, text: &str, s: &mut Scratch) {
        self.tokenizer.tokenize_into(text, &mut s.tokens);
    }

    /// Like [`Extractor::keys`] on the tokens of the last [`Extractor::tokenize`]
    /// of the same `text`.
    pub fn keys_of_tokens(
        &self,
        text: &str,
        target: Option<&TargetSpans>,
        s: &mut Scratch,
        out: &mut Vec<(u64, Group)>,
    ) {
        out.clear();
        let p = &self.params;
        s.hashes.clear();
        s.is_target.clear();
        let t_hash = token("<t>");
        let o_hash = token("<o>");
        let mut marks = Marks::new(target);
        let mut target_mentions = 0usize;
        s.seq_pol.clear();
        if let Some(lex) = &self.lexicon {
            s.raw.clear();
            s.raw.extend(s.tokens.iter().map(|t| token(&t.text)));
            lex.annotate(text, &s.tokens, &s.raw, &mut s.tok_pol);
        }
        for (i, tok) in s.tokens.iter().enumerate() {
            let mark = marks.mark(tok);
            if self.lexicon.is_some() && mark != Mark::Same {
                let mention = matches!(mark, Mark::Mention { .. });
                s.seq_pol.push_from(&s.tok_pol, i, mention);
            }
            match mark {
                Mark::Same => continue,
                Mark::Mention { own } => {
                    if own {
                        target_mentions += 1;
                    }
                    if p.mask_targets {
                        s.hashes.push(if own { t_hash } else { o_hash });
                    } else {
                        s.hashes.push(token(&tok.text));
                    }
                    s.is_target.push(own);
                }
                Mark::Word => {
                    let h = token(&tok.text);
                    let negated = p.negation && tok.negated;
                    s.hashes.push(if negated { mix(h ^ NEG) } else { h });
                    s.is_target.push(false);
                }
            }
        }

        s.foreign.clear();
        if self.lexicon.is_some() && target.is_some() && p.mask_targets {
            let (h, own) = (&s.hashes, &s.is_target);
            let (own, other) = (|i: usize| own[i], |i: usize| h[i] == o_hash);
            clauses::foreign_clauses(&s.seq_pol.clause, own, other, &mut s.foreign);
        }
        for n in 1..=p.word_ngrams {
            for (at, w) in s.hashes.windows(n).enumerate() {
                if clauses::any_foreign(&s.foreign, at, n) {
                    continue;
                }
                out.push((seq(TAG_WORD + n as u64, w), Group::Word));
            }
        }

        if let Some(t) = target {
            if p.window > 0 {
                for (i, _) in s.is_target.iter().enumerate().filter(|(_, t)| **t) {
                    let clause = self.lexicon.as_ref().map(|_| &s.seq_pol.clause[..]);
                    window_keys(&s.hashes, i, p.window, clause, |k| {
                        out.push((k, Group::Context))
                    });
                }
            }
            if self.lexicon.is_some() {
                for (q, _) in s.is_target.iter().enumerate().filter(|(_, t)| **t) {
                    lexicon::target_keys(&s.seq_pol, q, &s.foreign, |k| {
                        out.push((k, Group::Lexicon))
                    });
                }
            }
            let bucket = target_mentions.min(3) as u64;
            out.push((seq(TAG_COUNT, &[bucket]), Group::Context));
            if p.target_identity {
                let id = token(&t.target);
                out.push((seq(TAG_TARGET, &[id]), Group::Context));
                out.push((seq(TAG_TARGET + 1, &[id, bucket]), Group::Context));
            }
        } else if self.lexicon.is_some() {
            lexicon::blind_keys(&s.seq_pol, |k| out.push((k, Group::Lexicon)));
        }

        if let Some((lo, hi)) = p.char_ngrams {
            for (tok, &is_t) in s.tokens.iter().zip(&s.is_target) {
                if is_t || !matches!(tok.kind, TokenKind::Word | TokenKind::Hashtag) {
                    continue;
                }
                s.lower.clear();
                s.lower.push(' ');
                for c in text[tok.start..tok.end].chars() {
                    s.lower.extend(c.to_lowercase());
                }
                s.lower.push(' ');
                char_ngrams(&s.lower, lo, hi, out);
            }
        }
    }
}

/// Character n-grams of a padded word, by chars not bytes.
fn char_ngrams(word: &str, lo: usize, hi: usize, out: &mut Vec<(u64, Group)>) {
    let bounds: Vec<usize> = word
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(word.len()))
        .collect();
    let n_chars = bounds.len() - 1;
    for n in lo..=hi.min(n_chars) {
        for start in 0..=(n_chars - n) {
            let gram = &word[bounds[start]..bounds[start + n]];
            out.push((seq(TAG_CHAR + n as u64, &[token(gram)]), Group::Char));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(params: FeatureParams, text: &str, target: Option<&TargetSpans>) -> Vec<(u64, Group)> {
        let ex = Extractor::new(params, TokenizerConfig::default());
        let mut out = Vec::new();
        ex.keys(text, target, &mut Scratch::default(), &mut out);
        out
    }

    fn spans(text: &str, own: &str, other: &str) -> TargetSpans {
        let find = |w: &str| {
            text.match_indices(w)
                .map(|(i, m)| (i, i + m.len()))
                .collect::<Vec<_>>()
        };
        TargetSpans {
            target: "T".into(),
            own: find(own),
            others: if other.is_empty() {
                vec![]
            } else {
                find(other)
            },
        }
    }

    #[test]
    fn masking_makes_rows_target_specific() {
        let text = "India hates Pakistan";
        let p = FeatureParams::default();
        let as_pak = keys(p.clone(), text, Some(&spans(text, "Pakistan", "India")));
        let as_ind = keys(p.clone(), text, Some(&spans(text, "India", "Pakistan")));
        assert_ne!(as_pak, as_ind);
        // Same structure, same target name, other text: same keys.
        let t2 = "Russia hates China";
        let as_chn = keys(p, t2, Some(&spans(t2, "China", "Russia")));
        assert_eq!(as_pak, as_chn);
    }

    #[test]
    fn multiword_mention_is_one_marker() {
        let text = "Vladimir Putin smiled";
        let one = spans(text, "Vladimir Putin", "");
        let p = FeatureParams {
            window: 0,
            target_identity: false,
            ..FeatureParams::default()
        };
        let k = keys(p, text, Some(&one));
        // <t> smiled: 2 unigrams + 1 bigram + count feature.
        assert_eq!(k.len(), 4);
    }

    #[test]
    fn negation_changes_features() {
        let p = FeatureParams::default();
        let a = keys(p.clone(), "this is good", None);
        let b = keys(p.clone(), "this is not good", None);
        let good = a[2];
        assert!(!b.contains(&good), "negated 'good' must differ from 'good'");
        let q = FeatureParams {
            negation: false,
            ..p
        };
        assert!(keys(q, "this is not good", None).contains(&good));
    }

    #[test]
    fn char_ngrams_counted_by_chars() {
        let mut out = Vec::new();
        char_ngrams(" dé ", 2, 3, &mut out);
        // 4 chars: 3 bigrams + 2 trigrams.
        assert_eq!(out.len(), 5);
        char_ngrams(" a ", 4, 5, &mut out);
        assert_eq!(out.len(), 5);
    }
}
