//! Merge: from the catalog and a checked batch of returns to what the office hands its
//! leaders: each task's derived status, percent, 疑似滞后 flag and 蓝黄红 colour, and the
//! counts, indicator rates and leader summaries built on them.
//!
//! Everything here is a pure function of a [`Catalog`] and a [`CheckReport`] (plus 序时进度
//! and the colour thresholds), so the rules are tested without files; [`crate::write::merge`] and
//! [`csv`] only lay the results out, and `cmd::merge` only reads, calls and writes.
//!
//! The rules, as the office states them:
//! - a task's 推进状态 is the least advanced of its hosts' (滞后 before 未启动 before 序时推进
//!   before 已完成); with no host return at all it is 未报送;
//! - a task reported 序时推进 more than `tolerance` points below 序时进度 is 疑似滞后 (a column of
//!   its own: the status stays as derived) and its return gets a warning;
//! - 蓝 done or on schedule, 黄 lagging or behind 序时进度 by up to `red_gap` points, 红 further
//!   behind, 未启动 after mid-year, or 未报送.

pub mod colour;
pub mod csv;
pub mod schedule;
pub mod stats;
pub mod summary;

use std::collections::{HashMap, HashSet};

use indexmap::IndexMap;

use crate::catalog::{format_number, Catalog, Task};
use crate::check::Code;
use crate::report::{CheckReport, FileReport, Issue, TaskRow};
use crate::status::{Status, UnitState};

pub use colour::{Colour, Config, Thresholds};

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
    pub history: Option<crate::ledger::history::History>,
}

impl<'a> Merged<'a> {
    /// Derives every task's line from the usable returns of `report`.
    pub fn new(
        catalog: &'a Catalog,
        report: &'a CheckReport,
        schedule: Option<f64>,
        thresholds: Thresholds,
    ) -> Merged<'a> {
        let mut returns: IndexMap<&str, &FileReport> = IndexMap::new();
        for f in report.usable() {
            if let Some(u) = f.unit.as_deref() {
                // The check leaves one usable return per unit; should two remain, the later wins.
                returns.insert(u, f);
            }
        }
        let mut states: HashMap<&str, UnitState> = HashMap::new();
        for f in &report.files {
            if let Some(u) = f.unit.as_deref() {
                let state = if f.is_usable() {
                    UnitState::Accepted
                } else {
                    UnitState::Rejected
                };
                let e = states.entry(u).or_insert(state);
                *e = (*e).max(state);
            }
        }
        // task → rows of that task, in return order.
        let mut by_task: HashMap<u32, Vec<(&str, &FileReport, &TaskRow)>> = HashMap::new();
        let closed: HashSet<u32> = report.closed.iter().copied().collect();
        let mut seen: HashSet<(u32, &str)> = HashSet::new();
        for (unit, f) in &returns {
            for row in f.data.iter().flat_map(|d| &d.rows) {
                if seen.insert((row.task, unit)) {
                    by_task.entry(row.task).or_default().push((unit, f, row));
                }
            }
        }
        let sources = Sources {
            catalog,
            states: &states,
            returns: &returns,
            closed: &closed,
            schedule,
            thresholds: &thresholds,
        };
        let tasks = catalog
            .tasks()
            .iter()
            .map(|task| {
                let rows = by_task.get(&task.number).map_or(&[][..], |v| v.as_slice());
                line(&sources, task, rows)
            })
            .collect();
        Merged {
            catalog,
            report,
            schedule,
            thresholds,
            returns,
            states,
            tasks,
            history: None,
        }
    }

    /// The units expected to return, in registry order (see [`crate::check::expected_units`]).
    pub fn expected_units(&self) -> impl Iterator<Item = &'a str> + 'a {
        crate::check::expected_units(self.catalog, self.report.hosts_only)
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

/// What every task's line is derived from.
struct Sources<'a, 'b> {
    catalog: &'a Catalog,
    states: &'b HashMap<&'a str, UnitState>,
    returns: &'b IndexMap<&'a str, &'a FileReport>,
    /// Tasks closed (办结) before this round.
    closed: &'b HashSet<u32>,
    schedule: Option<f64>,
    thresholds: &'b Thresholds,
}

fn line<'a>(
    src: &Sources<'a, '_>,
    task: &'a Task,
    rows: &[(&'a str, &'a FileReport, &'a TaskRow)],
) -> TaskLine<'a> {
    let Sources {
        catalog,
        states,
        returns,
        schedule,
        thresholds: t,
        ..
    } = *src;
    let closed = src.closed.contains(&task.number);
    // City-scale tasks have hundreds of units and thousands of rows: look them up by name.
    let mut by_unit: HashMap<&str, &'a TaskRow> = HashMap::with_capacity(rows.len());
    for (u, _, r) in rows {
        by_unit.entry(*u).or_insert(*r);
    }
    let entry = |unit: &'a str| Entry {
        unit,
        file: returns.get(unit).copied(),
        row: by_unit.get(unit).copied(),
        state: states.get(unit).copied().unwrap_or(UnitState::Missing),
        closed,
    };
    let mut listed: HashSet<&'a str> = HashSet::new();
    let mut expand = |names: &'a [String]| {
        let mut units: Vec<&'a str> = Vec::new();
        for n in names {
            for u in catalog.expand_name(n) {
                if listed.insert(u.name.as_str()) {
                    units.push(u.name.as_str());
                }
            }
        }
        units
    };
    // Hosts first: a unit listed as both is a host.
    let host_units = expand(&task.hosts);
    let co_unit_names = expand(&task.co_units);
    let mut hosts: Vec<Entry> = host_units.iter().map(|u| entry(u)).collect();
    let mut co_units: Vec<Entry> = co_unit_names.into_iter().map(entry).collect();
    // Units outside the lists (an open list 等, a group the registry cannot enumerate) that
    // reported anyway: hosts when no host can be named, co-units otherwise.
    let extra: Vec<Entry> = rows
        .iter()
        .filter(|(u, _, _)| !listed.contains(u))
        .map(|(u, f, r)| Entry {
            unit: u,
            file: Some(*f),
            row: Some(*r),
            state: UnitState::Accepted,
            closed,
        })
        .collect();
    if hosts.is_empty() {
        hosts.extend(extra);
    } else {
        co_units.extend(extra);
    }

    let reported: Vec<&Entry> = hosts
        .iter()
        .filter(|e| !e.status().is_unreported())
        .collect();
    // No host reported: 退回重报 says there is something to chase; the least-advanced rule
    // leaves both out alike.
    let unreported = if hosts.iter().any(|e| e.status() == Status::Rejected) {
        Status::Rejected
    } else {
        Status::Unreported
    };
    let status = reported
        .iter()
        .map(|e| e.status())
        .min()
        .unwrap_or(unreported);
    let percent = reported
        .iter()
        .filter_map(|e| e.percent())
        .min_by(|a, b| a.total_cmp(b));
    let behind = status == Status::OnSchedule
        && schedule.is_some_and(|s| {
            reported
                .iter()
                .any(|e| t.behind(e.row.and_then(|r| r.status), e.percent(), s))
        });
    let colour = t.colour(status, percent, schedule);
    TaskLine {
        task,
        hosts,
        co_units,
        status,
        percent,
        behind,
        colour,
    }
}

