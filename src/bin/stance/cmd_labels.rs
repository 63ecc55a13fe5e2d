use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args as ClapArgs, Subcommand, ValueEnum};
use stance::actors::ActorSet;
use stance::labels::check::{check_with, summarise_missing};
use stance::labels::merge::{Prefer, plan_merge};
use stance::labels::stats::{KindCounts, label_stats};
use stance::labels::{LabelSet, label_files};
use stance::project::ProjectUnits;

use crate::project_ctx;
use crate::store_ctx::{self, CLI};

/// Work with hand-label files.
#[derive(Subcommand)]
#[command(after_help = examples!(
    "stance labels check",
    "stance labels add to_label.csv",
    "stance labels stats --json",
))]
pub enum Command {
    Check(CheckArgs),
    Add(AddArgs),
    Stats(StatsArgs),
}

/// Validate label CSVs against the corpus and the actors file.
///
/// Reports first the errors, each with file and line: unreadable rows,
/// unknown actors or values, units the corpus does not have, a unit × actor
/// pair labelled twice, a unit whose rows disagree on sentiment. Then the
/// missing labels: paragraphs and comments of a labelled document that lack
/// a label for an actor their label file has started on (or one given with
/// --require), a line per document with the count per actor and the first
/// few units (--all lists every unit). Exits 1 when anything is wrong.
///
/// Values are read by one rule (labels/GUIDE.md): case and surrounding
/// spaces do not matter, and favor / against / neutral (the SemEval and
/// TweetEval names) mean pro / anti / none. `train --data labels/` rejects
/// the same rows this command reports as errors.
#[derive(ClapArgs)]
#[command(after_help = examples!(
    "stance labels check",
    "stance labels check labels/ --require IRN",
    "stance labels check new.csv --all",
))]
pub struct CheckArgs {
    /// Label CSV files or directories of them [default: the project's label
    /// store, or labels].
    labels: Vec<PathBuf>,
    /// Demand a label of this actor for every unit of a labelled document,
    /// even in files that have not started on it (repeatable). Without it
    /// a file is held only to the actors it has labels of, so adding an
    /// actor to the actors file does not make every old unit a problem.
    #[arg(long, value_name = "ACTOR")]
    require: Vec<String>,
    /// List every unit that lacks a label, one a line, instead of a line
    /// per document with the count per actor.
    #[arg(long)]
    all: bool,
    #[command(flatten)]
    corpus: CorpusArgs,
}

/// Units of a document's missing-labels line named before "and N more".
const FIRST_MISSING: usize = 5;

/// Merge new label rows into the label store (one CSV per document).
///
/// New rows are validated first, like `labels check` does, and every problem
/// is listed with file and line: unknown units, actors or values, an empty
/// stance or sentiment, a pair given twice, a unit whose rows disagree on
/// sentiment. A unit may be labelled for only some actors. Rows with both
/// stance and sentiment empty (a to-fill template) are skipped as unfilled.
///
/// Rows already in the store are unchanged; a row whose stance (or whose
/// unit's sentiment) differs from the store is a conflict, listed with both
/// places. Conflicts stop the merge unless --prefer says which side wins.
/// Nothing is written while any problem remains. Rows for a document go into
/// the file that holds it, or a new `<doc_id>.csv`; files keep document
/// order and actor order, and untouched rows keep their bytes. The store is
/// locked from reading to writing (another writer waits; --no-wait fails),
/// and all changed files are written as one journaled commit: a crash
/// leaves the old or the new store, never a mix (reliability.md). Exits 1
/// when anything was refused.
#[derive(ClapArgs)]
#[command(after_help = examples!(
    "stance labels add to_label.csv",
    "stance labels add new.csv --labels labels/ --dry-run",
    "stance labels add fixes.csv --prefer new",
))]
pub struct AddArgs {
    /// Label CSVs with the new rows, or directories of them.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// The label store: a directory of label CSVs [default: the project's,
    /// or labels].
    #[arg(long)]
    labels: Option<PathBuf>,
    /// On a conflict, overwrite the store (new) or keep it and skip the row
    /// (old). A new sentiment is set on every row of its unit; a replaced
    /// row takes the new file's extra columns (e.g. `note`) if it has them.
    #[arg(long, value_enum)]
    prefer: Option<PreferArg>,
    /// Validate and report, but write nothing.
    #[arg(long)]
    dry_run: bool,
    #[command(flatten)]
    corpus: CorpusArgs,
}

