//! Scoring-side featurisation: the TF-IDF rows that
//! [`Extractor::keys_of_tokens`](super::Extractor::keys_of_tokens) followed
//! by [`Vocabulary::transform`](super::Vocabulary::transform) give, with
//! less work per row.
//!
//! Training keeps using `keys_of_tokens` and `transform`; this module must
//! give exactly the same rows — the same features with the same counts, and
//! values computed with the same `f32` operations in the same order — so
//! that scores stay bit-for-bit identical (the tests below and the golden
//! files of `tests/scoring.rs` check it). What it saves:
//!
//! * token hashes (and character n-gram hashes) are computed once per text
//!   and shared by the sentiment row and every actor's row;
//! * keys are looked up in a [`FeatureTable`] as they are made (never
//!   collected as `(key, group)` pairs), and a hit carries the feature's
//!   index, group and IDF, so the transform reads nothing else;
//! * a unit's stance rows differ only around the mentions of the actor the
//!   row is for: every actor that is not mentioned gets the same word
//!   n-grams (all mentions become `<o>`), and an actor that is mentioned
//!   changes only the n-grams that touch its own mentions (`<t>`), the
//!   character n-grams of those tokens, and its context features. So the
//!   word n-grams are looked up, counted and weighted once per unit
//!   ([`RowFeaturizer::actor_rows`]), and each actor's row is that base row
//!   with a small sorted set of changes merged in. Groups are normalised
//!   separately, so a group the changes do not touch keeps the base row's
//!   norm and values.

use super::extract::{
    Mark, Marks, NEG, TAG_CHAR, TAG_COUNT, TAG_LEFT, TAG_RIGHT, TAG_TARGET, TAG_WORD,
    window_bounds, window_keys,
};
use std::sync::Arc;

use super::clauses;
use super::hashing::{mix, seq, token};
use super::lexicon::{self, Lexicon, Polarity};
use super::vocab::{Feature, FeatureTable, feature_group, feature_idf, feature_index};
use super::{FeatureParams, Group, TargetSpans};
use crate::actors::Mention;
use crate::text::{Token, TokenKind};

/// No mention.
const NONE: u32 = u32::MAX;
/// No feature (a key the vocabulary lacks).
const MISSING: Feature = u64::MAX;
/// Not looked up yet (no feature has this value: its index would be
/// 2^30 - 1).
const UNKNOWN: Feature = u64::MAX - 1;

mod delta;
mod lookup;
mod scratch;
#[cfg(test)]
mod tests;

use delta::*;
use lookup::*;
pub use scratch::RowScratch;

/// What an actor's stance row needs beyond the text: the hash of its code
/// and, for when it is not mentioned, its context features.
#[derive(Debug, Clone)]
pub struct ActorKey {
    id: u64,
    unmentioned: Vec<Feature>,
    /// The actor whose score this one's equals when neither is mentioned
    /// (itself unless [`share_rows`] found an earlier one).
    share: usize,
}

/// Marks, for each actor, the first actor whose row is the same whenever
/// both are not mentioned in a unit and who is scored by the same head
/// (`heads[a]`): then their scores are the same too, and
/// [`RowFeaturizer::actor_rows`] hands out [`ActorOut::Same`] instead of
/// building the row again. A pooled model without target identity gives
/// every actor the same unmentioned row, so a six-actor unit that names
/// one actor builds two rows, not six.
pub fn share_rows(keys: &mut [ActorKey], heads: &[usize]) {
    let mut first: std::collections::HashMap<(Vec<Feature>, usize), usize> =
        std::collections::HashMap::new();
    for (a, (k, &h)) in keys.iter_mut().zip(heads).enumerate() {
        k.share = *first.entry((k.unmentioned.clone(), h)).or_insert(a);
    }
}

/// One actor's output of [`RowFeaturizer::actor_rows`].
pub enum ActorOut<'a> {
    /// The actor's row.
    Row(ActorRow<'a>),
    /// The same row and head as this earlier actor's, already handed out.
    Same(usize),
}

/// Featurizes tokenized text into TF-IDF rows (see the module docs).
#[derive(Debug, Clone)]
pub struct RowFeaturizer {
    params: FeatureParams,
    lexicon: Option<Arc<Lexicon>>,
    t_hash: u64,
    o_hash: u64,
}
impl RowFeaturizer {
    /// `lexicon` must be the training extractor's
    /// ([`Extractor::lexicon`](super::Extractor::lexicon)).
    pub fn new(params: FeatureParams, lexicon: Option<Arc<Lexicon>>) -> RowFeaturizer {
        RowFeaturizer {
            params,
            lexicon,
            t_hash: token("<t>"),
            o_hash: token("<o>"),
        }
    }

