//! IMAP's mailbox names: modified UTF-7 (RFC 3501 §5.1.3). A folder the clerk calls 报表
//! is `&YqWIaA-` on the wire; sent as raw UTF-8 the server refuses it.
//!
//! Printable ASCII stands for itself but `&`, which is `&-`; any other run of characters
//! is `&`, their UTF-16 in base64 with `,` for `/` and no padding, then `-`.

use base64::alphabet::Alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;

fn engine() -> GeneralPurpose {
    let alphabet =
        Alphabet::new("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,")
            .expect("64 distinct ASCII characters");
    GeneralPurpose::new(
        &alphabet,
        GeneralPurposeConfig::new()
            .with_encode_padding(false)
            .with_decode_padding_mode(DecodePaddingMode::RequireNone),
    )
}

/// A mailbox name as the server wants it.
///
/// ```
/// use duban::collect::utf7::encode;
/// assert_eq!(encode("报表"), "&YqWIaA-");
/// assert_eq!(encode("INBOX/A&B"), "INBOX/A&-B");
/// ```
pub fn encode(name: &str) -> String {
    let mut out = String::new();
    let mut run: Vec<u16> = Vec::new();
    let flush = |run: &mut Vec<u16>, out: &mut String| {
        if !run.is_empty() {
            let bytes: Vec<u8> = run.iter().flat_map(|u| u.to_be_bytes()).collect();
            out.push('&');
            out.push_str(&engine().encode(bytes));
            out.push('-');
            run.clear();
        }
    };
    for c in name.chars() {
        if (' '..='~').contains(&c) {
            flush(&mut run, &mut out);
            if c == '&' {
                out.push_str("&-");
            } else {
                out.push(c);
            }
        } else {
            let mut buf = [0u16; 2];
            run.extend_from_slice(c.encode_utf16(&mut buf));
        }
    }
    flush(&mut run, &mut out);
    out
}

/// A mailbox name as the server sent it, for the clerk; a name that is not valid modified
/// UTF-7 is shown as it came.
///
/// ```
/// use duban::collect::utf7::decode;
/// assert_eq!(decode("&YqWIaA-"), "报表");
/// assert_eq!(decode("&-x&"), "&-x&");
/// ```
pub fn decode(name: &str) -> String {
    try_decode(name).unwrap_or_else(|| name.to_string())
}

fn try_decode(name: &str) -> Option<String> {
    let mut out = String::new();
    let mut rest = name;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let end = after.find('-')?;
        let b64 = &after[..end];
        if b64.is_empty() {
            out.push('&');
        } else {
            let bytes = engine().decode(b64).ok()?;
            if bytes.len() % 2 != 0 {
                return None;
            }
            let units: Vec<u16> = bytes
                .chunks(2)
                .map(|p| u16::from_be_bytes([p[0], p[1]]))
                .collect();
            out.push_str(&String::from_utf16(&units).ok()?);
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 3501 §5.1.3's examples, and RFC 2152's smiley.
    #[test]
    fn the_rfc_examples() {
        let pairs = [
            ("~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-"),
            ("☺!", "&Jjo-!"),
            ("报表", "&YqWIaA-"),
            ("INBOX", "INBOX"),
            ("A&B", "A&-B"),
            ("2020年/一季度 报表", "2020&XnQ-/&TgBbY16m- &YqWIaA-"),
            ("𠀀", "&2EDcAA-"),
        ];
        for (plain, wire) in pairs {
            assert_eq!(encode(plain), wire, "{plain}");
            assert_eq!(decode(wire), plain, "{wire}");
        }
        assert_eq!(
            decode("&U,BTFw"),
            "&U,BTFw",
            "unterminated: shown as it came"
        );
    }
}
