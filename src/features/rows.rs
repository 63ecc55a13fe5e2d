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

use super::extract::{NEG, TAG_CHAR, TAG_COUNT, TAG_LEFT, TAG_RIGHT, TAG_TARGET, TAG_WORD};
use super::hashing::{mix, seq, token};
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

/// Reusable buffers of [`RowFeaturizer`], one per thread.
#[derive(Default)]
pub struct RowScratch {
    /// Per token: `token(text)`, and the same with negation mixed in.
    raw: Vec<u64>,
    plain: Vec<u64>,
    /// Per token: its character n-gram hashes, `char_hash[a..b]`.
    char_range: Vec<(u32, u32)>,
    char_hash: Vec<u64>,
    lower: String,
    bounds: Vec<usize>,
    /// The hash sequence of the row being built (one per kept token) and
    /// which positions are the target.
    seq: Vec<u64>,
    is_target: Vec<bool>,
    /// Keys to look up, and features found, before counting.
    keys: Vec<u64>,
    found: Vec<Feature>,
    sort_tmp: Vec<Feature>,
    counted: Vec<(Feature, u32)>,

    /// Unit rows: per kept position, the mention it is part of (or NONE).
    kept_mention: Vec<u32>,
    /// Unit rows: the base row's word n-gram features window by window,
    /// n = 1.. one after the other (`word_start[n - 1]..`), MISSING where
    /// the vocabulary lacks the key.
    base_word: Vec<Feature>,
    word_start: Vec<usize>,
    /// Unit rows: the character n-gram features of each kept position's
    /// token, `base_char[a..b]`.
    base_char: Vec<Feature>,
    base_char_range: Vec<(u32, u32)>,
    /// Unit rows: the base row — indices, counts, values before and after
    /// normalisation, groups — which groups it has, and their norms.
    base_idx: Vec<u32>,
    base_cnt: Vec<u32>,
    base_v: Vec<f32>,
    base_vn: Vec<f32>,
    base_g: Vec<u8>,
    base_has: [bool; Group::COUNT],
    base_norm: [f32; Group::COUNT],
    /// Unit rows, per actor: its own positions, its hash sequence, the
    /// features it adds to and removes from the base row, the groups they
    /// touch, and the actor's group norms.
    own: Vec<usize>,
    is_own: Vec<bool>,
    seq_a: Vec<u64>,
    /// Unit rows: the one-token context features of each kept position of
    /// the base sequence, looked up when first needed (UNKNOWN before), and
    /// those of `<t>`.
    ctx_left: Vec<Feature>,
    ctx_right: Vec<Feature>,
    t_left: Feature,
    t_right: Feature,
    adds: Vec<Feature>,
    removes: Vec<Feature>,
    touched: [bool; Group::COUNT],
    norm: [f32; Group::COUNT],
    /// The parts of the actor's row (see `apply_delta`): A, if it differs
    /// from the base row, with each value's group until normalised; B;
    /// the additions that go to A; and the row, if B is not empty.
    a_changed: bool,
    a_idx: Vec<u32>,
    a_v: Vec<f32>,
    a_g: Vec<u8>,
    b_idx: Vec<u32>,
    b_v: Vec<f32>,
    b_g: Vec<u8>,
    adds_a: Vec<Feature>,
    b_at: Vec<usize>,
    merged: bool,
    row_idx: Vec<u32>,
    row_v: Vec<f32>,

    /// The row of [`RowFeaturizer::row`]: strictly increasing vocabulary
    /// indices and their TF-IDF values.
    pub idx: Vec<u32>,
    pub val: Vec<f32>,
}

/// What an actor's stance row needs beyond the text: the hash of its code
/// and, for when it is not mentioned, its context features.
#[derive(Debug, Clone)]
pub struct ActorKey {
    id: u64,
    unmentioned: Vec<Feature>,
}

/// Featurizes tokenized text into TF-IDF rows (see the module docs).
#[derive(Debug, Clone)]
pub struct RowFeaturizer {
    params: FeatureParams,
    t_hash: u64,
    o_hash: u64,
}

#[inline]
fn push_found(table: &FeatureTable, key: u64, out: &mut Vec<Feature>) {
    if let Some(f) = table.get(key) {
        out.push(f);
    }
}

