//! One message as it goes out: headers, a plain-text body and attachments, built with lettre.
//!
//! Chinese attachment names are where mail merges fail. lettre writes the RFC 2231
//! `filename*` parameter on Content-Disposition, which modern clients read; older Outlook and
//! Foxmail read only an RFC 2047 `name=` on Content-Type, which lettre does not write, so
//! [`AttachmentType`] adds it. Every part is base64 so nothing depends on a server being
//! 8-bit clean. The Message-ID is derived from what the message is (kind, round, recipient,
//! attachment hashes), so the .eml written in a dry run and the message sent later agree.

use std::path::PathBuf;

use lettre::message::header::{
    ContentDisposition, ContentTransferEncoding, ContentType, Header, HeaderName, HeaderValue,
};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::Message;

use super::{Kind, Role};
use crate::catalog::sha256_hex;

/// A file to attach, read into memory (so the bytes hashed are the bytes sent).
#[derive(Clone, Debug, PartialEq)]
pub struct Attachment {
    /// Where it was read from (or written to, for made attachments).
    pub path: PathBuf,
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub sha256: String,
}

impl Attachment {
    pub fn new(path: PathBuf, file_name: String, bytes: Vec<u8>) -> Attachment {
        let sha256 = sha256_hex(&bytes);
        Attachment {
            path,
            file_name,
            bytes,
            sha256,
        }
    }
}

/// Everything a message needs, before MIME.
#[derive(Clone, Debug)]
pub struct Draft {
    pub kind: Kind,
    pub round: String,
    /// Canonical unit or leader name.
    pub recipient: String,
    pub role: Role,
    pub from: Mailbox,
    pub to: Vec<Mailbox>,
    pub cc: Vec<Mailbox>,
    pub subject: String,
    pub body: String,
    pub attachments: Vec<Attachment>,
    /// Set on an answer to a message received (`duban collect --reply`).
    pub answers: Option<Answer>,
}

/// What an answer answers.
#[derive(Clone, Debug, PartialEq)]
pub struct Answer {
    /// The Message-ID of the message answered (for In-Reply-To and References); may be
    /// empty.
    pub message_id: String,
    /// SHA-256 of the returns answered.
    pub returns: Vec<String>,
}

impl Draft {
    /// `<hash@domain>`: the same message always gets the same id. An answer's id is that
    /// of its returns, round and addresses, whatever it says: so the sent log shows that a
    /// return was answered, and a sender never gets a second answer for it.
    pub fn message_id(&self) -> String {
        let mut key = format!("{}\n{}\n{}", self.kind.key(), self.round, self.recipient);
        for a in &self.attachments {
            key.push('\n');
            key.push_str(&a.sha256);
        }
        if let Some(answer) = &self.answers {
            let mut returns = answer.returns.clone();
            returns.sort();
            key = format!("answer\n{}", self.round);
            for m in &self.to {
                key.push('\n');
                key.push_str(&m.email.to_string().to_lowercase());
            }
            for r in returns {
                key.push('\n');
                key.push_str(&r);
            }
        }
        let hash = sha256_hex(key.as_bytes());
        format!("<{}.duban@{}>", &hash[..32], self.from.email.domain())
    }

    /// The MIME message.
    pub fn build(&self) -> Result<Message, lettre::error::Error> {
        let mut b = Message::builder()
            .from(self.from.clone())
            .subject(self.subject.clone())
            .message_id(Some(self.message_id()));
        if let Some(id) = self.answers.as_ref().map(|a| &a.message_id) {
            if !id.is_empty() {
                b = b.in_reply_to(id.clone()).references(id.clone());
            }
        }
        for m in &self.to {
            b = b.to(m.clone());
        }
        for m in &self.cc {
            b = b.cc(m.clone());
        }
        let text = SinglePart::builder()
            .header(ContentType::TEXT_PLAIN)
            .header(ContentTransferEncoding::Base64)
            .body(self.body.replace('\n', "\r\n"));
        if self.attachments.is_empty() {
            return b.singlepart(text);
        }
        let mut mp = MultiPart::mixed().singlepart(text);
        for a in &self.attachments {
            mp = mp.singlepart(attachment_part(a));
        }
        b.multipart(mp)
    }
}

/// A base64 attachment part naming the file both ways clients read it.
pub fn attachment_part(a: &Attachment) -> SinglePart {
    SinglePart::builder()
        .header(ContentDisposition::attachment(&a.file_name))
        .header(AttachmentType {
            mime: mime_type(&a.file_name).to_string(),
            file_name: a.file_name.clone(),
        })
        .header(ContentTransferEncoding::Base64)
        .body(a.bytes.clone())
}

