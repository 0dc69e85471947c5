//! Answering the senders (`collect --reply`): 已通过 with a one-line summary, 退回 with the
//! problem list attached and the problems in the body, or 模板未填写 when all the message
//! carried was the untouched template (no problem list: there is nothing to correct, only
//! to fill in), through the mail machinery (texts in templates/mail/accepted.txt,
//! returned.txt and untouched.txt, the outbox's sent log, a dry run unless `--send`).
//!
//! What is answered: each message collected in this run whose returns the check of the
//! whole folder reads, once, to its sender, about the returns that stand (a return
//! superseded by a later one of its unit is not answered on its own). Also each message
//! collected earlier whose answer was written but not delivered (a run without `--send`,
//! or a failed send): so a preview, then the same command with `--send`, sends what was
//! previewed. A message that waited in 待归期/ for its round is not answered then, but by
//! the first run for its round after `round new` took it in. An answer's Message-ID is made from the round, the address and the returns'
//! SHA-256 ([`Draft::message_id`]), and the sent log holds it: a sender never gets a second
//! answer for the same return, whatever the check says of it later.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use jiff::tz::Offset;
use jiff::Timestamp;
use lettre::message::Mailbox;

use super::save::Collected;
use crate::domain::report::{CheckReport, FileReport, FileStatus, Issue};
use crate::domain::status::Status;
use crate::mail::contacts::Contacts;
use crate::mail::log::{self, Entry, Outcome};
use crate::mail::message::{Answer, Attachment, Draft};
use crate::mail::plan::problem_lines;
use crate::mail::text::MailText;
use crate::mail::{Kind, MailError, Role};
use crate::outputs;
use crate::receipts::{self, Receipt};

/// A message to answer, as the receipts know it.
#[derive(Clone, Debug, PartialEq)]
pub struct Letter {
    pub uidvalidity: u32,
    pub uid: u32,
    pub message_id: String,
    /// The address answered: the message's From.
    pub sender: String,
    /// The sender's name, when this run read it from the message.
    pub sender_name: String,
    pub subject: String,
    pub received: Timestamp,
    /// The unit the receipts name (or [`outputs::UNKNOWN_SENDER`]).
    pub unit: String,
    /// The files saved from it.
    pub files: Vec<Receipt>,
}

impl Letter {
    /// A message this run collected.
    pub fn collected(c: &Collected, uidvalidity: u32) -> Letter {
        Letter {
            uidvalidity,
            uid: c.uid,
            message_id: c.message_id.clone(),
            sender: c.sender.clone(),
            sender_name: c.sender_name.clone(),
            subject: c.subject.clone(),
            received: c.received,
            unit: c
                .saved
                .first()
                .map(|s| s.receipt.unit.clone())
                .or(c.unit.clone())
                .unwrap_or_else(|| outputs::UNKNOWN_SENDER.into()),
            files: c.saved.iter().map(|s| s.receipt.clone()).collect(),
        }
    }

    /// Every message that left a file in the folder's receipts log, in the log's order.
    pub fn logged(dir: &Path) -> Vec<Letter> {
        let mut out: Vec<Letter> = Vec::new();
        let mut index: std::collections::HashMap<(u32, u32), usize> = Default::default();
        for r in receipts::load(dir) {
            if let Some(&i) = index.get(&(r.uidvalidity, r.uid)) {
                out[i].files.push(r);
                continue;
            }
            let Ok(received) = r.received_at.parse::<Timestamp>() else {
                continue;
            };
            index.insert((r.uidvalidity, r.uid), out.len());
            out.push(Letter {
                uidvalidity: r.uidvalidity,
                uid: r.uid,
                message_id: r.message_id.clone(),
                sender: r.sender.clone(),
                sender_name: String::new(),
                subject: r.subject.clone(),
                received,
                unit: r.unit.clone(),
                files: vec![r],
            });
        }
        out
    }
}

/// What does not change from one answer to the next.
pub struct Context<'a> {
    pub round: &'a str,
    /// The returns folder (the receipts' paths are relative to it).
    pub dir: &'a Path,
    pub outbox: &'a Path,
    pub from: &'a Mailbox,
    pub offset: Offset,
    pub contacts: &'a Contacts,
    pub accepted: &'a MailText,
    pub returned: &'a MailText,
    pub untouched: &'a MailText,
    /// Placeholders common to every answer: round, office, office_contact.
    pub base: BTreeMap<&'static str, String>,
}

