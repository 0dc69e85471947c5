//! The `{name}` placeholders of the office's editable texts — mail templates
//! (`templates/mail/`) and the bulletin's wording (`templates/bulletin/`): one syntax for
//! both. `{{` and `}}` are literal braces. Which names a text may use, and what a name
//! without a value means, is each text's own business; this module only finds and fills.

/// One of the office's texts, the office's own or the one built in: `DIR/KEY.txt` when a
/// folder is given and holds it, else `embedded`. Returns the text and where it came from
/// (its path, or `内置<what> KEY.txt`), for messages.
pub fn office_text(
    dir: Option<&std::path::Path>,
    key: &str,
    embedded: &str,
    what: &str,
) -> Result<(String, String), crate::fsutil::InputError> {
    match dir
        .map(|d| d.join(format!("{key}.txt")))
        .filter(|p| p.is_file())
    {
        Some(p) => Ok((crate::fsutil::read_text(&p)?, p.display().to_string())),
        None => Ok((embedded.to_string(), format!("内置{what} {key}.txt"))),
    }
}

/// Said while the office's contact is not filled in: templates and mails would go out
/// without a way for units to ask (templates, round new and mail warn; they still run).
pub const NO_OFFICE_CONTACT: &str =
    "提醒：督考办联系方式未填写（duban.toml 的 office_contact，或 --office-contact），\
     模板的填报说明和邮件中将没有联系人和电话。请先填写后再发出。\n";

/// [`NO_OFFICE_CONTACT`] when `contact` is empty or missing.
pub fn contact_note(contact: Option<&str>) -> &'static str {
    match contact.map(str::trim) {
        Some(c) if !c.is_empty() => "",
        _ => NO_OFFICE_CONTACT,
    }
}

/// A `{` without its `}`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("占位符没有结束的 }}：{snippet}")]
pub struct Unclosed {
    /// The text from the `{` on, shortened.
    pub snippet: String,
}

/// The placeholder names used in `s`, in order, repeats included.
pub fn names(s: &str) -> Result<Vec<String>, Unclosed> {
    let mut out = Vec::new();
    fill_with(s, |name| {
        out.push(name.to_string());
        Some(String::new())
    })?;
    Ok(out)
}

/// `s` with each placeholder replaced by `value(name)`; a `None` leaves nothing in its
/// place (the caller records it and reports it).
pub fn fill_with(
    s: &str,
    mut value: impl FnMut(&str) -> Option<String>,
) -> Result<String, Unclosed> {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '{' if chars.peek().map(|x| x.1) == Some('{') => {
                chars.next();
                out.push('{');
            }
            '}' if chars.peek().map(|x| x.1) == Some('}') => {
                chars.next();
                out.push('}');
            }
            '{' => {
                let rest = &s[i + 1..];
                let end = rest.find('}').ok_or_else(|| Unclosed {
                    snippet: s[i..].chars().take(20).collect(),
                })?;
                let name = rest[..end].trim();
                if let Some(v) = value(name) {
                    out.push_str(&v);
                }
                for _ in 0..rest[..end].chars().count() + 1 {
                    chars.next();
                }
            }
            _ => out.push(c),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn braces_double_to_escape() {
        assert_eq!(names("{a}{{b}}{ c }").unwrap(), ["a", "c"]);
        let filled = fill_with("{a}：{{原样}}", |n| Some(n.to_uppercase())).unwrap();
        assert_eq!(filled, "A：{原样}");
        assert_eq!(
            names("前{未完").unwrap_err(),
            Unclosed {
                snippet: "{未完".into()
            }
        );
    }
}
