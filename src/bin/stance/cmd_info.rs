use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use stance::project::info::Info;

use crate::project_ctx;

/// Show the project, model, actors file and label store in use here.
///
/// The project is found the way git finds its folder (--project,
/// STANCE_PROJECT, the nearest stance.toml at or above this folder, else the
/// nearest folder holding labels/actors.toml). The model is --model, else
/// the project's models/default.model, else the model built into stance;
/// shown with its registry name, SHA-256, format version, what it was
/// trained on and its measured quality. The actors file is --actors, else
/// the project's, else the built-in one. The label store is counted when
/// present. --json prints the same as one object.
///
/// Exit status: 0, or 2 when the project file, the model or the actors file
/// in use cannot be read.
#[derive(Parser)]
#[command(after_help = examples!(
    "stance info",
    "stance info --json --project ~/my-project",
))]
pub struct Args {
    /// The model to describe instead of the one in use.
    #[arg(long)]
    model: Option<PathBuf>,
    /// The actors file to describe instead of the one in use.
    #[arg(long)]
    actors: Option<PathBuf>,
    /// One JSON object instead of lines.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args) -> stance::Result<ExitCode> {
    let info = Info::gather(
        project_ctx::project(),
        &project_ctx::model(args.model.as_ref()),
        &project_ctx::actors(args.actors.as_ref()),
        &project_ctx::labels(None),
    )?;
    if args.json {
        outln!(
            "{}",
            serde_json::to_string_pretty(&info).expect("info serialises")
        )?;
    } else {
        out!("{}", info.render())?;
    }
    Ok(ExitCode::SUCCESS)
}
