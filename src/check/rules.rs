//! The row rules: what each bound row of the task table must satisfy, in the order they
//! run ([`RULES`]); each rule reads the row and what earlier rules found, and adds issues.

use std::collections::BTreeSet;

use super::locate::{fold_text, Table};
use super::values::{fmt, parse_percent, parse_status, PercentError};
use super::{At, Issues};
use crate::catalog::names::bare;
use crate::catalog::{Role, Task};
use crate::columns::TaskCol;
use crate::domain::codes::Code;
use crate::domain::history::PreviousRow;
use crate::domain::report::TaskRow;
use crate::domain::status::Status;
use crate::read::{Cell, Value, EXCEL_CELL_CHARS};

/// One bound row as the rules see it: the task's row and its continuation rows.
pub(super) struct Row<'a> {
    pub(super) table: &'a Table<'a>,
    pub(super) rows: &'a [u32],
    pub(super) task: &'a Task,
    pub(super) role: Option<Role>,
    /// The format cannot tell a percent-formatted cell (xls, ods): 0 < x < 1 is a fraction.
    pub(super) fraction_guess: bool,
    /// The unit's row of this task last round, where the ledger has it.
    pub(super) previous: Option<&'a PreviousRow>,
    /// The task's text as [`bare`] makes it (the catalog's, made once).
    pub(super) task_bare: &'a str,
}

impl Row<'_> {
    /// The task's own row.
    fn r(&self) -> u32 {
        self.rows[0]
    }

    /// The row's cell in column `c`: the task row's, or the first filled one of its
    /// continuation rows when the task row's is empty.
    fn cell(&self, c: TaskCol) -> Option<&Cell> {
        let mut first = None;
        for r in self.rows {
            match self.table.cell(*r, c) {
                Some(x) if !x.value.is_empty() => return Some(x),
                Some(x) if first.is_none() => first = Some(x),
                _ => {}
            }
        }
        first
    }

    fn has_col(&self, c: TaskCol) -> bool {
        self.table.header.col(c).is_some()
    }

    /// The place of the row's cell in column `c`: where its value is, else the task row
    /// (the row itself when the column is gone).
    fn at(&self, c: TaskCol) -> At<'_> {
        let r = self
            .rows
            .iter()
            .copied()
            .find(|r| self.table.cell(*r, c).is_some_and(|x| !x.value.is_empty()))
            .unwrap_or(self.r());
        self.at_row(r, c)
    }

    fn at_row(&self, r: u32, c: TaskCol) -> At<'_> {
        At {
            sheet: Some(&self.table.sheet.name),
            pos: Some((r, self.table.header.col(c).unwrap_or(0))),
            row: Some(self.r()),
            task: Some(self.task.number),
        }
    }

    /// The text of column `c`, continuation rows' joined to the task row's by a line
    /// break; empty where an error value or a merged region stands in the cell.
    fn text(&self, c: TaskCol, values: &Values) -> String {
        if values.errored.contains(&c) {
            return String::new();
        }
        if let [r] = self.rows {
            return self.table.text(*r, c);
        }
        let parts: Vec<String> = self
            .rows
            .iter()
            .filter_map(|r| self.table.cell(*r, c))
            .map(|x| x.value.text())
            .filter(|t| !t.is_empty())
            .collect();
        let joined = parts.join("\n");
        // Joined, two cells may pass what one cell can hold; the outputs must stay writable.
        match joined.char_indices().nth(EXCEL_CELL_CHARS) {
            Some((cut, _)) => joined[..cut].to_string(),
            None => joined,
        }
    }

    pub(super) fn task_row(&self, v: &Values) -> TaskRow {
        TaskRow {
            task: self.task.number,
            role: self.role,
            status: v.status,
            percent: v.percent,
            progress: self.text(TaskCol::Progress, v),
            problems: self.text(TaskCol::Problems, v),
            next_steps: self.text(TaskCol::NextSteps, v),
            remarks: self.text(TaskCol::Remarks, v),
            sheet: self.table.sheet.name.clone(),
            row: self.r() + 1,
            percent_col: self.table.header.col(TaskCol::Percent).map(|c| c + 1),
        }
    }
}

