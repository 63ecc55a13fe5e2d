//! The default model built into the binary: `models/default.model` as the
//! build found it, with the registry that names it. A `stance` installed
//! with `cargo install --path .` then scores from any folder, with no file
//! beside it; a project's own `models/default.model` (or `--model`) still
//! wins (see [`crate::project::ModelSource`]).

use std::path::Path;
use std::sync::OnceLock;

use super::registry::{Entry, Registry};
use super::{ModelData, StanceModel, file};
use crate::digest::sha256_hex;
use crate::error::Result;

/// The model file's bytes.
pub const BYTES: &[u8] = include_bytes!("../../models/default.model");

/// The registry the model was kept in, for its name.
const REGISTRY: &[u8] = include_bytes!("../../models/registry.json");

/// How errors and messages name the built-in model.
pub const ORIGIN: &str = "<built-in models/default.model>";

/// The built-in model, ready to score.
pub fn model() -> Result<StanceModel> {
    StanceModel::from_bytes(BYTES, Path::new(ORIGIN))
}

/// The built-in model's data (settings, metadata, weights).
pub fn data() -> Result<ModelData> {
    file::from_bytes(BYTES, Path::new(ORIGIN))
}

/// SHA-256 of [`BYTES`], as the registry records model files.
pub fn sha256() -> &'static str {
    static SHA: OnceLock<String> = OnceLock::new();
    SHA.get_or_init(|| sha256_hex(BYTES))
}

/// The registry entry of the built-in model: the one whose file has its
/// bytes, so it is derived, not trusted from the registry's `default`
/// field. `None` when no entry matches.
pub fn entry() -> Option<&'static Entry> {
    static ENTRY: OnceLock<Option<Entry>> = OnceLock::new();
    ENTRY
        .get_or_init(|| {
            let registry = Registry::parse(REGISTRY, Path::new("<built-in models/registry.json>"));
            registry.ok()?.by_sha256(sha256()).cloned()
        })
        .as_ref()
}

/// The registry name of the built-in model (see [`entry`]).
pub fn name() -> Option<&'static str> {
    entry().map(|e| e.name.as_str())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_built_in_model_loads_and_is_named_by_the_registry() {
        let model = super::model().unwrap();
        assert!(model.stance_labels().is_some());
        let registry: serde_json::Value =
            serde_json::from_slice(super::REGISTRY).expect("registry JSON");
        assert_eq!(super::name(), registry["default"].as_str());
    }
}
