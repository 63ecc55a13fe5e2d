//! What a word lexicon cannot see: stance phrases and the negations that
//! do not negate.
//!
//! VADER rates single words, so "Long live <t>!", "Down with <t>!", "we
//! stand with <t>", "<t> let us down" carry no polarity, and a few stance
//! words of comments ("rely", "ally", "zindabad") are missing. The project
//! rates these in `lexicon/stance_idioms.tsv` (a judgement on VADER's
//! scale, documented there).
//!
//! Two negations assert rather than deny, and flipping them turns praise
//! into criticism:
//! - a negation right before a comparative is a superlative: "there is no
//!   better friend than <t>", "nothing is worse than <t>";
//! - "can't / cannot / could not … enough" is an intensifier: "I can't
//!   thank <t> enough", "cannot say enough good things about <t>" (but not
//!   "not good enough", where `enough` follows a rated word).

use std::collections::HashSet;

use super::hashing::{BuildIdentity, token};
use crate::text::{Token, TokenKind, Tokenizer, ends_clause};

const IDIOMS: &str = include_str!("lexicon/stance_idioms.tsv");

/// Comparatives after which a quantifier negation is a superlative.
const COMPARATIVES: &[&str] = &[
    "better", "greater", "finer", "truer", "stronger", "nicer", "kinder", "braver", "worse",
];

/// A two-word phrase: its valence sits on `first` when `last` follows
/// within `gap` tokens in the same clause.
#[derive(Debug, Clone)]
struct Phrase {
    first: u64,
    last: u64,
    gap: usize,
    opens_clause: bool,
    valence: f32,
}

/// The phrase table and the hashes the negation exceptions look for, in the
/// model tokenizer's forms.
#[derive(Debug, Clone)]
pub(crate) struct Idioms {
    phrases: Vec<Phrase>,
    comparatives: HashSet<u64, BuildIdentity>,
    modals: [u64; 2],
    cannot: u64,
    not: u64,
    enough: u64,
}

/// Per-token marks from [`Idioms::mark`]: a phrase valence (0 = none) and
/// whether a negation scope over the token asserts instead of flipping.
#[derive(Debug, Clone, Default)]
pub(crate) struct Marks {
    pub phrase: Vec<f32>,
    pub asserted: Vec<bool>,
}

impl Idioms {
    /// The idiom table in `tokenizer`'s forms, and its single words as
    /// `(hash, valence)` for the word lexicon.
    pub fn new(tokenizer: &Tokenizer) -> (Idioms, Vec<(u64, f32)>) {
        let word = |w: &str| {
            let t = tokenizer.tokenize(w);
            (t.len() == 1 && t[0].kind == TokenKind::Word).then(|| token(&t[0].text))
        };
        let must = |w: &str| word(w).unwrap_or_else(|| panic!("idiom word {w:?} is one token"));
        let mut phrases = Vec::new();
        let mut words = Vec::new();
        for line in IDIOMS.lines().filter(|l| !l.starts_with('#')) {
            let cols: Vec<&str> = line.split('\t').collect();
            let [text, valence, gap, opens] = cols[..] else {
                panic!("stance_idioms.tsv: 4 columns in {line:?}");
            };
            let valence: f32 = valence.parse().expect("stance_idioms.tsv: valence");
            match text.split(' ').collect::<Vec<_>>()[..] {
                [w] => words.push((must(w), valence)),
                [first, last] => phrases.push(Phrase {
                    first: must(first),
                    last: must(last),
                    gap: gap.parse().expect("stance_idioms.tsv: gap"),
                    opens_clause: opens == "yes",
                    valence,
                }),
                _ => panic!("stance_idioms.tsv: one or two words in {line:?}"),
            }
        }
        let idioms = Idioms {
            phrases,
            comparatives: COMPARATIVES.iter().map(|w| must(w)).collect(),
            modals: [must("can"), must("could")],
            cannot: must("cannot"),
            not: must("not"),
            enough: must("enough"),
        };
        (idioms, words)
    }

