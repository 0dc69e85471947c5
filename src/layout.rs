//! The template's contract: sheet names, column titles, status words and the identity
//! keys that `templates` writes and `check` and `merge` read back.
//!
//! Everything a unit sees is Chinese. The check never relies on positions: it finds the
//! header row by these titles (and their synonyms), so a clerk may move or rename columns.

/// Sheet with instructions.
pub const SHEET_GUIDE: &str = "填报说明";
/// Sheet with one row per task.
pub const SHEET_TASKS: &str = "任务进展";
/// Sheet with one row per indicator of the tasks the unit hosts.
pub const SHEET_INDICATORS: &str = "量化指标";
/// Very hidden sheet holding the template's identity (see [`IdentityKey`]).
pub const SHEET_IDENTITY: &str = "_duban";

/// Title on the tasks sheet.
pub const TITLE: &str = "2020年政府工作报告任务落实进展情况";

/// Template format version, recorded in the identity.
pub const FORMAT_VERSION: &str = "1";

/// Columns of 任务进展, in template order.
pub const TASK_COLUMNS: &[&str] = &[
    "序号",
    "所属部分",
    "任务内容",
    "牵头领导",
    "本单位角色",
    "其他承办单位",
    "推进状态",
    "完成进度(%)",
    "工作进展",
    "存在问题",
    "下步措施",
    "备注",
];

/// Columns of 量化指标.
pub const INDICATOR_COLUMNS: &[&str] = &["序号", "指标", "目标值", "单位", "比较", "完成值", "说明"];

/// Labels of the contact lines below the task rows (label cell, value in the next cell).
pub const CONTACT_FILLER: &str = "填报人";
pub const CONTACT_PHONE: &str = "联系电话";
pub const CONTACT_REVIEWER: &str = "审核人（分管负责人）";

/// Labels on the line between title and header.
pub const LINE_UNIT: &str = "填报单位";
pub const LINE_ROUND: &str = "填报期次";
pub const LINE_DEADLINE: &str = "截止时间";

/// Keys of the identity, used both as rows (key, value) of the hidden sheet and as custom
/// document properties (prefixed `duban.`). LibreOffice and WPS may drop either on
/// re-save, so the check uses them when present and never requires them.
pub mod key {
    pub const FORMAT: &str = "format";
    pub const CATALOG_NUMBER: &str = "catalog";
    pub const CATALOG_HASH: &str = "catalog_hash";
    pub const UNIT: &str = "unit";
    pub const ROUND: &str = "round";
    pub const DEADLINE: &str = "deadline";
    /// "all" (hosted and co-hosted tasks) or "hosts" (`--hosts-only`).
    pub const ROWS: &str = "rows";
    /// Prefix of one row per task: `task.<n>` → `<role>|<hash of canonical cells>`.
    pub const TASK_PREFIX: &str = "task.";
    /// Prefix of custom property names.
    pub const PROPERTY_PREFIX: &str = "duban.";
    /// The unit's task numbers by role, compactly (`主办:1,3,5-7;协办:2`): also a property,
    /// where the per-row entries would not fit.
    pub const TASKS: &str = "tasks";
    /// Prefix of one row per indicator: `indicator.<n>.<k>` (task n, its k-th indicator,
    /// from 1) → hash of the indicator row's canonical cells.
    pub const INDICATOR_PREFIX: &str = "indicator.";
}

/// The list of templates `duban templates` writes beside them.
pub const MANIFEST_FILE: &str = "manifest.csv";
/// Its columns: unit, file name (in the same folder), tasks as host, tasks as co-unit,
/// SHA-256 of the file.
pub const MANIFEST_COLUMNS: &[&str] = &["单位", "文件", "主办任务数", "协办任务数", "sha256"];

/// The four statuses a unit may report, in order from least to most advanced for the merge
/// rule (滞后 before 未启动 before 序时推进 before 已完成).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub enum Status {
    #[serde(rename = "滞后")]
    Lagging,
    #[serde(rename = "未启动")]
    NotStarted,
    #[serde(rename = "序时推进")]
    OnSchedule,
    #[serde(rename = "已完成")]
    Done,
}

impl Status {
    /// In the order shown in the template's dropdown.
    pub const ALL: [Status; 4] = [Status::Done, Status::OnSchedule, Status::Lagging, Status::NotStarted];

    pub fn label(self) -> &'static str {
        match self {
            Status::Done => "已完成",
            Status::OnSchedule => "序时推进",
            Status::Lagging => "滞后",
            Status::NotStarted => "未启动",
        }
    }

    /// What the status means, for 填报说明.
    pub fn meaning(self) -> &'static str {
        match self {
            Status::Done => "任务目标已全部完成，完成进度填 100",
            Status::OnSchedule => "按时间节点正常推进，进度与序时进度相当",
            Status::Lagging => "进度落后于序时进度或计划，须在“存在问题”中说明原因",
            Status::NotStarted => "尚未开始实施，完成进度填 0",
        }
    }

    /// The exact word, or `None`.
    pub fn from_label(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.label() == s)
    }
}
