//! `duban round`: the rounds of a workspace.
//!
//! ```text
//! duban round new 2020年第一季度 --deadline 2020-04-05
//! duban round new 2020年5月 --deadline 2020-06-05 --as-of 2020-05-31
//! duban round list
//! duban round rename 2020年二季度 2020年第二季度
//! duban round remove 2020年第三季度 [--force]
//! ```
//!
//! `new` records the round in the ledger and writes every unit's template into
//! `rounds/<期次>/模板/`, with `rounds/<期次>/回收/` ready for the returns; `check`, `merge`,
//! `mail` and `status` then default to this round, its 回收 and its 汇总 folders.

use super::out;
use super::templates::{unassigned_note, written_message};
use crate::cmd::Globals;
use crate::date::Date;
use crate::ops::new_round;
use crate::table::render;
use crate::template::Rows;
use crate::workspace::Workspace;
use crate::{CliError, CliResult, Outcome};

#[derive(Debug, clap::Subcommand)]
pub enum Args {
    /// 登记新一期，生成各单位填报模板（rounds/期次/模板），并建好回收文件夹。
    New {
        /// 填报期次，如 2020年第一季度。
        round: String,
        /// 截止时间，如 2020-04-05；不指定时按工作区设置（duban.toml 的 [round] 一节）推算。
        #[arg(long, value_name = "DATE")]
        deadline: Option<String>,
        /// 序时进度的截止日期；默认取期次所指月份、季度或半年的末日。
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
        /// 只列各单位主办的任务。
        #[arg(long)]
        hosts_only: bool,
    },
    /// 列出已登记的各期。
    List,
    /// 期次改名：台账中的全部记录保留，rounds/期次 文件夹及其中以期次命名的汇总文件随之改名。
    Rename {
        /// 原期次（可用任何写法）。
        old: String,
        /// 新期次。
        new: String,
    },
    /// 删除一期：从台账中删去，文件夹移入 已删除期次/；已有报表或汇总时须加 --force。
    Remove {
        /// 要删除的期次。
        round: String,
        /// 已有报表或汇总记录时仍删除。
        #[arg(long)]
        force: bool,
    },
}

/// `--deadline`, else the `[round]` default of `duban.toml` for the period the round's
/// name covers (its year, else the catalog's).
fn deadline_of(
    ws: &Workspace,
    cat: &crate::catalog::Catalog,
    round: &str,
    given: Option<&str>,
) -> Result<Date, CliError> {
    if let Some(d) = given {
        return Date::parse(d).map_err(CliError::date("--deadline"));
    }
    let r = crate::domain::round::Round::parse(round);
    let year = r.year.map(|y| y as i32).or(cat.notice().year());
    year.zip(r.months)
        .and_then(|(y, m)| ws.config.round.of(y, m))
        .ok_or_else(|| CliError::NoDeadline {
            round: round.to_string(),
        })
}

/// What `round new` says of the returns it took in from 待归期/ (nothing when none).
fn taken_in(n: usize) -> String {
    match n {
        0 => String::new(),
        n => format!(
            "从 {} 移入提前报送的本期报表 {n} 份。\n",
            crate::outputs::WAITING
        ),
    }
}

pub fn run(args: Args, g: &Globals) -> CliResult {
    let ws = g.workspace("round")?;
    match args {
        Args::New {
            round,
            deadline,
            as_of,
            hosts_only,
        } => {
            let round = round.trim();
            if round.is_empty() {
                return Err(CliError::EmptyRound { option: "期次" });
            }
            let as_of = (as_of.as_deref().map(Date::parse).transpose())
                .map_err(CliError::date("--as-of"))?;
            let rows = match hosts_only {
                true => Rows::HostsOnly,
                false => Rows::All,
            };
            let cat = g.catalog()?;
            let deadline = deadline_of(ws, &cat, round, deadline.as_deref())?;
            let new = new_round(ws, &cat, round, deadline, as_of, rows)?;
            out(&written_message(
                &new.templates_dir,
                round,
                deadline,
                &new.templates,
            ));
            let contact = crate::placeholder::contact_note(Some(&ws.config.office_contact));
            eprint!("{}{contact}", unassigned_note(&cat));
            out(&taken_in(new.taken_in));
            out(&format!(
                "已登记第 {} 期“{round}”（截止 {}）。\n模板：{}\n回收：{}（各单位报送的表格放在这里，或用 duban collect 收取）\n",
                new.seq,
                deadline.chinese(),
                new.templates_dir.display(),
                new.returns_dir.display()
            ));
            Ok(Outcome::Clean)
        }
        Args::Rename { old, new } => rename(ws, &old, &new),
        Args::Remove { round, force } => remove(ws, &round, force, g),
        Args::List => list(ws, g),
    }
}

fn rename(ws: &Workspace, old: &str, new: &str) -> CliResult {
    let r = crate::ops::round_edit::rename_round(ws, old, new)?;
    let new = new.trim();
    out(&format!(
        "已将期次“{}”改名为“{new}”，台账记录全部保留。\n文件夹：{}（其中 {} 个以期次命名的汇总文件已改名；模板和回收的报表保持原名，模板中仍写原期次，如需重新生成请运行 duban round new \"{new}\" --deadline 截止日期）\n",
        r.old,
        r.folder.display(),
        r.files,
    ));
    Ok(Outcome::Clean)
}

fn remove(ws: &Workspace, round: &str, force: bool, g: &Globals) -> CliResult {
    let r = crate::ops::round_edit::remove_round(ws, round, force, g.offset)?;
    let kept = match &r.archived {
        Some(p) => format!("其文件已移至 {}", p.display()),
        None => "它没有文件夹".into(),
    };
    out(&format!("已从台账中删除期次“{}”；{kept}。\n", r.name));
    Ok(Outcome::Clean)
}

/// `round list`: every round, with 需重新汇总 for those built on an older merge.
fn list(ws: &Workspace, g: &Globals) -> CliResult {
    let ledger = ws.ledger()?;
    let stale = ledger.stale_rounds()?;
    let rows: Vec<Vec<String>> = (ledger.rounds()?.into_iter())
        .map(|r| {
            let note = match stale.iter().any(|s| s.id == r.id) {
                true => "需重新汇总",
                false => "",
            };
            vec![
                r.seq.to_string(),
                r.name,
                r.deadline.map(|d| d.iso()).unwrap_or_default(),
                r.merged_at
                    .map(|t| crate::date::clock(&t, g.offset))
                    .unwrap_or_else(|| "未汇总".into()),
                note.to_string(),
            ]
        })
        .collect();
    out(&render(
        &["序", "期次", "截止时间", "最近汇总", "说明"],
        &rows,
    ));
    out(&super::merge::stale_note(&ledger)?);
    Ok(Outcome::Clean)
}