/// One answer, made, with what happened to it.
#[derive(Clone, Debug)]
pub struct Made {
    pub letter: Letter,
    pub draft: Draft,
    pub eml: PathBuf,
    pub status: String,
    pub failed: bool,
}

/// The letters to answer: this run's, then the earlier ones whose answer was written or
/// tried but not delivered.
pub fn letters(
    this_run: Vec<Letter>,
    report: &CheckReport,
    entries: &[Entry],
    cx: &Context<'_>,
) -> Result<Vec<Letter>, MailError> {
    let mut out = this_run;
    let taken: HashSet<(u32, u32)> = out.iter().map(|l| (l.uidvalidity, l.uid)).collect();
    for l in Letter::logged(cx.dir) {
        if taken.contains(&(l.uidvalidity, l.uid)) {
            continue;
        }
        let Some((answered, _)) = returns_of(&l, report, cx.dir) else {
            continue;
        };
        // A message that waited in 待归期/ for its round was never answered: now it is.
        let pending = match last(entries, &answer_id(&l, &answered, cx)) {
            Some(e) => matches!(e.result, Outcome::Drafted | Outcome::Failed),
            None => l.files.iter().any(|f| f.waited),
        };
        if pending {
            out.push(l);
        }
    }
    Ok(out)
}

/// The files of a letter the check read as returns, and those of its reports that stand;
/// `None` when none stands (no return at all, or only superseded ones).
fn returns_of<'l, 'r>(
    letter: &'l Letter,
    report: &'r CheckReport,
    dir: &Path,
) -> Option<(Vec<&'l Receipt>, Vec<&'r FileReport>)> {
    let mut answered = Vec::new();
    let mut standing = Vec::new();
    for f in &letter.files {
        let reports = reports_of(report, &dir.join(&f.path));
        if !reports.is_empty() {
            answered.push(f);
            standing.extend(reports.into_iter().filter(|r| r.superseded_by.is_none()));
        }
    }
    (!standing.is_empty()).then_some((answered, standing))
}

/// The Message-ID an answer to `letter` about `answered` has (see [`Draft::message_id`]).
fn answer_id(letter: &Letter, answered: &[&Receipt], cx: &Context<'_>) -> String {
    let to = letter
        .sender
        .parse::<lettre::Address>()
        .map(|a| vec![Mailbox::new(None, a)])
        .unwrap_or_default();
    Draft {
        kind: Kind::Accepted,
        round: cx.round.to_string(),
        recipient: String::new(),
        role: Role::Unit,
        from: cx.from.clone(),
        to,
        cc: Vec::new(),
        subject: String::new(),
        body: String::new(),
        attachments: Vec::new(),
        answers: Some(Answer {
            message_id: String::new(),
            returns: answered.iter().map(|f| f.sha256.clone()).collect(),
        }),
    }
    .message_id()
}