    /// Phrase valences and asserting negation scopes of `tokens` (`raw[i]`
    /// is token `i`'s hash; `rated` says whether a hash has a word valence).
    pub fn mark(
        &self,
        text: &str,
        tokens: &[Token],
        raw: &[u64],
        rated: impl Fn(u64) -> bool,
        out: &mut Marks,
    ) {
        let n = tokens.len();
        out.phrase.clear();
        out.phrase.resize(n, 0.0);
        out.asserted.clear();
        out.asserted.resize(n, false);
        let breaks = |a: usize, b: usize| {
            text.get(tokens[a].end..tokens[b].start)
                .is_some_and(|g| g.chars().any(ends_clause))
        };
        for (i, &h) in raw.iter().enumerate() {
            for p in self.phrases.iter().filter(|p| p.first == h) {
                if p.opens_clause && i > 0 && !breaks(i - 1, i) {
                    continue;
                }
                let hit = (i + 1..n.min(i + 2 + p.gap))
                    .take_while(|&j| !breaks(j - 1, j))
                    .any(|j| raw[j] == p.last);
                if hit {
                    out.phrase[i] = p.valence;
                }
            }
        }
        let mut i = 0;
        while i < n {
            if !tokens[i].negated || (i > 0 && tokens[i - 1].negated) {
                i += 1;
                continue;
            }
            let end = (i..n).find(|&j| !tokens[j].negated).unwrap_or(n);
            if self.asserts(i, end, raw, &rated) {
                out.asserted[i..end].fill(true);
            }
            i = end;
        }
    }

    /// Whether the negation scope `start..end` (its cue at `start - 1`)
    /// asserts: a quantifier negation ("no", "nothing", "never", not
    /// "not": "<t> is not better than them" does negate) with a comparative
    /// among the scope's first three words and no rated word before it, or
    /// a modal negation with `enough` after an unrated word.
    fn asserts(&self, start: usize, end: usize, raw: &[u64], rated: &impl Fn(u64) -> bool) -> bool {
        let Some(cue) = start.checked_sub(1) else {
            return false;
        };
        if raw[cue] != self.not
            && raw[start..end.min(start + 3)]
                .iter()
                .take_while(|&&h| !rated(h) || self.comparatives.contains(&h))
                .any(|h| self.comparatives.contains(h))
        {
            return true;
        }
        let modal = raw[cue] == self.cannot
            || (raw[cue] == self.not && cue > 0 && self.modals.contains(&raw[cue - 1]));
        modal && (start + 1..end).any(|j| raw[j] == self.enough && !rated(raw[j - 1]))
    }
}

#[cfg(test)]
mod tests {
    use crate::features::lexicon::tests::annotate;

    fn sum(text: &str) -> f32 {
        annotate(text).pol.iter().sum()
    }

    #[test]
    fn phrases_carry_their_valence() {
        assert!(sum("Long live Pakistan") > 1.0);
        assert!(sum("Down with America!") < -1.0);
        assert!(sum("we stand with them") > 1.0);
        assert!(sum("they let us down again") < -1.0);
        assert!(sum("I rely on them") > 1.0);
        // A clause-opening phrase only where it opens the clause; a phrase
        // does not reach over a clause break.
        assert_eq!(sum("prices went down with the rain"), 0.0);
        assert_eq!(sum("let them go. Down the road"), 0.0);
    }

    #[test]
    fn negations_that_assert() {
        assert!(sum("There is no better friend than them") > 1.0);
        assert!(sum("Nothing is worse than them") < -1.0);
        assert!(sum("I can't thank them enough for their help") > 1.0);
        assert!(sum("we cannot praise them enough") > 1.0);
        assert!(sum("they have never let their friends down") > 1.0);
        // Still negations: `enough` after a rated word, no modal, no comparative.
        assert!(sum("they are not good enough") < -0.5);
        assert!(sum("I do not thank them enough") < -0.5);
        assert!(sum("I would not rely on them for anything") < -0.5);
        assert!(sum("there is no good friend here") < -0.5);
        assert!(sum("they are not better than us") < -0.5);
        assert!(sum("No one is better than them") > 0.5);
    }
}