    /// The per-actor part of unit rows, for actor `code`.
    pub fn actor_key(&self, code: &str, table: &FeatureTable) -> ActorKey {
        let id = token(code);
        let mut unmentioned = Vec::new();
        self.count_and_identity(id, 0, table, &mut unmentioned);
        ActorKey {
            id,
            unmentioned,
            share: usize::MAX,
        }
    }

    fn count_and_identity(
        &self,
        id: u64,
        bucket: u64,
        table: &FeatureTable,
        out: &mut Vec<Feature>,
    ) {
        let mut keys = Vec::with_capacity(3);
        self.count_and_identity_keys(id, bucket, &mut keys);
        for k in keys {
            push_found(table, k, out);
        }
    }

    /// The keys of the target-mention count and target identity features.
    fn count_and_identity_keys(&self, id: u64, bucket: u64, out: &mut Vec<u64>) {
        out.push(seq(TAG_COUNT, &[bucket]));
        if self.params.target_identity {
            out.push(seq(TAG_TARGET, &[id]));
            out.push(seq(TAG_TARGET + 1, &[id, bucket]));
        }
    }

    /// Hashes every row of `text` shares; call once per text, after
    /// tokenizing it into `tokens`.
    pub fn prepare(&self, text: &str, tokens: &[Token], s: &mut RowScratch) {
        let p = &self.params;
        s.raw.clear();
        s.plain.clear();
        for tok in tokens {
            let h = token(&tok.text);
            s.raw.push(h);
            s.plain.push(if p.negation && tok.negated {
                mix(h ^ NEG)
            } else {
                h
            });
        }
        if let Some(lex) = &self.lexicon {
            lex.annotate(text, tokens, &s.raw, &mut s.tok_pol);
        }
        s.char_range.clear();
        s.char_hash.clear();
        if let Some((lo, hi)) = p.char_ngrams {
            for tok in tokens {
                let a = s.char_hash.len() as u32;
                if matches!(tok.kind, TokenKind::Word | TokenKind::Hashtag) {
                    s.lower.clear();
                    s.lower.push(' ');
                    for c in text[tok.start..tok.end].chars() {
                        s.lower.extend(c.to_lowercase());
                    }
                    s.lower.push(' ');
                    char_ngram_hashes(&s.lower, lo, hi, &mut s.bounds, &mut s.char_hash);
                }
                s.char_range.push((a, s.char_hash.len() as u32));
            }
        }
    }

