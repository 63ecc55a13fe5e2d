//! The model and the actors file a command uses, said once on stderr (stdout
//! is data). A model scores the actors of the actors file in use, not only
//! the ones it was trained with, so an actor added to the file is scored
//! (zero-shot) instead of dropped from every output in silence.

use std::fmt::Display;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

use stance::Result;
use stance::model::StanceModel;
use stance::project::{ActorsSource, ModelSource};

use crate::{project_ctx, store_ctx};

static SAID: AtomicBool = AtomicBool::new(false);

/// One stderr line naming the model (when the command uses one) and the
/// actors file in use; later calls say nothing.
pub fn say_in_use(model: Option<&ModelSource>, actors: &ActorsSource) {
    if SAID.swap(true, Ordering::Relaxed) {
        return;
    }
    match model {
        Some(m) => eprintln!("using model {m}, actors {actors}"),
        None => eprintln!("using actors {actors}"),
    }
}

/// The model and actors file a scoring command uses.
pub struct InUse {
    pub model: ModelSource,
    pub actors: ActorsSource,
}

impl InUse {
    /// From the flags, else the project, else the built-in ones.
    pub fn resolve(model: Option<&PathBuf>, actors: Option<&PathBuf>) -> InUse {
        InUse {
            model: project_ctx::model(model),
            actors: project_ctx::actors(actors),
        }
    }

    /// The files read (for `refuse_overwrite`).
    pub fn files(&self) -> Vec<PathBuf> {
        let model = self.model.path().map(PathBuf::from);
        let actors = self.actors.path().map(PathBuf::from);
        model.into_iter().chain(actors).collect()
    }

    /// Says what is in use, then loads the model (its folder recovered
    /// first) scoring the actors of the actors file, naming on stderr the
    /// actors it was not trained on.
    pub fn load(&self) -> Result<StanceModel> {
        say_in_use(Some(&self.model), &self.actors);
        if let Some(p) = self.model.path() {
            store_ctx::recover_parent(p)?;
        }
        let model = self.model.load()?.with_actors(self.actors.set()?);
        note_zero_shot(&model.zero_shot_codes(), &self.actors);
        Ok(model)
    }
}

/// One stderr line naming the zero-shot actors, if any.
pub fn note_zero_shot<S: AsRef<str>>(codes: &[S], actors: &dyn Display) {
    if !codes.is_empty() {
        let codes: Vec<&str> = codes.iter().map(AsRef::as_ref).collect();
        eprintln!(
            "note: zero-shot actors (in {actors} but in none of the model's training labels; \
             scored by the shared head, see models/README.md): {}",
            codes.join(", ")
        );
    }
}
