//! Finding the task rows under the header and binding each to a catalog task, as clerks
//! lay tables out: by 序号, or by the row's text when 序号 is missing; a row that continues
//! the task above (its 序号 and 任务内容 merged with that row's) joins it; a hand-made table
//! numbered 1, 2, 3 … whose texts name other tasks is bound by its texts; and a merged
//! region that lays one input cell over two tasks (or two columns) is named, so that its
//! covered cells are not read as blanks.
//!
//! Merged regions and formulas each cost a second pass over the sheet (a merge of clean
//! returns took 8 % more instructions reading the regions of every one), so [`Table`]
//! reads them only when asked: when a row without 序号 may continue the task above, or
//! when a cell the check needs is empty, which is what a merged region or a formula
//! without a result turns into. A clean return pays for neither.

use std::cell::OnceCell;
use std::collections::{BTreeMap, BTreeSet};

use super::contacts;
use super::header::Header;
use super::identity::Identity;
use super::{At, Issues};
use crate::catalog::names::{distance, fold};
use crate::catalog::{Catalog, Role, Task};
use crate::columns::TaskCol;
use crate::domain::codes::Code;
use crate::read::{Cell, Region, Sheet, Value, Workbook};

/// The task table's sheet, with what only some returns need read from it again.
pub(super) struct Table<'a> {
    book: &'a Workbook,
    index: usize,
    pub sheet: &'a Sheet,
    pub header: &'a Header<TaskCol>,
    merged: OnceCell<Option<Merges>>,
    formulas: OnceCell<BTreeSet<(u32, u32)>>,
}

impl<'a> Table<'a> {
    pub fn new(book: &'a Workbook, header: &'a Header<TaskCol>) -> Table<'a> {
        Table {
            book,
            index: header.sheet,
            sheet: &book.sheets[header.sheet],
            header,
            merged: OnceCell::new(),
            formulas: OnceCell::new(),
        }
    }

    /// The merged regions over the table (below the header, over a known column), by
    /// first row; `None` where the format does not record them (.ods). A real table has
    /// a few dozen; a file with more than [`MAX_REGIONS`] is judged on the first ones.
    pub fn merged(&self) -> Option<&[Region]> {
        self.merges().map(|m| m.all.as_slice())
    }

    fn merges(&self) -> Option<&Merges> {
        self.merged
            .get_or_init(|| {
                let h = self.header;
                let over = |g: &Region, i: u32| (g.first.1..=g.last.1).contains(&i);
                let mut all: Vec<Region> = self
                    .book
                    .merged_regions(self.index)?
                    .into_iter()
                    .filter(|g| g.last.0 > h.row && h.cols.iter().any(|(_, i)| over(g, *i)))
                    .collect();
                all.sort();
                all.truncate(MAX_REGIONS);
                let by_col = h
                    .cols
                    .iter()
                    .map(|(_, i)| (*i, all.iter().copied().filter(|g| over(g, *i)).collect()))
                    .collect();
                Some(Merges { all, by_col })
            })
            .as_ref()
    }

    /// Whether the merged regions were read already (a continuation row asked for them).
    pub fn merges_read(&self) -> bool {
        self.merged.get().is_some()
    }

    /// The merged region covering a cell of a known column, if any: in that column the
    /// last region starting at or above the row (merged regions do not overlap).
    fn region_at(&self, r: u32, c: u32) -> Option<&Region> {
        let col = self.merges()?.by_col.get(&c)?;
        let upto = col.partition_point(|g| g.first.0 <= r);
        col[..upto].last().filter(|g| g.contains(r, c))
    }

    /// Whether a cell holds a formula that was never calculated.
    pub fn uncached_formula(&self, r: u32, c: u32) -> bool {
        self.formulas
            .get_or_init(|| self.book.uncached_formulas(self.index))
            .contains(&(r, c))
    }

    /// The cell of row `r` in column `c`, if the column was found.
    pub fn cell(&self, r: u32, c: TaskCol) -> Option<&'a Cell> {
        self.header.col(c).and_then(|i| self.sheet.cell(r, i))
    }

    /// The text of row `r` in column `c` (empty when the cell or the column is missing).
    pub fn text(&self, r: u32, c: TaskCol) -> String {
        self.cell(r, c).map(|x| x.value.text()).unwrap_or_default()
    }

    /// Whether row `r` holds anything in an input column.
    pub fn has_input(&self, r: u32) -> bool {
        TaskCol::inputs().any(|c| self.cell(r, c).is_some_and(|x| !x.value.is_empty()))
    }
}

