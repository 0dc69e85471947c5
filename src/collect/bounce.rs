//! Mail no person sent: bounces (退信) and auto-replies (自动回复). They never credit a unit:
//! a bounce carries the office's own template back, which is not the unit's return, and an
//! out-of-office reply carries nothing of it.
//!
//! A bounce is a `multipart/report` (RFC 3464), or mail from `MAILER-DAEMON` / `postmaster`;
//! an auto-reply says so in `Auto-Submitted` (RFC 3834) or the older `X-Autoreply` /
//! `X-Autorespond`. The addresses that failed are read from the delivery-status part:
//! `Original-Recipient` where given (the address as the office wrote it), else
//! `Final-Recipient`.
//!
//! Which of the office's mails bounced is told by the original the bounce carries back
//! (a `message/rfc822` or `text/rfc822-headers` part): its Message-ID is looked up in the
//! outboxes' sent logs, which record each message's kind. Only a template mail bounced is
//! 模板未送达; a reminder bounced is 催报邮件未送达, and so on. Without the original (or
//! without a sent log), a failed address of a unit in the contacts is taken for its
//! template.

use std::collections::HashMap;
use std::path::PathBuf;

use mailparse::{MailHeaderMap, ParsedMail};

use super::save::{AddressBook, Collected};
use crate::mail::contacts::Contacts;
use crate::mail::log::Entry;
use crate::mail::Kind;
use crate::table::truncate;

/// What kind of machine mail a message is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Automatic {
    /// A delivery failure; the addresses that failed, as the report names them, and the
    /// Message-ID of the original it carries back, when it does.
    Bounce {
        failed: Vec<String>,
        original: Option<String>,
    },
    /// An out-of-office or other automatic answer.
    AutoReply,
}

/// Whether `mail` (with the sender's address, lower-cased) is machine mail, and which.
pub fn classify(mail: &ParsedMail<'_>, sender: &str) -> Option<Automatic> {
    let report = mail.ctype.mimetype.eq_ignore_ascii_case("multipart/report");
    let local = sender.split('@').next().unwrap_or("");
    let daemon = ["mailer-daemon", "postmaster"].contains(&local);
    let mut failed = Vec::new();
    delivery_status(mail, &mut failed);
    if report || daemon || !failed.is_empty() {
        let original = original_id(mail);
        return Some(Automatic::Bounce { failed, original });
    }
    let h = &mail.headers;
    let auto = h
        .get_first_value("Auto-Submitted")
        .is_some_and(|v| !v.trim().eq_ignore_ascii_case("no"))
        || h.get_first_header("X-Autoreply").is_some()
        || h.get_first_header("X-Autorespond").is_some();
    auto.then_some(Automatic::AutoReply)
}

/// The Message-ID of the original a bounce carries: the first message/rfc822 or
/// text/rfc822-headers part under `mail` that has one, without its angle brackets.
fn original_id(mail: &ParsedMail<'_>) -> Option<String> {
    let t = &mail.ctype.mimetype;
    if t.eq_ignore_ascii_case("message/rfc822") || t.eq_ignore_ascii_case("text/rfc822-headers") {
        let body = mail.get_body_raw().ok()?;
        let (headers, _) = mailparse::parse_headers(&body).ok()?;
        let id = headers.get_first_header("Message-ID")?;
        let id = String::from_utf8_lossy(id.get_value_raw()).into_owned();
        return Some(bare_id(&id)).filter(|i| !i.is_empty());
    }
    mail.subparts.iter().find_map(original_id)
}

/// A Message-ID as compared: no angle brackets, no blanks, lower-cased.
fn bare_id(id: &str) -> String {
    id.trim().trim_matches(['<', '>']).trim().to_lowercase()
}

/// What the office sent, by Message-ID: the kind and the recipient of each message in
/// the sent logs of these outboxes (a log that cannot be read adds nothing).
pub struct SentMail {
    by_id: HashMap<String, Entry>,
    /// Whether any log was read: else a bounce's original cannot be told.
    known: bool,
}

impl SentMail {
    pub fn read(outboxes: &[PathBuf]) -> SentMail {
        let mut by_id = HashMap::new();
        let mut known = false;
        for o in outboxes {
            if let Ok((entries, _)) = crate::mail::log::read(o) {
                known |= !entries.is_empty();
                for e in entries {
                    by_id.insert(bare_id(&e.message_id), e);
                }
            }
        }
        SentMail { by_id, known }
    }

    fn get(&self, id: &str) -> Option<&Entry> {
        self.by_id.get(id)
    }
}

/// How a bounce of a mail of `kind` is told.
fn undelivered(kind: Kind) -> &'static str {
    match kind {
        Kind::Templates => "模板未送达",
        Kind::Reminders => "催报邮件未送达",
        Kind::Summaries => "领导汇总邮件未送达",
        Kind::Feedback => "校验反馈邮件未送达",
        Kind::Accepted | Kind::Returned | Kind::Untouched => "答复邮件未送达",
    }
}

