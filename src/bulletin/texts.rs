//! The bulletin's wording: one editable text per piece (`templates/bulletin/<piece>.txt`,
//! embedded in the binary, each overridable by a file of the same name in `--texts DIR`),
//! with `{placeholder}`s filled from the merge's summary.
//!
//! A piece holds paragraphs separated by blank lines. `# ` starts a level-1 heading (黑体,
//! 一、…), `## ` a level-2 heading (楷体, （一）…); `**…**` is bold within a paragraph; the
//! lines of one paragraph are joined as they are (Chinese needs no space). In `title.txt`
//! each line is a line of the title, broken where the office chooses (标题回行).
//!
//! Every placeholder a piece uses must be one of [`PLACEHOLDERS`] (checked when the texts
//! are loaded) and must have a value in the run (checked when it is filled): a name the run
//! cannot fill is an error naming the piece and what would fill it, never a literal
//! `{schedule}` in an official document.

use std::collections::BTreeMap;
use std::path::Path;

use crate::docx::{Block, Run};
use crate::fsutil::InputError;
use crate::placeholder;

/// The pieces of the bulletin, in document order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Piece {
    Title,
    Addressee,
    Opening,
    Overall,
    OverallChange,
    Good,
    GoodSection,
    GoodItem,
    Lagging,
    LaggingStreak,
    LaggingSection,
    LaggingItem,
    Reporting,
    ReportingChange,
    ReportingMissing,
    ReportingRejected,
    ReportingLate,
    Requirements,
    Attachment,
    Signature,
    CopyTo,
}

impl Piece {
    pub const ALL: [Piece; 21] = [
        Piece::Title,
        Piece::Addressee,
        Piece::Opening,
        Piece::Overall,
        Piece::OverallChange,
        Piece::Good,
        Piece::GoodSection,
        Piece::GoodItem,
        Piece::Lagging,
        Piece::LaggingStreak,
        Piece::LaggingSection,
        Piece::LaggingItem,
        Piece::Reporting,
        Piece::ReportingChange,
        Piece::ReportingMissing,
        Piece::ReportingRejected,
        Piece::ReportingLate,
        Piece::Requirements,
        Piece::Attachment,
        Piece::Signature,
        Piece::CopyTo,
    ];

