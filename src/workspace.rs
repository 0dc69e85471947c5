//! The office's folder for a year: `duban.toml`, the task list, the contacts, the ledger
//! and one folder per round (`rounds/<期次>/模板`, `回收`, `汇总`, `发件箱`).
//!
//! Like cargo with `Cargo.toml`, every command run in the folder or below finds
//! `duban.toml` by walking up (or is told with `--workspace DIR`) and takes its settings
//! from it; options on the command line override. Outside a workspace every command works
//! as it does without one.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::catalog::Catalog;
use crate::domain::colour::Thresholds;
use crate::domain::history::RoundInfo;
use crate::fsutil::{write_atomic, InputError, WriteError};
use crate::ledger::{Ledger, LedgerError};
use crate::mail::Role;
use crate::outputs::{self, file_part};

/// The workspace's own file names.
pub const CONFIG: &str = "duban.toml";
pub const CATALOG: &str = "任务清单.toml";
pub const CONTACTS: &str = "contacts.csv";
pub const ROUNDS: &str = "rounds";

/// The commented `duban.toml` that `duban init` writes.
const CONFIG_TEMPLATE: &str = include_str!("../templates/workspace/duban.toml");

/// A workspace that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum WorkspaceError {
    #[error(transparent)]
    Read(#[from] InputError),
    #[error(transparent)]
    Write(#[from] WriteError),
    #[error("工作区配置 {} 格式错误：{message}", path.display())]
    Format { path: PathBuf, message: String },
    #[error("{} 不是督办工作区（其中没有 {CONFIG}）；可用 duban init 创建", .0.display())]
    NotWorkspace(PathBuf),
    #[error("{} 已是督办工作区或已有同名文件（{}），未覆盖任何文件", dir.display(), existing.join("、"))]
    Exists { dir: PathBuf, existing: Vec<String> },
    #[error("工作区配置 {} 中 [print] 的纸张“{value}”无法识别，请写作 \"A4\" 或 \"A3\"", path.display())]
    Paper { path: PathBuf, value: String },
    #[error("工作区配置 {} 中的时区“{value}”无法识别，请写作 +08:00", path.display())]
    TimeZone { path: PathBuf, value: String },
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error(transparent)]
    Catalog(#[from] crate::catalog::CatalogError),
    #[error(transparent)]
    Colour(#[from] crate::domain::colour::ConfigError),
}

/// The settings of `duban.toml`. The `[mail]` and `[mailbox]` sections belong to the
/// commands that send and collect mail and are handed to them as they are.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default = "default_catalog")]
    pub catalog: String,
    #[serde(default = "default_contacts")]
    pub contacts: String,
    #[serde(default)]
    pub office: String,
    #[serde(default)]
    pub office_contact: String,
    #[serde(default)]
    pub time_zone: String,
    #[serde(default)]
    pub colour: Thresholds,
    #[serde(default)]
    pub mail: toml::Table,
    #[serde(default)]
    pub mailbox: toml::Table,
    #[serde(default)]
    pub bulletin: BulletinSettings,
    /// `[round]`: the default deadline of `round new`.
    #[serde(default)]
    pub round: crate::domain::deadline::RoundDeadline,
    #[serde(default)]
    pub print: PrintSettings,
    #[serde(default)]
    pub remind: RemindSettings,
}

/// `[print]`: the paper the office prints its tables on (`paper = "A3"`; A4 by default).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrintSettings {
    #[serde(default)]
    pub paper: String,
}

/// `[remind]`: when `duban remind` chases the units of a round, counted from its deadline.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RemindSettings {
    /// 提醒 this many days before the deadline.
    #[serde(default = "default_before")]
    pub before: Vec<u32>,
    /// 催报 (the 分管领导 copied) this many days after it.
    #[serde(default = "one")]
    pub chase_after: u32,
    /// 催办通知单 this many working days after it.
    #[serde(default = "three")]
    pub notice_after: u32,
    /// Days off that fall on working days (YYYY-MM-DD).
    #[serde(default)]
    pub holidays: Vec<String>,
    /// Weekend days worked (调休).
    #[serde(default)]
    pub workdays: Vec<String>,
    /// A 督办单 is yellow from this many lagging rounds running (blue below).
    #[serde(default = "two")]
    pub yellow_after: u32,
    /// … and red from this many.
    #[serde(default = "three")]
    pub red_after: u32,
    /// The 整改 answer to a 督办单 is due this many working days after it.
    #[serde(default = "five")]
    pub answer_days: u32,
}

