//! The catalog: the canonical list of a notice's targets, sections, tasks, leaders, units
//! and indicators, against which every template is written and every return is checked.
//!
//! A catalog lives in a TOML file (one `[[task]]` block per task) that the office can
//! review by hand; `duban catalog import` makes one from a notice, and the 2020 catalog is
//! embedded in the binary as the default. The file carries its own unit registry, so a
//! catalog for another district (or a synthetic city-scale one) is self-contained.

pub mod diff;
pub mod indicators;
pub mod names;
pub mod notice;
pub mod registry;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use registry::{Group, Registry, RegistryData, Resolved, Unit, UnitKind, UnknownName};

/// The 2020 catalog, made by `duban catalog import` from the notice and checked by hand.
pub const DEFAULT_CATALOG: &str = include_str!("../../templates/catalog-2020.toml");

/// The notice a catalog comes from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Notice {
    /// 文号, as printed: 济兗政发〔2020〕1号.
    pub number: String,
    pub issuer: String,
    pub title: String,
    /// ISO date, 2020-02-08.
    pub date: String,
    /// The year of the work report the notice splits up; by default the year of `date`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    /// The title over a template's tasks; by default `<year>年政府工作报告任务落实进展情况`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template_title: Option<String>,
}

impl Notice {
    /// The year of the work report: `year`, else the year of the notice's date (None when
    /// neither says one).
    pub fn year(&self) -> Option<i32> {
        self.year.or_else(|| {
            let y = self.date.get(..4)?;
            y.bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| y.parse().ok())?
        })
    }

    /// The title over a template's tasks (and, with 填报说明, over its guide).
    pub fn template_title(&self) -> String {
        match (&self.template_title, self.year()) {
            (Some(t), _) => t.clone(),
            (None, Some(y)) => format!("{y}年{}", crate::layout::TITLE_AFTER_YEAR),
            (None, None) => crate::layout::TITLE_AFTER_YEAR.to_string(),
        }
    }
}

/// How a reported value is judged against its target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Comparator {
    /// 以上: at least the target.
    #[serde(rename = "以上")]
    AtLeast,
    /// 左右: about the target.
    #[serde(rename = "左右")]
    About,
    /// No word: the target itself.
    #[default]
    #[serde(rename = "—", alias = "-", alias = "", alias = "等于")]
    Exactly,
}

impl Comparator {
    pub fn label(self) -> &'static str {
        match self {
            Comparator::AtLeast => "以上",
            Comparator::About => "左右",
            Comparator::Exactly => "—",
        }
    }
}

/// A quantitative target inside a task's text (or a main target of section 一).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Indicator {
    pub name: String,
    pub target: f64,
    /// Unit of measure: 家, 亿元, %, …
    pub unit: String,
    #[serde(default)]
    pub comparator: Comparator,
    /// `parts = true` where the office asks each host for its part and the merge adds
    /// them; otherwise the lead host (listed first) reports the task's total alone.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub parts: bool,
}

impl Indicator {
    /// The target as people write it: 77.33万吨, 6%左右.
    pub fn target_text(&self) -> String {
        let c = match self.comparator {
            Comparator::Exactly => "",
            c => c.label(),
        };
        format!("{}{}{}", format_number(self.target), self.unit, c)
    }
}

/// Formats a number without a trailing `.0`.
pub fn format_number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// A section of the notice (二、加快新旧动能转换 …).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Section {
    /// The Chinese numeral: 二.
    pub number: String,
    pub title: String,
}

/// The role of a unit on a task.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Role {
    /// 主办.
    #[serde(rename = "主办")]
    Host,
    /// 协办.
    #[serde(rename = "协办")]
    CoUnit,
}

impl Role {
    pub fn label(self) -> &'static str {
        match self {
            Role::Host => "主办",
            Role::CoUnit => "协办",
        }
    }
}

/// One numbered task.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Task {
    pub number: u32,
    /// The section's numeral.
    pub section: String,
    /// 牵头领导, or 责任领导 where the notice says so (same role).
    pub leader_label: String,
    pub leaders: Vec<String>,
    /// Canonical unit names or group names (各镇街), as the notice lists them.
    pub hosts: Vec<String>,
    pub co_units: Vec<String>,
    /// The list ended in 等: other units may take part.
    pub open_list: bool,
    pub text: String,
    #[serde(default)]
    pub indicators: Vec<Indicator>,
    /// 完成时限 as the notice or table writes it (6月底前, 年底前, 长期坚持), where it says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<String>,
    /// A sub-item (1.1, （1）, ①) names the task it belongs to; the merge rolls it up there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<u32>,
}

