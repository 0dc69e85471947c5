//! What the ledger says about the rounds before one: each task's last status and percent,
//! how many rounds running it has lagged, last round's rows (for 照抄上期), and, for the
//! `history` and `status` commands, a task's, a unit's or a round's record.

use std::collections::HashMap;

use rusqlite::params;

use super::{Ledger, LedgerError};
use crate::domain::colour::Colour;
use crate::domain::history::{
    streak, History, PreviousRow, PreviousRows, RoundInfo, TaskRound, UnitRecord, Year,
};
use crate::domain::status::{Status, UnitState};

fn status_of(label: &str) -> Status {
    Status::parse_label(label).unwrap_or(Status::Unreported)
}

fn colour_of(label: &str) -> Colour {
    Colour::ALL
        .into_iter()
        .find(|c| c.label() == label)
        .unwrap_or(Colour::Red)
}

impl Ledger {
    /// Each task's record in every merged round, in order.
    pub fn task_rounds(&self, task: u32) -> Result<Vec<TaskRound>, LedgerError> {
        let mut st = self.conn().prepare(
            "SELECT r.name, t.status, t.percent, t.colour FROM task_states t
             JOIN rounds r ON r.id = t.round_id WHERE t.task = ?1 ORDER BY r.seq",
        )?;
        let rows = st.query_map([task], |r| {
            Ok(TaskRound {
                round: r.get(0)?,
                status: status_of(&r.get::<_, String>(1)?),
                percent: r.get(2)?,
                colour: colour_of(&r.get::<_, String>(3)?),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// What the merged rounds before `round` say about its tasks.
    pub fn history_before(&self, round: &RoundInfo) -> Result<History, LedgerError> {
        // The merged rounds before this one, newest first, each with its tasks' records.
        let mut st = self.conn().prepare(
            "SELECT r.seq, r.name, t.task, t.status, t.percent, t.colour FROM task_states t
             JOIN rounds r ON r.id = t.round_id WHERE r.seq < ?1 ORDER BY r.seq DESC, t.task",
        )?;
        let mut rounds: Vec<(i64, HashMap<u32, TaskRound>)> = Vec::new();
        let mut rows = st.query(params![round.seq])?;
        while let Some(r) = rows.next()? {
            let seq: i64 = r.get(0)?;
            if rounds.last().is_none_or(|(s, _)| *s != seq) {
                rounds.push((seq, HashMap::new()));
            }
            let t = TaskRound {
                round: r.get(1)?,
                status: status_of(&r.get::<_, String>(3)?),
                percent: r.get(4)?,
                colour: colour_of(&r.get::<_, String>(5)?),
            };
            rounds.last_mut().expect("pushed").1.insert(r.get(2)?, t);
        }
        drop(rows);
        let mut h = History::default();
        let Some((_, previous)) = rounds.first() else {
            return Ok(h);
        };
        h.previous_round = previous.values().next().map(|t| t.round.clone());
        for &task in previous.keys() {
            // A streak runs back through consecutive rounds until one where the task was
            // not lagging (or not in that round's catalog).
            let n = rounds.iter().map(|(_, tasks)| tasks.get(&task));
            h.streak_before.insert(task, streak(n));
        }
        for s in Status::ALL {
            let n = previous.values().filter(|t| t.status == s).count();
            h.previous_counts.push((s, n));
        }
        for c in Colour::ALL {
            let n = previous.values().filter(|t| t.colour == c).count();
            h.previous_colours.push((c, n));
        }
        h.previous = previous.clone();
        Ok(h)
    }

    /// The rows of the round before `round`, from the returns that stood then.
    pub fn previous_rows(&self, round: &RoundInfo) -> Result<PreviousRows, LedgerError> {
        match self.previous(round)? {
            Some(prev) => self.rows_of(&prev),
            None => Ok(PreviousRows::new()),
        }
    }

    /// The rows of a round, from the returns that stood.
    pub fn rows_of(&self, prev: &RoundInfo) -> Result<PreviousRows, LedgerError> {
        let mut st = self.conn().prepare(
            "SELECT w.unit, w.task, w.status, w.percent, w.progress FROM rows w
             JOIN returns f ON f.id = w.return_id
             WHERE w.round_id = ?1 AND f.verdict = 'accepted' AND f.superseded_by IS NULL",
        )?;
        let rows = st.query_map([prev.id], |r| {
            Ok((
                (r.get::<_, String>(0)?, r.get::<_, u32>(1)?),
                PreviousRow {
                    status: r
                        .get::<_, Option<String>>(2)?
                        .as_deref()
                        .and_then(Status::parse_label),
                    percent: r.get(3)?,
                    progress: r.get(4)?,
                },
            ))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Each unit's reporting state in a round, in registry order as recorded.
    pub fn unit_states(&self, round: &RoundInfo) -> Result<Vec<UnitRecord>, LedgerError> {
        let mut st = self.conn().prepare(
            "SELECT unit, kind, state, file, reported_at, time_source, late FROM unit_states
             WHERE round_id = ?1 ORDER BY rowid",
        )?;
        let rows = st.query_map([round.id], |r| {
            Ok(UnitRecord {
                round: round.name.clone(),
                unit: r.get(0)?,
                kind: r.get(1)?,
                state: unit_state_of(&r.get::<_, String>(2)?),
                file: r.get(3)?,
                reported_at: r.get(4)?,
                time_source: r.get(5)?,
                late: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// A unit's reporting state in every merged round, in order.
    pub fn unit_rounds(&self, unit: &str) -> Result<Vec<UnitRecord>, LedgerError> {
        let mut st = self.conn().prepare(
            "SELECT r.name, u.unit, u.kind, u.state, u.file, u.reported_at, u.time_source, u.late
             FROM unit_states u JOIN rounds r ON r.id = u.round_id WHERE u.unit = ?1 ORDER BY r.seq",
        )?;
        let rows = st.query_map([unit], |r| {
            Ok(UnitRecord {
                round: r.get(0)?,
                unit: r.get(1)?,
                kind: r.get(2)?,
                state: unit_state_of(&r.get::<_, String>(3)?),
                file: r.get(4)?,
                reported_at: r.get(5)?,
                time_source: r.get(6)?,
                late: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

fn unit_state_of(label: &str) -> UnitState {
    UnitState::ALL
        .into_iter()
        .find(|s| s.label() == label)
        .unwrap_or(UnitState::Missing)
}

impl Ledger {
    /// Everything the 台账 workbook shows.
    pub fn year(&self) -> Result<Year, LedgerError> {
        let rounds = self.rounds()?;
        let at = |seq: i64| rounds.iter().position(|r| r.seq == seq);
        let mut year = Year {
            rounds: rounds.clone(),
            ..Year::default()
        };
        let mut st = self.conn().prepare(
            "SELECT r.seq, r.name, t.task, t.status, t.percent, t.colour FROM task_states t
             JOIN rounds r ON r.id = t.round_id ORDER BY t.task, r.seq",
        )?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let Some(i) = at(r.get(0)?) else { continue };
            let slot = year
                .tasks
                .entry(r.get(2)?)
                .or_insert_with(|| vec![None; rounds.len()]);
            slot[i] = Some(TaskRound {
                round: r.get(1)?,
                status: status_of(&r.get::<_, String>(3)?),
                percent: r.get(4)?,
                colour: colour_of(&r.get::<_, String>(5)?),
            });
        }
        drop(rows);
        let mut index: HashMap<String, usize> = HashMap::new();
        for (i, round) in rounds.iter().enumerate() {
            for u in self.unit_states(round)? {
                let k = *index.entry(u.unit.clone()).or_insert_with(|| {
                    year.units
                        .push((u.unit.clone(), u.kind.clone(), vec![None; rounds.len()]));
                    year.units.len() - 1
                });
                year.units[k].2[i] = Some(u);
            }
        }
        Ok(year)
    }
}
