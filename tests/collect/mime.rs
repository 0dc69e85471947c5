//! Mail as units' clients write it, byte by byte: every attachment-name form Chinese mail
//! clients produce (not through a MIME library, which would write only the correct ones).

use base64::Engine as _;

/// How an attachment's name is written in its headers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// `filename*=utf-8''%E5%8C%BA…` (Outlook, Thunderbird).
    Rfc2231Utf8,
    /// `filename*=gb18030''%C7%F8…`.
    Rfc2231Gb18030,
    /// `filename*0*=utf-8''…; filename*1*=…`, the cut inside one character.
    Rfc2231ContinuedUtf8,
    /// `filename*0*=gbk'zh-cn'…; filename*1*=…`, the cut inside one character.
    Rfc2231ContinuedGbk,
    /// A wrong plain `filename="=?UTF-8?B?…?="` beside the right `filename*=`.
    Rfc2231BesidePlain,
    /// `filename="=?GBK?B?…?="` (Foxmail, NetEase, QQ Mail).
    Rfc2047Gbk,
    /// Two `=?gb2312?B?…?=` words with nothing between them.
    Rfc2047Gb2312Adjacent,
    /// Two GBK words whose byte split falls inside one character.
    Rfc2047SplitInsideChar,
    /// `=?GB18030?B?…?=` for a name with a four-byte GB18030 character.
    Rfc2047Gb18030,
    /// `=?GBK?Q?=C7=F8…?=`.
    Rfc2047GbkQ,
    /// `filename==?GBK?B?…?=`, unquoted.
    Rfc2047Unquoted,
    /// The GBK bytes themselves in `filename="…"` (old clients on Chinese Windows).
    RawGbk,
    /// The UTF-8 bytes themselves.
    RawUtf8,
    /// The GB18030 bytes themselves, a four-byte character among them.
    RawGb18030,
    /// Only `Content-Type: …; name="=?GBK?B?…?="`, no Content-Disposition.
    ContentTypeNameOnly,
}

impl Form {
    pub const ALL: [Form; 15] = [
        Form::Rfc2231Utf8,
        Form::Rfc2231Gb18030,
        Form::Rfc2231ContinuedUtf8,
        Form::Rfc2231ContinuedGbk,
        Form::Rfc2231BesidePlain,
        Form::Rfc2047Gbk,
        Form::Rfc2047Gb2312Adjacent,
        Form::Rfc2047SplitInsideChar,
        Form::Rfc2047Gb18030,
        Form::Rfc2047GbkQ,
        Form::Rfc2047Unquoted,
        Form::RawGbk,
        Form::RawUtf8,
        Form::RawGb18030,
        Form::ContentTypeNameOnly,
    ];

    /// Whether the form's encoding can hold any character (GB18030, UTF-8), so a name
    /// with 䶮 (not in GBK) can be written in it.
    pub fn takes_any_character(self) -> bool {
        matches!(
            self,
            Form::Rfc2231Utf8
                | Form::Rfc2231Gb18030
                | Form::Rfc2231ContinuedUtf8
                | Form::Rfc2231BesidePlain
                | Form::Rfc2047Gb18030
                | Form::RawUtf8
                | Form::RawGb18030
        )
    }

