//! The columns of the template's tables, in one table each: title, the synonyms clerks
//! write instead, width, whether the unit fills it, alignment.
//!
//! The template writes its header and widths from [`TASK_COLUMNS`] (with the columns of
//! [`TASK_EXTRA_COLUMNS`] some templates add, laid out by [`task_layout`]) and
//! [`INDICATOR_COLUMNS`]; the check finds a return's columns by the same titles and
//! synonyms and names them in its messages; the merge's detail sheet and CSV take their
//! titles from here ([`DETAIL_COLUMNS`]). The merge's task tables (总表, the leader summaries)
//! have theirs in [`summary`].

pub mod summary;

/// A column of 任务进展.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TaskCol {
    Number,
    Section,
    Text,
    Leaders,
    Role,
    Others,
    Status,
    Percent,
    Progress,
    Problems,
    NextSteps,
    Remarks,
    /// 完成时限, where the catalog gives the unit's tasks one ([`TASK_EXTRA_COLUMNS`]).
    Deadline,
    /// Last round's 推进状态, 完成进度 and 工作进展 of the unit, from the second round on
    /// ([`TASK_EXTRA_COLUMNS`]).
    LastStatus,
    LastPercent,
    LastProgress,
}

/// A column of 量化指标.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IndicatorCol {
    Number,
    Name,
    Target,
    Measure,
    Comparator,
    Value,
    Note,
}

/// One column: what the template writes and what the header search looks for.
#[derive(Clone, Copy, Debug)]
pub struct Column<C: 'static> {
    pub id: C,
    /// The title the template writes.
    pub title: &'static str,
    /// The title folded as the header search folds what it reads (no `(%)`, no spaces);
    /// empty for a column the check does not look for.
    pub key: &'static str,
    /// Other titles clerks give the column, folded likewise.
    pub synonyms: &'static [&'static str],
    /// Width in the template, in column-width units (a CJK character is about two).
    pub width: f64,
    /// Filled by the unit (unlocked), or canonical (locked, from the catalog).
    pub input: bool,
    /// Centred (numbers, short words) rather than wrapped text.
    pub centred: bool,
}

impl<C> Column<C> {
    /// The titles the header search accepts, exact title first.
    pub fn names(&self) -> impl Iterator<Item = &'static str> {
        std::iter::once(self.key)
            .filter(|k| !k.is_empty())
            .chain(self.synonyms.iter().copied())
    }

    /// Whether the header search looks for this column at all.
    pub fn searched(&self) -> bool {
        !self.key.is_empty()
    }
}

/// How many of a table's columns are canonical (locked). They come first.
pub const fn canonical<C>(table: &[Column<C>]) -> usize {
    let mut n = 0;
    while n < table.len() && !table[n].input {
        n += 1;
    }
    n
}

const fn col<C>(
    id: C,
    title: &'static str,
    key: &'static str,
    synonyms: &'static [&'static str],
    width: f64,
    input: bool,
    centred: bool,
) -> Column<C> {
    Column {
        id,
        title,
        key,
        synonyms,
        width,
        input,
        centred,
    }
}

/// 任务进展, in template order.
pub const TASK_COLUMNS: &[Column<TaskCol>] = &[
    col(
        TaskCol::Number,
        "序号",
        "序号",
        &["编号", "任务序号", "任务编号", "序"],
        6.0,
        false,
        true,
    ),
    col(
        TaskCol::Section,
        "所属部分",
        "所属部分",
        &["部分", "所属板块", "板块"],
        14.0,
        false,
        false,
    ),
    col(
        TaskCol::Text,
        "任务内容",
        "任务内容",
        &["重点任务", "工作任务", "任务", "主要任务", "具体任务"],
        42.0,
        false,
        false,
    ),
    col(
        TaskCol::Leaders,
        "牵头领导",
        "牵头领导",
        &["责任领导", "分管领导"],
        10.0,
        false,
        false,
    ),
    col(
        TaskCol::Role,
        "本单位角色",
        "本单位角色",
        &["角色", "承办角色", "主协办"],
        9.0,
        false,
        true,
    ),
    col(
        TaskCol::Others,
        "其他承办单位",
        "其他承办单位",
        &["承办单位", "协办单位", "配合单位"],
        22.0,
        false,
        false,
    ),
    col(
        TaskCol::Status,
        "推进状态",
        "推进状态",
        &["完成状态", "进度状态", "状态", "推进情况"],
        10.0,
        true,
        true,
    ),
    col(
        TaskCol::Percent,
        "完成进度(%)",
        "完成进度",
        &["完成比例", "进度", "完成率", "完成百分比", "进度百分比"],
        9.0,
        true,
        true,
    ),
    col(
        TaskCol::Progress,
        "工作进展",
        "工作进展",
        &["进展情况", "完成情况", "进展", "工作进展情况", "推进进展"],
        28.0,
        true,
        false,
    ),
    col(
        TaskCol::Problems,
        "存在问题",
        "存在问题",
        &["存在的问题", "问题", "困难问题", "存在困难"],
        20.0,
        true,
        false,
    ),
    col(
        TaskCol::NextSteps,
        "下步措施",
        "下步措施",
        &[
            "下步打算",
            "下一步工作",
            "下一步打算",
            "下步工作",
            "下一步措施",
            "下步工作打算",
        ],
        20.0,
        true,
        false,
    ),
    col(
        TaskCol::Remarks,
        "备注",
        "备注",
        &["其他"],
        10.0,
        true,
        false,
    ),
];

