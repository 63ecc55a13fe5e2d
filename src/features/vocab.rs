//! The fitted vocabulary: which hashed features exist, their IDF, and the
//! TF-IDF transform. Stored in the model, so scoring uses exactly the
//! training statistics (never the batch being scored).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::Group;
use super::hashing::BuildIdentity;
use crate::sparse::SparseRow;

/// What a model file stores of a vocabulary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VocabularyData {
    pub keys: Vec<u64>,
    pub groups: Vec<u8>,
    pub idf: Vec<f32>,
    pub sublinear_tf: bool,
    /// Each group's weight after its L2 normalisation (scikit-learn's
    /// `FeatureUnion(transformer_weights=…)`): a group of a few strong
    /// features, the lexicon's, can count for more than its unit norm.
    /// Scaling a group up lets its weights grow under the same L2 penalty.
    pub group_weights: [f32; Group::COUNT],
}

/// A group's norm divided by its weight: rows are divided by this, so a
/// group of weight `w` ends with norm `w` (exactly the old norm for `w = 1`).
#[inline]
pub(crate) fn weighted_norm(sum_sq: f32, weight: f32) -> f32 {
    let n = sum_sq.sqrt();
    if weight == 1.0 { n } else { n / weight }
}

#[derive(Debug, Clone)]
pub struct Vocabulary {
    data: VocabularyData,
    index: HashMap<u64, u32, BuildIdentity>,
}

impl Vocabulary {
    /// Fits on the feature keys of each training text. Features seen in
    /// fewer than `min_df` texts are dropped. Keys are sorted so the same
    /// data gives the same vocabulary, byte for byte.
    pub fn fit<'a>(
        docs: impl IntoIterator<Item = &'a [(u64, Group)]>,
        min_df: u32,
        sublinear_tf: bool,
    ) -> Vocabulary {
        let mut df: HashMap<u64, (u32, Group), BuildIdentity> = HashMap::default();
        let mut n_docs = 0u64;
        let mut seen: Vec<(u64, Group)> = Vec::new();
        for doc in docs {
            n_docs += 1;
            seen.clear();
            seen.extend_from_slice(doc);
            seen.sort_unstable_by_key(|k| k.0);
            seen.dedup_by_key(|k| k.0);
            for &(k, g) in &seen {
                df.entry(k).or_insert((0, g)).0 += 1;
            }
        }
        let mut kept: Vec<(u64, u32, Group)> = df
            .into_iter()
            .filter(|(_, (d, _))| *d >= min_df)
            .map(|(k, (d, g))| (k, d, g))
            .collect();
        kept.sort_unstable_by_key(|x| x.0);
        let n = n_docs as f64;
        let data = VocabularyData {
            keys: kept.iter().map(|x| x.0).collect(),
            groups: kept.iter().map(|x| x.2 as u8).collect(),
            // scikit-learn's smooth IDF.
            idf: kept
                .iter()
                .map(|x| (((1.0 + n) / (1.0 + x.1 as f64)).ln() + 1.0) as f32)
                .collect(),
            sublinear_tf,
            group_weights: [1.0; Group::COUNT],
        };
        Vocabulary::from_data(data)
    }

    pub fn from_data(data: VocabularyData) -> Vocabulary {
        let index = data
            .keys
            .iter()
            .enumerate()
            .map(|(i, &k)| (k, i as u32))
            .collect();
        Vocabulary { data, index }
    }

    pub fn data(&self) -> &VocabularyData {
        &self.data
    }

    /// Sets a group's weight (see [`VocabularyData::group_weights`]).
    pub fn set_group_weight(&mut self, g: Group, w: f32) {
        self.data.group_weights[g as usize] = w;
    }

    pub fn len(&self) -> usize {
        self.data.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.data.keys.is_empty()
    }

    /// Checks what scoring indexes into, for vocabularies read from files:
    /// one group and one finite IDF per key, known groups, keys strictly
    /// increasing (as [`Vocabulary::fit`] writes them) and few enough to be
    /// indexed by `u32`.
    pub fn check_data(data: &VocabularyData) -> Result<(), String> {
        let n = data.keys.len();
        if data.groups.len() != n || data.idf.len() != n {
            return Err(format!(
                "{n} keys, {} groups and {} IDF values",
                data.groups.len(),
                data.idf.len()
            ));
        }
        if n > MAX_FEATURES {
            return Err(format!("{n} keys is too many (at most {MAX_FEATURES})"));
        }
        if let Some(g) = data.groups.iter().find(|&&g| g as usize >= Group::COUNT) {
            return Err(format!("unknown feature group {g}"));
        }
        if !data.idf.iter().all(|v| v.is_finite()) {
            return Err("non-finite IDF values".into());
        }
        if !data.group_weights.iter().all(|w| w.is_finite() && *w > 0.0) {
            return Err(format!(
                "group weights {:?} must be finite and positive",
                data.group_weights
            ));
        }
        if !data.keys.windows(2).all(|w| w[0] < w[1]) {
            return Err("keys are not sorted and unique".into());
        }
        Ok(())
    }

    /// TF-IDF row of a text's keys; unknown features are ignored. Each group
    /// is L2-normalised separately.
    pub fn transform(&self, keys: &[(u64, Group)], indices: &mut Vec<u32>, out: &mut SparseRow) {
        indices.clear();
        indices.extend(keys.iter().filter_map(|(k, _)| self.index.get(k).copied()));
        indices.sort_unstable();
        out.indices.clear();
        out.values.clear();
        let mut norms = [0f32; Group::COUNT];
        let mut i = 0;
        while i < indices.len() {
            let f = indices[i];
            let mut j = i + 1;
            while j < indices.len() && indices[j] == f {
                j += 1;
            }
            let tf = (j - i) as f32;
            let tf = if self.data.sublinear_tf {
                1.0 + tf.ln()
            } else {
                tf
            };
            let v = tf * self.data.idf[f as usize];
            norms[self.data.groups[f as usize] as usize] += v * v;
            out.indices.push(f);
            out.values.push(v);
            i = j;
        }
        for (n, &w) in norms.iter_mut().zip(&self.data.group_weights) {
            *n = weighted_norm(*n, w);
        }
        for (f, v) in out.indices.iter().zip(out.values.iter_mut()) {
            let n = norms[self.data.groups[*f as usize] as usize];
            if n > 0.0 {
                *v /= n;
            }
        }
    }
}

