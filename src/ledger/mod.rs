//! 督办台账: the year's ledger, one SQLite file in the workspace (`督办台账.db`).
//!
//! Every round the office runs is recorded when it is merged, in one transaction: the
//! round, each return read (file, sha256, unit, when it arrived or was saved, verdict),
//! each (unit, task) row as read, each task's derived status, percent, colour and flags,
//! each unit's reporting state, and every issue. Merging a round again replaces it, and a
//! merge that fails leaves the ledger as it was. The schema is versioned
//! (`PRAGMA user_version`, [`SCHEMA_VERSION`]) and documented in `schema.sql` and the
//! README, so the office can open the file with any SQLite tool; SQLite itself is compiled
//! in (rusqlite's bundled build): nothing to install.
//!
//! What the history answers — the streak of lagging rounds, last round's rows for the
//! 照抄上期 check, which tasks are 办结 — is read here too ([`history`]).

pub mod chase;
pub mod history;
mod last_round;
mod rounds;
mod sqlite;
mod unit_rows;
pub mod year;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use jiff::tz::Offset;
use rusqlite::{params, Connection, OptionalExtension};

use crate::date::{self, Date};
use crate::domain::history::RoundInfo;
use crate::domain::report::{CheckReport, FileReport};
use crate::domain::status::UnitState;
use crate::domain::summary::Summary;

/// The schema version this duban writes and reads.
pub const SCHEMA_VERSION: i32 = 3;

const SCHEMA: &str = include_str!("schema.sql");

