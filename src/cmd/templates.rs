//! `duban templates`: writes each unit's fill-in workbook for a round, in one command.
//!
//! ```text
//! duban templates --round 2020年第一季度 --deadline 2020-04-05 --out 模板
//! duban templates --round 2020年第一季度 --deadline 2020-04-05 --out 模板 --unit 科技局 --unit 各街道 --force
//! ```
//!
//! One file per unit that holds at least one task (`<round>_<unit>_任务进展填报表.xlsx`), and
//! `manifest.csv` beside them (unit, file, tasks as host and as co-unit, SHA-256) for the
//! mail step. Nothing is written when any target exists and `--force` is not given: every
//! target is checked first, so a refused run leaves the folder as it was. The set is
//! written whole or not at all: a template that cannot be built, a full disk or a folder
//! that refuses writing leaves the folder as it was, so the rerun is not refused.

use std::io::IsTerminal;
use std::path::PathBuf;

use rayon::prelude::*;

use crate::catalog::{sha256_hex, Catalog, Resolved};
use crate::date::Date;
use crate::fsutil::{check_overwrite, Staged};
use crate::outputs::{self, MANIFEST, MANIFEST_COLUMNS};
use crate::template::{self, Rows, Spec};
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

pub fn run(args: Args, g: &crate::cli::Globals) -> CliResult {
    let cat = g.catalog()?;
    let deadline = Date::parse(&args.deadline).map_err(CliError::date("--deadline"))?;
    let round = args.round.trim();
    if round.is_empty() {
        return Err(CliError::EmptyRound { option: "--round" });
    }
    let rows = if args.hosts_only {
        Rows::HostsOnly
    } else {
        Rows::All
    };
    let units = select_units(&cat, &args.units, rows)?;

    let targets: Vec<PathBuf> = units
        .iter()
        .map(|u| args.out.join(outputs::template(round, u)))
        .chain([args.out.join(MANIFEST)])
        .collect();
    let existing: Vec<&PathBuf> = targets
        .iter()
        .filter(|t| check_overwrite(t, args.force).is_err())
        .collect();
    if let Some(first) = existing.first() {
        return Err(CliError::OutputsExist {
            count: existing.len(),
            first: first.to_path_buf(),
        });
    }

    // In a workspace, the tasks 办结 for this round (or for the next one to be created).
    let closed = match &g.workspace {
        Some(ws) => {
            let ledger = ws.ledger()?;
            match ledger.round(round)? {
                Some(info) => ledger.closed_for(info.seq)?,
                None => ledger.closed_next()?,
            }
        }
        None => Default::default(),
    };
    let spec = |unit| Spec {
        unit,
        round,
        deadline,
        rows,
        password: args.password.as_deref(),
        office_contact: args.office_contact.as_deref(),
        closed: &closed,
    };
    // Said now, before anything is built, if the folder cannot take the templates.
    let staged = Staged::new(&args.out).map_err(CliError::not_written(&args.out))?;
    // Each template is built and written (into the staging folder) on its own thread.
    let results: Vec<Result<ManifestRow, Failed>> = units
        .par_iter()
        .map(|unit| {
            let built = template::build(&cat, &spec(unit)).map_err(Failed::Build)?;
            let file = outputs::template(round, unit);
            staged.write(&file, &built.bytes).map_err(Failed::Write)?;
            Ok(ManifestRow {
                unit: unit.to_string(),
                file,
                hosts: built.hosts(),
                co_units: built.co_units(),
                sha256: sha256_hex(&built.bytes),
            })
        })
        .collect();

    // A set is written whole or not at all: a full disk or a refused folder is one
    // message (every file would say the same), a template that cannot be built is told
    // for its unit, and in both cases nothing is left in the folder.
    let mut done = Vec::new();
    let mut failed = 0;
    for r in results {
        match r {
            Ok(row) => done.push(row),
            Err(Failed::Write(e)) => return Err(CliError::not_written(&args.out)(e)),
            Err(Failed::Build(e)) => {
                eprintln!("duban: {}", CliError::from(e));
                failed += 1;
            }
        }
    }
    if failed > 0 {
        return Err(CliError::TemplatesFailed(failed));
    }
    let manifest = args.out.join(MANIFEST);
    staged
        .write(MANIFEST, &manifest_csv(&done, round, deadline))
        .map_err(CliError::not_written(&args.out))?;
    staged.commit().map_err(CliError::not_written(&args.out))?;
    if std::io::stderr().is_terminal() {
        for row in &done {
            eprintln!(
                "已生成 {}（主办 {} 项，协办 {} 项）",
                args.out.join(&row.file).display(),
                row.hosts,
                row.co_units
            );
        }
    }
    let task_rows: usize = done.iter().map(|r| r.hosts + r.co_units).sum();
    eprintln!(
        "已为 {} 个单位生成 {round} 填报模板（截止 {}），共 {} 行任务；文件清单：{}",
        done.len(),
        deadline.chinese(),
        task_rows,
        manifest.display()
    );
    if args.units.is_empty() {
        eprint!("{}", unassigned_note(&cat));
    }
    Ok(Outcome::Clean)
}

