use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, ValueEnum};
use rayon::prelude::*;
use stance::corpus::{Input, Unit, ingest::Ingest};
use stance::error::{Error, Result};
use stance::eval::SplitMix64;
use stance::labels::{label_files, read_labels};
use stance::model::StanceModel;
use stance::model::evaluate::argmax;
use stance::model::predict::Scratch;
use stance::suggest::{Candidate, SPREAD, Uncertainty, most_uncertain_first, pick};

use crate::io;
use crate::model_ctx::InUse;
use crate::project_ctx;
use stance::labels::splits::Split;
use stance::spreadsheet::defuse;

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Measure {
    /// 1 − (p₁ − p₂) of the stance probabilities.
    Margin,
    /// Normalised entropy of the stance probabilities.
    Entropy,
}

/// Choose the units to label next, as a CSV ready to fill in.
///
/// Scores the unlabelled units, ranks them by the model's uncertainty about
/// the stance toward the actors each mentions, spreads the picks across
/// articles and actors, and writes the label format (doc_id, unit_id, actor,
/// stance, sentiment) with stance and sentiment empty: one row per actor
/// still unlabelled for each picked unit, then helper columns (kind, the
/// actor the unit was picked for, the model's guess, uncertainty, text)
/// that `stance labels add` ignores. With --explore, a share of the picks
/// is drawn at random instead (picked_for = "(random)").
#[derive(Parser)]
#[command(after_help = examples!(
    "stance suggest -n 50 -o to_label.csv",
    "stance suggest --units units.jsonl -n 50 --explore 0.5 -o to_label.csv",
))]
pub struct Args {
    /// The model [default: the project's models/default.model, else the
    /// model built into stance].
    #[arg(long)]
    model: Option<PathBuf>,
    /// The actors to suggest labels of [default: the project's actors
    /// file, else the one built into stance]; ones the model was not
    /// trained on are scored zero-shot.
    #[arg(long)]
    actors: Option<PathBuf>,
    /// Units to choose from: ingest output, pages, folders, or - [default:
    /// the project's corpora]. Units the project's splits file assigns to
    /// evaluation are never suggested.
    #[arg(long, num_args = 1..)]
    units: Vec<String>,
    /// The label store: (unit, actor) pairs already labelled are skipped
    /// [default: the project's, or labels].
    #[arg(long)]
    labels: Option<PathBuf>,
    /// How many units to pick.
    #[arg(short, default_value_t = 50)]
    n: usize,
    /// How the model's uncertainty about a unit's stance is measured.
    #[arg(long, value_enum, default_value = "margin")]
    measure: Measure,
    /// Rank by uncertainty alone, without spreading the picks across
    /// articles and actors (on NewsMTSC this scored better; see
    /// models/README.md).
    #[arg(long)]
    no_spread: bool,
    /// Share of the picks drawn uniformly at random from all unlabelled
    /// units instead of by uncertainty (0–1). Half and half did as well as
    /// or better than random labelling in the NewsMTSC simulation, where
    /// pure uncertainty fell behind (models/README.md).
    #[arg(long, default_value_t = 0.0, value_parser = parse_share)]
    explore: f64,
    /// Seed of the random picks.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Output CSV (default: stdout).
    #[arg(short, long)]
    output: Option<PathBuf>,
}

/// Units scored per parallel batch; the pool of best candidates is pruned
/// between batches, so memory does not grow with the input.
const BATCH: usize = 8192;

