//! The columns of the merge's task tables, in one place: 总表, a leader's printed summary
//! (分管任务进展) and the full table for the screen (全部栏目). The writer takes titles and
//! widths from here and fills a cell by its [`SummaryCol`], never by a title or an index.

/// A column of a task table of the merge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SummaryCol {
    Number,
    Section,
    Text,
    Leaders,
    Hosts,
    Status,
    Percent,
    /// With a round before: its status, the change in percent, rounds lagging running.
    Previous,
    Change,
    Streak,
    Behind,
    Colour,
    /// Each host by name with its status and percent.
    HostStates,
    /// The hosts' texts, by name when there are several.
    Progress,
    Problems,
    NextSteps,
    /// Every co-unit's status and text: only on the screen sheet.
    CoUnits,
    Contact,
}

impl SummaryCol {
    pub fn title(self) -> &'static str {
        match self {
            SummaryCol::Number => "序号",
            SummaryCol::Section => "所属部分",
            SummaryCol::Text => "任务内容",
            SummaryCol::Leaders => "牵头领导",
            SummaryCol::Hosts => "主办单位",
            SummaryCol::Status => "推进状态",
            SummaryCol::Percent => "完成进度(%)",
            SummaryCol::Previous => "上期状态",
            SummaryCol::Change => "进度变化",
            SummaryCol::Streak => "连续滞后",
            SummaryCol::Behind => "疑似滞后",
            SummaryCol::Colour => "三色标识",
            SummaryCol::HostStates => "主办单位填报情况",
            SummaryCol::Progress => "本期进展",
            SummaryCol::Problems => "存在问题",
            SummaryCol::NextSteps => "下步措施",
            SummaryCol::CoUnits => "协办单位进展",
            SummaryCol::Contact => "主办单位联系人",
        }
    }

    /// Whether the history columns belong only to a round with one before it.
    pub fn needs_history(self) -> bool {
        matches!(
            self,
            SummaryCol::Previous | SummaryCol::Change | SummaryCol::Streak
        )
    }

    /// Wrapped text that sets the row's height (the rest is a word or a number).
    pub fn wraps(self) -> bool {
        matches!(
            self,
            SummaryCol::Section
                | SummaryCol::Text
                | SummaryCol::Hosts
                | SummaryCol::HostStates
                | SummaryCol::Progress
                | SummaryCol::Problems
                | SummaryCol::NextSteps
                | SummaryCol::CoUnits
                | SummaryCol::Contact
        )
    }
}

/// A table's columns with their widths (column-width units) and its body font size.
pub struct Layout {
    pub columns: &'static [(SummaryCol, f64)],
    pub font_size: f64,
}

impl Layout {
    /// The columns this merge shows: the history ones only with a round before.
    pub fn for_merge(&self, history: bool) -> Vec<(SummaryCol, f64)> {
        (self.columns.iter())
            .filter(|(c, _)| history || !c.needs_history())
            .copied()
            .collect()
    }
}

/// 总表 on A4 landscape at 9 pt: per task the hosts' state and text; the co-units' texts
/// are on 分单位明细 (they made rows a page tall). Sections are rows across the table,
/// not a column; the hosts are named in 主办单位填报情况, each with its state.
pub const OVERVIEW: Layout = Layout {
    columns: &[
        (SummaryCol::Number, 3.5),
        (SummaryCol::Text, 23.5),
        (SummaryCol::Leaders, 5.0),
        (SummaryCol::Status, 5.0),
        (SummaryCol::Percent, 5.0),
        (SummaryCol::Previous, 5.0),
        (SummaryCol::Change, 4.5),
        (SummaryCol::Streak, 4.0),
        (SummaryCol::Behind, 4.0),
        (SummaryCol::Colour, 3.5),
        (SummaryCol::HostStates, 17.0),
        (SummaryCol::Progress, 25.0),
        (SummaryCol::Problems, 11.5),
        (SummaryCol::NextSteps, 11.5),
    ],
    font_size: 9.0,
};

/// A leader's printed summary on A4 landscape at 10 pt: read in five minutes.
pub const LEADER: Layout = Layout {
    columns: &[
        (SummaryCol::Number, 4.0),
        (SummaryCol::Text, 34.0),
        (SummaryCol::Hosts, 12.0),
        (SummaryCol::Status, 7.0),
        (SummaryCol::Percent, 6.0),
        (SummaryCol::Progress, 44.0),
        (SummaryCol::Problems, 24.0),
        (SummaryCol::Streak, 5.0),
    ],
    font_size: 10.0,
};

/// Every column, for the screen (a leader summary's second sheet).
pub const SCREEN: Layout = Layout {
    columns: &[
        (SummaryCol::Number, 5.0),
        (SummaryCol::Section, 12.0),
        (SummaryCol::Text, 40.0),
        (SummaryCol::Leaders, 10.0),
        (SummaryCol::Hosts, 14.0),
        (SummaryCol::Status, 9.0),
        (SummaryCol::Percent, 8.0),
        (SummaryCol::Previous, 9.0),
        (SummaryCol::Change, 7.0),
        (SummaryCol::Streak, 6.0),
        (SummaryCol::Behind, 7.0),
        (SummaryCol::Colour, 6.0),
        (SummaryCol::HostStates, 20.0),
        (SummaryCol::Progress, 36.0),
        (SummaryCol::Problems, 22.0),
        (SummaryCol::NextSteps, 22.0),
        (SummaryCol::CoUnits, 30.0),
        (SummaryCol::Contact, 20.0),
    ],
    font_size: 11.0,
};
