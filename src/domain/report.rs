//! What the check finds in returns: the values read from each return and the issues, in
//! one type that `check --format json` prints, `merge` writes as `<期次>_校验报告.json`
//! and `mail --check-report` reads back.
//!
//! `check` fills these; `merge` and `mail` only read them.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::catalog::Role;
pub use crate::domain::codes::{Code, Severity};
use crate::domain::place::{a1, column_of};
use crate::domain::status::{Status, UnitState};

/// One problem found in a return. Its place is a (row, column) of the file as returned;
/// the A1 text is made for output only.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(into = "IssueRepr", from = "IssueRepr")]
pub struct Issue {
    pub code: Code,
    pub sheet: Option<String>,
    /// 1-based row in the file as returned.
    pub row: Option<u32>,
    /// 1-based column, when the issue concerns one cell.
    pub col: Option<u32>,
    pub task: Option<u32>,
    /// What is wrong, in Chinese.
    pub message: String,
    /// How to fix it, in Chinese (the 怎么改 column of the problem list).
    pub fix: String,
}

impl Issue {
    /// An issue of `code` with the code's fix (placeholders filled from `args`).
    pub fn new(code: Code, message: impl Into<String>, args: &[(&str, &str)]) -> Issue {
        Issue {
            code,
            sheet: None,
            row: None,
            col: None,
            task: None,
            message: message.into(),
            fix: code.fix(args),
        }
    }

    pub fn severity(&self) -> Severity {
        self.code.severity()
    }

    pub fn is_error(&self) -> bool {
        self.severity() == Severity::Error
    }

    /// "H5", when the issue concerns one cell.
    pub fn cell(&self) -> Option<String> {
        match (self.row, self.col) {
            (Some(r), Some(c)) if r > 0 && c > 0 => Some(a1(r - 1, c - 1)),
            _ => None,
        }
    }

    /// Where, for a person: "任务进展!H5", "任务进展", or "整个文件".
    pub fn place(&self) -> String {
        match (&self.sheet, self.cell()) {
            (Some(s), Some(c)) => format!("{s}!{c}"),
            (Some(s), None) => s.clone(),
            (None, Some(c)) => c,
            (None, None) => "整个文件".to_string(),
        }
    }

    /// File-level issues first, then by sheet, row, column, task.
    pub fn sort_key(&self) -> (bool, Option<&str>, Option<u32>, Option<u32>, Option<u32>) {
        (
            self.sheet.is_some(),
            self.sheet.as_deref(),
            self.row,
            self.col,
            self.task,
        )
    }
}

/// The issue as JSON carries it: the code's severity and the cell in A1 form beside the
/// row, so other programs need not know the table.
#[derive(Serialize, Deserialize)]
struct IssueRepr {
    code: Code,
    #[serde(default = "default_severity")]
    severity: Severity,
    sheet: Option<String>,
    cell: Option<String>,
    row: Option<u32>,
    task: Option<u32>,
    message: String,
    #[serde(default)]
    fix: String,
}

fn default_severity() -> Severity {
    Severity::Warning
}

impl From<Issue> for IssueRepr {
    fn from(i: Issue) -> IssueRepr {
        IssueRepr {
            severity: i.severity(),
            cell: i.cell(),
            code: i.code,
            sheet: i.sheet,
            row: i.row,
            task: i.task,
            message: i.message,
            fix: i.fix,
        }
    }
}

impl From<IssueRepr> for Issue {
    fn from(r: IssueRepr) -> Issue {
        let col = r.cell.as_deref().and_then(column_of);
        Issue {
            code: r.code,
            sheet: r.sheet,
            row: r.row,
            col,
            task: r.task,
            message: r.message,
            fix: r.fix,
        }
    }
}

