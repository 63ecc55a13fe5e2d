use std::fmt::Write as _;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args as ClapArgs;
use stance::labels::agree::{Kappa, compare};

use crate::cmd_labels::load_labels;
use crate::project_ctx;

/// Compare two label sets: Cohen's kappa and agreement, and where they differ.
///
/// Stance is compared over the unit × actor pairs both sets label, overall
/// and per actor; sentiment over the units both label. Kappa is "n/a" (null
/// in JSON) when it is undefined: both sets give every item one and the same
/// label, so agreement says nothing beyond chance. Each disagreement is shown
/// with the start of the unit's text from the corpus (empty for a unit the
/// corpus lacks). With --json: one object with `n`, `stance` and `sentiment`
/// (each `n`, `kappa`, `agreement`, `per_actor`: actor → {n, kappa,
/// agreement}; empty for sentiment, which has no actor) and `disagreements`.
/// Exits 1 when the sets share no labelled pair.
#[derive(ClapArgs)]
#[command(after_help = examples!(
    "stance agree labels/ alice.csv",
    "stance agree alice.csv bob.csv --json",
))]
pub struct Args {
    /// First label set: a label CSV or a directory of them.
    a: PathBuf,
    /// Second label set: a label CSV or a directory of them.
    b: PathBuf,
    /// One JSON object instead of tables.
    #[arg(long)]
    json: bool,
    /// The corpus the excerpts come from: pages, units JSONL/CSV, or
    /// directories [default: the project's corpora, or seeds].
    #[arg(long, num_args = 1..)]
    corpus: Vec<String>,
    /// Units file (the output of `stance ingest`) to use instead of --corpus.
    #[arg(long)]
    units: Option<PathBuf>,
}

pub fn run(args: Args) -> stance::Result<ExitCode> {
    let units = project_ctx::units(&args.corpus, args.units.as_deref())?.units;
    let a = load_labels(std::slice::from_ref(&args.a))?.rows;
    let b = load_labels(std::slice::from_ref(&args.b))?.rows;
    let r = compare(&a, &b, &units);
    let mut out = String::new();
    if args.json {
        out = serde_json::to_string_pretty(&r).expect("JSON") + "\n";
    } else {
        let w = &mut out;
        let _ = writeln!(
            w,
            "stance: {} pair(s), agreement {}, kappa {}",
            r.stance.n,
            num(r.stance.agreement),
            num(r.stance.kappa)
        );
        let _ = writeln!(
            w,
            "{:<8} {:>6} {:>9} {:>7}",
            "actor", "n", "agreement", "kappa"
        );
        for (actor, k) in &r.stance.per_actor {
            let Kappa {
                n,
                kappa,
                agreement,
            } = k;
            let _ = writeln!(
                w,
                "{actor:<8} {n:>6} {:>9} {:>7}",
                num(*agreement),
                num(*kappa)
            );
        }
        let _ = writeln!(
            w,
            "sentiment: {} unit(s), agreement {}, kappa {}",
            r.sentiment.n,
            num(r.sentiment.agreement),
            num(r.sentiment.kappa)
        );
        let _ = writeln!(w, "\n{} disagreement(s)", r.disagreements.len());
        for d in &r.disagreements {
            let _ = writeln!(
                w,
                "{} {} {:<9} {} / {}  {:?}",
                d.doc_id,
                d.unit_id,
                d.actor.as_deref().unwrap_or("sentiment"),
                d.a,
                d.b,
                d.excerpt
            );
        }
    }
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(out.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|e| stance::outfile::write_err(None, e))?;
    if r.n == 0 {
        eprintln!(
            "error: {} and {} have no unit × actor pair labelled in both",
            args.a.display(),
            args.b.display()
        );
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// Three decimals, or "n/a" when undefined.
fn num(x: Option<f64>) -> String {
    x.map_or("n/a".to_string(), |v| format!("{v:.3}"))
}
