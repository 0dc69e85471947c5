//! The template's contract: sheet names, the lines around the table and the identity keys
//! that `templates` writes and `check` reads back. Column titles are in
//! [`crate::columns`], status words in [`crate::status`].
//!
//! Everything a unit sees is Chinese. The check never relies on positions: it finds the
//! header row by the columns' titles (and their synonyms), so a clerk may move or rename
//! columns.

/// Sheet with instructions.
pub const SHEET_GUIDE: &str = "填报说明";
/// Sheet with one row per task.
pub const SHEET_TASKS: &str = "任务进展";
/// Sheet with one row per indicator of the tasks the unit hosts.
pub const SHEET_INDICATORS: &str = "量化指标";
/// Very hidden sheet holding the template's identity (see [`IdentityKey`]).
pub const SHEET_IDENTITY: &str = "_duban";

/// Title on the tasks sheet, after the catalog's year (see
/// [`crate::catalog::Notice::template_title`]).
pub const TITLE_AFTER_YEAR: &str = "政府工作报告任务落实进展情况";

/// Template format version, recorded in the identity.
pub const FORMAT_VERSION: &str = "1";

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
/// re-save, so the check uses them when present and never requires them: `unit`, `round`,
/// `rows`, `catalog_hash` and `catalog` say who, when and from which task list. The rest
/// (`format`, `deadline`, `tasks`, `task.<n>`, `indicator.<n>.<k>`) record what the
/// template was, for whoever opens the hidden sheet and for later versions; the catalog,
/// not the identity, decides what a return must hold.
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
