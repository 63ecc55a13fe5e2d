//! The model file: magic, format version, payload length, postcard payload,
//! SHA-256 of the payload. The version is read before anything else, so a
//! file from another version is a clear error, not a decoding failure; the
//! checksum catches truncation and corruption.

use std::path::Path;

use super::ModelData;
use crate::digest::sha256_hex;
use crate::error::{Error, Location, Result, display_path, read_file, write_atomic};

const MAGIC: &[u8; 8] = b"STANCEM\0";
/// Bump whenever [`ModelData`] changes shape, or the features a stored
/// setting stands for change meaning (4: the lexicon's litotes rule and
/// clause-aware context, `features::clauses`), so an old model is refused
/// rather than scored with features it was not trained on.
pub const FORMAT_VERSION: u32 = 4;

pub fn encode(model: &ModelData) -> Result<Vec<u8>> {
    let payload = postcard::to_allocvec(model)
        .map_err(|e| Error::Param(format!("cannot encode model: {e}")))?;
    let mut out = Vec::with_capacity(payload.len() + 52);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(&payload);
    out.extend_from_slice(&hex_to_bytes(&sha256_hex(&payload)));
    Ok(out)
}

pub fn save(model: &ModelData, path: &Path) -> Result<()> {
    write_atomic(path, &encode(model)?)
}

pub fn load(path: &Path) -> Result<ModelData> {
    let bytes = read_file(path)?;
    decode(&bytes).map_err(|e| match e {
        Decode::Version(found) => Error::ModelVersion {
            path: display_path(path),
            found,
            expected: FORMAT_VERSION,
        },
        Decode::Invalid(msg) => Error::invalid(Location::of_path(path, None), msg),
    })
}

#[derive(Debug)]
pub enum Decode {
    Version(u32),
    Invalid(String),
}

pub fn decode(bytes: &[u8]) -> std::result::Result<ModelData, Decode> {
    let bad = |m: &str| Decode::Invalid(m.to_string());
    if bytes.len() < 20 || &bytes[..8] != MAGIC {
        return Err(bad("not a stance model file (bad magic bytes)"));
    }
    let version = u32::from_le_bytes(bytes[8..12].try_into().expect("4 bytes"));
    if version != FORMAT_VERSION {
        return Err(Decode::Version(version));
    }
    let len = u64::from_le_bytes(bytes[12..20].try_into().expect("8 bytes")) as usize;
    let body = &bytes[20..];
    if body.len() != len.saturating_add(32) {
        return Err(bad("model file is truncated or has trailing bytes"));
    }
    let (payload, sum) = body.split_at(len);
    if hex_to_bytes(&sha256_hex(payload)) != sum {
        return Err(bad("model file is corrupt (checksum mismatch)"));
    }
    postcard::from_bytes(payload).map_err(|e| Decode::Invalid(format!("cannot decode model: {e}")))
}

fn hex_to_bytes(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex digest"))
        .collect()
}
