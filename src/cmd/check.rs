//! `duban check`: reads returned workbooks and tells each unit exactly what to fix.
//!
//! ```text
//! duban check returns/ --round 2020年第一季度
//! duban check returns/ --format json > check.json
//! duban check returns/ --feedback feedback/
//! ```
//!
//! Exit status: 0 when every return is accepted (warnings allowed), 1 when any is
//! rejected, 2 when the command itself could not run.

use std::path::{Path, PathBuf};

use super::out;
use super::Format;
use crate::catalog::Catalog;
use crate::check::check_paths;
use crate::domain::report::{CheckReport, FileReport, FileStatus};
use crate::fsutil::write_atomic;
use crate::write::feedback::feedback_workbook;
use crate::{CliError, CliResult, Outcome};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// 报送的表格文件、文件夹或 .zip（文件夹会逐层读取）；在工作区中默认为本期的“回收”文件夹。
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// 本次收集的填报期次，如 2020年第一季度；其他期次的报表会被退回。在工作区中默认为最近一期。
    #[arg(long, value_name = "R")]
    pub round: Option<String>,
    /// 输出格式。
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// 为每个有问题的报表生成一份问题清单（.xlsx），写到该文件夹，可直接发回给单位。
    #[arg(long, value_name = "DIR")]
    pub feedback: Option<PathBuf>,
}

pub fn run(args: Args, g: &crate::cmd::Globals) -> CliResult {
    let catalog = g.catalog()?;
    let round = g.round(args.round.as_deref())?;
    let paths = match (&g.workspace, &round, args.paths.is_empty()) {
        (Some(ws), Some(r), true) => vec![ws.returns_dir(r)],
        (_, _, false) => args.paths.clone(),
        (_, _, true) => {
            return Err(CliError::Needs {
                option: "PATH",
                what: "报送的表格文件或文件夹",
            })
        }
    };
    if let Some(p) = paths.iter().find(|p| !p.exists()) {
        return Err(CliError::NoSuchPath(p.clone()));
    }
    let opts = g.check_options(round)?;
    let report = check_paths(&paths, &catalog, &opts);
    if let Some(dir) = &args.feedback {
        write_feedback(dir, &report, &feedback_notes(g, report.round.as_deref())?)?;
    }
    match args.format {
        Format::Json => out(&(json(&report) + "\n")),
        Format::Text => out(&text(&report, &catalog)),
    }
    if report
        .files
        .iter()
        .any(|f| f.status == FileStatus::Rejected)
    {
        Ok(Outcome::Findings)
    } else {
        Ok(Outcome::Clean)
    }
}

/// The report as `--format json` prints it: the one report type, as merge writes it too.
pub fn json(report: &CheckReport) -> String {
    serde_json::to_string_pretty(report).expect("a check report serialises")
}

fn status_word(f: &FileReport) -> String {
    let (errors, warnings) = (f.errors(), f.warnings());
    let mut s = match f.status {
        FileStatus::Accepted if warnings == 0 => "通过".to_string(),
        FileStatus::Accepted => format!("通过（{warnings} 条提醒）"),
        FileStatus::Rejected => format!("退回（{errors} 个错误，{warnings} 条提醒）"),
    };
    if let Some(by) = &f.superseded_by {
        s.push_str(&format!("，已被 {} 取代", by.display()));
    }
    s
}

/// The report for a person: the summary first (what the office acts on), then each
/// rejected return with its problems, then the accepted ones with reminders; accepted
/// returns without any and superseded ones take a line each, so that a folder of hundreds
/// stays readable.
pub fn text(report: &CheckReport, catalog: &Catalog) -> String {
    let mut s = summary(report, catalog);
    let standing = |f: &&FileReport| f.superseded_by.is_none();
    let rejected: Vec<&FileReport> = report
        .files
        .iter()
        .filter(standing)
        .filter(|f| f.status == FileStatus::Rejected)
        .collect();
    let warned: Vec<&FileReport> = report
        .files
        .iter()
        .filter(standing)
        .filter(|f| f.status == FileStatus::Accepted && !f.issues.is_empty())
        .collect();
    let clean: Vec<&FileReport> = report
        .files
        .iter()
        .filter(standing)
        .filter(|f| f.status == FileStatus::Accepted && f.issues.is_empty())
        .collect();
    let superseded: Vec<&FileReport> = report
        .files
        .iter()
        .filter(|f| f.superseded_by.is_some())
        .collect();
    if !rejected.is_empty() {
        s.push_str(&format!("\n━━ 退回的文件（{} 个）━━\n\n", rejected.len()));
        for f in rejected {
            s.push_str(&block(f));
        }
    }
    if !warned.is_empty() {
        s.push_str(&format!(
            "\n━━ 通过但有提醒的文件（{} 个）━━\n\n",
            warned.len()
        ));
        for f in warned {
            s.push_str(&block(f));
        }
    }
    if !clean.is_empty() {
        s.push_str(&format!("\n━━ 通过的文件（{} 个）━━\n", clean.len()));
        for f in clean {
            s.push_str(&format!(
                "  {}（{}）\n",
                f.path.display(),
                f.unit.as_deref().unwrap_or("（未识别）")
            ));
        }
    }
    if !superseded.is_empty() {
        s.push_str(&format!(
            "\n━━ 被取代的文件（{} 个，均保留）━━\n",
            superseded.len()
        ));
        for f in superseded {
            s.push_str(&format!(
                "  {}（{}，{}）\n",
                f.path.display(),
                f.unit.as_deref().unwrap_or("（未识别）"),
                status_word(f)
            ));
        }
    }
    if !report.ignored.is_empty() {
        s.push_str(&format!(
            "\n━━ 非报表文件，已忽略（{} 个）━━\n",
            report.ignored.len()
        ));
        for p in &report.ignored {
            s.push_str(&format!("  {}\n", p.display()));
        }
    }
    s
}