/// The actors file and the units labels refer to; each defaults to the
/// project's, else to the built-in actors file and seeds.
#[derive(ClapArgs)]
pub struct CorpusArgs {
    /// The actors file.
    #[arg(long)]
    actors: Option<PathBuf>,
    /// The corpus the labels refer to: pages, units JSONL/CSV, or directories.
    #[arg(long, num_args = 1..)]
    corpus: Vec<String>,
    /// Units file (the output of `stance ingest`) to use instead of --corpus.
    #[arg(long)]
    units: Option<PathBuf>,
}

impl CorpusArgs {
    fn load(&self) -> stance::Result<(ActorSet, ProjectUnits)> {
        let actors = project_ctx::actors(self.actors.as_ref()).set()?;
        let units = project_ctx::units(&self.corpus, self.units.as_deref())?;
        Ok((actors, units))
    }
}

/// The label files named, or the project's label store.
fn label_inputs(given: &[PathBuf]) -> Vec<PathBuf> {
    if given.is_empty() {
        vec![project_ctx::labels(None)]
    } else {
        given.to_vec()
    }
}

/// The project's label store when no files are named and it is a folder
/// without label files yet: a new project's (`stance init`) is a state to
/// report, not an error. Named files or folders without labels stay errors.
fn new_store(given: &[PathBuf]) -> Option<PathBuf> {
    let store = project_ctx::labels(None);
    let empty = label_files(std::slice::from_ref(&store)).is_ok_and(|f| f.is_empty());
    (given.is_empty() && store.is_dir() && empty).then_some(store)
}

#[derive(Clone, Copy, ValueEnum)]
enum PreferArg {
    New,
    Old,
}

/// Count labels and the units still waiting for them.
///
/// Shows rows per actor and stance, unit sentiment, and per document the
/// rows, the labelled units and the units of the corpus with no label yet
/// (by kind: title, paragraph, comment). Titles are optional to label.
#[derive(ClapArgs)]
#[command(after_help = examples!("stance labels stats", "stance labels stats labels/ --json"))]
pub struct StatsArgs {
    /// Label CSV files or directories of them [default: the project's label
    /// store, or labels].
    labels: Vec<PathBuf>,
    /// One JSON object instead of tables.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    corpus: CorpusArgs,
}

pub fn run(cmd: Command) -> stance::Result<ExitCode> {
    match cmd {
        Command::Check(a) => run_check(a),
        Command::Add(a) => run_add(a),
        Command::Stats(a) => run_stats(a),
    }
}

/// Label rows of files or folders (`stance::labels::LabelSet`); rows that
/// cannot be read are warned about and skipped.
pub fn load_labels(inputs: &[PathBuf]) -> stance::Result<LabelSet> {
    let set = LabelSet::read(inputs, &CLI)?.with_files()?;
    for r in &set.rejected {
        eprintln!("warning: skipped: {r}");
    }
    Ok(set)
}