impl Default for RemindSettings {
    fn default() -> Self {
        RemindSettings {
            before: default_before(),
            chase_after: one(),
            notice_after: three(),
            holidays: Vec::new(),
            workdays: Vec::new(),
            yellow_after: two(),
            red_after: three(),
            answer_days: five(),
        }
    }
}

fn default_before() -> Vec<u32> {
    vec![3, 1]
}

fn one() -> u32 {
    1
}

fn two() -> u32 {
    2
}

fn three() -> u32 {
    3
}

fn five() -> u32 {
    5
}

/// `[bulletin]`: the office's own wording and letterhead for `duban bulletin` (paths
/// relative to the workspace; "" for the embedded wording, no letterhead).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BulletinSettings {
    #[serde(default)]
    pub texts: String,
    #[serde(default)]
    pub template: String,
}

fn default_catalog() -> String {
    CATALOG.into()
}

fn default_contacts() -> String {
    CONTACTS.into()
}

/// An open workspace.
#[derive(Clone, Debug)]
pub struct Workspace {
    pub root: PathBuf,
    pub config: Config,
}

/// A table's entries that are not empty strings: "" in `duban.toml` means "not set".
pub fn set_entries(t: &toml::Table) -> toml::Table {
    t.iter()
        .filter(|(_, v)| v.as_str() != Some(""))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

impl Workspace {
    /// The workspace holding `start` (itself or a folder above it), if any.
    pub fn find(start: &Path) -> Result<Option<Workspace>, WorkspaceError> {
        let start = crate::fsutil::resolved(start);
        for dir in start.ancestors() {
            if dir.join(CONFIG).is_file() {
                return Workspace::open(dir).map(Some);
            }
        }
        Ok(None)
    }

    /// The workspace at `root`.
    pub fn open(root: &Path) -> Result<Workspace, WorkspaceError> {
        let path = root.join(CONFIG);
        if !path.is_file() {
            return Err(WorkspaceError::NotWorkspace(root.to_path_buf()));
        }
        let text = crate::fsutil::read_text(&path)?;
        let config: Config =
            crate::fsutil::parse_toml(&text).map_err(|message| WorkspaceError::Format {
                path: path.clone(),
                message,
            })?;
        config.colour.check(&path)?;
        let ws = Workspace {
            root: root.to_path_buf(),
            config,
        };
        ws.offset()?;
        ws.paper()?;
        Ok(ws)
    }

    /// Creates a workspace in `dir`: `duban.toml`, the task list, a contacts file listing
    /// every unit and leader with empty addresses, the ledger and `rounds/`. Refuses to
    /// overwrite any of them.
    pub fn init(dir: &Path, catalog: &Catalog) -> Result<Workspace, WorkspaceError> {
        let existing: Vec<String> = [
            CONFIG,
            CATALOG,
            CONTACTS,
            outputs::LEDGER,
            ROUNDS,
            crate::score::rules::FILE,
        ]
        .into_iter()
        .filter(|n| dir.join(n).exists())
        .map(String::from)
        .collect();
        if !existing.is_empty() {
            return Err(WorkspaceError::Exists {
                dir: dir.to_path_buf(),
                existing,
            });
        }
        std::fs::create_dir_all(dir.join(ROUNDS))
            .map_err(|e| WriteError::new(&dir.join(ROUNDS), e))?;
        write_atomic(&dir.join(CATALOG), catalog.to_toml().as_bytes())?;
        write_atomic(&dir.join(CONTACTS), &contacts_csv(catalog))?;
        Ledger::create(&dir.join(outputs::LEDGER))?;
        write_atomic(
            &dir.join(crate::score::rules::FILE),
            crate::score::rules::DEFAULT.as_bytes(),
        )?;
        write_atomic(&dir.join(CONFIG), CONFIG_TEMPLATE.as_bytes())?;
        Workspace::open(dir)
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// `duban.toml`.
    pub fn config_path(&self) -> PathBuf {
        self.path(CONFIG)
    }

    pub fn catalog_path(&self) -> PathBuf {
        self.path(&self.config.catalog)
    }

    pub fn contacts_path(&self) -> PathBuf {
        self.path(&self.config.contacts)
    }

    pub fn ledger_path(&self) -> PathBuf {
        self.path(outputs::LEDGER)
    }

    /// The ledger, open.
    pub fn ledger(&self) -> Result<Ledger, LedgerError> {
        Ledger::open(&self.ledger_path())
    }

    /// The office's time zone, `+08:00` unless set.
    /// `[print] paper`: A4 unless the office asks for A3.
    pub fn paper(&self) -> Result<crate::write::paper::Paper, WorkspaceError> {
        let value = &self.config.print.paper;
        crate::write::paper::Paper::parse(value).ok_or_else(|| WorkspaceError::Paper {
            path: self.path(CONFIG),
            value: value.clone(),
        })
    }

    pub fn offset(&self) -> Result<jiff::tz::Offset, WorkspaceError> {
        let tz = self.config.time_zone.trim();
        if tz.is_empty() {
            return Ok(crate::date::OFFICE_OFFSET);
        }
        crate::date::parse_offset(tz).ok_or_else(|| WorkspaceError::TimeZone {
            path: self.path(CONFIG),
            value: tz.to_string(),
        })
    }

    /// A path the configuration gives, relative to the workspace; `None` for "".
    pub fn configured(&self, rel: &str) -> Option<PathBuf> {
        let rel = rel.trim();
        (!rel.is_empty()).then(|| self.path(rel))
    }

    /// `rounds/<期次>/`.
    pub fn round_dir(&self, round: &str) -> PathBuf {
        self.root.join(ROUNDS).join(file_part(round))
    }

    /// Where a round's templates are written.
    pub fn templates_dir(&self, round: &str) -> PathBuf {
        self.round_dir(round).join("模板")
    }

    /// Where a round's returns are collected.
    pub fn returns_dir(&self, round: &str) -> PathBuf {
        self.round_dir(round).join("回收")
    }

    /// Where returns of rounds not registered yet wait (`collect` files them, `round new`
    /// takes them in).
    pub fn waiting_dir(&self) -> PathBuf {
        self.root.join(crate::outputs::WAITING)
    }

    /// Where a round's merge writes.
    pub fn merged_dir(&self, round: &str) -> PathBuf {
        self.round_dir(round).join("汇总")
    }

    /// Where a round's mails are written before they are sent.
    pub fn outbox_dir(&self, round: &str) -> PathBuf {
        self.round_dir(round).join("发件箱")
    }

    /// The round named, or the latest one recorded.
    pub fn round(&self, name: Option<&str>) -> Result<RoundInfo, WorkspaceError> {
        let ledger = self.ledger()?;
        Ok(match name {
            Some(n) => ledger
                .round(n)?
                .ok_or_else(|| LedgerError::NoRound(n.to_string()))?,
            None => ledger.latest()?.ok_or(LedgerError::NoRounds)?,
        })
    }
}

/// `contacts.csv` for a new workspace: every unit with tasks and every leader, addresses
/// left for the office to fill.
fn contacts_csv(catalog: &Catalog) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    w.write_record(crate::mail::contacts::HEADER)
        .expect("in-memory csv");
    for unit in catalog.assignments().keys() {
        w.write_record([unit.as_str(), Role::Unit.label(), "", "", ""])
            .expect("in-memory csv");
    }
    for leader in catalog.leaders() {
        w.write_record([leader.as_str(), Role::Leader.label(), "", "", ""])
            .expect("in-memory csv");
    }
    w.into_inner().expect("in-memory csv")
}