    /// (Content-Type parameters, Content-Disposition value) naming `name` this way.
    fn headers(self, name: &str) -> (Vec<u8>, Option<Vec<u8>>) {
        let both = |p: Vec<u8>, f: Vec<u8>| (p, Some([b"attachment; ".as_slice(), &f].concat()));
        let quoted = |key: &str, v: &[u8]| [key.as_bytes(), b"=\"", v, b"\""].concat();
        match self {
            Form::Rfc2231Utf8 => {
                let v = format!("utf-8''{}", pct(name.as_bytes()));
                both(
                    format!("name*={v}").into_bytes(),
                    format!("filename*={v}").into_bytes(),
                )
            }
            Form::Rfc2231Gb18030 => {
                let v = format!("gb18030''{}", pct(&gb18030(name)));
                both(
                    format!("name*={v}").into_bytes(),
                    format!("filename*={v}").into_bytes(),
                )
            }
            Form::Rfc2231ContinuedUtf8 | Form::Rfc2231ContinuedGbk => {
                let (bytes, label) = if self == Form::Rfc2231ContinuedUtf8 {
                    (name.as_bytes().to_vec(), "utf-8''")
                } else {
                    (gbk(name), "gbk'zh-cn'")
                };
                let cut = inside_second_char(&bytes);
                let v = |k: &str| {
                    format!(
                        "\r\n {k}*0*={label}{};\r\n {k}*1*={}",
                        pct(&bytes[..cut]),
                        pct(&bytes[cut..])
                    )
                    .into_bytes()
                };
                both(v("name"), v("filename"))
            }
            Form::Rfc2231BesidePlain => {
                let wrong = word("UTF-8", "错误的名字.xlsx".as_bytes());
                let right = format!("utf-8''{}", pct(name.as_bytes()));
                both(
                    format!("name*={right}").into_bytes(),
                    format!("filename=\"{wrong}\";\r\n filename*={right}").into_bytes(),
                )
            }
            Form::Rfc2047Gbk => {
                let w = word("GBK", &gbk(name));
                both(
                    quoted("name", w.as_bytes()),
                    quoted("filename", w.as_bytes()),
                )
            }
            Form::Rfc2047Gb2312Adjacent | Form::Rfc2047SplitInsideChar => {
                let b = gbk(name);
                let (cut, cs) = if self == Form::Rfc2047Gb2312Adjacent {
                    (inside_second_char(&b) - 1, "gb2312")
                } else {
                    (inside_second_char(&b), "GBK")
                };
                let w = format!("{}{}", word(cs, &b[..cut]), word(cs, &b[cut..]));
                both(
                    quoted("name", w.as_bytes()),
                    quoted("filename", w.as_bytes()),
                )
            }
            Form::Rfc2047Gb18030 => {
                let w = word("GB18030", &gb18030(name));
                both(
                    quoted("name", w.as_bytes()),
                    quoted("filename", w.as_bytes()),
                )
            }
            Form::Rfc2047GbkQ => {
                let q: String = gbk(name)
                    .iter()
                    .map(|&b| {
                        if b.is_ascii_alphanumeric() {
                            (b as char).to_string()
                        } else {
                            format!("={b:02X}")
                        }
                    })
                    .collect();
                let w = format!("=?GBK?Q?{q}?=");
                both(
                    quoted("name", w.as_bytes()),
                    quoted("filename", w.as_bytes()),
                )
            }
            Form::Rfc2047Unquoted => {
                let w = word("GBK", &gbk(name));
                both(
                    format!("name={w}").into_bytes(),
                    format!("filename={w}").into_bytes(),
                )
            }
            Form::RawGbk => both(quoted("name", &gbk(name)), quoted("filename", &gbk(name))),
            Form::RawUtf8 => both(
                quoted("name", name.as_bytes()),
                quoted("filename", name.as_bytes()),
            ),
            Form::RawGb18030 => both(
                quoted("name", &gb18030(name)),
                quoted("filename", &gb18030(name)),
            ),
            Form::ContentTypeNameOnly => {
                let w = word("GBK", &gbk(name));
                (quoted("name", w.as_bytes()), None)
            }
        }
    }
}

/// One message: headers as bytes (the forms under test), parts in order.
pub struct Mail {
    pub message_id: String,
    pub from: Vec<u8>,
    pub subject: Vec<u8>,
    pub text: String,
    pub parts: Vec<Vec<u8>>,
}

impl Mail {
    /// From `"<name> <address>"` (the name as a GBK word), the subject as a GBK word.
    pub fn new(message_id: &str, name: &str, address: &str, subject: &str) -> Mail {
        Mail {
            message_id: message_id.to_string(),
            from: format!("{} <{address}>", word("GBK", &gbk(name))).into_bytes(),
            subject: word("GBK", &gbk(subject)).into_bytes(),
            text: "附件为本单位填报表，请查收。".into(),
            parts: Vec::new(),
        }
    }

