//! Finding the data in a return by its header, not by position.
//!
//! Clerks insert, move and rename columns, merge title cells, put instructions above the
//! header or split it over two rows. So every sheet's first rows are scanned for the row
//! that names the most known columns (under their titles or the synonyms of
//! [`crate::columns`]), and each column is located by what its title says. A title naming
//! an earlier round (上期推进状态, the template's reference columns, or a clerk's 上月进展)
//! is taken for its column only when the row has no other title for it: beside this
//! round's column it is never read, wherever it stands.

use crate::catalog::names::fold;
use crate::columns::{
    Column, IndicatorCol, TaskCol, INDICATOR_COLUMNS, LAST_ROUND_WORDS, TASK_COLUMNS,
};
use crate::layout::{SHEET_IDENTITY, SHEET_INDICATORS, SHEET_TASKS};
use crate::read::{Sheet, Value, Workbook};

/// How many rows from the top a header may start: hand-made tables put a page of
/// instructions above it (headers on row 20 and 29 have been seen).
pub const HEADER_SCAN_ROWS: u32 = 60;

/// Folds a header title: width, spaces and line breaks, quotes, `(%)`, `%`, `*` and
/// parenthesised hints like （单位：%） all go.
pub fn fold_title(s: &str) -> String {
    let f = fold(s);
    let mut out = String::new();
    let mut depth = 0;
    for c in f.chars() {
        match c {
            '(' | '[' | '【' | '〔' => depth += 1,
            ')' | ']' | '】' | '〕' => depth = (depth - 1).max(0),
            '%' | '*' | ':' | '：' | '、' => {}
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// Characters outside brackets, not counting white space: a bound on a title's folded
/// length that costs no Unicode normalisation (task text fills the rows scanned for the
/// header and is far longer than any title). Counting stops past `cap`.
fn visible_len(s: &str, cap: usize) -> usize {
    let mut depth = 0usize;
    let mut n = 0;
    for c in s.chars() {
        match c {
            '(' | '[' | '【' | '〔' | '（' | '［' => depth += 1,
            ')' | ']' | '】' | '〕' | '）' | '］' => depth = depth.saturating_sub(1),
            c if depth == 0 && !c.is_whitespace() => {
                n += 1;
                if n > cap {
                    return n;
                }
            }
            _ => {}
        }
    }
    n
}

/// How well a title names a column, weakest first: through a word naming an earlier round
/// (上期推进状态), by containing a known title (本季度工作进展), or exactly.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Fit {
    Earlier,
    Contains,
    Exact,
}

fn classify<C: Copy>(title: &str, table: &[Column<C>]) -> Option<(C, Fit)> {
    if visible_len(title, 40) > 40 {
        return None;
    }
    let t = fold_title(title);
    if t.is_empty() || t.chars().count() > 12 {
        return None;
    }
    // What was reported before: shown for reference, read only when nothing else is.
    if let Some(rest) = LAST_ROUND_WORDS.iter().find_map(|w| t.strip_prefix(w)) {
        return known(rest, table).map(|(c, _)| (c, Fit::Earlier));
    }
    known(&t, table)
}

fn known<C: Copy>(t: &str, table: &[Column<C>]) -> Option<(C, Fit)> {
    for c in table {
        if c.names().any(|n| n == t) {
            return Some((c.id, Fit::Exact));
        }
    }
    // A renamed title that still contains a known one (本季度工作进展 → 工作进展): the longest wins.
    table
        .iter()
        .flat_map(|c| c.names().map(move |n| (c.id, n)))
        .filter(|(_, n)| n.len() <= t.len() && t.contains(n) && n.chars().count() >= 2)
        .max_by_key(|(_, n)| n.chars().count())
        .map(|(c, _)| (c, Fit::Contains))
}

/// A header found: sheet index, 0-based row, and each known column's index.
#[derive(Clone, Debug)]
pub struct Header<C> {
    pub sheet: usize,
    pub row: u32,
    pub cols: Vec<(C, u32)>,
}

impl<C: PartialEq + Copy> Header<C> {
    pub fn col(&self, c: C) -> Option<u32> {
        self.cols.iter().find(|(k, _)| *k == c).map(|(_, i)| *i)
    }
}

/// The title of a header cell; an empty cell under a title (a two-row or vertically merged
/// header) takes the title above it.
fn title_at(sheet: &Sheet, row: u32, col: u32) -> Option<&str> {
    let own = text_of(sheet.value(row, col));
    if !own.is_empty() {
        return Some(own);
    }
    (row > 0)
        .then(|| text_of(sheet.value(row - 1, col)))
        .filter(|t| !t.is_empty())
}

fn text_of(v: &Value) -> &str {
    match v {
        Value::Text(s) => s.trim(),
        _ => "",
    }
}

/// Titles already classified during one header search: the rows scanned repeat the same
/// short values (主办, 序时推进, leaders' names) row after row.
type Seen<'a, C> = Vec<(&'a str, Option<(C, Fit)>)>;

fn map_row<'a, C: Copy + PartialEq>(
    sheet: &'a Sheet,
    row: u32,
    table: &[Column<C>],
    seen: &mut Seen<'a, C>,
) -> Vec<(C, u32)> {
    let mut cols: Vec<u32> = sheet.row(row).map(|(c, _)| c).collect();
    if row > 0 {
        cols.extend(sheet.row(row - 1).map(|(c, _)| c));
        cols.sort_unstable();
        cols.dedup();
    }
    // Exact titles claim their column first, so 其他承办单位 is not taken for 承办单位's
    // synonym elsewhere, and 问题 does not steal 存在问题's place; a title naming an earlier
    // round yields to any other.
    let mut found: Vec<(C, u32, Fit)> = Vec::new();
    for c in cols {
        let class = title_at(sheet, row, c).and_then(|t| {
            if let Some((_, class)) = seen.iter().find(|(s, _)| *s == t) {
                return *class;
            }
            let class = classify(t, table);
            seen.push((t, class));
            class
        });
        if let Some((kind, fit)) = class {
            match found.iter().position(|(k, _, _)| *k == kind) {
                Some(i) if fit > found[i].2 => found[i] = (kind, c, fit),
                Some(_) => {}
                None => found.push((kind, c, fit)),
            }
        }
    }
    found.into_iter().map(|(k, c, _)| (k, c)).collect()
}

