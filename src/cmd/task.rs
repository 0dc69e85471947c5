//! `duban task`: 办结 (closing a finished task) and its undoing, in the workspace's ledger.
//!
//! ```text
//! duban task close 3 --note "已通过验收"
//! duban task reopen 3
//! ```
//!
//! A task closed is 已办结 from the next round on: later templates list it without asking
//! for input, later merges show it as 已办结, and the ledger keeps its history.

use super::out;
use crate::cmd::Globals;
use crate::{CliError, CliResult, Outcome};

#[derive(Debug, clap::Subcommand)]
pub enum Args {
    /// 办结（销号）：自下一期起不再填报，汇总中显示“已办结”。
    Close {
        /// 任务序号。
        task: u32,
        /// 说明，如“已通过验收”。
        #[arg(long, default_value = "")]
        note: String,
    },
    /// 撤销办结：自下一期起恢复填报。
    Reopen {
        /// 任务序号。
        task: u32,
    },
}

pub fn run(args: Args, g: &Globals) -> CliResult {
    let ws = g.workspace("task")?;
    let cat = g.catalog()?;
    let ledger = ws.ledger()?;
    let (task, closing) = match &args {
        Args::Close { task, .. } => (*task, true),
        Args::Reopen { task } => (*task, false),
    };
    if cat.task(task).is_none() {
        return Err(CliError::NoSuchTask {
            number: task,
            count: cat.tasks().len(),
        });
    }
    let after = ledger
        .latest()?
        .map(|r| format!("“{}”之后", r.name))
        .unwrap_or_else(|| "第一期起".into());
    match args {
        Args::Close { note, .. } => ledger.close_task(task, &note)?,
        Args::Reopen { .. } => ledger.reopen_task(task)?,
    }
    out(&format!(
        "任务 {task} 已{}：自{after}的下一期起{}。\n",
        if closing { "办结" } else { "恢复" },
        if closing {
            "模板中列为“已办结”、不再填报，汇总中显示“已办结”"
        } else {
            "恢复填报"
        }
    ));
    Ok(Outcome::Clean)
}
