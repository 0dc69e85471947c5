//! The task table: first each row is located and bound to a catalog task ([`locate`]),
//! then every bound row goes through the row rules ([`RULES`]), then the tasks the unit
//! left out are listed. The contact lines below the table and the 量化指标 sheet have
//! modules of their own ([`super::contacts`], [`super::indicators`]).

use std::collections::BTreeSet;

use super::header::{find_indicator_header, find_task_header, Header};
use super::identity::Identity;
use super::values::{fmt, parse_percent, parse_status, PercentError};
use super::{contacts, indicators, At, CheckOptions, Code, Issues, HEADER_SCAN_ROWS};
use crate::catalog::names::{distance, fold};
use crate::catalog::{Catalog, Role, Task};
use crate::columns::TaskCol;
use crate::ledger::history::PreviousRow;
use crate::read::{Cell, Format, Limits, Sheet, Value, Workbook};
use crate::report::{ReturnData, TaskRow};
use crate::status::Status;

/// The columns a return cannot do without: without them nothing can be judged.
const REQUIRED: [TaskCol; 2] = [TaskCol::Percent, TaskCol::Progress];

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
    let sheet = &book.sheets[h.sheet];
    report_cut_cells(sheet, limits, issues);
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
    let located = locate(sheet, &h, catalog, id, &opts.closed, issues);
    let fraction_guess = book.format != Format::Xlsx;
    for bound in &located.rows {
        let previous = match (&opts.previous, &id.unit) {
            (Some(p), Some(u)) => p.get(&(u.clone(), bound.task.number)),
            _ => None,
        };
        let row = Row {
            sheet,
            header: &h,
            r: bound.r,
            task: bound.task,
            role: bound.role,
            fraction_guess,
            previous,
        };
        let mut values = Values::default();
        for rule in RULES {
            rule(&row, &mut values, issues);
        }
        data.rows.push(row.task_row(&values));
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
    contacts::check(sheet, &data.contact, issues);
    if let Some(ih) = find_indicator_header(book, Some(h.sheet)) {
        let isheet = &book.sheets[ih.sheet];
        report_cut_cells(isheet, limits, issues);
        data.indicators = indicators::check(isheet, &ih, catalog, id, issues);
    }
    data
}

/// A row bound to a catalog task.
struct Bound<'c> {
    r: u32,
    task: &'c Task,
    role: Option<Role>,
}

/// The table's rows, bound to tasks; the tasks seen; where the contact lines start.
struct Located<'c> {
    rows: Vec<Bound<'c>>,
    seen: BTreeSet<u32>,
    contact_rows: Option<u32>,
}

/// Walks the rows under the header: skips blank and instruction rows, stops at the
/// contact lines, and binds each row to a task by 序号 (or by its text), reporting rows
/// that name no task, an unknown one, another unit's, or one already seen.
fn locate<'c>(
    sheet: &Sheet,
    h: &Header<TaskCol>,
    catalog: &'c Catalog,
    id: &Identity,
    closed: &BTreeSet<u32>,
    issues: &mut Issues,
) -> Located<'c> {
    let mut out = Located {
        rows: Vec::new(),
        seen: BTreeSet::new(),
        contact_rows: None,
    };
    for r in sheet.rows().into_iter().filter(|r| *r > h.row) {
        if contacts::is_contact_row(sheet, r) {
            out.contact_rows = Some(r);
            break;
        }
        let cell = |c: TaskCol| h.col(c).and_then(|i| sheet.cell(r, i));
        let has_input = TaskCol::inputs().any(|c| cell(c).is_some_and(|x| !x.value.is_empty()));
        let at_row = At {
            sheet: Some(&sheet.name),
            pos: Some((r, h.col(TaskCol::Number).unwrap_or(0))),
            ..At::default()
        };
        let task_no = match cell(TaskCol::Number).and_then(|c| task_number(&c.value)) {
            Some(n) => n,
            None if !has_input => continue, // blank, instruction or spacer row
            None => {
                let text = cell(TaskCol::Text)
                    .map(|c| c.value.text())
                    .unwrap_or_default();
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
                        n
                    }
                    None => {
                        issues.add(
                            Code::TaskNumberMissing,
                            at_row,
                            format!(
                                "第 {} 行填了内容，但没有序号，任务内容也对不上任何任务",
                                r + 1
                            ),
                        );
                        continue;
                    }
                }
            }
        };
        let at = At {
            row: Some(r),
            task: Some(task_no),
            ..at_row
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
        // A task 办结 is not asked for: whatever its row says is not read.
        if closed.contains(&task_no) {
            continue;
        }
        out.rows.push(Bound { r, task, role });
    }
    out
}

