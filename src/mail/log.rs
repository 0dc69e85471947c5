//! The sent log: `sent-log.jsonl` in the outbox, one JSON line per attempt, only ever
//! appended to.
//!
//! It is what makes a rerun safe. Before a message goes to the server a `sending` line is
//! written, and after the server answers a `sent` or `failed` line; a rerun skips every
//! recipient whose last line is `sent`, and also those left at `sending` (the run stopped
//! while the server was answering) or `uncertain` (the connection broke then): the message
//! may have arrived, so the office decides and uses `--resend-uncertain` or `--resend`. Appends are single `write` calls on a file opened for append, so a
//! line is whole or absent; a torn last line from a crash is ignored on reading.

use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::message::Draft;
use super::{Kind, MailError};

/// What happened to one message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Handed to the server; no answer recorded yet.
    Sending,
    /// The server accepted it.
    Sent,
    /// The server or the connection refused it.
    Failed,
    /// The connection broke after the message went, before the server answered: it may
    /// have been delivered. Not sent again without `--resend-uncertain` (or `--resend`).
    Uncertain,
    /// Not attempted: its attachment or address was missing.
    Blocked,
    /// Written to the outbox by a run without `--send` (`duban collect --reply` records
    /// these, so that a later run with `--send` delivers what was previewed).
    Drafted,
}

/// One line of the log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub kind: Kind,
    pub round: String,
    /// Canonical unit or leader name.
    pub recipient: String,
    /// Addresses (to, then cc).
    pub to: Vec<String>,
    pub attachments: Vec<String>,
    pub sha256: Vec<String>,
    pub message_id: String,
    /// UTC, RFC 3339.
    pub time: String,
    pub result: Outcome,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub error: String,
}

impl Entry {
    /// The line recording `result` for a draft: its recipient, addresses (to, then cc),
    /// attachments and Message-ID, at this moment.
    pub fn of(d: &Draft, result: Outcome, error: String) -> Entry {
        Entry {
            kind: d.kind,
            round: d.round.clone(),
            recipient: d.recipient.clone(),
            to: d
                .to
                .iter()
                .chain(&d.cc)
                .map(|m| m.email.to_string())
                .collect(),
            attachments: d.attachments.iter().map(|a| a.file_name.clone()).collect(),
            sha256: d.attachments.iter().map(|a| a.sha256.clone()).collect(),
            message_id: d.message_id(),
            time: now(),
            result,
            error,
        }
    }
}

/// Appends one line to an outbox's log, making the outbox if need be.
///
/// # Errors
/// [`MailError::SentLog`]: the run must stop sending, as the log could not say what went.
pub fn record(outbox: &Path, e: &Entry) -> Result<(), MailError> {
    std::fs::create_dir_all(outbox)
        .and_then(|_| append(outbox, e))
        .map_err(|source| MailError::SentLog {
            path: path(outbox),
            source,
        })
}

/// The log of an outbox.
pub fn path(outbox: &Path) -> PathBuf {
    outbox.join(crate::outputs::SENT_LOG)
}

/// Every readable line; lines that do not parse (a torn write) are counted, not fatal.
pub fn read(outbox: &Path) -> Result<(Vec<Entry>, usize), crate::fsutil::InputError> {
    let text = match crate::fsutil::read_text(&path(outbox)) {
        Ok(t) => t,
        Err(e) if e.is_not_found() => return Ok((Vec::new(), 0)),
        Err(e) => return Err(e),
    };
    let mut bad = 0;
    let entries = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .filter_map(|l| match serde_json::from_str(l) {
            Ok(e) => Some(e),
            Err(_) => {
                bad += 1;
                None
            }
        })
        .collect();
    Ok((entries, bad))
}

/// Appends one line and flushes it to disk before returning.
pub fn append(outbox: &Path, entry: &Entry) -> std::io::Result<()> {
    let mut line = serde_json::to_string(entry).map_err(std::io::Error::other)?;
    line.push('\n');
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .read(true)
        .append(true)
        .open(path(outbox))?;
    // After a torn line, start a new one so this entry stays readable.
    let len = f.metadata()?.len();
    if len > 0 {
        let mut last = [0u8; 1];
        f.seek(SeekFrom::Start(len - 1))?;
        f.read_exact(&mut last)?;
        if last[0] != b'\n' {
            line.insert(0, '\n');
        }
    }
    f.write_all(line.as_bytes())?;
    f.sync_data()
}

/// The last recorded outcome for a recipient of a kind and round.
pub fn last<'a>(
    entries: &'a [Entry],
    kind: Kind,
    round: &str,
    recipient: &str,
) -> Option<&'a Entry> {
    entries.iter().rev().find(|e| {
        e.kind == kind
            && e.round == round
            && e.recipient == recipient
            && e.result != Outcome::Blocked
    })
}

/// Now as `2020-04-01T08:30:00Z`.
pub fn now() -> String {
    crate::date::now_rfc3339()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn torn_lines_are_skipped_and_last_wins() {
        let dir = tempfile::tempdir().unwrap();
        let e = |result| Entry {
            kind: Kind::Templates,
            round: "R".into(),
            recipient: "区科技局".into(),
            to: vec![],
            attachments: vec![],
            sha256: vec![],
            message_id: "<x@y>".into(),
            time: now(),
            result,
            error: String::new(),
        };
        append(dir.path(), &e(Outcome::Sending)).unwrap();
        append(dir.path(), &e(Outcome::Sent)).unwrap();
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(path(dir.path()))
            .unwrap();
        f.write_all(b"{\"kind\":\"temp").unwrap();
        let (entries, bad) = read(dir.path()).unwrap();
        assert_eq!((entries.len(), bad), (2, 1));
        append(dir.path(), &e(Outcome::Failed)).unwrap();
        let (entries, bad) = read(dir.path()).unwrap();
        assert_eq!((entries.len(), bad), (3, 1));
        append(dir.path(), &e(Outcome::Sent)).unwrap();
        let (entries, _) = read(dir.path()).unwrap();
        assert_eq!(
            last(&entries, Kind::Templates, "R", "区科技局")
                .unwrap()
                .result,
            Outcome::Sent
        );
        assert!(last(&entries, Kind::Feedback, "R", "区科技局").is_none());
    }
}
