//! Escaping and the namespace names shared by every part we write.
//!
//! All XML is built as strings; these two escapers are the only way text gets into it.

/// The XML declaration Word writes (CRLF included).
pub const DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n";

/// WordprocessingML main namespace (transitional, the one Word and WPS save).
pub const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
/// The ISO/IEC 29500 Strict main namespace, recognised only to refuse it clearly.
pub const W_NS_STRICT: &str = "http://purl.oclc.org/ooxml/wordprocessingml/main";
/// Relationship ids in parts (`r:id`).
pub const R_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// Characters XML 1.0 can carry. Control characters (other than tab, LF, CR) and the
/// non-characters U+FFFE/U+FFFF cannot appear even escaped; Excel cells do contain some (e.g.
/// U+000B as a line break), so they are dropped rather than produce a file Word refuses.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
}

/// Append `s` as element content.
pub fn text(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c if is_xml_char(c) => out.push(c),
            _ => {}
        }
    }
}

/// Append `s` as a double-quoted attribute value. Tab, LF and CR are written as character
/// references, because a parser normalises literal ones in attributes to spaces.
pub fn attr(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if is_xml_char(c) => out.push(c),
            _ => {}
        }
    }
}

/// `s` escaped as an attribute value, for use in `format!`.
pub fn attr_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    attr(&mut out, s);
    out
}

/// `s` escaped as element content, for use in `format!`.
pub fn text_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    text(&mut out, s);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_control_characters() {
        assert_eq!(text_string("a<b>&c\u{b}d\u{0}"), "a&lt;b&gt;&amp;cd");
        assert_eq!(attr_string("\"x\"\t"), "&quot;x&quot;&#9;");
        assert_eq!(text_string("仿宋_GB2312"), "仿宋_GB2312");
    }
}