/// The merged regions over a table, and those over each of its known columns.
struct Merges {
    all: Vec<Region>,
    by_col: BTreeMap<u32, Vec<Region>>,
}

/// How many merged regions of the table are looked at.
const MAX_REGIONS: usize = 2_000;

/// A row bound to a catalog task; `rows` is the task's row, then its continuation rows.
pub(super) struct Bound<'c> {
    pub rows: Vec<u32>,
    pub task: &'c Task,
    pub role: Option<Role>,
}

/// The table's rows, bound to tasks; the tasks seen; where the contact lines start; the
/// cells covered by a merged region named as an error (read as neither value nor blank).
pub(super) struct Located<'c> {
    pub rows: Vec<Bound<'c>>,
    pub seen: BTreeSet<u32>,
    pub contact_rows: Option<u32>,
    pub covered: BTreeSet<(u32, u32)>,
}

/// How a row was tied to a task before the catalog is asked.
#[derive(Clone, Copy, PartialEq)]
enum Key {
    /// Its 序号.
    Number(u32),
    /// Its text (no 序号, or a 序号 that turned out to be a row number).
    Text(u32),
}

impl Key {
    fn task(self) -> u32 {
        match self {
            Key::Number(n) | Key::Text(n) => n,
        }
    }
}

/// A row of the table with what ties it to a task, and its continuation rows.
struct Entry {
    r: u32,
    key: Key,
    cont: Vec<u32>,
}

/// Walks the rows under the header: skips blank and instruction rows, stops at the
/// contact lines, and binds each row to a task by 序号 (or by its text), reporting rows
/// that name no task, an unknown one, another unit's, or one already seen.
pub(super) fn locate<'c>(
    table: &Table<'_>,
    catalog: &'c Catalog,
    id: &Identity,
    closed: &BTreeSet<u32>,
    issues: &mut Issues,
) -> Located<'c> {
    let (sheet, h) = (table.sheet, table.header);
    let mut contact_rows = None;
    let mut entries: Vec<Entry> = Vec::new();
    let num_col = h.col(TaskCol::Number).unwrap_or(0);
    for r in sheet.rows().into_iter().filter(|r| *r > h.row) {
        if contacts::is_contact_row(sheet, r) {
            contact_rows = Some(r);
            break;
        }
        let at_row = At {
            sheet: Some(&sheet.name),
            pos: Some((r, num_col)),
            ..At::default()
        };
        if let Some(n) = table
            .cell(r, TaskCol::Number)
            .and_then(|c| task_number(&c.value))
        {
            entries.push(Entry {
                r,
                key: Key::Number(n),
                cont: Vec::new(),
            });
            continue;
        }
        if !table.has_input(r) {
            continue; // blank, instruction or spacer row
        }
        let text = table.text(r, TaskCol::Text);
        if text.is_empty() {
            if let Some(e) = entries.last_mut() {
                if let Some(how) = continues(table, e, r) {
                    let n = e.key.task();
                    issues.add_with(
                        Code::RowContinued,
                        At {
                            task: Some(n),
                            ..at_row
                        },
                        format!(
                            "第 {} 行没有序号，{how}：按任务 {n} 的续行读取，内容已并入任务 {n}",
                            r + 1
                        ),
                        &[("task", &n.to_string())],
                    );
                    e.cont.push(r);
                    continue;
                }
            }
        }
        match match_by_text(catalog, id, &text) {
            Some(n) => {
                issues.add_with(
                    Code::TaskMatchedByText,
                    At {
                        task: Some(n),
                        ..at_row
                    },
                    format!("第 {} 行没有序号，按任务内容认定为任务 {n}", r + 1),
                    &[("task", &n.to_string())],
                );
                entries.push(Entry {
                    r,
                    key: Key::Text(n),
                    cont: Vec::new(),
                });
            }
            None => issues.add(
                Code::TaskNumberMissing,
                at_row,
                format!(
                    "第 {} 行填了内容，但没有序号，任务内容也对不上任何任务",
                    r + 1
                ),
            ),
        }
    }
    rebind_row_numbers(table, &mut entries, catalog, id, issues);
    let mut out = bind(table, entries, catalog, id, closed, issues);
    out.contact_rows = contact_rows;
    out
}

