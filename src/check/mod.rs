//! The check: reads each return and lists every problem in it against the catalog, with a
//! stable code, the cell, and a Chinese message saying how to fix it.
//!
//! Nothing in a return is trusted and nothing is required that a re-save may lose: the
//! identity sheet and the custom properties help when present, but the unit is also found
//! from the 填报单位 line and the file name, the data by its header, the rows by 序号 or
//! by their text. The check collects every problem and never stops at the first; a file
//! that cannot be read becomes one issue and the batch goes on.
//!
//! `merge` calls [`check_paths`] and uses [`CheckReport::usable`] returns' `data`.

mod contacts;
mod documents;
mod header;
mod identity;
mod indicators;
mod latest;
mod locate;
mod rows;
mod rules;
pub mod values;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::catalog::Catalog;
use crate::domain::codes::Code;
use crate::domain::report::{CheckReport, FileReport, FileStatus, Issue, ReturnData};
use crate::domain::status::UnitState;
use crate::read::{self, Limits};

pub use header::{fold_title, HEADER_SCAN_ROWS};

/// How to check.
#[derive(Clone, Debug)]
pub struct CheckOptions {
    /// The round being collected (`--round`); a return for another round is sent back.
    pub round: Option<String>,
    pub limits: Limits,
    /// The office's time zone: a saved time written without one is read in it.
    pub offset: jiff::tz::Offset,
    /// When each return arrived, where the office knows it (the mailbox's receipts):
    /// this orders a unit's returns before any time the workbooks record.
    pub received: HashMap<PathBuf, jiff::Timestamp>,
    /// Last round's rows, where the ledger has them: for 照抄上期 and its kin.
    pub previous: Option<std::sync::Arc<crate::domain::history::PreviousRows>>,
    /// Tasks 办结 for this round: not asked for.
    pub closed: std::collections::BTreeSet<u32>,
    /// Read every return's saved time, not only where returns compete: the ledger judges
    /// lateness by it where no receipt says when a return arrived.
    pub saved_times: bool,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            round: None,
            limits: Limits::default(),
            offset: crate::date::OFFICE_OFFSET,
            received: HashMap::new(),
            previous: None,
            closed: Default::default(),
            saved_times: false,
        }
    }
}

/// Collects the issues of one file.
#[derive(Default)]
pub(crate) struct Issues {
    list: Vec<Issue>,
}

/// Where an issue is: sheet, 0-based (row, column) of a cell or a 0-based row, task.
#[derive(Clone, Copy, Default)]
pub(crate) struct At<'a> {
    pub sheet: Option<&'a str>,
    pub pos: Option<(u32, u32)>,
    pub row: Option<u32>,
    pub task: Option<u32>,
}

impl Issues {
    /// Adds an issue of `code` with the code's fix.
    pub fn add(&mut self, code: Code, at: At<'_>, message: impl Into<String>) {
        self.add_with(code, at, message, &[]);
    }

    /// Adds an issue whose fix names what only this finding knows (`{task}`, `{column}` …).
    pub fn add_with(
        &mut self,
        code: Code,
        at: At<'_>,
        message: impl Into<String>,
        args: &[(&str, &str)],
    ) {
        let mut issue = Issue::new(code, message, args);
        issue.sheet = at.sheet.map(String::from);
        issue.row = at.pos.map(|(r, _)| r + 1).or(at.row.map(|r| r + 1));
        issue.col = at.pos.map(|(_, c)| c + 1);
        issue.task = at.task;
        self.list.push(issue);
    }

    /// How many issues of a code were found.
    pub fn count(&self, code: Code) -> usize {
        self.list.iter().filter(|i| i.code == code).count()
    }

    /// Takes out the first issue of a code, if any.
    pub fn take(&mut self, code: Code) -> Option<Issue> {
        let i = self.list.iter().position(|i| i.code == code)?;
        Some(self.list.remove(i))
    }

    /// Drops the issues of the codes `which` selects (superseded by a finding that says more).
    pub fn remove(&mut self, which: impl Fn(Code) -> bool) {
        self.list.retain(|i| !which(i.code));
    }
}

/// Checks every return under `paths` (files, folders, archives) against the catalog: one
/// [`FileReport`] per return, in path order, with `data` filled for every readable one;
/// the latest return of a unit for this round supersedes its others; the expected units
/// without an accepted return are split into those that sent nothing and those whose
/// returns were all sent back.
pub fn check_paths(paths: &[PathBuf], catalog: &Catalog, opts: &CheckOptions) -> CheckReport {
    let intake = crate::intake::gather(paths, &opts.limits);
    // When each return arrived, where the mailbox's receipts say (a return inside an
    // archive arrived with its archive).
    let mut received = crate::receipts::received_times(paths);
    received.extend(opts.received.iter().map(|(p, t)| (p.clone(), *t)));
    let arrived = |input: &crate::intake::Input| {
        let file = match &input.origin {
            crate::intake::Origin::Member { archive, .. } => archive,
            _ => &input.path,
        };
        received.get(file).copied()
    };
    let mut checked: Vec<Checked> = intake
        .inputs
        .par_iter()
        .map(|input| {
            let at = arrived(input);
            let mut c = check_input(input, catalog, opts, opts.saved_times && at.is_none());
            c.report.received_at = at.map(|t| crate::date::rfc3339_in(t, opts.offset));
            c
        })
        .collect();
    latest::supersede(&mut checked, opts);
    let hosts_only = checked.iter().any(|c| c.hosts_only);
    let mut files: Vec<FileReport> = checked.into_iter().map(|c| c.report).collect();
    let documents = documents::instead(paths, &intake.ignored, &files, catalog);
    let mut ignored = intake.ignored;
    ignored.retain(|p| !documents.iter().any(|d| &d.path == p));
    files.extend(documents);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let round = opts.round.clone().or_else(|| most_common_round(&files));
    let (missing_units, rejected_units, unreadable_units) =
        unit_states(catalog, &files, hosts_only);
    CheckReport {
        round,
        round_checked: opts.round.is_some(),
        closed: opts.closed.iter().copied().collect(),
        files,
        missing_units,
        rejected_units,
        unreadable_units,
        ignored,
        hosts_only,
    }
}

