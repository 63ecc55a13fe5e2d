use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use stance::corpus::Ingest;
use stance::corpus::ingest::text_units;

use stance::outfile;

/// Parse article pages (and unit records) into units, one JSON object a line.
///
/// Pages are plain-text articles like those in seeds/: title, paragraphs and
/// reader comments become units with doc_id, unit_id (title, p1, p2, …, c1,
/// c2, …), kind, author, posted_at and text. Files ending in .jsonl/.csv that
/// already hold units (doc_id, unit_id, text, optional kind, author,
/// posted_at) are passed through after validation. Bad files and rows are
/// reported on stderr with file and line; the rest is still processed.
#[derive(Parser)]
#[command(after_help = examples!(
    "stance ingest seeds/ -o units.jsonl",
    "stance ingest --id-col id --text-col body comments.csv -o units.jsonl",
))]
pub struct Args {
    #[command(flatten)]
    input: crate::input_args::InputArgs,
    /// Output file (default: stdout).
    #[arg(short, long)]
    output: Option<PathBuf>,
}

pub fn run(args: Args) -> stance::Result<ExitCode> {
    outfile::refuse_overwrite(&args.input.inputs, &args.output)?;
    let inputs = args.input.inputs()?;
    let mut out = outfile::output(args.output.as_deref())?;
    let mut ingest = Ingest::with_options(&inputs, args.input.options()?)
        .starting_with(text_units(&args.input.text));
    for item in ingest.by_ref() {
        match item {
            Ok(unit) => {
                serde_json::to_writer(&mut out, &unit)
                    .map_err(|e| outfile::write_err(args.output.as_deref(), e.into()))?;
                out.write_all(b"\n")
                    .map_err(|e| outfile::write_err(args.output.as_deref(), e))?;
            }
            Err(r) => eprintln!("rejected: {r}"),
        }
    }
    out.finish()?;
    let summary = ingest.summary();
    eprintln!("ingest: {summary}");
    Ok(if summary.kept == 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

use std::io::Write as _;
