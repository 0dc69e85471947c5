//! What becomes of each fetched message: which unit sent it, what its attachments are
//! named on disk, which are copies already saved, and the receipts that record it all.
//!
//! * **The unit** comes from the sender's address through the contacts (its `to` and `cc`
//!   columns); else from the attachment itself, as the check finds a return's unit (the
//!   template's identity, the 填报单位 line, the file name …), for all the unknown
//!   senders' attachments of a batch in one check; else from the message's other
//!   attachments; else it is [`UNKNOWN_SENDER`] and the summary names the address.
//! * **The name** is `<收到时间>_<单位>_<原文件名>` ([`crate::outputs::collected`]), the time
//!   the server received the message in the office's zone. A name already taken gets
//!   `_2`, `_3` … unless the file there holds the same bytes (a run cut short after
//!   saving, before logging): then it is that file.
//! * **Copies**: the same message delivered twice has one Message-ID; an attachment with
//!   the Message-ID and the bytes of one already saved is not saved again (its line in the
//!   log says `duplicate` and points at the first). A message without a Message-ID is
//!   matched by its sender, arrival and bytes instead (a mailbox moved to a new
//!   UIDVALIDITY keeps those).
//! * **Order of writing**: the files of a batch, each whole (atomic), then their lines in
//!   the log in one write: a crash leaves files the log does not hold yet, which the next
//!   run fetches again and finds already there.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::PathBuf;

use jiff::tz::Offset;
use jiff::Timestamp;

use super::bounce::Automatic;
use super::message::Parsed;
use super::route::{self, Folders, Routed};
use super::CollectError;
use crate::catalog::{sha256_hex, Catalog};
use crate::check::CheckOptions;
use crate::intake::{kind_of, Kind};
use crate::mail::contacts::Contacts;
use crate::mail::Role;
use crate::outputs::{self, UNKNOWN_SENDER};
use crate::receipts::{self, Log, Note, Receipt};

/// One message as fetched: its UID, when the server received it, and what it holds.
pub struct Incoming {
    pub uid: u32,
    pub received: Option<Timestamp>,
    /// The parsed message, or why it could not be read.
    pub parsed: Result<Parsed, String>,
}

/// A file saved in this run.
#[derive(Clone, Debug, PartialEq)]
pub struct SavedFile {
    pub receipt: Receipt,
    /// A workbook or a .zip: what the check reads as a return.
    pub spreadsheet: bool,
    /// The folder it was saved in (the receipt's path is relative to it).
    pub dir: PathBuf,
    /// Why it went elsewhere than the current round's folder, or is not sure to belong.
    pub routed: Option<Routed>,
}

/// One message taken in this run (a message that could not be read is a failure instead).
#[derive(Clone, Debug, PartialEq)]
pub struct Collected {
    pub uid: u32,
    pub message_id: String,
    pub sender: String,
    pub sender_name: String,
    pub reply_to: String,
    pub subject: String,
    pub received: Timestamp,
    /// The sender's unit: from the contacts, else from its attachments when they agree.
    pub unit: Option<String>,
    /// Whether the contacts know the sender's address.
    pub in_contacts: bool,
    pub saved: Vec<SavedFile>,
    /// Attachments not saved again: copies of ones already saved from another delivery
    /// of the message.
    pub copies: usize,
    /// Attachments not saved again: the same bytes attached more than once to this message.
    pub doubled: usize,
    /// Whether it carries a spreadsheet (saved now, or a copy of one saved before).
    pub has_spreadsheet: bool,
    /// A bounce or an auto-reply: nothing of it saved, no unit credited.
    pub automatic: Option<Automatic>,
}

/// Sender addresses → the units whose contacts list them (to or cc).
#[derive(Clone, Debug, Default)]
pub struct AddressBook {
    units: HashMap<String, Vec<String>>,
}

impl AddressBook {
    /// The units' addresses in a contacts file (leaders do not send returns).
    pub fn new(contacts: &Contacts) -> AddressBook {
        let mut units: HashMap<String, Vec<String>> = HashMap::new();
        for c in contacts.entries.iter().filter(|c| c.role == Role::Unit) {
            for a in c.to.iter().chain(&c.cc) {
                let list = units.entry(a.to_string().to_lowercase()).or_default();
                if !list.contains(&c.name) {
                    list.push(c.name.clone());
                }
            }
        }
        AddressBook { units }
    }

    /// The units an address belongs to.
    pub fn units(&self, address: &str) -> &[String] {
        self.units
            .get(&address.to_lowercase())
            .map_or(&[], Vec::as_slice)
    }
}

