//! The scoring itself: every point from the ledger's records alone (unit_states, returns,
//! rows, issues), each with the evidence that caused it, then the caps and the ranks.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::{params, Connection};
use serde::Serialize;

use super::rules::Rules;
use crate::ledger::LedgerError;

/// One point added or taken, with what caused it.
#[derive(Debug, Clone, Serialize)]
pub struct Point {
    pub round: String,
    pub unit: String,
    /// The rule, as the rules sheet names it.
    pub rule: String,
    pub task: Option<u32>,
    pub points: f64,
    /// The file and cell, or the receipt time, that caused it.
    pub evidence: String,
}

/// A unit's result.
#[derive(Debug, Clone, Serialize)]
pub struct UnitScore {
    pub unit: String,
    pub kind: String,
    /// The ranking group (镇街, 部门, or the kind itself).
    pub group: String,
    pub total: f64,
    pub rank: u32,
    /// The points of each round scored, in order (caps included).
    pub per_round: Vec<(String, f64)>,
}

/// A whole run's result.
#[derive(Debug, Clone, Serialize)]
pub struct Scores {
    /// 2020年第一季度, or 全年（2020年第一季度—2020年第三季度）.
    pub scope: String,
    pub rounds: Vec<String>,
    pub units: Vec<UnitScore>,
    pub points: Vec<Point>,
}

/// A row of a return: task, role, status, sheet, row.
type TaskRow = (u32, Option<String>, Option<String>, String, i64);

struct RoundRow {
    id: i64,
    name: String,
}

