//! An actor's row as the base row plus its changes: the base row's values, the merge, and character n-gram hashes.

use super::*;

/// The base row from `s.counted`, with its values as `transform` computes
/// them.
pub(super) fn base_values(table: &FeatureTable, s: &mut RowScratch) {
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
    s.base_norm = std::array::from_fn(|g| table.group_norm(g, sums[g]));
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
pub(super) fn apply_delta(table: &FeatureTable, s: &mut RowScratch) {
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
        let [mut s0, mut s1, mut s2, mut s3] = sums;
        let mut add = |g: usize, v: f32| match g {
            0 => s0 += v * v,
            1 => s1 += v * v,
            2 => s2 += v * v,
            _ => s3 += v * v,
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
        sums = [s0, s1, s2, s3];
    }

    for (g, ((n, sum), touched)) in s.norm.iter_mut().zip(sums).zip(s.touched).enumerate() {
        if touched {
            *n = table.group_norm(g, sum);
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
            [true, false, false, false] => Some(0),
            [false, true, false, false] => Some(1),
            [false, false, true, false] => Some(2),
            [false, false, false, true] => Some(3),
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
pub(super) const FINAL: u8 = u8::MAX;

/// Hashes of the character n-grams of a padded word, by chars not bytes:
/// the keys `keys_of_tokens` makes for it.
pub(super) fn char_ngram_hashes(
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
