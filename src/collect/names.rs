//! Attachment names (and other header text) as Chinese mail clients really write them.
//!
//! mailparse 0.18 is used for the MIME structure and the bodies, but not for file names:
//! tried through Dovecot on the forms clients write (the tests below hold one each), it
//! gets these wrong:
//!
//! * two RFC 2047 words with nothing between them (`=?gb2312?B?…?==?gb2312?B?…?=`), and a
//!   word given as an unquoted value (`filename==?GBK?B?…?=`), are left undecoded; two words
//!   whose split falls inside one character come out with U+FFFD;
//! * when a plain `filename="…"` stands beside `filename*=…`, it keeps the plain one, and it
//!   decodes `filename*0*`/`filename*1*` there section by section (a split character is lost);
//! * raw 8-bit GBK bytes become Latin-1 mojibake, and a GBK second byte 0x5C (`\`) is eaten as
//!   a quoted-string escape, so not even the bytes can be recovered from its output.
//!
//! So this module reads the raw header bytes (mailparse keeps them: `get_value_raw`) itself.
//! [`attachment_name`] is the one entry point; the rules, in order:
//!
//! 1. **Unfold** the raw value (CRLF before a space or tab is dropped).
//! 2. **Split parameters on bytes**, honouring quoted strings. A backslash right after a byte
//!    ≥ 0x80 is a GBK second byte, not an escape.
//! 3. **Turn each value's bytes into text**: pure ASCII or valid UTF-8 as is (RFC 6532);
//!    anything else is unlabelled 8-bit from a Chinese Windows client: GB18030, which is a
//!    superset of GBK and GB2312 ([`decode_unlabelled`]).
//! 4. **RFC 2231** (`filename*=cs'lang'%..`, `filename*0*=…; filename*1*=…`): the sections are
//!    joined as bytes, then decoded with their charset. An RFC 2231 value wins over a plain one.
//! 5. **RFC 2047** words anywhere in a plain value, even inside quotes (not allowed by the RFC,
//!    yet the common form in mail from Chinese clients): adjacent words of one charset, with
//!    or without whitespace between them, are joined as bytes before decoding, so a
//!    character split between two words survives.
//! 6. `filename` (Content-Disposition) first, then `name` (Content-Type).
//!
//! Charset labels go through `encoding_rs` (WHATWG labels: gb2312 and gbk decode as GB18030);
//! an unknown label falls back to rule 3.

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;
use mailparse::{MailHeaderMap, ParsedMail};

/// The decoded file name of one MIME part, if the part is an attachment.
///
/// Returns `None` for a part that is not an attachment, `Some(None)` for an attachment without
/// a usable name, and `Some(Some(name))` otherwise. A part is an attachment when its
/// Content-Disposition is `attachment`, or when it has a `filename` (Content-Disposition) or
/// `name` (Content-Type) parameter; multipart containers never are.
pub fn attachment_name(part: &ParsedMail<'_>) -> Option<Option<String>> {
    if part.ctype.mimetype.starts_with("multipart/") {
        return None;
    }
    let cd = raw_header(part, "Content-Disposition").map(parse_params);
    let ct = raw_header(part, "Content-Type").map(parse_params);
    let name = cd
        .as_ref()
        .and_then(|p| p.value("filename"))
        .or_else(|| ct.as_ref().and_then(|p| p.value("name")))
        .filter(|d| !d.trim().is_empty());
    let is_attachment = cd
        .as_ref()
        .is_some_and(|p| p.head.eq_ignore_ascii_case("attachment"));
    (is_attachment || name.is_some()).then_some(name)
}

/// Decodes an unstructured header such as Subject from its raw bytes (rules 1, 3 and 5).
pub fn header_text(raw_value: &[u8]) -> String {
    decode_encoded_words(&decode_unlabelled(&unfold(raw_value)))
        .trim()
        .to_owned()
}

/// Decodes bytes that carry no charset label: strict UTF-8, else GB18030.
///
/// GB18030 (via `encoding_rs`) is a superset of GBK and GB2312; decoding it never fails
/// (invalid sequences become U+FFFD), so this always returns text.
pub fn decode_unlabelled(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => encoding_rs::GB18030
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
    }
}

/// The raw value bytes of the first header called `key` in this part.
fn raw_header<'a>(part: &'a ParsedMail<'a>, key: &str) -> Option<&'a [u8]> {
    part.headers
        .get_first_header(key)
        .map(|h| h.get_value_raw())
}

