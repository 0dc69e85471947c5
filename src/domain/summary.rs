//! The merge's result for other programs: `<期次>_汇总.json`, every number the merge's
//! workbooks show, as data. The ledger records a round from it and the bulletin is drafted
//! from it, so that neither recomputes a rule the merge applies: a count in the bulletin is
//! the merge's count.

use serde::{Deserialize, Serialize};

use crate::catalog::{Notice, Section};
use crate::domain::colour::{Colour, Thresholds};
use crate::domain::merged::{round1, Merged};
use crate::domain::stats::Stats;
use crate::domain::status::{Status, UnitState};

/// The serialised colour, as the office writes it.
impl Serialize for Colour {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.label())
    }
}

impl<'de> Deserialize<'de> for Colour {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Colour, D::Error> {
        let s = String::deserialize(d)?;
        Colour::ALL
            .into_iter()
            .find(|c| c.label() == s)
            .ok_or_else(|| serde::de::Error::custom(format!("未知的三色标识“{s}”")))
    }
}

/// A host's or co-unit's part in a task.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Part {
    pub unit: String,
    /// How the unit reported in the round.
    pub state: UnitState,
    /// Its row's status (未报送 / 退回重报 without a usable row).
    pub status: Status,
    pub percent: Option<f64>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub progress: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub problems: String,
}

/// One task as the merge judged it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskSummary {
    pub number: u32,
    /// The section's numeral (二 …).
    pub section: String,
    pub text: String,
    pub leaders: Vec<String>,
    /// The host names as the notice lists them (groups kept).
    pub host_names: Vec<String>,
    pub status: Status,
    /// The least of the hosts' percents, to one decimal.
    pub percent: Option<f64>,
    /// 疑似滞后.
    pub behind: bool,
    /// 逾期: past its 完成时限, not done.
    #[serde(default)]
    pub overdue: bool,
    pub colour: Colour,
    pub hosts: Vec<Part>,
    pub co_units: Vec<Part>,
}

/// An expected unit and how it reported.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UnitSummary {
    pub unit: String,
    /// The kind's word (区直部门, 镇 …).
    pub kind: String,
    pub state: UnitState,
    pub tasks: usize,
    pub hosted: usize,
    /// The return used (accepted, not superseded), if any.
    pub file: Option<String>,
    /// When the unit's standing return arrived (RFC 3339), where the mailbox's receipts
    /// say: the return used, or for a unit sent back its latest return. `None` for a unit
    /// that sent nothing, or whose return came some other way.
    #[serde(default)]
    pub received_at: Option<String>,
}

/// Counts by status, in [`Status::ALL`] order, as (label, count).
pub type StatusCounts = Vec<(Status, usize)>;

/// Everything the merge decided for a round.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub round: String,
    /// The notice the catalog comes from (文号, issuer, title).
    #[serde(default)]
    pub notice: Option<Notice>,
    /// The sections holding tasks, in catalog order (二、加快新旧动能转换 …).
    #[serde(default)]
    pub sections: Vec<Section>,
    /// 序时进度 in percent, when known.
    pub schedule: Option<f64>,
    pub tolerance: f64,
    pub red_gap: f64,
    pub not_started_red_after: f64,
    pub tasks: Vec<TaskSummary>,
    /// Tasks by status.
    pub counts: StatusCounts,
    /// Tasks by colour, (colour, count) in 蓝黄红 order.
    pub colours: Vec<(Colour, usize)>,
    pub units: Vec<UnitSummary>,
    pub expected: usize,
    /// Units that sent a file, accepted or not.
    pub returned: usize,
    pub accepted: usize,
    /// 报送率 and 通过率, in percent (one decimal).
    pub return_rate: f64,
    pub pass_rate: f64,
    /// Files read, accepted, rejected, superseded.
    pub files: usize,
    pub files_accepted: usize,
    pub files_rejected: usize,
    pub files_superseded: usize,
}

impl TaskSummary {
    /// 进展滞后, as the bulletin names it: 滞后 or 未启动, no host reporting at all (未报送,
    /// 退回重报), or 红 whatever the status. The bulletin's section 三 and its 附件, and
    /// the rounds a task has lagged running, all use this one test.
    pub fn lagging(&self) -> bool {
        crate::domain::colour::lagging(self.status, self.colour)
    }
}

