//! A merged round as the layers above the merge read it: each task's line (its hosts' and
//! co-units' entries, derived status, percent, 疑似滞后 flag and colour) over the catalog and
//! the checked returns. The merge builds it; the writers, the ledger and the
//! bulletin only read it.

use std::borrow::Cow;
use std::collections::HashMap;

use indexmap::IndexMap;

use crate::catalog::{format_number, Catalog, Task};
use crate::columns::{DetailField, TaskCol, DETAIL_COLUMNS};
use crate::domain::colour::{Colour, Thresholds};
use crate::domain::report::{CheckReport, FileReport, TaskRow};
use crate::domain::status::{Status, UnitState};

/// One unit's part in a task: its return (if any), its row (if it filled one), and how
/// the unit reported (a unit whose returns were sent back did report).
#[derive(Clone, Copy, Debug)]
pub struct Entry<'a> {
    pub unit: &'a str,
    pub file: Option<&'a FileReport>,
    pub row: Option<&'a TaskRow>,
    pub state: UnitState,
    /// The task was closed (办结) before this round: nothing is asked of the unit.
    pub closed: bool,
}

impl Entry<'_> {
    /// The row's status; without a usable return, 未报送 or 退回重报.
    pub fn status(&self) -> Status {
        if self.closed {
            return Status::Closed;
        }
        match (self.row.and_then(|r| r.status), self.file) {
            (Some(s), _) => s,
            (None, None) => self.state.status(),
            (None, Some(_)) => Status::Unreported,
        }
    }

    pub fn percent(&self) -> Option<f64> {
        self.row.and_then(|r| r.percent)
    }

    /// "序时推进 60%", "未报送", "退回重报", "未填写" (returned, row missing or without status).
    pub fn status_text(&self) -> String {
        if self.closed {
            return Status::Closed.label().to_string();
        }
        match (self.file, self.row) {
            (None, _) => self.state.status().label().to_string(),
            (Some(_), Some(r)) if r.status.is_some() => match r.percent {
                Some(p) => format!("{} {}%", self.status().label(), format_number(round1(p))),
                None => self.status().label().to_string(),
            },
            (Some(_), _) => "未填写".to_string(),
        }
    }
}

/// One task of 总表 with everything derived from its hosts' and co-units' rows.
#[derive(Clone, Debug)]
pub struct TaskLine<'a> {
    pub task: &'a Task,
    /// Host units (groups expanded), in catalog order, returned or not.
    pub hosts: Vec<Entry<'a>>,
    /// Co-units (groups expanded) and any other unit that returned a row for the task.
    pub co_units: Vec<Entry<'a>>,
    /// The least advanced of the hosts' statuses; when no host reported one, 退回重报 if a
    /// host's return was sent back, else 未报送.
    pub status: Status,
    /// The least of the hosts' percents.
    pub percent: Option<f64>,
    /// 疑似滞后: 序时推进, but a host's percent is more than the tolerance below 序时进度.
    pub behind: bool,
    pub colour: Colour,
    /// 序时进度 for this task: the round's, or the share of the task's own window (to its
    /// 完成时限) elapsed; `None` when the round's is unknown.
    pub schedule: Option<f64>,
    /// 逾期: past its 完成时限 and neither 已完成 nor 办结.
    pub overdue: bool,
}

impl TaskLine<'_> {
    /// Hosts that have not returned.
    pub fn missing_hosts(&self) -> impl Iterator<Item = &Entry<'_>> {
        self.hosts.iter().filter(|e| e.file.is_none())
    }
}

/// The merge of one round: the catalog, the checked returns and the derived task lines.
#[derive(Debug)]
pub struct Merged<'a> {
    pub catalog: &'a Catalog,
    pub report: &'a CheckReport,
    /// 序时进度 in percent, when known.
    pub schedule: Option<f64>,
    pub thresholds: Thresholds,
    /// Each unit's usable return (accepted, not superseded), in report order.
    pub returns: IndexMap<&'a str, &'a FileReport>,
    /// How each unit that sent anything reported; a unit not here sent nothing.
    pub states: HashMap<&'a str, UnitState>,
    /// The catalog's tasks in order.
    pub tasks: Vec<TaskLine<'a>>,
    /// What the rounds before say, where a ledger knows them (in a workspace).
    pub history: Option<crate::domain::history::History>,
}

