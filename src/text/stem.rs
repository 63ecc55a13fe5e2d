//! Stemming with a per-thread memo.
//!
//! `rust_stemmers` builds a Snowball environment per call and costs about
//! 200 ns a word, which alone would hold the tokenizer well under its
//! throughput target. Comment vocabulary is Zipfian, so a small memo hits on
//! almost every token and a hit costs a hash and a copy. The memo is
//! thread-local so that a shared `Tokenizer` needs no lock; it is keyed only
//! by the word because every `Tokenizer` uses the same (English) algorithm.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use rust_stemmers::Stemmer;

/// Entries before the memo is wiped. Bounds memory (a few MB per thread)
/// without LRU bookkeeping; a wipe costs one cold comment.
const MEMO_CAPACITY: usize = 1 << 16;
/// Longer words are rare enough not to be worth remembering.
const MEMO_MAX_WORD: usize = 24;

thread_local! {
    static MEMO: RefCell<HashMap<Box<str>, Box<str>, BuildHasherDefault<FxHasher>>> =
        RefCell::new(HashMap::default());
}

/// Stems an already lower-cased word, appending the stem to `out` (a
/// token's reused buffer: a memo hit then allocates nothing).
///
/// Only ASCII words are stemmed: the English rules only ever touch a-z
/// suffixes, and rust-stemmers 1.2 has known out-of-bounds panics on some
/// multi-byte input, which a tokenizer fed arbitrary comments cannot risk.
/// Words of one or two letters are returned as they are, as Porter2 would.
pub(crate) fn stem_into(stemmer: &Stemmer, word: &str, out: &mut String) {
    if word.len() <= 2 || !word.is_ascii() {
        return out.push_str(word);
    }
    if word.len() > MEMO_MAX_WORD {
        return out.push_str(&stem_uncached(stemmer, word));
    }
    let done = MEMO.try_with(|memo| {
        if let Some(hit) = memo.borrow().get(word) {
            return out.push_str(hit);
        }
        let stemmed = stem_uncached(stemmer, word);
        out.push_str(&stemmed);
        let mut memo = memo.borrow_mut();
        if memo.len() >= MEMO_CAPACITY {
            memo.clear();
        }
        memo.insert(word.into(), stemmed.into_boxed_str());
    });
    // The memo is gone only while the thread is being torn down.
    if done.is_err() {
        out.push_str(&stem_uncached(stemmer, word));
    }
}

fn stem_uncached(stemmer: &Stemmer, word: &str) -> String {
    let stemmed = stemmer.stem(word);
    // Never turn a word into nothing; an empty token text helps nobody.
    if stemmed.is_empty() {
        word.to_owned()
    } else {
        stemmed.into_owned()
    }
}

/// The rustc "Fx" hash: a multiply-rotate over 8-byte chunks. SipHash is
/// several times slower on short keys and its DoS resistance buys nothing
/// for a bounded, thread-private memo.
#[derive(Default, Clone, Copy)]
struct FxHasher {
    hash: u64,
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            self.add(u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8])));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut buf = [0u8; 8];
            buf[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(buf));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_stemmers::Algorithm;

    fn stem(s: &Stemmer, w: &str) -> String {
        // Appends: whatever the buffer held stays in front.
        let mut out = String::from("x");
        stem_into(s, w, &mut out);
        out.split_off(1)
    }

    #[test]
    fn memo_agrees_with_the_stemmer() {
        let s = Stemmer::create(Algorithm::English);
        for w in [
            "army", "armies", "indians", "helping", "nothing", "us", "a", "pakistan",
        ] {
            let want = s.stem(w).into_owned();
            assert_eq!(stem(&s, w), want);
            assert_eq!(stem(&s, w), want, "second call hits the memo");
        }
    }

    #[test]
    fn non_ascii_and_long_words_are_safe() {
        let s = Stemmer::create(Algorithm::English);
        assert_eq!(stem(&s, "αντιθετ"), "αντιθετ");
        assert_eq!(stem(&s, "zürich"), "zürich");
        let long = "a".repeat(10_000) + "ing";
        assert!(!stem(&s, &long).is_empty());
    }
}
