//! What keeps the year faithful (schema version 2): the catalog each round was merged with,
//! the order of merges (a round built on an older merge of an earlier round is stale and
//! must be merged again), and the 通报's 期号 kept per round.
//!
//! A version-1 ledger is brought to version 2 (and on to 3, [`super::chase`]) in place when opened, in one transaction
//! (`migrate_v2.sql`): every record stays, rounds merged before keep no catalog (the
//! workspace's current one stands for them until they are merged again).

use rusqlite::{params, Connection, OptionalExtension};

use super::{Ledger, LedgerError};
use crate::domain::history::RoundInfo;

const MIGRATE_V2: &str = include_str!("migrate_v2.sql");
const MIGRATE_V3: &str = include_str!("migrate_v3.sql");

/// Brings a ledger of `found` version up to the current one, in one transaction.
pub(super) fn migrate(conn: &Connection, found: i32) -> Result<(), LedgerError> {
    if found >= super::SCHEMA_VERSION {
        return Ok(());
    }
    let tx = conn.unchecked_transaction()?;
    if found < 2 {
        tx.execute_batch(MIGRATE_V2)?;
    }
    if found < 3 {
        tx.execute_batch(MIGRATE_V3)?;
    }
    tx.pragma_update(None, "user_version", super::SCHEMA_VERSION)?;
    tx.commit()?;
    Ok(())
}

/// Records `toml` (once per distinct text) and makes it the round's catalog; within the
/// merge's transaction.
pub(super) fn record_catalog(
    tx: &Connection,
    round_id: i64,
    toml: &str,
) -> Result<(), LedgerError> {
    let sha = crate::catalog::sha256_hex(toml.as_bytes());
    tx.execute(
        "INSERT OR IGNORE INTO catalogs (sha256, toml, recorded_at) VALUES (?1, ?2, ?3)",
        params![sha, toml, crate::date::now_rfc3339()],
    )?;
    tx.execute(
        "UPDATE rounds SET catalog_id = (SELECT id FROM catalogs WHERE sha256 = ?2),
         merge_serial = (SELECT COALESCE(MAX(merge_serial), 0) + 1 FROM rounds)
         WHERE id = ?1",
        params![round_id, sha],
    )?;
    Ok(())
}

impl Ledger {
    /// The catalog (its TOML text and its id) the round was last merged with; `None` for a
    /// round not merged, or merged by a duban before the ledger kept catalogs.
    pub fn catalog_of(&self, round: &RoundInfo) -> Result<Option<(i64, String)>, LedgerError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT c.id, c.toml FROM rounds r JOIN catalogs c ON c.id = r.catalog_id
                 WHERE r.id = ?1",
                [round.id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    /// The merged rounds built on an older merge of an earlier round: an earlier round was
    /// merged (again, or for the first time) after them. They must be merged again for
    /// their 上期状态 and 连续滞后 to stand.
    pub fn stale_rounds(&self) -> Result<Vec<RoundInfo>, LedgerError> {
        let mut st = self.conn().prepare(
            "SELECT r.name FROM rounds r WHERE r.merge_serial IS NOT NULL AND EXISTS (
                 SELECT 1 FROM rounds e WHERE e.seq < r.seq AND e.merge_serial > r.merge_serial)
             ORDER BY r.seq",
        )?;
        let names: Vec<String> = st.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
        let all = self.rounds()?;
        Ok(all
            .into_iter()
            .filter(|r| names.contains(&r.name))
            .collect())
    }

    /// Whether `round` must be merged again (see [`Ledger::stale_rounds`]).
    pub fn is_stale(&self, round: &RoundInfo) -> Result<bool, LedgerError> {
        Ok(self.stale_rounds()?.iter().any(|r| r.id == round.id))
    }

    /// The 期号 the round's 通报 carries, if one was written.
    pub fn bulletin_number(&self, round: &RoundInfo) -> Result<Option<String>, LedgerError> {
        Ok(self.conn().query_row(
            "SELECT bulletin_number FROM rounds WHERE id = ?1",
            [round.id],
            |r| r.get(0),
        )?)
    }

    /// Refuses `number` when another round's 通报 carries it.
    pub fn refuse_used_number(&self, round: &RoundInfo, number: &str) -> Result<(), LedgerError> {
        let other: Option<String> = self
            .conn()
            .query_row(
                "SELECT name FROM rounds WHERE bulletin_number = ?1 AND id <> ?2",
                params![number, round.id],
                |r| r.get(0),
            )
            .optional()?;
        match other {
            Some(round) => Err(LedgerError::NumberTaken {
                number: number.to_string(),
                round,
            }),
            None => Ok(()),
        }
    }

    /// Keeps `number` as the 期号 of the round's 通报.
    pub fn set_bulletin_number(&self, round: &RoundInfo, number: &str) -> Result<(), LedgerError> {
        self.conn().execute(
            "UPDATE rounds SET bulletin_number = ?2 WHERE id = ?1",
            params![round.id, number],
        )?;
        Ok(())
    }
}