/// Looks up `keys` in order, fetching slots a few keys ahead so that
/// their memory latencies overlap.
#[inline]
fn lookup_all(table: &FeatureTable, keys: &[u64], mut f: impl FnMut(Option<Feature>)) {
    const AHEAD: usize = 8;
    for &k in keys.iter().take(AHEAD) {
        table.prefetch(k);
    }
    for (i, &k) in keys.iter().enumerate() {
        if let Some(&next) = keys.get(i + AHEAD) {
            table.prefetch(next);
        }
        f(table.get(k));
    }
}

/// Sorts `found` by index — features with one index are equal — and
/// counts runs into `out`. Long lists are radix-sorted on the index bits
/// (`tmp` is scratch), short ones compared.
fn count_sorted(
    found: &mut Vec<Feature>,
    tmp: &mut Vec<Feature>,
    index_bits: u32,
    out: &mut Vec<(Feature, u32)>,
) {
    radix_sort(found, tmp, index_bits);
    out.clear();
    let mut i = 0;
    while i < found.len() {
        let f = found[i];
        let mut j = i + 1;
        while j < found.len() && found[j] == f {
            j += 1;
        }
        out.push((f, (j - i) as u32));
        i = j;
    }
}

/// Sorts features by index: LSD radix over the `index_bits` bits above
/// bit 34 in passes of at most 8 bits, or a comparison sort for short
/// lists where the passes' fixed cost does not pay.
fn radix_sort(v: &mut Vec<Feature>, tmp: &mut Vec<Feature>, index_bits: u32) {
    const SHORT: usize = 64;
    if v.len() < SHORT || index_bits > 24 {
        v.sort_unstable();
        return;
    }
    let passes = index_bits.div_ceil(8).max(1);
    let width = index_bits.div_ceil(passes);
    let mask = (1u64 << width) - 1;
    let mut counts = [0u32; 256];
    tmp.clear();
    tmp.resize(v.len(), 0);
    for pass in 0..passes {
        let shift = 34 + pass * width;
        counts[..=mask as usize].fill(0);
        for &f in v.iter() {
            counts[((f >> shift) & mask) as usize] += 1;
        }
        let mut sum = 0;
        for c in &mut counts[..=mask as usize] {
            let n = *c;
            *c = sum;
            sum += n;
        }
        for &f in v.iter() {
            let b = ((f >> shift) & mask) as usize;
            tmp[counts[b] as usize] = f;
            counts[b] += 1;
        }
        std::mem::swap(v, tmp);
    }
}

impl RowFeaturizer {
    pub fn new(params: FeatureParams) -> RowFeaturizer {
        RowFeaturizer {
            params,
            t_hash: token("<t>"),
            o_hash: token("<o>"),
        }
    }

