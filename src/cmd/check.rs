//! `duban check`: reads returned workbooks and tells each unit exactly what to fix.
//!
//! ```text
//! duban check returns/ --round 2020年第一季度
//! duban check returns/ --format json > check.json
//! duban check returns/ --feedback feedback/
//! ```
//!
//! In a workspace the problem lists are written into the round's `问题清单/` without being
//! asked; the report's paths are shown relative to where it was run, or to the round.
//!
//! Exit status: 0 when every return that stands is accepted (warnings allowed), 1 when
//! any is rejected, 2 when the command itself could not run.

use std::path::{Path, PathBuf};

use super::check_text::{text, Shown};
use super::out;
use super::Format;
use crate::check::check_paths;
use crate::domain::report::{CheckReport, FileStatus};
use crate::fsutil::Staged;
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
    /// 为每个有问题的报表生成一份问题清单（.xlsx），写到该文件夹，可直接发回给单位；在工作区中默认写到本期的“问题清单”文件夹。
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
    // In a workspace the problem lists go to the round's 问题清单/ unless told elsewhere.
    let round_dir = g
        .workspace
        .as_ref()
        .zip(round.as_deref())
        .map(|(ws, r)| ws.round_dir(r));
    let feedback = (args.feedback.clone()).or_else(|| {
        round_dir
            .as_ref()
            .map(|d| d.join(crate::outputs::FEEDBACK_DIR))
    });
    let opts = g.check_options(round)?;
    let report = check_paths(&paths, &catalog, &opts);
    let cwd = std::env::current_dir().map(|d| crate::fsutil::resolved(&d));
    let shown = Shown {
        bases: cwd.into_iter().chain(round_dir).collect(),
    };
    if let Some(dir) = &feedback {
        let notes = feedback_notes(g, report.round.as_deref())?;
        let written = write_feedback(dir, &report, &notes)?;
        eprintln!("已写入问题清单 {written} 份：{}", shown.path(dir));
    }
    match args.format {
        Format::Json => out(&(json(&report) + "\n")),
        Format::Text => out(&text(&report, &catalog, &shown)),
    }
    // A rejected return its unit's later one replaced no longer needs the office, nor an
    // untouched template (its unit is 未报送).
    if report
        .files
        .iter()
        .any(|f| f.status == FileStatus::Rejected && f.superseded_by.is_none() && !f.untouched())
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

/// One problem list per standing return with issues, named as `mail feedback` names it,
/// written into `dir` (made if missing) together; returns how many.
fn write_feedback(
    dir: &Path,
    report: &CheckReport,
    notes: &crate::write::feedback::FeedbackNotes,
) -> Result<usize, CliError> {
    let round = report.round.as_deref();
    let mut files = Vec::new();
    for f in report
        .files
        .iter()
        .filter(|f| f.superseded_by.is_none() && !f.issues.is_empty())
    {
        let name = crate::outputs::feedback(round, f.unit.as_deref(), &f.path);
        files.push((name, feedback_workbook(f, round, notes)?));
    }
    let staged = Staged::new(dir).map_err(CliError::not_written(dir))?;
    staged
        .write_many(&files)
        .map_err(CliError::not_written(dir))?;
    staged.commit().map_err(CliError::not_written(dir))?;
    Ok(files.len())
}
