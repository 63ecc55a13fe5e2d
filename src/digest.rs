//! Content hashes that tie a model to the exact data and actor list it was
//! built from.

use sha2::{Digest, Sha256};

/// Hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Hex SHA-256 of the file at `path`, as it is on disk: how a model file
/// is recognised whatever it is called.
pub fn sha256_file(path: &std::path::Path) -> crate::Result<String> {
    crate::input::read_bytes(path).map(|b| sha256_hex(&b))
}

/// A running SHA-256 over several pieces, e.g. every training example.
#[derive(Default)]
pub struct Hasher(Sha256);

impl Hasher {
    pub fn update(&mut self, bytes: &[u8]) {
        // Length-prefix each piece so ("ab","c") and ("a","bc") differ.
        self.0.update((bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
    }

    pub fn finish(self) -> String {
        self.0
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn known_digest() {
        assert_eq!(
            super::sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
