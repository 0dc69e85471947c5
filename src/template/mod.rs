//! One unit's fill-in workbook for a round: the template a clerk fills in Excel, WPS or
//! LibreOffice and sends back.
//!
//! Sheets, in order: 填报说明 (instructions), 任务进展 (one row per task of the unit), 量化指标
//! (only when the unit hosts tasks with indicators) and the very hidden `_duban` identity
//! sheet. Canonical cells are locked on grey, input cells unlocked on white, the sheets
//! protected so that accidental edits are refused but filling works.
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
    row_hash, task_entry,
};
pub use sheets::{
    CANONICAL_INDICATOR_COLUMNS, CANONICAL_TASK_COLUMNS, FIRST_ROW, HEADER_ROW, INDICATOR_WIDTHS,
    LINE_ROW, TASK_WIDTHS, TITLE_ROW,
};

use crate::catalog::{Catalog, Role};
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

    pub fn from_label(s: &str) -> Option<Rows> {
        [Rows::All, Rows::HostsOnly]
            .into_iter()
            .find(|r| r.label() == s)
    }
}

/// A calendar date (the round's deadline).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// Parses `YYYY-MM-DD` (one-digit month and day accepted), refusing dates that do not
    /// exist.
    ///
    /// ```
    /// use duban::template::Date;
    /// assert_eq!(Date::parse("2020-4-5").unwrap().iso(), "2020-04-05");
    /// assert!(Date::parse("2020-02-30").is_err());
    /// assert!(Date::parse("2021-02-29").is_err());
    /// assert!(Date::parse("2020-02-29").is_ok());
    /// ```
    pub fn parse(s: &str) -> Result<Date, String> {
        let bad = || format!("日期“{s}”无效：请写成 YYYY-MM-DD，如 2020-04-05");
        let parts: Vec<&str> = s.trim().split('-').collect();
        let [y, m, d] = parts.as_slice() else {
            return Err(bad());
        };
        let num = |p: &str, len: std::ops::RangeInclusive<usize>| {
            (len.contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
                .then(|| p.parse::<u16>().ok())
                .flatten()
        };
        let (Some(year), Some(month), Some(day)) = (num(y, 4..=4), num(m, 1..=2), num(d, 1..=2))
        else {
            return Err(bad());
        };
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return Err(bad()),
        };
        if year < 1900 || day == 0 || day > days {
            return Err(bad());
        }
        Ok(Date {
            year,
            month: month as u8,
            day: day as u8,
        })
    }

    /// 2020-04-05.
    pub fn iso(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// 2020年4月5日.
    pub fn chinese(&self) -> String {
        format!("{}年{}月{}日", self.year, self.month, self.day)
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

/// The file name of a unit's template: `<round>_<unit>_任务进展填报表.xlsx`, with characters
/// that no file system takes replaced by `_`.
pub fn file_name(round: &str, unit: &str) -> String {
    let clean = |s: &str| -> String {
        s.trim()
            .chars()
            .map(|c| {
                if matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|')
                    || c.is_control()
                {
                    '_'
                } else {
                    c
                }
            })
            .collect()
    };
    format!("{}_{}_任务进展填报表.xlsx", clean(round), clean(unit))
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
    book.push(sheets::guide_sheet(spec, &rows, !indicators.is_empty())?)?;
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
