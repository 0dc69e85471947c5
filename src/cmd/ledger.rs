//! `duban ledger export`: the 台账 workbook of the workspace's year.
//!
//! ```text
//! duban ledger export                       # the workspace's 台账.xlsx, replaced
//! duban ledger export -o 2020年督办台账.xlsx
//! ```
//!
//! One row per task with, per round, its status, percent and colour (filled), its lagging
//! streak and hosts; a sheet per kind of unit with each unit's rounds on time, late, sent
//! back or missing. Printable like the other workbooks.

use std::path::PathBuf;

use super::out;
use crate::cmd::Globals;
use crate::fsutil::{check_overwrite, write_atomic};
use crate::{CliResult, Outcome};

#[derive(Debug, clap::Subcommand)]
pub enum Args {
    /// 导出台账工作簿（.xlsx）。
    Export {
        /// 输出文件；默认为工作区的“台账.xlsx”（每次导出替换）。
        #[arg(short = 'o', long = "out", value_name = "FILE.xlsx")]
        out: Option<PathBuf>,
        /// 覆盖已有文件。
        #[arg(long)]
        force: bool,
    },
}

pub fn run(args: Args, g: &Globals) -> CliResult {
    let Args::Export { out: path, force } = args;
    let ws = g.workspace("ledger export")?;
    let cat = g.catalog()?;
    // The workspace's own 台账.xlsx is the ledger's export and is replaced, as merge and
    // bulletin replace theirs; a file named with -o is not, unless --force.
    let (path, force) = match path {
        Some(p) => (p, force),
        None => (ws.root.join(crate::outputs::LEDGER_WORKBOOK), true),
    };
    check_overwrite(&path, force)?;
    let ledger = ws.ledger()?;
    let year = ledger.year()?;
    // Each round's leaders and hosts as its own catalog had them.
    let cats = super::round_catalogs::RoundCatalogs::load(g, &ledger)?;
    let per_round: Vec<&crate::catalog::Catalog> =
        year.rounds.iter().map(|r| cats.of(&r.name)).collect();
    let chases = ledger.chases(None)?;
    let bytes = crate::write::ledger::workbook(&year, &cat, &per_round, &chases, &g.imprint()?)?;
    write_atomic(&path, &bytes)?;
    out(&format!(
        "已导出台账 {}：{} 期，{} 项任务，{} 个单位。\n",
        path.display(),
        year.rounds.len(),
        year.tasks.len(),
        year.units.len()
    ));
    Ok(Outcome::Clean)
}