pub fn run(args: Args) -> Result<ExitCode> {
    let in_use = InUse::resolve(args.model.as_ref(), args.actors.as_ref());
    let labels = project_ctx::labels(args.labels.as_ref());
    let units = unit_inputs(&args.units)?;
    let read = units.iter().map(PathBuf::from);
    io::refuse_overwrite(
        read.chain(in_use.files()).chain([labels.clone()]),
        &args.output,
    )?;
    let model = in_use.load()?;
    let codes: Vec<String> = model.actors().codes().map(str::to_string).collect();
    let labelled = labelled_pairs(&labels)?;
    let splits = project_ctx::split_rule()?;
    let is_eval =
        |u: &Unit| splits.is_recorded() && splits.of(&u.doc_id, &u.unit_id, u.kind) == Split::Eval;
    let measure = match args.measure {
        Measure::Margin => Uncertainty::Margin,
        Measure::Entropy => Uncertainty::Entropy,
    };
    let inputs: Vec<Input> = units.iter().map(|s| Input::parse(s)).collect();
    let mut ingest = Ingest::new(&inputs);
    let keep = (20 * args.n).max(1000);
    let mut pool: Vec<(Candidate, Unit)> = Vec::new();
    let mut skipped = 0usize;
    // Reservoir sampling: a uniform sample of all unlabelled units in one
    // pass, n of them so overlaps with the uncertain picks can be topped up.
    let n_random = (args.n as f64 * args.explore).round() as usize;
    let mut rng = SplitMix64::new(args.seed);
    let mut reservoir: Vec<(Candidate, Unit)> = Vec::new();
    let mut eligible = 0usize;
    loop {
        let mut batch = Vec::with_capacity(BATCH);
        let mut taken = 0;
        for r in ingest.by_ref().take(BATCH) {
            taken += 1;
            match r {
                Ok(u) => batch.push(u),
                Err(e) => eprintln!("rejected: {e}"),
            }
        }
        if taken == 0 {
            break;
        }
        let before = batch.len();
        batch.retain(|u| !is_eval(u) && codes.iter().any(|c| !labelled.contains(&key(u, c))));
        skipped += before - batch.len();
        let scored: Vec<(Candidate, Unit)> = batch
            .into_par_iter()
            .map_init(Scratch::default, |s, u| {
                (candidate(&model, &codes, &labelled, measure, &u, s), u)
            })
            .collect();
        if n_random > 0 {
            for item in &scored {
                eligible += 1;
                if reservoir.len() < args.n {
                    reservoir.push(item.clone());
                } else {
                    let j = rng.below(eligible);
                    if j < args.n {
                        reservoir[j] = item.clone();
                    }
                }
            }
        }
        pool.extend(scored);
        if pool.len() > 2 * keep {
            prune(&mut pool, keep);
        }
    }
    prune(&mut pool, keep);
    let summary = ingest.summary();
    let by_key: HashMap<(String, String), Unit> = pool
        .iter()
        .chain(&reservoir)
        .map(|(c, u)| ((c.doc_id.clone(), c.unit_id.clone()), u.clone()))
        .collect();
    let discount = if args.no_spread { 1.0 } else { SPREAD };
    let candidates = pool.into_iter().map(|(c, _)| c).collect();
    let mut chosen = pick(candidates, args.n - n_random, discount);
    let seen: HashSet<(String, String)> = chosen
        .iter()
        .map(|c| (c.doc_id.clone(), c.unit_id.clone()))
        .collect();
    let random = reservoir
        .into_iter()
        .filter(|(c, _)| !seen.contains(&(c.doc_id.clone(), c.unit_id.clone())))
        .take(n_random)
        .map(|(c, _)| Candidate {
            actor: "(random)".into(),
            ..c
        });
    chosen.extend(random);
    let mut out = csv::Writer::from_writer(io::output(args.output.as_deref())?);
    let werr = |e: csv::Error| io::write_err(args.output.as_deref(), e.into());
    out.write_record([
        "doc_id",
        "unit_id",
        "actor",
        "stance",
        "sentiment",
        "kind",
        "picked_for",
        "predicted",
        "uncertainty",
        "text",
    ])
    .map_err(werr)?;
    let mut rows = 0;
    let mut scratch = Scratch::default();
    for c in &chosen {
        let u = &by_key[&(c.doc_id.clone(), c.unit_id.clone())];
        let score = model.score_unit(&u.text, &mut scratch);
        for (code, (_, p)) in codes.iter().zip(&score.actors) {
            if labelled.contains(&key(u, code)) {
                continue;
            }
            let guess = model.stance_labels().map_or("", |l| l[argmax(p)].as_str());
            let uncertainty = format!("{:.4}", measure.of(p));
            // People open this sheet in a spreadsheet: the comment's text
            // is defused (ids come back through `labels add`, unchanged).
            out.write_record([
                u.doc_id.as_str(),
                u.unit_id.as_str(),
                code.as_str(),
                "",
                "",
                u.kind.as_str(),
                c.actor.as_str(),
                guess,
                uncertainty.as_str(),
                defuse(&u.text).as_ref(),
            ])
            .map_err(werr)?;
            rows += 1;
        }
    }
    out.into_inner()
        .map_err(|e| io::write_err(args.output.as_deref(), e.into_error()))?
        .finish()?;
    eprintln!(
        "read {} units (rejected {}), {} fully labelled or held out for evaluation, picked {} units across {} articles: {} rows to label",
        summary.read,
        summary.rejected,
        skipped,
        chosen.len(),
        chosen
            .iter()
            .map(|c| &c.doc_id)
            .collect::<HashSet<_>>()
            .len(),
        rows
    );
    Ok(ExitCode::SUCCESS)
}