fn run_add(args: AddArgs) -> stance::Result<ExitCode> {
    let store = project_ctx::labels(args.labels.as_ref());
    // Held from reading the store to writing it: a second `labels add`
    // waits and then merges into what this one wrote.
    let lock = if args.dry_run {
        store_ctx::recover(&store)?;
        None
    } else {
        Some(store_ctx::lock(&store)?)
    };
    let (actors, units) = args.corpus.load()?;
    let units = units.units;
    let prefer = args.prefer.map(|p| match p {
        PreferArg::New => Prefer::New,
        PreferArg::Old => Prefer::Old,
    });
    let plan = plan_merge(&store, &args.files, &units, &actors, prefer)?;
    for p in &plan.problems {
        eprintln!("error: {p}");
    }
    for n in &plan.notes {
        eprintln!("note: {n}");
    }
    if plan.counts.unfilled > 0 {
        eprintln!(
            "note: {} unfilled row(s) (no stance, no sentiment) skipped",
            plan.counts.unfilled
        );
    }
    let verb = if args.dry_run { "would write" } else { "wrote" };
    if let Some(lock) = &lock
        && plan.is_ok()
    {
        plan.write(lock)?;
    }
    if plan.is_ok() {
        for c in &plan.changes {
            eprintln!(
                "{verb} {}{}: {} row(s) added, {} changed",
                c.path.display(),
                if c.created { " (new)" } else { "" },
                c.added,
                c.replaced
            );
        }
    }
    if plan.counts.sentiment_updated > 0 {
        eprintln!(
            "note: sentiment updated on {} other stored row(s) of replaced units",
            plan.counts.sentiment_updated
        );
    }
    eprintln!("{}", plan.counts);
    if !plan.is_ok() {
        eprintln!(
            "nothing written: {} problem(s){}",
            plan.problems.len(),
            if plan.counts.conflicts > 0 && prefer.is_none() {
                "; settle conflicts with --prefer new or --prefer old"
            } else {
                ""
            }
        );
        return Ok(ExitCode::from(1));
    }
    if args.dry_run {
        eprintln!("dry run: nothing written");
    }
    Ok(ExitCode::SUCCESS)
}

fn run_stats(args: StatsArgs) -> stance::Result<ExitCode> {
    use std::io::Write;
    let (actors, units) = args.corpus.load()?;
    let (files, rows) = match new_store(&args.labels) {
        Some(_) => (0, Vec::new()),
        None => {
            let set = load_labels(&label_inputs(&args.labels))?;
            (set.files.len(), set.rows)
        }
    };
    let (rows, aside) = units.set_aside(rows, |r| &r.doc_id);
    project_ctx::note_set_aside(aside, &units);
    let rule = project_ctx::split_rule()?;
    let stats = label_stats(&rows, &units.units, &actors, &rule);
    let mut out = String::new();
    if args.json {
        let mut v = serde_json::to_value(&stats).expect("stats serialize");
        v["files"] = files.into();
        out = serde_json::to_string_pretty(&v).expect("JSON") + "\n";
    } else {
        use std::fmt::Write as _;
        let w = &mut out;
        let _ = writeln!(
            w,
            "{} label row(s) in {files} file(s), {} unit(s) labelled, {} partially",
            stats.rows, stats.units, stats.partial
        );
        let _ = writeln!(w, "\nstance     {:>6} {:>6} {:>6}", "pro", "anti", "none");
        let mut codes: Vec<&str> = actors.codes().collect();
        codes.extend(
            stats
                .stance
                .keys()
                .map(String::as_str)
                .filter(|k| actors.index_of(k).is_none()),
        );
        for code in codes {
            let c = stats.stance.get(code).cloned().unwrap_or_default();
            let _ = writeln!(w, "{code:<10} {:>6} {:>6} {:>6}", c.pro, c.anti, c.none);
        }
        let s = &stats.sentiment;
        let _ = writeln!(
            w,
            "\nsentiment (units): positive {}, negative {}, neutral {}",
            s.positive, s.negative, s.neutral
        );
        let _ = writeln!(
            w,
            "\n{:<24} {:>6} {:>8} {:>8}  unlabelled title/paragraph/comment",
            "document", "rows", "labelled", "partial"
        );
        let kinds = |k: &KindCounts| format!("{}/{}/{}", k.title, k.paragraph, k.comment);
        for d in &stats.docs {
            let _ = writeln!(
                w,
                "{:<24} {:>6} {:>8} {:>8}  {}{}",
                d.doc_id,
                d.rows,
                d.units_labelled,
                d.units_partial,
                kinds(&d.unlabelled),
                if d.in_corpus {
                    ""
                } else {
                    " (not in the corpus)"
                }
            );
        }
        let _ = writeln!(
            w,
            "\nper source and split: units; then pro/anti/none per actor"
        );
        let _ = write!(w, "{:<26} {:<5} {:>5}", "document", "split", "units");
        for code in actors.codes() {
            let _ = write!(w, " {code:>11}");
        }
        let _ = writeln!(w);
        for c in &stats.by_source {
            let _ = write!(w, "{:<26} {:<5} {:>5}", c.doc_id, c.split, c.units);
            for code in actors.codes() {
                let n = c.stance.get(code).cloned().unwrap_or_default();
                let _ = write!(w, " {:>11}", format!("{}/{}/{}", n.pro, n.anti, n.none));
            }
            let _ = writeln!(w);
        }
        let u = &stats.unlabelled;
        let _ = writeln!(
            w,
            "\nunlabelled units: {} (title {}, paragraph {}, comment {})",
            u.total, u.title, u.paragraph, u.comment
        );
    }
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(out.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|e| stance::outfile::write_err(None, e))?;
    Ok(ExitCode::SUCCESS)
}

