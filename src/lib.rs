//! # duban (督办)
//!
//! A command-line tool for a district supervision office (区督考办) that follows up the
//! tasks of a government work report, round after round.
//!
//! | module | what it holds |
//! | --- | --- |
//! | [`catalog`] | the canonical task list: notice parser, unit registry, name matching |
//! | [`cli`] | the command line (clap) |
//! | [`check`] | the check of returns: rules → issues, the API `merge` calls |
//! | [`cmd`] | one module per subcommand |
//! | [`feedback`] | the per-unit problem list workbook |
//! | [`read`] | the only calamine user: sniffing, limits, sparse cells |
//! | [`fsutil`] | atomic writes: outputs appear whole or not at all |
//! | [`merge`] | the round's merge: derived statuses, 序时进度, 蓝黄红, counts, workbooks, CSV |
//! | [`mail`] | `duban mail`: contacts, message building, sent log, SMTP |
//! | [`table`] | terminal tables that line up Chinese text |
//! | [`template`] | one unit's fill-in workbook for a round |
//! | [`write`] | the only writer of .xlsx files: styles, row heights, protection |
//!
//! The binary's `main` only parses the command line and maps the outcome to an exit code:
//! 0 fine, 1 findings (a rejected return), 2 the command could not run.

pub mod catalog;
pub mod check;
pub mod cli;
pub mod cmd;
pub mod feedback;
pub mod fsutil;
pub mod layout;
pub mod mail;
pub mod merge;
pub mod read;
pub mod report;
pub mod table;
pub mod template;
pub mod write;

/// What a command run ended in, for the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything fine (exit 0).
    Clean,
    /// The command ran and found problems (exit 1).
    Findings,
}

/// An error that stops a command; printed once by `main`, exit status 2.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Catalog(#[from] catalog::CatalogError),
    #[error(transparent)]
    Registry(#[from] catalog::registry::RegistryError),
    #[error("{0}")]
    Notice(#[from] catalog::notice::NoticeError),
    #[error(transparent)]
    Unknown(#[from] catalog::UnknownName),
    #[error(transparent)]
    Write(#[from] fsutil::WriteError),
    #[error(transparent)]
    Build(#[from] write::BuildError),
    #[error("{0}")]
    Usage(String),
}

/// Result of a command.
pub type CliResult = Result<Outcome, CliError>;
