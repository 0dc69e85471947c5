//! `duban bulletin`: the round's 通报 as an official document (.docx, GB/T 9704), drafted
//! from the merge's summary.
//!
//! ```text
//! duban bulletin --round 2020年第一季度 --merged 汇总/ -o 通报.docx --number 第1期 --date 2020-04-08
//! duban bulletin --round 2020年第二季度 --merged 汇总2/ -o 通报.docx \
//!     --previous 汇总1/2020年第一季度_汇总.json --deadline 2020-07-05
//! duban bulletin --round 2020年第一季度 --merged 汇总/ -o 通报.docx --template 红头.docx --texts 通报文字/
//! ```
//!
//! Every number and name comes from `<期次>_汇总.json` of `duban merge` (and of earlier
//! rounds, with `--previous`): nothing is recounted from the returns. The wording comes from
//! `templates/bulletin/*.txt` (embedded), each replaced by a file of the same name in
//! `--texts DIR`. The output is refused if it exists (unless `--force`), and written whole
//! or not at all; the same inputs and `--date` give the same bytes.
//!
//! Where a workspace plugs in: [`Sources`] is everything the bulletin takes from outside
//! the command line's own options. [`Sources::from_args`] makes it from `--merged`, `-o`,
//! `--previous` and `--deadline`; a workspace makes it from its folders and ledger
//! (`rounds/R/<R>_督查通报.docx`, the round's merged folder, the ledger's earlier
//! summaries or streaks, the round's deadline) and calls [`write`].

use std::path::PathBuf;

use super::out;
use crate::bulletin::{self, BulletinError, History, Late, Layout, Texts};
use crate::date::Date;
use crate::docx::Grid;
use crate::domain::summary::Summary;
use crate::fsutil::{check_overwrite, write_atomic};
use crate::ledger::LedgerError;
use crate::workspace::Workspace;
use crate::{CliError, CliResult, Outcome};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// 填报期次，如 2020年第一季度（在工作区中默认最近汇总的一期）。
    #[arg(long, value_name = "R")]
    pub round: Option<String>,
    /// duban merge 的输出文件夹（读取其中的 <期次>_汇总.json；在工作区中默认本期的汇总文件夹）。
    #[arg(long, value_name = "DIR")]
    pub merged: Option<PathBuf>,
    /// 通报文件（.docx）；给出文件夹（已有的，或以 / 结尾）时写为其中的 <期次>_督查通报.docx（在工作区中默认 rounds/<期次>/<期次>_督查通报.docx）。
    #[arg(short = 'o', long = "out", value_name = "FILE.docx")]
    pub out: Option<PathBuf>,
    /// 期号，如 第1期：写在标题上方，或填入模板中的 {{期号}}。
    #[arg(long, value_name = "第N期")]
    pub number: Option<String>,
    /// 成文日期（如 2020-04-08 或 2020年4月8日）；默认今天。
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
    /// 本单位的红头模板（.docx，Word 或 WPS 制作）：保留其样式、页眉页脚，正文写在 {{正文}} 处（没有时写在末尾）。
    #[arg(long, value_name = "FILE.docx")]
    pub template: Option<PathBuf>,
    /// 通报文字文件夹：其中与内置文字同名的 .txt（如 requirements.txt）代替内置文字。
    #[arg(long, value_name = "DIR")]
    pub texts: Option<PathBuf>,
    /// 往期的汇总数据（<期次>_汇总.json），按期次先后给出（可重复，最后一个为上期）：用于与上期比较和标注连续滞后（在工作区中取自台账）。
    #[arg(long, value_name = "FILE")]
    pub previous: Vec<PathBuf>,
    /// 报送截止时间（如 2020-04-05）：有收件时间时列出未按时报送的单位（在工作区中默认本期登记的截止时间）。
    #[arg(long, value_name = "DATE")]
    pub deadline: Option<String>,
    /// 文档网格：tracking（默认：行网格，三号字紧缩 0.25 磅，LibreOffice、Word、WPS 均每行 28 字）或 word（Word 的“行和字符网格”，LibreOffice 中每行只有约 14 字）。
    #[arg(long, value_enum, default_value = "tracking")]
    pub grid: GridArg,
    /// 覆盖已有的通报文件（在工作区中本期的通报文件总是重新生成）。
    #[arg(long)]
    pub force: bool,
}