/// How each unit that sent anything reported: 已通过 where one of its returns is usable,
/// else 已报送未通过; a unit absent from the map sent nothing (未报送). The one derivation
/// of a unit's state: the check's lists, the merge and the ledger all come from it.
///
/// A return for another round is that round's business: it is listed with its reason but
/// does not make its unit 已报送未通过 in this one. Nor does the untouched template (模板未填写):
/// a unit that only sent that back has not reported.
pub fn unit_states<'a>(
    files: impl IntoIterator<Item = &'a FileReport>,
) -> std::collections::HashMap<&'a str, UnitState> {
    let mut states = std::collections::HashMap::new();
    for f in files {
        if f.untouched() || f.issues.iter().any(|i| i.code == Code::RoundOther) {
            continue;
        }
        if let Some(u) = f.unit.as_deref() {
            let state = if f.is_usable() {
                UnitState::Accepted
            } else if f.unread_by_office() {
                UnitState::Unreadable
            } else {
                UnitState::Rejected
            };
            let e = states.entry(u).or_insert(state);
            *e = (*e).max(state);
        }
    }
    states
}

/// Verdict on one return.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileStatus {
    Accepted,
    Rejected,
}

/// One task row as the unit returned it, values normalised.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskRow {
    pub task: u32,
    /// The unit's role on the task according to the catalog.
    pub role: Option<Role>,
    /// One of [`Status::REPORTED`], when filled in.
    pub status: Option<Status>,
    /// 0-100.
    pub percent: Option<f64>,
    pub progress: String,
    pub problems: String,
    pub next_steps: String,
    pub remarks: String,
    pub sheet: String,
    /// 1-based row in the file as returned.
    pub row: u32,
    /// 1-based column of 完成进度(%) in the file as returned, for issues about it.
    #[serde(default)]
    pub percent_col: Option<u32>,
}

/// A reported indicator value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IndicatorValue {
    pub task: u32,
    /// Indicator name as in the catalog.
    pub name: String,
    pub value: Option<f64>,
    pub note: String,
}

/// The unit's contact lines.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    pub filler: String,
    pub phone: String,
    pub reviewer: String,
}

/// What was read from a return (present even when the return is rejected, as far as it
/// could be read).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ReturnData {
    pub rows: Vec<TaskRow>,
    pub indicators: Vec<IndicatorValue>,
    pub contact: Contact,
    /// The workbook's own modified time (ISO 8601), if it records one. Read where it
    /// matters: when two returns of the unit compete, or when the hidden identity sheet
    /// is missing (the document properties are read then); otherwise left out.
    pub modified: Option<String>,
}

/// The verdict on one file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FileReport {
    pub path: PathBuf,
    /// Canonical unit name, when identified.
    pub unit: Option<String>,
    pub round: Option<String>,
    pub status: FileStatus,
    pub superseded_by: Option<PathBuf>,
    pub issues: Vec<Issue>,
    /// When it arrived (RFC 3339), where the office knows it (the mailbox's receipts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received_at: Option<String>,
    /// SHA-256 of the file, where it was needed (two returns compared, the ledger).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// Not printed by `check`; used by `merge`.
    #[serde(skip)]
    pub data: Option<ReturnData>,
}

impl FileReport {
    /// A report of a file that could not be read at all.
    pub fn unread(path: PathBuf, status: FileStatus, issue: Issue) -> FileReport {
        FileReport {
            path,
            unit: None,
            round: None,
            status,
            superseded_by: None,
            issues: vec![issue],
            received_at: None,
            sha256: None,
            data: None,
        }
    }

    /// The office could not read the file at all (no permission, a disk error): nothing
    /// the unit did, so it is not sent back.
    pub fn unread_by_office(&self) -> bool {
        self.status == FileStatus::Rejected
            && self.issues.iter().any(|i| i.is_error())
            && (self.issues.iter().filter(|i| i.is_error())).all(|i| i.code == Code::FileUnreadable)
    }

    /// The unit's template sent back with nothing filled in (模板未填写): a reply, not a
    /// return, so its unit stays 未报送.
    pub fn untouched(&self) -> bool {
        self.issues.iter().any(|i| i.code == Code::TemplateEmpty)
    }

    pub fn errors(&self) -> usize {
        self.issues.iter().filter(|i| i.is_error()).count()
    }

