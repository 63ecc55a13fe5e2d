//! Stable hashes for feature keys. They must never change between versions
//! or platforms: a model stores the keys it learned.

use crate::dataset::fnv1a;

/// SplitMix64 finaliser: spreads combined hashes over all 64 bits.
#[inline]
pub fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[inline]
pub fn token(text: &str) -> u64 {
    fnv1a(text.as_bytes())
}

/// Hash of a sequence of token hashes under a tag (group, side, n).
#[inline]
pub fn seq(tag: u64, hashes: &[u64]) -> u64 {
    let mut h = mix(tag ^ 0x9e37_79b9_7f4a_7c15);
    for &t in hashes {
        h = mix(h ^ t.rotate_left(17)).wrapping_add(t);
    }
    h
}

/// Builds a [`std::collections::HashMap`] keyed by already-hashed u64s
/// without hashing them again.
#[derive(Default, Clone, Copy)]
pub struct IdentityHasher(u64);

impl std::hash::Hasher for IdentityHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) ^ b as u64;
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

pub type BuildIdentity = std::hash::BuildHasherDefault<IdentityHasher>;
