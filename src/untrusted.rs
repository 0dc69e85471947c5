//! Text that came from outside (a mail's subject, an attachment's name, a sender's name)
//! made safe to print, to save in a log or CSV, and to use in a file name.
//!
//! A subject holding `ESC [2J` clears the clerk's terminal, and one holding U+202E (right-to-
//! left override) makes `报表_\u{202e}xslx.exe` show as `报表_exe.xlsx`. So control characters
//! (C0, DEL, C1) and bidi controls never reach a terminal or a file as themselves:
//! [`shown`] writes them out as `\u001b` or `\u202e`, visible and harmless (and, inside a
//! JSON string, the escape of the very character), and [`name_char`] says which characters
//! a file name drops or replaces.

use std::borrow::Cow;

/// The bidi controls: embeddings and overrides (U+202A–202E), isolates (U+2066–2069), the
/// marks LRM, RLM (U+200E/F) and ALM (U+061C). Invisible, they reorder what is shown.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// A character a terminal would act on instead of showing: C0, DEL, C1, or a bidi control.
pub fn is_hostile(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

/// `s` with every control and bidi character written out (`\u001b`, `\u202e`), for a
/// terminal, a log or a CSV; borrowed when there is none (the usual case).
///
/// ```
/// use duban::untrusted::shown;
/// assert_eq!(shown("报送\u{1b}[2J"), "报送\\u001b[2J");
/// assert_eq!(shown("a\u{202e}b\nc"), "a\\u202eb\\u000ac");
/// assert_eq!(shown("区科技局"), "区科技局");
/// ```
pub fn shown(s: &str) -> Cow<'_, str> {
    escape(s, is_hostile)
}

/// As [`shown`], but line breaks and tabs stay: for whole lines of output (the console,
/// stdout) and for a spreadsheet cell, where a sender's text may have slipped in.
pub fn shown_lines(s: &str) -> Cow<'_, str> {
    escape(s, |c| c != '\n' && c != '\t' && is_hostile(c))
}

fn escape(s: &str, hostile: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !s.chars().any(&hostile) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if hostile(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// What a character of a sent name becomes in a file name: bidi controls are dropped
/// (they only reorder what is shown), controls and the characters Windows refuses become
/// `_`, the rest stays.
pub fn name_char(c: char) -> Option<char> {
    if is_bidi_control(c) {
        None
    } else if "/\\:*?\"<>|".contains(c) || c.is_control() {
        Some('_')
    } else {
        Some(c)
    }
}

/// A name as Windows stores it: trailing dots and spaces are not part of a name there
/// (`x.xlsx.` is `x.xlsx`), so they are not here either, for its extension as for its file.
///
/// ```
/// use duban::untrusted::windows_trim;
/// assert_eq!(windows_trim("报表.xlsx. . "), "报表.xlsx");
/// ```
pub fn windows_trim(s: &str) -> &str {
    s.trim_end_matches(['.', ' '])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_control_is_written_out() {
        let all: String = (0u32..0x20)
            .chain(0x7f..0xa0)
            .filter_map(char::from_u32)
            .chain(['\u{202e}', '\u{2066}', '\u{200f}', '\u{061c}'])
            .collect();
        let s = shown(&all);
        assert!(s.chars().all(|c| !is_hostile(c)), "{s}");
        assert!(s.contains("\\u001b") && s.contains("\\u009b") && s.contains("\\u202e"));
        assert_eq!(shown_lines("a\u{1b}\n\tb"), "a\\u001b\n\tb");
        // Inside a JSON string the escape is the character itself.
        let json = shown_lines("\"\u{9b}2J\"");
        assert_eq!(serde_json::from_str::<String>(&json).unwrap(), "\u{9b}2J");
    }

    #[test]
    fn a_name_loses_bidi_controls_and_keeps_chinese() {
        let n: String = "报表_\u{202e}slx.exe\u{1b}"
            .chars()
            .filter_map(name_char)
            .collect();
        assert_eq!(n, "报表_slx.exe_");
    }
}
