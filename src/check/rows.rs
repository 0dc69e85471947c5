//! The task table: first each row is located and bound to a catalog task
//! ([`super::locate`]), then every bound row goes through the row rules ([`RULES`]), then
//! the tasks the unit left out are listed. The contact lines below the table and the
//! 量化指标 sheet have modules of their own ([`super::contacts`], [`super::indicators`]).

use std::collections::BTreeSet;

use super::header::{find_indicator_header, find_task_header};
use super::identity::Identity;
use super::locate::{locate, merges_over_inputs, Bound, Located, Table};
use super::rules::{Row, Values, RULES};
use super::values::parse_status;
use super::{contacts, indicators, At, CheckOptions, Issues, HEADER_SCAN_ROWS};
use crate::catalog::{Catalog, Role};
use crate::columns::TaskCol;
use crate::domain::codes::Code;
use crate::domain::history::PreviousRow;
use crate::domain::report::ReturnData;
use crate::domain::status::Status;
use crate::read::{Format, Limits, Sheet, Value, Workbook};

/// The columns a return cannot do without: without them nothing can be judged.
const REQUIRED: [TaskCol; 2] = [TaskCol::Percent, TaskCol::Progress];

/// Text longer than this is read whole but worth a word: a progress report of more than a
/// few pages is hard to merge and to read.
pub const LONG_TEXT_CHARS: usize = 5_000;

pub(super) fn check_rows(
    book: &Workbook,
    catalog: &Catalog,
    id: &Identity,
    opts: &CheckOptions,
    issues: &mut Issues,
) -> ReturnData {
    let limits = &opts.limits;
    let mut data = ReturnData::default();
    let Some(h) = find_task_header(book) else {
        issues.add(
            Code::HeaderMissing,
            At::default(),
            format!(
                "找不到任务表的表头：前 {HEADER_SCAN_ROWS} 行中没有同时含“序号”（或“任务内容”）和“推进状态”等列标题的行"
            ),
        );
        return data;
    };
    let table = Table::new(book, &h);
    let sheet = table.sheet;
    report_long_cells(sheet, limits, issues);
    for c in REQUIRED.into_iter().filter(|c| h.col(*c).is_none()) {
        issues.add_with(
            Code::ColumnMissing,
            At {
                sheet: Some(&sheet.name),
                pos: Some((h.row, 0)),
                ..At::default()
            },
            format!("表头（第 {} 行）中没有“{}”列", h.row + 1, c.title()),
            &[("column", c.title())],
        );
    }
    let mut located = locate(&table, catalog, id, &opts.closed, issues);
    let untouched = untouched(&table, &located);
    // A second look at the sheet (merged regions, formulas without a result) only where
    // a needed cell is empty: that is what either becomes when read as values.
    let look = if untouched {
        SecondLook::default()
    } else {
        needs_second_look(&table, &located)
    };
    let second_look = look.formulas;
    if look.merges || (!untouched && table.merges_read()) {
        located.covered = merges_over_inputs(&table, &located.rows, issues);
    }
    let fraction_guess = book.format != Format::Xlsx;
    fn row<'a>(
        table: &'a Table<'a>,
        bound: &'a Bound<'a>,
        fraction_guess: bool,
        previous: Option<&'a PreviousRow>,
        catalog: &'a Catalog,
    ) -> Row<'a> {
        Row {
            table,
            rows: &bound.rows,
            task: bound.task,
            role: bound.role,
            fraction_guess,
            previous,
            task_bare: catalog.bare_text(bound.task.number),
        }
    }
    // The unit's row of each task last round, where the ledger has it.
    let previous = |bound: &Bound<'_>| match (&opts.previous, &id.unit) {
        (Some(p), Some(u)) => p.get(&(u.clone(), bound.task.number)),
        _ => None,
    };
    if untouched {
        issues.add(
            Code::TemplateEmpty,
            At {
                sheet: Some(&sheet.name),
                ..At::default()
            },
            format!(
                "模板未填写：{} 项任务的推进状态、完成进度、工作进展等都是空的",
                located.rows.len()
            ),
        );
        data.rows = located
            .rows
            .iter()
            .map(|b| {
                row(&table, b, fraction_guess, previous(b), catalog).task_row(&Values::default())
            })
            .collect();
    } else {
        for bound in &located.rows {
            let row = row(&table, bound, fraction_guess, previous(bound), catalog);
            let mut values = Values {
                formulas: second_look,
                ..Values::default()
            };
            for c in TaskCol::inputs() {
                if let Some(i) = h.col(c) {
                    if bound
                        .rows
                        .iter()
                        .any(|r| located.covered.contains(&(*r, i)))
                    {
                        values.errored.insert(c);
                    }
                }
            }
            for rule in RULES {
                rule(&row, &mut values, issues);
            }
            data.rows.push(row.task_row(&values));
        }
    }
    if let Some(unit) = &id.unit {
        missing_tasks(
            catalog,
            unit,
            id,
            &located.seen,
            &opts.closed,
            &sheet.name,
            issues,
        );
    }
    data.contact = contacts::read(sheet, located.contact_rows);
    if untouched {
        // One error says it all: no word on the phone or on each 完成值.
        return data;
    }
    contacts::check(sheet, &data.contact, issues);
    if let Some(ih) = find_indicator_header(book, Some(h.sheet)) {
        let isheet = &book.sheets[ih.sheet];
        report_long_cells(isheet, limits, issues);
        data.indicators = indicators::check(isheet, &ih, catalog, id, issues);
    }
    data
}