/// The catalog file's content.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CatalogData {
    pub notice: Notice,
    #[serde(default, rename = "target")]
    pub targets: Vec<Indicator>,
    #[serde(rename = "section")]
    pub sections: Vec<Section>,
    #[serde(rename = "task")]
    pub tasks: Vec<Task>,
    #[serde(default, rename = "group")]
    pub groups: Vec<Group>,
    #[serde(default, rename = "unit")]
    pub units: Vec<Unit>,
}

/// A catalog that could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error(transparent)]
    Read(#[from] crate::fsutil::InputError),
    #[error("任务清单文件 {path} 格式错误：{message}")]
    Format { path: PathBuf, message: String },
    #[error("任务清单文件 {path} 的单位名录有误：{source}")]
    Registry {
        path: PathBuf,
        source: registry::RegistryError,
    },
    #[error("任务清单文件 {path}：任务 {task} 的承办单位有误：{source}")]
    UnknownUnit {
        path: PathBuf,
        task: u32,
        source: UnknownName,
    },
    #[error("任务清单文件 {path}：{message}")]
    Invalid { path: PathBuf, message: String },
}

/// A loaded, validated catalog with its registry and lookups.
#[derive(Clone, Debug)]
pub struct Catalog {
    data: CatalogData,
    registry: Registry,
    hash: String,
    leaders: Vec<String>,
    /// unit → tasks (number, role), in task order.
    assignments: IndexMap<String, Vec<(u32, Role)>>,
    /// Each task's text as [`names::bare`] makes it, for the check's comparisons (made
    /// once, not for every row of every return).
    bare_texts: HashMap<u32, String>,
}

impl Catalog {
    /// The embedded 2020 catalog.
    pub fn embedded() -> Catalog {
        Catalog::from_toml(DEFAULT_CATALOG, Path::new("<内置 2020 年任务清单>"))
            .expect("the embedded catalog is valid")
    }

    /// Loads `--catalog FILE`, or the embedded catalog when `None`.
    pub fn load(path: Option<&Path>) -> Result<Catalog, CatalogError> {
        match path {
            None => Ok(Catalog::embedded()),
            Some(p) => Catalog::from_toml(&crate::fsutil::read_text(p)?, p),
        }
    }

    /// Parses and validates a catalog file's text; `path` is only for messages.
    pub fn from_toml(text: &str, path: &Path) -> Result<Catalog, CatalogError> {
        let data: CatalogData =
            crate::fsutil::parse_toml(text).map_err(|message| CatalogError::Format {
                path: path.to_path_buf(),
                message,
            })?;
        Catalog::new(data, path)
    }

    /// Validates catalog data: task numbers 1..=n in order, sections known, every unit
    /// name canonical in the catalog's own registry.
    pub fn new(data: CatalogData, path: &Path) -> Result<Catalog, CatalogError> {
        let invalid = |message: String| CatalogError::Invalid {
            path: path.to_path_buf(),
            message,
        };
        let registry =
            Registry::new(data.units.clone(), data.groups.clone()).map_err(|source| {
                CatalogError::Registry {
                    path: path.to_path_buf(),
                    source,
                }
            })?;
        for (i, t) in data.tasks.iter().enumerate() {
            if t.number as usize != i + 1 {
                return Err(invalid(format!(
                    "任务编号应从 1 起连续，第 {} 个任务的编号是 {}",
                    i + 1,
                    t.number
                )));
            }
            if !data.sections.iter().any(|s| s.number == t.section) {
                return Err(invalid(format!(
                    "任务 {} 所属部分“{}”不存在",
                    t.number, t.section
                )));
            }
            if t.parent.is_some_and(|p| p == 0 || p >= t.number) {
                return Err(invalid(format!(
                    "任务 {} 的上级任务应是它前面的任务",
                    t.number
                )));
            }
            if t.leaders.is_empty() {
                return Err(invalid(format!("任务 {} 没有牵头领导", t.number)));
            }
            for name in t.hosts.iter().chain(&t.co_units) {
                let r = registry
                    .resolve(name)
                    .map_err(|source| CatalogError::UnknownUnit {
                        path: path.to_path_buf(),
                        task: t.number,
                        source,
                    })?;
                if r.name() != name {
                    return Err(invalid(format!(
                        "任务 {} 的承办单位“{}”应写作规范名称“{}”",
                        t.number,
                        name,
                        r.name()
                    )));
                }
            }
        }
        let mut leaders: Vec<String> = Vec::new();
        for t in &data.tasks {
            for l in &t.leaders {
                if !leaders.contains(l) {
                    leaders.push(l.clone());
                }
            }
        }
        let assignments = assign(&data.tasks, &registry);
        let hash = content_hash(&data);
        let bare_texts = data
            .tasks
            .iter()
            .map(|t| (t.number, names::bare(&t.text)))
            .collect();
        Ok(Catalog {
            data,
            registry,
            hash,
            leaders,
            assignments,
            bare_texts,
        })
    }

