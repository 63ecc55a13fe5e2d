//! The model file: magic, format version, payload length, postcard payload,
//! SHA-256 of the payload. The version is read before anything else, so a
//! file from another version is a clear error, not a decoding failure; the
//! checksum catches truncation and corruption. [`load`] checks the header
//! (magic, version, declared length against the file's size and
//! [`MAX_MODEL_BYTES`]) before it reads the body, so a 2 GB file or
//! `/dev/zero` given as `--model` is refused at once, not read whole.

use std::io::{Read, Write};
use std::path::Path;

use super::ModelData;
use crate::digest::sha256_hex;
use crate::error::{Error, Location, Result, display_path};
use crate::outfile::{AtomicFile, commit_with_companion};

const MAGIC: &[u8; 8] = b"STANCEM\0";
/// Bump whenever [`ModelData`] changes shape, or the features a stored
/// setting stands for change meaning (4: the lexicon's litotes rule and
/// clause-aware context, `features::clauses`; 5: per-target temperatures,
/// `Calibration::per_target`), so an old model is refused rather than
/// scored with features it was not trained on, or mis-decoded.
pub const FORMAT_VERSION: u32 = 5;
/// Magic, version and payload length.
const HEADER: usize = 20;
/// The SHA-256 after the payload.
const TRAILER: usize = 32;
/// The largest model file read: shipped models are about 2 MB; a
/// thousandfold vocabulary still fits, a file that would exhaust memory
/// does not.
pub const MAX_MODEL_BYTES: u64 = 1 << 30;

pub fn encode(model: &ModelData) -> Result<Vec<u8>> {
    let payload = postcard::to_allocvec(model)
        .map_err(|e| Error::Model(format!("cannot encode the model: {e}")))?;
    let mut out = Vec::with_capacity(payload.len() + 52);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(&payload);
    out.extend_from_slice(&hex_to_bytes(&sha256_hex(&payload)));
    Ok(out)
}

/// Writes the model to `path` (atomically: whole or not at all).
pub fn save(model: &ModelData, path: &Path) -> Result<()> {
    written(model, path)?.commit()
}

fn written(model: &ModelData, path: &Path) -> Result<AtomicFile> {
    let mut file = AtomicFile::create(path)?;
    file.write_all(&encode(model)?)
        .map_err(|e| Error::io(path, e))?;
    Ok(file)
}

/// Writes the model to `path` and its readable meta data to `meta_path`
/// so that the two cannot disagree: both are written before either is
/// renamed, and the meta file is replaced last (see
/// [`commit_with_companion`]).
pub fn save_with_meta(model: &ModelData, path: &Path, meta_path: &Path) -> Result<()> {
    let file = written(model, path)?;
    let mut meta = AtomicFile::create(meta_path)?;
    serde_json::to_writer_pretty(&mut meta, &model.meta)
        .map_err(|e| Error::io(meta_path, e.into()))?;
    commit_with_companion(file, meta)
}

pub fn load(path: &Path) -> Result<ModelData> {
    from_bytes(&read(path)?, path)
}

/// A model file's bytes already in memory (one embedded in a program, as
/// the Python package embeds the default), checked as [`load`] checks a
/// file; errors name `origin`.
pub fn from_bytes(bytes: &[u8], origin: &Path) -> Result<ModelData> {
    decode(bytes).map_err(|e| error(origin, e))
}

fn error(path: &Path, e: Decode) -> Error {
    match e {
        Decode::Version(found) => Error::ModelVersion {
            path: display_path(path),
            found,
            expected: FORMAT_VERSION,
        },
        Decode::Invalid(msg) => Error::invalid(Location::of_path(path, None), msg),
    }
}

/// The file's bytes, read only once its header holds up: memory is
/// bounded by [`MAX_MODEL_BYTES`] whatever the file is. (Their checksum is
/// checked by [`from_bytes`].)
pub fn read(path: &Path) -> Result<Vec<u8>> {
    let io = |e| Error::io(path, e);
    let mut f = std::fs::File::open(path).map_err(io)?;
    let mut head = [0u8; HEADER];
    let mut got = 0;
    while got < HEADER {
        match f.read(&mut head[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(io(e)),
        }
    }
    let len = payload_len(&head[..got]).map_err(|e| error(path, e))?;
    let total = (len as u64).saturating_add((HEADER + TRAILER) as u64);
    let invalid = |m: String| Error::invalid(Location::of_path(path, None), m);
    if total > MAX_MODEL_BYTES {
        return Err(invalid(format!(
            "the model file declares {total} bytes, more than the {MAX_MODEL_BYTES} a model may have"
        )));
    }
    let meta = f.metadata().map_err(io)?;
    if meta.is_file() && meta.len() != total {
        return Err(invalid(format!(
            "model file is truncated or has trailing bytes (its header declares {total} bytes, \
             the file has {})",
            meta.len()
        )));
    }
    let mut bytes = Vec::with_capacity(total as usize);
    bytes.extend_from_slice(&head);
    // One byte more than declared, so trailing bytes of a pipe show.
    f.take(total - HEADER as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    Ok(bytes)
}

#[derive(Debug)]
pub enum Decode {
    Version(u32),
    Invalid(String),
}

/// The payload length a header declares, once magic and version check
/// out.
fn payload_len(bytes: &[u8]) -> std::result::Result<usize, Decode> {
    if bytes.len() < HEADER || &bytes[..8] != MAGIC {
        return Err(Decode::Invalid(
            "not a stance model file (bad magic bytes)".into(),
        ));
    }
    let version = u32::from_le_bytes(bytes[8..12].try_into().expect("4 bytes"));
    if version != FORMAT_VERSION {
        return Err(Decode::Version(version));
    }
    let len = u64::from_le_bytes(bytes[12..HEADER].try_into().expect("8 bytes"));
    Ok(usize::try_from(len).unwrap_or(usize::MAX))
}

pub fn decode(bytes: &[u8]) -> std::result::Result<ModelData, Decode> {
    let bad = |m: &str| Decode::Invalid(m.to_string());
    let len = payload_len(bytes)?;
    let body = &bytes[HEADER..];
    if body.len() != len.saturating_add(TRAILER) {
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
