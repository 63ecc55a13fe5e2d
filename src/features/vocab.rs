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

    pub fn len(&self) -> usize {
        self.data.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.data.keys.is_empty()
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
        for n in &mut norms {
            *n = n.sqrt();
        }
        for (f, v) in out.indices.iter().zip(out.values.iter_mut()) {
            let n = norms[self.data.groups[*f as usize] as usize];
            if n > 0.0 {
                *v /= n;
            }
        }
    }
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
