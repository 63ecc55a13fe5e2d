use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, ValueEnum};
use stance::Error;
use stance::score::{CsvLayout, records, score_to_writer, write_csv_header};

use crate::input_args::InputArgs;
use crate::io;
use crate::model_ctx::InUse;
use stance::outfile;

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutFormat {
    /// One JSON object a line.
    Jsonl,
    /// A header, then one row a record.
    Csv,
}

/// Score units (or target-given lines) with a model, streaming.
///
/// Reads units (ingest output, JSON lines or CSV with doc_id, unit_id,
/// text), article pages (ingested on the fly), or target-given lines (stance
/// JSON lines {text, target}, NewsMTSC lines). Writes one record per input
/// row in input order: for units the sentiment with its probabilities and,
/// for every actor of the actors file in use (actors the model was not
/// trained on are scored zero-shot and marked so), the stance, its probabilities and whether
/// the actor is mentioned; for target lines the stance toward their target.
/// Malformed rows are reported (stderr or --rejects) and counted:
/// read N = scored S + rejected R.
///
/// Also plain text (--text, --lines) and files with other column names
/// (--id-col, --doc-col, --text-col; TSV by extension or --delimiter);
/// every other column is kept in the scores' `fields`. A unit whose
/// (doc_id, unit_id) was already read is rejected.
///
/// The model and actors file in use are named on stderr (`stance info`
/// shows more).
#[derive(Parser)]
#[command(after_help = examples!(
    "stance score --model models/default.model units.jsonl -o scores.jsonl",
    "stance score --text \"I love India.\"",
    "stance score --lines comments.txt --format csv -o scores.csv",
    "stance score --id-col id --text-col comment comments.csv.gz",
    "stance score --rejects rejects.jsonl - < units.jsonl.gz > scores.jsonl",
))]
pub struct Args {
    #[command(flatten)]
    input: InputArgs,
    /// The model file to score with (from `stance train`, or a kept one
    /// in models/) [default: the project's models/default.model, else the
    /// model built into stance].
    #[arg(long)]
    model: Option<PathBuf>,
    /// The actors to score [default: the project's actors file, else the
    /// one built into stance]. Actors the model has no training labels of
    /// are scored zero-shot and marked `"zero_shot":true`.
    #[arg(long)]
    actors: Option<PathBuf>,
    /// Output file (default: stdout).
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Output format: JSON lines (one object a row, probabilities nested
    /// per actor) or CSV for spreadsheets (a header, then one row a record:
    /// sentiment and its probabilities, then per actor <CODE>_stance,
    /// _pro, _anti, _none, _mentioned, and _zero_shot for an actor the
    /// model was not trained on).
    #[arg(long, value_enum, default_value = "jsonl")]
    format: OutFormat,
    /// Write rejected rows here as JSON lines {file, line, reason}
    /// (default: stderr).
    #[arg(long)]
    rejects: Option<PathBuf>,
    /// Stop at the first malformed row (exit 2).
    #[arg(long)]
    strict: bool,
}

pub fn run(args: Args) -> stance::Result<ExitCode> {
    let in_use = InUse::resolve(args.model.as_ref(), args.actors.as_ref());
    let read = args.input.inputs.iter().map(PathBuf::from);
    outfile::refuse_overwrite(
        read.chain(in_use.files()),
        args.output.iter().chain(&args.rejects),
    )?;
    let model = in_use.load()?;
    if model.stance_labels().is_none() {
        return Err(Error::Model(format!(
            "{} has no stance task to score with",
            in_use.model
        )));
    }
    let inputs = args.input.inputs()?;
    let mut opts = args.input.options()?;
    // Bytes read against the inputs' total size when it is known (regular
    // files), else rows and their rate.
    let bytes = stance::corpus::ingest::known_size(&inputs)
        .filter(|&total| total > 0)
        .map(|total| (stance::input::ByteCount::default(), total));
    opts.bytes_read = bytes.as_ref().map(|(count, _)| count.clone());
    let mut bar = io::ReadProgress::new("scoring", bytes);
    let out_path = args.output.as_deref();
    let mut out = outfile::output(out_path)?;
    let layout = (args.format == OutFormat::Csv).then(|| CsvLayout::of(&model));
    if let Some(l) = &layout {
        write_csv_header(&mut out, l).map_err(|e| outfile::write_err(out_path, e))?;
    }
    let mut rejects: Option<outfile::Output> = match &args.rejects {
        Some(p) => Some(outfile::output(Some(p))?),
        None => None,
    };
    let strict = args.strict;
    let summary = score_to_writer(
        &model,
        records(&inputs, &args.input.text, &opts),
        layout.as_ref(),
        |bytes| {
            out.write_all(bytes)
                .map_err(|e| outfile::write_err(out_path, e))
        },
        |r| {
            if strict {
                return Err(Error::Invalid(r.clone()));
            }
            match rejects.as_mut() {
                Some(w) => {
                    serde_json::to_writer(&mut *w, r)
                        .map_err(|e| outfile::write_err(args.rejects.as_deref(), e.into()))?;
                    writeln!(w).map_err(|e| outfile::write_err(args.rejects.as_deref(), e))
                }
                None => {
                    eprintln!("rejected: {r}");
                    Ok(())
                }
            }
        },
        |n| bar.rows(n),
    )?;
    bar.finish();
    out.finish()?;
    if let Some(w) = rejects {
        w.finish()?;
    }
    eprintln!("score: {summary}");
    Ok(if summary.scored == 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
