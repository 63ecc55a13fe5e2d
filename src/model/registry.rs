//! The model registry: every model kept, how it was made and scored, and
//! which one is the default (`models/registry.json`).
//!
//! Each kept model lives in its own file, `models/<name>.model`, and never
//! changes; `models/default.model` is a byte copy of the default one, so
//! every command that reads the default keeps working and a rollback is a
//! copy. Which model is the default is *derived* from the bytes (the entry
//! whose SHA-256 equals `default.model`'s), not only trusted from the JSON,
//! so a registry and a default file that disagree are caught, not believed.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::ModelData;
use super::train::TrainParams;
use crate::commit::Commit;
use crate::confine;
use crate::digest::{sha256_file, sha256_hex};
use crate::error::{Error, Location, Result, display_path};

pub const REGISTRY_FILE: &str = "registry.json";
pub const DEFAULT_FILE: &str = "default.model";

/// `models/registry.json`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Registry {
    /// Name of the default model.
    pub default: Option<String>,
    /// How `stance retrain` builds and judges candidates.
    #[serde(default)]
    pub retrain: RetrainConfig,
    pub models: Vec<Entry>,
}

/// Settings of the retraining loop, kept with the models so every retrain
/// is judged the same way until someone deliberately changes them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RetrainConfig {
    /// External labelled data trained on besides the label store (e.g.
    /// NewsMTSC lines); paths relative to the project folder, and confined
    /// to it (see [`RetrainConfig::external_paths`]).
    pub external_data: Vec<String>,
    /// Percentage of labelled *comments* held out for the comparison,
    /// chosen by a stable hash of the unit id, so a unit never moves
    /// between training and held-out as labels are added.
    pub holdout_percent: u32,
    /// Folds of the cross-validation over the training pool.
    pub cv_folds: usize,
    /// Bootstrap rounds for the intervals of the differences.
    pub bootstrap: usize,
    pub seed: u64,
    /// The agreed metric: a candidate is promoted only when it is not worse
    /// on the held-out split by this metric.
    pub metric: Metric,
}

impl RetrainConfig {
    /// The external data files, resolved against `root` (the project
    /// folder), each checked to stay inside it (`registry` is the file the
    /// list was read from, named in errors).
    pub fn external_paths(&self, root: &Path, registry: &Path) -> Result<Vec<PathBuf>> {
        self.external_data
            .iter()
            .map(|p| confine::resolve(root, p, registry, "retrain.external_data entry"))
            .collect()
    }
}

impl Default for RetrainConfig {
    fn default() -> Self {
        RetrainConfig {
            external_data: Vec::new(),
            holdout_percent: 50,
            cv_folds: 5,
            bootstrap: 1000,
            seed: 42,
            metric: Metric::MacroF1,
        }
    }
}

/// Stance metrics a promotion can be judged by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    MacroF1,
    FAvg,
    Accuracy,
}

impl Metric {
    pub fn as_str(self) -> &'static str {
        match self {
            Metric::MacroF1 => "macro_f1",
            Metric::FAvg => "f_avg",
            Metric::Accuracy => "accuracy",
        }
    }
}

/// One kept model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub name: String,
    /// File name inside the models directory (confined to it: see
    /// [`Registry::file_of`]).
    pub file: String,
    /// UTC, `YYYY-MM-DDTHH:MM:SSZ`.
    pub created: String,
    /// SHA-256 of the model file.
    pub sha256: String,
    pub data_digest: String,
    pub data_files: Vec<String>,
    pub n_stance: usize,
    pub n_sentiment: usize,
    pub settings: TrainParams,
    /// Whatever evaluation was run when the model was kept (held-out and
    /// cross-validation scores), as the JSON the commands print.
    pub metrics: serde_json::Value,
    /// Why it is (or is not) the default, e.g. the reason given with
    /// `--force`.
    #[serde(default)]
    pub note: Option<String>,
}

impl Registry {
    pub fn path(dir: &Path) -> PathBuf {
        dir.join(REGISTRY_FILE)
    }

    /// Reads the registry; a missing file is an empty registry.
    pub fn load(dir: &Path) -> Result<Registry> {
        let path = Registry::path(dir);
        if !path.exists() {
            return Ok(Registry::default());
        }
        Registry::parse(&crate::limits::read_config(&path)?, &path)
    }

    /// Parses registry JSON read from `path` (named in errors). People edit
    /// this file by hand, so a mistake is an error with its line, never a
    /// panic.
    /// Paths are checked by their text here, so a registry naming
    /// `/etc/shadow` or `../x` is refused before anything is opened.
    pub fn parse(bytes: &[u8], path: &Path) -> Result<Registry> {
        let registry: Registry = serde_json::from_slice(bytes).map_err(|e| {
            Error::invalid(
                Location::of_path(path, Some(e.line() as u64)),
                format!("not a model registry: {e}"),
            )
        })?;
        let dir = path.parent().unwrap_or(Path::new("."));
        for e in &registry.models {
            let what = format!("model {:?}: file", e.name);
            confine::check_lexical(path, &what, &e.file, dir)?;
        }
        for p in &registry.retrain.external_data {
            let what = "retrain.external_data entry";
            confine::check_lexical(path, what, p, Path::new("the project folder"))?;
        }
        Ok(registry)
    }

