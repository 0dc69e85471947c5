//! `duban escalate`: the round's 督办单, after its merge.
//!
//! ```text
//! duban escalate                      # the latest round's, answers due in 5 working days
//! duban escalate --due 2020-07-20
//! ```
//!
//! The workflow is [`crate::ops::escalate`]; the documents go to the round's 督办文书 folder.

use crate::bulletin::BulletinError;
use crate::date::Date;
use crate::ops::escalate::{self, Escalate};
use crate::{CliError, CliResult, Outcome};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// 填报期次；默认最新一期（须已汇总）。
    #[arg(long, value_name = "R")]
    pub round: Option<String>,
    /// 整改情况报送期限，如 2020-04-20；默认今天起第 5 个工作日（可在 duban.toml 的 [remind] 中设置）。
    #[arg(long, value_name = "DATE")]
    pub due: Option<String>,
}

pub fn run(args: Args, g: &crate::cmd::Globals) -> CliResult {
    let ws = g.workspace("escalate")?;
    let info = g.round_info(ws, args.round.as_deref())?;
    if info.merged_at.is_none() {
        return Err(BulletinError::NotMerged {
            round: Some(info.name.clone()),
        }
        .into());
    }
    let due = match &args.due {
        Some(d) => Some(Date::parse(d).map_err(CliError::date("--due"))?),
        None => None,
    };
    let catalog = g.catalog_for(&info.name)?;
    let written = escalate::escalate(&Escalate {
        ws,
        round: &info,
        catalog: &catalog,
        today: Date::today(g.offset),
        due,
        offset: g.offset,
    })?;
    let mut text = format!("{}：督办单 {} 份\n", info.name, written.len());
    for w in &written {
        text.push_str(&format!(
            "  {}  任务 {}  {}督办（连续滞后 {} 期）  {}\n",
            w.number,
            w.task,
            w.level.label(),
            w.streak,
            w.path.display()
        ));
    }
    super::out(&text);
    Ok(Outcome::Clean)
}
