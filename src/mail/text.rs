//! The wording of each kind of message: editable text templates with `{placeholder}`s.
//!
//! The office rewords its mails every year, so the words live in plain text files
//! (templates/mail/KIND.txt, embedded in the binary) that `--mail-templates DIR` overrides.
//! A template's first line is the subject; the body follows a blank line. A placeholder the
//! template uses but the run cannot fill is an error before anything is written, never a
//! literal `{deadline}` in a mail to a unit.

use std::collections::BTreeMap;
use std::path::Path;

use super::Kind;
use crate::fsutil::InputError;

/// A mail template that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum TextError {
    #[error(transparent)]
    Read(#[from] InputError),
    #[error("邮件模板 {source_name} 的第一行（邮件主题）为空")]
    EmptySubject { source_name: String },
    #[error("邮件模板 {source_name} 用了未知的占位符 {{{name}}}；可用的有：{known}")]
    UnknownPlaceholder {
        source_name: String,
        name: String,
        known: String,
    },
    #[error(transparent)]
    Unclosed(#[from] crate::placeholder::Unclosed),
    #[error("没有可填入的值：{hints}")]
    Missing { hints: String },
}

/// Subject and body of one kind, unfilled.
#[derive(Clone, Debug, PartialEq)]
pub struct MailText {
    pub subject: String,
    pub body: String,
    /// Where it came from, for messages.
    pub source: String,
}

impl MailText {
    /// The subject and the body with `vars` filled in. A placeholder without a value is the
    /// same for every message, so it fails the run (naming the text), not one message.
    pub fn render(
        &self,
        vars: &BTreeMap<&str, String>,
    ) -> Result<(String, String), super::MailError> {
        let fill = |s: &str| {
            fill(s, vars).map_err(|problem| super::MailError::Fill {
                source_name: self.source.clone(),
                problem,
            })
        };
        Ok((fill(&self.subject)?, fill(&self.body)?))
    }
}

/// Every placeholder a template may use.
pub const PLACEHOLDERS: &[(&str, &str)] = &[
    ("name", "收件单位或领导的名称"),
    ("unit", "单位名称"),
    ("leader", "领导姓名"),
    ("contact", "联系人（联系人表 contact 列，空时用名称）"),
    ("round", "填报期次"),
    (
        "deadline",
        "截止时间（--deadline，或用 --templates 指向本期模板文件夹）",
    ),
    ("count", "任务数或问题数"),
    ("hosts", "主办任务数"),
    ("co_units", "协办任务数"),
    ("errors", "必须修改的问题数"),
    ("status", "报送状态（未报送、未通过校验）"),
    ("verdict", "校验结论"),
    ("problems", "问题摘要"),
    ("attachment", "附件文件名"),
    ("office", "发件机关（--office）"),
    ("office_contact", "发件机关联系方式（--office-contact）"),
    ("received", "收到来信的时间"),
    ("subject", "来信的主题"),
    ("files", "来信附带的报表文件名"),
    ("summary", "校验摘要（一行）"),
];

fn embedded(kind: Kind) -> &'static str {
    match kind {
        Kind::Templates => include_str!("../../templates/mail/templates.txt"),
        Kind::Summaries => include_str!("../../templates/mail/summaries.txt"),
        Kind::Reminders => include_str!("../../templates/mail/reminders.txt"),
        Kind::Feedback => include_str!("../../templates/mail/feedback.txt"),
        Kind::Accepted => include_str!("../../templates/mail/accepted.txt"),
        Kind::Returned => include_str!("../../templates/mail/returned.txt"),
        Kind::Untouched => include_str!("../../templates/mail/untouched.txt"),
    }
}

/// The text for `kind`: DIR/KIND.txt when `dir` is given and holds one, else the embedded one.
pub fn load(kind: Kind, dir: Option<&Path>) -> Result<MailText, TextError> {
    let (text, source) =
        crate::placeholder::office_text(dir, kind.key(), embedded(kind), "邮件模板")?;
    split(&text, &source)
}

/// Splits a template file into subject (first line) and body.
pub fn split(text: &str, source: &str) -> Result<MailText, TextError> {
    let text = text
        .strip_prefix('\u{feff}')
        .unwrap_or(text)
        .replace("\r\n", "\n");
    let (first, rest) = text.split_once('\n').unwrap_or((&text, ""));
    let subject = first
        .trim()
        .trim_start_matches("主题：")
        .trim_start_matches("Subject:")
        .trim()
        .to_string();
    if subject.is_empty() {
        return Err(TextError::EmptySubject {
            source_name: source.to_string(),
        });
    }
    let mt = MailText {
        subject,
        body: rest.trim_start_matches('\n').to_string(),
        source: source.to_string(),
    };
    for part in [&mt.subject, &mt.body] {
        for name in placeholders(part)? {
            if !PLACEHOLDERS.iter().any(|(p, _)| *p == name) {
                let known: Vec<String> = PLACEHOLDERS
                    .iter()
                    .map(|(p, _)| format!("{{{p}}}"))
                    .collect();
                return Err(TextError::UnknownPlaceholder {
                    source_name: source.to_string(),
                    name,
                    known: known.join(" "),
                });
            }
        }
    }
    Ok(mt)
}

/// The placeholder names used in `s` (`{{` and `}}` are literal braces).
pub fn placeholders(s: &str) -> Result<Vec<String>, TextError> {
    Ok(crate::placeholder::names(s)?)
}

/// Fills the placeholders from `vars`; a placeholder without a value is an error naming it.
pub fn fill(s: &str, vars: &BTreeMap<&str, String>) -> Result<String, TextError> {
    let mut missing = Vec::new();
    let out = crate::placeholder::fill_with(s, |name| match vars.get(name) {
        Some(v) => Some(v.clone()),
        None => {
            missing.push(name.to_string());
            None
        }
    })?;
    if missing.is_empty() {
        Ok(out)
    } else {
        let hints: Vec<String> = missing
            .iter()
            .map(|m| {
                let what = PLACEHOLDERS
                    .iter()
                    .find(|(p, _)| p == m)
                    .map_or("", |(_, w)| w);
                format!("{{{m}}}（{what}）")
            })
            .collect();
        Err(TextError::Missing {
            hints: hints.join("、"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_templates_are_valid() {
        for k in [
            Kind::Templates,
            Kind::Summaries,
            Kind::Reminders,
            Kind::Feedback,
            Kind::Accepted,
            Kind::Returned,
            Kind::Untouched,
        ] {
            let t = load(k, None).unwrap();
            assert!(!t.subject.is_empty() && !t.body.is_empty());
        }
    }

    #[test]
    fn fills_and_reports_missing() {
        let vars = BTreeMap::from([("unit", "区科技局".to_string())]);
        assert_eq!(fill("{unit}：{{原样}}", &vars).unwrap(), "区科技局：{原样}");
        let e = fill("{unit}{deadline}", &vars).unwrap_err();
        assert!(
            matches!(&e, TextError::Missing { hints } if hints.contains("{deadline}")),
            "{e}"
        );
        assert!(matches!(
            split("{单位}\n\n正文", "t"),
            Err(TextError::UnknownPlaceholder { name, .. }) if name == "单位"
        ));
    }
}