/// Hundredths, so that sums of halves and quarters print as the office writes them.
pub fn cents(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// Scores the rounds up to `upto` (its seq), keeping the points of rounds at or after
/// `from`: a task first reported done before `from` earns nothing again. `year` applies
/// the year's caps.
pub fn score(
    conn: &Connection,
    rules: &Rules,
    (from, upto): (i64, i64),
    year: bool,
) -> Result<Scores, LedgerError> {
    let rounds: Vec<(RoundRow, i64)> = {
        let mut st = conn.prepare("SELECT id, name, seq FROM rounds WHERE merged_at IS NOT NULL AND seq <= ?1 ORDER BY seq")?;
        let rows = st.query_map([upto], |r| {
            Ok((
                RoundRow {
                    id: r.get(0)?,
                    name: r.get(1)?,
                },
                r.get(2)?,
            ))
        })?;
        rows.collect::<Result<_, _>>()?
    };
    let mut done: BTreeSet<(String, u32)> = BTreeSet::new();
    let mut points = Vec::new();
    let mut kinds: BTreeMap<String, String> = BTreeMap::new();
    let mut scored = Vec::new();
    for (round, seq) in &rounds {
        let mut pts = round_points(conn, rules, round, &mut done, &mut kinds)?;
        if *seq >= from {
            cap(
                &mut pts,
                round,
                rules.caps.round_deduction,
                rules.caps.round_bonus,
                "每期",
            );
            points.extend(pts);
            scored.push(round.name.clone());
        }
    }
    if year {
        let whole = "全年".to_string();
        let mut by_unit: BTreeMap<String, Vec<Point>> = BTreeMap::new();
        for p in &points {
            by_unit.entry(p.unit.clone()).or_default().push(p.clone());
        }
        for (unit, pts) in by_unit {
            points.extend(capped(
                &unit,
                &whole,
                &pts,
                rules.caps.year_deduction,
                rules.caps.year_bonus,
                "全年",
            ));
        }
    }
    let units = rank(rules, &kinds, &points, &scored);
    let scope = match scored.as_slice() {
        [one] if !year => one.clone(),
        [first, .., last] => format!("全年（{first}—{last}）"),
        [one] => format!("全年（{one}）"),
        [] => "全年".to_string(),
    };
    Ok(Scores {
        scope,
        rounds: scored,
        units,
        points,
    })
}

/// Adds to `pts` the adjustment that brings each unit's deductions and bonuses within the caps.
fn cap(pts: &mut Vec<Point>, round: &RoundRow, deduction: f64, bonus: f64, what: &str) {
    let mut by_unit: BTreeMap<String, Vec<Point>> = BTreeMap::new();
    for p in pts.iter() {
        by_unit.entry(p.unit.clone()).or_default().push(p.clone());
    }
    for (unit, ps) in by_unit {
        pts.extend(capped(&unit, &round.name, &ps, deduction, bonus, what));
    }
}

const DEDUCTION_CAP: &str = "扣分上限";
const BONUS_CAP: &str = "加分上限";

fn capped(
    unit: &str,
    round: &str,
    pts: &[Point],
    deduction: f64,
    bonus: f64,
    what: &str,
) -> Vec<Point> {
    // A round's cap gives back part of its deductions (or takes back part of its
    // bonuses): the year's cap counts what the rounds kept.
    let deducts = |p: &&Point| {
        p.rule.ends_with(DEDUCTION_CAP) || (p.points < 0.0 && !p.rule.ends_with(BONUS_CAP))
    };
    let minus: f64 = pts.iter().filter(deducts).map(|p| p.points).sum();
    let plus: f64 = pts.iter().filter(|p| !deducts(p)).map(|p| p.points).sum();
    let mut out = Vec::new();
    if deduction > 0.0 && -minus > deduction {
        out.push(Point {
            round: round.to_string(),
            unit: unit.to_string(),
            rule: format!("{what}{DEDUCTION_CAP}"),
            task: None,
            points: cents(-minus - deduction),
            evidence: format!("扣分合计 {} 分，上限 {deduction} 分", cents(-minus)),
        });
    }
    if bonus > 0.0 && plus > bonus {
        out.push(Point {
            round: round.to_string(),
            unit: unit.to_string(),
            rule: format!("{what}{BONUS_CAP}"),
            task: None,
            points: cents(bonus - plus),
            evidence: format!("加分合计 {} 分，上限 {bonus} 分", cents(plus)),
        });
    }
    out
}

/// One round's points, before the caps.
fn round_points(
    conn: &Connection,
    rules: &Rules,
    round: &RoundRow,
    done: &mut BTreeSet<(String, u32)>,
    kinds: &mut BTreeMap<String, String>,
) -> Result<Vec<Point>, LedgerError> {
    let mut st = conn.prepare(
        "SELECT u.unit, u.kind, u.state, u.file, u.reported_at, u.time_source, u.late,
                (SELECT f.id FROM returns f WHERE f.round_id = u.round_id AND f.unit = u.unit
                 ORDER BY (f.path = u.file OR f.path LIKE '%/' || u.file) DESC, f.verdict = 'accepted' DESC,
                          f.superseded_by IS NULL DESC, f.id DESC LIMIT 1),
                (SELECT f.path FROM returns f WHERE f.round_id = u.round_id AND f.unit = u.unit
                 ORDER BY (f.path = u.file OR f.path LIKE '%/' || u.file) DESC, f.verdict = 'accepted' DESC,
                          f.superseded_by IS NULL DESC, f.id DESC LIMIT 1)
         FROM unit_states u WHERE u.round_id = ?1 ORDER BY u.unit",
    )?;
    type UnitRow = (
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<bool>,
        Option<i64>,
        Option<String>,
    );
    let units: Vec<UnitRow> = st
        .query_map([round.id], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
            ))
        })?
        .collect::<Result<_, _>>()?;
    let mut pts = Vec::new();
    for (unit, kind, state, _, reported_at, source, late, return_id, file) in units {
        kinds.insert(unit.clone(), kind);
        let point = |rule: &str, task: Option<u32>, points: f64, evidence: String| Point {
            round: round.name.clone(),
            unit: unit.clone(),
            rule: rule.to_string(),
            task,
            points,
            evidence,
        };
        if state == "未报送" {
            if rules.report.missing != 0.0 {
                pts.push(point(
                    "未报送",
                    None,
                    rules.report.missing,
                    "汇总时未收到本期报表".into(),
                ));
            }
            continue;
        }
        let (Some(file), Some(return_id)) = (file, return_id) else {
            continue;
        };
        let rows: Vec<TaskRow> = conn
            .prepare("SELECT task, role, status, sheet, row FROM rows WHERE return_id = ?1 ORDER BY task, row")?
            .query_map([return_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
            .collect::<Result<_, _>>()?;
        let host = |role: &Option<String>| role.as_deref() != Some("协办");
        if late == Some(true) && source.as_deref() == Some("收件") {
            let at = reported_at.clone().unwrap_or_default();
            for (task, role, ..) in &rows {
                let (rule, v) = if host(role) {
                    ("逾期报送·主办", rules.task.overdue_host)
                } else {
                    ("逾期报送·协办", rules.task.overdue_co)
                };
                if v != 0.0 {
                    pts.push(point(
                        rule,
                        Some(*task),
                        v,
                        format!("{file}，收件时间 {at}"),
                    ));
                }
            }
        }
        if rules.report.no_substance != 0.0 {
            let mut seen = BTreeSet::new();
            let mut st = conn.prepare(
                "SELECT code, sheet, cell, task FROM issues WHERE return_id = ?1 ORDER BY task, sheet, cell, code",
            )?;
            let issues = st.query_map(params![return_id], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, Option<u32>>(3)?,
                ))
            })?;
            for i in issues {
                let (code, sheet, cell, task) = i?;
                if !rules.report.no_substance_codes.contains(&code) || !seen.insert(task) {
                    continue;
                }
                let at = match (sheet, cell) {
                    (Some(s), Some(c)) => format!("{file}!{s}!{c}"),
                    _ => file.clone(),
                };
                pts.push(point(
                    "内容空洞",
                    task,
                    rules.report.no_substance,
                    format!("{at}（{code}）"),
                ));
            }
        }
        for (task, role, status, sheet, row) in &rows {
            if status.as_deref() == Some("已完成") && done.insert((unit.clone(), *task)) {
                let (rule, v) = if host(role) {
                    ("任务完成·主办", rules.task.done_host)
                } else {
                    ("任务完成·协办", rules.task.done_co)
                };
                if v != 0.0 {
                    pts.push(point(
                        rule,
                        Some(*task),
                        v,
                        format!("{file}!{sheet}!第{row}行（已完成）"),
                    ));
                }
            }
        }
    }
    for p in &mut pts {
        p.points = cents(p.points);
    }
    Ok(pts)
}

