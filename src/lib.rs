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
//! | [`docx`] | the only .docx writer: official documents in the GB/T 9704 layout, 红头 templates filled |
//! | [`report`] | the check report: one type for check, merge and mail |
//! | [`ledger`] | 督办台账: the year's rounds in one SQLite file, and their history |
//! | [`merge`] | the round's merge: derived statuses, 序时进度, 蓝黄红, counts, CSV |
//! | [`bulletin`] | 通报: the round's bulletin drafted from the merge's summary (wording, history, layout) |
//! | [`mail`] | `duban mail`: contacts, message building, sent log, SMTP |
//! | [`collect`] | `duban collect`: the mailbox (IMAP, read-only), attachment names, answers |
//! | [`ops`] | workflows just below the commands: a round's merge, a round's templates |
//! | [`outputs`] | the name of every file duban writes |
//! | [`placeholder`] | the `{name}` syntax of the office's editable texts (mail, bulletin) |
//! | [`receipts`] | the mailbox's receipts log: when each return arrived |
//! | [`intake`] | which files are returns, archives, system or other files |
//! | [`fsutil`] | reading inputs, atomic writes, folder walks |
//! | [`date`] | the one date type and clock |
//! | [`workspace`] | the office's folder for a year: duban.toml, rounds/, the ledger |
//! | [`error`] | the errors that stop a command |
//! | [`table`] | terminal tables that line up Chinese text |
//! | [`untrusted`] | a sender's text made safe to print, log and use in a file name |
//!
//! The binary's `main` only parses the command line and maps the outcome to an exit code:
//! 0 fine, 1 findings (a rejected return), 2 the command could not run.

pub mod bulletin;
pub mod catalog;
pub mod check;
pub mod cli;
pub mod cmd;
pub mod collect;
pub mod columns;
pub mod date;
pub mod docx;
pub mod domain;
pub mod error;
pub mod fault;
pub mod fsutil;
pub mod intake;
pub mod layout;
pub mod ledger;
pub mod mail;
pub mod merge;
pub mod ops;
pub mod outputs;
pub mod placeholder;
pub mod read;
pub mod receipts;
pub mod table;
pub mod template;
pub mod untrusted;
pub mod workspace;
pub mod write;

pub use error::{CliError, CliResult, Outcome};
