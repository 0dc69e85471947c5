//! 考核: scoring every unit from the ledger alone, by the office's rules (`考核规则.toml`).
//!
//! Each point added or taken carries its evidence (round, rule, task, the file and cell or
//! the receipt time), so that a unit may check it (`score --explain`). Each run is recorded
//! in the ledger's `score_runs` table with the rules' text and the results; the table is
//! created when `score` first runs (`CREATE TABLE IF NOT EXISTS`), not by a schema version,
//! since it holds derived records any later run can make again.

pub mod compute;
pub mod rules;

use rusqlite::{params, OptionalExtension};

pub use compute::{Point, Scores, UnitScore};
pub use rules::{Rules, RulesError};

use crate::ledger::{Ledger, LedgerError};

/// The score runs table: one row per `duban score`.
const RUNS: &str = "CREATE TABLE IF NOT EXISTS score_runs (
    id          INTEGER PRIMARY KEY,
    run_at      TEXT NOT NULL,   -- RFC 3339
    scope       TEXT NOT NULL,   -- the round, or 全年（…）
    rules_toml  TEXT NOT NULL,   -- the rules file as read
    results     TEXT NOT NULL    -- JSON: units (total, rank, per round) and every point
)";

/// Scores: `round` a round's name, else the whole year.
pub fn score(ledger: &Ledger, rules: &Rules, round: Option<&str>) -> Result<Scores, LedgerError> {
    let conn = ledger.conn();
    let last: Option<i64> = conn.query_row(
        "SELECT max(seq) FROM rounds WHERE merged_at IS NOT NULL",
        [],
        |r| r.get(0),
    )?;
    let Some(last) = last else {
        return Err(LedgerError::NoRounds);
    };
    let mut scores = match round {
        Some(name) => {
            let info = ledger
                .round(name)?
                .ok_or_else(|| LedgerError::NoRound(name.to_string()))?;
            compute::score(conn, rules, (info.seq, info.seq), false)?
        }
        None => compute::score(conn, rules, (1, last), true)?,
    };
    // Files in the workspace are named from its folder, as the office finds them.
    if let Some(root) = ledger.path().parent().filter(|r| !r.as_os_str().is_empty()) {
        let prefix = format!("{}{}", root.display(), std::path::MAIN_SEPARATOR);
        for p in &mut scores.points {
            if let Some(rest) = p.evidence.strip_prefix(&prefix) {
                p.evidence = rest.to_string();
            }
        }
    }
    Ok(scores)
}

/// Records a run: the rules' text and the results.
pub fn record(
    ledger: &Ledger,
    rules_toml: &str,
    scores: &Scores,
    at: &str,
) -> Result<(), LedgerError> {
    let conn = ledger.conn();
    conn.execute_batch(RUNS)?;
    let results = serde_json::to_string(scores).unwrap_or_default();
    conn.execute(
        "INSERT INTO score_runs (run_at, scope, rules_toml, results) VALUES (?1, ?2, ?3, ?4)",
        params![at, scores.scope, rules_toml, results],
    )?;
    Ok(())
}

/// A recorded run's scope, a unit's points per round and its total.
pub type Recorded = (String, Vec<(String, f64)>, f64);

/// A unit's points per round from the latest recorded run, for `history --unit`; None
/// when `score` never ran or the unit was not scored.
pub fn recorded_rounds(ledger: &Ledger, unit: &str) -> Result<Option<Recorded>, LedgerError> {
    let conn = ledger.conn();
    let exists: Option<String> = conn
        .query_row(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'score_runs'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    if exists.is_none() {
        return Ok(None);
    }
    let last: Option<(String, String)> = conn
        .query_row(
            "SELECT scope, results FROM score_runs ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((scope, results)) = last else {
        return Ok(None);
    };
    let v: serde_json::Value = serde_json::from_str(&results).unwrap_or_default();
    let Some(u) = v["units"]
        .as_array()
        .and_then(|us| us.iter().find(|u| u["unit"] == unit))
    else {
        return Ok(None);
    };
    let per_round = u["per_round"]
        .as_array()
        .map(|rs| {
            rs.iter()
                .map(|r| {
                    (
                        r[0].as_str().unwrap_or_default().to_string(),
                        r[1].as_f64().unwrap_or_default(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(Some((
        scope,
        per_round,
        u["total"].as_f64().unwrap_or_default(),
    )))
}

/// `score --explain`: a unit's every point with its evidence, in Chinese.
pub fn explain(scores: &Scores, rules: &Rules, unit: &str) -> Option<String> {
    let u = scores.units.iter().find(|u| u.unit == unit)?;
    let mut s = format!(
        "{}  {}：考核得分 {} 分，在“{}”中排第 {} 名\n基础分 {} 分\n",
        scores.scope, u.unit, u.total, u.group, u.rank, rules.base
    );
    let mine: Vec<&Point> = scores.points.iter().filter(|p| p.unit == unit).collect();
    if mine.is_empty() {
        s.push_str("没有加分或扣分\n");
    }
    for p in mine {
        let task = p.task.map(|t| format!("任务 {t}，")).unwrap_or_default();
        let sign = if p.points > 0.0 { "+" } else { "" };
        s.push_str(&format!(
            "{}  {}  {sign}{} 分  {task}依据：{}\n",
            p.round, p.rule, p.points, p.evidence
        ));
    }
    Some(s)
}