/// The MIME type for a file name's extension.
pub fn mime_type(file_name: &str) -> &'static str {
    let ext = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsm" => "application/vnd.ms-excel.sheet.macroEnabled.12",
        "xls" => "application/vnd.ms-excel",
        "ods" => "application/vnd.oasis.opendocument.spreadsheet",
        "csv" => "text/csv",
        "pdf" => "application/pdf",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "doc" => "application/msword",
        "json" => "application/json",
        "txt" => "text/plain",
        "html" => "text/html",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

/// Content-Type with an RFC 2047 `name=` parameter (lettre's `ContentType` cannot carry
/// one: its value must be ASCII and it would not fold the encoded words).
#[derive(Clone, Debug, PartialEq)]
pub struct AttachmentType {
    pub mime: String,
    pub file_name: String,
}

impl Header for AttachmentType {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Content-Type")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        let (mime, rest) = s.split_once(';').unwrap_or((s, ""));
        let name = rest
            .trim()
            .strip_prefix("name=\"")
            .and_then(|r| r.strip_suffix('"'))
            .unwrap_or("")
            .to_string();
        Ok(AttachmentType {
            mime: mime.trim().to_string(),
            file_name: name,
        })
    }

    fn display(&self) -> HeaderValue {
        let raw = format!("{}; name=\"{}\"", self.mime, self.file_name);
        // The parameter on its own folded line; the encoder folds between its words.
        let encoded = format!(
            "{};\r\n name=\"{}\"",
            self.mime,
            encoded_words(&self.file_name)
        );
        HeaderValue::dangerous_new_pre_encoded(Self::name(), raw, encoded)
    }
}

/// The RFC 2047 form of a name for a `name="…"` parameter (email-encoding's encoder, which
/// keeps words whole and lines short); ASCII-safe names are left as they are.
pub fn encoded_words(s: &str) -> String {
    let plain = s
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | ' ' | '(' | ')'));
    if plain && s.len() < 60 {
        return s.to_string();
    }
    let mut out = String::new();
    {
        let mut w =
            email_encoding::headers::writer::EmailWriter::new(&mut out, " name=\"".len(), 0, false);
        email_encoding::headers::rfc2047::encode(s, &mut w).expect("writing to a String");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> Draft {
        Draft {
            kind: Kind::Templates,
            round: "2020年第一季度".into(),
            recipient: "区科技局".into(),
            role: Role::Unit,
            from: "区督考办 <office@example.org>".parse().unwrap(),
            to: vec!["区科技局 <kj@example.org>".parse().unwrap()],
            cc: vec![],
            subject: "2020年第一季度任务进展填报表（区科技局）".into(),
            body: "您好！\n请填写。".into(),
            attachments: vec![Attachment::new(
                PathBuf::from("x.xlsx"),
                "2020年第一季度_区科技局_任务进展填报表.xlsx".into(),
                vec![0, 1, 2, 255],
            )],
            answers: None,
        }
    }

    #[test]
    fn attachment_carries_both_names() {
        let eml = String::from_utf8(draft().build().unwrap().formatted()).unwrap();
        assert!(eml.contains("filename*0*=utf-8''"), "{eml}");
        assert!(eml.to_lowercase().contains("name=\"=?utf-8?b?"), "{eml}");
        assert!(eml.contains("spreadsheetml.sheet;"), "{eml}");
        assert!(eml.lines().all(|l| l.len() <= 998));
        assert!(eml.contains("Content-Transfer-Encoding: base64"));
    }

    #[test]
    fn message_id_is_stable_and_follows_content() {
        let d = draft();
        assert_eq!(d.message_id(), draft().message_id());
        let mut other = draft();
        other.attachments[0] = Attachment::new(PathBuf::new(), "a.xlsx".into(), vec![9]);
        assert_ne!(d.message_id(), other.message_id());
        assert!(d.message_id().ends_with("@example.org>"));
    }

    #[test]
    fn an_answer_is_known_by_its_returns_and_threads() {
        let mut a = draft();
        a.kind = Kind::Accepted;
        a.attachments.clear();
        a.answers = Some(Answer {
            message_id: "<orig@unit.example.org>".into(),
            returns: vec!["bb".into(), "aa".into()],
        });
        let mut b = a.clone();
        b.kind = Kind::Returned;
        b.body = "另一种答复".into();
        b.answers = Some(Answer {
            message_id: String::new(),
            returns: vec!["aa".into(), "bb".into()],
        });
        assert_eq!(a.message_id(), b.message_id(), "one answer per return");
        let mut c = a.clone();
        c.answers.as_mut().unwrap().returns = vec!["cc".into()];
        assert_ne!(a.message_id(), c.message_id());
        let eml = String::from_utf8(a.build().unwrap().formatted()).unwrap();
        assert!(
            eml.contains("In-Reply-To: <orig@unit.example.org>"),
            "{eml}"
        );
        assert!(eml.contains("References: <orig@unit.example.org>"), "{eml}");
    }
}
