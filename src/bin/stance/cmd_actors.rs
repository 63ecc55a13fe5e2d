use clap::Parser;
#[derive(Parser)]
pub struct Args {}
pub fn run(_a: Args) -> stance::Result<std::process::ExitCode> {
    todo!()
}
