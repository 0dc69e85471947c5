//! # duban (督办)
//!
//! A command-line tool for a district supervision office (区督考办) that follows up the
//! tasks of a government work report, round after round.
//!
//! | module | what it holds |
//! | --- | --- |
//! | [`catalog`] | the canonical task list: notice parser, unit registry, name matching |
//! | [`cli`], [`cmd`] | the command line (clap); one module per subcommand |
//! | [`check`] | the check of returns: rules → issues; [`check::codes`] every code and its fix |
//! | [`columns`] | the template's columns: titles, synonyms, widths |
//! | [`status`] | 已完成 / 序时推进 / 滞后 / 未启动 / 未报送, in one order |
//! | [`layout`] | the template's sheets, lines and identity keys |
//! | [`template`] | one unit's fill-in workbook for a round |
//! | [`read`] | the only calamine user: sniffing, limits, sparse cells, the isolated child |
//! | [`write`] | the only rust_xlsxwriter user: templates, merge outputs, problem lists, palette |
//! | [`report`] | the check report: one type for check, merge and mail |
//! | [`merge`] | the round's merge: derived statuses, 序时进度, 蓝黄红, counts, CSV |
//! | [`mail`] | `duban mail`: contacts, message building, sent log, SMTP |
//! | [`collect`] | `duban collect`: the mailbox (IMAP, read-only), attachment names, answers |
//! | [`outputs`] | the name of every file duban writes |
//! | [`receipts`] | the mailbox's receipts log: when each return arrived |
//! | [`intake`] | which files are returns, archives, system or other files |
//! | [`fsutil`] | reading inputs, atomic writes, folder walks |
//! | [`date`] | the one date type and clock |
//! | [`error`] | the errors that stop a command |
//! | [`table`] | terminal tables that line up Chinese text |
//!
//! The binary's `main` only parses the command line and maps the outcome to an exit code:
//! 0 fine, 1 findings (a rejected return), 2 the command could not run.

pub mod catalog;
pub mod check;
pub mod cli;
pub mod cmd;
pub mod collect;
pub mod columns;
pub mod date;
pub mod error;
pub mod fault;
pub mod fsutil;
pub mod intake;
pub mod layout;
pub mod mail;
pub mod merge;
pub mod outputs;
pub mod read;
pub mod receipts;
pub mod report;
pub mod status;
pub mod table;
pub mod template;
pub mod write;

pub use error::{CliError, CliResult, Outcome};