/// Totals and ranks within each group, in group order then rank.
fn rank(
    rules: &Rules,
    kinds: &BTreeMap<String, String>,
    points: &[Point],
    rounds: &[String],
) -> Vec<UnitScore> {
    let mut units: Vec<UnitScore> = kinds
        .iter()
        .map(|(unit, kind)| {
            let mine: Vec<&Point> = points.iter().filter(|p| &p.unit == unit).collect();
            let per_round = rounds
                .iter()
                .map(|r| {
                    (
                        r.clone(),
                        cents(
                            mine.iter()
                                .filter(|p| &p.round == r)
                                .map(|p| p.points)
                                .sum(),
                        ),
                    )
                })
                .collect();
            UnitScore {
                unit: unit.clone(),
                kind: kind.clone(),
                group: rules.group_of(kind).to_string(),
                total: cents(rules.base + mine.iter().map(|p| p.points).sum::<f64>()),
                rank: 0,
                per_round,
            }
        })
        .collect();
    units.sort_by(|a, b| {
        a.group
            .cmp(&b.group)
            .then(b.total.total_cmp(&a.total))
            .then(a.unit.cmp(&b.unit))
    });
    for i in 0..units.len() {
        units[i].rank = if i > 0
            && units[i - 1].group == units[i].group
            && units[i - 1].total == units[i].total
        {
            units[i - 1].rank
        } else {
            1 + units[..i]
                .iter()
                .filter(|u| u.group == units[i].group)
                .count() as u32
        };
    }
    units
}