/// One return with its problems, grouped by sheet and row.
fn block(f: &FileReport) -> String {
    let mut s = format!("■ {}\n", f.path.display());
    s.push_str(&format!(
        "  单位：{}　期次：{}　结论：{}\n",
        f.unit.as_deref().unwrap_or("（未识别）"),
        f.round.as_deref().unwrap_or("（未注明）"),
        status_word(f)
    ));
    let mut sheet: Option<&str> = None;
    let mut row: Option<u32> = None;
    for i in &f.issues {
        if i.sheet.as_deref() != sheet {
            sheet = i.sheet.as_deref();
            row = None;
            if let Some(name) = sheet {
                s.push_str(&format!("  工作表“{name}”\n"));
            }
        }
        let indent = if sheet.is_some() {
            if i.row != row && i.row.is_some() {
                let task = i.task.map(|t| format!("（任务 {t}）")).unwrap_or_default();
                s.push_str(&format!("    第 {} 行{task}\n", i.row.unwrap_or(0)));
            }
            row = i.row;
            if i.row.is_some() {
                "      "
            } else {
                "    "
            }
        } else {
            "  "
        };
        let cell = i.cell().map(|c| format!("{c} ")).unwrap_or_default();
        let task = match (i.row, i.task) {
            (None, Some(t)) => format!("任务 {t}："),
            _ => String::new(),
        };
        s.push_str(&format!(
            "{indent}{cell}{} {}：{task}{}\n",
            i.severity().label(),
            i.code,
            i.message
        ));
        if !i.fix.is_empty() {
            s.push_str(&format!("{indent}  → 怎么改：{}\n", i.fix));
        }
    }
    s.push('\n');
    s
}

fn summary(report: &CheckReport, catalog: &Catalog) -> String {
    let count = |st: FileStatus| report.files.iter().filter(|f| f.status == st).count();
    let warnings: usize = report
        .files
        .iter()
        .flat_map(|f| &f.issues)
        .filter(|i| !i.is_error())
        .count();
    // A rejected return a later one of its unit replaced is listed with the replaced
    // ones, not with the returns to send back: the count says so, so that both agree.
    let replaced = report
        .files
        .iter()
        .filter(|f| f.status == FileStatus::Rejected && f.superseded_by.is_some())
        .count();
    let replaced = if replaced > 0 {
        format!("（其中 {replaced} 份已被本单位后报的表格取代）")
    } else {
        String::new()
    };
    let mut s = format!(
        "汇总{}：收到报表 {} 份，通过 {} 份，退回 {} 份{replaced}；提醒 {} 条",
        report
            .round
            .as_deref()
            .map(|r| format!("（{r}）"))
            .unwrap_or_default(),
        report.files.len(),
        count(FileStatus::Accepted),
        count(FileStatus::Rejected),
        warnings
    );
    if !report.ignored.is_empty() {
        s.push_str(&format!(
            "；另有非报表文件 {} 个，已忽略",
            report.ignored.len()
        ));
    }
    s.push_str("。\n");
    let expected = catalog.expected_units(report.hosts_only).count();
    let (missing, rejected) = (&report.missing_units, &report.rejected_units);
    let accepted = expected - missing.len() - rejected.len();
    s.push_str(&format!(
        "应报送单位 {expected} 个：已通过 {accepted} 个，已报送未通过 {} 个，未报送 {} 个。\n",
        rejected.len(),
        missing.len()
    ));
    if !rejected.is_empty() {
        s.push_str(&format!(
            "已报送未通过（须退回重报）：{}\n",
            rejected.join("、")
        ));
    }
    if !missing.is_empty() {
        s.push_str(&format!("未报送：{}\n", missing.join("、")));
    }
    if !report.round_checked {
        s.push_str("注意：未指定 --round，未核对各报表的填报期次。\n");
    }
    s
}

/// In a workspace: the office, its contact and the round's deadline for the problem lists.
fn feedback_notes(
    g: &crate::cmd::Globals,
    round: Option<&str>,
) -> Result<crate::write::feedback::FeedbackNotes, CliError> {
    let Some(ws) = &g.workspace else {
        return Ok(Default::default());
    };
    let deadline = match round {
        Some(r) => ws.ledger()?.round(r)?.and_then(|i| i.deadline),
        None => None,
    };
    Ok(crate::write::feedback::FeedbackNotes {
        office: ws.config.office.clone(),
        contact: ws.config.office_contact.clone(),
        resubmit_by: deadline.map(|d| d.chinese()),
    })
}

/// One problem list per standing return with issues, named as `mail feedback` names it.
fn write_feedback(
    dir: &Path,
    report: &CheckReport,
    notes: &crate::write::feedback::FeedbackNotes,
) -> Result<(), CliError> {
    let round = report.round.as_deref();
    for f in report
        .files
        .iter()
        .filter(|f| f.superseded_by.is_none() && !f.issues.is_empty())
    {
        let name = crate::outputs::feedback(round, f.unit.as_deref(), &f.path);
        let bytes = feedback_workbook(f, round, notes)?;
        write_atomic(&dir.join(name), &bytes)?;
    }
    Ok(())
}
