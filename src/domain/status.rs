//! The words for how a task stands and how a unit reported, each in one type with one
//! order.
//!
//! [`Status`]: the four a unit may report, and for a task no host reported, 未报送 (no
//! file) or 退回重报 (a file that was sent back). The order (`Ord`) runs from least to most
//! advanced: 滞后, 未启动, 未报送, 退回重报, 序时推进, 已完成, 已办结 (closed by the office). A task's status is the least
//! advanced of its hosts' (the minimum), and a leader summary lists its tasks in this
//! order. Tables and counts show them in [`Status::ALL`], the order of the template's
//! dropdown with 未报送 and 退回重报 last.
//!
//! [`UnitState`]: 已通过, 已报送未通过, 未报送 — a unit that sent a file that was sent back
//! did report, and is never counted as 未报送.

use serde::{Deserialize, Serialize};

/// How a task stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Status {
    #[serde(rename = "滞后")]
    Lagging,
    #[serde(rename = "未启动")]
    NotStarted,
    /// No host reported a status (no return, or the row left blank).
    #[serde(rename = "未报送")]
    Unreported,
    /// No host reported a status, and a host's return was sent back (退回重报).
    #[serde(rename = "退回重报")]
    Rejected,
    #[serde(rename = "序时推进")]
    OnSchedule,
    #[serde(rename = "已完成")]
    Done,
    /// Finished and closed by the office (办结): no longer asked for.
    #[serde(rename = "已办结")]
    Closed,
}

impl Status {
    /// Every status in the order tables and counts show them.
    pub const ALL: [Status; 7] = [
        Status::Done,
        Status::OnSchedule,
        Status::Lagging,
        Status::NotStarted,
        Status::Unreported,
        Status::Rejected,
        Status::Closed,
    ];

    /// The four a unit may report, in the order of the template's dropdown.
    pub const REPORTED: [Status; 4] = [
        Status::Done,
        Status::OnSchedule,
        Status::Lagging,
        Status::NotStarted,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Status::Done => "已完成",
            Status::OnSchedule => "序时推进",
            Status::Lagging => "滞后",
            Status::NotStarted => "未启动",
            Status::Unreported => "未报送",
            Status::Rejected => "退回重报",
            Status::Closed => "已办结",
        }
    }

    /// What a reported status means, for 填报说明.
    pub fn meaning(self) -> &'static str {
        match self {
            Status::Done => "任务目标已全部完成，完成进度填 100",
            Status::OnSchedule => "按时间节点正常推进，进度与序时进度相当",
            Status::Lagging => "进度落后于序时进度或计划，须在“存在问题”中说明原因",
            Status::NotStarted => "尚未开始实施，完成进度填 0",
            Status::Unreported => "没有主办单位报送推进状态",
            Status::Rejected => "主办单位报送的表格未通过校验，已退回重报",
            Status::Closed => "任务已办结（销号），不再填报",
        }
    }

    /// Any status by its word (as the ledger stores it).
    pub fn parse_label(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.label() == s)
    }

    /// The exact word of a reported status, or `None`.
    pub fn from_label(s: &str) -> Option<Status> {
        Status::REPORTED.into_iter().find(|st| st.label() == s)
    }

    /// 滞后, 未启动, 未报送 and 退回重报: what a leader must look at first.
    pub fn is_lagging(self) -> bool {
        self < Status::OnSchedule
    }

    /// Position in [`Status::ALL`], for counts.
    pub fn index(self) -> usize {
        Status::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }

    /// A row's status, 未报送 for none.
    pub fn or_unreported(status: Option<Status>) -> Status {
        status.unwrap_or(Status::Unreported)
    }

    /// No status reported (no file, or a file sent back).
    pub fn is_unreported(self) -> bool {
        matches!(self, Status::Unreported | Status::Rejected)
    }
}

/// How a unit reported in a round.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum UnitState {
    /// Returns came, none accepted: 退回重报.
    #[serde(rename = "已报送未通过")]
    Rejected,
    /// No file at all.
    #[serde(rename = "未报送")]
    Missing,
    /// Its file came but the office could not read it (permissions, a disk error): the
    /// office's matter, not the unit's; neither 退回 nor 未报送.
    #[serde(rename = "文件无法读取")]
    Unreadable,
    /// An accepted return stands.
    #[serde(rename = "已通过")]
    Accepted,
}

impl UnitState {
    /// In the order tables show them.
    pub const ALL: [UnitState; 4] = [
        UnitState::Accepted,
        UnitState::Rejected,
        UnitState::Unreadable,
        UnitState::Missing,
    ];

    pub fn label(self) -> &'static str {
        match self {
            UnitState::Accepted => "已通过",
            UnitState::Rejected => "已报送未通过",
            UnitState::Missing => "未报送",
            UnitState::Unreadable => "文件无法读取",
        }
    }

    /// The word for a host of a task in this state, when its row cannot be used.
    pub fn status(self) -> Status {
        match self {
            UnitState::Rejected => Status::Rejected,
            _ => Status::Unreported,
        }
    }

    /// A file came (accepted or not).
    pub fn reported(self) -> bool {
        self != UnitState::Missing
    }
}

/// Whether a return came by the deadline: 按时 or 逾期; empty when not known (no deadline,
/// no time, nothing sent).
pub fn punctuality(late: Option<bool>) -> &'static str {
    match late {
        Some(true) => "逾期",
        Some(false) => "按时",
        None => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_order_is_least_advanced_first() {
        let mut v = Status::ALL.to_vec();
        v.sort();
        assert_eq!(
            v.iter().map(|s| s.label()).collect::<Vec<_>>(),
            [
                "滞后",
                "未启动",
                "未报送",
                "退回重报",
                "序时推进",
                "已完成",
                "已办结"
            ]
        );
        assert!(Status::Unreported.is_lagging() && !Status::OnSchedule.is_lagging());
        assert_eq!(Status::from_label("未报送"), None);
    }
}