/// The most features a vocabulary may have to be scored with a
/// [`FeatureTable`] (2^30 - 2; no real vocabulary comes close).
pub const MAX_FEATURES: usize = (1 << 30) - 2;

/// A feature as scoring handles it: its vocabulary index, group and IDF in
/// one `u64` (`index << 34 | group << 32 | idf bits`), so ordering features
/// orders their indices and a row's values need no further lookups.
pub type Feature = u64;

/// The index of a [`Feature`].
#[inline]
pub fn feature_index(f: Feature) -> u32 {
    (f >> 34) as u32
}

/// The group of a [`Feature`] (`Group as u8`).
#[inline]
pub fn feature_group(f: Feature) -> usize {
    ((f >> 32) & 3) as usize
}

/// The IDF of a [`Feature`].
#[inline]
pub fn feature_idf(f: Feature) -> f32 {
    f32::from_bits(f as u32)
}

const EMPTY: Feature = u64::MAX;
const TF_TABLE: usize = 16;

/// A vocabulary's lookup table for scoring: open addressing with linear
/// probing over `(key, feature)` slots, at most half full, so a lookup —
/// hit or miss — usually reads one cache line and returns everything the
/// TF-IDF transform needs. Looks up exactly what the [`Vocabulary`]'s own
/// index does (for a repeated key, its last position).
#[derive(Debug, Clone)]
pub struct FeatureTable {
    slots: Vec<(u64, Feature)>,
    shift: u32,
    /// Bits an index of this vocabulary needs.
    index_bits: u32,
    sublinear_tf: bool,
    group_weights: [f32; Group::COUNT],
    /// The term weight of counts below `TF_TABLE`, computed as `transform`
    /// does.
    tf_table: [f32; TF_TABLE],
}

impl FeatureTable {
    /// # Panics
    /// If the vocabulary has more than [`MAX_FEATURES`] features or a group
    /// over 3 (a model's vocabularies are checked before this).
    pub fn new(vocab: &Vocabulary) -> FeatureTable {
        FeatureTable::from_data(&vocab.data)
    }

