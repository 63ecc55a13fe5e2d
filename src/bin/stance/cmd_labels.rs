use clap::Subcommand;
#[derive(Subcommand)]
pub enum Command {
    Check,
}
pub fn run(_a: Command) -> stance::Result<std::process::ExitCode> {
    todo!()
}
