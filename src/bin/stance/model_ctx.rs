//! Which actors a model scores: those of the actors file in use, not only
//! the ones it was trained with, so an actor added to the file is scored
//! (zero-shot) instead of dropped from every output in silence.

use std::path::{Path, PathBuf};

use stance::Result;
use stance::actors::ActorSet;
use stance::model::StanceModel;

use crate::project_ctx;

/// The actors file in use: `--actors`, else the project's (or
/// `labels/actors.toml` here) when it exists; `None` means the model's own.
pub fn actors_in_use(flag: Option<&PathBuf>) -> Option<PathBuf> {
    let path = project_ctx::actors(flag);
    (flag.is_some() || path.exists()).then_some(path)
}

/// `model` scoring the actors of the file in use, saying on stderr which
/// of them it was not trained on.
pub fn with_actors_in_use(model: StanceModel, flag: Option<&PathBuf>) -> Result<StanceModel> {
    let Some(path) = actors_in_use(flag) else {
        return Ok(model);
    };
    let model = model.with_actors(ActorSet::from_file(&path)?);
    note_zero_shot(&model, &path);
    Ok(model)
}

/// One stderr line naming the zero-shot actors, if any.
pub fn note_zero_shot(model: &StanceModel, path: &Path) {
    let codes = model.zero_shot_codes();
    if !codes.is_empty() {
        eprintln!(
            "note: zero-shot actors (in {} but in none of the model's training labels; \
             scored by the shared head, see models/README.md): {}",
            path.display(),
            codes.join(", ")
        );
    }
}
