//! A message's bytes as they are written and sent, its header lines folded.
//!
//! lettre writes an address list on one line: a Cc of 500 addresses was one 9,503-character
//! line, over RFC 5322's hard limit of 998 (servers may cut or refuse it). Every line of the
//! message's own header is folded here at a space, before it, to 78 characters where a space
//! allows (RFC 5322 §2.2.3: unfolding removes the line break, so the header means the same).

use lettre::Message;

/// The recommended length of a line, without its CRLF.
const LINE: usize = 78;

/// `msg` formatted, its header lines folded.
pub fn wire(msg: &Message) -> Vec<u8> {
    fold_header(&msg.formatted())
}

/// Folds the header lines of a whole message (up to its first empty line); the body is
/// left as it is.
pub fn fold_header(raw: &[u8]) -> Vec<u8> {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(raw.len(), |i| i + 2);
    let (head, body) = raw.split_at(end);
    let mut out = Vec::with_capacity(raw.len() + raw.len() / 20);
    for line in head.split_inclusive(|&b| b == b'\n') {
        let text = line.strip_suffix(b"\r\n").unwrap_or(line);
        fold_line(text, &mut out);
        if text.len() < line.len() {
            out.extend_from_slice(b"\r\n");
        }
    }
    out.extend_from_slice(body);
    out
}

/// Writes `line` to `out` as lines of at most [`LINE`] bytes, each break before a space
/// or tab; a stretch without one stays whole.
fn fold_line(line: &[u8], out: &mut Vec<u8>) {
    let mut rest = line;
    // Not right after `Name:`, and not at a line's first byte: a line must hold more than
    // white space.
    let mut from = line
        .iter()
        .position(|&b| b == b':')
        .map_or(1, |i| i + 2)
        .max(1);
    while rest.len() > LINE && from < LINE {
        // The last space within the limit, else the first after it.
        let is_space = |b: &u8| *b == b' ' || *b == b'\t';
        let within = rest[from..=LINE]
            .iter()
            .rposition(is_space)
            .map(|i| i + from);
        let cut = within.or_else(|| rest[LINE..].iter().position(is_space).map(|i| i + LINE));
        from = 1;
        match cut {
            Some(at) if at > 0 => {
                out.extend_from_slice(&rest[..at]);
                out.extend_from_slice(b"\r\n");
                rest = &rest[at..];
            }
            _ => break,
        }
    }
    out.extend_from_slice(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_list_folds_before_spaces_and_unfolds_to_itself() {
        let cc: Vec<String> = (0..500).map(|i| format!("cc{i:03}@example.org")).collect();
        let head = format!(
            "Subject: x\r\nCc: {}\r\n\r\nbody {}\r\n",
            cc.join(", "),
            "y".repeat(200)
        );
        let folded = String::from_utf8(fold_header(head.as_bytes())).unwrap();
        let (h, b) = folded.split_once("\r\n\r\n").unwrap();
        assert!(h.split("\r\n").all(|l| l.len() <= LINE), "{h}");
        assert!(h.split("\r\n").skip(2).all(|l| l.starts_with(' ')));
        assert_eq!(
            h.replace("\r\n ", " "),
            head.split_once("\r\n\r\n").unwrap().0
        );
        assert_eq!(b.len(), 4 + 1 + 200 + 2, "the body is untouched");
        let word = format!("X: {}", "z".repeat(100));
        assert_eq!(
            fold_header(word.as_bytes()),
            word.as_bytes(),
            "nowhere to fold"
        );
    }
}
