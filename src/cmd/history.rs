//! `duban history`: a task's, a unit's or a leader's record over every merged round of the
//! workspace, with the number of rounds running each task has lagged up to the latest
//! (滞后, 未启动, 未报送 and 退回重报 each count, and 红 whatever the status: the one test of
//! 进展滞后, `merge::colour::lagging`, that the bulletin uses too).
//!
//! ```text
//! duban history --task 3
//! duban history --unit 区科技局 --format json
//! duban history --leader 褚福梅
//! ```

use serde::Serialize;

use super::out;
use super::Format;
use crate::catalog::names::closest;
use crate::cmd::round_catalogs::{unit_names, RoundCatalogs};
use crate::cmd::Globals;
use crate::domain::history::TaskRound;
use crate::ledger::Ledger;
use crate::table::render;
use crate::{CliError, CliResult, Outcome};

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["task", "unit", "leader"])))]
pub struct Args {
    /// 任务序号。
    #[arg(long, value_name = "N")]
    pub task: Option<u32>,
    /// 单位名称（可用简称）：该单位承担的各项任务。
    #[arg(long, value_name = "NAME")]
    pub unit: Option<String>,
    /// 牵头领导：其分管的各项任务。
    #[arg(long, value_name = "NAME")]
    pub leader: Option<String>,
    /// 输出格式。
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

/// One round of a task, as JSON shows it.
#[derive(Debug, Serialize)]
struct JsonRound<'a> {
    round: &'a str,
    /// The task's leaders in that round's catalog.
    leaders: &'a [String],
    state: &'static str,
    percent: Option<f64>,
    colour: &'static str,
}

/// A task's history.
#[derive(Debug, Serialize)]
struct JsonTask<'a> {
    task: u32,
    rounds: Vec<JsonRound<'a>>,
    lagging_streak: u32,
}

/// Lagging rounds running up to the latest round recorded.
pub fn streak(rounds: &[TaskRound]) -> u32 {
    crate::domain::history::streak(rounds.iter().rev().map(Some))
}

fn json_task<'a>(cats: &'a RoundCatalogs, task: u32, rounds: &'a [TaskRound]) -> JsonTask<'a> {
    JsonTask {
        task,
        rounds: rounds
            .iter()
            .map(|r| JsonRound {
                round: &r.round,
                leaders: (cats.of(&r.round).task(task)).map_or(&[], |t| t.leaders.as_slice()),
                state: r.status.label(),
                percent: r.percent,
                colour: r.colour.label(),
            })
            .collect(),
        lagging_streak: streak(rounds),
    }
}

pub fn run(args: Args, g: &Globals) -> CliResult {
    let ws = g.workspace("history")?;
    let ledger = ws.ledger()?;
    // Each round is shown with the catalog it was merged with.
    let cats = RoundCatalogs::load(g, &ledger)?;
    let cat = cats.current.clone();
    let json = args.format == Format::Json;
    let text = if let Some(n) = args.task {
        if cat.task(n).is_none() {
            return Err(CliError::NoSuchTask {
                number: n,
                count: cat.tasks().len(),
            });
        }
        let rounds = ledger.task_rounds(n)?;
        if json {
            serde_json::to_string_pretty(&json_task(&cats, n, &rounds)).expect("json")
        } else {
            task_text(&cats, n, &rounds)
        }
    } else if let Some(name) = &args.unit {
        let unit = cat.registry().unit(name)?.name.clone();
        unit_history(&cats, &ledger, &unit, json, g.offset)?
    } else {
        let name = args.leader.as_deref().unwrap_or_default();
        let leader = cats.leader(name).ok_or_else(|| CliError::NoSuchLeader {
            name: name.to_string(),
            closest: closest(name, cat.leaders().iter().map(|s| s.as_str()), 3),
        })?;
        let tasks = cats.tasks_of_leader(&leader);
        let keep = |round: &str, task: u32| cats.leads(round, task, &leader);
        let what = Whose {
            key: "leader",
            name: &leader,
            keep: &keep,
        };
        tasks_history(&cats, &ledger, &what, &tasks, json)?
    };
    out(&(text + "\n"));
    Ok(Outcome::Clean)
}

