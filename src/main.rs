use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use duban::{cli::Cli, Outcome};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.run() {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Findings) => ExitCode::from(1),
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "duban: {e}");
            ExitCode::from(2)
        }
    }
}
