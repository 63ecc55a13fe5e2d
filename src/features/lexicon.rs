//! Prior knowledge of polarity: lexicon features around each mention.
//!
//! A linear model learns what a word means toward a target only from the
//! labelled rows that contain it, so "I adore <t>" is nothing to it unless
//! "adore" was in training. The VADER lexicon (7,500 words rated −4..+4 by
//! ten people each; vendored in `lexicon/` with its MIT notice) carries that
//! knowledge for every word. The features here are *where polarity sits
//! relative to the target*: the binned polarity sum of the mention's clause,
//! of a ±3 window, of the whole text, and one count per polar word of the
//! clause — a handful of keys per row, in their own group
//! ([`Group::Lexicon`](super::Group)), so the model learns how much to trust
//! the lexicon in each source.
//!
//! Polarity of a token follows VADER's rules where our tokens allow:
//! negated tokens (inside a negation scope) flip and shrink (× −0.74), a
//! booster word before a polar word adds ±0.293, and a clause that starts
//! with a contrast word ("unlike <t>", "but <t> …", "while <t> …") and has
//! no polarity of its own takes the opposite of the clause it is set
//! against — the one before it, or, when it opens the text ("Unlike <t>,
//! they …"), the one after — so "X is a true friend, unlike <t>" is anti
//! toward <t>.
//!
//! One rule goes beyond VADER: a negation that meets a *negative* word
//! ends there (litotes). "never doubted the good intentions", "nobody can
//! deny that <t> is great", "never fails to help": the negation is spent on
//! the negative predicate, and what follows is asserted, not denied. VADER
//! flips every polar word within three tokens of the cue, which turns
//! these into criticism; a negation meeting a positive word ("does not
//! care about peace") still runs to the clause end, as before.

use std::collections::{HashMap, HashSet};

use super::clauses::clause_range;
use super::hashing::{BuildIdentity, seq, token};
use super::idioms::{Idioms, Marks};
use crate::text::{Token, TokenKind, Tokenizer, ends_clause};

const VADER: &str = include_str!("lexicon/vader_lexicon.txt");

/// VADER's scalar for a negated word.
const NEGATION_SCALAR: f32 = -0.74;
/// VADER's booster increment.
const BOOST: f32 = 0.293;

/// Words that intensify (`+`) or dampen (`−`) the next polar word (VADER's
/// `BOOSTER_DICT`, single words).
const BOOSTERS: &[(&str, f32)] = &[
    ("absolutely", BOOST),
    ("amazingly", BOOST),
    ("awfully", BOOST),
    ("completely", BOOST),
    ("considerably", BOOST),
    ("decidedly", BOOST),
    ("deeply", BOOST),
    ("enormously", BOOST),
    ("entirely", BOOST),
    ("especially", BOOST),
    ("exceptionally", BOOST),
    ("extremely", BOOST),
    ("fabulously", BOOST),
    ("fully", BOOST),
    ("greatly", BOOST),
    ("highly", BOOST),
    ("hugely", BOOST),
    ("incredibly", BOOST),
    ("intensely", BOOST),
    ("majorly", BOOST),
    ("most", BOOST),
    ("particularly", BOOST),
    ("purely", BOOST),
    ("quite", BOOST),
    ("really", BOOST),
    ("remarkably", BOOST),
    ("so", BOOST),
    ("substantially", BOOST),
    ("thoroughly", BOOST),
    ("totally", BOOST),
    ("tremendously", BOOST),
    ("truly", BOOST),
    ("unbelievably", BOOST),
    ("utterly", BOOST),
    ("very", BOOST),
    ("almost", -BOOST),
    ("barely", -BOOST),
    ("hardly", -BOOST),
    ("less", -BOOST),
    ("marginally", -BOOST),
    ("occasionally", -BOOST),
    ("partly", -BOOST),
    ("scarcely", -BOOST),
    ("slightly", -BOOST),
    ("somewhat", -BOOST),
];

/// Words that open a clause contrasting with the one before.
const CONTRAST: &[&str] = &[
    "but",
    "however",
    "unlike",
    "whereas",
    "although",
    "though",
    "while",
    "yet",
    "nevertheless",
];

