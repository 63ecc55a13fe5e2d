//! Duplicate unit keys, in memory that does not grow with the input.
//!
//! Every command rejects the second of two units with one (doc_id,
//! unit_id): a key names one text, and two scores or labels for it would be
//! counted twice. Telling a key never seen from one seen 9 million units
//! ago needs a record of every key, which in memory is 16+ bytes a unit
//! (200 MB at 10 M units). So [`Dedup`] keeps the most recent keys in a
//! hash set of fixed capacity and, when it is full, writes them sorted to a
//! temporary file (a *run*). Runs are merged size-tiered, like an LSM tree,
//! so there are a few per power of [`FANOUT`]. A fixed-size Bloom filter of
//! every spilled key answers "never seen" for most new keys without
//! touching the disk; a "maybe" is settled exactly by a binary search of
//! each run (one 4 KiB read per run, located by an in-memory index of every
//! [`STRIDE`]th key). The answer is exact either way: the filter only
//! decides whether to look. Past a few tens of millions of keys the filter
//! fills and most keys are looked up on disk: slower, never wrong, memory
//! still bounded.
//!
//! Keys are 128-bit hashes of the pair under two random seeds per run of
//! the program; two different keys share one with probability 2⁻¹²⁸ per
//! pair (about 10⁻²² at 10¹⁰ units).

use std::collections::HashSet;
use std::fs::File;
use std::hash::{BuildHasher, RandomState};
use std::io::{BufReader, BufWriter, Read, Write};

use super::Unit;
use crate::error::{Location, Rejection};

/// Keys held in memory before they are spilled: a set of this capacity is
/// about 4.5 MB.
pub const MEMORY_KEYS: usize = 1 << 17;
/// Runs per size tier before they are merged into one of the next tier.
pub const FANOUT: usize = 4;
/// One key of a run in every `STRIDE` is indexed in memory: a lookup reads
/// one block of `STRIDE` keys (4 KiB).
pub const STRIDE: usize = 256;
/// Bloom filter size: 8 MiB, allocated at the first spill.
const BLOOM_BITS: usize = 1 << 26;
/// Bits set per key: at 10 M spilled keys the filter answers "maybe" for
/// about 5 % of new keys.
const BLOOM_HASHES: u32 = 4;

const KEY_BYTES: usize = 16;

/// See the module documentation.
#[derive(Debug)]
pub struct Dedup {
    seeds: [RandomState; 2],
    recent: HashSet<u128>,
    capacity: usize,
    spill: Option<Spill>,
    /// Set when a spill failed (no writable temporary folder): keys then
    /// stay in memory, exact but unbounded.
    unbounded: bool,
}

impl Default for Dedup {
    fn default() -> Self {
        Dedup::with_capacity(MEMORY_KEYS)
    }
}

impl Dedup {
    /// Holds at most `capacity` keys in memory before spilling (tests use
    /// small ones).
    pub fn with_capacity(capacity: usize) -> Dedup {
        Dedup {
            seeds: Default::default(),
            recent: HashSet::new(),
            capacity: capacity.max(1),
            spill: None,
            unbounded: false,
        }
    }

    /// `Ok` the first time a unit's key is seen; a rejection at `at` after.
    pub fn check(&mut self, at: &Location, u: &Unit) -> Result<(), Rejection> {
        if self.insert(self.key(&u.doc_id, &u.unit_id)) {
            return Ok(());
        }
        let reason = format!(
            "duplicate unit {} {} (the first one read is kept)",
            u.doc_id, u.unit_id
        );
        Err(Rejection::new(at.clone(), reason))
    }

    fn key(&self, doc: &str, unit: &str) -> u128 {
        let [a, b] = &self.seeds;
        (u128::from(a.hash_one((doc, unit))) << 64) | u128::from(b.hash_one((doc, unit)))
    }

    /// Whether `key` is new (and now remembered).
    fn insert(&mut self, key: u128) -> bool {
        if self.recent.contains(&key) {
            return false;
        }
        if let Some(s) = &mut self.spill
            && s.contains(key)
        {
            return false;
        }
        if self.recent.capacity() == 0 {
            self.recent.reserve(self.capacity);
        }
        self.recent.insert(key);
        if self.recent.len() >= self.capacity && !self.unbounded {
            self.spill_recent();
        }
        true
    }

    fn spill_recent(&mut self) {
        let mut keys: Vec<u128> = self.recent.iter().copied().collect();
        keys.sort_unstable();
        let spill = match &mut self.spill {
            Some(s) => s,
            None => match Spill::new() {
                Ok(s) => self.spill.insert(s),
                Err(_) => {
                    self.unbounded = true;
                    return;
                }
            },
        };
        match spill.add(&keys) {
            Ok(()) => self.recent.clear(),
            Err(_) => self.unbounded = true,
        }
    }

    /// Keys written to disk so far (for tests and benchmarks).
    pub fn spilled(&self) -> usize {
        self.spill.as_ref().map_or(0, |s| s.len())
    }
}

/// The spilled keys: sorted runs in temporary files and a Bloom filter.
#[derive(Debug)]
struct Spill {
    bloom: Vec<u64>,
    /// Runs by tier: tier t holds runs of about `MEMORY_KEYS · FANOUT^t`.
    tiers: Vec<Vec<Run>>,
    block: Vec<u8>,
}

impl Spill {
    fn new() -> std::io::Result<Spill> {
        // Fails early (before the filter is allocated) where no temporary
        // file can be made.
        drop(tempfile::tempfile()?);
        Ok(Spill {
            bloom: vec![0; BLOOM_BITS / 64],
            tiers: Vec::new(),
            block: vec![0; STRIDE * KEY_BYTES],
        })
    }