/// Whose tasks a history shows, and which rounds of a task were theirs (a task moved to
/// another leader, or a unit's task taken from it, is theirs only in the rounds before).
struct Whose<'a> {
    key: &'a str,
    name: &'a str,
    keep: &'a dyn Fn(&str, u32) -> bool,
}

fn task_text(cats: &RoundCatalogs, n: u32, rounds: &[TaskRound]) -> String {
    let t = cats.current.task(n).expect("checked");
    let rows: Vec<Vec<String>> = rounds
        .iter()
        .map(|r| {
            vec![
                r.round.clone(),
                (cats.of(&r.round).task(n))
                    .map(|t| t.leaders.join("、"))
                    .unwrap_or_default(),
                r.status.label().to_string(),
                r.percent
                    .map(crate::catalog::format_number)
                    .unwrap_or_default(),
                r.colour.label().to_string(),
            ]
        })
        .collect();
    let mut s = format!(
        "任务 {n}：{}\n主办：{}；牵头领导：{}\n",
        crate::table::truncate(&t.text, 60),
        t.hosts.join("、"),
        t.leaders.join("、")
    );
    if rounds.is_empty() {
        s.push_str("台账中还没有汇总过的期次。");
        return s;
    }
    s.push_str(&render(
        &["期次", "牵头领导", "推进状态", "完成进度(%)", "三色"],
        &rows,
    ));
    s.push_str(&format!("连续滞后 {} 期（到最近一期为止）", streak(rounds)));
    s
}

/// Several tasks' histories (a leader's, a unit's), as JSON or a table.
fn tasks_history(
    cats: &RoundCatalogs,
    ledger: &Ledger,
    whose: &Whose,
    tasks: &[u32],
    json: bool,
) -> Result<String, CliError> {
    let (key, name, cat) = (whose.key, whose.name, &cats.current);
    let mut all: Vec<(u32, Vec<TaskRound>)> = Vec::new();
    for &n in tasks {
        let mut rounds = ledger.task_rounds(n)?;
        rounds.retain(|r| (whose.keep)(&r.round, n));
        all.push((n, rounds));
    }
    if json {
        let v = serde_json::json!({
            key: name,
            "tasks": all.iter().map(|(n, r)| json_task(cats, *n, r)).collect::<Vec<_>>(),
        });
        return Ok(serde_json::to_string_pretty(&v).expect("json"));
    }
    let rounds: Vec<String> = ledger.rounds()?.into_iter().map(|r| r.name).collect();
    let mut header: Vec<&str> = vec!["任务", "内容"];
    header.extend(rounds.iter().map(|r| r.as_str()));
    header.push("连续滞后");
    let rows: Vec<Vec<String>> = all
        .iter()
        .map(|(n, rs)| {
            let mut row = vec![
                n.to_string(),
                crate::table::truncate(
                    &cat.task(*n).map(|t| t.text.clone()).unwrap_or_default(),
                    24,
                ),
            ];
            for round in &rounds {
                row.push(
                    rs.iter()
                        .find(|r| &r.round == round)
                        .map(|r| match r.percent {
                            Some(p) => format!(
                                "{} {}%",
                                r.status.label(),
                                crate::catalog::format_number(p)
                            ),
                            None => r.status.label().to_string(),
                        })
                        .unwrap_or_default(),
                );
            }
            row.push(format!("{} 期", streak(rs)));
            row
        })
        .collect();
    Ok(format!(
        "{name}：{} 项任务\n{}",
        tasks.len(),
        render(&header, &rows)
    ))
}