    /// The file's name without `.txt`.
    pub fn key(self) -> &'static str {
        match self {
            Piece::Title => "title",
            Piece::Addressee => "addressee",
            Piece::Opening => "opening",
            Piece::Overall => "overall",
            Piece::OverallChange => "overall-change",
            Piece::Good => "good",
            Piece::GoodSection => "good-section",
            Piece::GoodItem => "good-item",
            Piece::Lagging => "lagging",
            Piece::LaggingStreak => "lagging-streak",
            Piece::LaggingSection => "lagging-section",
            Piece::LaggingItem => "lagging-item",
            Piece::Reporting => "reporting",
            Piece::ReportingChange => "reporting-change",
            Piece::ReportingMissing => "reporting-missing",
            Piece::ReportingRejected => "reporting-rejected",
            Piece::ReportingLate => "reporting-late",
            Piece::Requirements => "requirements",
            Piece::Attachment => "attachment",
            Piece::Signature => "signature",
            Piece::CopyTo => "copy-to",
        }
    }

    fn embedded(self) -> &'static str {
        match self {
            Piece::Title => include_str!("../../templates/bulletin/title.txt"),
            Piece::Addressee => include_str!("../../templates/bulletin/addressee.txt"),
            Piece::Opening => include_str!("../../templates/bulletin/opening.txt"),
            Piece::Overall => include_str!("../../templates/bulletin/overall.txt"),
            Piece::OverallChange => include_str!("../../templates/bulletin/overall-change.txt"),
            Piece::Good => include_str!("../../templates/bulletin/good.txt"),
            Piece::GoodSection => include_str!("../../templates/bulletin/good-section.txt"),
            Piece::GoodItem => include_str!("../../templates/bulletin/good-item.txt"),
            Piece::Lagging => include_str!("../../templates/bulletin/lagging.txt"),
            Piece::LaggingStreak => include_str!("../../templates/bulletin/lagging-streak.txt"),
            Piece::LaggingSection => include_str!("../../templates/bulletin/lagging-section.txt"),
            Piece::LaggingItem => include_str!("../../templates/bulletin/lagging-item.txt"),
            Piece::Reporting => include_str!("../../templates/bulletin/reporting.txt"),
            Piece::ReportingChange => {
                include_str!("../../templates/bulletin/reporting-change.txt")
            }
            Piece::ReportingMissing => {
                include_str!("../../templates/bulletin/reporting-missing.txt")
            }
            Piece::ReportingRejected => {
                include_str!("../../templates/bulletin/reporting-rejected.txt")
            }
            Piece::ReportingLate => include_str!("../../templates/bulletin/reporting-late.txt"),
            Piece::Requirements => include_str!("../../templates/bulletin/requirements.txt"),
            Piece::Attachment => include_str!("../../templates/bulletin/attachment.txt"),
            Piece::Signature => include_str!("../../templates/bulletin/signature.txt"),
            Piece::CopyTo => include_str!("../../templates/bulletin/copy-to.txt"),
        }
    }

    /// When the piece is used.
    pub fn when(self) -> &'static str {
        match self {
            Piece::Title => "标题（每行一行）",
            Piece::Addressee => "主送机关",
            Piece::Opening => "开头段",
            Piece::Overall => "一、总体情况",
            Piece::OverallChange => "与上期比较（有上期汇总数据时）",
            Piece::Good => "二、进展较好的任务",
            Piece::GoodSection => "进展较好任务的每个部分",
            Piece::GoodItem => "进展较好的每项任务",
            Piece::Lagging => "三、进展滞后的任务",
            Piece::LaggingStreak => "连续滞后的说明（有连续两期以上滞后的任务时）",
            Piece::LaggingSection => "进展滞后任务的每个部分",
            Piece::LaggingItem => "进展滞后的每项任务",
            Piece::Reporting => "四、报送情况",
            Piece::ReportingChange => "报送率、通过率与上期比较（有上期汇总数据时）",
            Piece::ReportingMissing => "未报送单位（有时）",
            Piece::ReportingRejected => "退回重报单位（有时）",
            Piece::ReportingLate => "未按时报送单位（有收件时间和截止时间时）",
            Piece::Requirements => "五、下步工作要求",
            Piece::Attachment => "附件名称",
            Piece::Signature => "落款（发文机关署名）",
            Piece::CopyTo => "版记的抄送机关（留空则不印抄送一栏）",
        }
    }
}