/// Whether row `r` (no 序号, no text, some input) continues `e`, and how that shows: its
/// 序号 or 任务内容 cell is merged with the task's row. Where the format keeps no merged
/// regions (.ods), a row right under the task's last row is taken as its continuation.
fn continues(table: &Table<'_>, e: &Entry, r: u32) -> Option<String> {
    let last = *e.cont.last().unwrap_or(&e.r);
    match table.merged() {
        Some(_) => {
            let merged_with_task = [TaskCol::Number, TaskCol::Text].into_iter().any(|c| {
                table
                    .header
                    .col(c)
                    .and_then(|i| table.region_at(r, i))
                    .is_some_and(|g| g.first.0 == e.r)
            });
            merged_with_task.then(|| format!("它的序号和任务内容与第 {} 行合并", e.r + 1))
        }
        None => (r == last + 1).then(|| format!("任务内容也是空的，紧接在第 {} 行之下", last + 1)),
    }
}

/// A hand-made table numbers its rows 1, 2, 3 …: when its 序号 run exactly so and the
/// rows' texts name other tasks more often than their own, the texts bind the rows, and
/// one warning says so. Rows whose text names no task are then errors.
fn rebind_row_numbers(
    table: &Table<'_>,
    entries: &mut Vec<Entry>,
    catalog: &Catalog,
    id: &Identity,
    issues: &mut Issues,
) {
    let numbered: Vec<usize> = (0..entries.len())
        .filter(|&i| matches!(entries[i].key, Key::Number(_)))
        .collect();
    let sequential = numbered
        .iter()
        .enumerate()
        .all(|(k, &i)| entries[i].key == Key::Number(k as u32 + 1));
    if numbered.is_empty() || !sequential {
        return;
    }
    // What each numbered row's text says; a text is matched against the catalog only
    // where it is not its own task's.
    let mut says: BTreeMap<usize, Says> = BTreeMap::new();
    let (mut agree, mut disagree) = (0, 0);
    for &i in &numbered {
        let n = entries[i].key.task();
        let text = fold_text(&table.text(entries[i].r, TaskCol::Text));
        let said = if text.is_empty() {
            Says::Nothing
        } else if catalog.task(n).is_some_and(|t| fold_text(&t.text) == text) {
            Says::Own
        } else {
            match match_by_text(catalog, id, &table.text(entries[i].r, TaskCol::Text)) {
                Some(m) if m == n => Says::Own,
                m => Says::Other(m),
            }
        };
        match said {
            Says::Own => agree += 1,
            Says::Other(Some(_)) => disagree += 1,
            _ => {}
        }
        says.insert(i, said);
    }
    if disagree == 0 || disagree <= agree {
        return;
    }
    let h = table.header;
    let num_col = h.col(TaskCol::Number).unwrap_or(0);
    let mut shown = Vec::new();
    let mut keep = vec![true; entries.len()];
    for &i in &numbered {
        let e = &mut entries[i];
        let n = e.key.task();
        let why = match says[&i] {
            Says::Own => continue,
            Says::Other(Some(m)) => {
                e.key = Key::Text(m);
                shown.push(format!("第 {} 行 → 任务 {m}", e.r + 1));
                continue;
            }
            Says::Other(None) => "任务内容也对不上任何任务",
            Says::Nothing => "任务内容是空的",
        };
        issues.add(
            Code::TaskNumberMissing,
            At {
                sheet: Some(&table.sheet.name),
                pos: Some((e.r, num_col)),
                ..At::default()
            },
            format!("第 {} 行的序号 {n} 是行号，不是任务序号，{why}", e.r + 1),
        );
        keep[i] = false;
    }
    let kept: Vec<Entry> = std::mem::take(entries)
        .into_iter()
        .zip(keep)
        .filter_map(|(e, k)| k.then_some(e))
        .collect();
    *entries = kept;
    issues.add(
        Code::NumberIsRowNumber,
        At {
            sheet: Some(&table.sheet.name),
            pos: Some((h.row, num_col)),
            ..At::default()
        },
        format!(
            "“序号”一列是从 1 到 {} 的行号，不是任务清单的任务序号：已按任务内容认定各行的任务（{}）",
            numbered.len(),
            shown.join("，")
        ),
    );
}