/// A unit's record: its reporting per round, then its own rows per task and round (its
/// status, percent and progress as it reported them), followed under the names it had
/// before a reorganisation too.
fn unit_history(
    cats: &RoundCatalogs,
    ledger: &Ledger,
    unit: &str,
    json: bool,
    offset: jiff::tz::Offset,
) -> Result<String, CliError> {
    let names = unit_names(&cats.current, unit);
    let mut reporting = Vec::new();
    let mut own = Vec::new();
    let mut chases = Vec::new();
    for n in &names {
        reporting.extend(ledger.unit_rounds(n)?);
        own.extend(ledger.unit_rows(n)?);
        chases.extend(ledger.chases(Some(n))?);
    }
    let order: Vec<String> = ledger.rounds()?.into_iter().map(|r| r.name).collect();
    let at = |round: &str| order.iter().position(|o| o == round);
    reporting.sort_by_key(|r| at(&r.round));
    own.sort_by_key(|r| (r.task, at(&r.round)));
    let tasks = cats.tasks_of_unit(&names);
    if json {
        let v = serde_json::json!({
            "unit": unit,
            "reporting": reporting.iter().map(|r| serde_json::json!({
                "round": r.round,
                "state": r.state.label(),
                "received_at": r.reported_at,
                "late": r.late,
            })).collect::<Vec<_>>(),
            "tasks": tasks.iter().map(|n| serde_json::json!({
                "task": n,
                "rounds": own.iter().filter(|r| r.task == *n).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "chases": chases,
        });
        return Ok(serde_json::to_string_pretty(&v).expect("json"));
    }
    let rows: Vec<Vec<String>> = reporting
        .iter()
        .map(|r| {
            vec![
                r.round.clone(),
                r.state.label().to_string(),
                r.reported_at
                    .as_deref()
                    .map(|t| crate::date::clock(t, offset))
                    .unwrap_or_default(),
                crate::domain::status::punctuality(r.late).to_string(),
            ]
        })
        .collect();
    let own_rows: Vec<Vec<String>> = own
        .iter()
        .map(|r| {
            vec![
                r.task.to_string(),
                r.round.clone(),
                r.role.clone().unwrap_or_default(),
                r.status.clone().unwrap_or_default(),
                (r.percent.map(crate::catalog::format_number)).unwrap_or_default(),
                crate::table::truncate(&r.progress, 30),
            ]
        })
        .collect();
    let chase_rows: Vec<Vec<String>> = chases
        .iter()
        .map(|c| {
            let number = c.number.clone().unwrap_or_default();
            vec![
                c.round.clone(),
                c.stage.clone(),
                c.date.clone(),
                c.outcome.clone(),
                number,
            ]
        })
        .collect();
    Ok(format!(
        "{unit}历次报送：\n{}\n{unit}自报的任务进展（{} 项任务）：\n{}\n{unit}收到的提醒、催办通知单和督办单：\n{}{}",
        render(&["期次", "报送情况", "报送时间", "是否按时"], &rows),
        tasks.len(),
        render(
            &[
                "任务",
                "期次",
                "角色",
                "推进状态",
                "完成进度(%)",
                "工作进展"
            ],
            &own_rows
        ),
        render(&["期次", "事项", "日期", "结果", "文号"], &chase_rows),
        scores_text(ledger, unit)?,
    ))
}

/// The unit's scores round by round, from the latest `duban score` the ledger recorded.
fn scores_text(ledger: &Ledger, unit: &str) -> Result<String, CliError> {
    let Some((scope, rounds, total)) = crate::score::recorded_rounds(ledger, unit)? else {
        return Ok(String::new());
    };
    let rows: Vec<Vec<String>> = (rounds.iter())
        .map(|(r, p)| vec![r.clone(), crate::catalog::format_number(*p)])
        .collect();
    Ok(format!(
        "\n{unit}考核得分（{scope}，最近一次 duban score 所记）：合计 {}\n{}",
        crate::catalog::format_number(total),
        render(&["期次", "加减分"], &rows)
    ))
}