    /// Stages the registry file into `tx` (a commit of the models folder).
    pub fn stage(&self, tx: &mut Commit) -> Result<()> {
        let mut json = serde_json::to_vec_pretty(self).expect("registry serialises");
        json.push(b'\n');
        tx.stage(REGISTRY_FILE, json)
    }

    /// The path of `entry`'s model file in `dir`, refused if it would lead
    /// outside `dir` (a symbolic link out included).
    pub fn file_of(dir: &Path, entry: &Entry) -> Result<PathBuf> {
        let what = format!("model {:?}: file", entry.name);
        confine::resolve(dir, &entry.file, &Registry::path(dir), &what)
    }

    /// `file` as staged in `tx`, else as read from the models folder.
    fn read_staged(tx: &Commit, entry: &Entry, file: &str) -> Result<Option<Vec<u8>>> {
        if let Some(b) = tx.staged(file) {
            return Ok(Some(b.to_vec()));
        }
        let what = format!("model {:?}: file", entry.name);
        let path = confine::resolve(tx.dir(), file, &Registry::path(tx.dir()), &what)?;
        match std::fs::read(&path) {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io(&path, e)),
        }
    }

    pub fn get(&self, name: &str) -> Option<&Entry> {
        self.models.iter().find(|e| e.name == name)
    }

    /// The entry of the model file at `path` in the registry of its folder,
    /// matched by the file's SHA-256 (so `default.model` finds the model it
    /// is a copy of); `None` when the folder has no registry or the file is
    /// not kept in it.
    pub fn entry_of_file(path: &Path) -> Result<Option<Entry>> {
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
        let registry = Registry::load(dir.unwrap_or(Path::new(".")))?;
        if registry.models.is_empty() {
            return Ok(None);
        }
        let sha = sha256_file(path)?;
        Ok(registry.models.into_iter().find(|e| e.sha256 == sha))
    }

    /// The entry `default.model` is a copy of, if any; `None` also when the
    /// file is missing.
    pub fn actual_default(&self, dir: &Path) -> Result<Option<&Entry>> {
        let path = dir.join(DEFAULT_FILE);
        if !path.exists() {
            return Ok(None);
        }
        let sha = sha256_file(&path)?;
        Ok(self.by_sha256(&sha))
    }

    /// The kept model whose file has this SHA-256: a model file is named by
    /// its bytes, whatever it is called on disk.
    pub fn by_sha256(&self, sha: &str) -> Option<&Entry> {
        self.models.iter().find(|e| e.sha256 == sha)
    }

    /// Stages `bytes` (the encoding of `model`) as `<name>.model` and its
    /// metadata as `<name>.meta.json` (what `stance train` writes beside a
    /// model) into `tx`, and adds its entry. Refuses a name already kept:
    /// kept models are immutable.
    #[allow(clippy::too_many_arguments)]
    pub fn keep(
        &mut self,
        tx: &mut Commit,
        name: &str,
        bytes: &[u8],
        model: &ModelData,
        metrics: serde_json::Value,
        created: String,
        note: Option<String>,
    ) -> Result<()> {
        check_name(name)?;
        if self.get(name).is_some() {
            return Err(Error::Param(format!(
                "a model named `{name}` is already kept in {}",
                display_path(&Registry::path(tx.dir()))
            )));
        }
        let file = format!("{name}.model");
        tx.stage(&file, bytes.to_vec())?;
        let meta = &model.meta;
        let json = serde_json::to_vec_pretty(meta).expect("meta serialises");
        tx.stage(&meta_name(&file), json)?;
        self.models.push(Entry {
            name: name.to_string(),
            file,
            created,
            sha256: sha256_hex(bytes),
            data_digest: meta.data_digest.clone(),
            data_files: meta.data_files.clone(),
            n_stance: meta.n_stance,
            n_sentiment: meta.n_sentiment,
            settings: meta.params.clone(),
            metrics,
            note,
        });
        Ok(())
    }

    /// Keeps a model file that exists already (`model` is its content),
    /// with the validation metrics its training stored; if it is the model
    /// `default.model` holds, it is recorded as the default.
    pub fn keep_file(
        &mut self,
        tx: &mut Commit,
        name: &str,
        file: &Path,
        model: &ModelData,
        note: Option<String>,
    ) -> Result<()> {
        let bytes = crate::input::read_bytes(file)?;
        let dir = tx.dir().to_path_buf();
        let metrics = super::provenance::metrics_without_record(&model.meta);
        self.keep(tx, name, &bytes, model, metrics, now_utc(), note)?;
        if self.actual_default(&dir)?.is_some_and(|e| e.name == name) {
            self.default = Some(name.to_string());
        }
        Ok(())
    }

    /// Makes `name` the default: checks its file (as staged in `tx`, or
    /// kept in the folder) is intact, stages it over `default.model` and its
    /// metadata over `default.meta.json`, and records the choice. The
    /// caller stages the registry and runs the commit, so the default model
    /// and the registry change together.
    pub fn use_model(&mut self, tx: &mut Commit, name: &str) -> Result<()> {
        let dir = tx.dir().to_path_buf();
        let dir = dir.as_path();
        let entry = self.get(name).ok_or_else(|| {
            let known: Vec<&str> = self.models.iter().map(|e| e.name.as_str()).collect();
            Error::Param(format!(
                "no model named `{name}` in {} (kept: {})",
                display_path(&Registry::path(dir)),
                if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                }
            ))
        })?;
        let path = Registry::file_of(dir, entry)?;
        let bytes = Registry::read_staged(tx, entry, &entry.file)?
            .ok_or_else(|| Error::io(&path, std::io::ErrorKind::NotFound.into()))?;
        if sha256_hex(&bytes) != entry.sha256 {
            return Err(Error::invalid(
                Location::of_path(&path, None),
                "model file does not match its registry checksum; not used",
            ));
        }
        super::file::decode(&bytes).map_err(|e| {
            Error::invalid(
                Location::of_path(&path, None),
                format!("unusable model: {e:?}"),
            )
        })?;
        let meta = Registry::read_staged(tx, entry, &meta_name(&entry.file))?;
        tx.stage(DEFAULT_FILE, bytes)?;
        if let Some(m) = meta {
            tx.stage(&meta_name(DEFAULT_FILE), m)?;
        }
        self.default = Some(name.to_string());
        Ok(())
    }
}