/// One bound row as the rules see it.
struct Row<'a> {
    sheet: &'a Sheet,
    header: &'a Header<TaskCol>,
    r: u32,
    task: &'a Task,
    role: Option<Role>,
    /// The format cannot tell a percent-formatted cell (xls, ods): 0 < x < 1 is a fraction.
    fraction_guess: bool,
    /// The unit's row of this task last round, where the ledger has it.
    previous: Option<&'a PreviousRow>,
}

impl Row<'_> {
    fn cell(&self, c: TaskCol) -> Option<&Cell> {
        self.header.col(c).and_then(|i| self.sheet.cell(self.r, i))
    }

    fn has_col(&self, c: TaskCol) -> bool {
        self.header.col(c).is_some()
    }

    /// The place of the row's cell in column `c` (the row itself when the column is gone).
    fn at(&self, c: TaskCol) -> At<'_> {
        At {
            sheet: Some(&self.sheet.name),
            pos: Some((self.r, self.header.col(c).unwrap_or(0))),
            row: Some(self.r),
            task: Some(self.task.number),
        }
    }

    fn text(&self, c: TaskCol, values: &Values) -> String {
        if values.errored.contains(&c) {
            return String::new();
        }
        self.cell(c).map(|x| x.value.text()).unwrap_or_default()
    }

    fn task_row(&self, v: &Values) -> TaskRow {
        TaskRow {
            task: self.task.number,
            role: self.role,
            status: v.status,
            percent: v.percent,
            progress: self.text(TaskCol::Progress, v),
            problems: self.text(TaskCol::Problems, v),
            next_steps: self.text(TaskCol::NextSteps, v),
            remarks: self.text(TaskCol::Remarks, v),
            sheet: self.sheet.name.clone(),
            row: self.r + 1,
            percent_col: self.header.col(TaskCol::Percent).map(|c| c + 1),
        }
    }
}

/// What the rules have read of a row so far.
#[derive(Default)]
struct Values {
    /// Input columns holding an error value (#REF! …): read as empty, reported once.
    errored: BTreeSet<TaskCol>,
    status: Option<Status>,
    percent: Option<f64>,
}

