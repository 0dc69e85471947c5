//! The command line: one clap `Subcommand` enum, each variant's arguments in its own
//! `cmd` module; its help and usage errors in Chinese (`zh`).

mod zh;

use std::path::PathBuf;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use jiff::tz::Offset;

use crate::cmd;

/// 督办：任务清单、填报模板、报表校验、汇总与邮件分发。
#[derive(Debug, Parser)]
#[command(name = "duban", version, long_about = None)]
pub struct Cli {
    /// 任务清单文件（TOML）；不指定时使用内置的 2020 年任务清单。
    #[arg(long, global = true, value_name = "FILE")]
    pub catalog: Option<PathBuf>,

    /// 本单位所在时区，如 +08:00（默认北京时间）；没有时区的时间（如 LibreOffice 保存的时间）按此理解。
    #[arg(long, global = true, value_name = "OFFSET", value_parser = parse_offset)]
    pub time_zone: Option<Offset>,

    /// 督办工作区文件夹；不指定时，从当前文件夹向上寻找 duban.toml。
    #[arg(long, global = true, value_name = "DIR")]
    pub workspace: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

/// The command tree as the clerk sees it: clap's words replaced by Chinese ones.
pub fn command() -> clap::Command {
    let mut cmd = zh::localize(Cli::command());
    cmd.build();
    zh::finish(cmd)
}

/// Parses the process's arguments; on `--help`, `--version` or a usage error prints it in
/// Chinese and exits (0 for help and version, 2 for an error), as clap's `parse` does.
pub fn parse() -> Cli {
    let mut cmd = command();
    let matches = cmd
        .try_get_matches_from_mut(std::env::args_os())
        .unwrap_or_else(|e| e.apply::<zh::Chinese>().exit());
    Cli::from_arg_matches(&matches)
        .unwrap_or_else(|e| e.format(&mut cmd).apply::<zh::Chinese>().exit())
}

fn parse_offset(s: &str) -> Result<Offset, String> {
    crate::date::parse_offset(s).ok_or_else(|| format!("时区“{s}”无法识别，请写作 +08:00"))
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
    /// 定时督促：每天由计划任务运行，按截止时间提醒、催报（抄送分管领导）、发催办通知；默认只预览不发送。
    Remind(cmd::remind::Args),
    /// 督办单：汇总后为连续滞后（或标红）的任务生成蓝、黄、红色督办单（公文格式 .docx），主送主办单位、抄送分管领导。
    Escalate(cmd::escalate::Args),
    /// 创建督办工作区：配置文件、任务清单、联系人表和台账。
    Init(cmd::init::Args),
    /// 期次：登记新一期并生成各单位填报模板。
    #[command(subcommand)]
    Round(cmd::round::Args),
    /// 报送情况：本期各单位已通过、已报送未通过、未报送，是否按时。
    Status(cmd::status::Args),
    /// 台账历史：某项任务、某个单位或某位领导分管任务的历次情况和连续滞后期数。
    History(cmd::history::Args),
    /// 考核：按考核规则从台账计算各单位得分，逐项列出依据。
    Score(cmd::score::Args),
    /// 台账：导出台账工作簿。
    #[command(subcommand)]
    Ledger(cmd::ledger::Args),
    /// 任务办结（销号）与恢复。
    #[command(subcommand)]
    Task(cmd::task::Args),
    /// 通报：按汇总结果起草本期任务落实情况的通报（公文格式 .docx）。
    Bulletin(cmd::bulletin::Args),
    /// 收件：从单位邮箱收取各单位报送的表格（只读，不改动任何邮件），可答复发件人。
    Collect(cmd::collect::Args),
}

impl Cli {
    /// Runs the chosen subcommand.
    pub fn run(self) -> crate::CliResult {
        if let Command::Init(args) = self.command {
            return cmd::init::run(args, self.catalog.as_deref());
        }
        let g = cmd::Globals::new(self.catalog, self.time_zone, self.workspace.as_deref())?;
        match self.command {
            Command::Catalog(args) => cmd::catalog::run(args, &g),
            Command::Templates(args) => cmd::templates::run(args, &g),
            Command::Check(args) => cmd::check::run(args, &g),
            Command::Merge(args) => cmd::merge::run(args, &g),
            Command::Mail(args) => cmd::mail::run(args, &g),
            Command::Remind(args) => cmd::remind::run(args, &g),
            Command::Escalate(args) => cmd::escalate::run(args, &g),
            Command::Round(args) => cmd::round::run(args, &g),
            Command::Status(args) => cmd::status::run(args, &g),
            Command::History(args) => cmd::history::run(args, &g),
            Command::Ledger(args) => cmd::ledger::run(args, &g),
            Command::Score(args) => cmd::score::run(args, &g),
            Command::Task(args) => cmd::task::run(args, &g),
            Command::Init(_) => unreachable!("handled before the workspace is looked for"),
            Command::Bulletin(args) => cmd::bulletin::run(args, &g),
            Command::Collect(args) => cmd::collect::run(args, &g),
        }
    }
}