    /// The row of `target` (`None`: target-blind) into `s.idx`/`s.val`:
    /// `keys_of_tokens` + `transform`, exactly.
    pub fn row(
        &self,
        tokens: &[Token],
        target: Option<&TargetSpans>,
        table: &FeatureTable,
        s: &mut RowScratch,
    ) {
        let p = &self.params;
        s.seq.clear();
        s.is_target.clear();
        let mut marks = Marks::new(target);
        let mut target_mentions = 0usize;
        s.seq_pol.clear();
        let lex = self.lexicon.is_some();
        for (i, tok) in tokens.iter().enumerate() {
            let mark = marks.mark(tok);
            if lex && mark != Mark::Same {
                let mention = matches!(mark, Mark::Mention { .. });
                s.seq_pol.push_from(&s.tok_pol, i, mention);
            }
            match mark {
                Mark::Same => continue,
                Mark::Mention { own } => {
                    if own {
                        target_mentions += 1;
                    }
                    s.seq.push(match (p.mask_targets, own) {
                        (true, true) => self.t_hash,
                        (true, false) => self.o_hash,
                        (false, _) => s.raw[i],
                    });
                    s.is_target.push(own);
                }
                Mark::Word => {
                    s.seq.push(s.plain[i]);
                    s.is_target.push(false);
                }
            }
        }

        // All the row's keys, then all their lookups.
        s.keys.clear();
        s.foreign.clear();
        if lex && target.is_some() && p.mask_targets {
            let (sq, o_hash, own) = (&s.seq, self.o_hash, &s.is_target);
            let (own, other) = (|i: usize| own[i], |i: usize| sq[i] == o_hash);
            clauses::foreign_clauses(&s.seq_pol.clause, own, other, &mut s.foreign);
        }
        for n in 1..=p.word_ngrams {
            for (at, w) in s.seq.windows(n).enumerate() {
                if clauses::any_foreign(&s.foreign, at, n) {
                    continue;
                }
                s.keys.push(seq(TAG_WORD + n as u64, w));
            }
        }
        if let Some(t) = target {
            if p.window > 0 {
                for (i, _) in s.is_target.iter().enumerate().filter(|(_, t)| **t) {
                    let clause = lex.then_some(&s.seq_pol.clause[..]);
                    window_keys(&s.seq, i, p.window, clause, |k| s.keys.push(k));
                }
            }
            if lex {
                for (q, _) in s.is_target.iter().enumerate().filter(|(_, t)| **t) {
                    lexicon::target_keys(&s.seq_pol, q, &s.foreign, |k| s.keys.push(k));
                }
            }
            let bucket = target_mentions.min(3) as u64;
            self.count_and_identity_keys(token(&t.target), bucket, &mut s.keys);
        } else if lex {
            lexicon::blind_keys(&s.seq_pol, |k| s.keys.push(k));
        }
        if p.char_ngrams.is_some() {
            // As `keys_of_tokens`: the i-th token with the i-th position's
            // target flag.
            for (i, (tok, &is_t)) in tokens.iter().zip(&s.is_target).enumerate() {
                if is_t || !matches!(tok.kind, TokenKind::Word | TokenKind::Hashtag) {
                    continue;
                }
                let (a, b) = s.char_range[i];
                s.keys
                    .extend_from_slice(&s.char_hash[a as usize..b as usize]);
            }
        }
        s.found.clear();
        lookup_all(table, &s.keys, |f| {
            if let Some(f) = f {
                s.found.push(f);
            }
        });
        count_sorted(
            &mut s.found,
            &mut s.sort_tmp,
            table.index_bits(),
            &mut s.counted,
        );
        // `transform`: TF-IDF, then each group L2-normalised.
        s.idx.clear();
        s.val.clear();
        let mut sums = [0f32; Group::COUNT];
        for &(f, c) in &s.counted {
            let v = table.tf(c) * feature_idf(f);
            sums[feature_group(f)] += v * v;
            s.idx.push(feature_index(f));
            s.val.push(v);
        }
        let norms: [f32; Group::COUNT] = std::array::from_fn(|g| table.group_norm(g, sums[g]));
        for (&(f, _), v) in s.counted.iter().zip(s.val.iter_mut()) {
            let n = norms[feature_group(f)];
            if n > 0.0 {
                *v /= n;
            }
        }
    }