/// A rule over one row: it reads what it needs, adds what it finds, and may record a
/// value for the rules after it.
type Rule = fn(&Row<'_>, &mut Values, &mut Issues);

/// The row rules, in order: error values first (the later rules read those cells as
/// empty), then the values, then what the values must agree on.
const RULES: &[Rule] = &[
    text_unchanged,
    no_error_values,
    status_read,
    percent_read,
    done_is_100,
    not_started_is_0,
    hosted_has_progress,
    lagging_has_problems,
    progress_not_the_task,
    progress_not_copied,
    percent_not_down,
    done_stays_done,
];

/// Warns when the canonical 任务内容 was edited, showing what changed.
fn text_unchanged(row: &Row<'_>, _: &mut Values, issues: &mut Issues) {
    if !row.has_col(TaskCol::Text) {
        return;
    }
    let cell = row
        .cell(TaskCol::Text)
        .map(|c| c.value.text())
        .unwrap_or_default();
    let canonical = &row.task.text;
    if cell == *canonical || fold_text(&cell) == fold_text(canonical) {
        return;
    }
    let what = if cell.trim().is_empty() {
        "被清空".to_string()
    } else {
        let (a, b) = diff(canonical, &cell);
        format!("原文“{a}”被改为“{b}”")
    };
    issues.add(
        Code::TextAltered,
        row.at(TaskCol::Text),
        format!("任务内容与任务清单不一致：{what}"),
    );
}

fn no_error_values(row: &Row<'_>, v: &mut Values, issues: &mut Issues) {
    for c in TaskCol::inputs() {
        if let Some(Value::Error(e)) = row.cell(c).map(|x| &x.value) {
            v.errored.insert(c);
            issues.add(
                Code::CellError,
                row.at(c),
                format!("“{}”是错误值 {e}", c.title()),
            );
        }
    }
}

fn status_read(row: &Row<'_>, v: &mut Values, issues: &mut Issues) {
    if v.errored.contains(&TaskCol::Status) {
        return;
    }
    let text = row.text(TaskCol::Status, v);
    let at = row.at(TaskCol::Status);
    if text.is_empty() {
        issues.add(Code::StatusMissing, at, "“推进状态”未填写");
        return;
    }
    v.status = match parse_status(&text) {
        Some((s, true)) => Some(s),
        Some((s, false)) => {
            issues.add(
                Code::StatusNormalised,
                at,
                format!("推进状态“{text}”按“{}”读取", s.label()),
            );
            Some(s)
        }
        None => {
            issues.add(
                Code::StatusInvalid,
                at,
                format!("推进状态“{text}”不是规定的四种之一"),
            );
            None
        }
    };
}

fn percent_read(row: &Row<'_>, v: &mut Values, issues: &mut Issues) {
    if v.errored.contains(&TaskCol::Percent) || !row.has_col(TaskCol::Percent) {
        return;
    }
    let at = row.at(TaskCol::Percent);
    v.percent = match parse_percent(row.cell(TaskCol::Percent), row.fraction_guess) {
        Err(PercentError::Missing) => {
            issues.add(Code::PercentMissing, at, "“完成进度(%)”未填写");
            None
        }
        Err(PercentError::NotNumber(s)) => {
            issues.add(Code::PercentInvalid, at, format!("完成进度“{s}”不是数字"));
            None
        }
        Ok((p, _)) if !(0.0..=100.0).contains(&p) => {
            issues.add(
                Code::PercentRange,
                at,
                format!("完成进度 {} 超出 0-100 的范围", fmt(p)),
            );
            None
        }
        Ok((p, Some(how))) => {
            issues.add(
                Code::PercentNormalised,
                at,
                format!("完成进度“{how}”按 {} 读取", fmt(p)),
            );
            Some(p)
        }
        Ok((p, None)) => Some(p),
    };
}

fn done_is_100(row: &Row<'_>, v: &mut Values, issues: &mut Issues) {
    if let (Some(Status::Done), Some(p)) = (v.status, v.percent) {
        if p < 100.0 {
            issues.add(
                Code::DoneNot100,
                row.at(TaskCol::Percent),
                format!("推进状态为“已完成”，但完成进度是 {}", fmt(p)),
            );
        }
    }
}

fn not_started_is_0(row: &Row<'_>, v: &mut Values, issues: &mut Issues) {
    if let (Some(Status::NotStarted), Some(p)) = (v.status, v.percent) {
        if p > 0.0 {
            issues.add(
                Code::NotStartedNot0,
                row.at(TaskCol::Percent),
                format!("推进状态为“未启动”，但完成进度是 {}", fmt(p)),
            );
        }
    }
}

fn hosted_has_progress(row: &Row<'_>, v: &mut Values, issues: &mut Issues) {
    let c = TaskCol::Progress;
    if row.role == Some(Role::CoUnit) || v.errored.contains(&c) || !row.has_col(c) {
        return;
    }
    if row.text(c, v).is_empty() {
        issues.add(
            Code::ProgressMissing,
            row.at(c),
            format!("任务 {} 由本单位主办，“工作进展”未填写", row.task.number),
        );
    }
}

fn lagging_has_problems(row: &Row<'_>, v: &mut Values, issues: &mut Issues) {
    let c = TaskCol::Problems;
    if v.status == Some(Status::Lagging) && !v.errored.contains(&c) && row.text(c, v).is_empty() {
        issues.add(
            Code::ProblemsMissing,
            row.at(c),
            "推进状态为“滞后”，但“存在问题”未填写",
        );
    }
}

/// Text as compared for copying: no spaces, no punctuation, full-width folded.
fn bare(s: &str) -> String {
    fold(s).chars().filter(|c| c.is_alphanumeric()).collect()
}

/// How alike two texts are, 0 to 1: Sørensen-Dice over character pairs (linear, so a
/// city's rows cost little).
fn alike(a: &str, b: &str) -> f64 {
    strsim::sorensen_dice(a, b)
}

/// 工作进展 that only restates the task (its text, or the task's text cut short).
fn progress_not_the_task(row: &Row<'_>, v: &mut Values, issues: &mut Issues) {
    let progress = bare(&row.text(TaskCol::Progress, v));
    if progress.chars().count() < 8 {
        return;
    }
    let task = bare(&row.task.text);
    if task.contains(&progress) || alike(&progress, &task) >= 0.9 {
        issues.add(
            Code::ProgressRestatesTask,
            row.at(TaskCol::Progress),
            format!("任务 {} 的“工作进展”只是重复了任务内容", row.task.number),
        );
    }
}

/// 照抄上期: the same 工作进展 as last round's, word for word or nearly.
fn progress_not_copied(row: &Row<'_>, v: &mut Values, issues: &mut Issues) {
    let Some(prev) = row.previous else { return };
    let (now, then) = (bare(&row.text(TaskCol::Progress, v)), bare(&prev.progress));
    if now.chars().count() < 8 || then.is_empty() {
        return;
    }
    if now == then || alike(&now, &then) >= 0.92 {
        let how = if now == then {
            "与上期完全相同"
        } else {
            "与上期几乎相同"
        };
        issues.add(
            Code::ProgressCopied,
            row.at(TaskCol::Progress),
            format!("任务 {} 的“工作进展”{how}（照抄上期）", row.task.number),
        );
    }
}

/// A percent lower than last round's.
fn percent_not_down(row: &Row<'_>, v: &mut Values, issues: &mut Issues) {
    if let (Some(now), Some(then)) = (v.percent, row.previous.and_then(|p| p.percent)) {
        if now + 1e-9 < then {
            issues.add(
                Code::PercentDown,
                row.at(TaskCol::Percent),
                format!("完成进度 {} 低于上期的 {}", fmt(now), fmt(then)),
            );
        }
    }
}

/// 已完成 last round and not now.
fn done_stays_done(row: &Row<'_>, v: &mut Values, issues: &mut Issues) {
    let was_done = row.previous.and_then(|p| p.status) == Some(Status::Done);
    if was_done && v.status.is_some_and(|s| s != Status::Done) {
        issues.add(
            Code::DoneUndone,
            row.at(TaskCol::Status),
            format!(
                "上期已报“已完成”，本期报“{}”",
                v.status.map(|s| s.label()).unwrap_or_default()
            ),
        );
    }
}

/// The unit's tasks that no row names (co-unit tasks too, unless the template asked only
/// for hosted ones; not the tasks 办结). The catalog decides, not the identity: a clerk who deletes a row may
/// have unhidden and edited the identity sheet too.
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

pub(super) fn report_cut_cells(sheet: &Sheet, limits: &Limits, issues: &mut Issues) {
    for ((r, c), cell) in &sheet.cells {
        if let Some(n) = cell.cut_from {
            issues.add(
                Code::CellTooLong,
                At {
                    sheet: Some(&sheet.name),
                    pos: Some((*r, *c)),
                    ..At::default()
                },
                format!("单元格内容过长（{n} 字，上限 {} 字）", limits.cell_chars),
            );
        }
    }
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
fn fold_text(s: &str) -> String {
    let f = fold(s);
    let f = match f.find("(牵头领导").or_else(|| f.find("(责任领导")) {
        Some(p) => &f[..p],
        None => &f,
    };
    f.chars().filter(|c| c.is_alphanumeric()).collect()
}

/// A row without 序号 is matched when its text is close to one task's (≥ 85 % alike, or a
/// long beginning of it).
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
        let sim = if ct.starts_with(&t) && t.chars().count() >= 15 {
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

/// The differing middle of two texts, with a little context, each cut to 30 chars.
fn diff(a: &str, b: &str) -> (String, String) {
    let a: Vec<char> = a.trim().chars().collect();
    let b: Vec<char> = b.trim().chars().collect();
    let pre = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suf = a[pre..]
        .iter()
        .rev()
        .zip(b[pre..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let show = |s: &[char]| {
        let start = pre.saturating_sub(4);
        let end = (s.len() - suf + 4).min(s.len());
        let mut out: String = s[start..end].iter().take(30).collect();
        if start > 0 {
            out.insert(0, '…');
        }
        if end < s.len() || end - start > 30 {
            out.push('…');
        }
        out
    };
    (show(&a), show(&b))
}
