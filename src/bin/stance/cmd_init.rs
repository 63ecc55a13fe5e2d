use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

/// Start a new project for your own corpus.
///
/// Makes DIR (if needed) with a stance.toml, labels/actors.toml (a copy of
/// the actors file built into stance, to edit), an empty label store
/// (labels/) and GUIDE.md: how to label and the commands to run. Every
/// command run in DIR or below it then uses them (see `stance info`).
/// Refuses a DIR that has a stance.toml, or a labels/ that is not empty.
///
/// Exit status: 0, or 2 when DIR is a project already or cannot be written.
#[derive(Parser)]
#[command(after_help = examples!(
    "stance init my-project",
    "stance init .",
))]
pub struct Args {
    /// The project folder to make.
    dir: PathBuf,
}

pub fn run(args: Args) -> stance::Result<ExitCode> {
    let files = stance::project::init::init(&args.dir)?;
    for f in &files {
        eprintln!("wrote {}", f.display());
    }
    eprintln!(
        "started a project in {}: see its GUIDE.md; `stance info` there shows what the commands use",
        args.dir.display()
    );
    Ok(ExitCode::SUCCESS)
}