    /// The stance row of every actor of a unit (no span given: each actor's
    /// own mentions are its target spans, every other mention is `<o>`).
    /// `mentions` are the unit's, from `ActorSet::mentions_into` (sorted,
    /// disjoint); `actors[a]` is actor `a`'s key. Calls `emit(a, row)`
    /// actor by actor.
    ///
    /// Returns `false`, having emitted nothing, when a token overlaps two
    /// mentions (or mentions or tokens are out of order): rows then depend
    /// on the actor in ways the shared base row does not model, and the
    /// caller must use [`RowFeaturizer::row`] per actor.
    #[allow(clippy::too_many_arguments)]
    pub fn actor_rows(
        &self,
        tokens: &[Token],
        mentions: &[Mention],
        actors: &[ActorKey],
        table: &FeatureTable,
        s: &mut RowScratch,
        mut emit: impl FnMut(usize, ActorOut<'_>),
    ) -> bool {
        let p = &self.params;
        if !mentions.windows(2).all(|w| w[0].end <= w[1].start) {
            return false;
        }
        // Kept positions and the base sequence (every mention is `<o>`).
        // A token is part of the first mention it overlaps; consecutive
        // tokens of one mention are one position.
        s.seq.clear();
        s.kept_mention.clear();
        s.seq_pol.clear();
        let lex = self.lexicon.is_some();
        let mut k = 0usize;
        let mut last = NONE;
        let mut prev_start = 0usize;
        for (i, tok) in tokens.iter().enumerate() {
            if tok.start < prev_start {
                return false;
            }
            prev_start = tok.start;
            while k < mentions.len() && mentions[k].end <= tok.start {
                k += 1;
            }
            let hit = if k < mentions.len() && mentions[k].start < tok.end {
                if k + 1 < mentions.len() && mentions[k + 1].start < tok.end {
                    return false;
                }
                k as u32
            } else {
                NONE
            };
            if hit != NONE && hit == last {
                continue;
            }
            last = hit;
            if lex {
                s.seq_pol.push_from(&s.tok_pol, i, hit != NONE);
            }
            s.seq.push(if hit == NONE {
                s.plain[i]
            } else if p.mask_targets {
                self.o_hash
            } else {
                s.raw[i]
            });
            s.kept_mention.push(hit);
        }
        let n_kept = s.seq.len();
        s.is_own.clear();
        s.is_own.resize(n_kept, false);
        s.ctx_left.clear();
        s.ctx_left.resize(n_kept, UNKNOWN);
        s.ctx_right.clear();
        s.ctx_right.resize(n_kept, UNKNOWN);
        if p.window > 0 {
            s.t_left = table.get(seq(TAG_LEFT, &[self.t_hash])).unwrap_or(MISSING);
            s.t_right = table.get(seq(TAG_RIGHT, &[self.t_hash])).unwrap_or(MISSING);
        }

        // The base row: word n-grams of the base sequence, and character
        // n-grams of the first `n_kept` tokens (as `keys_of_tokens` pairs
        // them), none of them a target.
        s.keys.clear();
        s.word_start.clear();
        for n in 1..=p.word_ngrams {
            s.word_start.push(s.keys.len());
            for w in s.seq.windows(n) {
                s.keys.push(seq(TAG_WORD + n as u64, w));
            }
        }
        s.base_word.clear();
        lookup_all(table, &s.keys, |f| s.base_word.push(f.unwrap_or(MISSING)));
        s.base_char.clear();
        s.base_char_range.clear();
        if p.char_ngrams.is_some() {
            for (i, tok) in tokens.iter().take(n_kept).enumerate() {
                let a = s.base_char.len() as u32;
                if matches!(tok.kind, TokenKind::Word | TokenKind::Hashtag) {
                    let (x, y) = s.char_range[i];
                    for &h in &s.char_hash[x as usize..y as usize] {
                        s.base_char.push(table.get(h).unwrap_or(MISSING));
                    }
                }
                s.base_char_range.push((a, s.base_char.len() as u32));
            }
        }
        s.found.clear();
        s.found.extend(
            s.base_word
                .iter()
                .chain(&s.base_char)
                .copied()
                .filter(|&f| f != MISSING),
        );
        count_sorted(
            &mut s.found,
            &mut s.sort_tmp,
            table.index_bits(),
            &mut s.counted,
        );
        base_values(table, s);

        // Per share class, the unmentioned actor whose row was built.
        s.built.clear();
        s.built.resize(actors.len(), NONE);
        for (a, key) in actors.iter().enumerate() {
            s.own.clear();
            for (j, &m) in s.kept_mention.iter().enumerate() {
                if m != NONE && mentions[m as usize].actor == a {
                    s.own.push(j);
                }
            }
            s.adds.clear();
            s.removes.clear();
            if s.own.is_empty() {
                let built = s.built[key.share];
                if built != NONE {
                    emit(a, ActorOut::Same(built as usize));
                    continue;
                }
                s.built[key.share] = a as u32;
                s.adds.extend_from_slice(&key.unmentioned);
            } else {
                self.mentioned_delta(key, n_kept, table, s);
            }
            apply_delta(table, s);
            emit(a, ActorOut::Row(ActorRow { s }));
        }
        true
    }

    /// The changes to the base row for an actor mentioned at positions
    /// `s.own`: its mentions become `<t>` in the n-grams that touch them,
    /// lose their character n-grams, and add context features.
    fn mentioned_delta(
        &self,
        key: &ActorKey,
        n_kept: usize,
        table: &FeatureTable,
        s: &mut RowScratch,
    ) {
        let p = &self.params;
        s.seq_a.clear();
        s.seq_a.extend_from_slice(&s.seq);
        // New keys to look up (all added when found).
        s.keys.clear();
        s.foreign.clear();
        if p.mask_targets {
            for &j in &s.own {
                s.seq_a[j] = self.t_hash;
            }
            if self.lexicon.is_some() {
                let (own, kept) = (&s.own, &s.kept_mention);
                let is_own = |i: usize| own.binary_search(&i).is_ok();
                let other = |i: usize| kept[i] != NONE && !is_own(i);
                clauses::foreign_clauses(&s.seq_pol.clause, is_own, other, &mut s.foreign);
            }
            for n in 1..=p.word_ngrams.min(n_kept) {
                let base = &s.base_word[s.word_start[n - 1]..][..n_kept - n + 1];
                // Windows [j, j + n) touching an own position, each once.
                let mut next = 0usize;
                for &q in &s.own {
                    let from = (q + 1).saturating_sub(n).max(next);
                    let to = q.min(n_kept - n);
                    for (j, &f) in base.iter().enumerate().take(to + 1).skip(from) {
                        if f != MISSING {
                            s.removes.push(f);
                        }
                        if !clauses::any_foreign(&s.foreign, j, n) {
                            s.keys.push(seq(TAG_WORD + n as u64, &s.seq_a[j..j + n]));
                        }
                    }
                    next = next.max(to + 1);
                }
                // The other windows inside a foreign clause leave the row.
                if !s.foreign.is_empty() {
                    let touches_own = |j: usize| s.own.iter().any(|&q| j <= q && q < j + n);
                    for (j, &f) in base.iter().enumerate() {
                        if f != MISSING && clauses::any_foreign(&s.foreign, j, n) && !touches_own(j)
                        {
                            s.removes.push(f);
                        }
                    }
                }
            }
        }
        if p.char_ngrams.is_some() {
            for &j in &s.own {
                let (a, b) = s.base_char_range[j];
                for &f in &s.base_char[a as usize..b as usize] {
                    if f != MISSING {
                        s.removes.push(f);
                    }
                }
            }
        }
        if p.window > 0 {
            // The context features of `keys_of_tokens` on `seq_a`. The
            // one-token features of positions that are not the actor's are
            // the base sequence's: they come from the unit's cache, looked
            // up when first needed. (Without masking, own positions keep
            // their token's hash and count as not own here.)
            if p.mask_targets {
                for &q in &s.own {
                    s.is_own[q] = true;
                }
            }
            let n = n_kept;
            let clause = self.lexicon.is_some().then_some(&s.seq_pol.clause[..]);
            for &q in &s.own {
                let (lo, hi) = window_bounds(q, p.window, n, clause);
                for j in (lo..q).chain(q + 1..hi) {
                    let left = j < q;
                    let f = if s.is_own[j] {
                        if left { s.t_left } else { s.t_right }
                    } else {
                        let cache = if left {
                            &mut s.ctx_left
                        } else {
                            &mut s.ctx_right
                        };
                        if cache[j] == UNKNOWN {
                            let tag = if left { TAG_LEFT } else { TAG_RIGHT };
                            cache[j] = table.get(seq(tag, &[s.seq[j]])).unwrap_or(MISSING);
                        }
                        cache[j]
                    };
                    if f != MISSING {
                        s.adds.push(f);
                    }
                }
                if q >= 2 {
                    s.keys.push(seq(TAG_LEFT + 1, &s.seq_a[q - 2..q]));
                }
                if q + 3 <= n {
                    s.keys.push(seq(TAG_RIGHT + 1, &s.seq_a[q + 1..q + 3]));
                }
            }
            for &q in &s.own {
                s.is_own[q] = false;
            }
        }
        if self.lexicon.is_some() {
            for &q in &s.own {
                lexicon::target_keys(&s.seq_pol, q, &s.foreign, |k| s.keys.push(k));
            }
        }
        let bucket = s.own.len().min(3) as u64;
        self.count_and_identity_keys(key.id, bucket, &mut s.keys);
        lookup_all(table, &s.keys, |f| {
            if let Some(f) = f {
                s.adds.push(f);
            }
        });
    }
}
/// One actor's row of a unit, as [`RowFeaturizer::actor_rows`] hands it
/// out.
pub struct ActorRow<'a> {
    s: &'a RowScratch,
}

impl ActorRow<'_> {
    /// Calls `f` with runs of `(indices, values)` that together are the
    /// row `transform` would give, in index order.
    pub fn for_each_run(&self, mut f: impl FnMut(&[u32], &[f32])) {
        let s = self.s;
        if s.merged {
            return f(&s.row_idx, &s.row_v);
        }
        let (a_idx, a_v) = if s.a_changed {
            (&s.a_idx[..], &s.a_v[..])
        } else {
            (&s.base_idx[..], &s.base_vn[..])
        };
        let mut at = 0;
        for ((&idx, &v), &b_at) in s.b_idx.iter().zip(&s.b_v).zip(&s.b_at) {
            if b_at > at {
                f(&a_idx[at..b_at], &a_v[at..b_at]);
                at = b_at;
            }
            f(&[idx], &[v]);
        }
        if a_idx.len() > at {
            f(&a_idx[at..], &a_v[at..]);
        }
    }
}
/// B features up to which an actor's row is handed out in runs.
const FEW: usize = 8;
