//! Last round as the next round's templates show it: the rows each unit reported in the
//! round before, and how each unit reported then.

use super::{Ledger, LedgerError};
use crate::domain::history::{LastRound, RoundInfo};
use crate::domain::status::Status;

impl Ledger {
    /// Last round for the templates of `round`: the registered round before it (for a
    /// round not registered yet, the latest), when it was merged; `None` for a first
    /// round, or when the round before has not been merged (there is nothing to show,
    /// and nothing for 照抄上期 to compare with either).
    pub fn last_round(&self, round: Option<&RoundInfo>) -> Result<Option<LastRound>, LedgerError> {
        let prev = match round {
            Some(r) => self.previous(r)?,
            None => self.latest()?,
        };
        let Some(prev) = prev.filter(|p| p.merged_at.is_some()) else {
            return Ok(None);
        };
        let units = self
            .unit_states(&prev)?
            .into_iter()
            .map(|u| (u.unit, u.state))
            .collect();
        let mut st = self
            .conn()
            .prepare("SELECT task, status FROM task_states WHERE round_id = ?1")?;
        let tasks = st
            .query_map([prev.id], |r| {
                let status: String = r.get(1)?;
                Ok((
                    r.get(0)?,
                    Status::parse_label(&status).unwrap_or(Status::Unreported),
                ))
            })?
            .collect::<Result<_, _>>()?;
        Ok(Some(LastRound {
            rows: self.rows_of(&prev)?,
            round: prev.name,
            units,
            tasks,
        }))
    }
}
