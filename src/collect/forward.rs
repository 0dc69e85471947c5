//! Returns forwarded inside another message. "Forward as attachment" (作为附件转发) wraps the
//! original in a `message/rfc822` part; a clerk who saved the unit's mail and attached the
//! saved file sends an `.eml` attachment, typed `application/octet-stream` or
//! `message/rfc822` by whatever the client guessed. Both are opened, and the returns inside
//! taken as if they had come on their own.

/// Whether a part is a whole message to open rather than a file to save.
pub fn is_message(mime: &str, name: Option<&str>) -> bool {
    mime.eq_ignore_ascii_case("message/rfc822")
        || name.is_some_and(|n| n.to_lowercase().trim_end().ends_with(".eml"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_part_or_an_eml_file() {
        assert!(is_message("message/rfc822", None));
        assert!(is_message(
            "application/octet-stream",
            Some("转发：报送.EML")
        ));
        assert!(!is_message("application/pdf", Some("说明.pdf")));
    }
}
