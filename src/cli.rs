//! The command line: one clap `Subcommand` enum, each variant's arguments in its own
//! `cmd` module.

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use jiff::tz::Offset;

use crate::cmd;

/// 督办：任务清单、填报模板、报表校验、汇总与邮件分发。
#[derive(Debug, Parser)]
#[command(name = "duban", version, about, long_about = None)]
pub struct Cli {
    /// 任务清单文件（TOML）；不指定时使用内置的 2020 年任务清单。
    #[arg(long, global = true, value_name = "FILE")]
    pub catalog: Option<PathBuf>,

    /// 本单位所在时区，如 +08:00（默认北京时间）；没有时区的时间（如 LibreOffice 保存的时间）按此理解。
    #[arg(long, global = true, value_name = "OFFSET", value_parser = parse_offset)]
    pub time_zone: Option<Offset>,

    #[command(subcommand)]
    pub command: Command,
}

fn parse_offset(s: &str) -> Result<Offset, String> {
    crate::date::parse_offset(s).ok_or_else(|| format!("时区“{s}”无法识别，请写作 +08:00"))
}

/// What every command may use, from the options common to all.
#[derive(Clone, Debug)]
pub struct Globals {
    /// `--catalog`, or the embedded catalog.
    pub catalog: Option<PathBuf>,
    /// The office's time zone.
    pub offset: Offset,
}

impl Globals {
    /// The catalog in use.
    pub fn catalog(&self) -> Result<crate::catalog::Catalog, crate::catalog::CatalogError> {
        crate::catalog::Catalog::load(self.catalog.as_deref())
    }

    /// Check options for `round`, with the office's zone and the isolated reader.
    pub fn check_options(&self, round: Option<String>) -> crate::check::CheckOptions {
        crate::check::CheckOptions {
            round,
            limits: crate::read::Limits::isolated(),
            offset: self.offset,
            ..crate::check::CheckOptions::default()
        }
    }
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
    /// 收件：从单位邮箱收取各单位报送的表格（只读，不改动任何邮件），可答复发件人。
    Collect(cmd::collect::Args),
}

impl Cli {
    /// Runs the chosen subcommand.
    pub fn run(self) -> crate::CliResult {
        let g = Globals {
            catalog: self.catalog,
            offset: self.time_zone.unwrap_or(crate::date::OFFICE_OFFSET),
        };
        match self.command {
            Command::Catalog(args) => cmd::catalog::run(args, &g),
            Command::Templates(args) => cmd::templates::run(args, &g),
            Command::Check(args) => cmd::check::run(args, &g),
            Command::Merge(args) => cmd::merge::run(args, &g),
            Command::Mail(args) => cmd::mail::run(args, &g),
            Command::Collect(args) => cmd::collect::run(args, &g),
        }
    }
}
