//! The receipts log of a returns folder (`收件记录.jsonl`): one JSON line per attachment
//! that `duban collect` saved from the office's mailbox, appended and never rewritten.
//!
//! It is what makes the arrival of a return known: the check orders a unit's returns by it
//! (before any time a workbook records of itself), and `status` and the ledger call a
//! return late when it arrived after the round's deadline. Lines that do not parse (a
//! write cut short) are skipped.
//!
//! It is also what makes `collect` safe to rerun: a message whose UIDVALIDITY and UID are
//! in it is not fetched again. So two kinds of line record a message without a file of its
//! own, marked by `note` (see [`Note`]); [`load`] leaves them out, [`load_all`] keeps them.
//! Only one `collect` writes to a folder at a time: [`Log::open`] locks the file.

use std::collections::HashMap;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::outputs::RECEIPTS;

/// One attachment saved from the mailbox.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Receipt {
    /// The message's IMAP UID and the mailbox's UIDVALIDITY: a message's identity.
    pub uid: u32,
    pub uidvalidity: u32,
    #[serde(default)]
    pub message_id: String,
    /// The sender's address.
    pub sender: String,
    /// The unit it was saved for, or `未识别发件人`.
    pub unit: String,
    /// When the server received the message (INTERNALDATE), RFC 3339 with its zone.
    pub received_at: String,
    #[serde(default)]
    pub subject: String,
    /// The attachment's name as sent, decoded.
    pub name: String,
    pub sha256: String,
    /// Where it was saved, relative to the folder of the log.
    pub path: String,
    /// Set on a line that saved no file (absent on the others).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Note>,
    /// Set on the lines `round new` moved in from 待归期/: the message waited for its round
    /// unanswered, and the first `collect --reply` for the round answers it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub waited: bool,
}

/// Why a line of the log saved no file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Note {
    /// The same message delivered again (the same Message-ID and the same bytes): not saved
    /// twice; `path` is where the first copy was saved, and its time stays the arrival.
    Duplicate,
    /// A message without any attachment: `name`, `sha256` and `path` are empty.
    NoAttachment,
    /// A bounce or an auto-reply: nothing saved, no unit credited.
    Automatic,
}

/// The receipts of `dir` for the files saved there, in the order written; a missing log
/// is no receipts.
pub fn load(dir: &Path) -> Vec<Receipt> {
    let mut all = load_all(dir);
    all.retain(|r| r.note.is_none());
    all
}

