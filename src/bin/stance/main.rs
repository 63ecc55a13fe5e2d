//! The `stance` command line: argument parsing and output only; all the work
//! is in the library.

/// `println!` that returns the write error instead of panicking: every
/// command prints through it, so `stance … | head` ends quietly and a full
/// disk is an error with exit 2 (see `main`).
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*).map_err(|e| stance::outfile::write_err(None, e))
    }};
}

/// `print!` counterpart of [`outln!`].
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        write!(std::io::stdout().lock(), $($arg)*).map_err(|e| stance::outfile::write_err(None, e))
    }};
}

/// The `Examples:` block after a command's help, one command a line
/// (doc comments are reflowed into paragraphs, so examples written there
/// run together on one line).
macro_rules! examples {
    ($($example:literal),+ $(,)?) => {
        concat!("Examples:", $("\n  ", $example),+)
    };
}

mod cmd_actors;
mod cmd_agree;
mod cmd_eval;
mod cmd_info;
mod cmd_ingest;
mod cmd_init;
mod cmd_labels;
mod cmd_models;
mod cmd_report;
mod cmd_retrain;
mod cmd_score;
mod cmd_suggest;
mod cmd_train;
mod data_args;
mod input_args;
mod io;
mod model_ctx;
mod project_ctx;
mod store_ctx;
mod train_args;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Who is for and who is against whom in the news.
///
/// Finds the actors (countries, leaders, organisations) in news articles and
/// their reader comments, and classifies each unit's stance toward each actor
/// (pro / anti / none) and its sentiment. `stance <command> --help` says
/// more about each command, with examples.
#[derive(Parser)]
#[command(
    name = "stance",
    version,
    propagate_version = true,
    after_help = examples!(
        "stance run seeds/",
        "stance score --text \"I love India.\"",
        "stance score --model models/default.model units.jsonl -o scores.jsonl",
        "stance report --scores scores.jsonl --format html -o report.html",
        "stance labels check",
        "stance train --data labels/ -o my.model",
        "stance info",
    )
)]
struct Cli {
    /// The project folder (or its stance.toml) [default: $STANCE_PROJECT, or
    /// the nearest stance.toml in this folder or above, or the nearest
    /// folder holding labels/actors.toml; without one, the model and actors
    /// built into stance].
    #[arg(long, global = true)]
    project: Option<std::path::PathBuf>,
    /// Fail (exit 2) instead of waiting when another stance process is
    /// writing the label store or models/ this command locks.
    #[arg(long, global = true)]
    no_wait: bool,
    /// The longest input line (unit, label, data and score records, page
    /// lines) in bytes; a longer one is rejected with its line number and
    /// reading goes on, so memory stays bounded.
    #[arg(long, global = true, default_value_t = stance::limits::DEFAULT_MAX_LINE_BYTES,
          value_parser = clap::builder::TypedValueParser::map(
              clap::value_parser!(u64).range(1..), |n| n as usize))]
    max_line_bytes: usize,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Ingest(cmd_ingest::Args),
    Actors(cmd_actors::Args),
    #[command(subcommand)]
    Labels(cmd_labels::Command),
    Train(cmd_train::Args),
    Eval(cmd_eval::Args),
    Score(cmd_score::Args),
    Report(cmd_report::ReportArgs),
    Run(cmd_report::RunArgs),
    Agree(cmd_agree::Args),
    Retrain(cmd_retrain::Args),
    Models(cmd_models::Args),
    Suggest(cmd_suggest::Args),
    Info(cmd_info::Args),
    Init(cmd_init::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    store_ctx::set_no_wait(cli.no_wait);
    stance::limits::set_max_line_bytes(cli.max_line_bytes);
    // The default label store and models folder are recovered from an
    // interrupted commit before any command reads them; commands given
    // other folders recover those themselves.
    let started = project_ctx::init(cli.project.as_deref())
        .and_then(|()| store_ctx::recover(&project_ctx::labels(None)))
        .and_then(|()| store_ctx::recover(&project_ctx::models_dir(None)));
    if let Err(e) = started {
        io::report_error(&e);
        return ExitCode::from(2);
    }
    let result = match cli.command {
        Command::Ingest(a) => cmd_ingest::run(a),
        Command::Actors(a) => cmd_actors::run(a),
        Command::Labels(c) => cmd_labels::run(c),
        Command::Train(a) => cmd_train::run(a),
        Command::Eval(a) => cmd_eval::run(a),
        Command::Score(a) => cmd_score::run(a),
        Command::Report(a) => cmd_report::report(a),
        Command::Run(a) => cmd_report::run(a),
        Command::Agree(a) => cmd_agree::run(a),
        Command::Retrain(a) => cmd_retrain::run(a),
        Command::Models(a) => cmd_models::run(a),
        Command::Suggest(a) => cmd_suggest::run(a),
        Command::Info(a) => cmd_info::run(a),
        Command::Init(a) => cmd_init::run(a),
    };
    // Everything printed is flushed before the exit code is decided, so
    // a write error at the very end still counts.
    let flushed = std::io::Write::flush(&mut std::io::stdout())
        .map_err(|e| stance::outfile::write_err(None, e));
    match result.and_then(|code| flushed.map(|()| code)) {
        Ok(code) => code,
        // The reader went away (`stance … | head`): not an error (ripgrep's
        // convention).
        Err(stance::Error::Io { source, .. })
            if source.kind() == std::io::ErrorKind::BrokenPipe =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            io::report_error(&e);
            ExitCode::from(2)
        }
    }
}
