use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args as ClapArgs, Subcommand};
use stance::actors::ActorSet;
use stance::corpus::{Ingest, Input, Unit};
use stance::labels::{check::check, label_files, read_labels};

/// Work with hand-label files.
#[derive(Subcommand)]
pub enum Command {
    Check(CheckArgs),
}

/// Validate label CSVs against the corpus and the actors file.
///
/// Reports, with file and line: unknown actors or values, units the corpus
/// does not have, a unit × actor pair labelled twice, a unit whose rows
/// disagree on sentiment, and paragraphs or comments of a labelled document
/// that lack a label for some actor. Exits 1 when anything is wrong.
///
/// Example: stance labels check labels/
#[derive(ClapArgs)]
pub struct CheckArgs {
    /// Label CSV files or directories of them.
    #[arg(default_value = "labels")]
    labels: Vec<PathBuf>,
    /// The actors file.
    #[arg(long, default_value = "labels/actors.toml")]
    actors: PathBuf,
    /// The corpus the labels refer to: pages, units JSONL/CSV, or
    /// directories (e.g. the output of `stance ingest`).
    #[arg(long, default_value = "seeds")]
    corpus: Vec<String>,
}

pub fn run(cmd: Command) -> stance::Result<ExitCode> {
    match cmd {
        Command::Check(a) => run_check(a),
    }
}

/// Reads the corpus, reporting rejected inputs on stderr.
pub fn load_corpus(inputs: &[String]) -> Vec<Unit> {
    let inputs: Vec<Input> = inputs.iter().map(|s| Input::parse(s)).collect();
    Ingest::new(&inputs)
        .filter_map(|r| r.map_err(|e| eprintln!("corpus: rejected: {e}")).ok())
        .collect()
}

fn run_check(args: CheckArgs) -> stance::Result<ExitCode> {
    let actors = ActorSet::from_file(&args.actors)?;
    let units = load_corpus(&args.corpus);
    let files = label_files(&args.labels).map_err(stance::Error::Invalid)?;
    if files.is_empty() {
        eprintln!("error: no label files (*.csv) found in {:?}", args.labels);
        return Ok(ExitCode::from(1));
    }
    let (rows, mut problems) = read_labels(&files);
    let report = check(&rows, &units, &actors);
    problems.extend(report.problems.iter().cloned());
    for p in &problems {
        eprintln!("error: {p}");
    }
    if !report.unlabelled_docs.is_empty() {
        eprintln!(
            "note: {} document(s) of the corpus have no labels: {}",
            report.unlabelled_docs.len(),
            report.unlabelled_docs.join(", ")
        );
    }
    eprintln!(
        "labels: {} file(s), {} rows, {} unit×actor pairs, {} complete units, {} problem(s)",
        files.len(),
        rows.len(),
        report.pairs,
        report.units,
        problems.len()
    );
    Ok(if problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