impl<'a> Merged<'a> {
    /// The units expected to return, in registry order (see [`Catalog::expected_units`]).
    pub fn expected_units(&self) -> impl Iterator<Item = &'a str> + 'a {
        self.catalog.expected_units(self.report.hosts_only)
    }

    /// How a unit reported.
    pub fn state(&self, unit: &str) -> UnitState {
        self.states.get(unit).copied().unwrap_or(UnitState::Missing)
    }

    /// Expected units that sent nothing.
    pub fn missing_units(&self) -> Vec<&'a str> {
        self.expected_units()
            .filter(|u| self.state(u) == UnitState::Missing)
            .collect()
    }

    /// Expected units whose returns were all sent back (退回重报).
    pub fn rejected_units(&self) -> Vec<&'a str> {
        self.expected_units()
            .filter(|u| self.state(u) == UnitState::Rejected)
            .collect()
    }

    /// The tasks a leader leads: first those lagging two rounds running or more (longest
    /// first, where the ledger knows), then least advanced first (滞后, 未启动, 未报送,
    /// 退回重报, then 序时推进, 已完成 and 已办结), each group in task order.
    pub fn leader_tasks(&self, leader: &str) -> Vec<&TaskLine<'a>> {
        let mut v: Vec<&TaskLine> = self
            .tasks
            .iter()
            .filter(|l| l.task.leaders.iter().any(|x| x == leader))
            .collect();
        v.sort_by_key(|l| {
            let streak = self.streak(l);
            (
                std::cmp::Reverse(if streak >= 2 { streak } else { 0 }),
                l.status,
                l.task.number,
            )
        });
        v
    }

    /// Rounds running a task has lagged, this round included (0 without a ledger).
    pub fn streak(&self, l: &TaskLine) -> u32 {
        self.history
            .as_ref()
            .map_or(0, |h| h.streak(l.task.number, l.status, l.colour))
    }

    /// Every returned row in file order, with its return: the detail sheet and the CSV.
    pub fn detail(&self) -> impl Iterator<Item = (&'a FileReport, &'a TaskRow)> + '_ {
        self.returns.values().flat_map(|f| {
            f.data
                .iter()
                .flat_map(move |d| d.rows.iter().map(move |r| (*f, r)))
        })
    }
}

/// Rounds to one decimal, for display (91.66… → 91.7).
pub fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// A detail row's cells as text (percent and row as numbers' text), one per column of
/// [`DETAIL_COLUMNS`], which decides what each column holds.
pub fn detail_records<'m>(m: &'m Merged<'_>) -> impl Iterator<Item = [Cow<'m, str>; 12]> + 'm {
    m.detail()
        .map(|(f, r)| DETAIL_COLUMNS.map(|(field, _)| detail_cell(field, f, r)))
}

/// One cell of the detail.
fn detail_cell<'m>(field: DetailField, f: &'m FileReport, r: &'m TaskRow) -> Cow<'m, str> {
    match field {
        DetailField::Unit => Cow::Borrowed(f.unit.as_deref().unwrap_or("")),
        DetailField::File => Cow::Owned(f.file_name()),
        DetailField::Sheet => Cow::Borrowed(r.sheet.as_str()),
        DetailField::Row => Cow::Owned(r.row.to_string()),
        DetailField::Task(c) => match c {
            TaskCol::Number => Cow::Owned(r.task.to_string()),
            TaskCol::Role => Cow::Borrowed(r.role.map_or("", |x| x.label())),
            TaskCol::Status => Cow::Borrowed(r.status.map_or("", |s| s.label())),
            TaskCol::Percent => Cow::Owned(
                r.percent
                    .map(|p| format_number(round1(p)))
                    .unwrap_or_default(),
            ),
            TaskCol::Progress => Cow::Borrowed(r.progress.as_str()),
            TaskCol::Problems => Cow::Borrowed(r.problems.as_str()),
            TaskCol::NextSteps => Cow::Borrowed(r.next_steps.as_str()),
            TaskCol::Remarks => Cow::Borrowed(r.remarks.as_str()),
            // Canonical and last round's columns are not the return's: not in the detail.
            TaskCol::Section
            | TaskCol::Text
            | TaskCol::Leaders
            | TaskCol::Others
            | TaskCol::Deadline
            | TaskCol::LastStatus
            | TaskCol::LastPercent
            | TaskCol::LastProgress => Cow::Borrowed(""),
        },
    }
}