fn most_common_round(reports: &[FileReport]) -> Option<String> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for r in reports {
        if let Some(round) = &r.round {
            *counts.entry(round).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .map(|(r, _)| r.to_string())
}

/// The [`Catalog::expected_units`] without a usable return: (those that sent nothing, those
/// whose every file was sent back, those whose files the office could not read).
fn unit_states(
    catalog: &Catalog,
    reports: &[FileReport],
    hosts_only: bool,
) -> (Vec<String>, Vec<String>, Vec<String>) {
    let states = crate::domain::report::unit_states(reports);
    let (mut missing, mut rejected, mut unreadable) = (Vec::new(), Vec::new(), Vec::new());
    for unit in catalog.expected_units(hosts_only) {
        match states.get(unit).copied().unwrap_or(UnitState::Missing) {
            UnitState::Missing => missing.push(unit.to_string()),
            UnitState::Rejected => rejected.push(unit.to_string()),
            UnitState::Unreadable => unreadable.push(unit.to_string()),
            UnitState::Accepted => {}
        }
    }
    (missing, rejected, unreadable)
}

/// One return checked, with what the batch needs to know beside its report.
pub(crate) struct Checked {
    pub report: FileReport,
    /// Its identity says co-unit rows were not asked for (`--hosts-only` templates).
    pub hosts_only: bool,
    pub input: crate::intake::Input,
}

/// Checks one return, from a file or an archive.
/// `saved_time`: read the workbook's saved time whatever else it holds.
fn check_input(
    input: &crate::intake::Input,
    catalog: &Catalog,
    opts: &CheckOptions,
    saved_time: bool,
) -> Checked {
    let props = read::Properties::UnlessSheet(crate::layout::SHEET_IDENTITY);
    let mut sha256 = None;
    let book = input.bytes(&opts.limits).and_then(|bytes| {
        sha256 = Some(crate::catalog::sha256_hex(&bytes));
        let mut book = read::read_bytes_with(&bytes, &opts.limits, props)?;
        if saved_time && book.modified.is_none() {
            book.modified = read::read_modified(&bytes, &opts.limits).ok().flatten();
        }
        Ok(book)
    });
    let (mut report, hosts_only) = match book {
        Ok(book) => check_workbook(&book, &input.path, catalog, opts),
        Err(e) => {
            let mut report =
                FileReport::unread(input.path.clone(), FileStatus::Rejected, e.issue());
            // A file that cannot be read still came from someone: its name may say who.
            report.unit = identity::unit_in_name(catalog, &input.path);
            (report, false)
        }
    };
    report.sha256 = sha256;
    Checked {
        report,
        hosts_only,
        input: input.clone(),
    }
}

/// Checks one file (a return on disk) on its own. Returns the report and whether its
/// identity says co-unit rows were not asked for (`--hosts-only` templates).
pub fn check_file(path: &Path, catalog: &Catalog, opts: &CheckOptions) -> (FileReport, bool) {
    let input = crate::intake::gather(&[path.to_path_buf()], &opts.limits)
        .inputs
        .into_iter()
        .next();
    match input {
        Some(input) => {
            let c = check_input(&input, catalog, opts, opts.saved_times);
            (c.report, c.hosts_only)
        }
        None => {
            let e = read::ReadError::NotSpreadsheet {
                what: "不是表格文件".into(),
            };
            (
                FileReport::unread(path.to_path_buf(), FileStatus::Rejected, e.issue()),
                false,
            )
        }
    }
}

/// Checks a workbook already read; `path` names the file (its name is one of the ways to
/// find the unit). The fuzz target's second stage, after [`read::read_bytes`].
pub fn check_workbook(
    book: &read::Workbook,
    path: &Path,
    catalog: &Catalog,
    opts: &CheckOptions,
) -> (FileReport, bool) {
    let mut issues = Issues::default();
    let mut report = FileReport {
        path: path.to_path_buf(),
        unit: None,
        round: None,
        status: FileStatus::Rejected,
        superseded_by: None,
        issues: Vec::new(),
        received_at: None,
        sha256: None,
        data: None,
    };
    let mut id = identity::identify(book, path, catalog, opts, &mut issues);
    if id.unit.is_none() {
        identity::unit_by_tasks(book, catalog, &mut id, &mut issues);
    }
    report.unit = id.unit.clone();
    report.round = id.round.clone();
    let data = rows::check_rows(book, catalog, &id, opts, &mut issues);
    if id.catalog_differs {
        identity::judge_catalog(&data, &mut issues);
    }
    report.data = Some(ReturnData {
        modified: book.modified.clone(),
        ..data
    });
    report.issues = issues.list;
    report
        .issues
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    report.status = if report.issues.iter().any(Issue::is_error) {
        FileStatus::Rejected
    } else {
        FileStatus::Accepted
    };
    (report, id.hosts_only)
}
