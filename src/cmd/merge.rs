//! `duban merge`: one command from a folder of returns to the round's consolidated workbook,
//! one summary per leader, the detail CSV and the check report.
//!
//! ```text
//! duban merge 回收报表/ --round 2020年第一季度 --out 汇总/
//! duban merge 回收报表/ --round 2020年第2期 --as-of 2020-05-31 --config 三色.toml --out 汇总/ --force
//! ```
//!
//! Every return is checked exactly as `duban check` does; accepted returns are merged (of two
//! from one unit, the later); rejected and superseded ones are listed in the workbook and in
//! the JSON report. Outputs are refused if they exist (unless `--force`), written as a set
//! or not at all (a full disk or a refused folder leaves none of them), and byte-identical
//! for the same inputs.

use std::path::{Path, PathBuf};

use crate::date::Date;
use crate::domain::colour::Config;
use crate::domain::colour::Thresholds;
use crate::ledger::LedgerError;
use crate::ops::merge::{file_name, merge_round, MergeRound, RoundMerged};
use crate::workspace::Workspace;
use crate::write::merge as xlsx;
use crate::{CliError, CliResult, Outcome};

#[derive(Clone, Debug, clap::Args)]
pub struct Args {
    /// 回收的报表文件、文件夹或 .zip（可多个）；在工作区中默认为本期的“回收”文件夹。
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// 填报期次，如 2020年第一季度；用于文件名、标题和序时进度。在工作区中默认为最近一期。
    #[arg(long, value_name = "R")]
    pub round: Option<String>,

    /// 输出文件夹；在工作区中默认为本期的“汇总”文件夹（重新汇总时覆盖其中上次的结果）。
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// 序时进度的截止日期（如 2020-03-31）；默认取期次所指月份、季度或半年的末日。
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,

    #[arg(long, value_name = "FILE", help = Thresholds::help())]
    pub config: Option<PathBuf>,

    /// 覆盖输出文件夹中已有的同名文件。
    #[arg(long)]
    pub force: bool,

    /// 汇总本期后，按顺序重新汇总其后已汇总过的各期（在工作区中；其上期状态、连续滞后随之更新）。
    #[arg(long, conflicts_with_all = ["paths", "out"])]
    pub and_later: bool,

    /// 输出文件的压缩级别（0-9）：越高文件越小、写得越慢；默认 1。
    #[arg(long, value_name = "LEVEL", default_value_t = xlsx::DEFAULT_COMPRESSION,
          value_parser = clap::value_parser!(u8).range(0..=9))]
    pub compression: u8,
}

pub fn run(args: Args, g: &crate::cmd::Globals) -> CliResult {
    let round = required_round(g, args.round.as_deref())?;
    if args.and_later {
        return and_later(args, g, &round);
    }
    let outcome = merge_one(&args, g, &round)?;
    if let Some(ws) = &g.workspace {
        super::out(&stale_note(&ws.ledger()?)?);
    }
    Ok(outcome)
}

