//! What the ledger hands the layers above it: a round as recorded, each task's record per
//! round, how many rounds running a task has lagged, last round's rows (for 照抄上期), and a
//! unit's reporting per round. Plain data: the ledger fills these from SQLite, the check,
//! the merge, the bulletin and the 台账 writer read them.

use std::collections::HashMap;

use crate::date::Date;
use crate::domain::colour::{lagging, Colour};
use crate::domain::status::{Status, UnitState};

/// A round as the ledger records it.
#[derive(Clone, Debug, PartialEq)]
pub struct RoundInfo {
    pub id: i64,
    pub name: String,
    pub seq: i64,
    pub deadline: Option<Date>,
    pub as_of: Option<Date>,
    pub created_at: String,
    pub merged_at: Option<String>,
}

/// A task's record in one round.
#[derive(Clone, Debug, PartialEq)]
pub struct TaskRound {
    pub round: String,
    pub status: Status,
    pub percent: Option<f64>,
    pub colour: Colour,
}

/// What the rounds before a round say about its tasks.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct History {
    /// The round before, if any was merged.
    pub previous_round: Option<String>,
    /// Each task's record in the round before.
    pub previous: HashMap<u32, TaskRound>,
    /// Consecutive lagging rounds ([`crate::domain::colour::lagging`]) up to the round before.
    pub streak_before: HashMap<u32, u32>,
    /// The round before's counts by status and by colour.
    pub previous_counts: Vec<(Status, usize)>,
    pub previous_colours: Vec<(Colour, usize)>,
}

impl History {
    /// Lagging rounds running, counting this round's status and colour.
    pub fn streak(&self, task: u32, status: Status, colour: Colour) -> u32 {
        if lagging(status, colour) {
            1 + self.streak_before.get(&task).copied().unwrap_or(0)
        } else {
            0
        }
    }
}

/// Rounds running in which a task lagged ([`lagging`]), counted from the newest back to
/// the first round where it did not, or did not exist (`None`: not in that round's list).
pub fn streak<'a>(newest_first: impl IntoIterator<Item = Option<&'a TaskRound>>) -> u32 {
    lagging_run(
        newest_first
            .into_iter()
            .map(|t| t.is_some_and(|t| lagging(t.status, t.colour))),
    )
}

/// 连续滞后: the rounds running, counted from the newest, in which a task lagged. The one
/// count behind the 台账, the 总表, the leader summaries and the bulletin's 连续 N 期.
pub fn lagging_run(newest_first: impl IntoIterator<Item = bool>) -> u32 {
    newest_first.into_iter().take_while(|l| *l).count() as u32
}

/// A unit's row in the round before, for the check's comparisons.
#[derive(Clone, Debug, PartialEq)]
pub struct PreviousRow {
    pub status: Option<Status>,
    pub percent: Option<f64>,
    pub progress: String,
}

/// Last round's rows by (unit, task), from the returns that stood.
pub type PreviousRows = HashMap<(String, u32), PreviousRow>;

/// Last round as the next round's templates show it beside the inputs: each unit's own
/// rows (the same rows 照抄上期 compares with), and, for a task a unit owed but has no row
/// for, the word that stands for it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LastRound {
    /// Its name, for the reference columns' header.
    pub round: String,
    pub rows: PreviousRows,
    /// The units expected then, with how they reported; a unit not here was not asked.
    pub units: HashMap<String, UnitState>,
    /// The tasks of its list, with their status then (已办结 for a task closed).
    pub tasks: HashMap<u32, Status>,
}

