//! `duban init`: creates the office's workspace for a year.
//!
//! ```text
//! duban init 2020年督办
//! duban init 2020年督办 --catalog 任务清单.toml
//! duban init 督办2021 --catalog 分解表.xlsx --from ../督办2020
//! ```
//!
//! `--catalog` takes a catalog TOML or any document `catalog import` reads (the notice as
//! Word or text, a 任务分解表 in Excel or Word); `--from` takes last year's workspace, whose
//! units, aliases and former names resolve the new document's units and whose contacts
//! carry over (see [`crate::ops::new_year`]).
//!
//! Writes `duban.toml` (commented), `任务清单.toml` (the catalog in use), `contacts.csv`
//! (every unit and leader, addresses to fill), the ledger `督办台账.db` and `rounds/`.
//! Refuses to overwrite any of them.

use std::path::{Path, PathBuf};

use super::out;
use crate::catalog::Registry;
use crate::ops::import::{unknown_line, Imported};
use crate::ops::new_year::{carry_contacts, last_year, year_catalog, YearCatalog};
use crate::workspace::{self, Workspace};
use crate::{CliResult, Outcome};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// 工作区文件夹（不存在时创建；已有工作区文件时不覆盖）。
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// 上一年度的工作区：沿用其单位名录（含简称、曾用名）和联系人表。
    #[arg(long, value_name = "DIR")]
    pub from: Option<PathBuf>,
}

pub fn run(args: Args, catalog: Option<&Path>) -> CliResult {
    let last = args.from.as_deref().map(last_year).transpose()?;
    let registry = match &last {
        Some((_, r)) => r.clone(),
        None => Registry::embedded(),
    };
    let YearCatalog {
        catalog: cat,
        found,
    } = year_catalog(catalog, &registry)?;
    let ws = Workspace::init(&args.dir, &cat)?;
    if let Some(f) = &found {
        out(&found_note(f));
    }
    if let Some((old, _)) = &last {
        let n = carry_contacts(old, &ws, &cat)?;
        out(&format!(
            "已沿用 {} 的单位名录（含简称、曾用名），联系人表中 {n} 行沿用上年的邮箱。\n",
            old.root.display()
        ));
    }
    out(&format!(
        "已创建督办工作区 {}：\n  {}  配置（督考办联系方式、邮箱服务器等请在此填写）\n  {}  任务清单（{} 项任务）\n  {}  联系人表（{} 个单位、{} 位领导，邮箱待填写）\n  {}  台账\n  {}  考核规则（duban score 按此计分，可修改）\n  {}/  各期文件\n下一步：先在 {} 中填写督考办名称和联系方式（office、office_contact）、发件邮箱，在 {} 中填写各单位、各位领导的邮箱；然后在工作区中运行 duban round new {}\n",
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
        workspace::CONFIG,
        workspace::CONTACTS,
        // The example round is of the catalog's year.
        match cat.notice().year() {
            Some(y) => format!("{y}年第一季度 --deadline {y}-04-05"),
            None => "期次 --deadline 截止日期".to_string(),
        },
    ));
    Ok(Outcome::Clean)
}

/// What the import of the year's document found, to review in 任务清单.toml.
fn found_note(f: &Imported) -> String {
    let mut s = format!("从{}读出任务清单。\n", f.form);
    if !f.unknown.is_empty() {
        s.push_str(&format!(
            "以下 {} 个单位不在单位名录中，已按名称记入（请在任务清单.toml 中核对）：\n",
            f.unknown.len()
        ));
        for u in &f.unknown {
            s.push_str(&format!("  {}\n", unknown_line(u)));
        }
    }
    for line in f.review.iter().chain(&f.skipped) {
        s.push_str(&format!("  请核对：{line}\n"));
    }
    s
}