/// The template came back as it was sent: rows to fill, and not one input cell filled in
/// any of them (not even by a formula without a result).
fn untouched(table: &Table<'_>, located: &Located<'_>) -> bool {
    let h = table.header;
    !located.rows.is_empty()
        && located
            .rows
            .iter()
            .all(|b| b.rows.iter().all(|r| !table.has_input(*r)))
        && !located.rows.iter().any(|b| {
            b.rows.iter().any(|r| {
                TaskCol::inputs()
                    .filter_map(|c| h.col(c))
                    .any(|i| table.uncached_formula(*r, i))
            })
        })
}

/// What of the sheet to read again, beyond its values.
#[derive(Clone, Copy, Debug, Default)]
struct SecondLook {
    /// Its merged regions.
    merges: bool,
    /// Its formulas without a result.
    formulas: bool,
}

/// Whether the sheet needs a second look: both merged regions and formulas without a
/// result when a cell the rules require is empty (a status, a percent, a hosted task's
/// progress, a lagging task's problems), since either reads as empty; merged regions
/// alone when a task's 下步措施 or 备注 is empty under a filled one of the task above, as a
/// merge over two tasks leaves it (下步措施 merged over two tasks would
/// otherwise lose the second task's text without a word). A clean return never pays for it.
fn needs_second_look(table: &Table<'_>, located: &Located<'_>) -> SecondLook {
    let empty = |b: &Bound<'_>, c: TaskCol| {
        table.header.col(c).is_some()
            && b.rows
                .iter()
                .all(|r| table.cell(*r, c).is_none_or(|x| x.value.is_empty()))
    };
    let lagging = |b: &Bound<'_>| {
        b.rows.iter().any(|r| {
            table
                .cell(*r, TaskCol::Status)
                .and_then(|x| parse_status(&x.value.text()))
                .is_some_and(|(s, _)| s == Status::Lagging)
        })
    };
    let under_a_filled_cell = |b: &Bound<'_>| {
        let Some(&first) = b.rows.first() else {
            return false;
        };
        // Only the columns no rule requires of any row: a gap in a required one is looked
        // at anyway, and the gaps 存在问题 (lagging tasks only) and a co-unit's 工作进展 leave
        // under a filled cell are the usual shape of a return.
        first > table.header.row + 1
            && [TaskCol::NextSteps, TaskCol::Remarks].into_iter().any(|c| {
                empty(b, c)
                    && table
                        .cell(first - 1, c)
                        .is_some_and(|x| !x.value.is_empty())
            })
    };
    let required_empty = located.rows.iter().any(|b| {
        empty(b, TaskCol::Status)
            || empty(b, TaskCol::Percent)
            || (b.role != Some(Role::CoUnit) && empty(b, TaskCol::Progress))
            || (empty(b, TaskCol::Problems) && lagging(b))
    });
    SecondLook {
        merges: required_empty || located.rows.iter().any(under_a_filled_cell),
        formulas: required_empty,
    }
}

/// The unit's tasks that no row names (co-unit tasks too, unless the template asked only
/// for hosted ones; not the tasks 办结). The catalog decides, not the identity: a clerk who
/// deletes a row may have unhidden and edited the identity sheet too.
fn missing_tasks(
    catalog: &Catalog,
    unit: &str,
    id: &Identity,
    seen: &BTreeSet<u32>,
    closed: &BTreeSet<u32>,
    sheet: &str,
    issues: &mut Issues,
) {
    for (n, role) in catalog.tasks_of_unit(unit) {
        if seen.contains(n) || closed.contains(n) || (id.hosts_only && *role == Role::CoUnit) {
            continue;
        }
        issues.add_with(
            Code::TaskMissing,
            At {
                sheet: Some(sheet),
                task: Some(*n),
                ..At::default()
            },
            format!("缺少任务 {n}（本单位{}）的填报行", role.label()),
            &[("task", &n.to_string())],
        );
    }
}

/// Cells past [`LONG_TEXT_CHARS`] are read whole with a warning; past the reader's limit
/// (Excel's own) they were cut, an error. Either way the message gives the true length.
pub(super) fn report_long_cells(sheet: &Sheet, limits: &Limits, issues: &mut Issues) {
    for ((r, c), cell) in &sheet.cells {
        let at = At {
            sheet: Some(&sheet.name),
            pos: Some((*r, *c)),
            ..At::default()
        };
        if let Some(n) = cell.cut_from {
            issues.add(
                Code::CellTooLong,
                at,
                format!(
                    "单元格内容过长（{n} 字，超过上限 {} 字），只读取了前 {} 字",
                    limits.cell_chars, limits.cell_chars
                ),
            );
            continue;
        }
        // A text of no more bytes than the threshold has no more chars either.
        let Value::Text(t) = &cell.value else {
            continue;
        };
        if t.len() > LONG_TEXT_CHARS {
            let n = t.chars().count();
            if n > LONG_TEXT_CHARS {
                issues.add(
                    Code::CellLong,
                    at,
                    format!("单元格内容较长（{n} 字，超过 {LONG_TEXT_CHARS} 字），已全部读取"),
                );
            }
        }
    }
}