/// Tags of the lexicon keys (distinct from every tag of `extract.rs`).
const TAG_LEX: u64 = 0x700;
const CLAUSE_BIN: u64 = TAG_LEX;
const CLAUSE_SIGN: u64 = TAG_LEX + 1;
const WINDOW_BIN: u64 = TAG_LEX + 2;
const CLAUSE_WORD: u64 = TAG_LEX + 3;
const TEXT_BIN: u64 = TAG_LEX + 4;
const CONTRASTED: u64 = TAG_LEX + 5;
const BLIND_BIN: u64 = TAG_LEX + 8;
const BLIND_SIGN: u64 = TAG_LEX + 9;
const BLIND_WORD: u64 = TAG_LEX + 10;

/// Tokens either side of a mention whose polarity is the window's.
const WINDOW: usize = 3;

/// The lexicon in the model's own token forms (folded and stemmed as the
/// model's tokenizer does), keyed by token hash so a lookup costs no
/// string hashing beyond what featurising already did.
#[derive(Debug, Clone)]
pub struct Lexicon {
    valence: HashMap<u64, f32, BuildIdentity>,
    boosters: HashMap<u64, f32, BuildIdentity>,
    contrast: HashSet<u64, BuildIdentity>,
    idioms: Idioms,
}

/// Per-token polarity and clause, from [`Lexicon::annotate`].
#[derive(Debug, Clone, Default)]
pub struct Polarity {
    pub pol: Vec<f32>,
    pub clause: Vec<u32>,
    /// Whether the token's clause opens with a contrast word.
    pub contrast: Vec<bool>,
    /// Scratch: the idiom marks of the text being annotated.
    marks: Marks,
}

impl Polarity {
    pub fn clear(&mut self) {
        self.pol.clear();
        self.clause.clear();
        self.contrast.clear();
    }

    /// Appends token `i` of `from` (a mention position takes `pol = 0`).
    pub fn push_from(&mut self, from: &Polarity, i: usize, mention: bool) {
        self.pol.push(if mention { 0.0 } else { from.pol[i] });
        self.clause.push(from.clause[i]);
        self.contrast.push(from.contrast[i]);
    }
}

impl Lexicon {
    /// VADER, in the token forms of `tokenizer`. Entries that are not one
    /// word token (emoticons, phrases) are skipped; entries that fold to the
    /// same token ("love", "loved", "loving") share the mean of their
    /// valences, taken in file order so the result never varies.
    pub fn vader(tokenizer: &Tokenizer) -> Lexicon {
        let mut sums: HashMap<u64, (f32, u32), BuildIdentity> = HashMap::default();
        let single = |w: &str| {
            let t = tokenizer.tokenize(w);
            (t.len() == 1 && t[0].kind == TokenKind::Word).then(|| token(&t[0].text))
        };
        for line in VADER.lines() {
            let mut cols = line.split('\t');
            let (Some(word), Some(mean)) = (cols.next(), cols.next()) else {
                continue;
            };
            let (Some(h), Ok(v)) = (single(word), mean.parse::<f32>()) else {
                continue;
            };
            let e = sums.entry(h).or_insert((0.0, 0));
            e.0 += v;
            e.1 += 1;
        }
        let (idioms, words) = Idioms::new(tokenizer);
        let valence = sums
            .into_iter()
            .map(|(h, (s, n))| (h, s / n as f32))
            .chain(words)
            .collect();
        let boosters = BOOSTERS
            .iter()
            .filter_map(|&(w, b)| single(w).map(|h| (h, b)))
            .collect();
        let contrast = CONTRAST.iter().filter_map(|w| single(w)).collect();
        Lexicon {
            valence,
            boosters,
            contrast,
            idioms,
        }
    }

    /// How many token forms have a valence.
    pub fn len(&self) -> usize {
        self.valence.len()
    }

    pub fn is_empty(&self) -> bool {
        self.valence.is_empty()
    }

    /// The valence of a token hash, if the lexicon has it.
    pub fn valence(&self, hash: u64) -> Option<f32> {
        self.valence.get(&hash).copied()
    }