/// The columns some templates add to [`TASK_COLUMNS`], all locked and for reading only:
/// 完成时限 after 任务内容 when the catalog gives one of the unit's tasks a time limit, and
/// from the second round on what the unit reported last round, just before this round's
/// inputs, so that it updates them rather than types them again. The check never looks
/// for them (no key) and never takes a title naming last round ([`LAST_ROUND_WORDS`]) for
/// this round's column: a return is read the same with them, without them (a template of
/// an older duban, or columns a clerk deleted) or with them moved.
pub const TASK_EXTRA_COLUMNS: &[Column<TaskCol>] = &[
    col(TaskCol::Deadline, "完成时限", "", &[], 10.0, false, true),
    col(
        TaskCol::LastStatus,
        "上期推进状态",
        "",
        &[],
        9.0,
        false,
        true,
    ),
    col(
        TaskCol::LastPercent,
        "上期完成进度(%)",
        "",
        &[],
        7.0,
        false,
        true,
    ),
    col(
        TaskCol::LastProgress,
        "上期工作进展",
        "",
        &[],
        24.0,
        false,
        false,
    ),
];

/// How a header title that names an earlier round begins, folded (上期推进状态, 上月工作进展,
/// 上季度完成情况 …): such a column holds what was reported before, never this round's input.
pub const LAST_ROUND_WORDS: &[&str] = &[
    "上期",
    "上一期",
    "上月",
    "上个月",
    "上季度",
    "上季",
    "上一季度",
    "上次",
    "上轮",
    "上年",
    "去年",
];

/// The columns of one template's 任务进展, in order: [`TASK_COLUMNS`], with 完成时限 after
/// 任务内容 when `deadline`, and last round's three columns before the inputs when `last`.
pub fn task_layout(deadline: bool, last: bool) -> Vec<&'static Column<TaskCol>> {
    let extra = |id: TaskCol| entry(TASK_EXTRA_COLUMNS, id).1;
    let mut out = Vec::with_capacity(TASK_COLUMNS.len() + TASK_EXTRA_COLUMNS.len());
    for c in TASK_COLUMNS {
        if c.id == TaskCol::Status && last {
            out.extend(
                [
                    TaskCol::LastStatus,
                    TaskCol::LastPercent,
                    TaskCol::LastProgress,
                ]
                .map(extra),
            );
        }
        out.push(c);
        if c.id == TaskCol::Text && deadline {
            out.push(extra(TaskCol::Deadline));
        }
    }
    out
}

/// 量化指标, in template order.
pub const INDICATOR_COLUMNS: &[Column<IndicatorCol>] = &[
    col(
        IndicatorCol::Number,
        "序号",
        "序号",
        &["任务序号", "编号"],
        6.0,
        false,
        true,
    ),
    col(
        IndicatorCol::Name,
        "指标",
        "指标",
        &["指标名称", "量化指标"],
        36.0,
        false,
        false,
    ),
    col(
        IndicatorCol::Target,
        "目标值",
        "目标值",
        &["目标", "年度目标"],
        10.0,
        false,
        true,
    ),
    col(IndicatorCol::Measure, "单位", "", &[], 8.0, false, true),
    col(IndicatorCol::Comparator, "比较", "", &[], 7.0, false, true),
    col(
        IndicatorCol::Value,
        "完成值",
        "完成值",
        &["实际完成值", "完成数", "实际值", "完成数值", "累计完成"],
        12.0,
        true,
        true,
    ),
    col(
        IndicatorCol::Note,
        "说明",
        "说明",
        &["备注"],
        40.0,
        true,
        false,
    ),
];

