//! One fetched message → who sent it, what it says it is, and what it carries.
//!
//! mailparse does the MIME structure and the transfer decoding (base64, quoted-printable);
//! names and header text go through [`super::names`], which reads the raw header bytes.
//! "Forward as attachment" (作为附件转发) wraps the original return, spreadsheet and all, in a
//! message/rfc822 part; mailparse does not look inside one, so this does (3 levels deep).

use mailparse::{MailAddr, MailHeaderMap, ParsedMail};

use super::names;

/// What `duban collect` needs from one message.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Parsed {
    /// Message-ID as written, angle brackets included (`<a@b>`); empty when there is none.
    pub message_id: String,
    /// The first From address, lower-cased: what the contacts are searched for.
    pub sender: String,
    /// The sender's display name, decoded (`区科技局 张三`); may be empty.
    pub sender_name: String,
    /// Where an answer goes: the Reply-To address when there is one, else the sender.
    pub reply_to: String,
    pub subject: String,
    pub attachments: Vec<Attachment>,
    /// A bounce or an auto-reply: never a unit's return.
    pub automatic: Option<super::bounce::Automatic>,
}

/// One attachment, decoded.
#[derive(Clone, Debug, PartialEq)]
pub struct Attachment {
    /// The file name as sent, decoded; a name is made up for an attachment without one.
    pub name: String,
    pub data: Vec<u8>,
}

/// How deep forwarded-as-attachment messages are opened.
const MAX_NESTING: usize = 3;

/// Parses one whole message (as from `BODY[]`).
///
/// # Errors
/// mailparse's error when the message structure cannot be read at all, or an attachment's
/// transfer encoding cannot be decoded.
pub fn parse(raw: &[u8]) -> Result<Parsed, mailparse::MailParseError> {
    let mail = mailparse::parse_mail(raw)?;
    let headers = &mail.headers;
    let message_id = headers
        .get_first_header("Message-ID")
        .map(|h| {
            String::from_utf8_lossy(h.get_value_raw())
                .trim()
                .to_string()
        })
        .unwrap_or_default();
    let from = headers.get_first_header("From");
    let sender = from.and_then(|h| first_address(h)).unwrap_or_default();
    let sender_name = from
        .map(|h| display_name(&names::header_text(h.get_value_raw())))
        .unwrap_or_default();
    let reply_to = headers
        .get_first_header("Reply-To")
        .and_then(|h| first_address(h))
        .unwrap_or_else(|| sender.clone());
    let subject = headers
        .get_first_header("Subject")
        .map(|h| names::header_text(h.get_value_raw()))
        .unwrap_or_default();
    let automatic = super::bounce::classify(&mail, &sender);
    let mut attachments = Vec::new();
    collect_attachments(&mail, 0, &mut attachments)?;
    let mut parsed = Parsed {
        automatic,
        message_id,
        sender,
        sender_name,
        reply_to,
        subject,
        attachments,
    };
    super::hostile::clean(&mut parsed);
    Ok(parsed)
}

/// The first address of an address header, lower-cased.
fn first_address(h: &mailparse::MailHeader<'_>) -> Option<String> {
    let list = mailparse::addrparse_header(h).ok()?;
    list.iter().find_map(|a| match a {
        MailAddr::Single(s) => Some(s.addr.trim().to_lowercase()),
        MailAddr::Group(g) => g.addrs.first().map(|s| s.addr.trim().to_lowercase()),
    })
}

/// `"区科技局 张三" <kj@x>` → `区科技局 张三`.
fn display_name(from: &str) -> String {
    let name = from.rsplit_once('<').map_or("", |(n, _)| n);
    name.trim().trim_matches('"').trim().to_string()
}

/// Adds the attachments of `mail` to `out`, opening attached messages (message/rfc822):
/// the attached message itself is not listed, only what it carries.
fn collect_attachments(
    mail: &ParsedMail<'_>,
    depth: usize,
    out: &mut Vec<Attachment>,
) -> Result<(), mailparse::MailParseError> {
    for part in mail.parts() {
        let name = names::attachment_name(part);
        let mime = part.ctype.mimetype.to_ascii_lowercase();
        let named = name.as_ref().and_then(|n| n.as_deref());
        if super::forward::is_message(&mime, named) && depth < MAX_NESTING {
            let body = part.get_body_raw()?;
            let inner = mailparse::parse_mail(&body)?;
            collect_attachments(&inner, depth + 1, out)?;
            continue;
        }
        let Some(name) = name else { continue };
        if is_decoration(part, &mime) {
            continue;
        }
        let data = part.get_body_raw()?;
        let name = name.unwrap_or_else(|| unnamed(&mime, out.len() + 1));
        out.push(Attachment { name, data });
    }
    Ok(())
}

