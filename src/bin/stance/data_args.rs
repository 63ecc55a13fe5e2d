//! Options shared by the commands that read labelled data.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use stance::actors::ActorSet;
use stance::corpus::UnitKind;
use stance::dataset::{DataOptions, Dataset, read_data};
use stance::error::{Error, Result, read_file};

use crate::cmd_labels::load_corpus;

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    Paragraph,
    Comment,
    All,
}

#[derive(Args)]
pub struct DataArgs {
    /// Labelled data: label CSVs (or folders of them), stance JSON lines
    /// ({text, target, label}) or NewsMTSC lines; format told by the fields.
    #[arg(long, required = true, num_args = 1..)]
    pub data: Vec<PathBuf>,
    /// Units that label CSVs refer to (the output of `stance ingest`);
    /// default: ingest --corpus.
    #[arg(long)]
    pub units: Option<PathBuf>,
    /// Pages or unit files to ingest for label CSVs when --units is not given.
    #[arg(long, default_value = "seeds")]
    pub corpus: Vec<String>,
    /// The actors file.
    #[arg(long, default_value = "labels/actors.toml")]
    pub actors: PathBuf,
    /// Which units of label CSVs to use [default: paragraph for train (the
    /// training split), comment for eval (the evaluation split)].
    #[arg(long, value_enum)]
    pub kind: Option<KindArg>,
}

impl DataArgs {
    pub fn actors(&self) -> Result<(ActorSet, String)> {
        let set = ActorSet::from_file(&self.actors)?;
        let text = String::from_utf8(read_file(&self.actors)?).expect("checked by from_file");
        Ok((set, text))
    }

    /// Reads the data; rejected rows are listed on stderr. With `strict`,
    /// any rejection is an error.
    pub fn load(&self, default_kind: KindArg, strict: bool) -> Result<Dataset> {
        let needs_units = self
            .data
            .iter()
            .any(|p| p.is_dir() || p.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")));
        let units = match (&self.units, needs_units) {
            (_, false) => Vec::new(),
            (Some(u), true) => load_corpus(&[u.display().to_string()]),
            (None, true) => load_corpus(&self.corpus),
        };
        let kinds = match self.kind.unwrap_or(default_kind) {
            KindArg::Paragraph => vec![UnitKind::Paragraph, UnitKind::Title],
            KindArg::Comment => vec![UnitKind::Comment],
            KindArg::All => vec![],
        };
        let data = read_data(&self.data, &units, &DataOptions { kinds });
        for r in &data.rejected {
            eprintln!("rejected: {r}");
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
            return Err(Error::Param(format!(
                "no usable examples in {}",
                self.data
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        Ok(data)
    }
}
