//! The receipts log of a returns folder (`收件记录.jsonl`): one JSON line per attachment
//! that `duban collect` saved from the office's mailbox, appended and never rewritten.
//!
//! It is what makes the arrival of a return known: the check orders a unit's returns by it
//! (before any time a workbook records of itself), and `status` and the ledger call a
//! return late when it arrived after the round's deadline. Lines that do not parse (a
//! write cut short) are skipped.

use std::collections::HashMap;
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
}

/// The receipts of `dir`, in the order written; a missing log is no receipts.
pub fn load(dir: &Path) -> Vec<Receipt> {
    let Ok(text) = crate::fsutil::read_text(&dir.join(RECEIPTS)) else {
        return Vec::new();
    };
    text.lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
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
