//! One module per subcommand: its arguments and its `run`.

pub mod bulletin;
pub mod catalog;
pub mod check;
mod check_text;
pub mod collect;
pub mod escalate;
mod globals;
pub mod history;
pub mod init;
pub mod ledger;
pub mod mail;
pub mod merge;
pub mod remind;
pub mod round;
mod round_catalogs;
pub mod score;
pub mod status;
pub mod task;
pub mod templates;

use std::io::Write;

pub use globals::{round_note, Globals};

/// `--format` of the commands that print a report: text for a clerk, JSON for programs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// Prints to stdout, control characters but line breaks and tabs written out (a file name
/// or a cell's text holding `ESC [2J` must not clear the screen; in JSON the escape stays
/// the character, [`crate::untrusted::shown_lines`]); a closed pipe (`duban … | head`) ends
/// the program quietly.
pub fn out(text: &str) {
    let text = crate::untrusted::shown_lines(text);
    let mut stdout = std::io::stdout().lock();
    if stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
        .is_err()
    {
        std::process::exit(0);
    }
}
