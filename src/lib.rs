//! # duban (督办)
//!
//! A command-line tool for a district supervision office (区督考办) that follows up the
//! tasks of a government work report, round after round.
//!
//! The modules in layers, bottom first; a module uses its own layer or those below, never
//! one above (`scripts/layers` checks it):
//!
//! | layer | module | what it holds |
//! | --- | --- | --- |
//! | 0 | [`date`], [`fault`], [`fsutil`], [`columns`], [`outputs`], [`placeholder`], [`table`], [`untrusted`] | a sender's text made safe to print and save, the clock, reading inputs and atomic writes, the template's columns, every output's name, the `{name}` syntax, terminal tables |
//! | 1 | [`catalog`], [`layout`] | the canonical task list (notice parser, unit registry, name matching); the template's sheets and identity keys |
//! | 2 | [`domain`] | codes, issues and their place, statuses, colours, the round's name, what a merge derives, what the ledger hands back |
//! | 3 | [`read`], [`write`], [`docx`], [`intake`], [`receipts`], [`template`] | the only calamine user, the only rust_xlsxwriter user, the only .docx writer; which files are returns; the receipts log; one unit's template |
//! | 4 | [`check`] | the check of returns: rules → issues |
//! | 5 | [`merge`] | the round's merge: derived statuses, 蓝黄红, counts, CSV |
//! | 6 | [`ledger`] | 督办台账: the year's rounds in one SQLite file, and their history |
//! | 7 | [`bulletin`] | 通报, drafted from the merge's summary |
//! | 8 | [`mail`] | contacts, messages, the sent log, the one SMTP loop, server settings |
//! | 9 | [`collect`] | the mailbox (IMAP, read-only): returns into their rounds, answers |
//! | 10 | [`workspace`], [`ops`] | the office's folder for a year; workflows over several modules |
//! | 11 | [`cmd`], [`cli`], [`error`] | one module per subcommand; the command line; the errors that stop a command |
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
pub mod score;
pub mod table;
pub mod template;
pub mod untrusted;
pub mod workspace;
pub mod write;

pub use error::{CliError, CliResult, Outcome};