/// Why one template is not in the set.
enum Failed {
    /// It could not be built (told for its unit).
    Build(crate::write::BuildError),
    /// It could not be written (the same for every file: told once).
    Write(crate::fsutil::WriteError),
}

/// One line of manifest.csv.
struct ManifestRow {
    unit: String,
    file: String,
    hosts: usize,
    co_units: usize,
    sha256: String,
}

/// manifest.csv: UTF-8 with a BOM so that Excel shows the Chinese names.
fn manifest_csv(rows: &[ManifestRow], round: &str, deadline: Date) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    w.write_record(MANIFEST_COLUMNS).expect("in-memory csv");
    for r in rows {
        w.write_record([
            r.unit.clone(),
            r.file.clone(),
            r.hosts.to_string(),
            r.co_units.to_string(),
            r.sha256.clone(),
            round.to_string(),
            deadline.iso(),
        ])
        .expect("in-memory csv");
    }
    w.into_inner().expect("in-memory csv")
}

/// The canonical units to write for, in registry order: those named (groups expanded), or
/// every unit with at least one row. A name that matches nothing, or a unit whose template
/// would have no rows, stops the run before anything is written.
fn select_units<'a>(
    cat: &'a Catalog,
    names: &[String],
    rows: Rows,
) -> Result<Vec<&'a str>, CliError> {
    let has_rows = |u: &str| !template::rows_of(cat, u, rows).is_empty();
    if names.is_empty() {
        return Ok(cat
            .assignments()
            .keys()
            .map(|u| u.as_str())
            .filter(|u| has_rows(u))
            .collect());
    }
    let mut chosen: Vec<&str> = Vec::new();
    for name in names {
        let units: Vec<&str> = match cat.registry().resolve(name)? {
            Resolved::Unit(u) => {
                if !has_rows(&u.name) {
                    let why = if rows == Rows::HostsOnly && !cat.tasks_of_unit(&u.name).is_empty() {
                        "没有主办的任务（加了 --hosts-only）"
                    } else {
                        "在任务清单中没有任务"
                    };
                    return Err(CliError::NoRows {
                        unit: u.name.clone(),
                        why,
                    });
                }
                vec![u.name.as_str()]
            }
            Resolved::Group(g) => {
                let members = cat.registry().expand(g);
                if members.is_empty() {
                    return Err(CliError::GroupNotListed {
                        group: g.name.clone(),
                        note: g
                            .note
                            .clone()
                            .unwrap_or_else(|| "名录中没有它的成员".into()),
                    });
                }
                members
                    .iter()
                    .map(|u| u.name.as_str())
                    .filter(|u| has_rows(u))
                    .collect()
            }
        };
        for u in units {
            if !chosen.contains(&u) {
                chosen.push(u);
            }
        }
    }
    let order = |u: &str| cat.registry().units().iter().position(|x| x.name == u);
    chosen.sort_by_key(|u| order(u));
    Ok(chosen)
}

/// Tasks whose lists name a group that the registry cannot expand: no template carries
/// them for those units, so the office must assign them by hand.
fn unassigned_note(cat: &Catalog) -> String {
    let mut s = String::new();
    for g in cat.registry().groups().iter().filter(|g| !g.enumerable) {
        let tasks: Vec<String> = cat
            .tasks()
            .iter()
            .filter(|t| t.hosts.iter().chain(&t.co_units).any(|n| n == &g.name))
            .map(|t| t.number.to_string())
            .collect();
        if !tasks.is_empty() {
            s.push_str(&format!(
                "注意：任务 {} 的承办单位“{}”无法展开为具体单位，模板中没有这些单位的行，请另行指定。\n",
                tasks.join("、"),
                g.name
            ));
        }
    }
    s
}
