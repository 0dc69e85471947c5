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
use crate::domain::report::FileStatus;
use crate::domain::round as schedule;
use crate::domain::stats::{indicators, stats};
use crate::domain::summary::Summary;
use crate::fsutil::{check_overwrite, Staged};
use crate::merge::{csv, flag_behind_schedule};
use crate::outputs::MergeOutputs;
use crate::write::merge as xlsx;
use crate::{CliError, CliResult, Outcome};

#[derive(Debug, clap::Args)]
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

    /// 输出文件的压缩级别（0-9）：越高文件越小、写得越慢；默认 1。
    #[arg(long, value_name = "LEVEL", default_value_t = xlsx::DEFAULT_COMPRESSION,
          value_parser = clap::value_parser!(u8).range(0..=9))]
    pub compression: u8,
}

pub fn run(args: Args, g: &crate::cmd::Globals) -> CliResult {
    let round = g.round(args.round.as_deref())?.ok_or(CliError::Needs {
        option: "--round",
        what: "填报期次，如 2020年第一季度",
    })?;
    let round = round.as_str();
    if round.is_empty() {
        return Err(CliError::EmptyRound { option: "--round" });
    }
    let catalog = g.catalog()?;
    let ws = g.workspace.as_ref();
    // In a workspace the round is the ledger's.
    let mut ledger = ws.map(|w| w.ledger()).transpose()?;
    let as_of = args
        .as_of
        .as_deref()
        .map(Date::parse)
        .transpose()
        .map_err(CliError::date("--as-of"))?;
    // Registered (or its --as-of kept) only with the merge's record.
    let info = match &ledger {
        Some(l) => Some(l.planned(round, as_of)?),
        None => None,
    };
    let config = match (&args.config, ws) {
        (Some(p), _) => Config::load(p)?,
        (None, Some(w)) => Config {
            colour: w.config.colour,
        },
        (None, None) => Config::default(),
    };
    let schedule = match as_of.or(info.as_ref().and_then(|i| i.as_of)) {
        Some(d) => Some(d.schedule()),
        None => schedule::from_round(round),
    };
    let (paths, out, force) = match ws {
        Some(w) => (
            if args.paths.is_empty() {
                vec![w.returns_dir(round)]
            } else {
                args.paths.clone()
            },
            args.out.clone().unwrap_or_else(|| w.merged_dir(round)),
            // The round's own folder holds the last merge of the round: it is replaced.
            args.force || args.out.is_none(),
        ),
        None => (
            args.paths.clone(),
            args.out.clone().ok_or(CliError::Needs {
                option: "--out",
                what: "输出文件夹",
            })?,
            args.force,
        ),
    };
    if paths.is_empty() {
        return Err(CliError::Needs {
            option: "PATH",
            what: "回收的报表文件或文件夹",
        });
    }
    if let Some(p) = paths.iter().find(|p| !p.exists()) {
        return Err(CliError::NoSuchPath(p.clone()));
    }
    refuse_output_among_inputs(&out, &paths)?;
    let outputs = MergeOutputs::new(&out, round, catalog.leaders().iter().map(|l| l.as_str()));
    for p in outputs.all() {
        check_overwrite(p, force)?;
    }
    // Said now, before the returns are read, if the folder cannot take the outputs.
    let staged = Staged::new(&out).map_err(CliError::not_written(&out))?;

    // The boundary with the check: the same rules and report as `duban check`.
    let opts = g.check_options(Some(round.to_string()))?;
    let mut report = crate::check::check_paths(&paths, &catalog, &opts);
    if let Some(s) = schedule {
        flag_behind_schedule(&mut report, s, &config.colour);
    }
    let mut m = crate::merge::merge(&catalog, &report, schedule, config.colour);
    if let (Some(l), Some(i)) = (&ledger, &info) {
        m.history = Some(l.history_before(i)?);
    }
    let st = stats(&m);
    let ind = indicators(&m);
    let level = args.compression;
    let rows = xlsx::TaskRows::new(&m);
    let summary = Summary::of(&m, &st, round);

    let write_outputs = || -> Result<(), CliError> {
        // Every output is built in memory on the cores there are, then written: first the
        // consolidated workbook's sheets on one core and its other sheets, the CSV and the
        // report on the other; then the workbook is packed while the leader summaries are made.
        let mut side = None;
        let filled = xlsx::fill_consolidated(&m, &rows, &st, &ind, round, level, || {
            side = Some((
                csv::detail_csv(&m),
                csv::unit_states_csv(&st),
                serde_json::to_vec_pretty(&report).expect("a check report serialises"),
                serde_json::to_vec_pretty(&summary).expect("a summary serialises"),
            ));
        })?;
        let (csv, units, json, summary_json) =
            side.expect("the sheets were filled, and the CSVs made with them");
        let (book, leaders) = rayon::join(
            || filled.save(),
            || {
                use rayon::prelude::*;
                outputs
                    .leaders
                    .par_iter()
                    .map(|(l, _)| xlsx::leader_summary(&m, &rows, l, round, level))
                    .collect::<Result<Vec<_>, _>>()
            },
        );
        // The files are written into the staging folder side by side (each sync waits on the
        // disk), then moved into place together: a run that fails leaves none of them.
        let (book, leaders) = (book?, leaders?);
        let mut files: Vec<(&Path, &[u8])> = vec![
            (&outputs.workbook, &book),
            (&outputs.csv, &csv),
            (&outputs.units, &units),
            (&outputs.report, &json),
            (&outputs.summary, &summary_json),
        ];
        files.extend(
            outputs
                .leaders
                .iter()
                .zip(&leaders)
                .map(|((_, p), b)| (p.as_path(), b.as_slice())),
        );
        let staged_ref = &staged;
        std::thread::scope(|s| {
            let handles: Vec<_> = files
                .iter()
                .map(|&(path, bytes)| s.spawn(move || staged_ref.write(&name(path), bytes)))
                .collect();
            // Every writer is joined; the first failure is the one told.
            let results: Vec<_> = handles
                .into_iter()
                .map(|h| h.join().expect("a file writer does not panic"))
                .collect();
            results.into_iter().collect::<Result<(), _>>()
        })
        .map_err(CliError::not_written(&out))?;
        staged.commit().map_err(CliError::not_written(&out))
    };
    // In a workspace the round's record is staged in the ledger on a thread of its own
    // while the outputs are made, and committed only once they are all in place: a run
    // that fails leaves the ledger as it was.
    let ledger_path = ledger.as_ref().map(|l| l.path().to_path_buf());
    let (pending, written) = match (ledger.as_mut(), &info) {
        (Some(l), Some(i)) => std::thread::scope(|s| {
            let staging = s.spawn(|| l.stage(i, &report, &summary, g.offset));
            let written = write_outputs();
            let staged = staging.join().expect("staging the ledger does not panic");
            (Some(staged), written)
        }),
        _ => (None, write_outputs()),
    };
    written?;
    let pending = pending.transpose()?;

    let rejected = report
        .files
        .iter()
        .filter(|f| f.status == FileStatus::Rejected)
        .count();
    let superseded = report
        .files
        .iter()
        .filter(|f| f.superseded_by.is_some())
        .count();
    let mut msg = format!(
        "{round}：读取报表 {} 份，采用 {} 份，退回 {} 份，被替代 {} 份。\n{}\n{}\n",
        report.files.len(),
        m.returns.len(),
        rejected,
        superseded,
        st.return_line(),
        st.overall.line("任务"),
    );
    if schedule.is_none() {
        msg.push_str("注意：期次未写明月份、季度或半年，未计算序时进度；可用 --as-of 指定日期。\n");
    }
    msg.push_str(&format!(
        "已写入 {}：\n  {}\n  {}\n  {}\n  {}\n  {}\n  分管领导汇总 {} 份（*_分管任务进展.xlsx）\n",
        out.display(),
        name(&outputs.workbook),
        name(&outputs.csv),
        name(&outputs.units),
        name(&outputs.report),
        name(&outputs.summary),
        outputs.leaders.len()
    ));
    if rejected > 0 {
        msg.push_str("有被退回的报表，问题见汇总表的“校验问题”工作表。\n");
    }
    // The ledger's record is committed last, once the outputs exist: one transaction
    // that replaces what the ledger held of the round.
    if let (Some(p), Some(i), Some(path)) = (pending, &info, ledger_path) {
        p.commit()?;
        msg.push_str(&format!(
            "已记入台账 {}（第 {} 期；重新汇总会替换本期的记录）。\n",
            path.display(),
            i.seq
        ));
    }
    super::out(&msg);
    Ok(if rejected > 0 {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}

fn name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Writing the outputs into a folder being merged would make the next run read them as
/// returns. The output folder need not exist yet.
fn refuse_output_among_inputs(out: &Path, inputs: &[PathBuf]) -> Result<(), CliError> {
    let out_abs = crate::fsutil::resolved(out);
    for p in inputs.iter().filter(|p| p.is_dir()) {
        if out_abs.starts_with(crate::fsutil::resolved(p)) {
            return Err(CliError::OutputInsideInputs {
                out: out.to_path_buf(),
                input: p.clone(),
            });
        }
    }
    Ok(())
}
