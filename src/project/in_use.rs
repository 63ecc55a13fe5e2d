//! The model and the actors file a command works with when its flags do not
//! name them: the project's, else the ones built into the binary. One rule
//! for every command, so `stance score` in a project, in a checkout or in
//! `/tmp` differs only by what the project holds, and the commands say
//! which they use.

use std::borrow::Cow;
use std::fmt;
use std::path::{Path, PathBuf};

use super::Project;
use crate::actors::{ActorSet, EMBEDDED_ORIGIN, EMBEDDED_TOML};
use crate::error::{Error, Location, Result, display_path};
use crate::model::{ModelData, StanceModel, embedded, file};

/// Where the model comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelSource {
    File(PathBuf),
    /// [`crate::model::embedded`].
    Embedded,
}

impl ModelSource {
    /// `--model` when given, else the project's `models/default.model`
    /// when it has one, else the built-in model.
    pub fn resolve(flag: Option<&Path>, project: Option<&Project>) -> ModelSource {
        match flag {
            Some(p) => ModelSource::File(p.to_path_buf()),
            None => project
                .and_then(Project::default_model)
                .map_or(ModelSource::Embedded, ModelSource::File),
        }
    }

    pub fn path(&self) -> Option<&Path> {
        match self {
            ModelSource::File(p) => Some(p),
            ModelSource::Embedded => None,
        }
    }

    /// The model file's bytes (the built-in ones borrowed).
    pub fn bytes(&self) -> Result<Cow<'static, [u8]>> {
        match self {
            ModelSource::File(p) => file::read(p).map(Cow::Owned),
            ModelSource::Embedded => Ok(Cow::Borrowed(embedded::BYTES)),
        }
    }

    /// The model's data, checked as [`file::load`] checks a file.
    pub fn data(&self) -> Result<ModelData> {
        match self {
            ModelSource::File(p) => file::load(p),
            ModelSource::Embedded => embedded::data(),
        }
    }

    /// The model, ready to score.
    pub fn load(&self) -> Result<StanceModel> {
        match self {
            ModelSource::File(p) => StanceModel::load(p),
            ModelSource::Embedded => embedded::model(),
        }
    }
}

impl fmt::Display for ModelSource {
    /// The path, or `embedded <registry name> (built in)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModelSource::File(p) => write!(f, "{}", p.display()),
            ModelSource::Embedded => write!(
                f,
                "embedded {} (built in)",
                embedded::name().unwrap_or("models/default.model")
            ),
        }
    }
}

/// Where the actors file comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActorsSource {
    File(PathBuf),
    /// [`crate::actors::EMBEDDED_TOML`].
    Embedded,
}

impl ActorsSource {
    /// `--actors` when given, else the project's actors file (one its
    /// `stance.toml` names must exist; the default `labels/actors.toml`
    /// may be absent), else the built-in file.
    pub fn resolve(flag: Option<&Path>, project: Option<&Project>) -> ActorsSource {
        if let Some(p) = flag {
            return ActorsSource::File(p.to_path_buf());
        }
        match project {
            Some(p) if p.actors_declared || p.actors.is_file() => {
                ActorsSource::File(p.actors.clone())
            }
            _ => ActorsSource::Embedded,
        }
    }

    pub fn path(&self) -> Option<&Path> {
        match self {
            ActorsSource::File(p) => Some(p),
            ActorsSource::Embedded => None,
        }
    }

    /// The actors and the file's text (models store the text).
    pub fn load(&self) -> Result<(ActorSet, String)> {
        let (text, origin) = match self {
            ActorsSource::File(p) => {
                let bytes = crate::limits::read_config(p)?;
                let text = String::from_utf8(bytes).map_err(|e| {
                    Error::invalid(
                        Location::of_path(p, None),
                        format!("invalid UTF-8 at byte {}", e.utf8_error().valid_up_to()),
                    )
                })?;
                (text, display_path(p))
            }
            ActorsSource::Embedded => (EMBEDDED_TOML.to_string(), EMBEDDED_ORIGIN.to_string()),
        };
        let set = ActorSet::from_toml(&text)
            .map_err(|(line, msg)| Error::invalid(Location::new(origin, line), msg))?;
        Ok((set, text))
    }

    /// The actors alone.
    pub fn set(&self) -> Result<ActorSet> {
        self.load().map(|(set, _)| set)
    }
}

impl fmt::Display for ActorsSource {
    /// The path, or `embedded labels/actors.toml (built in)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ActorsSource::File(p) => write!(f, "{}", p.display()),
            ActorsSource::Embedded => write!(f, "embedded labels/actors.toml (built in)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn flags_win_then_the_project_then_the_built_in_files() {
        let dir = tempfile::tempdir().unwrap();
        let p = Project::implicit(dir.path());
        let flag = Path::new("m.model");
        assert_eq!(
            ModelSource::resolve(Some(flag), Some(&p)),
            ModelSource::File(flag.into())
        );
        assert_eq!(ModelSource::resolve(None, Some(&p)), ModelSource::Embedded);
        assert_eq!(ModelSource::resolve(None, None), ModelSource::Embedded);
        fs::create_dir_all(p.models_dir()).unwrap();
        fs::write(p.models_dir().join("default.model"), b"").unwrap();
        assert_eq!(
            ModelSource::resolve(None, Some(&p)),
            ModelSource::File(dir.path().join("models/default.model"))
        );

        // No labels/actors.toml in the folder: the built-in file.
        assert_eq!(
            ActorsSource::resolve(None, Some(&p)),
            ActorsSource::Embedded
        );
        fs::create_dir_all(dir.path().join("labels")).unwrap();
        fs::write(&p.actors, EMBEDDED_TOML).unwrap();
        assert_eq!(
            ActorsSource::resolve(None, Some(&p)),
            ActorsSource::File(p.actors.clone())
        );
        assert_eq!(
            ActorsSource::resolve(Some(Path::new("a.toml")), Some(&p)),
            ActorsSource::File("a.toml".into())
        );
    }

    #[test]
    fn an_actors_file_the_project_names_must_exist() {
        let file = Path::new("/x/stance.toml");
        let p = Project::parse(file, "actors = \"mine.toml\"\n").unwrap();
        let source = ActorsSource::resolve(None, Some(&p));
        assert_eq!(source, ActorsSource::File("/x/mine.toml".into()));
        let e = source.load().unwrap_err().to_string();
        assert!(e.contains("/x/mine.toml"), "{e}");
        let p = Project::parse(file, "").unwrap();
        assert_eq!(
            ActorsSource::resolve(None, Some(&p)),
            ActorsSource::Embedded
        );
    }

    #[test]
    fn the_built_in_sources_load_and_say_so() {
        let (set, text) = ActorsSource::Embedded.load().unwrap();
        assert_eq!(text, EMBEDDED_TOML);
        assert!(set.codes().any(|c| c == "IND"));
        assert!(ModelSource::Embedded.to_string().starts_with("embedded "));
        assert!(ModelSource::Embedded.to_string().ends_with(" (built in)"));
        assert_eq!(ModelSource::Embedded.bytes().unwrap(), embedded::BYTES);
    }
}
