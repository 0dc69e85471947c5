//! What the office did to chase a round (schema version 3, `migrate_v3.sql`): each
//! reminder stage, 催办通知单 and 督办单, at most once per round, unit and stage, so that a
//! `duban remind` run by the scheduler every day does each thing once.

use rusqlite::{params, OptionalExtension};

use super::{Ledger, LedgerError};
use crate::domain::history::RoundInfo;

pub use crate::domain::history::Chase;

impl Ledger {
    /// Whether `unit` already got `stage` this round.
    pub fn chased(&self, round: &RoundInfo, unit: &str, stage: &str) -> Result<bool, LedgerError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT 1 FROM chases WHERE round_id = ?1 AND unit = ?2 AND stage = ?3",
                params![round.id, unit, stage],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    /// Records that `unit` got `stage` this round; a second record of the same is ignored.
    pub fn record_chase(&self, round: &RoundInfo, c: &Chase) -> Result<(), LedgerError> {
        self.conn().execute(
            "INSERT OR IGNORE INTO chases (round_id, unit, stage, on_date, outcome, number, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                round.id,
                c.unit,
                c.stage,
                c.date,
                c.outcome,
                c.number,
                crate::date::now_rfc3339()
            ],
        )?;
        Ok(())
    }

    /// The next number of a document series in `year` (督办催〔2020〕N号: N), counting the
    /// numbers the ledger holds that start with `prefix`.
    pub fn next_number(&self, prefix: &str) -> Result<u32, LedgerError> {
        let n: i64 = self.conn().query_row(
            "SELECT COUNT(DISTINCT number) FROM chases WHERE number LIKE ?1 || '%'",
            [prefix],
            |r| r.get(0),
        )?;
        Ok(u32::try_from(n).unwrap_or(0) + 1)
    }

    /// Everything done to chase `unit` (or every unit when `None`), round by round.
    pub fn chases(&self, unit: Option<&str>) -> Result<Vec<Chase>, LedgerError> {
        let mut st = self.conn().prepare(
            "SELECT r.name, c.unit, c.stage, c.on_date, c.outcome, c.number
             FROM chases c JOIN rounds r ON r.id = c.round_id
             WHERE ?1 IS NULL OR c.unit = ?1 ORDER BY r.seq, c.on_date, c.id",
        )?;
        let rows = st.query_map([unit], |r| {
            Ok(Chase {
                round: r.get(0)?,
                unit: r.get(1)?,
                stage: r.get(2)?,
                date: r.get(3)?,
                outcome: r.get(4)?,
                number: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The number `unit` was given at `stage` this round, if it got one.
    pub fn chase_number(
        &self,
        round: &RoundInfo,
        unit: &str,
        stage: &str,
    ) -> Result<Option<String>, LedgerError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT number FROM chases WHERE round_id = ?1 AND unit = ?2 AND stage = ?3",
                params![round.id, unit, stage],
                |r| r.get(0),
            )
            .optional()?
            .flatten())
    }

    /// The 存在问题 the hosts of `task` reported in `round`'s standing accepted returns.
    pub fn task_problems(
        &self,
        round: &RoundInfo,
        task: u32,
    ) -> Result<Vec<(String, String)>, LedgerError> {
        let mut st = self.conn().prepare(
            "SELECT w.unit, w.problems FROM rows w JOIN returns f ON f.id = w.return_id
             WHERE w.round_id = ?1 AND w.task = ?2 AND w.role = '主办' AND w.problems <> ''
               AND f.verdict = 'accepted' AND f.superseded_by IS NULL ORDER BY w.unit",
        )?;
        let rows = st.query_map(params![round.id, task], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
