//! Vocabulary lookups and counting of found features.

use super::*;

#[inline]
pub(super) fn push_found(table: &FeatureTable, key: u64, out: &mut Vec<Feature>) {
    if let Some(f) = table.get(key) {
        out.push(f);
    }
}

/// Looks up `keys` in order, fetching slots a few keys ahead so that
/// their memory latencies overlap.
#[inline]
pub(super) fn lookup_all(table: &FeatureTable, keys: &[u64], mut f: impl FnMut(Option<Feature>)) {
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
pub(super) fn count_sorted(
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
pub(super) fn radix_sort(v: &mut Vec<Feature>, tmp: &mut Vec<Feature>, index_bits: u32) {
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
