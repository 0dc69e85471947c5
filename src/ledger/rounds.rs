//! Rounds as the office corrects them: found under any spelling of their name, renamed,
//! removed. Plain updates and deletes in one transaction each; the schema is untouched.

use rusqlite::params;

use super::{Ledger, LedgerError};
use crate::domain::history::RoundInfo;
use crate::domain::round::round_key;

impl Ledger {
    /// The round recorded under another spelling of `name` (same [`round_key`]), if any:
    /// "2020年二季度" finds 2020年第二季度.
    pub(super) fn round_by_key(&self, name: &str) -> Result<Option<RoundInfo>, LedgerError> {
        let key = round_key(name);
        Ok(self
            .rounds()?
            .into_iter()
            .find(|r| round_key(&r.name) == key))
    }

    /// How many returns the round's last merge recorded.
    pub fn returns_recorded(&self, round: &RoundInfo) -> Result<i64, LedgerError> {
        Ok(self.conn.query_row(
            "SELECT COUNT(*) FROM returns WHERE round_id = ?1",
            [round.id],
            |r| r.get(0),
        )?)
    }

    /// Gives `round` the name `new`, keeping every record of it. The paths recorded under
    /// `rounds/<old>/` follow the folder to `rounds/<new>/`, and the last merge's summary
    /// names the new round. `done` runs inside the transaction (it moves the files): when it
    /// fails, nothing is changed.
    pub fn rename_round<E: From<LedgerError>>(
        &self,
        round: &RoundInfo,
        new: &str,
        old_dir: &str,
        new_dir: &str,
        done: impl FnOnce() -> Result<(), E>,
    ) -> Result<(), E> {
        let tx = self
            .conn
            .unchecked_transaction()
            .map_err(LedgerError::from)?;
        let id = round.id;
        tx.execute(
            "UPDATE rounds SET name = ?2 WHERE id = ?1",
            params![id, new],
        )
        .map_err(LedgerError::from)?;
        let summary: Option<String> = tx
            .query_row("SELECT summary FROM rounds WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .map_err(LedgerError::from)?;
        if let Some(mut v) =
            summary.and_then(|s| serde_json::from_str::<serde_json::Value>(&s).ok())
        {
            v["round"] = serde_json::Value::from(new);
            tx.execute(
                "UPDATE rounds SET summary = ?2 WHERE id = ?1",
                params![id, v.to_string()],
            )
            .map_err(LedgerError::from)?;
        }
        let (from, to) = (format!("rounds/{old_dir}/"), format!("rounds/{new_dir}/"));
        for (table, column) in [
            ("returns", "path"),
            ("returns", "superseded_by"),
            ("unit_states", "file"),
        ] {
            tx.execute(
                &format!(
                    "UPDATE {table} SET {column} = replace({column}, ?2, ?3) WHERE round_id = ?1"
                ),
                params![id, from, to],
            )
            .map_err(LedgerError::from)?;
        }
        done()?;
        tx.commit().map_err(LedgerError::from)?;
        Ok(())
    }

    /// Deletes `round` and everything recorded of it. The later rounds keep their numbers;
    /// a 办结 recorded after the last round that is removed counts from the round now last.
    /// `done` runs inside the transaction (it archives the files).
    pub fn remove_round<E: From<LedgerError>>(
        &self,
        round: &RoundInfo,
        done: impl FnOnce() -> Result<(), E>,
    ) -> Result<(), E> {
        let tx = self
            .conn
            .unchecked_transaction()
            .map_err(LedgerError::from)?;
        tx.execute("DELETE FROM rounds WHERE id = ?1", [round.id])
            .map_err(LedgerError::from)?;
        tx.execute(
            "UPDATE task_events SET after_seq = (SELECT COALESCE(MAX(seq), 0) FROM rounds)
             WHERE after_seq > (SELECT COALESCE(MAX(seq), 0) FROM rounds)",
            [],
        )
        .map_err(LedgerError::from)?;
        done()?;
        tx.commit().map_err(LedgerError::from)?;
        Ok(())
    }
}
