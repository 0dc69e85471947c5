use std::io::Write;
use std::process::ExitCode;

use duban::Outcome;

fn main() -> ExitCode {
    // The .xls/.ods reader's sandbox (see duban::read::Isolation); not a user command.
    let mut args = std::env::args_os().skip(1);
    if args.next().as_deref() == Some(std::ffi::OsStr::new(duban::read::ISOLATED_SUBCOMMAND)) {
        let rest: Vec<String> = args.map(|a| a.to_string_lossy().into_owned()).collect();
        return duban::read::isolated_child(&rest);
    }
    match duban::cli::parse().run() {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Findings) => ExitCode::from(1),
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "duban: {e}");
            ExitCode::from(2)
        }
    }
}