/// `--and-later`: the round, then every later round merged before, in order, each into its
/// own folders with its own catalog.
fn and_later(args: Args, g: &crate::cmd::Globals, round: &str) -> CliResult {
    let ws = g.workspace("merge --and-later")?;
    let ledger = ws.ledger()?;
    let first = (ledger.round(round)?).ok_or_else(|| LedgerError::NoRound(round.to_string()))?;
    let later: Vec<String> = (ledger.rounds()?.into_iter())
        .filter(|r| r.seq > first.seq && r.merged_at.is_some())
        .map(|r| r.name)
        .collect();
    drop(ledger);
    let mut outcome = merge_one(&args, g, round)?;
    for r in &later {
        // Each round's own --as-of stays as the ledger recorded it.
        let each = Args {
            as_of: None,
            ..args.clone()
        };
        if merge_one(&each, g, r)? == Outcome::Findings {
            outcome = Outcome::Findings;
        }
    }
    super::out(&format!(
        "已按顺序重新汇总 {} 期：{}。\n",
        later.len() + 1,
        std::iter::once(round)
            .chain(later.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join("、")
    ));
    super::out(&stale_note(&ws.ledger()?)?);
    Ok(outcome)
}

/// The rounds the ledger knows to be built on an older merge of an earlier round.
pub fn stale_note(ledger: &crate::ledger::Ledger) -> Result<String, CliError> {
    let stale = ledger.stale_rounds()?;
    let Some(first) = stale.first() else {
        return Ok(String::new());
    };
    let names: Vec<&str> = stale.iter().map(|r| r.name.as_str()).collect();
    Ok(format!(
        "需重新汇总：{}（汇总之后，其前面的期次又重新汇总过，上期状态和连续滞后已过时）。可用 duban merge --round {} --and-later 一并重新汇总。\n",
        names.join("、"),
        first.name
    ))
}

/// One round's merge, as `merge` without `--and-later` does it.
fn merge_one(args: &Args, g: &crate::cmd::Globals, round: &str) -> CliResult {
    let args = args.clone();
    let round = round.to_string();
    let catalog = g.catalog_for(&round)?;
    let ws = g.workspace.as_ref();
    let as_of =
        (args.as_of.as_deref().map(Date::parse).transpose()).map_err(CliError::date("--as-of"))?;
    // In a workspace: the round's 回收 and 汇总 folders, the latter replaced (it holds the
    // round's last merge); the round is recorded in the ledger.
    let (paths, out, force, ledger) = match ws {
        Some(w) => (
            match args.paths.is_empty() {
                true => vec![w.returns_dir(&round)],
                false => args.paths,
            },
            args.out.clone().unwrap_or_else(|| w.merged_dir(&round)),
            args.force || args.out.is_none(),
            Some((w.ledger()?, g.offset)),
        ),
        None => (
            args.paths,
            args.out.ok_or(CliError::Needs {
                option: "--out",
                what: "输出文件夹",
            })?,
            args.force,
            None,
        ),
    };
    if paths.is_empty() {
        return Err(CliError::Needs {
            option: "PATH",
            what: "回收的报表文件或文件夹",
        });
    }
    let merged = merge_round(
        &catalog,
        MergeRound {
            round: &round,
            paths: &paths,
            out: &out,
            force,
            as_of,
            colour: thresholds(args.config.as_deref(), ws)?,
            compression: args.compression,
            check: g.check_options(Some(round.clone()))?,
            ledger,
            imprint: imprint(g, &out)?,
        },
    )?;
    super::out(&message(&round, &out, &merged));
    Ok(match merged.rejected {
        0 => Outcome::Clean,
        _ => Outcome::Findings,
    })
}

/// The printed tables' imprint; 报送文件 names the returns from the round's folder (the
/// output folder's parent).
fn imprint(g: &crate::cmd::Globals, out: &Path) -> Result<crate::write::paper::Imprint, CliError> {
    Ok(crate::write::paper::Imprint {
        root: crate::fsutil::resolved(out).parent().map(Path::to_path_buf),
        ..g.imprint()?
    })
}

/// `--round`, else the workspace's latest; not empty.
fn required_round(g: &crate::cmd::Globals, round: Option<&str>) -> Result<String, CliError> {
    let round = g.round(round)?.ok_or(CliError::Needs {
        option: "--round",
        what: "填报期次，如 2020年第一季度",
    })?;
    if round.is_empty() {
        return Err(CliError::EmptyRound { option: "--round" });
    }
    Ok(round)
}

/// `--config`, else the workspace's, else the defaults.
fn thresholds(config: Option<&Path>, ws: Option<&Workspace>) -> Result<Thresholds, CliError> {
    Ok(match (config, ws) {
        (Some(p), _) => Config::load(p)?.colour,
        (None, Some(w)) => w.config.colour,
        (None, None) => Config::default().colour,
    })
}

/// What the merge read and wrote, and where it recorded the round.
fn message(round: &str, out: &Path, m: &RoundMerged) -> String {
    let mut msg = format!(
        "{round}：读取报表 {} 份，采用 {} 份，退回 {} 份，被替代 {} 份。\n{}\n{}\n",
        m.files, m.accepted, m.rejected, m.superseded, m.return_line, m.task_line,
    );
    if !m.scheduled {
        msg.push_str("注意：期次未写明月份、季度或半年，未计算序时进度；可用 --as-of 指定日期。\n");
    }
    let o = &m.outputs;
    msg.push_str(&format!(
        "已写入 {}：\n  {}\n  {}\n  {}\n  {}\n  {}\n  分管领导汇总 {} 份（*_分管任务进展.xlsx）\n",
        out.display(),
        file_name(&o.workbook),
        file_name(&o.csv),
        file_name(&o.units),
        file_name(&o.report),
        file_name(&o.summary),
        o.leaders.len()
    ));
    if m.rejected > 0 {
        msg.push_str("有被退回的报表，问题见汇总表的“校验问题”工作表。\n");
    }
    if let Some((path, seq)) = &m.recorded {
        msg.push_str(&format!(
            "已记入台账 {}（第 {seq} 期；重新汇总会替换本期的记录）。\n",
            path.display()
        ));
    }
    msg
}
