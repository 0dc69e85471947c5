//! `duban round`: the rounds of a workspace.
//!
//! ```text
//! duban round new 2020年第一季度 --deadline 2020-04-05
//! duban round new 2020年5月 --deadline 2020-06-05 --as-of 2020-05-31
//! duban round list
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
use crate::{CliError, CliResult, Outcome};

#[derive(Debug, clap::Subcommand)]
pub enum Args {
    /// 登记新一期，生成各单位填报模板（rounds/期次/模板），并建好回收文件夹。
    New {
        /// 填报期次，如 2020年第一季度。
        round: String,
        /// 截止时间，如 2020-04-05。
        #[arg(long, value_name = "DATE")]
        deadline: String,
        /// 序时进度的截止日期；默认取期次所指月份、季度或半年的末日。
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
        /// 只列各单位主办的任务。
        #[arg(long)]
        hosts_only: bool,
    },
    /// 列出已登记的各期。
    List,
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
            let deadline = Date::parse(&deadline).map_err(CliError::date("--deadline"))?;
            let as_of = (as_of.as_deref().map(Date::parse).transpose())
                .map_err(CliError::date("--as-of"))?;
            let rows = match hosts_only {
                true => Rows::HostsOnly,
                false => Rows::All,
            };
            let cat = g.catalog()?;
            let new = new_round(ws, &cat, round, deadline, as_of, rows)?;
            out(&written_message(
                &new.templates_dir,
                round,
                deadline,
                &new.templates,
            ));
            let contact = crate::placeholder::contact_note(Some(&ws.config.office_contact));
            eprint!("{}{contact}", unassigned_note(&cat));
            out(&format!(
                "已登记第 {} 期“{round}”（截止 {}）。\n模板：{}\n回收：{}（各单位报送的表格放在这里，或用 duban collect 收取）\n",
                new.seq,
                deadline.chinese(),
                new.templates_dir.display(),
                new.returns_dir.display()
            ));
            Ok(Outcome::Clean)
        }
        Args::List => {
            let rows: Vec<Vec<String>> = ws
                .ledger()?
                .rounds()?
                .into_iter()
                .map(|r| {
                    vec![
                        r.seq.to_string(),
                        r.name,
                        r.deadline.map(|d| d.iso()).unwrap_or_default(),
                        r.merged_at
                            .map(|t| crate::date::clock(&t, g.offset))
                            .unwrap_or_else(|| "未汇总".into()),
                    ]
                })
                .collect();
            out(&render(&["序", "期次", "截止时间", "最近汇总"], &rows));
            Ok(Outcome::Clean)
        }
    }
}