/// The answer to one letter, or `None` when there is nothing to answer: no return among
/// its files, or only returns superseded by later ones.
pub fn make(
    letter: &Letter,
    report: &CheckReport,
    cx: &Context<'_>,
) -> Result<Option<Made>, MailError> {
    let Some((answered, mut standing)) = returns_of(letter, report, cx.dir) else {
        return Ok(None);
    };
    // An untouched template beside a filled return is passed over; alone, it is answered
    // as what it is.
    let untouched = standing.iter().all(|r| r.untouched());
    if !untouched {
        standing.retain(|r| !r.untouched());
    }
    let rejected: Vec<&FileReport> = standing
        .iter()
        .copied()
        .filter(|r| r.status == FileStatus::Rejected)
        .collect();
    let kind = if untouched {
        Kind::Untouched
    } else if rejected.is_empty() {
        Kind::Accepted
    } else {
        Kind::Returned
    };
    let unit = standing
        .iter()
        .find_map(|r| r.unit.clone())
        .filter(|_| letter.unit == outputs::UNKNOWN_SENDER)
        .unwrap_or_else(|| letter.unit.clone());
    let known = unit != outputs::UNKNOWN_SENDER;
    let name = if known {
        unit.clone()
    } else {
        letter.sender.clone()
    };
    // Greet the unit's contact when the sender is at one of its addresses, else the sender.
    let contact = cx
        .contacts
        .get(Role::Unit, &unit)
        .filter(|c| {
            c.to.iter()
                .chain(&c.cc)
                .any(|a| a.to_string().eq_ignore_ascii_case(&letter.sender))
        })
        .map(|c| c.contact.clone())
        .filter(|c| !c.is_empty());
    let greet = contact
        .or_else(|| Some(letter.sender_name.clone()).filter(|n| !n.is_empty()))
        .unwrap_or_else(|| name.clone());

    let mut vars = cx.base.clone();
    vars.insert("name", name.clone());
    vars.insert("unit", name.clone());
    vars.insert("contact", greet);
    vars.insert(
        "received",
        crate::date::display_in(letter.received, cx.offset),
    );
    vars.insert("subject", letter.subject.clone());
    let files: Vec<String> = answered.iter().map(|f| format!("“{}”", f.name)).collect();
    vars.insert("files", files.join("、"));

    let mut attachments = Vec::new();
    if kind == Kind::Accepted {
        vars.insert("summary", summary(&standing));
    } else if kind == Kind::Returned {
        let several = rejected.len() > 1;
        let mut problems = Vec::new();
        let (mut count, mut errors) = (0, 0);
        for r in &rejected {
            let issues: Vec<&Issue> = r.issues.iter().collect();
            count += issues.len();
            errors += r.errors();
            let lines = problem_lines(&issues, 30);
            problems.push(if several {
                format!("【{}】\n{lines}", display_name(cx.dir, &r.path))
            } else {
                lines
            });
            let mut file_name = outputs::feedback(Some(cx.round), r.unit.as_deref(), &r.path);
            let mut n = 2;
            while attachments
                .iter()
                .any(|a: &Attachment| a.file_name == file_name)
            {
                file_name = outputs::numbered(
                    &outputs::feedback(Some(cx.round), r.unit.as_deref(), &r.path),
                    n,
                );
                n += 1;
            }
            let bytes = crate::write::feedback::feedback_workbook(r, Some(cx.round), &notes(cx))
                .map_err(|e| MailError::Build {
                    recipient: name.clone(),
                    message: e.to_string(),
                })?;
            let path = cx.outbox.join(outputs::OUTBOX_ATTACHMENTS).join(&file_name);
            attachments.push(Attachment::new(path, file_name, bytes));
        }
        vars.insert("problems", problems.join("\n\n"));
        vars.insert("count", count.to_string());
        vars.insert("errors", errors.to_string());
    }
    let names: Vec<&str> = attachments.iter().map(|a| a.file_name.as_str()).collect();
    vars.insert("attachment", names.join("、"));

    let mail_text = match kind {
        Kind::Accepted => cx.accepted,
        Kind::Untouched => cx.untouched,
        _ => cx.returned,
    };
    let (subject, body) = mail_text.render(&vars)?;
    let to = letter
        .sender
        .parse::<lettre::Address>()
        .map_err(|e| MailError::Build {
            recipient: letter.sender.clone(),
            message: format!("发件人地址无效：{}", crate::mail::address_problem(&e)),
        })?;
    let draft = Draft {
        kind,
        round: cx.round.to_string(),
        recipient: name.clone(),
        role: Role::Unit,
        from: cx.from.clone(),
        to: vec![Mailbox::new(
            Some(letter.sender_name.clone()).filter(|n| !n.is_empty()),
            to,
        )],
        cc: Vec::new(),
        subject: subject.lines().next().unwrap_or("").to_string(),
        body,
        attachments,
        answers: Some(Answer {
            message_id: letter.message_id.clone(),
            returns: answered.iter().map(|f| f.sha256.clone()).collect(),
        }),
    };
    let stamp = crate::date::compact_in(letter.received, cx.offset);
    let eml = cx.outbox.join(outputs::eml(
        cx.round,
        kind.label(),
        &format!("{name}_{stamp}_{}", letter.uid),
    ));
    Ok(Some(Made {
        letter: letter.clone(),
        draft,
        eml,
        status: String::new(),
        failed: false,
    }))
}

/// The check's reports of a saved file: the file itself, or each member of an archive.
fn reports_of<'r>(report: &'r CheckReport, path: &Path) -> Vec<&'r FileReport> {
    let member = format!("{}!", path.display());
    report
        .files
        .iter()
        .filter(|f| f.path == path || f.path.to_string_lossy().starts_with(&member))
        .collect()
}

/// A file's path as the sender knows it: without the returns folder.
fn display_name(dir: &Path, path: &Path) -> String {
    path.strip_prefix(dir)
        .unwrap_or(path)
        .to_string_lossy()
        .into_owned()
}