/// Saves messages into one folder and writes its receipts log.
pub struct Collector<'a> {
    folders: Folders,
    /// The logs of the folders written to, each locked while this run lasts.
    logs: HashMap<PathBuf, Log>,
    offset: Offset,
    uidvalidity: u32,
    book: AddressBook,
    catalog: &'a Catalog,
    check: CheckOptions,
    known: HashSet<(u32, u32)>,
    /// Copy keys of the files the logs hold → their folders and paths.
    copies: HashMap<String, (PathBuf, String)>,
    /// What this run took, message by message.
    pub taken: Vec<Collected>,
    /// Messages that could not be read, each in a sentence.
    pub failures: Vec<String>,
}

/// Where a copy's first file is: in the log already, or saved earlier in this batch.
#[derive(Clone)]
enum First {
    Logged(PathBuf, String),
    Pending(usize),
}

/// An attachment to save, or a copy of one.
struct Pending {
    message: usize,
    name: String,
    data: Vec<u8>,
    sha256: String,
    spreadsheet: bool,
    unit: Option<String>,
    /// The round the attachment names, when it is a return that names one.
    round: Option<String>,
    /// Where it goes, and why when not to the current round.
    dir: PathBuf,
    routed: Option<Routed>,
    received: Timestamp,
    copy_of: Option<First>,
    path: Option<String>,
}

