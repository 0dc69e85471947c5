//! The only .docx writer: an official document (公文) in the GB/T 9704-2012 layout, as a
//! package of our own or poured into an office's own 红头 template.
//!
//! WordprocessingML is written here by hand and packed with the `zip` crate the project
//! already uses; there is no docx library. docx-rs (the maintained crate) writes `w:sectPr`
//! children out of schema order and has an open report of files Word asks to repair (its
//! issue #724), and it would bring a second zip version. Every element this module writes
//! is in the order the ECMA-376 schema requires; the orders are spelled out in comments at
//! each writer ([`format`]'s `write_ppr`/`write_rpr`, `body::table`,
//! `parts::section_properties`, `parts::styles`, `parts::settings`, `parts::font_table`).
//!
//! | part | what it holds |
//! | --- | --- |
//! | [`model`] | [`Block`], [`Run`], [`Table`], [`Column`], [`Fonts`], [`Grid`], [`Options`] |
//! | [`gb9704`] | every number of the standard (page, margins, grid, type sizes), with how each was computed |
//! | `format` | the one table of paragraph formats (标题, 主送, 正文, 一级/二级标题, 附件, 署名, 日期, 表格, 页码) |
//! | `body` | blocks → paragraphs and tables |
//! | `parts` | section properties, styles, settings, font table, odd/even footers with a PAGE field, theme, properties |
//! | `package` | the zip, with fixed times: the same input gives the same bytes |
//! | `template` | filling a template: its parts kept byte for byte, our blocks in its body |
//! | `xml` | escaping, the only way text gets into XML |
//!
//! ```
//! use duban::docx::{write_docx, Block, Options};
//! let blocks = vec![
//!     Block::Title("关于2020年第一季度政府工作报告任务落实情况的通报".into()),
//!     Block::Addressee("各镇人民政府，各街道办事处：".into()),
//!     Block::para("现将有关情况通报如下："),
//! ];
//! let created = "2020-04-08T01:00:00Z".parse().unwrap();
//! let docx = write_docx(&blocks, &Options::new("通报", "区督考办", created));
//! assert_eq!(&docx[..2], b"PK");
//! ```

mod body;
mod format;
pub mod gb9704;
pub mod model;
mod package;
mod parts;
mod scan;
mod template;
mod xml;

pub use model::{Align, Block, Column, Fonts, Grid, Options, Run, SignatureLayout, Table};
pub use template::{fields_in, MARKER};

/// A document that cannot be written: a table built wrong, or a template this writer
/// cannot fill.
#[derive(Debug, thiserror::Error)]
pub enum DocxError {
    /// A [`Table`] whose shape is wrong: no column, a zero width, or a row with the wrong
    /// number of cells.
    #[error("表格结构有误：{0}")]
    TableShape(String),
    /// The template is not a readable zip archive (not a .docx, truncated, an encrypted
    /// .docx — which is an OLE file —, or a damaged member).
    #[error("模板不是有效的 .docx 文件：{0}")]
    Zip(#[from] zip::result::ZipError),
    /// The template has no `word/document.xml` part.
    #[error("模板缺少正文部分 word/document.xml，不是 Word 文档")]
    MissingDocumentPart,
    /// `word/document.xml` is not UTF-8 (legal XML could be UTF-16; Word and WPS never
    /// write it).
    #[error("模板的 word/document.xml 不是 UTF-8 编码")]
    NotUtf8,
    /// The ISO/IEC 29500 *Strict* namespace, which this writer does not produce.
    #[error("模板是“Strict Open XML”格式，请在 Word 中另存为普通的“Word 文档 (*.docx)”")]
    StrictNamespace,
    /// `word/document.xml` could not be scanned.
    #[error("模板的 word/document.xml 无法解析（第 {offset} 字节）：{what}")]
    Malformed { offset: usize, what: String },
    /// The body marker `{{正文}}` occurs more than once.
    #[error("模板中正文标记 {{{{正文}}}} 出现了 {count} 次，只能出现一次")]
    MarkerRepeated { count: usize },
    /// The body marker is inside a table, text box or other container: the blocks (which
    /// include tables) cannot go there.
    #[error("模板中正文标记 {{{{正文}}}} 须单独成段，不能放在表格或文本框里")]
    MarkerNotInBody,
    /// The marker paragraph also ends a section: replacing it would lose the break.
    #[error("模板中正文标记 {{{{正文}}}} 所在段落带有分节符，请把标记移到单独的段落")]
    MarkerEndsSection,
}

/// The blocks as a complete .docx package.
///
/// Parts: `[Content_Types].xml`, `_rels/.rels`, `word/document.xml`,
/// `word/_rels/document.xml.rels`, `word/styles.xml`, `word/settings.xml`,
/// `word/fontTable.xml`, `word/footer1.xml` (odd pages), `word/footer2.xml` (even pages),
/// `word/theme/theme1.xml`, `docProps/core.xml`, `docProps/app.xml`. The bytes depend
/// only on the arguments: fixed zip times, core properties dated `opts.created`.
pub fn write_docx(blocks: &[Block], opts: &Options) -> Vec<u8> {
    package::write(blocks, opts)
}

/// The template with `blocks` in its body and each `(marker, value)` of `fields`
/// replaced where its marker (`{{期号}}`) stands in the body's text.
///
/// Every member of the template's zip except `word/document.xml` is copied as it is
/// (compressed bytes, name, time, order). In document.xml a body paragraph whose text is
/// [`MARKER`] (`{{正文}}`) is replaced by the blocks; without one, the blocks go just before
/// the body's final `w:sectPr`, after whatever the template has (its 红头). The template's
/// section properties apply (page size, margins, footers), except that under
/// [`Grid::LinesAndTracking`] a character grid (`linesAndChars`, `snapToChars`) becomes a
/// line grid of the same pitch: LibreOffice draws every character of a Word character grid
/// two cells wide (see [`Grid`]). From `opts` only `fonts`, `signature` and `grid` are used.
///
/// # Errors
/// [`DocxError::Zip`], [`DocxError::MissingDocumentPart`], [`DocxError::NotUtf8`],
/// [`DocxError::StrictNamespace`], [`DocxError::Malformed`]: a template this writer cannot
/// work on; [`DocxError::MarkerRepeated`], [`DocxError::MarkerNotInBody`],
/// [`DocxError::MarkerEndsSection`]: a body marker that cannot be replaced safely.
pub fn fill_template(
    template_docx: &[u8],
    blocks: &[Block],
    opts: &Options,
    fields: &[(&str, &str)],
) -> Result<Vec<u8>, DocxError> {
    template::fill(template_docx, blocks, opts, fields)
}