    pub fn warnings(&self) -> usize {
        self.issues.len() - self.errors()
    }

    /// Accepted and not superseded: what a merge uses.
    pub fn is_usable(&self) -> bool {
        self.status == FileStatus::Accepted && self.superseded_by.is_none()
    }

    /// The file's name without its folder.
    pub fn file_name(&self) -> String {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }
}

/// The whole check of a batch.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CheckReport {
    /// The round collected: `--round`, else the one most returns name.
    pub round: Option<String>,
    /// Whether `--round` was given, so that each return's round was checked against it.
    #[serde(default)]
    pub round_checked: bool,
    pub files: Vec<FileReport>,
    /// Expected units that sent no file at all (未报送).
    pub missing_units: Vec<String>,
    /// Expected units that sent files, none of them accepted (已报送未通过, 退回重报).
    #[serde(default)]
    pub rejected_units: Vec<String>,
    /// Expected units whose files the office could not read (文件无法读取): neither sent
    /// back nor 未报送 until the office has looked. Left out of the JSON when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unreadable_units: Vec<String>,
    /// Files that are not returns (非报表文件): listed, not read.
    #[serde(default)]
    pub ignored: Vec<PathBuf>,
    /// Tasks 办结 for the round: not asked for, shown as 已办结.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub closed: Vec<u32>,
    /// The templates asked only for hosted tasks (`--hosts-only`): only units hosting a
    /// task are expected (see [`crate::catalog::Catalog::expected_units`]).
    #[serde(default)]
    pub hosts_only: bool,
}

impl CheckReport {
    /// Each unit's return that stands: accepted and not superseded, else its latest not
    /// superseded (of equals, the last in the report); an untouched template never stands.
    /// What the ledger records of a unit,
    /// and what a reminder quotes.
    pub fn standing(&self) -> std::collections::HashMap<&str, &FileReport> {
        use std::collections::hash_map::Entry;
        let mut by_unit = std::collections::HashMap::new();
        let stands = |f: &&FileReport| f.superseded_by.is_none() && !f.untouched();
        for f in self.files.iter().filter(stands) {
            let Some(unit) = f.unit.as_deref() else {
                continue;
            };
            match by_unit.entry(unit) {
                Entry::Vacant(e) => {
                    e.insert(f);
                }
                Entry::Occupied(mut e) => {
                    if f.is_usable() >= e.get().is_usable() {
                        e.insert(f);
                    }
                }
            }
        }
        by_unit
    }

    /// The accepted, not superseded returns: what a merge uses.
    pub fn usable(&self) -> impl Iterator<Item = &FileReport> {
        self.files.iter().filter(|f| f.is_usable())
    }

    /// How an expected unit reported: accepted, sent back, or not at all.
    pub fn unit_state(&self, unit: &str) -> UnitState {
        if self.missing_units.iter().any(|u| u == unit) {
            UnitState::Missing
        } else if self.rejected_units.iter().any(|u| u == unit) {
            UnitState::Rejected
        } else if self.unreadable_units.iter().any(|u| u == unit) {
            UnitState::Unreadable
        } else {
            UnitState::Accepted
        }
    }

    /// The expected units that must still send something: sent nothing, or sent back.
    pub fn units_to_remind(&self) -> impl Iterator<Item = &String> {
        self.missing_units.iter().chain(&self.rejected_units)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issues_round_trip_with_their_cell_and_fix() {
        let mut i = Issue::new(Code::TaskMissing, "缺少任务 57", &[("task", "57")]);
        i.sheet = Some("任务进展".into());
        i.row = Some(5);
        i.col = Some(8);
        let json = serde_json::to_value(&i).unwrap();
        assert_eq!(json["cell"], "H5");
        assert_eq!(json["severity"], "error");
        assert_eq!(json["code"], Code::TaskMissing.as_str());
        assert!(json["fix"].as_str().unwrap().contains("任务 57"));
        let back: Issue = serde_json::from_value(json).unwrap();
        assert_eq!(back, i);
    }
}