impl<'a> Collector<'a> {
    /// Locks and reads the receipts log of the main folder (creating both if need be), and
    /// reads the logs of the others `folders` may file into.
    ///
    /// # Errors
    /// [`CollectError::Log`] when the folder or log cannot be made, or another `collect`
    /// is writing to it.
    pub fn open(
        folders: Folders,
        uidvalidity: u32,
        book: AddressBook,
        catalog: &'a Catalog,
        check: CheckOptions,
    ) -> Result<Collector<'a>, CollectError> {
        let mut logs = HashMap::new();
        let main = folders.main().to_path_buf();
        logs.insert(main.clone(), Log::open(&main)?);
        let offset = check.offset;
        let mut known = HashSet::new();
        let mut copies = HashMap::new();
        for dir in folders.all() {
            for r in receipts::load_all(&dir) {
                known.insert((r.uidvalidity, r.uid));
                if !r.sha256.is_empty() {
                    copies
                        .entry(copy_key(
                            &r.message_id,
                            &r.sender,
                            &r.received_at,
                            &r.sha256,
                        ))
                        .or_insert((dir.clone(), r.path.clone()));
                }
            }
        }
        Ok(Collector {
            folders,
            logs,
            offset,
            uidvalidity,
            book,
            catalog,
            check,
            known,
            copies,
            taken: Vec::new(),
            failures: Vec::new(),
        })
    }

    /// Whether the log holds the message with this UID (of this mailbox's UIDVALIDITY).
    pub fn is_known(&self, uid: u32) -> bool {
        self.known.contains(&(self.uidvalidity, uid))
    }

    /// Takes one batch of fetched messages: saves their attachments and logs them.
    ///
    /// # Errors
    /// [`CollectError::Write`] or [`CollectError::Log`] when the folder cannot be written:
    /// the run stops (what was logged before stays).
    pub fn take(&mut self, batch: Vec<Incoming>) -> Result<(), CollectError> {
        let first = self.taken.len();
        let mut pending: Vec<Pending> = Vec::new();
        let mut keys: HashMap<String, usize> = HashMap::new();
        for m in batch {
            let parsed = match m.parsed {
                Ok(p) => p,
                Err(why) => {
                    self.failures
                        .push(format!("UID {} 的邮件无法解析（{why}），未保存", m.uid));
                    continue;
                }
            };
            let received = m.received.unwrap_or_else(Timestamp::now);
            let Parsed {
                message_id,
                sender,
                sender_name,
                reply_to,
                subject,
                mut attachments,
                automatic,
            } = parsed;
            let mut units = self.book.units(&sender);
            if units.is_empty() {
                units = self.book.units(&reply_to);
            }
            let mut unit = (units.len() == 1).then(|| units[0].clone());
            let in_contacts = !units.is_empty();
            if automatic.is_some() {
                // What a bounce carries back is the office's own mail.
                attachments.clear();
                unit = None;
            }
            let index = self.taken.len();
            let received_at = crate::date::rfc3339_in(received, self.offset);
            for a in attachments {
                let sha256 = sha256_hex(&a.data);
                let key = copy_key(&message_id, &sender, &received_at, &sha256);
                let copy_of = match self.copies.get(&key) {
                    Some((dir, path)) => Some(First::Logged(dir.clone(), path.clone())),
                    None => keys.get(&key).map(|&i| First::Pending(i)),
                };
                if copy_of.is_none() {
                    keys.insert(key, pending.len());
                }
                pending.push(Pending {
                    message: index,
                    spreadsheet: matches!(kind_of(&a.name), Kind::Workbook | Kind::Archive),
                    name: a.name,
                    data: a.data,
                    sha256,
                    unit: unit.clone(),
                    round: None,
                    dir: PathBuf::new(),
                    routed: None,
                    received,
                    copy_of,
                    path: None,
                });
            }
            self.taken.push(Collected {
                uid: m.uid,
                message_id,
                sender,
                sender_name,
                reply_to,
                subject,
                received,
                unit,
                in_contacts,
                saved: Vec::new(),
                copies: 0,
                doubled: 0,
                has_spreadsheet: false,
                automatic,
            });
        }
        self.identify(&mut pending);
        self.place(&mut pending);
        let mut lines = Vec::new();
        let mut writes = Vec::new();
        for i in 0..pending.len() {
            self.save(&mut pending, i, &mut lines, &mut writes)?;
        }
        crate::fsutil::write_many_atomic(&writes)?;
        for (i, c) in self.taken.iter_mut().enumerate().skip(first) {
            if !pending.iter().any(|p| p.message == i) {
                let note = match c.automatic {
                    Some(_) => Note::Automatic,
                    None => Note::NoAttachment,
                };
                let r = receipt(c, self.uidvalidity, self.offset, Some(note));
                lines.push((self.folders.by_arrival(c.received), r));
            }
        }
        self.append(&lines)?;
        Ok(())
    }

    /// Appends each line to its folder's log (opening and locking it on first use).
    fn append(&mut self, lines: &[(PathBuf, Receipt)]) -> Result<(), CollectError> {
        let mut by_dir: Vec<(&PathBuf, Vec<Receipt>)> = Vec::new();
        for (dir, r) in lines {
            match by_dir.iter_mut().find(|(d, _)| *d == dir) {
                Some((_, v)) => v.push(r.clone()),
                None => by_dir.push((dir, vec![r.clone()])),
            }
        }
        for (dir, rs) in by_dir {
            if !self.logs.contains_key(dir) {
                self.logs.insert(dir.clone(), Log::open(dir)?);
            }
            self.logs.get_mut(dir).expect("opened").append(&rs)?;
            for r in &rs {
                self.known.insert((r.uidvalidity, r.uid));
            }
        }
        Ok(())
    }

    /// The folder of each attachment: a return by its round, the others with their
    /// message's returns, else by arrival.
    fn place(&self, pending: &mut [Pending]) {
        for p in pending.iter_mut().filter(|p| p.spreadsheet) {
            (p.dir, p.routed) = self.folders.place(p.round.as_deref(), p.received);
        }
        for i in 0..pending.len() {
            if pending[i].spreadsheet {
                continue;
            }
            let message = pending[i].message;
            pending[i].dir = match pending
                .iter()
                .find(|q| q.message == message && q.spreadsheet)
            {
                Some(q) => q.dir.clone(),
                None => self.folders.by_arrival(pending[i].received),
            };
        }
    }

    /// The unit and round of each return, from the return itself (one check for the
    /// batch): the unit its identity names wins over the sender's (one office mails
    /// several units' returns). The message's other attachments go to the unit its returns
    /// agree on, else stay with the sender's.
    fn identify(&mut self, pending: &mut [Pending]) {
        let files: Vec<(usize, &str, &[u8])> = pending
            .iter()
            .enumerate()
            .filter(|(_, p)| {
                p.copy_of.is_none()
                    && matches!(
                        kind_of(&p.name),
                        Kind::Workbook | Kind::Archive | Kind::Unreadable(_)
                    )
            })
            .map(|(i, p)| (i, p.name.as_str(), p.data.as_slice()))
            .collect();
        for (i, id) in route::identify(&files, self.catalog, &self.check) {
            let p = &mut pending[i];
            p.unit = id.unit.or(p.unit.take());
            p.round = id.round;
        }
        let mut by_message: HashMap<usize, BTreeSet<String>> = HashMap::new();
        for p in pending.iter().filter(|p| p.spreadsheet) {
            if let Some(u) = &p.unit {
                by_message.entry(p.message).or_default().insert(u.clone());
            }
        }
        for p in pending.iter_mut().filter(|p| !p.spreadsheet) {
            if let Some(units) = by_message.get(&p.message).filter(|u| u.len() == 1) {
                p.unit = units.iter().next().cloned();
            }
        }
        for (i, units) in by_message {
            let c = &mut self.taken[i];
            if c.unit.is_none() && units.len() == 1 {
                c.unit = units.into_iter().next();
            }
        }
    }

    /// Names one pending attachment and adds it to `writes` (or logs it as a copy), and
    /// adds its line.
    fn save(
        &mut self,
        pending: &mut [Pending],
        i: usize,
        lines: &mut Vec<(PathBuf, Receipt)>,
        writes: &mut Vec<(PathBuf, Vec<u8>)>,
    ) -> Result<(), CollectError> {
        let message = pending[i].message;
        let (first_path, same_message) = match pending[i].copy_of.clone() {
            Some(First::Logged(dir, path)) => (Some((dir, path)), false),
            Some(First::Pending(j)) => (
                pending[j].path.clone().map(|p| (pending[j].dir.clone(), p)),
                pending[j].message == message,
            ),
            None => (None, false),
        };
        let p = &mut pending[i];
        let c = &mut self.taken[message];
        c.has_spreadsheet |= p.spreadsheet;
        if let Some((dir, path)) = first_path {
            if same_message {
                c.doubled += 1;
            } else {
                c.copies += 1;
            }
            let mut r = receipt(c, self.uidvalidity, self.offset, Some(Note::Duplicate));
            r.unit = p.unit.clone().unwrap_or_else(|| UNKNOWN_SENDER.into());
            r.name = p.name.clone();
            r.sha256 = p.sha256.clone();
            r.path = path;
            lines.push((dir, r));
            return Ok(());
        }
        let unit = p.unit.clone().unwrap_or_else(|| UNKNOWN_SENDER.into());
        let stamp = crate::date::compact_in(c.received, self.offset);
        let base = outputs::collected(&stamp, &unit, &p.name);
        let mut name = base.clone();
        for n in 2.. {
            let path = p.dir.join(&name);
            let taken = writes.iter().any(|(w, _)| *w == path);
            if !taken && !path.exists() {
                writes.push((path, std::mem::take(&mut p.data)));
                break;
            }
            if !taken && sha256_hex(&crate::fsutil::read(&path)?) == p.sha256 {
                break; // saved by a run cut short before its log line
            }
            name = outputs::numbered(&base, n);
        }
        let mut r = receipt(c, self.uidvalidity, self.offset, None);
        r.unit = unit;
        r.name = p.name.clone();
        r.sha256 = p.sha256.clone();
        r.path = name.clone();
        self.copies.insert(
            copy_key(&r.message_id, &r.sender, &r.received_at, &r.sha256),
            (p.dir.clone(), name.clone()),
        );
        p.path = Some(name);
        c.saved.push(SavedFile {
            receipt: r.clone(),
            spreadsheet: p.spreadsheet,
            dir: p.dir.clone(),
            routed: p.routed.clone(),
        });
        lines.push((p.dir.clone(), r));
        Ok(())
    }
}

/// A message's line in the log, before its attachment's fields are filled.
fn receipt(c: &Collected, uidvalidity: u32, offset: Offset, note: Option<Note>) -> Receipt {
    Receipt {
        uid: c.uid,
        uidvalidity,
        message_id: c.message_id.clone(),
        sender: c.sender.clone(),
        unit: c.unit.clone().unwrap_or_else(|| UNKNOWN_SENDER.into()),
        received_at: crate::date::rfc3339_in(c.received, offset),
        subject: c.subject.clone(),
        name: String::new(),
        sha256: String::new(),
        path: String::new(),
        note,
        waited: false,
    }
}

/// What makes two attachments the same delivery: the Message-ID and the bytes, or, for a
/// message without a Message-ID, the sender, the arrival (as an instant) and the bytes.
fn copy_key(message_id: &str, sender: &str, received_at: &str, sha256: &str) -> String {
    if message_id.is_empty() {
        let at = received_at
            .parse::<Timestamp>()
            .map(crate::date::rfc3339)
            .unwrap_or_else(|_| received_at.to_string());
        format!("{sender}\n{at}\n{sha256}")
    } else {
        format!("{message_id}\n{sha256}")
    }
}

#[cfg(test)]
mod tests;
