//! Options shared by the commands that read labelled data.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use stance::actors::ActorSet;
use stance::corpus::UnitKind;
use stance::dataset::{Dataset, LoadRequest};
use stance::error::{Error, Result};
use stance::labels::splits::Split;

use crate::project_ctx;

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    Paragraph,
    Comment,
    All,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SplitArg {
    Train,
    Eval,
    All,
}

#[derive(Args)]
pub struct DataArgs {
    /// Labelled data: label CSVs (or folders of them), stance JSON lines
    /// ({text, target, label}) or NewsMTSC lines; format told by the fields
    /// [default: the project's label store].
    #[arg(long, num_args = 1..)]
    pub data: Vec<PathBuf>,
    /// Units that label CSVs refer to (the output of `stance ingest`);
    /// default: ingest --corpus.
    #[arg(long)]
    pub units: Option<PathBuf>,
    /// Pages or unit files to ingest for label CSVs when --units is not
    /// given [default: the project's corpora, or seeds].
    #[arg(long, num_args = 1..)]
    pub corpus: Vec<String>,
    /// The actors file [default: the project's, else the one built into
    /// stance].
    #[arg(long)]
    pub actors: Option<PathBuf>,
    /// Which labelled units of label CSVs to use, by the recorded split
    /// (stance.toml's splits file; without one, comments are eval and the
    /// rest train) [default: train for train and --cv, eval for eval].
    #[arg(long, value_enum)]
    pub split: Option<SplitArg>,
    /// Only units of this kind (on top of --split).
    #[arg(long, value_enum)]
    pub kind: Option<KindArg>,
    /// More training data under a source name, NAME=PATH (repeatable; one
    /// name may take several paths). Source examples are weighted and
    /// augmented by name (see --source-weight, --augment) and, with --cv,
    /// train every fold and are never held out.
    #[arg(long = "source", value_parser = parse_source)]
    pub sources: Vec<(String, PathBuf)>,
}

fn parse_source(s: &str) -> std::result::Result<(String, PathBuf), String> {
    let (name, path) = s
        .split_once('=')
        .ok_or("expected NAME=PATH, e.g. ruw=../shared/data/ruw/train.jsonl")?;
    let name = name.trim();
    if name.is_empty() || name == "labels" || name == "data" {
        return Err(format!(
            "source name {name:?} is empty or reserved (labels, data)"
        ));
    }
    Ok((name.to_string(), PathBuf::from(path)))
}

impl DataArgs {
    /// The actors file in use, when it is a file (not the built-in one).
    pub fn actors_path(&self) -> Option<PathBuf> {
        project_ctx::actors(self.actors.as_ref())
            .path()
            .map(PathBuf::from)
    }

    /// The actors in use and their file's text, said on stderr. Data that
    /// names its own targets needs no actors file on disk: the built-in
    /// one is used, as in the checkout.
    pub fn actors(&self) -> Result<(ActorSet, String)> {
        let source = project_ctx::actors(self.actors.as_ref());
        crate::model_ctx::say_in_use(None, &source);
        source.load()
    }

    /// The inputs: --data, or the project's label store.
    pub fn inputs(&self) -> Result<Vec<PathBuf>> {
        if !self.data.is_empty() {
            return Ok(self.data.clone());
        }
        match project_ctx::project() {
            Some(p) => Ok(vec![p.labels.clone()]),
            None => Err(Error::Param(
                "give --data (no stance.toml here names a label store)".into(),
            )),
        }
    }

    /// The names of the --source sources.
    pub fn source_names(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for (n, _) in &self.sources {
            if !out.contains(n) {
                out.push(n.clone());
            }
        }
        out
    }

    /// Reads the data; rejected rows are listed on stderr (label rows
    /// checked as `labels check` checks them). With `strict`, any
    /// rejection is an error.
    pub fn load(&self, default_split: Split, strict: bool) -> Result<Dataset> {
        let inputs = self.inputs()?;
        let kinds = match self.kind {
            Some(KindArg::Paragraph) => vec![UnitKind::Paragraph, UnitKind::Title],
            Some(KindArg::Comment) => vec![UnitKind::Comment],
            Some(KindArg::All) | None => vec![],
        };
        let split = match self.split {
            Some(SplitArg::Train) => Some(Split::Train),
            Some(SplitArg::Eval) => Some(Split::Eval),
            Some(SplitArg::All) => None,
            None => Some(default_split),
        };
        crate::store_ctx::recover_all(&inputs)?;
        let loaded = stance::dataset::load(
            project_ctx::project(),
            &LoadRequest {
                inputs: inputs.clone(),
                sources: self.sources.clone(),
                corpus: self.corpus.clone(),
                units_file: self.units.clone(),
                actors: self.actors.clone(),
                kinds,
                split,
            },
        )?;
        let (data, units, needs_units) = (loaded.data, loaded.units, loaded.needs_units);
        if needs_units {
            project_ctx::say_units(&units);
        }
        for r in &data.rejected {
            eprintln!("rejected: {r}");
        }
        project_ctx::note_set_aside(data.set_aside, &units);
        if needs_units {
            eprintln!(
                "data: label CSVs: {} split; {}",
                split.map_or("every", Split::as_str),
                loaded.splits.describe()
            );
        }
        eprintln!(
            "data: read {} rows, {} stance examples, {} sentiment examples, rejected {}",
            data.read,
            data.stance.len(),
            data.sentiment.len(),
            data.rejected.len()
        );
        if strict && !data.rejected.is_empty() {
            return Err(Error::Many(data.rejected));
        }
        if data.stance.is_empty() && data.sentiment.is_empty() {
            return Err(Error::NoData(format!(
                "no examples in {} (rejected rows are listed above)",
                inputs
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        Ok(data)
    }
}