fn run_check(args: CheckArgs) -> stance::Result<ExitCode> {
    let (actors, units) = args.corpus.load()?;
    if let Some(store) = new_store(&args.labels) {
        eprintln!(
            "no labels in {} yet (`stance labels add FILE` merges some; GUIDE.md)",
            store.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let inputs = label_inputs(&args.labels);
    let LabelSet {
        files,
        rows,
        rejected: mut problems,
        ..
    } = LabelSet::read(&inputs, &CLI)?;
    if files.is_empty() {
        eprintln!("error: no label files (*.csv) found in {inputs:?}");
        return Ok(ExitCode::from(1));
    }
    let (rows, aside) = units.set_aside(rows, |r| &r.doc_id);
    project_ctx::note_set_aside(aside, &units);
    if let Some(bad) = args.require.iter().find(|c| actors.index_of(c).is_none()) {
        let codes: Vec<&str> = actors.codes().collect();
        return Err(stance::Error::Param(format!(
            "--require {bad}: not an actor code of the actors file (actors: {})",
            codes.join(", ")
        )));
    }
    let report = check_with(
        &rows,
        &units.units,
        &actors,
        &units.sampled_docs,
        &args.require,
    );
    // Errors first, in file and line order, so a typo is never below a
    // screenful of labels still to do.
    problems.extend(report.problems.iter().cloned());
    problems.sort_by(|a, b| (&a.at.file, a.at.line).cmp(&(&b.at.file, b.at.line)));
    for p in &problems {
        eprintln!("error: {p}");
    }
    if args.all {
        for m in &report.missing {
            eprintln!("missing: {m}");
        }
    } else {
        for g in summarise_missing(&report.missing, &actors, FIRST_MISSING) {
            eprintln!("missing: {g}");
        }
    }
    if !report.unlabelled_docs.is_empty() {
        eprintln!(
            "note: {} document(s) of the corpus have no labels: {}",
            report.unlabelled_docs.len(),
            report.unlabelled_docs.join(", ")
        );
    }
    let pairs: usize = report.missing.iter().map(|m| m.actors.len()).sum();
    eprintln!(
        "labels: {} file(s), {} rows, {} unit×actor pairs, {} complete units; {} error(s), \
         {} missing label(s) on {} unit(s){}",
        files.len(),
        rows.len(),
        report.pairs,
        report.units,
        problems.len(),
        pairs,
        report.missing.len(),
        if pairs > 0 && !args.all {
            " (--all lists them)"
        } else {
            ""
        }
    );
    Ok(if problems.is_empty() && report.missing.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