    /// Polarity and clause of every token. `raw[i]` is the hash of token
    /// `i`'s text. Clauses end at clause punctuation between two tokens and
    /// before a contrast word.
    pub fn annotate(&self, text: &str, tokens: &[Token], raw: &[u64], out: &mut Polarity) {
        out.clear();
        let mut marks = std::mem::take(&mut out.marks);
        self.idioms.mark(
            text,
            tokens,
            raw,
            |h| self.valence.contains_key(&h),
            &mut marks,
        );
        let mut clause = 0u32;
        let mut contrast = false;
        let mut boost = 0.0f32;
        // Set when a negation scope has been spent on a negative word.
        let mut spent = false;
        let mut prev_end = 0usize;
        for (i, (tok, &h)) in tokens.iter().zip(raw).enumerate() {
            let gap = text.get(prev_end..tok.start).unwrap_or("");
            let opens = self.contrast.contains(&h);
            if prev_end > 0 && (gap.chars().any(ends_clause) || opens) {
                clause += 1;
                contrast = false;
                boost = 0.0;
            }
            if opens {
                contrast = true;
            }
            prev_end = tok.end;
            let mut v = match tok.kind {
                _ if marks.phrase[i] != 0.0 => marks.phrase[i],
                TokenKind::Word | TokenKind::Hashtag => self.valence(h).unwrap_or(0.0),
                _ => 0.0,
            };
            // A token outside any scope (the cue itself among them)
            // re-arms the next scope.
            spent &= tok.negated;
            if v != 0.0 {
                v += boost * v.signum();
                if tok.negated && !spent && !marks.asserted[i] {
                    spent = v < 0.0;
                    v *= NEGATION_SCALAR;
                }
            }
            boost = self.boosters.get(&h).copied().unwrap_or(0.0);
            out.pol.push(v);
            out.clause.push(clause);
            out.contrast.push(contrast);
        }
        out.marks = marks;
    }
}

/// Five bins of a polarity sum: strongly / mildly negative, neutral,
/// mildly / strongly positive.
fn bin(s: f32) -> u64 {
    if s <= -2.5 {
        0
    } else if s <= -0.5 {
        1
    } else if s < 0.5 {
        2
    } else if s < 2.5 {
        3
    } else {
        4
    }
}

fn sign(s: f32) -> u64 {
    if s <= -0.5 {
        0
    } else if s < 0.5 {
        1
    } else {
        2
    }
}

/// The lexicon keys of a target mentioned at sequence position `q` (`p`
/// is per sequence position: mentions have polarity 0).
pub(crate) fn target_keys(p: &Polarity, q: usize, foreign: &[bool], mut push: impl FnMut(u64)) {
    let range = clause_range(&p.clause, q);
    let mut s: f32 = p.pol[range.clone()].iter().sum();
    if p.contrast[q] && s.abs() < 0.5 {
        let other = if range.start > 0 {
            Some(clause_range(&p.clause, range.start - 1))
        } else {
            (range.end < p.clause.len()).then(|| clause_range(&p.clause, range.end))
        };
        if let Some(other) = other {
            s = -p.pol[other].iter().sum::<f32>();
            push(seq(CONTRASTED, &[bin(s)]));
        }
    }
    push(seq(CLAUSE_BIN, &[bin(s)]));
    push(seq(CLAUSE_SIGN, &[sign(s)]));
    let lo = q.saturating_sub(WINDOW).max(range.start);
    let hi = (q + 1 + WINDOW).min(range.end);
    push(seq(WINDOW_BIN, &[bin(p.pol[lo..hi].iter().sum())]));
    for &v in &p.pol[range] {
        if v.abs() >= 0.5 {
            push(seq(CLAUSE_WORD, &[sign(v), (v.abs() >= 2.0) as u64]));
        }
    }
    let text: f32 = if foreign.is_empty() {
        p.pol.iter().sum()
    } else {
        p.pol
            .iter()
            .zip(foreign)
            .filter(|(_, f)| !**f)
            .map(|(v, _)| v)
            .sum()
    };
    push(seq(TEXT_BIN, &[bin(text)]));
}