    /// A task's text as [`names::bare`] makes it ("" for a number not in the catalog).
    pub fn bare_text(&self, number: u32) -> &str {
        self.bare_texts.get(&number).map_or("", |s| s.as_str())
    }

    pub fn data(&self) -> &CatalogData {
        &self.data
    }

    pub fn notice(&self) -> &Notice {
        &self.data.notice
    }

    pub fn targets(&self) -> &[Indicator] {
        &self.data.targets
    }

    pub fn sections(&self) -> &[Section] {
        &self.data.sections
    }

    pub fn tasks(&self) -> &[Task] {
        &self.data.tasks
    }

    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// The leaders in order of first appearance.
    pub fn leaders(&self) -> &[String] {
        &self.leaders
    }

    /// A short hash of the catalog's content (not of its formatting): templates record it
    /// so that a return made from another catalog is noticed.
    pub fn hash(&self) -> &str {
        &self.hash
    }

    pub fn task(&self, number: u32) -> Option<&Task> {
        number
            .checked_sub(1)
            .and_then(|i| self.data.tasks.get(i as usize))
    }

    pub fn section(&self, number: &str) -> Option<&Section> {
        self.data.sections.iter().find(|s| s.number == number)
    }

    /// "二、加快新旧动能转换".
    pub fn section_label(&self, number: &str) -> String {
        match self.section(number) {
            Some(s) => format!("{}、{}", s.number, s.title),
            None => number.to_string(),
        }
    }

    /// Every unit with at least one task, in registry order, with its tasks and roles.
    pub fn assignments(&self) -> &IndexMap<String, Vec<(u32, Role)>> {
        &self.assignments
    }

    /// The units expected to return in a round: every unit with a task, or only those
    /// hosting one when the templates were made with `--hosts-only`. Check, merge and mail
    /// all count from this one set, in registry order.
    pub fn expected_units(&self, hosts_only: bool) -> impl Iterator<Item = &str> {
        self.assignments
            .iter()
            .filter(move |(_, tasks)| !hosts_only || tasks.iter().any(|(_, r)| *r == Role::Host))
            .map(|(unit, _)| unit.as_str())
    }

    /// A unit's tasks and roles, in task order (empty for a unit with none).
    pub fn tasks_of_unit(&self, unit: &str) -> &[(u32, Role)] {
        self.assignments.get(unit).map_or(&[], |v| v.as_slice())
    }

    /// The tasks a leader leads, in order.
    pub fn tasks_of_leader<'a>(&'a self, leader: &'a str) -> impl Iterator<Item = &'a Task> + 'a {
        self.data
            .tasks
            .iter()
            .filter(move |t| t.leaders.iter().any(|l| l == leader))
    }

    /// The units a task's listed name stands for (itself, or a group's members).
    pub fn expand_name(&self, name: &str) -> Vec<&Unit> {
        match self.registry.lookup(name) {
            Some(Resolved::Unit(u)) => vec![u],
            Some(Resolved::Group(g)) => self.registry.expand(g),
            None => Vec::new(),
        }
    }

    /// The role a unit has on a task, if any.
    pub fn role(&self, unit: &str, task: u32) -> Option<Role> {
        self.tasks_of_unit(unit)
            .iter()
            .find(|(n, _)| *n == task)
            .map(|(_, r)| *r)
    }

    /// The groups the registry cannot expand (区直有关部门, 各金融机构), each with the tasks
    /// whose lists name it: no template carries those tasks for such a group's units, so the
    /// office assigns them by hand.
    pub fn open_groups(&self) -> Vec<(&Group, Vec<u32>)> {
        let named = |t: &&Task, g: &Group| t.hosts.iter().chain(&t.co_units).any(|n| *n == g.name);
        (self.registry.groups().iter())
            .filter(|g| !g.enumerable)
            .map(|g| {
                (
                    g,
                    self.tasks()
                        .iter()
                        .filter(|t| named(t, g))
                        .map(|t| t.number)
                        .collect(),
                )
            })
            .filter(|(_, tasks): &(_, Vec<u32>)| !tasks.is_empty())
            .collect()
    }

    /// The catalog file's text, as `catalog import` writes it.
    pub fn to_toml(&self) -> String {
        to_toml(&self.data)
    }
}

