//! Counts and rates over a merge: tasks by state overall, per section, per leader and per
//! unit; the return rate; each indicator's reported values and completion rate.

use crate::catalog::{format_number, Indicator};
use crate::domain::report::FileReport;

use crate::domain::merged::{round1, Merged};
use crate::domain::status::{Status, UnitState};

/// Tasks (or rows) counted by [`Status`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts([usize; 7]);

impl Counts {
    pub fn add(&mut self, s: Status) {
        self.0[s.index()] += 1;
    }

    pub fn get(&self, s: Status) -> usize {
        self.0[s.index()]
    }

    pub fn total(&self) -> usize {
        self.0.iter().sum()
    }

    /// "分管任务 12 项：已完成 2 项，序时推进 7 项，滞后 2 项，未报送 1 项" (states with none left out).
    pub fn line(&self, what: &str) -> String {
        let parts: Vec<String> = Status::ALL
            .iter()
            .filter(|s| self.get(**s) > 0)
            .map(|s| format!("{} {} 项", s.label(), self.get(*s)))
            .collect();
        if parts.is_empty() {
            format!("{what} {} 项", self.total())
        } else {
            format!("{what} {} 项：{}", self.total(), parts.join("，"))
        }
    }
}

impl FromIterator<Status> for Counts {
    fn from_iter<I: IntoIterator<Item = Status>>(iter: I) -> Self {
        let mut c = Counts::default();
        iter.into_iter().for_each(|s| c.add(s));
        c
    }
}

/// One unit's line of 统计.
#[derive(Clone, Debug)]
pub struct UnitStats<'a> {
    pub unit: &'a str,
    pub kind: &'static str,
    /// Tasks held, and of them hosted.
    pub tasks: usize,
    pub hosted: usize,
    pub file: Option<&'a FileReport>,
    /// How the unit reported.
    pub state: UnitState,
    /// The unit's own rows by status (未报送 or 退回重报 for tasks it did not fill).
    pub counts: Counts,
}

/// Everything 统计 shows.
#[derive(Clone, Debug)]
pub struct Stats<'a> {
    pub overall: Counts,
    /// Section label ("二、加快新旧动能转换") and its tasks' counts, in catalog order.
    pub sections: Vec<(String, Counts)>,
    pub leaders: Vec<(&'a str, Counts)>,
    pub units: Vec<UnitStats<'a>>,
    pub expected: usize,
    /// Units that sent a file, accepted or not.
    pub returned: usize,
    /// Units whose return was accepted.
    pub accepted: usize,
}

fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64 * 100.0
    }
}

impl Stats<'_> {
    /// 报送率: units that sent a file (accepted or not) of units expected, in percent.
    pub fn return_rate(&self) -> f64 {
        percent(self.returned, self.expected)
    }

    /// 通过率: units whose return was accepted of units that sent one, in percent.
    pub fn pass_rate(&self) -> f64 {
        percent(self.accepted, self.returned)
    }

    /// "应报送单位 74 个，已报送 54 个（已通过 49 个，已报送未通过 5 个），未报送 20 个；
    /// 报送率 73%，通过率 90.7%".
    pub fn return_line(&self) -> String {
        format!(
            "应报送单位 {} 个，已报送 {} 个（已通过 {} 个，已报送未通过 {} 个），未报送 {} 个；报送率 {}%，通过率 {}%",
            self.expected,
            self.returned,
            self.accepted,
            self.returned - self.accepted,
            self.expected - self.returned,
            format_number(round1(self.return_rate())),
            format_number(round1(self.pass_rate()))
        )
    }
}