/// An image shown in the body (a signature logo, a pasted screenshot): Outlook and Foxmail
/// give these a name too, but they are not something the unit sent as a file.
fn is_decoration(part: &ParsedMail<'_>, mime: &str) -> bool {
    let inline = part
        .headers
        .get_first_value("Content-Disposition")
        .is_some_and(|d| d.trim().to_ascii_lowercase().starts_with("inline"));
    let attachment = part
        .headers
        .get_first_value("Content-Disposition")
        .is_some_and(|d| d.trim().to_ascii_lowercase().starts_with("attachment"));
    mime.starts_with("image/")
        && !attachment
        && (inline || part.headers.get_first_header("Content-ID").is_some())
}

/// A name for an attachment sent without one, from its type.
fn unnamed(mime: &str, n: usize) -> String {
    let ext = match mime {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => ".xlsx",
        "application/vnd.ms-excel" => ".xls",
        "application/vnd.ms-excel.sheet.macroenabled.12" => ".xlsm",
        "application/vnd.oasis.opendocument.spreadsheet" => ".ods",
        "application/zip" | "application/x-zip-compressed" => ".zip",
        "application/pdf" => ".pdf",
        _ => "",
    };
    crate::outputs::unnamed_attachment(n, ext)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_and_a_forwarded_attachment() {
        let inner = "Message-ID: <inner@x>\r\nFrom: a@b\r\nSubject: inner\r\nMIME-Version: 1.0\r\n\
            Content-Type: multipart/mixed; boundary=\"in\"\r\n\r\n--in\r\nContent-Type: text/plain\r\n\r\n\
            hi\r\n--in\r\nContent-Type: application/octet-stream\r\n\
            Content-Disposition: attachment; filename*=utf-8''%E5%8C%BA.xlsx\r\n\
            Content-Transfer-Encoding: base64\r\n\r\nUEsDBA==\r\n--in--\r\n";
        let outer = format!(
            "Message-ID:  <outer.1@duban.test>\r\nFrom: =?GBK?B?x/i/xry8vtY=?= <KJJ@District.Test>\r\n\
             Reply-To: <Clerk@District.Test>\r\n\
             Subject: =?GBK?B?x/i/xry8vtY=?=\r\nMIME-Version: 1.0\r\n\
             Content-Type: multipart/mixed; boundary=\"out\"\r\n\r\n--out\r\nContent-Type: text/plain\r\n\r\n\
             see attached\r\n--out\r\nContent-Type: image/png; name=\"image001.png\"\r\n\
             Content-Disposition: inline; filename=\"image001.png\"\r\nContent-ID: <logo>\r\n\
             Content-Transfer-Encoding: base64\r\n\r\niVBORw==\r\n--out\r\nContent-Type: message/rfc822\r\n\
             Content-Disposition: attachment; filename=\"fw.eml\"\r\n\r\n{inner}\r\n--out\r\n\
             Content-Type: application/vnd.ms-excel\r\nContent-Disposition: attachment\r\n\
             Content-Transfer-Encoding: base64\r\n\r\n0M8R4A==\r\n--out--\r\n"
        );
        let p = parse(outer.as_bytes()).unwrap();
        assert_eq!(p.message_id, "<outer.1@duban.test>");
        assert_eq!(p.sender, "kjj@district.test");
        assert_eq!(p.sender_name, "区科技局");
        assert_eq!(p.reply_to, "clerk@district.test");
        assert_eq!(p.subject, "区科技局");
        let names: Vec<&str> = p.attachments.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["区.xlsx", "未命名附件2.xls"], "the logo is skipped");
        assert_eq!(p.attachments[0].data, b"PK\x03\x04");
        assert_eq!(p.attachments[1].data, [0xD0, 0xCF, 0x11, 0xE0]);
    }

    #[test]
    fn a_message_without_attachments() {
        let p = parse(b"From: x@y\r\nSubject: hi\r\n\r\nbody\r\n").unwrap();
        assert!(p.attachments.is_empty() && p.message_id.is_empty());
        assert_eq!(p.reply_to, "x@y");
    }
}
