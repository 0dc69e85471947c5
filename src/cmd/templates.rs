//! `duban templates`: writes each unit's fill-in workbook for a round, in one command.
//!
//! ```text
//! duban templates --round 2020年第一季度 --deadline 2020-04-05 --out 模板
//! duban templates --round 2020年第一季度 --deadline 2020-04-05 --out 模板 --unit 科技局 --unit 各街道 --force
//! ```
//!
//! One file per unit that holds at least one task (`<round>_<unit>_任务进展填报表.xlsx`), and
//! `manifest.csv` beside them, written as a set by [`crate::ops::write_templates`]. What was
//! written is said on stdout; a task no template carries is a warning on stderr.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use crate::catalog::Catalog;
use crate::date::Date;
use crate::ops::templates::{from_ledger, select_units, write_templates, TemplateSet, Written};
use crate::template::Rows;
use crate::{CliError, CliResult, Outcome};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// 填报期次，如 2020年第一季度（写入模板和文件名）。
    #[arg(long, value_name = "ROUND")]
    pub round: String,
    /// 截止时间，如 2020-04-05。
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub deadline: String,
    /// 输出文件夹（不存在时自动创建）。
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// 只为这些单位生成（可重复；可用简称、别名，或“各镇街”等单位组）。不指定时为所有有任务的单位生成。
    #[arg(long = "unit", value_name = "NAME")]
    pub units: Vec<String>,
    /// 只列各单位主办的任务：协办单位不单独填报，由主办单位汇总。
    #[arg(long)]
    pub hosts_only: bool,
    /// 覆盖已存在的文件。
    #[arg(long)]
    pub force: bool,
    /// 工作表保护密码（默认不设密码，仅防误改）。
    #[arg(long, value_name = "P")]
    pub password: Option<String>,
    /// 写在“填报说明”中的督考办联系方式，如“区督考办 张三 0537-3412345”。
    #[arg(long, value_name = "TEXT")]
    pub office_contact: Option<String>,
}

pub fn run(args: Args, g: &crate::cmd::Globals) -> CliResult {
    let cat = g.catalog()?;
    let deadline = Date::parse(&args.deadline).map_err(CliError::date("--deadline"))?;
    let round = args.round.trim();
    if round.is_empty() {
        return Err(CliError::EmptyRound { option: "--round" });
    }
    let rows = match args.hosts_only {
        true => Rows::HostsOnly,
        false => Rows::All,
    };
    let units = select_units(&cat, &args.units, rows)?;
    // In a workspace, the tasks 办结 for this round (or for the next one to be created),
    // and last round's rows to show beside the inputs.
    let (closed, last) = match &g.workspace {
        Some(ws) => from_ledger(&ws.ledger()?, round)?,
        None => Default::default(),
    };
    let set = TemplateSet {
        out: &args.out,
        units: &units,
        round,
        deadline,
        rows,
        force: args.force,
        password: args.password.as_deref(),
        office_contact: args.office_contact.as_deref(),
        closed: &closed,
        last: last.as_ref(),
    };
    let written = write_templates(&cat, &set)?;
    super::out(&written_message(&args.out, round, deadline, &written));
    if args.units.is_empty() {
        eprint!("{}", unassigned_note(&cat));
    }
    eprint!("{}", crate::placeholder::contact_note(set.office_contact));
    Ok(Outcome::Clean)
}

/// Each template (on a terminal, where a clerk watches) and the set's count, on stdout.
pub(super) fn written_message(
    out: &Path,
    round: &str,
    deadline: Date,
    written: &Written,
) -> String {
    let mut s = String::new();
    if std::io::stdout().is_terminal() {
        for row in &written.rows {
            s.push_str(&format!(
                "已生成 {}（主办 {} 项，协办 {} 项）\n",
                out.join(&row.file).display(),
                row.hosts,
                row.co_units
            ));
        }
    }
    let task_rows: usize = written.rows.iter().map(|r| r.hosts + r.co_units).sum();
    s.push_str(&format!(
        "已为 {} 个单位生成 {} 填报模板（截止 {}），共 {} 行任务；文件清单：{}\n",
        written.rows.len(),
        round,
        deadline.chinese(),
        task_rows,
        written.manifest.display()
    ));
    s
}

/// Tasks whose lists name a group that the registry cannot expand: no template carries
/// them for those units, so the office must assign them by hand.
pub(super) fn unassigned_note(cat: &Catalog) -> String {
    let mut s = String::new();
    for (g, tasks) in cat.open_groups() {
        s.push_str(&format!(
            "注意：任务 {} 的承办单位“{}”无法展开为具体单位，模板中没有这些单位的行，请另行指定。\n",
            super::catalog::numbers(&tasks),
            g.name
        ));
    }
    s
}