    /// [`FeatureTable::new`] straight from a model's stored vocabulary, so
    /// loading a model builds no hash-map index it would throw away.
    pub fn from_data(d: &VocabularyData) -> FeatureTable {
        assert!(d.keys.len() <= MAX_FEATURES, "vocabulary too large");
        let bits = (2 * d.keys.len())
            .max(16)
            .next_power_of_two()
            .trailing_zeros();
        let mut t = FeatureTable {
            slots: vec![(0, EMPTY); 1 << bits],
            shift: 64 - bits,
            index_bits: usize::BITS - d.keys.len().leading_zeros(),
            sublinear_tf: d.sublinear_tf,
            group_weights: d.group_weights,
            tf_table: std::array::from_fn(|c| tf_of(c as f32, d.sublinear_tf)),
        };
        let mask = t.slots.len() - 1;
        for (i, ((&key, &g), &idf)) in d.keys.iter().zip(&d.groups).zip(&d.idf).enumerate() {
            assert!((g as usize) < Group::COUNT, "unknown feature group {g}");
            let f = (i as u64) << 34 | u64::from(g) << 32 | u64::from(idf.to_bits());
            let mut at = t.slot(key);
            loop {
                let slot = &mut t.slots[at];
                if slot.1 == EMPTY || slot.0 == key {
                    *slot = (key, f);
                    break;
                }
                at = (at + 1) & mask;
            }
        }
        t
    }

    #[inline]
    fn slot(&self, key: u64) -> usize {
        (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> self.shift) as usize
    }

    /// Hints that `key` will be looked up soon, so that its slot is
    /// fetched from memory while other work goes on.
    #[inline]
    pub fn prefetch(&self, key: u64) {
        #[cfg(target_arch = "x86_64")]
        {
            let p = self.slots.as_ptr().wrapping_add(self.slot(key));
            // SAFETY: prefetching has no effect on memory; the pointer is
            // within the slots (slot() is masked to their count).
            unsafe {
                std::arch::x86_64::_mm_prefetch(p.cast::<i8>(), std::arch::x86_64::_MM_HINT_T0);
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = key;
    }

    /// The feature of `key`, if the vocabulary has it.
    #[inline]
    pub fn get(&self, key: u64) -> Option<Feature> {
        let mask = self.slots.len() - 1;
        let mut at = self.slot(key);
        loop {
            let (k, f) = self.slots[at];
            if f == EMPTY {
                return None;
            }
            if k == key {
                return Some(f);
            }
            at = (at + 1) & mask;
        }
    }

    /// How many low bits of a feature index can be set.
    pub fn index_bits(&self) -> u32 {
        self.index_bits
    }

    /// The term weight of a feature seen `count` times, exactly as
    /// [`Vocabulary::transform`] computes it.
    #[inline]
    pub fn tf(&self, count: u32) -> f32 {
        match self.tf_table.get(count as usize) {
            Some(&t) => t,
            None => tf_of(count as f32, self.sublinear_tf),
        }
    }

    /// The norm a row's group is divided by, from its sum of squares.
    #[inline]
    pub fn group_norm(&self, g: usize, sum_sq: f32) -> f32 {
        weighted_norm(sum_sq, self.group_weights[g])
    }
}

/// `transform`'s term weight of a raw count.
#[inline]
fn tf_of(tf: f32, sublinear: bool) -> f32 {
    if sublinear { 1.0 + tf.ln() } else { tf }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tfidf_by_hand() {
        // Two docs: a appears in both, b in one. n=2.
        // idf(a) = ln(3/3)+1 = 1; idf(b) = ln(3/2)+1.
        let d1 = [(1u64, Group::Word), (1, Group::Word), (2, Group::Word)];
        let d2 = [(1u64, Group::Word), (9, Group::Context)];
        let v = Vocabulary::fit([&d1[..], &d2[..]], 1, true);
        assert_eq!(v.len(), 3);
        let mut row = SparseRow::default();
        v.transform(&d1, &mut Vec::new(), &mut row);
        let a = (1.0 + 2f32.ln()) * 1.0;
        let b = 1.0 + 1.5f32.ln();
        let n = (a * a + b * b).sqrt();
        assert_eq!(row.indices, [0, 1]);
        assert!((row.values[0] - a / n).abs() < 1e-6);
        assert!((row.values[1] - b / n).abs() < 1e-6);
        // Groups are normalised on their own; unknown keys ignored.
        v.transform(
            &[(9, Group::Context), (77, Group::Word)],
            &mut Vec::new(),
            &mut row,
        );
        assert_eq!(
            (row.indices.as_slice(), row.values.as_slice()),
            (&[2u32][..], &[1.0f32][..])
        );
        let pruned = Vocabulary::fit([&d1[..], &d2[..]], 2, true);
        assert_eq!(pruned.len(), 1);
    }
}