/// Computes 统计.
pub fn stats<'a>(m: &Merged<'a>) -> Stats<'a> {
    let overall = m.tasks.iter().map(|l| l.status).collect();
    let sections = m
        .catalog
        .sections()
        .iter()
        .filter(|s| m.tasks.iter().any(|l| l.task.section == s.number))
        .map(|s| {
            let c = m
                .tasks
                .iter()
                .filter(|l| l.task.section == s.number)
                .map(|l| l.status)
                .collect();
            (m.catalog.section_label(&s.number), c)
        })
        .collect();
    let leaders = m
        .catalog
        .leaders()
        .iter()
        .map(|leader| {
            let c = m
                .tasks
                .iter()
                .filter(|l| l.task.leaders.contains(leader))
                .map(|l| l.status)
                .collect();
            (leader.as_str(), c)
        })
        .collect();
    let units: Vec<UnitStats> = m
        .expected_units()
        .map(|unit| (unit, m.catalog.tasks_of_unit(unit)))
        .map(|(unit, tasks)| {
            let file = m.returns.get(unit).copied();
            let rows = file
                .and_then(|f| f.data.as_ref())
                .map(|d| &d.rows[..])
                .unwrap_or(&[]);
            let state = m.state(unit);
            let counts = tasks
                .iter()
                .map(
                    |(n, _)| match rows.iter().find(|r| r.task == *n).and_then(|r| r.status) {
                        Some(s) => s,
                        None if file.is_none() => state.status(),
                        None => Status::Unreported,
                    },
                )
                .collect();
            let kind = m
                .catalog
                .registry()
                .unit(unit)
                .map_or("", |u| u.kind.label());
            UnitStats {
                unit,
                kind,
                tasks: tasks.len(),
                hosted: tasks
                    .iter()
                    .filter(|(_, r)| *r == crate::catalog::Role::Host)
                    .count(),
                file,
                state,
                counts,
            }
        })
        .collect();
    let expected = units.len();
    let returned = units.iter().filter(|u| u.state.reported()).count();
    let accepted = units
        .iter()
        .filter(|u| u.state == UnitState::Accepted)
        .count();
    Stats {
        overall,
        sections,
        leaders,
        units,
        expected,
        returned,
        accepted,
    }
}

/// One indicator of 量化指标 with what was reported for it.
#[derive(Clone, Debug)]
pub struct IndicatorLine<'a> {
    pub task: u32,
    pub indicator: &'a Indicator,
    /// (unit, value, note) for every usable return that reported a value, in return order.
    pub values: Vec<(&'a str, f64, &'a str)>,
    /// The value judged: one report as is; several add up, except percentages, which are
    /// averaged (a rate does not add across units).
    pub total: Option<f64>,
    /// `total` as a percentage of the target.
    pub rate: Option<f64>,
}

impl IndicatorLine<'_> {
    /// Whether the value meets the target by its comparator (左右: within 10%).
    pub fn met(&self) -> Option<bool> {
        use crate::catalog::Comparator;
        let v = self.total?;
        let t = self.indicator.target;
        Some(match self.indicator.comparator {
            Comparator::AtLeast | Comparator::Exactly => v >= t,
            Comparator::About => v >= t * 0.9,
        })
    }
}

/// Every indicator of every task, in task order, with the values reported for it.
pub fn indicators<'a>(m: &Merged<'a>) -> Vec<IndicatorLine<'a>> {
    let mut out = Vec::new();
    for task in m.catalog.tasks() {
        for ind in &task.indicators {
            // The task's total comes from its lead host alone, unless the catalog asks each
            // host for its part: three hosts each writing the task's 累计完成值 made
            // 53 + 66 + 56 = 175 against a target of 150.
            let lead = task.hosts.first().map(String::as_str);
            let values: Vec<(&str, f64, &str)> = m
                .returns
                .iter()
                .filter(|(unit, _)| ind.parts || Some(**unit) == lead)
                .flat_map(|(unit, f)| {
                    f.data
                        .iter()
                        .flat_map(|d| &d.indicators)
                        .filter(|v| v.task == task.number && v.name == ind.name)
                        .filter_map(|v| v.value.map(|x| (*unit, x, v.note.as_str())))
                })
                .collect();
            let total = match values.len() {
                0 => None,
                1 => Some(values[0].1),
                n => {
                    let sum: f64 = values.iter().map(|v| v.1).sum();
                    Some(if ind.unit.contains('%') {
                        sum / n as f64
                    } else {
                        sum
                    })
                }
            };
            let rate = total
                .filter(|_| ind.target != 0.0)
                .map(|v| v / ind.target * 100.0);
            out.push(IndicatorLine {
                task: task.number,
                indicator: ind,
                values,
                total,
                rate,
            });
        }
    }
    out
}