/// The lexicon keys of a target-blind row (sentiment): the whole text's
/// polarity and its polar words.
pub(crate) fn blind_keys(p: &Polarity, mut push: impl FnMut(u64)) {
    let s: f32 = p.pol.iter().sum();
    push(seq(BLIND_BIN, &[bin(s)]));
    push(seq(BLIND_SIGN, &[sign(s)]));
    for &v in &p.pol {
        if v.abs() >= 0.5 {
            push(seq(BLIND_WORD, &[sign(v), (v.abs() >= 2.0) as u64]));
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::text::TokenizerConfig;

    pub(in crate::features) fn annotate(text: &str) -> Polarity {
        let tk = Tokenizer::new(TokenizerConfig::default());
        let lex = Lexicon::vader(&tk);
        let toks = tk.tokenize(text);
        let raw: Vec<u64> = toks.iter().map(|t| token(&t.text)).collect();
        let mut p = Polarity::default();
        lex.annotate(text, &toks, &raw, &mut p);
        p
    }

    #[test]
    fn stemmed_forms_share_the_lexicon() {
        let tk = Tokenizer::new(TokenizerConfig::default());
        let lex = Lexicon::vader(&tk);
        let h = |w: &str| token(&tk.tokenize(w)[0].text);
        assert!(lex.valence(h("love")).unwrap() > 2.0);
        assert!(lex.valence(h("loving")).unwrap() > 2.0);
        assert!(lex.valence(h("terrorists")).unwrap() < -2.0);
        assert!(lex.len() > 3000, "{}", lex.len());
    }

    #[test]
    fn negation_flips_and_boosters_strengthen() {
        let plain = annotate("I trust them");
        let negated = annotate("I do not trust them");
        let boosted = annotate("I really trust them");
        let sum = |p: &Polarity| p.pol.iter().sum::<f32>();
        assert!(sum(&plain) > 1.0);
        assert!(sum(&negated) < -1.0);
        assert!(sum(&boosted) > sum(&plain));
    }

    #[test]
    fn a_negation_spent_on_a_negative_word_leaves_the_rest_asserted() {
        let sum = |t: &str| annotate(t).pol.iter().sum::<f32>();
        assert!(sum("I have never doubted their good intentions") > 1.0);
        assert!(sum("nobody can deny that they are great") > 1.0);
        // Meeting a positive word first, the scope runs on.
        assert!(sum("they do not care about peace") < -1.0);
        // A new cue re-arms the scope.
        assert!(sum("I never doubted them but I do not trust them") < 0.5);
    }

    #[test]
    fn clauses_split_at_punctuation_and_contrast() {
        let p = annotate("Afghanistan is a true friend, unlike Pakistan");
        let last = p.clause.len() - 1;
        assert_eq!(p.clause[0], 0);
        assert_eq!(p.clause[last], 1);
        assert!(p.contrast[last] && !p.contrast[0]);
        let p = annotate("They are great but we are bad");
        assert_eq!(*p.clause.last().unwrap(), 1);
    }

    proptest::proptest! {
        /// Over arbitrary text: one polarity and clause per token, clauses
        /// never go back, values finite; a free target's spans lie on char
        /// boundaries, in order, without overlap, and spell the target's
        /// words (ignoring ASCII case).
        #[test]
        fn annotate_and_target_spans_hold_on_any_text(
            text in "[a-zA-Zé ,.!?'’-]{0,80}|\\PC{0,40}",
            target in "[A-Za-z]{1,8}( [A-Z][a-z]{3,6})?",
        ) {
            let p = annotate(&text);
            proptest::prop_assert_eq!(p.pol.len(), p.clause.len());
            proptest::prop_assert!(p.clause.windows(2).all(|w| w[0] <= w[1]));
            proptest::prop_assert!(p.pol.iter().all(|v| v.is_finite()));
            let mut spans = Vec::new();
            crate::actors::target_phrase_spans(&text, &target, &mut spans);
            let mut end = 0;
            for &(a, b) in &spans {
                proptest::prop_assert!(a >= end && a < b);
                proptest::prop_assert!(text.is_char_boundary(a) && text.is_char_boundary(b));
                let found = &text[a..b];
                proptest::prop_assert!(
                    target.split_whitespace().chain([target.as_str()])
                        .any(|w| w.eq_ignore_ascii_case(found)),
                    "{found:?} is not in {target:?}"
                );
                end = b;
            }
        }
    }

    #[test]
    fn a_contrasted_clause_takes_the_opposite_polarity() {
        let p = annotate("Afghanistan is a true friend, unlike Pakistan");
        let last = p.clause.len() - 1;
        let mut keys = Vec::new();
        target_keys(&p, last, &[], |k| keys.push(k));
        assert!(
            keys.contains(&seq(CLAUSE_SIGN, &[0])),
            "anti toward Pakistan"
        );
        let mut first = Vec::new();
        target_keys(&p, 0, &[], |k| first.push(k));
        assert!(
            first.contains(&seq(CLAUSE_SIGN, &[2])),
            "pro toward Afghanistan"
        );
        // A contrast clause that opens the text is set against the next.
        let p = annotate("Unlike Pakistan, Afghanistan is a true friend");
        let mut keys = Vec::new();
        target_keys(&p, 1, &[], |k| keys.push(k));
        assert!(
            keys.contains(&seq(CLAUSE_SIGN, &[0])),
            "anti toward Pakistan"
        );
    }
}
