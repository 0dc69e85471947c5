//! The command line: one clap `Subcommand` enum, each variant's arguments in its own
//! `cmd` module.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::cmd;

/// 督办：任务清单、填报模板、报表校验、汇总与邮件分发。
#[derive(Debug, Parser)]
#[command(name = "duban", version, about, long_about = None)]
pub struct Cli {
    /// 任务清单文件（TOML）；不指定时使用内置的 2020 年任务清单。
    #[arg(long, global = true, value_name = "FILE")]
    pub catalog: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

/// Parsed once per run, so the size of the largest variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// 任务清单：导入通知、查看、导出。
    #[command(subcommand)]
    Catalog(cmd::catalog::Args),
    /// 填报模板：为每个单位生成本期任务进展填报表。
    Templates(cmd::templates::Args),
    /// 校验各单位报送的表格，逐条指出问题和改法。
    Check(cmd::check::Args),
    /// 汇总：生成汇总表、分管领导汇总、明细 CSV 和校验报告。
    Merge(cmd::merge::Args),
    /// 邮件分发：填报模板、领导汇总、催报提醒、校验问题反馈；默认只预览不发送。
    Mail(cmd::mail::Args),
}

impl Cli {
    /// Runs the chosen subcommand.
    pub fn run(self) -> crate::CliResult {
        let catalog = self.catalog.as_deref();
        match self.command {
            Command::Catalog(args) => cmd::catalog::run(args, catalog),
            Command::Templates(args) => cmd::templates::run(args, catalog),
            Command::Check(args) => cmd::check::run(args, catalog),
            Command::Merge(args) => cmd::merge::run(args, catalog),
            Command::Mail(args) => cmd::mail::run(args, catalog),
        }
    }
}
