//! `duban catalog`: make, show and export the canonical task list.
//!
//! ```text
//! duban catalog import ../shared/notice/jiyan-zhengfa-2020-1.md -o catalog.toml
//! duban catalog show --unit 区科技局
//! duban catalog export --format json --expand
//! ```

use std::path::{Path, PathBuf};

use clap::{Subcommand, ValueEnum};
use serde::{Deserialize, Serialize};

use super::out;
use crate::catalog::registry::Registry;
use crate::catalog::{
    self, CatalogData, Group, Indicator, Notice, Resolved, Role, Section, Task, Unit,
};
use crate::catalog::{Catalog, UnitKind};
use crate::fsutil::{check_overwrite, write_atomic};
use crate::ops::import;
use crate::table::{render, truncate};
use crate::{CliError, CliResult, Outcome};

#[derive(Debug, Subcommand)]
pub enum Args {
    /// 从通知文本（或 `catalog export --format json` 的输出）生成任务清单文件。
    Import {
        /// 通知文本文件（.md/.txt），或导出的 .json。
        notice: PathBuf,
        /// 输出的任务清单文件（TOML）。
        #[arg(short, long)]
        output: PathBuf,
        /// 单位名录文件；不指定时使用内置名录。
        #[arg(long, value_name = "FILE")]
        registry: Option<PathBuf>,
        /// 覆盖已存在的输出文件。
        #[arg(long)]
        force: bool,
    },
    /// 在终端查看任务清单：全部概况，或某项任务、某位领导、某个单位。
    Show {
        /// 任务序号。
        #[arg(long)]
        task: Option<u32>,
        /// 领导姓名。
        #[arg(long)]
        leader: Option<String>,
        /// 单位名称（可用简称、别名）。
        #[arg(long)]
        unit: Option<String>,
    },
    /// 比较两期汇总时所用的任务清单（任务增减、牵头领导、主办/协办单位、单位更名）；只给一期时与现行任务清单比较。
    Diff {
        /// 较早的一期。
        #[arg(value_name = "R")]
        from: String,
        /// 较晚的一期；不给出时为现行的任务清单（下次汇总将使用的）。
        #[arg(value_name = "R")]
        to: Option<String>,
    },
    /// 导出整个任务清单，供其他程序使用。
    Export {
        #[arg(long, value_enum, default_value = "json")]
        format: Format,
        /// 把“各镇街”等单位组展开为具体单位。
        #[arg(long)]
        expand: bool,
        /// 输出文件；不指定时写到标准输出。
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    Json,
    Csv,
}

pub fn run(args: Args, g: &crate::cmd::Globals) -> CliResult {
    let catalog_path = g.catalog.as_deref();
    match args {
        Args::Import {
            notice,
            output,
            registry,
            force,
        } => import(&notice, &output, registry.as_deref(), force),
        Args::Show { task, leader, unit } => {
            let cat = Catalog::load(catalog_path)?;
            let text = match (task, leader, unit) {
                (Some(n), None, None) => show_task(&cat, n)?,
                (None, Some(l), None) => show_leader(&cat, &l)?,
                (None, None, Some(u)) => show_unit(&cat, &u)?,
                (None, None, None) => show_overview(&cat),
                _ => return Err(CliError::Exclusive("--task、--leader、--unit")),
            };
            out(&text);
            Ok(Outcome::Clean)
        }
        Args::Diff { from, to } => super::round_catalogs::diff(g, &from, to.as_deref()),
        Args::Export {
            format,
            expand,
            output,
        } => {
            let cat = Catalog::load(catalog_path)?;
            let bytes = match format {
                Format::Json => {
                    let mut s = serde_json::to_string_pretty(&export(&cat, expand)).expect("json");
                    s.push('\n');
                    s.into_bytes()
                }
                Format::Csv => export_csv(&cat, expand),
            };
            match output {
                Some(p) => write_atomic(&p, &bytes)?,
                None => out(&String::from_utf8_lossy(&bytes)),
            }
            Ok(Outcome::Clean)
        }
    }
}

fn import(input: &Path, output: &Path, registry: Option<&Path>, force: bool) -> CliResult {
    check_overwrite(output, force)?;
    let (kind, bytes) = import::read(input)?;
    let (data, found) = if kind == import::Kind::Json {
        let (text, _) = crate::fsutil::decode_text(&bytes);
        let export: Export = serde_json::from_str(&text).map_err(|e| CliError::NotCatalogJson {
            path: input.to_path_buf(),
            message: crate::fsutil::describe_json(&e),
        })?;
        (export.into_data(), None)
    } else {
        let registry = match registry {
            Some(p) => Registry::from_toml(&crate::fsutil::read_text(p)?)?,
            None => Registry::embedded(),
        };
        let mut found = import::import(input, kind, &bytes, &registry)?;
        (
            std::mem::replace(&mut found.data, Catalog::embedded().data().clone()),
            Some(found),
        )
    };
    // Validate exactly as a later load will, so a file we write always loads.
    let cat = Catalog::new(data, output)?;
    write_atomic(output, cat.to_toml().as_bytes())?;
    out(&import_summary(&cat, output, found.as_ref()));
    // New units, or tasks to look at again: the office reviews the file before using it.
    Ok(match found {
        Some(f) if !f.unknown.is_empty() || !f.review.is_empty() || !f.skipped.is_empty() => {
            Outcome::Findings
        }
        _ => Outcome::Clean,
    })
}

/// What the import found: tasks, sections, leaders and units, the units the registry
/// lacks, what to review, and what could not be read.
fn import_summary(cat: &Catalog, output: &Path, found: Option<&import::Imported>) -> String {
    let n_ind: usize = cat.tasks().iter().map(|t| t.indicators.len()).sum();
    let mut s = format!(
        "已生成 {}：{}{} 项任务，{} 个部分，{} 位领导，{} 个单位，{} 个量化指标，{} 个主要目标。\n",
        output.display(),
        found.map_or(String::new(), |f| format!("从{}读出 ", f.form)),
        cat.tasks().len(),
        cat.sections().len(),
        cat.leaders().len(),
        cat.assignments().len(),
        n_ind,
        cat.targets().len()
    );
    let Some(f) = found else { return s };
    if !f.unknown.is_empty() {
        s.push_str(&format!(
            "其中 {} 个单位不在单位名录中，已按名称猜测类别加入任务清单，请核对（是笔误的请改正通知后重新导入）：\n",
            f.unknown.len()
        ));
        for u in &f.unknown {
            s.push_str(&format!("  {}\n", import::unknown_line(u)));
        }
    }
    if !f.review.is_empty() {
        s.push_str(&format!("请核对以下 {} 处：\n", f.review.len()));
        for r in &f.review {
            s.push_str(&format!("  {r}\n"));
        }
    }
    if !f.skipped.is_empty() {
        s.push_str(&format!("以下 {} 行未能读入：\n", f.skipped.len()));
        for r in &f.skipped {
            s.push_str(&format!("  {r}\n"));
        }
    }
    if cat.notice().year().is_none() {
        s.push_str("注意：没有找到年份，请在任务清单 [notice] 中填写 year = 年份。\n");
    }
    s
}

fn open_groups_note(cat: &Catalog) -> String {
    let mut s = String::new();
    for (g, tasks) in cat.open_groups() {
        s.push_str(&format!(
            "注意：“{}”无法展开为具体单位（任务 {}），{}。\n",
            g.name,
            numbers(&tasks),
            g.note.as_deref().unwrap_or("需另行指定")
        ));
    }
    s
}

/// Task numbers as a clerk reads a list of them: 3、12、40.
pub(super) fn numbers(tasks: &[u32]) -> String {
    let tasks: Vec<String> = tasks.iter().map(u32::to_string).collect();
    tasks.join("、")
}

fn show_overview(cat: &Catalog) -> String {
    let n = cat.notice();
    let mut s = format!("{} {}（{}，{}）\n\n", n.number, n.title, n.issuer, n.date);
    s.push_str("主要预期目标：\n");
    for t in cat.targets() {
        s.push_str(&format!("  {} {}\n", t.name, t.target_text()));
    }
    s.push('\n');
    let rows: Vec<Vec<String>> = cat
        .sections()
        .iter()
        .map(|sec| {
            let nums: Vec<u32> = cat
                .tasks()
                .iter()
                .filter(|t| t.section == sec.number)
                .map(|t| t.number)
                .collect();
            vec![
                format!("{}、{}", sec.number, sec.title),
                match (nums.first(), nums.last()) {
                    (Some(a), Some(b)) => format!("{a}-{b}"),
                    _ => "-".into(),
                },
                nums.len().to_string(),
            ]
        })
        .collect();
    s.push_str(&render(&["部分", "任务序号", "任务数"], &rows));
    s.push('\n');
    let rows: Vec<Vec<String>> = cat
        .leaders()
        .iter()
        .map(|l| vec![l.clone(), cat.tasks_of_leader(l).count().to_string()])
        .collect();
    s.push_str(&render(&["领导", "牵头任务数"], &rows));
    let n_ind: usize = cat.tasks().iter().map(|t| t.indicators.len()).sum();
    s.push_str(&format!(
        "\n共 {} 项任务，{} 位领导，{} 个量化指标，{} 个有任务的承办单位。\n",
        cat.tasks().len(),
        cat.leaders().len(),
        n_ind,
        cat.assignments().len()
    ));
    s.push_str(&open_groups_note(cat));
    s
}

fn show_task(cat: &Catalog, n: u32) -> Result<String, CliError> {
    let t = cat.task(n).ok_or(CliError::NoSuchTask {
        number: n,
        count: cat.tasks().len(),
    })?;
    let mut s = format!(
        "任务 {}（{}）\n{}\n\n",
        t.number,
        cat.section_label(&t.section),
        t.text
    );
    s.push_str(&format!("{}：{}\n", t.leader_label, t.leaders.join("、")));
    s.push_str(&format!("主办单位：{}\n", t.hosts.join("、")));
    if !t.co_units.is_empty() {
        s.push_str(&format!("协办单位：{}\n", t.co_units.join("、")));
    }
    if t.open_list {
        s.push_str("（单位名单以“等”结尾，可能还有其他单位参与）\n");
    }
    for name in t.hosts.iter().chain(&t.co_units) {
        if let Some(Resolved::Group(g)) = cat.registry().lookup(name) {
            let units = cat.registry().expand(g);
            if units.is_empty() {
                s.push_str(&format!(
                    "“{}”无法展开为具体单位：{}\n",
                    g.name,
                    g.note.as_deref().unwrap_or("需另行指定")
                ));
            } else {
                let names: Vec<&str> = units.iter().map(|u| u.name.as_str()).collect();
                s.push_str(&format!("“{}”即：{}\n", g.name, names.join("、")));
            }
        }
    }
    if !t.indicators.is_empty() {
        s.push_str("\n量化指标：\n");
        for i in &t.indicators {
            s.push_str(&format!("  {} {}\n", i.name, i.target_text()));
        }
    }
    Ok(s)
}

fn task_rows<'a>(
    cat: &Catalog,
    tasks: impl Iterator<Item = (&'a Task, String)>,
) -> Vec<Vec<String>> {
    tasks
        .map(|(t, role)| {
            vec![
                t.number.to_string(),
                t.section.clone(),
                role,
                truncate(&t.text, 50),
                t.leaders.join("、"),
                truncate(&t.hosts.join("、"), 30),
            ]
        })
        .filter(|_| !cat.tasks().is_empty())
        .collect()
}

fn show_leader(cat: &Catalog, name: &str) -> Result<String, CliError> {
    let folded = catalog::names::fold(name);
    let leader = cat
        .leaders()
        .iter()
        .find(|l| catalog::names::fold(l) == folded)
        .ok_or_else(|| CliError::NoSuchLeader {
            name: name.to_string(),
            closest: catalog::names::closest(name, cat.leaders().iter().map(|s| s.as_str()), 3),
        })?;
    let tasks: Vec<&Task> = cat.tasks_of_leader(leader).collect();
    let mut s = format!("{leader} 牵头的任务：{} 项\n\n", tasks.len());
    let rows = task_rows(cat, tasks.iter().map(|t| (*t, String::new())));
    let rows: Vec<Vec<String>> = rows
        .into_iter()
        .map(|mut r| {
            r.remove(2);
            r
        })
        .collect();
    s.push_str(&render(
        &["序号", "部分", "任务内容", "牵头领导", "主办单位"],
        &rows,
    ));
    Ok(s)
}

fn show_unit(cat: &Catalog, name: &str) -> Result<String, CliError> {
    let unit = cat.registry().unit(name)?;
    let assigned = cat.tasks_of_unit(&unit.name);
    let groups: Vec<&str> = cat
        .registry()
        .groups_of(unit)
        .iter()
        .map(|g| g.name.as_str())
        .collect();
    let hosts = assigned.iter().filter(|(_, r)| *r == Role::Host).count();
    let mut s = format!(
        "{}（{}{}）：{} 项任务，主办 {} 项，协办 {} 项\n\n",
        unit.name,
        unit.kind.label(),
        if groups.is_empty() {
            String::new()
        } else {
            format!("，属于{}", groups.join("、"))
        },
        assigned.len(),
        hosts,
        assigned.len() - hosts
    );
    let rows = task_rows(
        cat,
        assigned.iter().map(|(n, role)| {
            let t = cat.task(*n).expect("assigned tasks exist");
            let via = t.hosts.iter().chain(&t.co_units).find(|g| {
                groups.contains(&g.as_str())
                    && !t.hosts.iter().chain(&t.co_units).any(|x| x == &unit.name)
            });
            let label = match via {
                Some(g) => format!("{}（{g}）", role.label()),
                None => role.label().to_string(),
            };
            (t, label)
        }),
    );
    s.push_str(&render(
        &["序号", "部分", "角色", "任务内容", "牵头领导", "主办单位"],
        &rows,
    ));
    s.push_str(&open_groups_note(cat));
    Ok(s)
}

/// The JSON export: the catalog for other programs.
#[derive(Debug, Serialize, Deserialize)]
pub struct Export {
    pub notice: Notice,
    pub targets: Vec<Indicator>,
    pub sections: Vec<Section>,
    pub tasks: Vec<ExportTask>,
    pub leaders: Vec<String>,
    pub units: Vec<ExportUnit>,
    /// Group definitions (区直有关部门 and 各金融机构 have `enumerable: false`).
    pub groups: Vec<Group>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ExportTask {
    pub number: u32,
    pub section: String,
    pub section_title: String,
    pub text: String,
    pub leader_label: String,
    pub leaders: Vec<String>,
    pub hosts: Vec<String>,
    pub co_units: Vec<String>,
    pub open_list: bool,
    pub indicators: Vec<Indicator>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<u32>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ExportUnit {
    pub name: String,
    pub kind: UnitKind,
    pub aliases: Vec<String>,
    /// Names the unit had before a reorganisation.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub former: Vec<String>,
    /// The enumerable groups the unit belongs to.
    pub groups: Vec<String>,
}

impl Export {
    fn into_data(self) -> CatalogData {
        CatalogData {
            notice: self.notice,
            targets: self.targets,
            sections: self.sections,
            tasks: self
                .tasks
                .into_iter()
                .map(|t| Task {
                    number: t.number,
                    section: t.section,
                    leader_label: t.leader_label,
                    leaders: t.leaders,
                    hosts: t.hosts,
                    co_units: t.co_units,
                    open_list: t.open_list,
                    text: t.text,
                    indicators: t.indicators,
                    deadline: t.deadline,
                    parent: t.parent,
                })
                .collect(),
            groups: self.groups,
            units: self
                .units
                .into_iter()
                .map(|u| Unit {
                    name: u.name,
                    kind: u.kind,
                    aliases: u.aliases,
                    former: u.former,
                })
                .collect(),
        }
    }
}

fn expand_names(cat: &Catalog, names: &[String], expand: bool) -> Vec<String> {
    if !expand {
        return names.to_vec();
    }
    let mut out: Vec<String> = Vec::new();
    for n in names {
        for u in cat.expand_name(n) {
            if !out.contains(&u.name) {
                out.push(u.name.clone());
            }
        }
    }
    out
}

/// Builds the JSON export.
pub fn export(cat: &Catalog, expand: bool) -> Export {
    Export {
        notice: cat.notice().clone(),
        targets: cat.targets().to_vec(),
        sections: cat.sections().to_vec(),
        tasks: cat
            .tasks()
            .iter()
            .map(|t| ExportTask {
                number: t.number,
                section: t.section.clone(),
                section_title: cat
                    .section(&t.section)
                    .map(|s| s.title.clone())
                    .unwrap_or_default(),
                text: t.text.clone(),
                leader_label: t.leader_label.clone(),
                leaders: t.leaders.clone(),
                hosts: expand_names(cat, &t.hosts, expand),
                co_units: expand_names(cat, &t.co_units, expand),
                open_list: t.open_list,
                indicators: t.indicators.clone(),
                deadline: t.deadline.clone(),
                parent: t.parent,
            })
            .collect(),
        leaders: cat.leaders().to_vec(),
        units: cat
            .registry()
            .units()
            .iter()
            .map(|u| ExportUnit {
                name: u.name.clone(),
                kind: u.kind,
                aliases: u.aliases.clone(),
                former: u.former.clone(),
                groups: cat
                    .registry()
                    .groups_of(u)
                    .iter()
                    .map(|g| g.name.clone())
                    .collect(),
            })
            .collect(),
        groups: cat.registry().groups().to_vec(),
    }
}

fn export_csv(cat: &Catalog, expand: bool) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    w.write_record([
        "序号",
        "部分",
        "部分标题",
        "任务内容",
        "领导称谓",
        "牵头领导",
        "主办单位",
        "协办单位",
        "名单含等",
        "量化指标",
    ])
    .expect("in-memory csv");
    for t in export(cat, expand).tasks {
        let indicators: Vec<String> = t
            .indicators
            .iter()
            .map(|i| format!("{} {}", i.name, i.target_text()))
            .collect();
        w.write_record([
            t.number.to_string(),
            t.section,
            t.section_title,
            t.text,
            t.leader_label,
            t.leaders.join("、"),
            t.hosts.join("、"),
            t.co_units.join("、"),
            if t.open_list { "是" } else { "否" }.to_string(),
            indicators.join("；"),
        ])
        .expect("in-memory csv");
    }
    w.into_inner().expect("in-memory csv")
}