/// A column's entry in its table and its place there (0-based): every column is in it.
fn entry<C: PartialEq>(table: &'static [Column<C>], id: C) -> (u16, &'static Column<C>) {
    let (i, c) = table
        .iter()
        .enumerate()
        .find(|(_, c)| c.id == id)
        .expect("every column is in the table");
    (i as u16, c)
}

impl TaskCol {
    pub fn spec(self) -> &'static Column<TaskCol> {
        match TASK_COLUMNS.iter().find(|c| c.id == self) {
            Some(c) => c,
            None => entry(TASK_EXTRA_COLUMNS, self).1,
        }
    }

    pub fn title(self) -> &'static str {
        self.spec().title
    }

    /// The columns a unit fills, in template order.
    pub fn inputs() -> impl Iterator<Item = TaskCol> {
        TASK_COLUMNS.iter().filter(|c| c.input).map(|c| c.id)
    }
}

impl IndicatorCol {
    pub fn spec(self) -> &'static Column<IndicatorCol> {
        entry(INDICATOR_COLUMNS, self).1
    }

    pub fn title(self) -> &'static str {
        self.spec().title
    }

    pub fn index(self) -> u16 {
        entry(INDICATOR_COLUMNS, self).0
    }
}

/// What a column of the merge's detail (分单位明细 and `<期次>_明细.csv`) holds: one row
/// per (unit, task) as returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DetailField {
    Unit,
    /// A template column, with the template's title.
    Task(TaskCol),
    File,
    Sheet,
    Row,
}

impl DetailField {
    pub fn title(self) -> &'static str {
        match self {
            DetailField::Unit => "填报单位",
            DetailField::Task(c) => c.title(),
            DetailField::File => "文件",
            DetailField::Sheet => "工作表",
            DetailField::Row => "行号",
        }
    }
}

/// The detail's columns with their widths on 分单位明细.
pub const DETAIL_COLUMNS: [(DetailField, f64); 12] = [
    (DetailField::Unit, 16.0),
    (DetailField::Task(TaskCol::Number), 5.0),
    (DetailField::Task(TaskCol::Role), 6.0),
    (DetailField::Task(TaskCol::Status), 8.0),
    (DetailField::Task(TaskCol::Percent), 7.0),
    (DetailField::Task(TaskCol::Progress), 40.0),
    (DetailField::Task(TaskCol::Problems), 24.0),
    (DetailField::Task(TaskCol::NextSteps), 24.0),
    (DetailField::Task(TaskCol::Remarks), 14.0),
    (DetailField::File, 18.0),
    (DetailField::Sheet, 8.0),
    (DetailField::Row, 5.0),
];

/// The detail's column titles, in order.
pub fn detail_titles() -> [&'static str; 12] {
    DETAIL_COLUMNS.map(|(f, _)| f.title())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::fold_title;

    #[test]
    fn keys_are_the_folded_titles_and_names_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for c in TASK_COLUMNS {
            assert_eq!(c.key, fold_title(c.title), "{}", c.title);
            for n in c.names() {
                assert_eq!(n, fold_title(n), "{n} is written folded");
                assert!(seen.insert(n), "{n} names two task columns");
            }
        }
        for c in INDICATOR_COLUMNS.iter().filter(|c| c.searched()) {
            assert_eq!(c.key, fold_title(c.title), "{}", c.title);
        }
        for c in TASK_EXTRA_COLUMNS {
            assert!(
                !c.searched() && !c.input,
                "{} is locked and not read",
                c.title
            );
        }
    }

    #[test]
    fn layouts_add_the_extra_columns_in_place() {
        let titles = |d, l| -> Vec<&str> { task_layout(d, l).iter().map(|c| c.title).collect() };
        let base: Vec<&str> = TASK_COLUMNS.iter().map(|c| c.title).collect();
        assert_eq!(titles(false, false), base);
        let both = titles(true, true);
        assert_eq!(both.len(), base.len() + TASK_EXTRA_COLUMNS.len());
        assert_eq!(&both[2..4], ["任务内容", "完成时限"]);
        assert_eq!(
            &both[7..11],
            [
                "上期推进状态",
                "上期完成进度(%)",
                "上期工作进展",
                "推进状态"
            ]
        );
        for w in LAST_ROUND_WORDS {
            assert_eq!(*w, fold_title(w));
        }
    }
}