/// Every placeholder a piece may use, and what fills it.
pub const PLACEHOLDERS: &[(&str, &str)] = &[
    ("round", "填报期次"),
    ("notice", "任务通知的文号"),
    ("notice_issuer", "任务通知的发文机关"),
    ("notice_title", "任务通知的标题"),
    ("issue", "期号（--number）"),
    ("date", "成文日期（--date）"),
    ("task_total", "任务总数"),
    ("status_shares", "各推进状态的任务数和占比"),
    ("tasks_done", "已完成的任务数"),
    ("tasks_on_schedule", "序时推进的任务数"),
    ("tasks_lagging", "滞后的任务数"),
    ("tasks_not_started", "未启动的任务数"),
    ("tasks_unreported", "主办单位未报送的任务数"),
    ("tasks_rejected", "主办单位退回重报的任务数"),
    ("tasks_ahead", "超序时进度推进的任务数（汇总有序时进度时）"),
    (
        "schedule",
        "序时进度（期次写明月份、季度或半年，或汇总时给了 --as-of）",
    ),
    ("colour_counts", "蓝黄红各色的任务数"),
    ("blue", "蓝色任务数"),
    ("yellow", "黄色任务数"),
    ("red", "红色任务数"),
    ("expected", "应报送单位数"),
    ("returned", "已报送单位数"),
    ("accepted", "通过校验的单位数"),
    ("rejected_total", "已报送未通过（退回重报）的单位数"),
    ("missing_total", "未报送的单位数"),
    ("return_rate", "报送率"),
    ("pass_rate", "通过率"),
    ("files", "收到的报表份数"),
    ("files_accepted", "采用的报表份数"),
    ("files_rejected", "退回的报表份数"),
    ("files_superseded", "被同一单位后报报表替代的份数"),
    ("good_total", "进展较好的任务数"),
    ("lagging_total", "进展滞后的任务数"),
    ("streak_total", "连续两期以上滞后的任务数（有往期数据时）"),
    ("previous_round", "上期期次（有上期汇总数据时，--previous）"),
    (
        "status_changes",
        "各推进状态任务数与上期相比的变化（有上期汇总数据时）",
    ),
    (
        "colour_changes",
        "蓝黄红任务数与上期相比的变化（有上期汇总数据时）",
    ),
    (
        "return_rate_change",
        "报送率与上期相比的变化（有上期汇总数据时）",
    ),
    (
        "pass_rate_change",
        "通过率与上期相比的变化（有上期汇总数据时）",
    ),
    ("missing_units", "未报送的单位"),
    ("rejected_units", "退回重报的单位"),
    ("deadline", "报送截止时间（--deadline）"),
    (
        "late_total",
        "未按时报送的单位数（有收件时间和 --deadline 时）",
    ),
    (
        "late_units",
        "未按时报送的单位（有收件时间和 --deadline 时）",
    ),
    ("attachment", "附件名称"),
    ("sub", "二级标题序号，如“（一）”（用于每个部分）"),
    ("section", "部分名称（用于每个部分）"),
    ("count", "该部分的任务数（用于每个部分）"),
    ("items", "该部分的任务（用于每个部分）"),
    ("index", "序号（用于每项任务）"),
    ("number", "任务序号（用于每项任务）"),
    ("task", "任务的简称：任务内容的第一句（用于每项任务）"),
    (
        "hosts",
        "主办单位，多于三个时写前两个和“等N个单位”（用于每项任务）",
    ),
    ("leaders", "牵头领导（用于每项任务）"),
    ("progress", "推进状态和完成进度（用于每项任务）"),
    (
        "reached",
        "已完成，或完成进度如“完成55%”（用于进展较好的任务）",
    ),
    ("streak", "连续滞后标注，如“（连续2期）”（用于每项任务）"),
];

/// The texts cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum TextError {
    #[error(transparent)]
    Read(#[from] InputError),
    #[error("通报文字 {source_name} 用了未知的占位符 {{{name}}}；可用的有：{known}")]
    UnknownPlaceholder {
        source_name: String,
        name: String,
        known: String,
    },
    #[error("通报文字 {source_name}：{source}")]
    Unclosed {
        source_name: String,
        source: placeholder::Unclosed,
    },
    #[error("通报文字 {source_name} 中的 {hints} 本次没有可填入的值")]
    Missing { source_name: String, hints: String },
    #[error("通报文字文件夹中的 {} 不是通报的文字；可用的文件名有：{known}", path.display())]
    UnknownPiece {
        path: std::path::PathBuf,
        known: String,
    },
    #[error("通报文字 {source_name} 是空的")]
    Empty { source_name: String },
}

/// The values of one fill: placeholder name → text.
pub type Vars = BTreeMap<&'static str, String>;

/// One piece, as loaded.
#[derive(Clone, Debug, PartialEq)]
struct Text {
    body: String,
    source: String,
}

/// Every piece's text, from `--texts DIR` where it holds one, else embedded.
#[derive(Clone, Debug, PartialEq)]
pub struct Texts {
    pieces: BTreeMap<Piece, Text>,
}