/// Decodes `bytes` in the charset named by a MIME label (RFC 2047 / RFC 2231).
fn decode_labelled(label: &str, bytes: &[u8]) -> String {
    // RFC 2231 §5 allows a language after '*' in an RFC 2047 charset: "gbk*zh-cn".
    let label = label.split('*').next().unwrap_or("").trim();
    match encoding_rs::Encoding::for_label(label.as_bytes()) {
        Some(enc) => enc.decode_without_bom_handling(bytes).0.into_owned(),
        None => decode_unlabelled(bytes),
    }
}

/// Rule 1: joins folded lines. The whitespace that starts a continuation line stays.
fn unfold(raw: &[u8]) -> Vec<u8> {
    raw.iter()
        .copied()
        .filter(|&b| b != b'\r' && b != b'\n')
        .collect()
}

/// The parameters of a structured header (Content-Type, Content-Disposition).
struct Params {
    /// What stands before the first ';', e.g. "attachment" or "application/pdf".
    head: String,
    /// (lower-case key, value bytes with quoting removed), in header order.
    items: Vec<(String, Vec<u8>)>,
}

/// Rule 2: splits a raw structured header value into its head and parameters, on bytes.
fn parse_params(raw_value: &[u8]) -> Params {
    let v = unfold(raw_value);
    let mut i = v.iter().position(|&b| b == b';').unwrap_or(v.len());
    let head = String::from_utf8_lossy(&v[..i]).trim().to_owned();
    let mut items = Vec::new();
    while i < v.len() {
        // Skip separators, then read the key up to '='.
        while i < v.len() && (v[i] == b';' || v[i].is_ascii_whitespace()) {
            i += 1;
        }
        let key_start = i;
        while i < v.len() && v[i] != b'=' && v[i] != b';' {
            i += 1;
        }
        let key = String::from_utf8_lossy(&v[key_start..i])
            .trim()
            .to_ascii_lowercase();
        if i >= v.len() || v[i] != b'=' {
            continue; // a bare word without '=': ignore it
        }
        i += 1; // '='
        while i < v.len() && (v[i] == b' ' || v[i] == b'\t') {
            i += 1;
        }
        let mut value = Vec::new();
        if i < v.len() && v[i] == b'"' {
            i += 1;
            while i < v.len() && v[i] != b'"' {
                // A backslash escapes the next byte, except right after an 8-bit byte: then it
                // is the second byte of a GBK character such as 乗 (0x81 0x5C).
                let after_8bit = value.last().is_some_and(|&p: &u8| p >= 0x80);
                if v[i] == b'\\' && !after_8bit && i + 1 < v.len() {
                    i += 1;
                }
                value.push(v[i]);
                i += 1;
            }
            i += 1; // closing quote (or end)
        } else {
            // A token. Lenient: it runs to the next ';', inner spaces kept.
            while i < v.len() && v[i] != b';' {
                value.push(v[i]);
                i += 1;
            }
            while value.last().is_some_and(|b| b.is_ascii_whitespace()) {
                value.pop();
            }
        }
        if !key.is_empty() {
            items.push((key, value));
        }
    }
    Params { head, items }
}

impl Params {
    /// The decoded value of parameter `key` (rules 3-5): RFC 2231 form first, then plain.
    fn value(&self, key: &str) -> Option<String> {
        self.rfc2231(key).or_else(|| {
            let (_, raw) = self.items.iter().find(|(k, _)| k == key)?;
            Some(decode_encoded_words(&decode_unlabelled(raw)))
        })
    }

    /// Rule 4: `key*=cs'lang'pct`, or sections `key*0[*]`, `key*1[*]`, … joined as bytes.
    fn rfc2231(&self, key: &str) -> Option<String> {
        // (section number, extended?, value bytes)
        let mut sections: Vec<(u32, bool, &[u8])> = Vec::new();
        for (k, v) in &self.items {
            let Some(rest) = k.strip_prefix(key).and_then(|r| r.strip_prefix('*')) else {
                continue;
            };
            if rest.is_empty() {
                sections.push((0, true, v)); // key*=…
            } else {
                let (num, extended) = match rest.strip_suffix('*') {
                    Some(n) => (n, true),
                    None => (rest, false),
                };
                if let Ok(n) = num.parse::<u32>() {
                    sections.push((n, extended, v));
                }
            }
        }
        if sections.is_empty() {
            return None;
        }
        sections.sort_by_key(|s| s.0);
        let mut charset = String::new();
        let mut bytes = Vec::new();
        for (n, extended, value) in sections {
            if !extended {
                bytes.extend_from_slice(value);
                continue;
            }
            let mut value = value;
            if n == 0 {
                // charset'language'percent-encoded
                let mut parts = value.splitn(3, |&b| b == b'\'');
                if let (Some(cs), Some(_lang), Some(rest)) =
                    (parts.next(), parts.next(), parts.next())
                {
                    charset = String::from_utf8_lossy(cs).into_owned();
                    value = rest;
                }
            }
            percent_decode_into(value, &mut bytes);
        }
        Some(if charset.is_empty() {
            decode_unlabelled(&bytes)
        } else {
            decode_labelled(&charset, &bytes)
        })
    }
}

