//! The per-thread buffers of [`RowFeaturizer`](super::RowFeaturizer).

use super::*;

/// Reusable buffers of [`RowFeaturizer`], one per thread.
#[derive(Default)]
pub struct RowScratch {
    /// Per token: `token(text)`, and the same with negation mixed in.
    pub(super) raw: Vec<u64>,
    pub(super) plain: Vec<u64>,
    /// Per token: its character n-gram hashes, `char_hash[a..b]`.
    pub(super) char_range: Vec<(u32, u32)>,
    pub(super) char_hash: Vec<u64>,
    pub(super) lower: String,
    pub(super) bounds: Vec<usize>,
    /// Lexicon features: polarity per token and per kept position.
    pub(super) tok_pol: Polarity,
    pub(super) seq_pol: Polarity,
    pub(super) foreign: Vec<bool>,
    /// The hash sequence of the row being built (one per kept token) and
    /// which positions are the target.
    pub(super) seq: Vec<u64>,
    pub(super) is_target: Vec<bool>,
    /// Keys to look up, and features found, before counting.
    pub(super) keys: Vec<u64>,
    pub(super) found: Vec<Feature>,
    pub(super) sort_tmp: Vec<Feature>,
    pub(super) counted: Vec<(Feature, u32)>,

    /// Unit rows: per kept position, the mention it is part of (or NONE).
    pub(super) kept_mention: Vec<u32>,
    /// Unit rows: per share class, the actor whose row was built (or NONE).
    pub(super) built: Vec<u32>,
    /// Unit rows: the base row's word n-gram features window by window,
    /// n = 1.. one after the other (`word_start[n - 1]..`), MISSING where
    /// the vocabulary lacks the key.
    pub(super) base_word: Vec<Feature>,
    pub(super) word_start: Vec<usize>,
    /// Unit rows: the character n-gram features of each kept position's
    /// token, `base_char[a..b]`.
    pub(super) base_char: Vec<Feature>,
    pub(super) base_char_range: Vec<(u32, u32)>,
    /// Unit rows: the base row — indices, counts, values before and after
    /// normalisation, groups — which groups it has, and their norms.
    pub(super) base_idx: Vec<u32>,
    pub(super) base_cnt: Vec<u32>,
    pub(super) base_v: Vec<f32>,
    pub(super) base_vn: Vec<f32>,
    pub(super) base_g: Vec<u8>,
    pub(super) base_has: [bool; Group::COUNT],
    pub(super) base_norm: [f32; Group::COUNT],
    /// Unit rows, per actor: its own positions, its hash sequence, the
    /// features it adds to and removes from the base row, the groups they
    /// touch, and the actor's group norms.
    pub(super) own: Vec<usize>,
    pub(super) is_own: Vec<bool>,
    pub(super) seq_a: Vec<u64>,
    /// Unit rows: the one-token context features of each kept position of
    /// the base sequence, looked up when first needed (UNKNOWN before), and
    /// those of `<t>`.
    pub(super) ctx_left: Vec<Feature>,
    pub(super) ctx_right: Vec<Feature>,
    pub(super) t_left: Feature,
    pub(super) t_right: Feature,
    pub(super) adds: Vec<Feature>,
    pub(super) removes: Vec<Feature>,
    pub(super) touched: [bool; Group::COUNT],
    pub(super) norm: [f32; Group::COUNT],
    /// The parts of the actor's row (see `apply_delta`): A, if it differs
    /// from the base row, with each value's group until normalised; B;
    /// the additions that go to A; and the row, if B is not empty.
    pub(super) a_changed: bool,
    pub(super) a_idx: Vec<u32>,
    pub(super) a_v: Vec<f32>,
    pub(super) a_g: Vec<u8>,
    pub(super) b_idx: Vec<u32>,
    pub(super) b_v: Vec<f32>,
    pub(super) b_g: Vec<u8>,
    pub(super) adds_a: Vec<Feature>,
    pub(super) b_at: Vec<usize>,
    pub(super) merged: bool,
    pub(super) row_idx: Vec<u32>,
    pub(super) row_v: Vec<f32>,

    /// The row of [`RowFeaturizer::row`]: strictly increasing vocabulary
    /// indices and their TF-IDF values.
    pub idx: Vec<u32>,
    pub val: Vec<f32>,
}