/// Every line of the log of `dir`, those that saved no file included.
pub fn load_all(dir: &Path) -> Vec<Receipt> {
    let Ok(text) = crate::fsutil::read_text(&dir.join(RECEIPTS)) else {
        return Vec::new();
    };
    text.lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

/// The receipts log of a folder, open for appending and locked against a second `collect`.
pub struct Log {
    file: File,
    path: PathBuf,
}

/// Why the log cannot be written.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    #[error("另一个 duban collect 正在向 {} 收件；请等它结束后再运行", .0.display())]
    Busy(PathBuf),
    #[error("无法写入收件记录 {}：{}", path.display(), crate::fsutil::describe_io(source))]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl Log {
    /// Opens (creating it and its folder if need be) the log of `dir` and locks it until
    /// the returned value is dropped (or the process ends).
    ///
    /// # Errors
    /// [`LogError::Busy`] while another process holds the lock; [`LogError::Io`] when the
    /// folder or the file cannot be made.
    pub fn open(dir: &Path) -> Result<Log, LogError> {
        let path = dir.join(RECEIPTS);
        let io = |source| LogError::Io {
            path: path.clone(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(io)?;
        let file = std::fs::OpenOptions::new()
            .create(true)
            .read(true)
            .append(true)
            .open(&path)
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => Ok(Log { file, path }),
            Err(std::fs::TryLockError::WouldBlock) => Err(LogError::Busy(dir.to_path_buf())),
            Err(std::fs::TryLockError::Error(e)) => Err(io(e)),
        }
    }

    /// Appends lines, in one write, and flushes them to disk before returning. After a
    /// torn last line (a crash) a new line is started, so these stay readable.
    pub fn append(&mut self, lines: &[Receipt]) -> Result<(), LogError> {
        if lines.is_empty() {
            return Ok(());
        }
        let mut text = String::new();
        let len = self.file.metadata().map_err(|e| self.error(e))?.len();
        if len > 0 {
            let mut last = [0u8; 1];
            self.file
                .seek(SeekFrom::Start(len - 1))
                .and_then(|_| self.file.read_exact(&mut last))
                .map_err(|e| self.error(e))?;
            if last[0] != b'\n' {
                text.push('\n');
            }
        }
        for r in lines {
            text.push_str(&serde_json::to_string(r).expect("a receipt serialises"));
            text.push('\n');
        }
        self.file
            .write_all(text.as_bytes())
            .and_then(|_| self.file.sync_data())
            .map_err(|e| self.error(e))
    }

    fn error(&self, source: std::io::Error) -> LogError {
        LogError::Io {
            path: self.path.clone(),
            source,
        }
    }
}

/// When each saved file arrived, for the folders among `paths` that hold a receipts log:
/// the file's path as the check names it (the folder joined with the saved name) → time.
pub fn received_times(paths: &[PathBuf]) -> HashMap<PathBuf, Timestamp> {
    let mut out = HashMap::new();
    for dir in paths.iter().filter(|p| p.is_dir()) {
        for r in load(dir) {
            if let Ok(t) = r.received_at.parse::<Timestamp>() {
                out.insert(dir.join(&r.path), t);
            }
        }
    }
    out
}

/// A return is late when it arrived after the last instant of the deadline's day in the
/// office's zone: one that arrives at 23:59 on the deadline is on time.
pub fn is_late(arrived: Timestamp, deadline: crate::date::Date, offset: jiff::tz::Offset) -> bool {
    arrived > deadline.end_of_day(offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_torn_line_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let r = Receipt {
            uid: 7,
            uidvalidity: 1,
            message_id: "<a@b>".into(),
            sender: "kj@example.org".into(),
            unit: "区科技局".into(),
            received_at: "2020-04-03T10:00:00+08:00".into(),
            subject: "报送".into(),
            name: "科技局.xlsx".into(),
            sha256: "00".into(),
            path: "20200403-100000_区科技局_科技局.xlsx".into(),
            note: None,
            waited: false,
        };
        let line = serde_json::to_string(&r).unwrap();
        std::fs::write(
            dir.path().join(RECEIPTS),
            format!("{line}\n{{\"uid\":8,\"uidv"),
        )
        .unwrap();
        assert_eq!(load(dir.path()), std::slice::from_ref(&r));
        let times = received_times(&[dir.path().to_path_buf()]);
        assert_eq!(
            times[&dir.path().join(&r.path)],
            "2020-04-03T02:00:00Z".parse::<Timestamp>().unwrap()
        );
    }

    #[test]
    fn late_means_after_the_deadline_day() {
        let deadline = crate::date::Date::parse("2020-04-05").unwrap();
        let at = |t: &str| t.parse::<Timestamp>().unwrap();
        let zone = crate::date::OFFICE_OFFSET;
        assert!(!is_late(at("2020-04-05T23:59:00+08:00"), deadline, zone));
        assert!(!is_late(at("2020-04-05T15:59:59Z"), deadline, zone));
        assert!(is_late(at("2020-04-06T00:00:01+08:00"), deadline, zone));
    }
}

#[cfg(test)]
mod log_tests {
    use super::*;

    fn receipt(uid: u32, note: Option<Note>) -> Receipt {
        Receipt {
            uid,
            uidvalidity: 9,
            message_id: format!("<{uid}@x>"),
            sender: "kj@example.org".into(),
            unit: "区科技局".into(),
            received_at: "2020-04-03T10:00:00+08:00".into(),
            subject: "报送".into(),
            name: "a.xlsx".into(),
            sha256: "00".into(),
            path: format!("{uid}.xlsx"),
            note,
            waited: false,
        }
    }

    #[test]
    fn lines_without_a_file_are_kept_apart_and_a_second_writer_waits() {
        let dir = tempfile::tempdir().unwrap();
        let mut log = Log::open(dir.path()).unwrap();
        assert!(matches!(Log::open(dir.path()), Err(LogError::Busy(_))));
        log.append(&[receipt(1, None), receipt(2, Some(Note::Duplicate))])
            .unwrap();
        // A torn line from a crash, then more lines: those stay readable.
        std::fs::OpenOptions::new()
            .append(true)
            .open(dir.path().join(RECEIPTS))
            .unwrap()
            .write_all(b"{\"uid\":3,")
            .unwrap();
        log.append(&[receipt(4, Some(Note::NoAttachment))]).unwrap();
        drop(log);
        let all: Vec<u32> = load_all(dir.path()).iter().map(|r| r.uid).collect();
        assert_eq!(all, [1, 2, 4]);
        assert_eq!(load(dir.path()), [receipt(1, None)]);
        let text = std::fs::read_to_string(dir.path().join(RECEIPTS)).unwrap();
        assert!(text.contains("\"note\":\"no-attachment\""), "{text}");
        assert!(!text.lines().next().unwrap().contains("note"), "{text}");
        Log::open(dir.path()).expect("the lock ends with its holder");
    }
}
