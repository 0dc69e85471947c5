//! One message of a `duban mail` run: made from its plan and the contacts
//! ([`make`]), written, sent unless the sent log shows it delivered ([`send_all`]), and
//! shown in the run's table ([`table`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use lettre::message::Mailbox;

use super::console::Console;
use super::contacts::Contact;
use super::log::{self, Outcome as LogOutcome};
use super::message::{Attachment, Draft};
use super::plan::{self, Planned};
use super::smtp::{self, SendFailure};
use super::{text, Kind, MailError, Role};
use crate::table::{render, truncate};

/// One message, made and ready, or why not.
pub struct Made {
    pub planned: Planned,
    /// None: the contacts list no address for the recipient.
    pub contact: Option<Contact>,
    pub draft: Option<Draft>,
    pub eml: PathBuf,
    pub status: String,
    pub failed: bool,
    /// Its fate is unknown: sent, and the connection broke before the server answered
    /// (in this run or the last).
    pub uncertain: bool,
}
/// Fills the text and reads the attachments of one planned message.
/// Attachments made for the message are kept in `outbox`, for the office to open.
pub struct Letterhead<'a> {
    pub kind: Kind,
    pub round: &'a str,
    pub outbox: &'a Path,
    pub from: &'a Mailbox,
    pub text: &'a text::MailText,
    /// Placeholders common to every message: round, office, office_contact, deadline.
    pub base: &'a BTreeMap<&'static str, String>,
}

pub fn make(
    p: Planned,
    contact: Option<Contact>,
    head: &Letterhead<'_>,
) -> Result<Made, MailError> {
    let eml = head.outbox.join(crate::outputs::eml(
        head.round,
        head.kind.label(),
        &p.recipient,
    ));
    let mut made = Made {
        planned: p.clone(),
        contact: contact.clone(),
        draft: None,
        eml,
        status: String::new(),
        failed: false,
        uncertain: false,
    };
    let Some(contact) = contact else {
        made.status = "未生成：联系人表中没有邮箱".into();
        made.failed = true;
        return Ok(made);
    };
    if let Some(why) = &p.blocked {
        made.status = format!("未生成：{why}");
        made.failed = true;
        return Ok(made);
    }
    let mut attachments = Vec::new();
    for s in &p.attachments {
        match plan::read_source(s) {
            // Made attachments are kept beside the .eml files, for the office to open.
            Ok((_, name, bytes)) if matches!(s, plan::Source::Made { .. }) => {
                let path = head
                    .outbox
                    .join(crate::outputs::OUTBOX_ATTACHMENTS)
                    .join(&name);
                attachments.push(Attachment::new(path, name, bytes))
            }
            Ok((path, name, bytes)) => attachments.push(Attachment::new(path, name, bytes)),
            Err(why) => {
                made.status = format!("未生成：{why}");
                made.failed = true;
                return Ok(made);
            }
        }
    }
    let mut vars = head.base.clone();
    vars.extend(p.vars.iter().map(|(k, v)| (*k, v.clone())));
    vars.insert("name", p.recipient.clone());
    vars.insert(
        if p.role == Role::Unit {
            "unit"
        } else {
            "leader"
        },
        p.recipient.clone(),
    );
    let greet = if contact.contact.is_empty() {
        p.recipient.clone()
    } else {
        contact.contact.clone()
    };
    vars.insert("contact", greet);
    let names: Vec<&str> = attachments.iter().map(|a| a.file_name.as_str()).collect();
    vars.insert("attachment", names.join("、"));
    let (subject, body) = head.text.render(&vars)?;
    let mailbox = |a: &lettre::Address, name: bool| {
        Mailbox::new(name.then(|| p.recipient.clone()), a.clone())
    };
    made.draft = Some(Draft {
        kind: head.kind,
        round: head.round.to_string(),
        recipient: p.recipient.clone(),
        role: p.role,
        from: head.from.clone(),
        to: contact.to.iter().map(|a| mailbox(a, true)).collect(),
        cc: contact.cc.iter().map(|a| mailbox(a, false)).collect(),
        subject: subject.lines().next().unwrap_or("").to_string(),
        body,
        attachments,
        answers: None,
    });
    made.status = "已写出".into();
    Ok(made)
}

/// What to send again although the log shows it sent, or its fate unknown.
pub struct Resend<'a> {
    /// `--resend`: these recipients, whatever the log says.
    pub names: &'a [(Role, String)],
    /// `--resend-uncertain`: every message the log leaves `uncertain` or at `sending`.
    pub uncertain: bool,
}

