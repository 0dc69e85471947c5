//! What the check finds in returns: the values read from each return and the issues, in
//! the shape `check --format json` prints and `merge` consumes.
//!
//! `check` fills these; `merge` and `mail` only read them.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::catalog::Role;
use crate::layout::Status;

/// How bad an issue is: an error rejects the return, a warning does not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem found in a return.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Issue {
    /// Stable code, e.g. `E-STATUS-MISSING`, `W-STATUS-NORMALISED`.
    pub code: String,
    pub severity: Severity,
    pub sheet: Option<String>,
    /// A1 reference in the file as returned.
    pub cell: Option<String>,
    /// 1-based row in the file as returned.
    pub row: Option<u32>,
    pub task: Option<u32>,
    /// What is wrong, in Chinese.
    pub message: String,
    /// How to fix it, in Chinese (the 怎么改 column of the feedback workbook).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub fix: String,
}

/// Verdict on one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileStatus {
    Accepted,
    Rejected,
    Skipped,
}

/// One task row as the unit returned it, values normalised.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskRow {
    pub task: u32,
    /// The unit's role on the task according to the catalog.
    pub role: Option<Role>,
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

/// The verdict on one file, as `check --format json` prints it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FileReport {
    pub path: PathBuf,
    /// Canonical unit name, when identified.
    pub unit: Option<String>,
    pub round: Option<String>,
    pub status: FileStatus,
    pub superseded_by: Option<PathBuf>,
    pub issues: Vec<Issue>,
    /// Not printed by `check`; used by `merge`.
    #[serde(skip)]
    pub data: Option<ReturnData>,
}

/// The whole check of a batch.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckReport {
    pub round: Option<String>,
    pub files: Vec<FileReport>,
    /// Units with tasks and no accepted return.
    pub missing_units: Vec<String>,
}

impl CheckReport {
    /// The accepted, not superseded returns: what a merge uses.
    pub fn usable(&self) -> impl Iterator<Item = &FileReport> {
        self.files
            .iter()
            .filter(|f| f.status == FileStatus::Accepted && f.superseded_by.is_none())
    }
}