    /// The per-actor part of unit rows, for actor `code`.
    pub fn actor_key(&self, code: &str, table: &FeatureTable) -> ActorKey {
        let id = token(code);
        let mut unmentioned = Vec::new();
        self.count_and_identity(id, 0, table, &mut unmentioned);
        ActorKey { id, unmentioned }
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
        let mut last_span: Option<(bool, usize)> = None;
        let mut target_mentions = 0usize;
        for (i, tok) in tokens.iter().enumerate() {
            let span_of = |spans: &[(usize, usize)]| {
                spans
                    .iter()
                    .position(|&(a, b)| tok.start < b && a < tok.end)
            };
            let hit = target.and_then(|t| {
                span_of(&t.own)
                    .map(|i| (true, i))
                    .or_else(|| span_of(&t.others).map(|i| (false, i)))
            });
            match hit {
                Some(h) if last_span == Some(h) => continue,
                Some((own, _)) => {
                    last_span = hit;
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
                None => {
                    last_span = None;
                    s.seq.push(s.plain[i]);
                    s.is_target.push(false);
                }
            }
        }

        // All the row's keys, then all their lookups.
        s.keys.clear();
        for n in 1..=p.word_ngrams {
            for w in s.seq.windows(n) {
                s.keys.push(seq(TAG_WORD + n as u64, w));
            }
        }
        if let Some(t) = target {
            if p.window > 0 {
                for (i, _) in s.is_target.iter().enumerate().filter(|(_, t)| **t) {
                    window_keys(&s.seq, i, p.window, &mut s.keys);
                }
            }
            let bucket = target_mentions.min(3) as u64;
            self.count_and_identity_keys(token(&t.target), bucket, &mut s.keys);
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
        let norms = sums.map(f32::sqrt);
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
    pub fn actor_rows(
        &self,
        tokens: &[Token],
        mentions: &[Mention],
        actors: &[ActorKey],
        table: &FeatureTable,
        s: &mut RowScratch,
        mut emit: impl FnMut(usize, ActorRow<'_>),
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
                s.adds.extend_from_slice(&key.unmentioned);
            } else {
                self.mentioned_delta(key, n_kept, table, s);
            }
            apply_delta(table, s);
            emit(a, ActorRow { s });
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
        if p.mask_targets {
            for &j in &s.own {
                s.seq_a[j] = self.t_hash;
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
                        s.keys.push(seq(TAG_WORD + n as u64, &s.seq_a[j..j + n]));
                    }
                    next = next.max(to + 1);
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
            for &q in &s.own {
                let lo = q.saturating_sub(p.window);
                let hi = (q + 1 + p.window).min(n);
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
        let bucket = s.own.len().min(3) as u64;
        self.count_and_identity_keys(key.id, bucket, &mut s.keys);
        lookup_all(table, &s.keys, |f| {
            if let Some(f) = f {
                s.adds.push(f);
            }
        });
    }
}

/// The keys of the context features around target position `i` of
/// `hashes`.
fn window_keys(hashes: &[u64], i: usize, window: usize, out: &mut Vec<u64>) {
    let lo = i.saturating_sub(window);
    let hi = (i + 1 + window).min(hashes.len());
    for &h in &hashes[lo..i] {
        out.push(seq(TAG_LEFT, &[h]));
    }
    for &h in &hashes[i + 1..hi] {
        out.push(seq(TAG_RIGHT, &[h]));
    }
    if i >= 2 {
        out.push(seq(TAG_LEFT + 1, &hashes[i - 2..i]));
    }
    if i + 3 <= hashes.len() {
        out.push(seq(TAG_RIGHT + 1, &hashes[i + 1..i + 3]));
    }
}

/// The base row from `s.counted`, with its values as `transform` computes
/// them.
fn base_values(table: &FeatureTable, s: &mut RowScratch) {
    s.base_idx.clear();
    s.base_cnt.clear();
    s.base_v.clear();
    s.base_vn.clear();
    s.base_g.clear();
    s.base_has = [false; Group::COUNT];
    let mut sums = [0f32; Group::COUNT];
    for &(f, c) in &s.counted {
        let g = feature_group(f);
        let v = table.tf(c) * feature_idf(f);
        sums[g] += v * v;
        s.base_has[g] = true;
        s.base_idx.push(feature_index(f));
        s.base_cnt.push(c);
        s.base_v.push(v);
        s.base_g.push(g as u8);
    }
    s.base_norm = sums.map(f32::sqrt);
    for (&v, &g) in s.base_v.iter().zip(&s.base_g) {
        let n = s.base_norm[g as usize];
        s.base_vn.push(if n > 0.0 { v / n } else { v });
    }
}

/// Applies an actor's changes (`s.adds`, `s.removes`) to the base row.
///
/// Groups are normalised on their own, so the row is built in two parts:
/// A, the base row with the changes to the groups it has (for a mentioned
/// actor, its word n-grams; for one not mentioned, nothing), and B, the
/// added features of groups the base row lacks (context features: all new
/// to the row). A touched group's norm is summed in index order over its
/// features, as `transform` does; the other groups keep the base row's
/// norms and values. The row is then A and B merged in index order.
fn apply_delta(table: &FeatureTable, s: &mut RowScratch) {
    s.adds.sort_unstable();
    s.removes.sort_unstable();
    s.touched = [false; Group::COUNT];
    for &f in s.adds.iter().chain(&s.removes) {
        s.touched[feature_group(f)] = true;
    }
    s.norm = s.base_norm;
    let mut sums = [0f32; Group::COUNT];

    // B, counted; and the additions that go to A.
    s.b_idx.clear();
    s.b_v.clear();
    s.b_g.clear();
    s.adds_a.clear();
    let mut j = 0;
    while j < s.adds.len() {
        let f = s.adds[j];
        let mut c = 0u32;
        while j < s.adds.len() && s.adds[j] == f {
            c += 1;
            j += 1;
        }
        let g = feature_group(f);
        if s.base_has[g] {
            s.adds_a.extend(std::iter::repeat_n(f, c as usize));
            continue;
        }
        let v = table.tf(c) * feature_idf(f);
        sums[g] += v * v;
        s.b_idx.push(feature_index(f));
        s.b_v.push(v);
        s.b_g.push(g as u8);
    }

    // A: merge the base row with its groups' additions and removals, with
    // the group of each value still to normalise (FINAL: a value of an
    // untouched group, already normalised).
    s.a_changed = !s.adds_a.is_empty() || !s.removes.is_empty();
    if s.a_changed {
        s.a_idx.clear();
        s.a_v.clear();
        s.a_g.clear();
        let (adds, removes) = (&s.adds_a, &s.removes);
        let index_at = |v: &[Feature], k: usize| v.get(k).map_or(u32::MAX, |&f| feature_index(f));
        let (mut i, mut a, mut r) = (0usize, 0usize, 0usize);
        let n_base = s.base_idx.len();
        // One running sum per group, in registers.
        let [mut s0, mut s1, mut s2] = sums;
        let mut add = |g: usize, v: f32| match g {
            0 => s0 += v * v,
            1 => s1 += v * v,
            _ => s2 += v * v,
        };
        loop {
            let next = index_at(adds, a).min(index_at(removes, r));
            // Unchanged base features up to the next change.
            while i < n_base && s.base_idx[i] < next {
                let g = s.base_g[i];
                if s.touched[g as usize] {
                    let v = s.base_v[i];
                    add(g as usize, v);
                    s.a_v.push(v);
                    s.a_g.push(g);
                } else {
                    s.a_v.push(s.base_vn[i]);
                    s.a_g.push(FINAL);
                }
                s.a_idx.push(s.base_idx[i]);
                i += 1;
            }
            if next == u32::MAX {
                break;
            }
            // The changed feature `next`, with its base count if any.
            let mut count: i64 = 0;
            let mut feature = 0;
            if i < n_base && s.base_idx[i] == next {
                count += i64::from(s.base_cnt[i]);
                i += 1;
            }
            while index_at(adds, a) == next {
                feature = adds[a];
                count += 1;
                a += 1;
            }
            while index_at(removes, r) == next {
                feature = removes[r];
                count -= 1;
                r += 1;
            }
            debug_assert!(count >= 0, "a change removed a feature the base row lacks");
            if count > 0 {
                let g = feature_group(feature);
                let v = table.tf(count as u32) * feature_idf(feature);
                add(g, v);
                s.a_idx.push(next);
                s.a_v.push(v);
                s.a_g.push(g as u8);
            }
        }
        sums = [s0, s1, s2];
    }

    for ((n, sum), touched) in s.norm.iter_mut().zip(sums).zip(s.touched) {
        if touched {
            *n = sum.sqrt();
        }
    }
    let norm = s.norm;
    let normalise = |v: &mut f32, g: u8| {
        if g != FINAL {
            let n = norm[g as usize];
            if n > 0.0 {
                *v /= n;
            }
        }
    };
    if s.a_changed {
        // Usually the base row has one group (words), touched by the
        // changes: every value of A is then divided by the same norm.
        let single = match s.base_has {
            [true, false, false] => Some(0),
            [false, true, false] => Some(1),
            [false, false, true] => Some(2),
            _ => None,
        };
        match single.filter(|&g| s.touched[g]) {
            Some(g) => {
                let n = norm[g];
                if n > 0.0 {
                    for v in &mut s.a_v {
                        *v /= n;
                    }
                }
            }
            None => {
                for (v, &g) in s.a_v.iter_mut().zip(&s.a_g) {
                    normalise(v, g);
                }
            }
        }
    }
    for (v, &g) in s.b_v.iter_mut().zip(&s.b_g) {
        normalise(v, g);
    }

    // With few B features, the row is handed out as runs of A between
    // them (found by bisection); with many, it is A and B merged here.
    s.merged = s.b_idx.len() > FEW;
    if !s.merged {
        let a_idx = if s.a_changed { &s.a_idx } else { &s.base_idx };
        s.b_at.clear();
        let mut from = 0;
        for &idx in &s.b_idx {
            let at = from + a_idx[from..].partition_point(|&x| x < idx);
            s.b_at.push(at);
            from = at;
        }
        return;
    }
    // The merge: their indices are distinct (a feature has one group), and
    // which part comes next is a coin toss, so it selects with masks, not
    // branches. Both parts end in a sentinel (index u32::MAX) meanwhile.
    {
        s.b_idx.push(u32::MAX);
        s.b_v.push(0.0);
        let n_a = if s.a_changed {
            s.a_idx.len()
        } else {
            s.base_idx.len()
        };
        let n = n_a + s.b_idx.len() - 1;
        let (a_idx, a_v) = if s.a_changed {
            s.a_idx.push(u32::MAX);
            s.a_v.push(0.0);
            (&s.a_idx[..], &s.a_v[..])
        } else {
            s.base_idx.push(u32::MAX);
            s.base_vn.push(0.0);
            (&s.base_idx[..], &s.base_vn[..])
        };
        let (b_idx, b_v) = (&s.b_idx[..], &s.b_v[..]);
        s.row_idx.clear();
        s.row_v.clear();
        let (mut i, mut j) = (0usize, 0usize);
        for _ in 0..n {
            let (x, y) = (a_idx[i], b_idx[j]);
            let m = 0u32.wrapping_sub(u32::from(x < y));
            s.row_idx.push((x & m) | (y & !m));
            s.row_v.push(f32::from_bits(
                (a_v[i].to_bits() & m) | (b_v[j].to_bits() & !m),
            ));
            i += (m & 1) as usize;
            j += (!m & 1) as usize;
        }
        // Drop the sentinels.
        s.b_idx.pop();
        s.b_v.pop();
        if s.a_changed {
            s.a_idx.pop();
            s.a_v.pop();
        } else {
            s.base_idx.pop();
            s.base_vn.pop();
        }
    }
}

/// Marks a value as already normalised.
const FINAL: u8 = u8::MAX;

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

/// Hashes of the character n-grams of a padded word, by chars not bytes:
/// the keys `keys_of_tokens` makes for it.
fn char_ngram_hashes(
    word: &str,
    lo: usize,
    hi: usize,
    bounds: &mut Vec<usize>,
    out: &mut Vec<u64>,
) {
    bounds.clear();
    bounds.extend(word.char_indices().map(|(i, _)| i));
    bounds.push(word.len());
    let n_chars = bounds.len() - 1;
    for n in lo..=hi.min(n_chars) {
        for start in 0..=(n_chars - n) {
            let gram = &word[bounds[start]..bounds[start + n]];
            out.push(seq(TAG_CHAR + n as u64, &[token(gram)]));
        }
    }
}

#[cfg(test)]
mod tests {
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
                let spans = target_spans(actors, &mentions, &a.code, None);
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
        ];
        let corpus = texts(400, 7);
        let probe = texts(300, 11);
        let mut fallbacks = 0;
        for (si, p) in settings.iter().enumerate() {
            let ex = Extractor::new(p.clone(), TokenizerConfig::default());
            let keys = all_keys(&ex, &actors, &corpus);
            for half in [false, true] {
                let docs = keys.iter().enumerate().filter(|(i, _)| !half || i % 2 == 0);
                let vocab = Vocabulary::fit(docs.map(|(_, k)| k.as_slice()), 1, p.sublinear_tf);
                let table = FeatureTable::new(&vocab);
                let rf = RowFeaturizer::new(p.clone());
                let keys: Vec<ActorKey> = actors.codes().map(|c| rf.actor_key(c, &table)).collect();
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
                        let spans = target_spans(&actors, &mentions, &a.code, None);
                        ex.keys(text, Some(&spans), &mut fs, &mut k);
                        let mut r = SparseRow::default();
                        vocab.transform(&k, &mut Vec::new(), &mut r);
                        rf.row(&tokens, Some(&spans), &table, &mut rs);
                        same(&what, text, &r, &rs.idx, &rs.val);
                        want.push(r);
                    }
                    let mut seen = 0;
                    let shared =
                        rf.actor_rows(&tokens, &mentions, &keys, &table, &mut rs, |a, row| {
                            let (mut idx, mut val) = (Vec::new(), Vec::new());
                            row.for_each_run(|i, v| {
                                idx.extend_from_slice(i);
                                val.extend_from_slice(v);
                            });
                            same(&format!("{what}, actor {a}"), text, &want[a], &idx, &val);
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
                            target_spans(&actors, &mentions, "mention", Some((m.start, m.end)));
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
}