/// Writes catalog data as the reviewable TOML file, with a header comment.
pub fn to_toml(data: &CatalogData) -> String {
    let body = toml::to_string(data).expect("catalog data serialises");
    format!(
        "# 任务清单：{} {}\n# 由 `duban catalog import` 生成；可人工审核修改，修改后请用 `duban catalog show` 检查。\n\n{}",
        data.notice.number, data.notice.title, body
    )
}

fn assign(tasks: &[Task], registry: &Registry) -> IndexMap<String, Vec<(u32, Role)>> {
    // unit name → task → role; a unit named as host and also reached as co-unit is a host.
    let mut by_unit: BTreeMap<usize, BTreeMap<u32, Role>> = BTreeMap::new();
    let positions: std::collections::HashMap<&str, usize> = registry
        .units()
        .iter()
        .enumerate()
        .map(|(i, u)| (u.name.as_str(), i))
        .collect();
    let position = |name: &str| positions.get(name).copied();
    for t in tasks {
        for (names, role) in [(&t.hosts, Role::Host), (&t.co_units, Role::CoUnit)] {
            for name in names {
                let units = match registry.lookup(name) {
                    Some(Resolved::Unit(u)) => vec![u],
                    Some(Resolved::Group(g)) => registry.expand(g),
                    None => vec![],
                };
                for u in units {
                    if let Some(p) = position(&u.name) {
                        let e = by_unit
                            .entry(p)
                            .or_default()
                            .entry(t.number)
                            .or_insert(role);
                        *e = (*e).min(role);
                    }
                }
            }
        }
    }
    by_unit
        .into_iter()
        .map(|(p, tasks)| {
            (
                registry.units()[p].name.clone(),
                tasks.into_iter().collect(),
            )
        })
        .collect()
}

/// A short hash of what a template is made from: the notice, the tasks and who holds them
/// (units by name and kind, groups). Aliases and former names are left out: adding one
/// changes no template, so it must not make every return look like an old template's.
fn content_hash(data: &CatalogData) -> String {
    let units: Vec<(&str, UnitKind)> = data
        .units
        .iter()
        .map(|u| (u.name.as_str(), u.kind))
        .collect();
    // The year and the templates' title are left out too: they change no row, and their
    // defaults keep the hash of a catalog written before they existed.
    #[derive(Serialize)]
    struct NoticeKey<'a> {
        number: &'a str,
        issuer: &'a str,
        title: &'a str,
        date: &'a str,
    }
    let n = &data.notice;
    let notice = NoticeKey {
        number: &n.number,
        issuer: &n.issuer,
        title: &n.title,
        date: &n.date,
    };
    let what = (
        notice,
        &data.targets,
        &data.sections,
        &data.tasks,
        &data.groups,
        units,
    );
    let json = serde_json::to_vec(&what).expect("catalog data serialises");
    let digest = Sha256::digest(&json);
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// Hex SHA-256 of some bytes (used for manifests, logs and row hashes).
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_templates_title_is_the_catalogs_own_or_of_its_year() {
        let cat = Catalog::embedded();
        let mut n = cat.notice().clone();
        assert_eq!(n.year(), Some(2020));
        assert_eq!(n.template_title(), "2020年政府工作报告任务落实进展情况");
        n.year = Some(2021);
        assert_eq!(n.template_title(), "2021年政府工作报告任务落实进展情况");
        n.template_title = Some("2021年重点工作推进情况".into());
        assert_eq!(n.template_title(), "2021年重点工作推进情况");
        n.year = None;
        n.date = "未注明".into();
        assert_eq!(n.year(), None);
    }

    #[test]
    fn the_year_and_title_leave_the_hash_alone() {
        // The hash every template of the embedded catalog carries: a change would make
        // each return of an earlier template look like one of another catalog.
        let cat = Catalog::embedded();
        let mut data = cat.data().clone();
        data.notice.year = Some(2020);
        data.notice.template_title = Some("另一个标题".into());
        assert_eq!(content_hash(&data), cat.hash());
    }
}