    /// Attaches `data` named `name` the way `form` writes it.
    pub fn attach(mut self, form: Form, name: &str, data: &[u8]) -> Mail {
        let (ct, cd) = form.headers(name);
        let mut part = [
            b"Content-Type: application/octet-stream; ".as_slice(),
            &ct,
            b"\r\nContent-Transfer-Encoding: base64\r\n",
        ]
        .concat();
        if let Some(cd) = cd {
            part.extend_from_slice(b"Content-Disposition: ");
            part.extend_from_slice(&cd);
            part.extend_from_slice(b"\r\n");
        }
        part.extend_from_slice(b"\r\n");
        part.extend_from_slice(&base64_lines(data));
        self.parts.push(part);
        self
    }

    /// Attaches a whole message, as "forward as attachment" does.
    pub fn forward(mut self, inner: &Mail) -> Mail {
        let part = [
            b"Content-Type: message/rfc822\r\nContent-Disposition: attachment; filename=\""
                .as_slice(),
            word("GBK", &gbk("转发的邮件.eml")).as_bytes(),
            b"\"\r\n\r\n",
            &inner.bytes(),
        ]
        .concat();
        self.parts.push(part);
        self
    }

    /// The whole message, CRLF line ends.
    pub fn bytes(&self) -> Vec<u8> {
        let boundary = "----=_duban_test_boundary";
        let mut out = Vec::new();
        for (k, v) in [
            ("Message-ID", self.message_id.as_bytes()),
            ("Date", b"Fri, 3 Apr 2020 10:00:00 +0800".as_slice()),
            ("From", &self.from),
            ("To", b"office@duban.test".as_slice()),
            ("Subject", &self.subject),
            ("MIME-Version", b"1.0".as_slice()),
        ] {
            out.extend_from_slice(k.as_bytes());
            out.extend_from_slice(b": ");
            out.extend_from_slice(v);
            out.extend_from_slice(b"\r\n");
        }
        let text = [
            b"Content-Type: text/plain; charset=GBK\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                .as_slice(),
            &base64_lines(&gbk(&self.text)),
        ]
        .concat();
        if self.parts.is_empty() {
            out.extend_from_slice(&text);
            return out;
        }
        out.extend_from_slice(
            format!("Content-Type: multipart/mixed; boundary=\"{boundary}\"\r\n\r\n").as_bytes(),
        );
        for part in std::iter::once(&text).chain(&self.parts) {
            out.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            out.extend_from_slice(part);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        out
    }
}

pub fn gbk(s: &str) -> Vec<u8> {
    let (b, _, unmappable) = encoding_rs::GBK.encode(s);
    assert!(!unmappable, "{s} is not GBK");
    b.into_owned()
}

pub fn gb18030(s: &str) -> Vec<u8> {
    encoding_rs::GB18030.encode(s).0.into_owned()
}

/// One RFC 2047 B word.
pub fn word(charset: &str, bytes: &[u8]) -> String {
    format!(
        "=?{charset}?B?{}?=",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

fn pct(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'_' | b'-' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A byte offset one byte into the second multi-byte character of `bytes` (UTF-8 or GBK
/// alike: both start a multi-byte character with a byte ≥ 0x80).
fn inside_second_char(bytes: &[u8]) -> usize {
    let mut seen = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] >= 0x80 {
            seen += 1;
            if seen == 2 {
                return i + 1;
            }
            // Skip the rest of this character: UTF-8 by its lead byte, GBK two bytes (the
            // names here have no four-byte GB18030 character before the second).
            i += match bytes[i] {
                0xE0..=0xEF if std::str::from_utf8(bytes).is_ok() => 3,
                0xF0..=0xF7 if std::str::from_utf8(bytes).is_ok() => 4,
                0xC0..=0xDF if std::str::from_utf8(bytes).is_ok() => 2,
                _ => 2,
            };
            continue;
        }
        i += 1;
    }
    panic!("fewer than two multi-byte characters")
}

fn base64_lines(data: &[u8]) -> Vec<u8> {
    let b64 = base64::engine::general_purpose::STANDARD.encode(data);
    let mut out = Vec::with_capacity(b64.len() + b64.len() / 38);
    for chunk in b64.as_bytes().chunks(76) {
        out.extend_from_slice(chunk);
        out.extend_from_slice(b"\r\n");
    }
    out
}
