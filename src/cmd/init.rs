//! `duban init`: creates the office's workspace for a year.
//!
//! ```text
//! duban init 2020年督办
//! duban init 2020年督办 --catalog 任务清单.toml
//! ```
//!
//! Writes `duban.toml` (commented), `任务清单.toml` (the catalog in use), `contacts.csv`
//! (every unit and leader, addresses to fill), the ledger `督办台账.db` and `rounds/`.
//! Refuses to overwrite any of them.

use std::path::{Path, PathBuf};

use super::out;
use crate::catalog::Catalog;
use crate::workspace::{self, Workspace};
use crate::{CliResult, Outcome};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// 工作区文件夹（不存在时创建；已有工作区文件时不覆盖）。
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

pub fn run(args: Args, catalog: Option<&Path>) -> CliResult {
    let cat = Catalog::load(catalog)?;
    let ws = Workspace::init(&args.dir, &cat)?;
    out(&format!(
        "已创建督办工作区 {}：\n  {}  配置（督考办联系方式、邮箱服务器等请在此填写）\n  {}  任务清单（{} 项任务）\n  {}  联系人表（{} 个单位、{} 位领导，邮箱待填写）\n  {}  台账\n  {}  考核规则（duban score 按此计分，可修改）\n  {}/  各期文件\n下一步：在工作区中运行 duban round new {}\n",
        ws.root.display(),
        workspace::CONFIG,
        workspace::CATALOG,
        cat.tasks().len(),
        workspace::CONTACTS,
        cat.assignments().len(),
        cat.leaders().len(),
        crate::outputs::LEDGER,
        crate::score::rules::FILE,
        workspace::ROUNDS,
        // The example round is of the catalog's year.
        match cat.notice().year() {
            Some(y) => format!("{y}年第一季度 --deadline {y}-04-05"),
            None => "期次 --deadline 截止日期".to_string(),
        },
    ));
    Ok(Outcome::Clean)
}