fn best_header<C: Copy + PartialEq>(
    book: &Workbook,
    table: &[Column<C>],
    required: &[C],
    preferred_sheet: &str,
    skip: impl Fn(&Sheet) -> bool,
) -> Option<Header<C>> {
    let mut best: Option<(usize, Header<C>)> = None;
    // A row naming every known column on the preferred sheet cannot be beaten: the search
    // stops there (the template's own header, in nearly every return). The preferred sheet
    // is searched first; that changes no outcome, because its scores (4k + 2) never tie
    // another sheet's (4k) and ties between other sheets keep their order.
    let unbeatable = table.iter().filter(|c| c.searched()).count() * 4 + 2;
    let preferred = book.sheets.iter().position(|s| s.name == preferred_sheet);
    let order = preferred
        .into_iter()
        .chain((0..book.sheets.len()).filter(|&i| Some(i) != preferred));
    for si in order {
        let sheet = &book.sheets[si];
        if skip(sheet) {
            continue;
        }
        if best.as_ref().is_some_and(|(s, _)| *s == unbeatable) {
            break;
        }
        let mut seen = Seen::new();
        for row in 0..HEADER_SCAN_ROWS {
            let cols = map_row(sheet, row, table, &mut seen);
            if cols.len() < 3 || !required.iter().all(|r| cols.iter().any(|(k, _)| k == r)) {
                continue;
            }
            // The sheet of the template's name wins a tie; then the row naming most columns.
            let score = cols.len() * 4 + usize::from(sheet.name == preferred_sheet) * 2;
            if best.as_ref().is_none_or(|(s, _)| score > *s) {
                best = Some((
                    score,
                    Header {
                        sheet: si,
                        row,
                        cols,
                    },
                ));
                if score == unbeatable {
                    break;
                }
            }
        }
    }
    best.map(|(_, h)| h)
}