/// `--grid`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum GridArg {
    Tracking,
    Word,
}

impl From<GridArg> for Grid {
    fn from(g: GridArg) -> Grid {
        match g {
            GridArg::Tracking => Grid::LinesAndTracking,
            GridArg::Word => Grid::WordCharGrid,
        }
    }
}

/// Everything the bulletin takes from outside its own options.
#[derive(Clone, Debug)]
pub struct Sources {
    /// This round's summary.
    pub summary: Summary,
    /// Where the .docx goes.
    pub out: PathBuf,
    /// Earlier rounds, when known.
    pub history: Option<History>,
    /// The round's reporting deadline, when known.
    pub deadline: Option<Date>,
}

impl Sources {
    /// From the command line: `--merged DIR` (its `<期次>_汇总.json`), `-o FILE`,
    /// `--previous FILE…`, `--deadline DATE`.
    ///
    /// # Errors
    /// [`BulletinError::NeedsOption`] without `--merged` or `-o`; a summary that cannot be
    /// read or is another round's; a date that cannot be read.
    pub fn from_args(args: &Args, round: &str) -> Result<Sources, CliError> {
        let merged = args.merged.as_ref().ok_or(BulletinError::NeedsOption {
            option: "--merged DIR",
            what: "duban merge 的输出文件夹",
        })?;
        let out = args.out.clone().ok_or(BulletinError::NeedsOption {
            option: "-o FILE.docx",
            what: "通报文件",
        })?;
        let out = out_file(out, round);
        let path = merged.join(crate::outputs::merge_summary(round));
        let summary = bulletin::load_summary(&path, Some(round))?;
        let history = previous_history(&args.previous, &summary)?;
        let deadline = args
            .deadline
            .as_deref()
            .map(|d| Date::parse(d).map_err(CliError::date("--deadline")))
            .transpose()?;
        Ok(Sources {
            summary,
            out,
            history,
            deadline,
        })
    }

    /// From a workspace: the round (given, else the latest merged), its merged folder's
    /// summary, `rounds/R/<R>_督查通报.docx`, the ledger's streaks and last round's summary,
    /// and the round's deadline; any option given still wins.
    pub fn from_workspace(args: &Args, ws: &Workspace) -> Result<Sources, CliError> {
        let ledger = ws.ledger()?;
        let info = match args.round.as_deref().map(str::trim) {
            Some("") => return Err(CliError::EmptyRound { option: "--round" }),
            Some(r) => ledger
                .round(r)?
                .ok_or_else(|| LedgerError::NoRound(r.to_string()))?,
            // The round in hand, as every command takes it: never an earlier one instead.
            None => ledger
                .latest()?
                .ok_or(BulletinError::NotMerged { round: None })?,
        };
        let round = info.name.as_str();
        super::round_note(args.round.as_deref(), round);
        let merged = args.merged.clone().unwrap_or_else(|| ws.merged_dir(round));
        let path = merged.join(crate::outputs::merge_summary(round));
        if args.merged.is_none() && (info.merged_at.is_none() || !path.exists()) {
            return Err(BulletinError::NotMerged {
                round: Some(round.to_string()),
            }
            .into());
        }
        let summary = bulletin::load_summary(&path, Some(round))?;
        let out = match &args.out {
            Some(o) => out_file(o.clone(), round),
            None => ws.round_dir(round).join(crate::outputs::bulletin(round)),
        };
        refuse_other_document(ws, &ledger, &info, &out)?;
        let history = if args.previous.is_empty() {
            let before = ledger.history_before(&info)?;
            let streaks = summary
                .tasks
                .iter()
                .filter(|t| t.lagging())
                .map(|t| (t.number, before.streak(t.number, t.status, t.colour)))
                .collect();
            let previous = match ledger.previous(&info)? {
                Some(p) => ledger.summary(&p)?,
                None => None,
            };
            Some(History { previous, streaks })
        } else {
            previous_history(&args.previous, &summary)?
        };
        let deadline = match &args.deadline {
            Some(d) => Some(Date::parse(d).map_err(CliError::date("--deadline"))?),
            None => info.deadline,
        };
        Ok(Sources {
            summary,
            out,
            history,
            deadline,
        })
    }
}

