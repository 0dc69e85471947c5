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

pub mod codes;
mod contacts;
mod header;
mod identity;
mod indicators;
mod locate;
mod rows;
pub mod values;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use rayon::prelude::*;

use crate::catalog::{Catalog, Role};
use crate::read::{self, Limits};
use crate::report::{CheckReport, FileReport, FileStatus, Issue, ReturnData};

pub use codes::{Code, Severity};
pub use header::{fold_title, HEADER_SCAN_ROWS};

/// How to check.
#[derive(Clone, Debug, Default)]
pub struct CheckOptions {
    /// The round being collected (`--round`); returns naming another round get a warning.
    pub round: Option<String>,
    pub limits: Limits,
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
}

/// The units expected to return in a round: every unit with a task, or only those hosting
/// one when the templates were made with `--hosts-only`. Check, merge and mail all count
/// from this one set.
pub fn expected_units(catalog: &Catalog, hosts_only: bool) -> impl Iterator<Item = &str> {
    catalog
        .assignments()
        .iter()
        .filter(move |(_, tasks)| !hosts_only || tasks.iter().any(|(_, r)| *r == Role::Host))
        .map(|(unit, _)| unit.as_str())
}

/// Checks every file under `paths` (files or folders) against the catalog: one
/// [`FileReport`] per file, in path order, with `data` filled for every readable file;
/// later returns of a unit supersede earlier ones; `missing_units` lists units with tasks
/// and no usable return.
pub fn check_paths(paths: &[PathBuf], catalog: &Catalog, opts: &CheckOptions) -> CheckReport {
    let crate::fsutil::Walk { files, skipped } = crate::fsutil::walk(paths);
    let mut checked: Vec<(FileReport, bool)> = files
        .par_iter()
        .map(|p| check_file(p, catalog, opts))
        .collect();
    supersede(&mut checked, &opts.limits);
    let hosts_only = checked.iter().any(|(_, h)| *h);
    let mut reports: Vec<FileReport> = checked.into_iter().map(|(r, _)| r).collect();
    for p in skipped {
        let issue = Issue::new(
            Code::FileSkipped,
            "这是 Excel/WPS 打开文件时产生的临时（锁定）文件或隐藏文件，已跳过",
            &[],
        );
        reports.push(FileReport::unread(p, FileStatus::Skipped, issue));
    }
    reports.sort_by(|a, b| a.path.cmp(&b.path));
    let round = opts.round.clone().or_else(|| most_common_round(&reports));
    let missing_units = missing_units(catalog, &reports, hosts_only);
    CheckReport {
        round,
        files: reports,
        missing_units,
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

/// [`expected_units`] that have no usable return.
fn missing_units(catalog: &Catalog, reports: &[FileReport], hosts_only: bool) -> Vec<String> {
    let returned: HashSet<&str> = reports
        .iter()
        .filter(|r| r.is_usable())
        .filter_map(|r| r.unit.as_deref())
        .collect();
    expected_units(catalog, hosts_only)
        .filter(|unit| !returned.contains(unit))
        .map(String::from)
        .collect()
}

/// What decides which of a unit's returns is the latest, in order.
type Latest = (Option<String>, Option<SystemTime>, PathBuf);

/// Marks all but the latest return of each unit as superseded by the latest: latest by
/// the workbook's own modified time, then by the file's, then by path. Only competing
/// returns need these times, so only theirs are looked up here (the workbook's, if the
/// read skipped its properties, is read now and kept in the report).
fn supersede(checked: &mut [(FileReport, bool)], limits: &read::Limits) {
    let mut by_unit: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, (r, _)) in checked.iter().enumerate() {
        if let (Some(unit), Some(_)) = (&r.unit, &r.data) {
            by_unit.entry(unit.clone()).or_default().push(i);
        }
    }
    for (_, idx) in by_unit {
        if idx.len() < 2 {
            continue;
        }
        let mut keyed: Vec<(Latest, usize)> = idx
            .iter()
            .map(|&i| {
                let r = &mut checked[i].0;
                if let Some(data) = r.data.as_mut().filter(|d| d.modified.is_none()) {
                    data.modified = read::read_modified(&r.path, limits).ok().flatten();
                }
                let modified = r.data.as_ref().and_then(|d| d.modified.clone());
                let mtime = std::fs::metadata(&r.path).and_then(|m| m.modified()).ok();
                ((modified, mtime, r.path.clone()), i)
            })
            .collect();
        keyed.sort();
        let idx: Vec<usize> = keyed.into_iter().map(|(_, i)| i).collect();
        let latest = checked[*idx.last().unwrap()].0.path.clone();
        for &i in &idx[..idx.len() - 1] {
            let report = &mut checked[i].0;
            report.superseded_by = Some(latest.clone());
            report.issues.push(Issue::new(
                Code::Superseded,
                format!(
                    "本单位另有更晚报送的文件 {}，本文件已被其取代（两份均保留）",
                    latest.display()
                ),
                &[],
            ));
        }
    }
}

/// Checks one file. Returns the report and whether its identity says co-unit rows were
/// not asked for (`--hosts-only` templates).
pub fn check_file(path: &Path, catalog: &Catalog, opts: &CheckOptions) -> (FileReport, bool) {
    let props = read::Properties::UnlessSheet(crate::layout::SHEET_IDENTITY);
    match read::read_workbook_with(path, &opts.limits, props) {
        Ok(book) => check_workbook(&book, path, catalog, opts),
        Err(e) => {
            let report = FileReport::unread(path.to_path_buf(), FileStatus::Rejected, e.issue());
            (report, false)
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
        data: None,
    };
    let id = identity::identify(book, path, catalog, opts, &mut issues);
    report.unit = id.unit.clone();
    report.round = id.round.clone();
    let data = rows::check_rows(book, catalog, &id, &opts.limits, &mut issues);
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
