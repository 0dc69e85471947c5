//! `duban ledger export`: the 台账 workbook of the workspace's year.
//!
//! ```text
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
        /// 输出文件。
        #[arg(short = 'o', long = "out", value_name = "FILE.xlsx")]
        out: PathBuf,
        /// 覆盖已有文件。
        #[arg(long)]
        force: bool,
    },
}

pub fn run(args: Args, g: &Globals) -> CliResult {
    let Args::Export { out: path, force } = args;
    let ws = g.workspace("ledger export")?;
    let cat = g.catalog()?;
    check_overwrite(&path, force)?;
    let year = ws.ledger()?.year()?;
    let bytes = crate::write::ledger::workbook(&year, &cat, &g.imprint()?)?;
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