/// What the rules have read of a row so far.
#[derive(Default)]
pub(super) struct Values {
    /// Input columns holding an error value (#REF! …), a formula without a result or a
    /// merged region named as an error: read as empty, reported once.
    pub(super) errored: BTreeSet<TaskCol>,
    pub(super) status: Option<Status>,
    pub(super) percent: Option<f64>,
    /// Whether to look for formulas without a result (see [`needs_second_look`]).
    pub(super) formulas: bool,
    /// 工作进展 as [`bare`] makes it, once a rule has asked.
    pub(super) progress_bare: Option<String>,
}

/// A rule over one row: it reads what it needs, adds what it finds, and may record a
/// value for the rules after it.
type Rule = fn(&Row<'_>, &mut Values, &mut Issues);

/// The row rules, in order: what stands in place of a value first (error values, formulas
/// without a result: the later rules read those cells as empty), then the values, then
/// what the values must agree on.
pub(super) const RULES: &[Rule] = &[
    text_unchanged,
    no_error_values,
    no_uncached_formulas,
    status_read,
    percent_read,
    done_is_100,
    lagging_below_100,
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
        .table
        .cell(row.r(), TaskCol::Text)
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
        row.at_row(row.r(), TaskCol::Text),
        format!("任务内容与任务清单不一致：{what}"),
    );
}

fn no_error_values(row: &Row<'_>, v: &mut Values, issues: &mut Issues) {
    for c in TaskCol::inputs() {
        if v.errored.contains(&c) {
            continue;
        }
        for r in row.rows {
            if let Some(Value::Error(e)) = row.table.cell(*r, c).map(|x| &x.value) {
                v.errored.insert(c);
                issues.add(
                    Code::CellError,
                    row.at_row(*r, c),
                    format!("“{}”是错误值 {e}", c.title()),
                );
                break;
            }
        }
    }
}

