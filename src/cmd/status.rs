//! `duban status`: how each expected unit reported in a round — 已通过, 已报送未通过 or 未报送 —,
//! when, and whether on time against the round's deadline (the end of that day in the
//! office's time zone).
//!
//! ```text
//! duban status                         # in a workspace: the latest round
//! duban status --round 2020年第一季度 --format json
//! duban status 回收/ --round 2020年第一季度 --deadline 2020-04-05   # outside a workspace
//! ```
//!
//! In a workspace, a merged round is read from the ledger (fast, whatever its size); a
//! round not merged yet is checked now from its 回收 folder. When a unit reported is when
//! its return arrived, as the mailbox's receipts say, else when the workbook was saved.

use std::path::PathBuf;

use serde::Serialize;

use super::out;
use super::Format;
use crate::cmd::Globals;
use crate::date::Date;
use crate::domain::history::UnitRecord;
use crate::domain::round as schedule;
use crate::domain::status::UnitState;
use crate::domain::summary::Summary;
use crate::table::render;
use crate::{CliError, CliResult, Outcome};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// 报送的表格所在文件夹（在工作区中默认为本期的“回收”文件夹）。
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// 填报期次；在工作区中默认为最近一期。
    #[arg(long, value_name = "R")]
    pub round: Option<String>,
    /// 截止时间，如 2020-04-05（在工作区中取登记的截止时间）。
    #[arg(long, value_name = "DATE")]
    pub deadline: Option<String>,
    /// 输出格式。
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

/// The JSON `status --format json` prints.
#[derive(Debug, Serialize)]
struct Json<'a> {
    round: &'a str,
    deadline: Option<String>,
    units: Vec<JsonUnit<'a>>,
    counts: Counts,
}

#[derive(Debug, Serialize)]
struct JsonUnit<'a> {
    unit: &'a str,
    state: UnitState,
    received_at: Option<&'a str>,
    late: Option<bool>,
}

#[derive(Clone, Copy, Debug, Default, Serialize)]
struct Counts {
    expected: usize,
    accepted: usize,
    rejected: usize,
    missing: usize,
    on_time: usize,
    late: usize,
}

pub fn run(args: Args, g: &Globals) -> CliResult {
    let mut deadline = args
        .deadline
        .as_deref()
        .map(Date::parse)
        .transpose()
        .map_err(CliError::date("--deadline"))?;
    let (round, records) = match (&g.workspace, args.paths.is_empty()) {
        (Some(ws), true) => {
            let info = g.round_info(ws, args.round.as_deref())?;
            deadline = deadline.or(info.deadline);
            let records = if info.merged_at.is_some() {
                ws.ledger()?.unit_states(&info)?
            } else {
                live(g, &[ws.returns_dir(&info.name)], &info.name, deadline)?
            };
            (info.name, records)
        }
        (_, false) => {
            let round = args.round.clone().ok_or(CliError::Needs {
                option: "--round",
                what: "本次收集的填报期次",
            })?;
            let records = live(g, &args.paths, &round, deadline)?;
            (round, records)
        }
        (None, true) => {
            return Err(CliError::Needs {
                option: "PATH",
                what: "报送的表格所在文件夹",
            })
        }
    };
    let counts = count(&records);
    match args.format {
        Format::Json => {
            let json = Json {
                round: &round,
                deadline: deadline.map(|d| d.iso()),
                units: records
                    .iter()
                    .map(|r| JsonUnit {
                        unit: &r.unit,
                        state: r.state,
                        received_at: r.reported_at.as_deref(),
                        late: r.late,
                    })
                    .collect(),
                counts,
            };
            out(&(serde_json::to_string_pretty(&json).expect("status serialises") + "\n"));
        }
        Format::Text => out(&(text(&round, deadline, &records, &counts, g.offset) + &stale(g)?)),
    }
    Ok(if counts.missing + counts.rejected > 0 {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}

/// In a workspace, the rounds that must be merged again.
fn stale(g: &Globals) -> Result<String, CliError> {
    match &g.workspace {
        Some(ws) => super::merge::stale_note(&ws.ledger()?),
        None => Ok(String::new()),
    }
}

/// The units' records from a check of the returns now.
fn live(
    g: &Globals,
    paths: &[PathBuf],
    round: &str,
    deadline: Option<Date>,
) -> Result<Vec<UnitRecord>, CliError> {
    let catalog = g.catalog()?;
    let report = crate::check::check_paths(paths, &catalog, &g.check_options(Some(round.into()))?);
    let m = crate::merge::merge(
        &catalog,
        &report,
        schedule::from_round(round),
        Default::default(),
    );
    let st = crate::domain::stats::stats(&m);
    let summary = Summary::of(&m, &st, round);
    Ok(crate::ledger::unit_records(
        round, &summary, &report, deadline, g.offset,
    ))
}

fn count(records: &[UnitRecord]) -> Counts {
    let n = |f: &dyn Fn(&UnitRecord) -> bool| records.iter().filter(|r| f(r)).count();
    Counts {
        expected: records.len(),
        accepted: n(&|r| r.state == UnitState::Accepted),
        rejected: n(&|r| r.state == UnitState::Rejected),
        missing: n(&|r| r.state == UnitState::Missing),
        on_time: n(&|r| r.late == Some(false)),
        late: n(&|r| r.late == Some(true)),
    }
}

fn text(
    round: &str,
    deadline: Option<Date>,
    records: &[UnitRecord],
    c: &Counts,
    offset: jiff::tz::Offset,
) -> String {
    let mut s = format!(
        "{round}报送情况{}：应报送单位 {} 个，已通过 {} 个，已报送未通过 {} 个，未报送 {} 个；按时报送 {} 个，逾期 {} 个。\n",
        deadline
            .map(|d| format!("（截止 {}）", d.chinese()))
            .unwrap_or_default(),
        c.expected,
        c.accepted,
        c.rejected,
        c.missing,
        c.on_time,
        c.late
    );
    // Grouped by state, what needs the office first; 未报送 units by name, in lines.
    for state in [UnitState::Rejected, UnitState::Missing, UnitState::Accepted] {
        let group: Vec<&UnitRecord> = records.iter().filter(|r| r.state == state).collect();
        if group.is_empty() {
            continue;
        }
        s.push_str(&format!("\n{}（{} 个）：\n", state.label(), group.len()));
        if state == UnitState::Missing {
            let names: Vec<String> = group.iter().map(|r| r.unit.clone()).collect();
            s.push_str(&super::check_text::name_lines(&names));
            continue;
        }
        let rows: Vec<Vec<String>> = group
            .iter()
            .map(|r| {
                vec![
                    r.unit.clone(),
                    r.kind.clone(),
                    r.reported_at
                        .as_deref()
                        .map(|t| crate::date::clock(t, offset))
                        .unwrap_or_default(),
                    r.time_source.clone().unwrap_or_default(),
                    crate::domain::status::punctuality(r.late).to_string(),
                ]
            })
            .collect();
        s.push_str(&render(
            &["单位", "类别", "报送时间", "时间来源", "是否按时"],
            &rows,
        ));
    }
    s
}