/// What a numbered row's text says about its task.
#[derive(Clone, Copy)]
enum Says {
    /// No text to go by.
    Nothing,
    /// The task its 序号 names.
    Own,
    /// Another task, or none at all.
    Other(Option<u32>),
}

/// Asks the catalog about each entry: an unknown task, another unit's, or one already
/// seen is reported and left out; a task 办结 is seen but not read.
fn bind<'c>(
    table: &Table<'_>,
    entries: Vec<Entry>,
    catalog: &'c Catalog,
    id: &Identity,
    closed: &BTreeSet<u32>,
    issues: &mut Issues,
) -> Located<'c> {
    let mut out = Located {
        rows: Vec::new(),
        seen: BTreeSet::new(),
        contact_rows: None,
        covered: BTreeSet::new(),
    };
    let num_col = table.header.col(TaskCol::Number).unwrap_or(0);
    for e in entries {
        let task_no = e.key.task();
        let at = At {
            sheet: Some(&table.sheet.name),
            pos: Some((e.r, num_col)),
            row: Some(e.r),
            task: Some(task_no),
        };
        let Some(task) = catalog.task(task_no) else {
            issues.add(
                Code::TaskUnknown,
                at,
                format!(
                    "序号 {task_no} 不在任务清单中（清单共 {} 项任务）",
                    catalog.tasks().len()
                ),
            );
            continue;
        };
        let role = id.unit.as_deref().and_then(|u| catalog.role(u, task_no));
        if let (Some(unit), None) = (&id.unit, role) {
            issues.add(
                Code::TaskNotAssigned,
                at,
                format!("任务 {task_no} 不是“{unit}”承办的任务"),
            );
            continue;
        }
        if !out.seen.insert(task_no) {
            issues.add(Code::TaskDuplicate, at, format!("任务 {task_no} 重复出现"));
            continue;
        }
        // A task 办结 is not asked for: whatever its row says is not read, but a status
        // other than 已办结 is the unit disagreeing with the office, which it is told.
        if closed.contains(&task_no) {
            let said = table.text(e.r, TaskCol::Status);
            let said = said.trim();
            if !said.is_empty() && said != crate::domain::status::Status::Closed.label() {
                let pos = table.header.col(TaskCol::Status).map(|c| (e.r, c));
                issues.add(
                    Code::ClosedReported,
                    At { pos, ..at },
                    format!("任务 {task_no} 已由区督考办办结，本表却填写为“{said}”：按已办结处理，不计入滞后"),
                );
            }
            continue;
        }
        let mut rows = vec![e.r];
        rows.extend(e.cont);
        out.rows.push(Bound { rows, task, role });
    }
    out
}