/// Adds a warning to every usable return's 序时推进 row whose percent is more than the
/// tolerance below 序时进度, so the unit hears of it with its other problems. Returns how
/// many were added; a second call adds none.
pub fn flag_behind_schedule(report: &mut CheckReport, schedule: f64, t: &Thresholds) -> usize {
    let mut added = 0;
    for f in report.files.iter_mut().filter(|f| f.is_usable()) {
        let Some(data) = &f.data else { continue };
        let mut new = Vec::new();
        for r in &data.rows {
            let Some(p) = r
                .percent
                .filter(|_| t.behind(r.status, r.percent, schedule))
            else {
                continue;
            };
            let already = f.issues.iter().chain(&new).any(|i: &Issue| {
                i.code == Code::BehindSchedule
                    && i.row == Some(r.row)
                    && i.sheet.as_deref() == Some(&r.sheet)
            });
            if already {
                continue;
            }
            let mut issue = Issue::new(
                Code::BehindSchedule,
                format!(
                    "第 {} 行任务 {} 报“序时推进”，完成进度 {}% 低于序时进度 {}% 超过 {} 个百分点，疑似滞后",
                    r.row,
                    r.task,
                    format_number(round1(p)),
                    format_number(round1(schedule)),
                    format_number(t.tolerance)
                ),
                &[],
            );
            issue.sheet = Some(r.sheet.clone());
            issue.row = Some(r.row);
            issue.col = r.percent_col;
            issue.task = Some(r.task);
            new.push(issue);
        }
        added += new.len();
        f.issues.extend(new);
    }
    added
}

/// Rounds to one decimal, for display (91.66… → 91.7).
pub fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

#[cfg(test)]
pub(crate) mod testutil;

#[cfg(test)]
mod tests;