impl LastRound {
    /// What `unit` reported for `task` last round: its row; for a task of last round's list
    /// without a row that stood, 已办结 when the task was closed then (nothing was asked),
    /// else 未报送 (or 退回重报 when the unit's return was sent back and never replaced);
    /// `None` when the unit was not asked (a task or a unit new this round, or a task left
    /// out of a hosts-only round's templates).
    pub fn row(&self, unit: &str, task: u32) -> Option<std::borrow::Cow<'_, PreviousRow>> {
        use std::borrow::Cow;
        let then = *self.tasks.get(&task)?;
        let word = |status: Status| PreviousRow {
            status: Some(status),
            percent: None,
            progress: String::new(),
        };
        match self.rows.get(&(unit.to_string(), task)) {
            Some(r) if then == Status::Closed && r.status.is_none() => {
                Some(Cow::Owned(word(Status::Closed)))
            }
            Some(r) => Some(Cow::Borrowed(r)),
            None if then == Status::Closed => Some(Cow::Owned(word(Status::Closed))),
            // An accepted return without the task's row: the unit was not asked it then
            // (a hosts-only round and a co-unit's task), so there is nothing to show.
            None => match self.units.get(unit)? {
                UnitState::Accepted => None,
                state => Some(Cow::Owned(word(state.status()))),
            },
        }
    }
}

/// A unit's reporting in one round.
#[derive(Clone, Debug, PartialEq)]
pub struct UnitRecord {
    pub round: String,
    pub unit: String,
    pub kind: String,
    pub state: UnitState,
    pub file: Option<String>,
    /// RFC 3339: when it arrived (收件) or, without receipts, when it was saved.
    pub reported_at: Option<String>,
    pub time_source: Option<String>,
    pub late: Option<bool>,
}

/// The whole year, for the 台账 workbook: every round, each task's record per round, each
/// unit's reporting per round.
#[derive(Clone, Debug, Default)]
pub struct Year {
    pub rounds: Vec<RoundInfo>,
    /// task → its record in each round (by position in `rounds`).
    pub tasks: std::collections::BTreeMap<u32, Vec<Option<TaskRound>>>,
    /// (unit, kind) → its reporting in each round, units in the order first recorded.
    pub units: Vec<(String, String, Vec<Option<UnitRecord>>)>,
}

/// A unit's own row for a task in one round, from the return of it that stood: what
/// `history --unit` shows (not the task's figures, which another unit may have reported).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct UnitRow {
    pub round: String,
    pub task: u32,
    /// 主办 | 协办.
    pub role: Option<String>,
    pub status: Option<String>,
    pub percent: Option<f64>,
    pub progress: String,
}

/// One thing done to chase a unit (`duban remind`, `duban escalate`): a reminder stage, a
/// 催办通知单 or a 督办单, with its day and document number.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Chase {
    pub round: String,
    pub unit: String,
    pub stage: String,
    /// YYYY-MM-DD.
    pub date: String,
    pub outcome: String,
    pub number: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_round_says_what_stands_for_a_missing_row() {
        let row = PreviousRow {
            status: Some(Status::Lagging),
            percent: Some(30.0),
            progress: "摸底".into(),
        };
        let last = LastRound {
            round: "2020年第一季度".into(),
            rows: [(("甲".to_string(), 1), row.clone())].into(),
            units: [
                ("甲".to_string(), UnitState::Accepted),
                ("乙".to_string(), UnitState::Rejected),
                ("丙".to_string(), UnitState::Missing),
            ]
            .into(),
            tasks: [(1, Status::Lagging), (2, Status::Closed)].into(),
        };
        let status = |unit: &str, task: u32| last.row(unit, task).map(|r| r.status);
        assert_eq!(last.row("甲", 1).as_deref(), Some(&row));
        assert_eq!(status("乙", 1), Some(Some(Status::Rejected)));
        assert_eq!(status("丙", 1), Some(Some(Status::Unreported)));
        assert_eq!(status("丙", 2), Some(Some(Status::Closed)));
        assert_eq!(status("丁", 1), None, "a unit new this round");
        assert_eq!(status("甲", 3), None, "a task new this round");
        assert_eq!(status("甲", 1), Some(Some(Status::Lagging)));
        // An accepted return without a row for an open task: the unit was not asked it (a
        // co-unit's task in a hosts-only round), so nothing is shown, never 未报送.
        let mut only_hosts = last.clone();
        only_hosts.tasks.insert(4, Status::OnSchedule);
        assert_eq!(
            only_hosts.row("甲", 4).map(|r| r.status),
            None,
            "not asked last round"
        );
        assert_eq!(
            only_hosts.row("丙", 4).map(|r| r.status),
            Some(Some(Status::Unreported))
        );
    }
}
