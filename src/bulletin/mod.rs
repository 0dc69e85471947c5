//! 通报: the round's bulletin to every unit, as an official document (.docx).
//!
//! Drafted from the merge's summary (`<期次>_汇总.json`, [`Summary`]), never from the
//! returns: every count, rate, status, colour, unit and leader in it is the merge's, so the
//! bulletin cannot disagree with the consolidated workbook. Earlier rounds ([`History`])
//! and arrival times ([`Late`]) are inputs, supplied by the command line or, in a
//! workspace, by the ledger.
//!
//! | part | what it holds |
//! | --- | --- |
//! | [`texts`] | the editable wording (`templates/bulletin/*.txt`, `--texts DIR`) and its placeholders |
//! | [`history`] | earlier rounds (the change from the last, 连续 N 期) and who reported late |
//! | [`draft`] | summary → blocks: 总体情况, 进展较好, 进展滞后, 报送情况, 下步工作要求, 附件 |
//!
//! The layout (GB/T 9704) is [`crate::docx`]'s; [`render`] writes the blocks as duban's own
//! package or into the office's 红头 template.

mod attachment;
pub mod draft;
pub mod history;
pub mod supervise;
pub mod texts;
pub mod urge;

use std::path::{Path, PathBuf};

pub use draft::{draft, Draft, Inputs};
pub use history::{History, Late};
pub use texts::{TextError, Texts};

use crate::date::Date;
use crate::docx::{self, DocxError, Grid, Options};
use crate::domain::summary::Summary;

/// The template's inline field for the 期号 (`--number`).
pub const FIELD_NUMBER: &str = "{{期号}}";
/// The template's inline field for the 成文日期 (`--date`).
pub const FIELD_DATE: &str = "{{日期}}";

/// A bulletin that cannot be made.
#[derive(Debug, thiserror::Error)]
pub enum BulletinError {
    #[error(transparent)]
    Text(#[from] TextError),
    #[error(transparent)]
    Docx(#[from] DocxError),
    /// The office's 红头 template cannot be read or filled: named, as the clerk chose it.
    #[error("红头模板 {} 无法使用：{source}", path.display())]
    Template { path: PathBuf, source: DocxError },
    #[error(transparent)]
    Read(#[from] crate::fsutil::InputError),
    /// A summary file that is not one `duban merge` wrote.
    #[error("{} 不是 duban merge 写出的汇总数据（<期次>_汇总.json）：{message}", path.display())]
    Summary { path: PathBuf, message: String },
    /// The summary is another round's.
    #[error("{} 是“{found}”的汇总数据，不是“{wanted}”的", path.display())]
    OtherRound {
        path: PathBuf,
        found: String,
        wanted: String,
    },
    /// An option the command needs outside a workspace.
    #[error("请用 {option} 指定{what}")]
    NeedsOption {
        option: &'static str,
        what: &'static str,
    },
    /// In a workspace: the round has not been merged (or no round has).
    #[error("{}", not_merged(round.as_deref()))]
    NotMerged { round: Option<String> },
    /// In a workspace: `-o` names another round's 通报.
    #[error("{} 是“{round}”的通报，不能写入本期的通报；请换一个文件名", path.display())]
    OtherDocument { path: PathBuf, round: String },
    /// The template has a field the run has no value for.
    #[error("模板中有 {field}，请用 {option} 给出要填入的内容")]
    FieldWithoutValue {
        field: &'static str,
        option: &'static str,
    },
}

fn not_merged(round: Option<&str>) -> String {
    match round {
        Some(r) => format!("“{r}”尚未汇总：请先运行 duban merge --round {r}，再起草通报"),
        None => "工作区中还没有汇总过的期次：请先运行 duban merge，再起草通报".to_string(),
    }
}

/// Reads a merge's summary, checking that it is `round`'s.
///
/// # Errors
/// [`BulletinError::Read`], [`BulletinError::Summary`], and [`BulletinError::OtherRound`]
/// when `round` is given and the summary is another round's.
pub fn load_summary(path: &Path, round: Option<&str>) -> Result<Summary, BulletinError> {
    let text = crate::fsutil::read_text(path)?;
    let s: Summary = serde_json::from_str(&text).map_err(|e| BulletinError::Summary {
        path: path.to_path_buf(),
        message: crate::fsutil::describe_json(&e),
    })?;
    match round {
        Some(r) if s.round != r => Err(BulletinError::OtherRound {
            path: path.to_path_buf(),
            found: s.round,
            wanted: r.to_string(),
        }),
        _ => Ok(s),
    }
}

/// How the document is laid out and where it goes.
#[derive(Clone, Copy, Debug)]
pub struct Layout<'a> {
    pub grid: Grid,
    /// The office's 红头 template, if any: its path (for messages) and its bytes.
    pub template: Option<(&'a Path, &'a [u8])>,
    /// 期号, for the template's `{{期号}}`.
    pub number: Option<&'a str>,
    /// 成文日期, for the template's `{{日期}}` and the document's properties.
    pub date: Date,
    pub offset: jiff::tz::Offset,
}

impl Layout<'_> {
    /// Whether the 期号 needs a line of its own: it is given and no template field takes it.
    ///
    /// # Errors
    /// [`BulletinError::FieldWithoutValue`] when the template asks for a 期号 and none is
    /// given; [`BulletinError::Template`] for a template that cannot be read.
    pub fn number_line(&self) -> Result<bool, BulletinError> {
        let Some((path, t)) = self.template else {
            return Ok(self.number.is_some());
        };
        let found = docx::fields_in(t, &[FIELD_NUMBER]).map_err(template_error(path))?;
        match (self.number, found.is_empty()) {
            (None, false) => Err(BulletinError::FieldWithoutValue {
                field: FIELD_NUMBER,
                option: "--number",
            }),
            (n, empty) => Ok(n.is_some() && empty),
        }
    }
}

/// The drafted bulletin as .docx bytes: duban's own GB/T 9704 package, or the template
/// filled.
///
/// # Errors
/// [`BulletinError::Template`] for a template that cannot be filled, [`BulletinError::Docx`]
/// for a document that cannot be written.
pub fn render(d: &Draft, layout: &Layout) -> Result<Vec<u8>, BulletinError> {
    let mut opts = Options::new(
        d.title.clone(),
        d.signature.clone(),
        layout.date.start_of_day(layout.offset),
    );
    opts.grid = layout.grid;
    match layout.template {
        None => Ok(docx::write_docx(&d.blocks, &opts)),
        Some((path, t)) => {
            let date = layout.date.chinese();
            let mut fields = vec![(FIELD_DATE, date.as_str())];
            if let Some(n) = layout.number {
                fields.push((FIELD_NUMBER, n));
            }
            docx::fill_template(t, &d.blocks, &opts, &fields).map_err(template_error(path))
        }
    }
}

fn template_error(path: &Path) -> impl Fn(DocxError) -> BulletinError + '_ {
    move |source| BulletinError::Template {
        path: path.to_path_buf(),
        source,
    }
}