/// A ledger that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("台账 {} 打不开或已损坏：{message}", path.display())]
    Open { path: PathBuf, message: String },
    #[error("台账 {} 已存在，未覆盖", path.display())]
    Exists { path: PathBuf },
    #[error("台账 {} 由较新版本的 duban 写成（版本 {found}，本程序支持 {SCHEMA_VERSION}）：请升级 duban", path.display())]
    Newer { path: PathBuf, found: i32 },
    #[error("读写台账出错：{}", sqlite::reason(.0))]
    Sql(#[from] rusqlite::Error),
    #[error("台账中没有期次“{0}”：请先用 duban round new 登记本期")]
    NoRound(String),
    #[error("台账中还没有任何期次：请先用 duban round new 登记一期")]
    NoRounds,
    /// A 期号 that another round's 通报 already carries.
    #[error("期号“{number}”已用于“{round}”的通报，未写入；请换一个期号")]
    NumberTaken { number: String, round: String },
    #[error(transparent)]
    RoundName(#[from] crate::domain::round::RoundNameError),
}

/// The id of a [`RoundInfo`] not yet in the ledger (SQLite's ids start at 1).
const UNRECORDED: i64 = 0;

/// The ledger file, open.
pub struct Ledger {
    conn: Connection,
    path: PathBuf,
}

impl Ledger {
    /// Creates a new ledger file with the current schema; refuses an existing file.
    pub fn create(path: &Path) -> Result<Ledger, LedgerError> {
        if path.exists() {
            return Err(LedgerError::Exists {
                path: path.to_path_buf(),
            });
        }
        let ledger = Ledger::connect(path)?;
        let tx = ledger.conn.unchecked_transaction()?;
        tx.execute_batch(SCHEMA)?;
        tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        tx.commit()?;
        Ok(ledger)
    }

    /// Opens an existing ledger, refusing one written by a newer duban.
    pub fn open(path: &Path) -> Result<Ledger, LedgerError> {
        if !path.exists() {
            return Err(LedgerError::Open {
                path: path.to_path_buf(),
                message: "文件不存在".into(),
            });
        }
        let ledger = Ledger::connect(path)?;
        let found: i32 = ledger
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(|e| ledger.broken(e))?;
        if found > SCHEMA_VERSION {
            return Err(LedgerError::Newer {
                path: path.to_path_buf(),
                found,
            });
        }
        if found < 1 {
            return Err(LedgerError::Open {
                path: path.to_path_buf(),
                message: "不是督办台账（没有版本号）".into(),
            });
        }
        // An older ledger is brought up to this version, every record kept.
        year::migrate(&ledger.conn, found)?;
        Ok(ledger)
    }

    fn connect(path: &Path) -> Result<Ledger, LedgerError> {
        let conn = Connection::open(path).map_err(|e| LedgerError::Open {
            path: path.to_path_buf(),
            message: sqlite::reason(&e),
        })?;
        conn.pragma_update(None, "foreign_keys", true)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        Ok(Ledger {
            conn,
            path: path.to_path_buf(),
        })
    }

    fn broken(&self, e: rusqlite::Error) -> LedgerError {
        LedgerError::Open {
            path: self.path.clone(),
            message: sqlite::reason(&e),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The connection, for the queries of [`history`].
    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Records a round (or updates its deadline and date); a new round comes last.
    pub fn add_round(
        &self,
        name: &str,
        deadline: Option<Date>,
        as_of: Option<Date>,
    ) -> Result<RoundInfo, LedgerError> {
        let iso = |d: Option<Date>| d.map(|d| d.iso());
        if self.round(name)?.is_none() {
            self.check_new_name(name)?;
        }
        if self.round(name)?.is_some() {
            self.conn.execute(
                "UPDATE rounds SET deadline = COALESCE(?2, deadline), as_of = COALESCE(?3, as_of) WHERE name = ?1",
                params![name, iso(deadline), iso(as_of)],
            )?;
        } else {
            self.conn.execute(
                "INSERT INTO rounds (name, seq, deadline, as_of, created_at)
                 VALUES (?1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM rounds), ?2, ?3, ?4)",
                params![name, iso(deadline), iso(as_of), date::now_rfc3339()],
            )?;
        }
        self.round(name)?
            .ok_or_else(|| LedgerError::NoRound(name.to_string()))
    }

    /// A round about to be registered: its name can name its folder, and no round
    /// registered already would share that folder on a disk blind to case.
    fn check_new_name(&self, name: &str) -> Result<(), LedgerError> {
        use crate::domain::round::{Round, RoundNameError};
        Round::check_name(name)?;
        let key = Round::folder_key(name);
        let mut stmt = self.conn.prepare("SELECT name FROM rounds")?;
        let names = stmt.query_map([], |r| r.get::<_, String>(0))?;
        for other in names {
            let other = other?;
            if other != name && Round::folder_key(&other) == key {
                return Err(RoundNameError::SharesFolder {
                    name: name.to_string(),
                    other,
                }
                .into());
            }
        }
        Ok(())
    }

    /// The round a merge records: the ledger's own (with `as_of`, when given, in its place)
    /// or, for a round not registered yet, the one it will be, last in order. Nothing is
    /// written here: [`Ledger::stage`] registers it with the merge's record, so a merge that
    /// fails leaves no round behind.
    pub fn planned(&self, name: &str, as_of: Option<Date>) -> Result<RoundInfo, LedgerError> {
        if let Some(mut r) = self.round(name)? {
            r.as_of = as_of.or(r.as_of);
            return Ok(r);
        }
        self.check_new_name(name)?;
        let seq: i64 =
            self.conn
                .query_row("SELECT COALESCE(MAX(seq), 0) + 1 FROM rounds", [], |r| {
                    r.get(0)
                })?;
        Ok(RoundInfo {
            id: UNRECORDED,
            name: name.to_string(),
            seq,
            deadline: None,
            as_of,
            created_at: date::now_rfc3339(),
            merged_at: None,
        })
    }

    /// Every round, in order.
    pub fn rounds(&self) -> Result<Vec<RoundInfo>, LedgerError> {
        let mut st = self.conn.prepare(
            "SELECT id, name, seq, deadline, as_of, created_at, merged_at FROM rounds ORDER BY seq",
        )?;
        let rows = st.query_map([], round_info)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// A round by name, as written or under another spelling of it.
    pub fn round(&self, name: &str) -> Result<Option<RoundInfo>, LedgerError> {
        let exact = self
            .conn
            .query_row(
                "SELECT id, name, seq, deadline, as_of, created_at, merged_at FROM rounds WHERE name = ?1",
                [name],
                round_info,
            )
            .optional()?;
        match exact {
            Some(r) => Ok(Some(r)),
            None => self.round_by_key(name),
        }
    }

    /// The last round recorded.
    pub fn latest(&self) -> Result<Option<RoundInfo>, LedgerError> {
        Ok(self.rounds()?.pop())
    }

    /// The round before `round`.
    pub fn previous(&self, round: &RoundInfo) -> Result<Option<RoundInfo>, LedgerError> {
        Ok(self.rounds()?.into_iter().rfind(|r| r.seq < round.seq))
    }

    /// The summary of a round's last merge (`<期次>_汇总.json` as recorded), if merged.
    pub fn summary(&self, round: &RoundInfo) -> Result<Option<Summary>, LedgerError> {
        let text: Option<String> = self.conn.query_row(
            "SELECT summary FROM rounds WHERE id = ?1",
            [round.id],
            |r| r.get(0),
        )?;
        Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
    }

    /// Writes a merge of `round` into an open transaction that replaces whatever the
    /// ledger held of it; nothing is seen until [`Pending::commit`], and a failure, a
    /// dropped [`Pending`] or a killed process leaves the earlier record whole. The merge
    /// stages its record while its outputs are written, and commits once they exist.
    pub fn stage(
        &mut self,
        round: &RoundInfo,
        report: &CheckReport,
        summary: &Summary,
        catalog_toml: &str,
        offset: Offset,
    ) -> Result<Pending<'_>, LedgerError> {
        // IMMEDIATE: the write lock is taken now, not at the first insert.
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        let pending = Pending { ledger: self };
        let conn = &pending.ledger.conn;
        let iso = |d: Option<Date>| d.map(|d| d.iso());
        let mut round = round.clone();
        if round.id == UNRECORDED {
            conn.execute(
                "INSERT INTO rounds (name, seq, deadline, as_of, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![round.name, round.seq, iso(round.deadline), iso(round.as_of), round.created_at],
            )?;
            round.id = conn.last_insert_rowid();
        } else {
            conn.execute(
                "UPDATE rounds SET as_of = ?2 WHERE id = ?1",
                params![round.id, iso(round.as_of)],
            )?;
        }
        replace_round(conn, &round, report, summary, offset)?;
        year::record_catalog(conn, round.id, catalog_toml)?;
        Ok(pending)
    }

    /// Marks a task 办结 from the next round on (the next round created after now).
    pub fn close_task(&self, task: u32, note: &str) -> Result<(), LedgerError> {
        self.task_event(task, "close", note)
    }

    /// Undoes [`Ledger::close_task`] from the next round on.
    pub fn reopen_task(&self, task: u32) -> Result<(), LedgerError> {
        self.task_event(task, "reopen", "")
    }

    fn task_event(&self, task: u32, action: &str, note: &str) -> Result<(), LedgerError> {
        let after = self.latest()?.map_or(0, |r| r.seq);
        self.conn.execute(
            "INSERT INTO task_events (task, action, after_seq, note, at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![task, action, after, note, date::now_rfc3339()],
        )?;
        Ok(())
    }

    /// The tasks 办结 for a round: those whose last close-or-reopen event was recorded before
    /// the round came (a round created after the event).
    pub fn closed_for(&self, seq: i64) -> Result<BTreeSet<u32>, LedgerError> {
        let mut st = self
            .conn
            .prepare("SELECT task, action FROM task_events WHERE after_seq < ?1 ORDER BY id")?;
        let mut closed = BTreeSet::new();
        for row in st.query_map([seq], |r| Ok((r.get::<_, u32>(0)?, r.get::<_, String>(1)?)))? {
            let (task, action) = row?;
            if action == "close" {
                closed.insert(task);
            } else {
                closed.remove(&task);
            }
        }
        Ok(closed)
    }

    /// The tasks 办结 for the next round to be created (what `task close` has decided).
    pub fn closed_next(&self) -> Result<BTreeSet<u32>, LedgerError> {
        self.closed_for(self.latest()?.map_or(0, |r| r.seq) + 1)
    }
}

/// A round's record written in a transaction not yet committed (see [`Ledger::stage`]).
/// Dropped without [`Pending::commit`], it is rolled back. It holds the ledger, not a
/// `rusqlite::Transaction`, so that it can be staged on another thread.
pub struct Pending<'a> {
    ledger: &'a mut Ledger,
}

impl Pending<'_> {
    pub fn commit(self) -> Result<(), LedgerError> {
        // A commit that fails drops `self`, which rolls back.
        if crate::fault::armed("ledger", "full") {
            let full = rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL);
            return Err(rusqlite::Error::SqliteFailure(full, None).into());
        }
        self.ledger.conn.execute_batch("COMMIT")?;
        std::mem::forget(self);
        Ok(())
    }
}