    fn len(&self) -> usize {
        self.tiers.iter().flatten().map(|r| r.len).sum()
    }

    /// The filter's bits for `key`, all in one 512-bit block (one cache
    /// line): the block from the key's low half, the bits from its high
    /// half (both halves are already random).
    fn bloom_bits(key: u128) -> impl Iterator<Item = usize> {
        let block = (key as u64 % (BLOOM_BITS / 512) as u64) as usize * 512;
        let h = (key >> 64) as u64;
        (0..BLOOM_HASHES).map(move |i| block + ((h >> (i * 9)) & 511) as usize)
    }

    fn contains(&mut self, key: u128) -> bool {
        let maybe = Self::bloom_bits(key).all(|b| self.bloom[b / 64] & (1 << (b % 64)) != 0);
        if !maybe {
            return false;
        }
        // A run that cannot be read back (the temporary folder's disk
        // failed) cannot say it holds the key; the key is then taken as
        // new, the only answer that loses no row.
        let block = &mut self.block;
        self.tiers
            .iter()
            .flatten()
            .any(|r| r.contains(key, block).unwrap_or(false))
    }

    /// Adds sorted `keys` as a run of tier 0, merging full tiers upward.
    fn add(&mut self, keys: &[u128]) -> std::io::Result<()> {
        let run = Run::write(keys.iter().copied().map(Ok))?;
        for &k in keys {
            for b in Self::bloom_bits(k) {
                self.bloom[b / 64] |= 1 << (b % 64);
            }
        }
        let mut tier = 0;
        let mut carry = run;
        loop {
            if self.tiers.len() == tier {
                self.tiers.push(Vec::new());
            }
            self.tiers[tier].push(carry);
            if self.tiers[tier].len() < FANOUT {
                return Ok(());
            }
            // On an error the tier stays as it was: every key is still in
            // some run.
            carry = Run::merge(&self.tiers[tier])?;
            self.tiers[tier].clear();
            tier += 1;
        }
    }
}

/// Sorted keys in a temporary file (deleted when dropped), with every
/// [`STRIDE`]th key in memory.
#[derive(Debug)]
struct Run {
    file: File,
    len: usize,
    index: Vec<u128>,
}

impl Run {
    fn write(keys: impl Iterator<Item = std::io::Result<u128>>) -> std::io::Result<Run> {
        let file = tempfile::tempfile()?;
        let mut w = BufWriter::with_capacity(1 << 16, file);
        let mut index = Vec::new();
        let mut len = 0;
        for k in keys {
            let k = k?;
            if len % STRIDE == 0 {
                index.push(k);
            }
            w.write_all(&k.to_le_bytes())?;
            len += 1;
        }
        let file = w.into_inner().map_err(|e| e.into_error())?;
        Ok(Run { file, len, index })
    }

    /// One run of the keys of `runs` (which are disjoint: a key is spilled
    /// once), in order.
    fn merge(runs: &[Run]) -> std::io::Result<Run> {
        let mut readers: Vec<KeyReader> = runs.iter().map(KeyReader::new).collect();
        let mut heads: Vec<Option<u128>> = readers
            .iter_mut()
            .map(KeyReader::next)
            .collect::<std::io::Result<_>>()?;
        let merged = std::iter::from_fn(|| {
            let (i, k) = heads
                .iter()
                .enumerate()
                .filter_map(|(i, h)| h.map(|k| (i, k)))
                .min_by_key(|&(_, k)| k)?;
            Some(readers[i].next().map(|next| {
                heads[i] = next;
                k
            }))
        });
        Run::write(merged)
    }

    fn contains(&self, key: u128, block: &mut [u8]) -> std::io::Result<bool> {
        // The block whose first key is the last one ≤ key.
        let b = match self.index.partition_point(|&k| k <= key) {
            0 => return Ok(false),
            n => n - 1,
        };
        let n = STRIDE.min(self.len - b * STRIDE);
        let bytes = &mut block[..n * KEY_BYTES];
        read_at(&self.file, bytes, (b * STRIDE * KEY_BYTES) as u64)?;
        let keys = bytes
            .chunks_exact(KEY_BYTES)
            .map(|c| u128::from_le_bytes(c.try_into().expect("16 bytes")));
        Ok(keys.take_while(|&k| k <= key).any(|k| k == key))
    }
}

fn read_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
    }
    #[cfg(windows)]
    {
        let mut done = 0;
        while done < buf.len() {
            let n = std::os::windows::fs::FileExt::seek_read(
                file,
                &mut buf[done..],
                offset + done as u64,
            )?;
            if n == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            done += n;
        }
        Ok(())
    }
}

/// Reads a run's keys in order (from the start, whatever the file's
/// position).
struct KeyReader<'a> {
    reader: BufReader<PositionedFile<'a>>,
    left: usize,
}

impl<'a> KeyReader<'a> {
    fn new(run: &'a Run) -> KeyReader<'a> {
        KeyReader {
            reader: BufReader::with_capacity(1 << 16, PositionedFile(&run.file, 0)),
            left: run.len,
        }
    }

    fn next(&mut self) -> std::io::Result<Option<u128>> {
        if self.left == 0 {
            return Ok(None);
        }
        let mut b = [0u8; KEY_BYTES];
        self.reader.read_exact(&mut b)?;
        self.left -= 1;
        Ok(Some(u128::from_le_bytes(b)))
    }
}

/// A file read by offset, so several readers share it.
struct PositionedFile<'a>(&'a File, u64);

impl Read for PositionedFile<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        #[cfg(unix)]
        let n = std::os::unix::fs::FileExt::read_at(self.0, buf, self.1)?;
        #[cfg(windows)]
        let n = std::os::windows::fs::FileExt::seek_read(self.0, buf, self.1)?;
        self.1 += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests;