/// When a unit's standing return arrived: the return used, else (a unit sent back) the
/// latest of its returns not superseded.
fn standing_arrival(m: &Merged, unit: &str) -> Option<String> {
    if let Some(f) = m.returns.get(unit) {
        return f.received_at.clone();
    }
    m.report
        .files
        .iter()
        .filter(|f| f.unit.as_deref() == Some(unit) && f.superseded_by.is_none())
        .filter_map(|f| f.received_at.as_ref())
        .max_by_key(|t| crate::date::instant(t, crate::date::OFFICE_OFFSET))
        .cloned()
}

impl Summary {
    /// The summary of a merge.
    pub fn of(m: &Merged, st: &Stats, round: &str) -> Summary {
        let part = |e: &crate::domain::merged::Entry| Part {
            unit: e.unit.to_string(),
            state: e.state,
            status: e.status(),
            percent: e.percent().map(round1),
            progress: e
                .row
                .map(|r| r.progress.trim().to_string())
                .unwrap_or_default(),
            problems: e
                .row
                .map(|r| r.problems.trim().to_string())
                .unwrap_or_default(),
        };
        let tasks: Vec<TaskSummary> = m
            .tasks
            .iter()
            .map(|l| TaskSummary {
                number: l.task.number,
                section: l.task.section.clone(),
                text: l.task.text.clone(),
                leaders: l.task.leaders.clone(),
                host_names: l.task.hosts.clone(),
                status: l.status,
                percent: l.percent.map(round1),
                behind: l.behind,
                overdue: l.overdue,
                colour: l.colour,
                hosts: l.hosts.iter().map(part).collect(),
                co_units: l.co_units.iter().map(part).collect(),
            })
            .collect();
        let colours = Colour::ALL
            .into_iter()
            .map(|c| (c, tasks.iter().filter(|t| t.colour == c).count()))
            .collect();
        let Thresholds {
            tolerance,
            red_gap,
            not_started_red_after,
        } = m.thresholds;
        let files = &m.report.files;
        let sections = m
            .catalog
            .sections()
            .iter()
            .filter(|s| tasks.iter().any(|t| t.section == s.number))
            .cloned()
            .collect();
        Summary {
            round: round.to_string(),
            notice: Some(m.catalog.notice().clone()),
            sections,
            schedule: m.schedule.map(round1),
            tolerance,
            red_gap,
            not_started_red_after,
            counts: Status::ALL.map(|s| (s, st.overall.get(s))).to_vec(),
            colours,
            tasks,
            units: st
                .units
                .iter()
                .map(|u| UnitSummary {
                    unit: u.unit.to_string(),
                    kind: u.kind.to_string(),
                    state: u.state,
                    tasks: u.tasks,
                    hosted: u.hosted,
                    file: u.file.map(|f| f.file_name()),
                    received_at: standing_arrival(m, u.unit),
                })
                .collect(),
            expected: st.expected,
            returned: st.returned,
            accepted: st.accepted,
            return_rate: round1(st.return_rate()),
            pass_rate: round1(st.pass_rate()),
            files: files.len(),
            files_accepted: files.iter().filter(|f| f.is_usable()).count(),
            files_rejected: files
                .iter()
                .filter(|f| f.status == crate::domain::report::FileStatus::Rejected)
                .count(),
            files_superseded: files.iter().filter(|f| f.superseded_by.is_some()).count(),
        }
    }

    /// A section's title (加快新旧动能转换), or its numeral when the summary has none.
    pub fn section_title<'a>(&'a self, numeral: &'a str) -> &'a str {
        self.sections
            .iter()
            .find(|s| s.number == numeral)
            .map_or(numeral, |s| s.title.as_str())
    }

    /// How many tasks have a status.
    pub fn count(&self, s: Status) -> usize {
        self.counts
            .iter()
            .find(|(x, _)| *x == s)
            .map_or(0, |(_, n)| *n)
    }

    /// How many tasks have a colour.
    pub fn colour_count(&self, c: Colour) -> usize {
        self.colours
            .iter()
            .find(|(x, _)| *x == c)
            .map_or(0, |(_, n)| *n)
    }

    /// The units in a state, in registry order.
    pub fn units_in(&self, state: UnitState) -> impl Iterator<Item = &UnitSummary> {
        self.units.iter().filter(move |u| u.state == state)
    }
}
