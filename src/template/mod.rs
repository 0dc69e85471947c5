//! One unit's fill-in workbook for a round: the template a clerk fills in Excel, WPS or
//! LibreOffice and sends back.
//!
//! Sheets, in order: 填报说明 (instructions), 任务进展 (one row per task of the unit), 量化指标
//! (only when the unit hosts tasks with indicators) and the very hidden `_duban` identity
//! sheet. Canonical cells are locked on grey, input cells unlocked on white, the sheets
//! protected so that accidental edits are refused but filling works.
//!
//! 任务进展 adds two kinds of locked columns to the base table
//! ([`crate::columns::task_layout`]): 完成时限 after 任务内容 when one of the unit's tasks
//! has one in the catalog, and, from the second round on ([`Spec::last`]), what the unit
//! itself reported last round (上期推进状态, 上期完成进度, 上期工作进展) on a darker grey just
//! before the inputs, which stay empty. Both are for reading only: the check never reads
//! them, and they are not in the rows' hashes, so editing or deleting them changes nothing.
//!
//! # Identity
//!
//! The template says what it is in two places: the very hidden sheet [`SHEET_IDENTITY`]
//! (rows of key, value: [`layout::key`]) and the same key facts as custom document
//! properties (`duban.<key>`). Each task row is recorded as `task.<n>` →
//! `<role>|<hash of its canonical cells>` ([`task_entry`], [`row_hash`]), each indicator row
//! as `indicator.<n>.<k>` → `<hash>`.
//!
//! Neither survives every client: LibreOffice turns the very hidden sheet into a plain
//! hidden one that users can unhide (and delete), WPS and LibreOffice may drop one or the
//! other when re-saving through another format, Excel's Document Inspector strips both,
//! and copying the rows into a new workbook loses both. The check therefore uses them when
//! present and must work without either: the catalog's canonical cells are the final judge.

mod identity;
mod sheets;

pub use identity::{
    canonical_cells, compact_tasks, identity, indicator_cells, others_text, parse_task_entry,
    read_facts, row_hash, task_entry,
};
pub use sheets::{
    CANONICAL_INDICATOR_COLUMNS, CANONICAL_TASK_COLUMNS, FIRST_ROW, HEADER_ROW, LINE_ROW, TITLE_ROW,
};

use crate::catalog::{Catalog, Role};
use crate::date::Date;
use crate::domain::history::LastRound;
use crate::layout::key;
use crate::write::{Book, BuildError};

/// Which of a unit's tasks its template lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rows {
    /// Every task the unit hosts or co-hosts.
    All,
    /// Only the tasks it hosts (`--hosts-only`): the host collects its co-units' input.
    HostsOnly,
}

impl Rows {
    /// The value recorded under [`key::ROWS`].
    pub fn label(self) -> &'static str {
        match self {
            Rows::All => "all",
            Rows::HostsOnly => "hosts",
        }
    }
}

/// What to build: one unit's template for one round.
#[derive(Clone, Copy, Debug)]
pub struct Spec<'a> {
    /// The unit's canonical name.
    pub unit: &'a str,
    /// 填报期次: 2020年第一季度.
    pub round: &'a str,
    pub deadline: Date,
    pub rows: Rows,
    /// Sheet protection password; none by default.
    pub password: Option<&'a str>,
    /// How to reach the office, for 填报说明.
    pub office_contact: Option<&'a str>,
    /// Tasks 办结: listed as 已办结, nothing to fill.
    pub closed: &'a std::collections::BTreeSet<u32>,
    /// Last round, shown beside the inputs; `None` in a first round.
    pub last: Option<&'a LastRound>,
}

/// A built template.
#[derive(Clone, Debug)]
pub struct Built {
    /// The .xlsx file.
    pub bytes: Vec<u8>,
    /// Its task rows, in order.
    pub rows: Vec<(u32, Role)>,
}

impl Built {
    pub fn hosts(&self) -> usize {
        self.rows.iter().filter(|(_, r)| *r == Role::Host).count()
    }

    pub fn co_units(&self) -> usize {
        self.rows.len() - self.hosts()
    }
}

/// The task rows of a unit's template, in task order.
pub fn rows_of(cat: &Catalog, unit: &str, rows: Rows) -> Vec<(u32, Role)> {
    cat.tasks_of_unit(unit)
        .iter()
        .filter(|(_, role)| rows == Rows::All || *role == Role::Host)
        .copied()
        .collect()
}

/// Builds one unit's template.
///
/// # Errors
/// [`BuildError`] when the writer refuses something (a text beyond a cell's limit, a
/// sheet name too long): a bug or an unusual catalog, never a property of the unit.
pub fn build(cat: &Catalog, spec: &Spec) -> Result<Built, BuildError> {
    let rows = rows_of(cat, spec.unit, spec.rows);
    let indicators = identity::indicator_rows(cat, &rows);
    let mut book = Book::new();
    book.push(sheets::guide_sheet(
        cat,
        spec,
        &rows,
        !indicators.is_empty(),
    )?)?;
    book.push(sheets::tasks_sheet(cat, spec, &rows)?)?;
    if !indicators.is_empty() {
        book.push(sheets::indicators_sheet(spec, &indicators)?)?;
    }
    let facts = identity(cat, spec, &rows);
    book.push(sheets::identity_sheet(&facts, spec.password)?)?;
    let properties: Vec<(String, String)> = facts
        .into_iter()
        .filter(|(k, _)| !k.starts_with(key::TASK_PREFIX) && !k.starts_with(key::INDICATOR_PREFIX))
        .map(|(k, v)| (format!("{}{k}", key::PROPERTY_PREFIX), v))
        .collect();
    book.set_properties(
        &format!("{}_{}_任务进展填报表", spec.round, spec.unit),
        &properties,
    );
    Ok(Built {
        bytes: book.save()?,
        rows,
    })
}
