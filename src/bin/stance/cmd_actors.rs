use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use stance::actors::ActorSet;
use stance::corpus::{Ingest, Input, Unit, UnitKind};

use stance::outfile;

/// Find the actor mentions in articles or units.
///
/// Prints, per document, how often each actor is mentioned and by which
/// names; with --json, one JSON object per unit with every mention and its
/// byte span.
#[derive(Parser)]
#[command(after_help = examples!(
    "stance actors seeds/",
    "stance actors units.jsonl --json",
))]
pub struct Args {
    /// Directories, files, or - for stdin (pages, units JSONL or CSV).
    #[arg(required = true)]
    inputs: Vec<String>,
    /// The actors file [default: the project's, else the one built into
    /// stance].
    #[arg(long)]
    actors: Option<PathBuf>,
    /// One JSON object per unit instead of the per-document summary.
    #[arg(long)]
    json: bool,
    /// Output file (default: stdout).
    #[arg(short, long)]
    output: Option<PathBuf>,
}

#[derive(serde::Serialize)]
struct MentionOut<'a> {
    actor: &'a str,
    start: usize,
    end: usize,
    text: &'a str,
}

#[derive(serde::Serialize)]
struct UnitMentions<'a> {
    doc_id: &'a str,
    unit_id: &'a str,
    mentions: Vec<MentionOut<'a>>,
}

#[derive(Default)]
struct DocSummary {
    title: String,
    kinds: BTreeMap<UnitKind, usize>,
    /// Per actor: mentions, units mentioning it, surface forms.
    actors: Vec<(usize, usize, BTreeMap<String, usize>)>,
}

pub fn run(args: Args) -> stance::Result<ExitCode> {
    let read = args.inputs.iter().map(PathBuf::from);
    let source = crate::project_ctx::actors(args.actors.as_ref());
    outfile::refuse_overwrite(read.chain(source.path().map(PathBuf::from)), &args.output)?;
    let actors = source.set()?;
    let inputs: Vec<Input> = args.inputs.iter().map(|s| Input::parse(s)).collect();
    let out_path = args.output.as_deref();
    let mut out = outfile::output(out_path)?;
    let mut ingest = Ingest::new(&inputs);
    let mut docs: Vec<(String, DocSummary)> = Vec::new();
    for item in ingest.by_ref() {
        let unit = match item {
            Ok(u) => u,
            Err(r) => {
                eprintln!("rejected: {r}");
                continue;
            }
        };
        let mentions = actors.mentions(&unit.text);
        if args.json {
            let line = UnitMentions {
                doc_id: &unit.doc_id,
                unit_id: &unit.unit_id,
                mentions: mentions
                    .iter()
                    .map(|m| MentionOut {
                        actor: &actors.actors()[m.actor].code,
                        start: m.start,
                        end: m.end,
                        text: &unit.text[m.start..m.end],
                    })
                    .collect(),
            };
            serde_json::to_writer(&mut out, &line)
                .map_err(|e| outfile::write_err(out_path, e.into()))?;
            writeln!(out).map_err(|e| outfile::write_err(out_path, e))?;
        } else {
            summarise(&mut docs, &unit, &mentions, &actors);
        }
    }
    if !args.json {
        print_summary(&mut out, &docs, &actors).map_err(|e| outfile::write_err(out_path, e))?;
    }
    out.finish()?;
    let summary = ingest.summary();
    eprintln!("actors: {summary}");
    Ok(if summary.kept == 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn summarise(
    docs: &mut Vec<(String, DocSummary)>,
    unit: &Unit,
    mentions: &[stance::actors::Mention],
    actors: &ActorSet,
) {
    if docs.last().is_none_or(|(d, _)| *d != unit.doc_id) {
        let mut s = DocSummary::default();
        s.actors.resize(actors.len(), Default::default());
        docs.push((unit.doc_id.clone(), s));
    }
    let doc = &mut docs.last_mut().expect("pushed above").1;
    if unit.kind == UnitKind::Title {
        doc.title = unit.text.clone();
    }
    *doc.kinds.entry(unit.kind).or_default() += 1;
    let mut seen = vec![false; actors.len()];
    for m in mentions {
        let entry = &mut doc.actors[m.actor];
        entry.0 += 1;
        if !seen[m.actor] {
            seen[m.actor] = true;
            entry.1 += 1;
        }
        *entry
            .2
            .entry(unit.text[m.start..m.end].to_string())
            .or_default() += 1;
    }
}

fn print_summary(
    out: &mut dyn Write,
    docs: &[(String, DocSummary)],
    actors: &ActorSet,
) -> std::io::Result<()> {
    for (doc_id, s) in docs {
        writeln!(out, "{doc_id}  {}", s.title)?;
        let kinds: Vec<String> = s
            .kinds
            .iter()
            .map(|(k, n)| format!("{n} {}", k.as_str()))
            .collect();
        writeln!(out, "  units: {}", kinds.join(", "))?;
        for (actor, (n, units, forms)) in actors.actors().iter().zip(&s.actors) {
            if *n == 0 {
                writeln!(out, "  {:<4} -", actor.code)?;
                continue;
            }
            let mut forms: Vec<(&String, &usize)> = forms.iter().collect();
            forms.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
            let forms: Vec<String> = forms.iter().map(|(f, c)| format!("{f} ×{c}")).collect();
            writeln!(
                out,
                "  {:<4} {n:>4} mentions in {units:>3} units: {}",
                actor.code,
                forms.join(", ")
            )?;
        }
        writeln!(out)?;
    }
    Ok(())
}