/// Sends what the log does not show as delivered or possibly delivered (or what `resend`
/// names), at most `limit` messages; records every attempt and prints a line for each as
/// it goes, and at the end names the recipients whose message's fate is unknown.
///
/// # Errors
/// As [`super::send::deliver`]; [`MailError::Read`] for an unreadable sent log;
/// [`MailError::NoSmtpHost`] when something is to be sent and no server was given.
pub fn send_all(
    made: &mut [Made],
    outbox: &Path,
    settings: &super::settings::Settings,
    from: &Mailbox,
    resend: &Resend<'_>,
    limit: Option<usize>,
    console: &Console,
) -> Result<(), MailError> {
    let (entries, torn) = log::read(outbox)?;
    if torn > 0 {
        console.say(&format!(
            "注意：发送记录中有 {torn} 行不完整（上次运行可能被中断），已忽略。\n"
        ));
    }
    let mut todo = Vec::new();
    for (i, m) in made.iter_mut().enumerate() {
        let Some(d) = &m.draft else { continue };
        let forced = resend
            .names
            .iter()
            .any(|(r, n)| *r == d.role && *n == d.recipient);
        match log::last(&entries, d.kind, &d.round, &d.recipient).map(|e| e.result) {
            Some(LogOutcome::Sent) if !forced => {
                m.status = "此前已发送，跳过（重发请用 --resend）".into()
            }
            Some(LogOutcome::Sending | LogOutcome::Uncertain) if !forced && !resend.uncertain => {
                m.status = UNCERTAIN_SKIPPED.into();
                m.failed = true;
                m.uncertain = true;
            }
            _ => todo.push(i),
        }
    }
    if let Some(n) = limit {
        for &i in todo.iter().skip(n) {
            made[i].status = format!("未发送（--limit {n}）");
        }
        todo.truncate(n);
    }
    if !todo.is_empty() {
        deliver(made, &todo, outbox, settings, from, console)?;
    }
    console.say(&uncertain_note(made));
    Ok(())
}

/// The status of a message skipped because its last attempt's fate is unknown.
const UNCERTAIN_SKIPPED: &str =
    "上次发送结果不明，跳过；核实对方未收到后用 --resend-uncertain 重发";

/// Sends the messages `todo` points at, through the one loop.
fn deliver(
    made: &mut [Made],
    todo: &[usize],
    outbox: &Path,
    settings: &super::settings::Settings,
    from: &Mailbox,
    console: &Console,
) -> Result<(), MailError> {
    let settings = smtp::Settings::resolve(settings, from.clone())?;
    let password = settings.password()?;
    let drafts: Vec<&Draft> = todo
        .iter()
        .filter_map(|&i| made[i].draft.as_ref())
        .collect();
    let results = super::send::deliver(&drafts, outbox, &settings, password, |d, r| {
        console.say(&format!("{}  {}\n", d.recipient, sent_status(r)))
    })?;
    for (&i, r) in todo.iter().zip(results) {
        made[i].status = sent_status(&r);
        made[i].failed = r.is_err();
        made[i].uncertain = r.as_ref().is_err_and(|e| e.uncertain);
    }
    Ok(())
}

/// The recipients whose message may or may not have arrived, named after the table (empty
/// when there are none).
fn uncertain_note(made: &[Made]) -> String {
    let names: Vec<&str> = made
        .iter()
        .filter(|m| m.uncertain)
        .map(|m| m.planned.recipient.as_str())
        .collect();
    if names.is_empty() {
        return String::new();
    }
    format!(
        "结果不明 {} 封：{}。连接在邮件发出后、服务器答复前中断，对方可能已收到；重新运行不会重发。请向对方核实，确未收到的用 --resend-uncertain（全部）或 --resend 单位名 重发。\n",
        names.len(),
        names.join("、")
    )
}

/// A sent message's status in the table.
fn sent_status(r: &Result<(), SendFailure>) -> String {
    match r {
        Ok(()) => "已发送".into(),
        Err(e) => format!("发送失败：{e}"),
    }
}

/// The run's table: who gets what, and what happened.
pub fn table(made: &[Made], kind: Kind) -> String {
    let rows: Vec<Vec<String>> = made
        .iter()
        .map(|m| {
            let to: Vec<String> = m
                .contact
                .iter()
                .flat_map(|c| &c.to)
                .map(|a| a.to_string())
                .collect();
            let (subject, attach) = match &m.draft {
                Some(d) => (
                    d.subject.clone(),
                    d.attachments
                        .iter()
                        .map(|a| a.file_name.clone())
                        .collect::<Vec<_>>()
                        .join("、"),
                ),
                None => (String::new(), String::new()),
            };
            vec![
                m.planned.recipient.clone(),
                truncate(&to.join(", "), 40),
                truncate(&subject, 50),
                truncate(&attach, 50),
                m.status.clone(),
            ]
        })
        .collect();
    format!(
        "{}：{} 封\n{}",
        kind.label(),
        made.len(),
        render(&["收件人", "邮箱", "主题", "附件", "状态"], &rows)
    )
}