/// A round's 通报 is never written over another round's: `-o` naming a file in another
/// round's folder, or another round's standard name, is refused.
fn refuse_other_document(
    ws: &Workspace,
    ledger: &crate::ledger::Ledger,
    info: &crate::domain::history::RoundInfo,
    out: &std::path::Path,
) -> Result<(), CliError> {
    let out_abs = crate::fsutil::resolved(out);
    for r in ledger.rounds()?.into_iter().filter(|r| r.id != info.id) {
        let theirs = crate::fsutil::resolved(&ws.round_dir(&r.name));
        let named = out.file_name() == Some(crate::outputs::bulletin(&r.name).as_ref());
        if out_abs.starts_with(&theirs) || named {
            return Err(BulletinError::OtherDocument {
                path: out.to_path_buf(),
                round: r.name,
            }
            .into());
        }
    }
    Ok(())
}

/// In a workspace, the 期号: the one given (refused when another round's 通报 carries it),
/// else the one the round's 通报 was given before.
fn round_number(args: &Args, ws: &Workspace) -> Result<Option<String>, CliError> {
    let ledger = ws.ledger()?;
    let Some(info) = ledger.round(&round_of(args, ws)?)? else {
        return Ok(None);
    };
    match args
        .number
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        Some(n) => {
            ledger.refuse_used_number(&info, n)?;
            Ok(Some(n.to_string()))
        }
        None => Ok(ledger.bulletin_number(&info)?),
    }
}

/// The round a workspace's bulletin is for: `--round`, else the latest registered.
fn round_of(args: &Args, ws: &Workspace) -> Result<String, CliError> {
    Ok(match args.round.as_deref().map(str::trim) {
        Some(r) => r.to_string(),
        None => ws.round(None)?.name,
    })
}

/// History from `--previous` summaries (oldest first), if any are given.
fn previous_history(previous: &[PathBuf], summary: &Summary) -> Result<Option<History>, CliError> {
    let mut earlier = Vec::new();
    for p in previous {
        let s = bulletin::load_summary(p, None)?;
        if s.round == summary.round {
            return Err(BulletinError::OtherRound {
                path: p.clone(),
                found: s.round,
                wanted: "往期".to_string(),
            }
            .into());
        }
        earlier.push(s);
    }
    Ok((!earlier.is_empty()).then(|| History::from_summaries(earlier, summary)))
}

/// `-o`: a file, or a folder (existing, or written with a trailing /) to hold the round's
/// bulletin under its standard name.
fn out_file(out: PathBuf, round: &str) -> PathBuf {
    let as_folder = out.is_dir() || out.as_os_str().to_string_lossy().ends_with(['/', '\\']);
    if as_folder {
        out.join(crate::outputs::bulletin(round))
    } else {
        out
    }
}

