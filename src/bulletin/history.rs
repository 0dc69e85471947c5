//! What a bulletin knows beyond the round itself: earlier rounds (for the change from the
//! last round and the 连续 N 期 marks) and when each return arrived (for 未按时报送).
//!
//! Both are inputs. Outside a workspace they come from the command line (`--previous`
//! with earlier rounds' `<期次>_汇总.json`, `--deadline` with the arrival times the
//! summary carries from the mailbox's receipts); in a workspace the ledger supplies the
//! same [`History`] (see `cmd::bulletin`), so the bulletin itself never reads a ledger.

use std::collections::BTreeMap;

use jiff::tz::Offset;

use crate::date::Date;
use crate::domain::history::lagging_run;
use crate::domain::status::UnitState;
use crate::domain::summary::Summary;

/// Earlier rounds, as far as the bulletin needs them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct History {
    /// The last round's summary: the bulletin says how the counts and rates changed.
    pub previous: Option<Summary>,
    /// Task → the rounds running, up to and including this one, in which the task was
    /// lagging ([`crate::domain::summary::TaskSummary::lagging`]); only tasks lagging in
    /// this round are here. A task at 2 or more is marked (连续 N 期) and listed first.
    pub streaks: BTreeMap<u32, u32>,
}

impl History {
    /// From the summaries of earlier rounds, oldest first, and this round's.
    ///
    /// A task's streak counts back from this round through `earlier` while the task is
    /// lagging in each; a round that does not list the task (closed, or another task list)
    /// ends it.
    pub fn from_summaries(earlier: Vec<Summary>, current: &Summary) -> History {
        let mut streaks = BTreeMap::new();
        for t in current.tasks.iter().filter(|t| t.lagging()) {
            let newest_first = std::iter::once(true).chain(
                earlier
                    .iter()
                    .rev()
                    .map(|s| s.tasks.iter().any(|p| p.number == t.number && p.lagging())),
            );
            streaks.insert(t.number, lagging_run(newest_first));
        }
        History {
            previous: earlier.into_iter().last(),
            streaks,
        }
    }

    /// The rounds running a task has lagged (1 when history does not say).
    pub fn streak(&self, task: u32) -> u32 {
        self.streaks.get(&task).copied().unwrap_or(1)
    }
}

/// The units that reported after the deadline, where arrival times are known.
#[derive(Clone, Debug, PartialEq)]
pub struct Late {
    pub deadline: Date,
    /// Units whose standing return arrived after the deadline, in registry order.
    pub units: Vec<String>,
    /// Units that reported but whose return's arrival is not known (brought in by hand):
    /// not judged, and not named as late.
    pub unknown: Vec<String>,
}

impl Late {
    /// Judges every unit that reported by the arrival time the summary carries
    /// ([`crate::domain::summary::UnitSummary::received_at`]) against `deadline` in the
    /// office's zone; `None` when no unit's arrival is known at all, so that the bulletin
    /// says nothing about timeliness rather than call every unit on time.
    pub fn judge(summary: &Summary, deadline: Date, offset: Offset) -> Option<Late> {
        let reported = summary
            .units
            .iter()
            .filter(|u| u.state != UnitState::Missing);
        let mut units = Vec::new();
        let mut unknown = Vec::new();
        let mut known = 0;
        for u in reported {
            match u
                .received_at
                .as_deref()
                .and_then(|t| crate::date::instant(t, offset))
            {
                Some(at) => {
                    known += 1;
                    if crate::receipts::is_late(at, deadline, offset) {
                        units.push(u.unit.clone());
                    }
                }
                None => unknown.push(u.unit.clone()),
            }
        }
        (known > 0).then_some(Late {
            deadline,
            units,
            unknown,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A summary of `round` whose tasks 1..=4 have these (status, colour).
    fn summary(
        round: &str,
        tasks: &[(&str, &str)],
        units: &[(&str, &str, Option<&str>)],
    ) -> Summary {
        let tasks: Vec<serde_json::Value> = tasks
            .iter()
            .enumerate()
            .map(|(i, (status, colour))| {
                serde_json::json!({
                    "number": i + 1, "section": "二", "text": "任务。", "leaders": [],
                    "host_names": [], "status": status, "percent": null, "behind": false,
                    "colour": colour, "hosts": [], "co_units": [],
                })
            })
            .collect();
        let units: Vec<serde_json::Value> = units
            .iter()
            .map(|(unit, state, at)| {
                serde_json::json!({
                    "unit": unit, "kind": "区直部门", "state": state,
                    "tasks": 1, "hosted": 1, "file": null, "received_at": at,
                })
            })
            .collect();
        serde_json::from_value(serde_json::json!({
            "round": round, "schedule": 25.0, "tolerance": 10.0, "red_gap": 30.0,
            "not_started_red_after": 50.0, "tasks": tasks, "counts": [], "colours": [],
            "units": units, "expected": 0, "returned": 0, "accepted": 0, "return_rate": 0.0,
            "pass_rate": 0.0, "files": 0, "files_accepted": 0, "files_rejected": 0,
            "files_superseded": 0,
        }))
        .unwrap()
    }

    #[test]
    fn streaks_count_back_while_the_task_lags() {
        let on = ("序时推进", "蓝");
        let late = ("滞后", "黄");
        let red = ("序时推进", "红");
        let r1 = summary("一", &[late, late, on, late], &[]);
        let r2 = summary("二", &[late, on, late, red], &[]);
        let r3 = summary("三", &[late, late, late, ("未报送", "红")], &[]);
        let h = History::from_summaries(vec![r1, r2], &r3);
        assert_eq!(
            h.streaks,
            BTreeMap::from([(1, 3), (2, 1), (3, 2), (4, 3)]),
            "a red 序时推进 lags too"
        );
        assert_eq!(h.previous.as_ref().unwrap().round, "二");
        let none = History::from_summaries(Vec::new(), &summary("一", &[late], &[]));
        assert_eq!((none.streak(1), none.previous), (1, None));
    }

    #[test]
    fn lateness_is_judged_only_where_arrival_is_known() {
        let deadline = Date::parse("2020-04-05").unwrap();
        let zone = crate::date::OFFICE_OFFSET;
        let s = summary(
            "一",
            &[],
            &[
                ("甲", "已通过", Some("2020-04-06T08:00:00+08:00")),
                ("乙", "已报送未通过", Some("2020-04-05T20:00:00+08:00")),
                ("丙", "未报送", None),
                ("丁", "已通过", None),
            ],
        );
        let late = Late::judge(&s, deadline, zone).unwrap();
        assert_eq!(late.units, ["甲"]);
        assert_eq!(
            late.unknown,
            ["丁"],
            "丙 sent nothing: not a question of time"
        );
        let s = summary("一", &[], &[("丙", "未报送", None), ("丁", "已通过", None)]);
        assert_eq!(Late::judge(&s, deadline, zone), None);
    }
}