/// A formula never calculated reads as a blank; it is named as what it is, not as a
/// missing value.
fn no_uncached_formulas(row: &Row<'_>, v: &mut Values, issues: &mut Issues) {
    if !v.formulas {
        return;
    }
    for c in TaskCol::inputs() {
        let Some(i) = row.table.header.col(c).filter(|_| !v.errored.contains(&c)) else {
            continue;
        };
        if let Some(r) = row.rows.iter().find(|r| row.table.uncached_formula(**r, i)) {
            v.errored.insert(c);
            issues.add(
                Code::FormulaNoValue,
                row.at_row(*r, c),
                format!("“{}”的公式没有计算结果", c.title()),
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

/// A task 滞后 at 100 % says two things (the bulletin printed "滞后，完成100%"): warned,
/// so the office asks which is true.
fn lagging_below_100(row: &Row<'_>, v: &mut Values, issues: &mut Issues) {
    if let (Some(Status::Lagging), Some(p)) = (v.status, v.percent) {
        if p >= 100.0 {
            issues.add(
                Code::LaggingAt100,
                row.at(TaskCol::Percent),
                format!("推进状态为“滞后”，但完成进度是 {}", fmt(p)),
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

/// A row's 工作进展 as [`bare`] makes it, made once for the rules that compare it.
fn progress_bare<'v>(row: &Row<'_>, v: &'v mut Values) -> &'v str {
    if v.progress_bare.is_none() {
        v.progress_bare = Some(bare(&row.text(TaskCol::Progress, v)));
    }
    v.progress_bare.as_deref().unwrap_or_default()
}

/// Whether two bare texts are at least `threshold` alike: Sørensen-Dice over character
/// pairs, as strsim computes it, but over sorted pairs instead of a hash map, and not at
/// all where the lengths alone rule it out (every row of every return comes here).
fn alike(a: &str, b: &str, threshold: f64) -> bool {
    let (m, n) = (a.chars().count(), b.chars().count());
    if m < 2 || n < 2 {
        return a == b;
    }
    let (x, y) = (m - 1, n - 1);
    if 2.0 * x.min(y) as f64 / (x + y) as f64 + 1e-9 < threshold {
        return false;
    }
    let pairs = |s: &str| {
        let cs: Vec<char> = s.chars().collect();
        let mut v: Vec<u64> = cs
            .windows(2)
            .map(|w| (u64::from(w[0]) << 32) | u64::from(w[1]))
            .collect();
        v.sort_unstable();
        v
    };
    let (p, q) = (pairs(a), pairs(b));
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < p.len() && j < q.len() {
        match p[i].cmp(&q[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    2.0 * common as f64 / (x + y) as f64 + 1e-9 >= threshold
}

/// 工作进展 that only restates the task (its text, or the task's text cut short).
fn progress_not_the_task(row: &Row<'_>, v: &mut Values, issues: &mut Issues) {
    let task = row.task_bare;
    let progress = progress_bare(row, v);
    if progress.chars().count() < 8 {
        return;
    }
    if task.contains(progress) || alike(progress, task, 0.9) {
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
    let then = bare(&prev.progress);
    let now = progress_bare(row, v);
    if now.chars().count() < 8 || then.is_empty() {
        return;
    }
    if now == then || alike(now, &then, 0.92) {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Sørensen-Dice the plain way: a multiset of character pairs, sizes in characters.
    fn dice(a: &str, b: &str) -> f64 {
        let pairs = |s: &str| {
            let cs: Vec<char> = s.chars().collect();
            cs.windows(2).map(|w| (w[0], w[1])).collect::<Vec<_>>()
        };
        let (p, q) = (pairs(a), pairs(b));
        if p.is_empty() || q.is_empty() {
            return if a == b { 1.0 } else { 0.0 };
        }
        let mut left: std::collections::HashMap<(char, char), usize> = Default::default();
        for x in &p {
            *left.entry(*x).or_default() += 1;
        }
        let common = q
            .iter()
            .filter(|y| match left.get_mut(y) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    true
                }
                _ => false,
            })
            .count();
        2.0 * common as f64 / (p.len() + q.len()) as f64
    }

    /// Our pairs-by-sorting Dice, with its length bound, decides as the plain one does.
    #[test]
    fn alike_decides_as_plain_dice_does() {
        let texts = [
            "召开专题会议部署高新技术企业培育工作完成摸底调查",
            "召开专题会议部署高新技术企业培育工作完成摸底调查工作",
            "已制定实施方案召开推进会2次完成一季度阶段目标",
            "已制定实施方案召开推进会3次完成二季度阶段目标",
            "二季度参加牵头单位调度会2次",
            "啊啊啊啊啊啊啊啊",
            "啊啊啊啊啊啊啊",
            "ab",
            "a",
        ];
        for a in texts {
            for b in texts {
                let d = dice(a, b);
                for threshold in [0.5, 0.8, 0.9, 0.92] {
                    assert_eq!(
                        alike(a, b, threshold),
                        d + 1e-9 >= threshold,
                        "{a} / {b} at {threshold}: {d}"
                    );
                }
            }
        }
    }

    /// Two words added to a long Chinese text leave it "nearly the same". strsim 0.11
    /// divides by the texts' lengths in bytes, which for Chinese makes it a third of
    /// this: what it called 0.31 is 0.96.
    #[test]
    fn a_chinese_text_with_two_words_added_is_nearly_the_same() {
        let a = "召开专题会议部署高新技术企业培育工作完成摸底调查";
        let b = "召开专题会议部署高新技术企业培育工作完成摸底调查工作";
        assert!(alike(a, b, 0.92));
        assert!(strsim::sorensen_dice(a, b) < 0.5, "strsim's byte lengths");
    }
}
