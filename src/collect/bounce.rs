//! Mail no person sent: bounces (退信) and auto-replies (自动回复). They never credit a unit:
//! a bounce carries the office's own template back, which is not the unit's return, and an
//! out-of-office reply carries nothing of it.
//!
//! A bounce is a `multipart/report` (RFC 3464), or mail from `MAILER-DAEMON` / `postmaster`;
//! an auto-reply says so in `Auto-Submitted` (RFC 3834) or the older `X-Autoreply` /
//! `X-Autorespond`. The addresses that failed are read from the delivery-status part:
//! `Original-Recipient` where given (the address as the office wrote it), else
//! `Final-Recipient`.

use mailparse::{MailHeaderMap, ParsedMail};

/// What kind of machine mail a message is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Automatic {
    /// A delivery failure; the addresses that failed, as the report names them.
    Bounce { failed: Vec<String> },
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
        return Some(Automatic::Bounce { failed });
    }
    let h = &mail.headers;
    let auto = h
        .get_first_value("Auto-Submitted")
        .is_some_and(|v| !v.trim().eq_ignore_ascii_case("no"))
        || h.get_first_header("X-Autoreply").is_some()
        || h.get_first_header("X-Autorespond").is_some();
    auto.then_some(Automatic::AutoReply)
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
                failed: vec!["kj@units.test".into(), "kj-old@units.test".into()]
            })
        );
        let ooo = mailparse::parse_mail(b"From: a@b\r\nAuto-Submitted: auto-replied\r\n\r\naway")
            .unwrap();
        assert_eq!(classify(&ooo, "a@b"), Some(Automatic::AutoReply));
        let person = mailparse::parse_mail(b"From: a@b\r\nAuto-Submitted: no\r\n\r\nhi").unwrap();
        assert_eq!(classify(&person, "a@b"), None);
    }
}
