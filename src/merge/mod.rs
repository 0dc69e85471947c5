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

pub mod csv;

use std::collections::{HashMap, HashSet};

use indexmap::IndexMap;

use crate::catalog::{format_number, Catalog, Task};
use crate::domain::codes::Code;
use crate::domain::report::{unit_states, CheckReport, FileReport, Issue, TaskRow};
use crate::domain::status::{Status, UnitState};

use crate::domain::colour::Thresholds;
use crate::domain::deadline::{self, Deadline};
use crate::domain::merged::{round1, Entry, Merged, TaskLine};

/// Derives every task's line from the usable returns of `report`.
pub fn merge<'a>(
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
    let states = unit_states(&report.files);
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
    let mut tasks: Vec<TaskLine> = catalog
        .tasks()
        .iter()
        .map(|task| {
            let rows = by_task.get(&task.number).map_or(&[][..], |v| v.as_slice());
            line(&sources, task, rows)
        })
        .collect();
    roll_up(&mut tasks, &thresholds);
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
    // The task's own 序时进度: its window runs to its 完成时限 where it has one.
    let window = task_window(catalog, task);
    let overdue = match (schedule, window) {
        (Some(s), Some(w)) => {
            deadline::past(deadline::elapsed_months(s), w)
                && !matches!(status, Status::Done | Status::Closed)
        }
        _ => false,
    };
    let schedule = task_schedule(schedule, window);
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
        schedule,
        overdue,
    }
}

/// A task with sub-items (1.1, （1）, ①) stands as the least advanced of them: its status
/// and percent are its sub-items' least, it is 疑似滞后 or 逾期 if one of them is, and its
/// colour follows. A task 办结 stays so.
fn roll_up(lines: &mut [TaskLine], t: &Thresholds) {
    for i in 0..lines.len() {
        let number = lines[i].task.number;
        let kids: Vec<&TaskLine> = lines
            .iter()
            .filter(|l| l.task.parent == Some(number))
            .collect();
        if kids.is_empty() || lines[i].status == Status::Closed {
            continue;
        }
        let reported: Vec<&&TaskLine> = kids.iter().filter(|k| !k.status.is_unreported()).collect();
        let status = match reported.iter().map(|k| k.status).min() {
            Some(s) => s,
            None if kids.iter().any(|k| k.status == Status::Rejected) => Status::Rejected,
            None => Status::Unreported,
        };
        let percent = reported
            .iter()
            .filter_map(|k| k.percent)
            .min_by(|a, b| a.total_cmp(b));
        let behind = status == Status::OnSchedule && kids.iter().any(|k| k.behind);
        let overdue = kids.iter().any(|k| k.overdue)
            || (lines[i].overdue && !matches!(status, Status::Done | Status::Closed));
        let line = &mut lines[i];
        line.status = status;
        line.percent = percent;
        line.behind = behind;
        line.overdue = overdue;
        line.colour = t.colour(status, percent, line.schedule);
    }
}

/// A task's window in months from the start of the catalog's year, when its 完成时限 names
/// a day ([`Deadline`]); `None` for an ongoing task or one without a time limit.
pub fn task_window(catalog: &Catalog, task: &Task) -> Option<f64> {
    let year = catalog.notice().year()?;
    Deadline::parse(task.deadline.as_deref()?, year)?.months(year)
}

/// 序时进度 of a task with `window` when the round's is `schedule`.
fn task_schedule(schedule: Option<f64>, window: Option<f64>) -> Option<f64> {
    let s = schedule?;
    Some(match window {
        Some(w) => deadline::expected(deadline::elapsed_months(s), w),
        None => s,
    })
}

/// Adds a warning to every usable return's 序时推进 row whose percent is more than the
/// tolerance below 序时进度, so the unit hears of it with its other problems. Returns how
/// many were added; a second call adds none.
pub fn flag_behind_schedule(
    catalog: &Catalog,
    report: &mut CheckReport,
    round_schedule: f64,
    t: &Thresholds,
) -> usize {
    let mut added = 0;
    for f in report.files.iter_mut().filter(|f| f.is_usable()) {
        let Some(data) = &f.data else { continue };
        let mut new = Vec::new();
        for r in &data.rows {
            let window = catalog.task(r.task).and_then(|k| task_window(catalog, k));
            let schedule = task_schedule(Some(round_schedule), window).unwrap_or(round_schedule);
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

#[cfg(test)]
pub(crate) mod testutil;

#[cfg(test)]
mod tests;