/// Merged regions that lay input cells over two tasks (I4:I5 across tasks 3 and 7) or
/// over two known columns (工作进展 with 存在问题): each is one error at its first cell,
/// and the cells it covers beyond that are returned, to be read as neither value nor
/// blank. A region over a task's own row and its continuation rows is fine.
pub(super) fn merges_over_inputs(
    table: &Table<'_>,
    bound: &[Bound<'_>],
    issues: &mut Issues,
) -> BTreeSet<(u32, u32)> {
    let mut covered = BTreeSet::new();
    if bound.is_empty() {
        return covered;
    }
    let Some(regions) = table.merged() else {
        return covered;
    };
    let task_of_row: BTreeMap<u32, u32> = bound
        .iter()
        .flat_map(|b| b.rows.iter().map(move |r| (*r, b.task.number)))
        .collect();
    for g in regions {
        let cols: Vec<(TaskCol, u32)> = table
            .header
            .cols
            .iter()
            .copied()
            .filter(|(_, i)| (g.first.1..=g.last.1).contains(i))
            .collect();
        let inputs: Vec<TaskCol> = cols
            .iter()
            .map(|(c, _)| *c)
            .filter(|c| c.spec().input)
            .collect();
        if inputs.is_empty() {
            continue;
        }
        let tasks: BTreeSet<u32> = task_of_row
            .range(g.first.0..=g.last.0)
            .map(|(_, t)| *t)
            .collect();
        if tasks.is_empty() || (tasks.len() < 2 && cols.len() < 2) {
            continue;
        }
        let titles: Vec<String> = cols
            .iter()
            .map(|(c, _)| format!("“{}”", c.title()))
            .collect();
        let what = if tasks.len() >= 2 {
            let list: Vec<String> = tasks.iter().map(u32::to_string).collect();
            format!("{}一栏合并了任务 {} 的行", titles.join(""), list.join("、"))
        } else {
            format!("{}合并成了一格", titles.join(""))
        };
        issues.add(
            Code::CellMerged,
            At {
                sheet: Some(&table.sheet.name),
                pos: Some(g.first),
                row: Some(g.first.0),
                task: (tasks.len() == 1).then(|| *tasks.first().expect("one task")),
            },
            format!("{} 是合并单元格（{what}）", g.a1()),
        );
        for (_, i) in cols.iter().filter(|(c, _)| c.spec().input) {
            for r in task_of_row.range(g.first.0..=g.last.0).map(|(r, _)| *r) {
                if (r, *i) != g.first {
                    covered.insert((r, *i));
                }
            }
        }
    }
    covered
}

/// 序号 as typed: 3, "3", "3.", "（3）".
pub(super) fn task_number(v: &Value) -> Option<u32> {
    match v {
        Value::Number(f) if f.fract() == 0.0 && *f >= 1.0 && *f < 1e6 => Some(*f as u32),
        Value::Text(s) => {
            let t: String = fold(s)
                .trim_matches(|c: char| !c.is_ascii_digit())
                .to_string();
            t.parse().ok().filter(|n| *n > 0)
        }
        _ => None,
    }
}

/// Text compared without spaces, punctuation or a trailing （牵头领导：…） note.
pub(super) fn fold_text(s: &str) -> String {
    let f = fold(s);
    let f = match f.find("(牵头领导").or_else(|| f.find("(责任领导")) {
        Some(p) => &f[..p],
        None => &f,
    };
    f.chars().filter(|c| c.is_alphanumeric()).collect()
}

/// The task a row's text names: one whose text is close to it (≥ 85 % alike, or a long
/// beginning of it), among the unit's tasks when the unit is known.
fn match_by_text(catalog: &Catalog, id: &Identity, text: &str) -> Option<u32> {
    let t = fold_text(text);
    if t.chars().count() < 8 {
        return None;
    }
    let candidates: Vec<u32> = match &id.unit {
        Some(u) => catalog.tasks_of_unit(u).iter().map(|(n, _)| *n).collect(),
        None => catalog.tasks().iter().map(|t| t.number).collect(),
    };
    let mut best: Option<(f64, u32)> = None;
    for n in candidates {
        let ct = fold_text(&catalog.task(n)?.text);
        let sim = if ct == t {
            1.0
        } else if ct.starts_with(&t) && t.chars().count() >= 15 {
            0.95
        } else {
            let len = t.chars().count().max(ct.chars().count()) as f64;
            1.0 - distance(&t, &ct) as f64 / len
        };
        if sim >= 0.85 && best.is_none_or(|(s, _)| sim > s) {
            best = Some((sim, n));
        }
    }
    best.map(|(_, n)| n)
}