impl Drop for Pending<'_> {
    fn drop(&mut self) {
        // Nothing more can be done about a rollback that fails: SQLite rolls back an
        // unfinished transaction itself when the connection closes.
        let _ = self.ledger.conn.execute_batch("ROLLBACK");
    }
}

fn round_info(r: &rusqlite::Row<'_>) -> rusqlite::Result<RoundInfo> {
    let date = |s: Option<String>| s.and_then(|s| Date::parse(&s).ok());
    Ok(RoundInfo {
        id: r.get(0)?,
        name: r.get(1)?,
        seq: r.get(2)?,
        deadline: date(r.get(3)?),
        as_of: date(r.get(4)?),
        created_at: r.get(5)?,
        merged_at: r.get(6)?,
    })
}

/// How a time that came from the receipts is named: an arrival, the only time judged.
const ARRIVED: &str = "收件";

/// When a unit's standing return reported, and whether that was after the deadline.
///
/// The one rule for 按时 / 逾期, the same in `status`, the 台账, the ledger and the bulletin:
/// only an arrival (收件, from the mailbox's receipts) is judged against the deadline. A
/// workbook's saved time is shown as 保存时间 but never judged: it is the unit's own clock,
/// and a file saved on time may be sent days later.
fn reported(
    standing: Option<&FileReport>,
    deadline: Option<Date>,
    offset: Offset,
) -> (Option<String>, Option<&'static str>, Option<bool>) {
    let Some(f) = standing else {
        return (None, None, None);
    };
    let (time, source) = match (
        &f.received_at,
        f.data.as_ref().and_then(|d| d.modified.clone()),
    ) {
        (Some(t), _) => (date::instant(t, offset), Some(ARRIVED)),
        (None, Some(saved)) => (date::instant(&saved, offset), Some("保存时间")),
        (None, None) => (None, None),
    };
    let late = match (time, deadline, source) {
        (Some(t), Some(d), Some(ARRIVED)) => Some(crate::receipts::is_late(t, d, offset)),
        _ => None,
    };
    (time.map(|t| date::rfc3339_in(t, offset)), source, late)
}