pub fn run(args: Args, g: &crate::cmd::Globals) -> CliResult {
    let (sources, force, texts, template, number) = match &g.workspace {
        Some(ws) => {
            let s = Sources::from_workspace(&args, ws)?;
            // The round's own bulletin is the office's draft of it: made again on request.
            let force = args.force || args.out.is_none();
            let b = &ws.config.bulletin;
            let texts = args.texts.clone().or_else(|| ws.configured(&b.texts));
            let template = args.template.clone().or_else(|| ws.configured(&b.template));
            (s, force, texts, template, round_number(&args, ws)?)
        }
        None => {
            let round = args.round.as_deref().map(str::trim).unwrap_or_default();
            if round.is_empty() {
                return Err(CliError::Needs {
                    option: "--round",
                    what: "填报期次，如 2020年第一季度",
                });
            }
            let s = Sources::from_args(&args, round)?;
            let number = args.number.clone();
            (
                s,
                args.force,
                args.texts.clone(),
                args.template.clone(),
                number,
            )
        }
    };
    let round = sources.summary.round.clone();
    let args = Args {
        force,
        texts,
        template,
        number,
        ..args
    };
    let outcome = write(&args, g, sources)?;
    // Kept once the document is written: rerunning the round's bulletin keeps its 期号.
    if let (Some(ws), Some(n)) = (&g.workspace, &args.number) {
        let ledger = ws.ledger()?;
        if let Some(info) = ledger.round(&round)? {
            ledger.set_bulletin_number(&info, n.trim())?;
        }
    }
    Ok(outcome)
}

/// Drafts, lays out and writes the bulletin from `sources`, and says what it holds.
pub fn write(args: &Args, g: &crate::cmd::Globals, sources: Sources) -> CliResult {
    check_overwrite(&sources.out, args.force)?;
    let texts = Texts::load(args.texts.as_deref()).map_err(BulletinError::from)?;
    let date = match &args.date {
        Some(d) => Date::parse(d).map_err(CliError::date("--date"))?,
        None => Date::today(g.offset),
    };
    let number = args
        .number
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    let template = args
        .template
        .as_deref()
        .map(crate::fsutil::read)
        .transpose()?;
    let layout = Layout {
        grid: args.grid.into(),
        template: args.template.as_deref().zip(template.as_deref()),
        number,
        date,
        offset: g.offset,
    };
    let s = &sources.summary;
    let late = sources.deadline.and_then(|d| Late::judge(s, d, g.offset));
    let inputs = bulletin::Inputs {
        summary: s,
        history: sources.history.as_ref(),
        late: late.as_ref(),
        number,
        number_line: layout.number_line()?,
        date,
    };
    let d = bulletin::draft(&inputs, &texts)?;
    let bytes = bulletin::render(&d, &layout)?;
    write_atomic(&sources.out, &bytes)?;

    let streaks = d.lagging.iter().filter(|(_, n)| *n >= 2).count();
    let missing = s
        .units_in(crate::domain::status::UnitState::Missing)
        .count();
    let rejected = s
        .units_in(crate::domain::status::UnitState::Rejected)
        .count();
    let mut msg = format!(
        "{}通报：进展较好 {} 项，进展滞后 {} 项",
        s.round,
        d.good.len(),
        d.lagging.len()
    );
    if sources.history.is_some() {
        msg.push_str(&format!("（连续滞后 {streaks} 项）"));
    }
    msg.push_str(&format!(
        "；未报送单位 {missing} 个，退回重报单位 {rejected} 个"
    ));
    if let Some(l) = &late {
        msg.push_str(&format!("，未按时报送单位 {} 个", l.units.len()));
    }
    msg.push_str("。\n");
    if let Some(p) = sources.history.as_ref().and_then(|h| h.previous.as_ref()) {
        msg.push_str(&format!("与上期（{}）比较。\n", p.round));
    }
    let arrivals = s.units.iter().any(|u| u.received_at.is_some());
    match (&sources.deadline, &late) {
        (None, _) if arrivals => {
            msg.push_str("注意：未给出 --deadline，未判断各单位是否按时报送。\n");
        }
        (Some(_), None) => msg.push_str(
            "注意：报表没有收件时间（不是经邮箱收取的），未判断是否按时报送，通报中不列未按时报送的单位。\n",
        ),
        (Some(_), Some(l)) if !l.unknown.is_empty() => msg.push_str(&format!(
            "注意：{} 个单位的报表没有收件时间，未判断是否按时：{}\n",
            l.unknown.len(),
            l.unknown.join("、")
        )),
        _ => {}
    }
    msg.push_str(&format!("已写入 {}\n", sources.out.display()));
    out(&msg);
    Ok(Outcome::Clean)
}
