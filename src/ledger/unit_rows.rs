//! A unit's own rows over the year, from the returns that stood in each round.

use super::{Ledger, LedgerError};
use crate::domain::history::UnitRow;

impl Ledger {
    /// Every row `unit` reported in its accepted, not superseded returns, by task and
    /// round in order.
    pub fn unit_rows(&self, unit: &str) -> Result<Vec<UnitRow>, LedgerError> {
        let mut st = self.conn().prepare(
            "SELECT r.name, w.task, w.role, w.status, w.percent, w.progress
             FROM rows w JOIN returns f ON f.id = w.return_id JOIN rounds r ON r.id = w.round_id
             WHERE w.unit = ?1 AND f.verdict = 'accepted' AND f.superseded_by IS NULL
             ORDER BY w.task, r.seq",
        )?;
        let rows = st.query_map([unit], |r| {
            Ok(UnitRow {
                round: r.get(0)?,
                task: r.get(1)?,
                role: r.get(2)?,
                status: r.get(3)?,
                percent: r.get(4)?,
                progress: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