/// `x.model` → `x.meta.json`, the metadata `stance train` writes beside a
/// model.
fn meta_name(model_file: &str) -> String {
    Path::new(model_file)
        .with_extension("meta.json")
        .to_string_lossy()
        .into_owned()
}

/// Names become file names: keep them to a safe alphabet.
fn check_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name != "default"
        && name.len() <= 80
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !name.starts_with('.');
    if ok {
        Ok(())
    } else {
        Err(Error::Param(format!(
            "model name `{name}` must be 1–80 of A–Z a–z 0–9 - _ . (not `default`)"
        )))
    }
}

/// Now in UTC as `YYYY-MM-DDTHH:MM:SSZ` (no time-zone crate needed).
pub fn now_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    utc_from_unix(secs)
}

/// Howard Hinnant's `civil_from_days`.
fn utc_from_unix(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    /// Registry metrics survive any number of load/save cycles exactly
    /// (issue 12, row 10: without serde_json's `float_roundtrip`, values
    /// drifted by an ulp per cycle).
    #[test]
    fn metric_floats_round_trip_exactly() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let v = (x >> 11) as f64 / (1u64 << 53) as f64;
            let json = serde_json::json!({ "f_avg": v }).to_string();
            let back: serde_json::Value = serde_json::from_str(&json).unwrap();
            assert_eq!(
                back["f_avg"].as_f64().unwrap().to_bits(),
                v.to_bits(),
                "{json}"
            );
        }
    }

    use super::*;

    #[test]
    fn utc_dates() {
        assert_eq!(utc_from_unix(0), "1970-01-01T00:00:00Z");
        assert_eq!(utc_from_unix(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(utc_from_unix(1_795_519_845), "2026-11-24T11:30:45Z");
    }

    #[test]
    fn names_are_safe_file_names() {
        assert!(check_name("2026-11-24-ab12cd34").is_ok());
        for bad in ["", "default", "../x", "a/b", ".hidden", "a b"] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_bytes_parse_or_fail_with_the_file_named(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..400)) {
            if let Err(e) = Registry::parse(&bytes, Path::new("m/registry.json")) {
                proptest::prop_assert!(e.to_string().contains("m/registry.json"));
            }
        }

        #[test]
        fn saved_registries_read_back(names in proptest::collection::vec("[a-z0-9]{1,12}", 0..4)) {
            let r = Registry {
                default: names.first().cloned(),
                retrain: RetrainConfig {
                    external_data: names.clone(),
                    ..RetrainConfig::default()
                },
                models: Vec::new(),
            };
            let json = serde_json::to_vec_pretty(&r).unwrap();
            proptest::prop_assert_eq!(Registry::parse(&json, Path::new("r.json")).unwrap(), r);
        }
    }

    #[test]
    fn a_missing_registry_is_empty_and_a_broken_one_names_its_line() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Registry::load(dir.path()).unwrap(), Registry::default());
        std::fs::write(dir.path().join(REGISTRY_FILE), "{\n \"models\": 3\n}").unwrap();
        let e = Registry::load(dir.path()).unwrap_err().to_string();
        assert!(e.contains("registry.json:2"), "{e}");
    }
}