/// --units, or the present corpora of the project.
fn unit_inputs(given: &[String]) -> Result<Vec<String>> {
    if !given.is_empty() {
        return Ok(given.to_vec());
    }
    let project = project_ctx::project()
        .ok_or_else(|| Error::Param("give --units (no stance.toml here names a corpus)".into()))?;
    let (present, _) = project.present_corpora()?;
    Ok(present.iter().flat_map(|c| c.inputs.clone()).collect())
}

fn parse_share(s: &str) -> std::result::Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
        _ => Err(format!("{s:?} is not a share between 0 and 1")),
    }
}

fn key(u: &Unit, actor: &str) -> (String, String, String) {
    (u.doc_id.clone(), u.unit_id.clone(), actor.to_string())
}

fn labelled_pairs(dir: &std::path::Path) -> Result<HashSet<(String, String, String)>> {
    if !dir.exists() {
        return Ok(HashSet::new());
    }
    crate::store_ctx::recover(dir)?;
    let files = label_files(&[dir.to_path_buf()]).map_err(Error::Invalid)?;
    let (rows, bad) = read_labels(&files);
    if !bad.is_empty() {
        return Err(Error::Many(bad));
    }
    Ok(rows
        .into_iter()
        .map(|r| (r.doc_id, r.unit_id, r.actor))
        .collect())
}

/// The unit's worth: its highest stance uncertainty over the unlabelled
/// actors it mentions; a unit that mentions none is worth half its
/// sentiment uncertainty, so it is picked only when little else is left.
fn candidate(
    model: &StanceModel,
    codes: &[String],
    labelled: &HashSet<(String, String, String)>,
    measure: Uncertainty,
    u: &Unit,
    s: &mut Scratch,
) -> Candidate {
    let score = model.score_unit(&u.text, s);
    let mut best: Option<(f64, &str)> = None;
    for (code, (mentioned, p)) in codes.iter().zip(&score.actors) {
        if !*mentioned || labelled.contains(&key(u, code)) {
            continue;
        }
        let x = measure.of(p);
        if best.is_none_or(|(b, _)| x > b) {
            best = Some((x, code));
        }
    }
    let (uncertainty, actor) = best.unwrap_or_else(|| {
        let x = score.sentiment.as_deref().map_or(0.0, |p| measure.of(p));
        (0.5 * x, "-")
    });
    Candidate {
        doc_id: u.doc_id.clone(),
        unit_id: u.unit_id.clone(),
        uncertainty,
        actor: actor.to_string(),
    }
}

fn prune(pool: &mut Vec<(Candidate, Unit)>, keep: usize) {
    pool.sort_by(|(a, _), (b, _)| most_uncertain_first(a, b));
    pool.truncate(keep);
}
