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
//! target is checked first, so a refused run leaves the folder as it was.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::catalog::{sha256_hex, Catalog, Resolved};
use crate::date::Date;
use crate::fsutil::{check_overwrite, write_atomic};
use crate::outputs::{self, MANIFEST, MANIFEST_COLUMNS};
use crate::template::{self, Rows, Spec};
use crate::{CliError, CliResult, Outcome};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// 填报期次，如 2020年第一季度（写入模板和文件名）。
    #[arg(long, value_name = "ROUND")]
    pub round: String,
    /// 截止时间，格式 YYYY-MM-DD，如 2020-04-05。
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

pub fn run(args: Args, catalog_path: Option<&Path>) -> CliResult {
    let cat = Catalog::load(catalog_path)?;
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

    let spec = |unit| Spec {
        unit,
        round,
        deadline,
        rows,
        password: args.password.as_deref(),
        office_contact: args.office_contact.as_deref(),
    };
    let tty = std::io::stderr().is_terminal();
    // Each template is built and written on its own thread; one that fails does not stop
    // the others, and is reported after them.
    let results: Vec<Result<ManifestRow, CliError>> = units
        .par_iter()
        .zip(targets.par_iter())
        .map(|(unit, path)| {
            let built = template::build(&cat, &spec(unit))?;
            write_atomic(path, &built.bytes)?;
            if tty {
                eprintln!(
                    "已生成 {}（主办 {} 项，协办 {} 项）",
                    path.display(),
                    built.hosts(),
                    built.co_units()
                );
            }
            Ok(ManifestRow {
                unit: unit.to_string(),
                file: outputs::template(round, unit),
                hosts: built.hosts(),
                co_units: built.co_units(),
                sha256: sha256_hex(&built.bytes),
            })
        })
        .collect();

    let mut done = Vec::new();
    let mut failed = 0;
    for r in results {
        match r {
            Ok(row) => done.push(row),
            Err(e) => {
                eprintln!("duban: {e}");
                failed += 1;
            }
        }
    }
    let manifest = args.out.join(MANIFEST);
    write_atomic(&manifest, &manifest_csv(&done, round, deadline))?;
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
    if failed > 0 {
        return Err(CliError::TemplatesFailed(failed));
    }
    Ok(Outcome::Clean)
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