/// A paragraph of a filled piece.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Para {
    Heading1(String),
    Heading2(String),
    /// Runs: (text, bold).
    Body(Vec<(String, bool)>),
}

impl Para {
    /// As a block of the document.
    pub fn block(self) -> Block {
        match self {
            Para::Heading1(t) => Block::Heading1(t),
            Para::Heading2(t) => Block::Heading2(t),
            Para::Body(runs) => Block::Para(
                runs.into_iter()
                    .map(|(t, bold)| if bold { Run::bold(t) } else { Run::plain(t) })
                    .collect(),
            ),
        }
    }

    /// The paragraph's text without formatting.
    pub fn text(&self) -> String {
        match self {
            Para::Heading1(t) | Para::Heading2(t) => t.clone(),
            Para::Body(runs) => runs.iter().map(|(t, _)| t.as_str()).collect(),
        }
    }
}

impl Texts {
    /// The embedded texts, each replaced by DIR/<piece>.txt when `dir` holds one. A `.txt`
    /// in DIR that names no piece is an error (a misspelt name would be ignored silently).
    ///
    /// # Errors
    /// [`TextError::Read`], [`TextError::UnknownPiece`], and for a text whose placeholders
    /// are not all known, [`TextError::UnknownPlaceholder`] or [`TextError::Unclosed`].
    pub fn load(dir: Option<&Path>) -> Result<Texts, TextError> {
        let mut pieces = BTreeMap::new();
        for piece in Piece::ALL {
            let (body, source) =
                crate::placeholder::office_text(dir, piece.key(), piece.embedded(), "")?;
            let text = Text { body, source };
            check_names(&text)?;
            pieces.insert(piece, text);
        }
        if let Some(dir) = dir {
            for path in crate::fsutil::entries(dir)? {
                let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned());
                let is_txt = path.extension().is_some_and(|x| x == "txt");
                if is_txt && !Piece::ALL.iter().any(|p| Some(p.key()) == stem.as_deref()) {
                    let known: Vec<String> = Piece::ALL
                        .iter()
                        .map(|p| format!("{}.txt", p.key()))
                        .collect();
                    return Err(TextError::UnknownPiece {
                        path,
                        known: known.join(" "),
                    });
                }
            }
        }
        Ok(Texts { pieces })
    }

    fn text(&self, piece: Piece) -> &Text {
        &self.pieces[&piece]
    }

    /// A piece filled, as one line (its lines joined): a title line's parts, an item.
    ///
    /// # Errors
    /// [`TextError::Missing`] for a placeholder `vars` has no value for.
    pub fn line(&self, piece: Piece, vars: &Vars) -> Result<String, TextError> {
        let t = self.text(piece);
        let filled = fill(&t.body, &t.source, vars)?;
        Ok(filled.lines().map(str::trim).collect())
    }

    /// A piece filled, line by line (the title).
    ///
    /// # Errors
    /// As [`Texts::line`], and [`TextError::Empty`] when no line is left.
    pub fn lines(&self, piece: Piece, vars: &Vars) -> Result<Vec<String>, TextError> {
        let t = self.text(piece);
        let filled = fill(&t.body, &t.source, vars)?;
        let lines: Vec<String> = filled
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect();
        if lines.is_empty() {
            return Err(TextError::Empty {
                source_name: t.source.clone(),
            });
        }
        Ok(lines)
    }

    /// A piece filled, as paragraphs.
    ///
    /// # Errors
    /// As [`Texts::line`].
    pub fn paragraphs(&self, piece: Piece, vars: &Vars) -> Result<Vec<Para>, TextError> {
        let t = self.text(piece);
        let filled = fill(&t.body, &t.source, vars)?;
        Ok(paragraphs(&filled))
    }
}