/// The bounces and auto-replies of the run, for the office: each bounce named by the
/// office's mail it carries back (see the module doc), with the unit and the address.
pub fn report(taken: &[Collected], contacts: &Contacts, sent: &SentMail) -> String {
    let book = AddressBook::new(contacts);
    let mut lines = Vec::new();
    let mut replies = 0;
    for c in taken {
        match &c.automatic {
            Some(Automatic::Bounce { failed, original }) => {
                let entry = original.as_deref().and_then(|id| sent.get(id));
                match entry {
                    Some(e) => {
                        let addresses = if failed.is_empty() { &e.to } else { failed };
                        lines.push(format!(
                            "  {}：{}（{}）",
                            undelivered(e.kind),
                            e.recipient,
                            addresses.join("、")
                        ));
                    }
                    None if failed.is_empty() => lines.push(format!(
                        "  退信（{}）：未能读出投递失败的地址，请人工查看",
                        truncate(&c.subject, 40)
                    )),
                    // The original is there, the office's logs are read, and it is none
                    // of the mail they record.
                    None if original.is_some() && sent.known => {
                        for a in failed {
                            lines.push(format!(
                                "  退信：{a} 未送达（退回的不是发件记录中的邮件{}）",
                                match book.units(a) {
                                    [] => String::new(),
                                    units => format!("，地址属于{}", units.join("、")),
                                }
                            ));
                        }
                    }
                    None => {
                        for a in failed {
                            lines.push(match book.units(a) {
                                [] => format!("  退信：{a} 未送达（联系人表中没有这个地址）"),
                                units => format!("  模板未送达：{}（{a}）", units.join("、")),
                            });
                        }
                    }
                }
            }
            Some(Automatic::AutoReply) => replies += 1,
            None => {}
        }
    }
    let mut s = String::new();
    if !lines.is_empty() {
        s.push_str(&format!(
            "退信 {} 条（请核对邮箱地址后重发）：\n{}\n",
            lines.len(),
            lines.join("\n")
        ));
    }
    if replies > 0 {
        s.push_str(&format!(
            "自动回复 {replies} 封：不是报表，未记入任何单位。\n"
        ));
    }
    s
}

/// The failed recipients of every delivery-status part under `mail`.
fn delivery_status(mail: &ParsedMail<'_>, out: &mut Vec<String>) {
    if mail
        .ctype
        .mimetype
        .eq_ignore_ascii_case("message/delivery-status")
    {
        let body = mail.get_body_raw().unwrap_or_default();
        for a in recipients(&String::from_utf8_lossy(&body)) {
            if !out.contains(&a) {
                out.push(a);
            }
        }
        return;
    }
    for p in &mail.subparts {
        delivery_status(p, out);
    }
}

/// The recipients of a delivery-status body: per recipient block, Original-Recipient
/// when there is one, else Final-Recipient (`rfc822; a@b` → `a@b`).
fn recipients(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    // Blocks are separated by blank lines; the first is about the message.
    for block in text.replace("\r\n", "\n").split("\n\n") {
        let field = |name: &str| {
            block.lines().find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.trim().eq_ignore_ascii_case(name).then(|| {
                    let v = v.trim();
                    let addr = v.split_once(';').map_or(v, |(_, a)| a).trim();
                    addr.trim_matches(['<', '>']).to_lowercase()
                })
            })
        };
        let failed = block.lines().any(|l| {
            l.split_once(':').is_some_and(|(k, v)| {
                k.trim().eq_ignore_ascii_case("Action") && !v.trim().eq_ignore_ascii_case("failed")
            })
        });
        if failed {
            continue; // delayed, delivered, relayed: not a failure
        }
        if let Some(a) = field("Original-Recipient")
            .or_else(|| field("Final-Recipient"))
            .filter(|a| a.contains('@'))
        {
            out.push(a);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_failed_address_of_a_delivery_report() {
        let raw = "From: MAILER-DAEMON@mx.test\r\nSubject: Undelivered\r\nMIME-Version: 1.0\r\n\
            Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n\
            --b\r\nContent-Type: text/plain\r\n\r\nsorry\r\n--b\r\n\
            Content-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.test\r\n\r\n\
            Final-Recipient: rfc822; KJ@units.test\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n\
            Original-Recipient: rfc822;kj-old@units.test\r\nFinal-Recipient: rfc822; x@units.test\r\n\
            Action: failed\r\n\r\nFinal-Recipient: rfc822; later@units.test\r\nAction: delayed\r\n\
            \r\n--b--\r\n";
        let m = mailparse::parse_mail(raw.as_bytes()).unwrap();
        assert_eq!(
            classify(&m, "mailer-daemon@mx.test"),
            Some(Automatic::Bounce {
                failed: vec!["kj@units.test".into(), "kj-old@units.test".into()],
                original: None,
            })
        );
        let ooo = mailparse::parse_mail(b"From: a@b\r\nAuto-Submitted: auto-replied\r\n\r\naway")
            .unwrap();
        assert_eq!(classify(&ooo, "a@b"), Some(Automatic::AutoReply));
        let person = mailparse::parse_mail(b"From: a@b\r\nAuto-Submitted: no\r\n\r\nhi").unwrap();
        assert_eq!(classify(&person, "a@b"), None);
    }

    #[test]
    fn the_original_of_a_bounce_is_read_from_its_headers_part() {
        let raw = "From: MAILER-DAEMON@mx.test\r\nMIME-Version: 1.0\r\n\
            Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n\
            --b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.test\r\n\r\n\
            Final-Recipient: rfc822; kj@units.test\r\nAction: failed\r\n\r\n--b\r\n\
            Content-Type: text/rfc822-headers\r\n\r\nFrom: office@duban.test\r\n\
            Message-ID: <ABC.duban@duban.test>\r\nSubject: x\r\n\r\n--b--\r\n";
        let m = mailparse::parse_mail(raw.as_bytes()).unwrap();
        assert_eq!(
            classify(&m, "mailer-daemon@mx.test"),
            Some(Automatic::Bounce {
                failed: vec!["kj@units.test".into()],
                original: Some("abc.duban@duban.test".into()),
            })
        );
    }
}