/// 已通过's one line: the tasks by status, and the reminders if any.
fn summary(reports: &[&FileReport]) -> String {
    let rows: Vec<_> = reports
        .iter()
        .filter_map(|r| r.data.as_ref())
        .flat_map(|d| &d.rows)
        .collect();
    let counts: Vec<String> = Status::REPORTED
        .iter()
        .map(|s| (s, rows.iter().filter(|r| r.status == Some(*s)).count()))
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| format!("{} {n} 项", s.label()))
        .collect();
    let mut line = format!("共填报任务 {} 项", rows.len());
    if !counts.is_empty() {
        line.push_str(&format!("（{}）", counts.join("、")));
    }
    let warnings: usize = reports.iter().map(|r| r.warnings()).sum();
    if warnings > 0 {
        let first = reports
            .iter()
            .flat_map(|r| &r.issues)
            .find(|i| !i.is_error())
            .map(|i| i.message.clone())
            .unwrap_or_default();
        line.push_str(&format!("；另有 {warnings} 条提醒，如：{first}"));
    }
    line
}

/// The last entry of the sent log for an answer (by its Message-ID).
fn last<'a>(entries: &'a [Entry], message_id: &str) -> Option<&'a Entry> {
    entries.iter().rev().find(|e| {
        matches!(e.kind, Kind::Accepted | Kind::Returned | Kind::Untouched)
            && e.message_id == message_id
    })
}

/// Writes each answer's .eml and problem lists to the outbox.
pub fn write(made: &[Made]) -> Result<(), MailError> {
    for m in made {
        for a in &m.draft.attachments {
            crate::fsutil::write_atomic(&a.path, &a.bytes)?;
        }
        let msg = m.draft.build().map_err(|e| MailError::Build {
            recipient: m.draft.recipient.clone(),
            message: e.to_string(),
        })?;
        crate::fsutil::write_atomic(&m.eml, &crate::mail::fold::wire(&msg))?;
    }
    Ok(())
}

/// Records a run without `--send`: each answer not already delivered is `drafted`, so the
/// next run with `--send` sends it.
pub fn record_drafts(made: &mut [Made], outbox: &Path) -> Result<(), MailError> {
    let (entries, _) = log::read(outbox)?;
    for m in made.iter_mut() {
        let id = m.draft.message_id();
        match last(&entries, &id).map(|e| e.result) {
            Some(Outcome::Sent) => m.status = "此前已答复（同一份报表），不再发送".into(),
            Some(Outcome::Drafted) => m.status = "已写出，未发送".into(),
            _ => {
                log::record(
                    outbox,
                    &Entry::of(&m.draft, Outcome::Drafted, String::new()),
                )?;
                m.status = "已写出，未发送".into();
            }
        }
    }
    Ok(())
}

/// Sends each answer the sent log does not show as delivered, through the one SMTP loop
/// ([`crate::mail::send::deliver`]: at most `rate` a minute, every attempt recorded).
pub fn send(
    made: &mut [Made],
    outbox: &Path,
    settings: &crate::mail::smtp::Settings,
    password: Option<String>,
) -> Result<(), MailError> {
    let (entries, _) = log::read(outbox)?;
    let mut todo = Vec::new();
    for (i, m) in made.iter_mut().enumerate() {
        match last(&entries, &m.draft.message_id()).map(|e| e.result) {
            Some(Outcome::Sent) => m.status = "此前已答复（同一份报表），跳过".into(),
            Some(Outcome::Sending | Outcome::Uncertain) => {
                m.status =
                    "上次发送中断、结果不明，跳过；核实对方未收到后用 duban mail 另行告知".into();
                m.failed = true;
            }
            _ => todo.push(i),
        }
    }
    let drafts: Vec<&Draft> = todo.iter().map(|&i| &made[i].draft).collect();
    let results = crate::mail::send::deliver(&drafts, outbox, settings, password, |_, _| {})?;
    for (i, r) in todo.into_iter().zip(results) {
        let m = &mut made[i];
        match r {
            Ok(()) => m.status = "已发送".into(),
            Err(e) => {
                m.status = format!("发送失败：{e}");
                m.failed = true;
            }
        }
    }
    Ok(())
}

/// What a problem list says of the office: its name and contact, and the deadline where
/// the answer's placeholders know it.
fn notes(cx: &Context) -> crate::write::feedback::FeedbackNotes {
    let get = |k: &str| cx.base.get(k).cloned();
    crate::write::feedback::FeedbackNotes {
        office: get("office").unwrap_or_default(),
        contact: get("office_contact").unwrap_or_default(),
        resubmit_by: get("deadline"),
    }
}