/// Each expected unit of a merge with when it reported and whether on time: what the
/// ledger records and `status` shows.
pub fn unit_records(
    round: &str,
    summary: &Summary,
    report: &CheckReport,
    deadline: Option<Date>,
    offset: Offset,
) -> Vec<crate::domain::history::UnitRecord> {
    let standing = report.standing();
    summary
        .units
        .iter()
        .map(|u| {
            let (reported_at, source, late) = if u.state == UnitState::Missing {
                (None, None, None)
            } else {
                reported(standing.get(u.unit.as_str()).copied(), deadline, offset)
            };
            crate::domain::history::UnitRecord {
                round: round.to_string(),
                unit: u.unit.clone(),
                kind: u.kind.clone(),
                state: u.state,
                file: u.file.clone(),
                reported_at,
                time_source: source.map(String::from),
                late,
            }
        })
        .collect()
}

fn replace_round(
    tx: &Connection,
    round: &RoundInfo,
    report: &CheckReport,
    summary: &Summary,
    offset: Offset,
) -> Result<(), LedgerError> {
    let id = round.id;
    // Children go with their round (ON DELETE CASCADE would need the round deleted).
    for table in ["issues", "rows", "returns", "task_states", "unit_states"] {
        tx.execute(&format!("DELETE FROM {table} WHERE round_id = ?1"), [id])?;
    }
    let mut ret = tx.prepare(
        "INSERT INTO returns (round_id, path, sha256, unit, received_at, saved_at, verdict, superseded_by, late)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    let mut row = tx.prepare(
        "INSERT INTO rows (return_id, round_id, unit, task, role, status, percent, progress, problems, next_steps, remarks, sheet, row)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?;
    let mut issue = tx.prepare(
        "INSERT INTO issues (return_id, round_id, code, severity, sheet, cell, row, task, message, fix)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    for (i, f) in report.files.iter().enumerate() {
        if i == report.files.len() / 2 && crate::fault::armed("ledger", "abort") {
            // A process killed halfway through recording (a test's way to cut the power).
            std::process::abort();
        }
        let received = f
            .received_at
            .as_deref()
            .and_then(|t| date::instant(t, offset));
        let late = match (received, round.deadline) {
            (Some(t), Some(d)) => Some(crate::receipts::is_late(t, d, offset)),
            _ => None,
        };
        let verdict = match f.status {
            crate::domain::report::FileStatus::Accepted => "accepted",
            crate::domain::report::FileStatus::Rejected => "rejected",
        };
        ret.execute(params![
            id,
            f.path.to_string_lossy(),
            f.sha256,
            f.unit,
            f.received_at,
            f.data.as_ref().and_then(|d| d.modified.clone()),
            verdict,
            f.superseded_by
                .as_ref()
                .map(|p| p.to_string_lossy().into_owned()),
            late,
        ])?;
        let return_id = tx.last_insert_rowid();
        if let (Some(unit), Some(data)) = (&f.unit, &f.data) {
            for r in &data.rows {
                row.execute(params![
                    return_id,
                    id,
                    unit,
                    r.task,
                    r.role.map(|x| x.label()),
                    r.status.map(|s| s.label()),
                    r.percent,
                    r.progress,
                    r.problems,
                    r.next_steps,
                    r.remarks,
                    r.sheet,
                    r.row,
                ])?;
            }
        }
        for x in &f.issues {
            issue.execute(params![
                return_id,
                id,
                x.code.as_str(),
                match x.severity() {
                    crate::domain::codes::Severity::Error => "error",
                    crate::domain::codes::Severity::Warning => "warning",
                },
                x.sheet,
                x.cell(),
                x.row,
                x.task,
                x.message,
                x.fix,
            ])?;
        }
    }
    let mut task = tx.prepare(
        "INSERT INTO task_states (round_id, task, status, percent, colour, behind) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for t in &summary.tasks {
        task.execute(params![
            id,
            t.number,
            t.status.label(),
            t.percent,
            t.colour.label(),
            t.behind
        ])?;
    }
    let mut unit = tx.prepare(
        "INSERT INTO unit_states (round_id, unit, kind, state, file, reported_at, time_source, late)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for u in unit_records(&round.name, summary, report, round.deadline, offset) {
        unit.execute(params![
            id,
            u.unit,
            u.kind,
            u.state.label(),
            u.file,
            u.reported_at,
            u.time_source,
            u.late
        ])?;
    }
    tx.execute(
        "UPDATE rounds SET merged_at = ?2, schedule = ?3, summary = ?4 WHERE id = ?1",
        params![
            id,
            date::now_rfc3339(),
            summary.schedule,
            serde_json::to_string(summary).expect("a summary serialises")
        ],
    )?;
    Ok(())
}