/// Every placeholder of a text is known.
fn check_names(t: &Text) -> Result<(), TextError> {
    let names = placeholder::names(&t.body).map_err(|source| TextError::Unclosed {
        source_name: t.source.clone(),
        source,
    })?;
    for name in names {
        if !PLACEHOLDERS.iter().any(|(p, _)| *p == name) {
            let known: Vec<String> = PLACEHOLDERS
                .iter()
                .map(|(p, _)| format!("{{{p}}}"))
                .collect();
            return Err(TextError::UnknownPlaceholder {
                source_name: t.source.clone(),
                name,
                known: known.join(" "),
            });
        }
    }
    Ok(())
}

/// `body` with its placeholders filled; any without a value is an error naming each.
fn fill(body: &str, source: &str, vars: &Vars) -> Result<String, TextError> {
    let body = body
        .strip_prefix('\u{feff}')
        .unwrap_or(body)
        .replace("\r\n", "\n");
    let mut missing: Vec<String> = Vec::new();
    let out = placeholder::fill_with(&body, |name| match vars.get(name) {
        Some(v) => Some(v.clone()),
        None => {
            if !missing.iter().any(|m| m == name) {
                missing.push(name.to_string());
            }
            None
        }
    })
    .map_err(|source_err| TextError::Unclosed {
        source_name: source.to_string(),
        source: source_err,
    })?;
    if missing.is_empty() {
        return Ok(out);
    }
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
        source_name: source.to_string(),
        hints: hints.join("、"),
    })
}

/// Paragraphs separated by blank lines; `#`/`##` headings; `**bold**` runs.
fn paragraphs(text: &str) -> Vec<Para> {
    let mut out = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    let mut flush = |lines: &mut Vec<&str>| {
        if lines.is_empty() {
            return;
        }
        let joined: String = lines.iter().map(|l| l.trim()).collect();
        lines.clear();
        out.push(if let Some(h) = joined.strip_prefix("## ") {
            Para::Heading2(h.trim().to_string())
        } else if let Some(h) = joined.strip_prefix("# ") {
            Para::Heading1(h.trim().to_string())
        } else {
            Para::Body(bold_runs(&joined))
        });
    };
    for line in text.lines() {
        if line.trim().is_empty() {
            flush(&mut current);
        } else {
            current.push(line);
        }
    }
    flush(&mut current);
    out
}

/// `**…**` marks bold; an unpaired `**` is kept as it is.
fn bold_runs(text: &str) -> Vec<(String, bool)> {
    let parts: Vec<&str> = text.split("**").collect();
    if parts.len().is_multiple_of(2) {
        // An odd number of markers: not markup.
        return vec![(text.to_string(), false)];
    }
    parts
        .iter()
        .enumerate()
        .filter(|(_, p)| !p.is_empty())
        .map(|(i, p)| (p.to_string(), i % 2 == 1))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_headings_and_bold() {
        let p = paragraphs("# 一、总体情况\n\n**一是**抓\n落实。\n\n## （一）分项\n\n无**标记");
        assert_eq!(
            p,
            [
                Para::Heading1("一、总体情况".into()),
                Para::Body(vec![("一是".into(), true), ("抓落实。".into(), false)]),
                Para::Heading2("（一）分项".into()),
                Para::Body(vec![("无**标记".into(), false)]),
            ]
        );
    }

    #[test]
    fn embedded_texts_load_and_name_only_known_placeholders() {
        let t = Texts::load(None).unwrap();
        let e = t.line(Piece::Title, &Vars::new()).unwrap_err();
        assert!(
            matches!(&e, TextError::Missing { hints, .. } if hints.contains("{round}")),
            "{e}"
        );
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("title.txt"), "关于{期次}的通报").unwrap();
        assert!(matches!(
            Texts::load(Some(dir.path())),
            Err(TextError::UnknownPlaceholder { name, .. }) if name == "期次"
        ));
        std::fs::write(dir.path().join("title.txt"), "关于{round}的通报").unwrap();
        std::fs::write(dir.path().join("titel.txt"), "x").unwrap();
        assert!(matches!(
            Texts::load(Some(dir.path())),
            Err(TextError::UnknownPiece { .. })
        ));
    }
}