fn percent_decode_into(s: &[u8], out: &mut Vec<u8>) {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut i = 0;
    while i < s.len() {
        if s[i] == b'%' && i + 2 < s.len() {
            if let (Some(h), Some(l)) = (hex(s[i + 1]), hex(s[i + 2])) {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        out.push(s[i]);
        i += 1;
    }
}

/// Rule 5: decodes RFC 2047 encoded words anywhere in `s`.
///
/// Adjacent words of one charset are joined as bytes before decoding; whitespace between two
/// encoded words is dropped (RFC 2047 §6.2). Text that is not an encoded word stays as is.
pub fn decode_encoded_words(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending: Option<(String, Vec<u8>)> = None; // (charset, bytes) of adjacent words
    let mut gap = String::new(); // whitespace after a word: dropped if another word follows
    let mut rest = s;
    while !rest.is_empty() {
        if let Some((charset, bytes, used)) = parse_encoded_word(rest) {
            match &mut pending {
                Some((cs, buf)) if same_charset(cs, &charset) => buf.extend_from_slice(&bytes),
                _ => {
                    flush_words(&mut pending, &mut out);
                    pending = Some((charset, bytes));
                }
            }
            gap.clear();
            rest = &rest[used..];
            continue;
        }
        let ch = rest.chars().next().expect("non-empty");
        rest = &rest[ch.len_utf8()..];
        if pending.is_some() && (ch == ' ' || ch == '\t') {
            gap.push(ch);
            continue;
        }
        flush_words(&mut pending, &mut out);
        out.push_str(&gap);
        gap.clear();
        out.push(ch);
    }
    flush_words(&mut pending, &mut out);
    out.push_str(&gap);
    out
}

fn flush_words(pending: &mut Option<(String, Vec<u8>)>, out: &mut String) {
    if let Some((charset, bytes)) = pending.take() {
        out.push_str(&decode_labelled(&charset, &bytes));
    }
}

fn same_charset(a: &str, b: &str) -> bool {
    let enc =
        |l: &str| encoding_rs::Encoding::for_label(l.split('*').next().unwrap_or("").as_bytes());
    a.eq_ignore_ascii_case(b) || matches!((enc(a), enc(b)), (Some(x), Some(y)) if x == y)
}

/// Parses one `=?charset?B|Q?text?=` at the start of `s`: (charset, bytes, length used).
fn parse_encoded_word(s: &str) -> Option<(String, Vec<u8>, usize)> {
    let body = s.strip_prefix("=?")?;
    let q1 = body.find('?')?;
    let charset = &body[..q1];
    if charset.is_empty() || charset.contains(|c: char| c.is_whitespace() || c == '"') {
        return None;
    }
    let after_cs = &body[q1 + 1..];
    let mut chars = after_cs.chars();
    let enc = chars.next()?.to_ascii_uppercase();
    if chars.next()? != '?' || (enc != 'B' && enc != 'Q') {
        return None;
    }
    let text_all = &after_cs[2..];
    let end = text_all.find("?=")?;
    let text = &text_all[..end];
    if text.contains(|c: char| c.is_whitespace()) {
        return None;
    }
    let bytes = if enc == 'B' {
        B64.decode(text.trim_end_matches('=')).ok()?
    } else {
        q_decode(text)
    };
    let used = 2 + q1 + 1 + 2 + end + 2;
    Some((charset.to_owned(), bytes, used))
}

/// Lenient base64 for encoded words: padding optional, stray trailing bits allowed.
const B64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// RFC 2047 "Q": `_` is a space, `=XX` a byte, anything else itself.
fn q_decode(text: &str) -> Vec<u8> {
    let t = text.as_bytes();
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(t.len());
    let mut i = 0;
    while i < t.len() {
        match t[i] {
            b'_' => out.push(b' '),
            b'=' if i + 2 < t.len() => {
                if let (Some(h), Some(l)) = (hex(t[i + 1]), hex(t[i + 2])) {
                    out.push(h << 4 | l);
                    i += 3;
                    continue;
                }
                out.push(b'=');
            }
            b => out.push(b),
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests;