/// The tasks header: a row naming at least the status column and 序号 or 任务内容.
pub fn find_task_header(book: &Workbook) -> Option<Header<TaskCol>> {
    let with_number = best_header(
        book,
        TASK_COLUMNS,
        &[TaskCol::Status, TaskCol::Number],
        SHEET_TASKS,
        skip_identity,
    );
    with_number.or_else(|| {
        best_header(
            book,
            TASK_COLUMNS,
            &[TaskCol::Status, TaskCol::Text],
            SHEET_TASKS,
            skip_identity,
        )
    })
}

/// The indicators header: a row naming 指标 and 完成值, on another sheet than the tasks.
pub fn find_indicator_header(
    book: &Workbook,
    tasks_sheet: Option<usize>,
) -> Option<Header<IndicatorCol>> {
    best_header(
        book,
        INDICATOR_COLUMNS,
        &[IndicatorCol::Name, IndicatorCol::Value],
        SHEET_INDICATORS,
        |s| skip_identity(s) || tasks_sheet.is_some_and(|t| book.sheets[t].name == s.name),
    )
}

fn skip_identity(s: &Sheet) -> bool {
    s.name == SHEET_IDENTITY
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_and_synonyms() {
        assert_eq!(
            classify("完成进度(%)", TASK_COLUMNS),
            Some((TaskCol::Percent, Fit::Exact))
        );
        assert_eq!(
            classify("完成进度（%）", TASK_COLUMNS),
            Some((TaskCol::Percent, Fit::Exact))
        );
        assert_eq!(
            classify("进度(%)", TASK_COLUMNS),
            Some((TaskCol::Percent, Fit::Exact))
        );
        assert_eq!(
            classify("完成 情况", TASK_COLUMNS),
            Some((TaskCol::Progress, Fit::Exact))
        );
        assert_eq!(
            classify("下一步工作", TASK_COLUMNS),
            Some((TaskCol::NextSteps, Fit::Exact))
        );
        assert_eq!(
            classify("本季度工作进展", TASK_COLUMNS),
            Some((TaskCol::Progress, Fit::Contains))
        );
        assert_eq!(
            classify("其他承办单位", TASK_COLUMNS),
            Some((TaskCol::Others, Fit::Exact))
        );
        assert_eq!(
            classify("2020年政府工作报告任务落实进展情况", TASK_COLUMNS),
            None
        );
    }

    #[test]
    fn last_round_titles_are_the_weakest_fit() {
        for (t, col) in [
            ("上期推进状态", TaskCol::Status),
            ("上期完成进度(%)", TaskCol::Percent),
            ("上期工作进展\n（2020年第一季度）", TaskCol::Progress),
            ("上月工作进展", TaskCol::Progress),
            ("上季度完成情况", TaskCol::Progress),
            ("上一期进度", TaskCol::Percent),
        ] {
            assert_eq!(classify(t, TASK_COLUMNS), Some((col, Fit::Earlier)), "{t}");
        }
        assert_eq!(classify("完成时限", TASK_COLUMNS), None);
    }

    /// A header row of `titles`, in columns 0, 1, …
    fn row_of(titles: &[&str]) -> Sheet {
        let mut sheet = Sheet::default();
        for (c, t) in titles.iter().enumerate() {
            sheet.cells.insert(
                (0, c as u32),
                crate::read::Cell {
                    value: Value::Text(t.to_string()),
                    percent: false,
                    cut_from: None,
                },
            );
        }
        sheet
    }

    #[test]
    fn a_last_round_column_is_read_only_when_the_row_has_no_other() {
        let cols = |titles: &[&str]| map_row(&row_of(titles), 0, TASK_COLUMNS, &mut Seen::new());
        // The template's reference columns before this round's: this round's are read.
        let found = cols(&[
            "序号",
            "上期推进状态",
            "上期工作进展",
            "推进状态",
            "工作进展",
        ]);
        assert!(found.contains(&(TaskCol::Status, 3)), "{found:?}");
        assert!(found.contains(&(TaskCol::Progress, 4)), "{found:?}");
        // A unit's own table whose only progress column says 上月: it is that column.
        let found = cols(&["序号", "推进状态", "上月工作进展"]);
        assert!(found.contains(&(TaskCol::Progress, 2)), "{found:?}");
    }
}
