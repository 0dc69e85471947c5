//! The document model: what a 通报 is made of, in the order it is printed.
//!
//! Text is plain Rust text. `'\n'` inside any text is a manual line break (`w:br`) — use it to
//! break a two-line title where the meaning allows (标题回行时词意完整、排列对称); `'\t'` is a tab.
//! Characters XML cannot carry (control characters other than tab and newline) are dropped.

use jiff::Timestamp;

use super::DocxError;

/// One block of the document body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// 发文字号, or a bulletin's 期号 (第1期): 三号 仿宋, centred, above the title.
    DocNumber(String),
    /// 标题: 二号 小标宋, centred. Also the title of an attachment (附件标题).
    Title(String),
    /// 主送机关: 三号 仿宋, flush left (顶格), ending in a full-width colon.
    Addressee(String),
    /// 正文 paragraph: 三号 仿宋, first line indented two characters, justified.
    Para(Vec<Run>),
    /// 一级标题 "一、…": 黑体.
    Heading1(String),
    /// 二级标题 "（一）…": 楷体.
    Heading2(String),
    /// A table with a repeated header row (in a 附件, usually).
    Table(Table),
    /// 附件说明 "附件：…", below the text; wrapped lines align with the attachment's name.
    AttachmentNote(String),
    /// 发文机关署名, placed by [`SignatureLayout`] relative to the following [`Block::Date`].
    Signature(String),
    /// 成文日期, right-aligned, e.g. "2020年4月8日".
    Date(String),
    /// "附件" or "附件1": 黑体, flush left on the first line of the attachment's page.
    AttachmentLabel(String),
    /// Start the next block on a new page.
    PageBreak,
    /// 版记, at the end: 抄送 (when any) between a thick and a thin rule, then 印发机关 left
    /// and 印发日期 right over a thick rule; 四号 仿宋, one character in from each side.
    Imprint {
        copy_to: Option<String>,
        issuer: String,
        date: String,
    },
}

impl Block {
    /// A plain body paragraph.
    pub fn para(text: impl Into<String>) -> Block {
        Block::Para(vec![Run::plain(text)])
    }

    /// A body paragraph with a bold lead-in, as in "一是加强组织领导。各单位要……".
    pub fn para_lead(lead: impl Into<String>, rest: impl Into<String>) -> Block {
        Block::Para(vec![Run::bold(lead), Run::plain(rest)])
    }
}

/// A stretch of text inside a [`Block::Para`] with one formatting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub text: String,
    pub bold: bool,
    /// A 第二层 heading run in at the start of a paragraph ("（一）…（3项）：" before the
    /// items): 楷体, as the standalone heading would be (GB/T 9704 7.3.3).
    pub heading: bool,
}

impl Run {
    pub fn plain(text: impl Into<String>) -> Run {
        Run {
            text: text.into(),
            bold: false,
            heading: false,
        }
    }

    pub fn bold(text: impl Into<String>) -> Run {
        Run {
            text: text.into(),
            bold: true,
            heading: false,
        }
    }

    pub fn heading(text: impl Into<String>) -> Run {
        Run {
            text: text.into(),
            bold: false,
            heading: true,
        }
    }
}

/// Horizontal alignment of a column's cells (the header row is always centred).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
}

/// One column of a [`Table`]: its heading, its share of the 版心 width and its alignment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub title: String,
    /// Relative width: the table always spans the full 版心 (156 mm), shared in proportion.
    /// Tenths of a millimetre summing to 1560 read naturally, but any positive numbers work.
    pub width: u32,
    pub align: Align,
}

impl Column {
    pub fn new(title: impl Into<String>, width: u32, align: Align) -> Column {
        Column {
            title: title.into(),
            width,
            align,
        }
    }
}

/// A checked table: every row has one cell per column and every width is positive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    columns: Vec<Column>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// # Errors
    /// [`DocxError::TableShape`] when there is no column, a width is zero, or a row's cell count
    /// differs from the column count (`row` is 1-based, counting data rows only).
    pub fn new(columns: Vec<Column>, rows: Vec<Vec<String>>) -> Result<Table, DocxError> {
        if columns.is_empty() {
            return Err(DocxError::TableShape("表格至少要有一列".into()));
        }
        if let Some(c) = columns.iter().find(|c| c.width == 0) {
            return Err(DocxError::TableShape(format!("“{}”列的宽度为 0", c.title)));
        }
        if let Some((i, row)) = rows
            .iter()
            .enumerate()
            .find(|(_, r)| r.len() != columns.len())
        {
            return Err(DocxError::TableShape(format!(
                "第 {} 行有 {} 个单元格，表格有 {} 列",
                i + 1,
                row.len(),
                columns.len()
            )));
        }
        Ok(Table { columns, rows })
    }

    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    pub fn rows(&self) -> &[Vec<String>] {
        &self.rows
    }

    /// Column widths in twips, summing exactly to `total`: proportional shares rounded down,
    /// with what rounding leaves over given to the last column.
    pub(crate) fn widths_twips(&self, total: u32) -> Vec<u32> {
        let sum: u64 = self.columns.iter().map(|c| u64::from(c.width)).sum();
        let mut widths: Vec<u32> = self
            .columns
            .iter()
            .map(|c| (u64::from(total) * u64::from(c.width) / sum) as u32)
            .collect();
        let used: u32 = widths.iter().sum();
        if let Some(last) = widths.last_mut() {
            *last += total - used;
        }
        widths
    }
}

/// How 署名 and 日期 are placed (GB/T 9704-2012 7.3.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SignatureLayout {
    /// 加盖印章的公文: the date 右空四字, the signature centred over the date (7.3.5.1).
    #[default]
    Sealed,
    /// 不加盖印章的公文: the signature 右空二字, the date below it starting two characters
    /// further right; a date longer than that keeps 右空二字 and pushes the signature left
    /// (7.3.5.2).
    Unsealed,
}

/// How the 28 characters a line are obtained (the 22 lines a page always come from the line
/// grid, `w:linePitch="579"`).
///
/// The default is [`Grid::LinesAndTracking`]: the one client the office has here is
/// LibreOffice, which lays Word's own character grid out with about 14 characters a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Grid {
    /// Word's own form, what its 页面设置 → 文档网格 "指定行和字符网格, 每行 28" writes:
    /// `w:docGrid w:type="linesAndChars" w:charSpace="-842"`. Word and WPS squeeze every 三号
    /// character to the grid pitch, including text a clerk types or pastes later.
    /// LibreOffice 7.4 gives each 16 pt character of a grid whose cell is smaller (any
    /// negative `charSpace`) two cells: about 14 characters a line. In a template, the
    /// template's own grid is kept as it is.
    WordCharGrid,
    /// A line grid only (`w:type="lines"`), with every 三号 run squeezed by 0.25 pt
    /// (`w:spacing w:val="-5"`, also in the Normal style): 28 characters a line in
    /// LibreOffice, and by arithmetic in Word and WPS (28 × 15.75 pt fit the 442.25 pt
    /// line, 29 do not). Text pasted in later without that spacing gets 27. In a template,
    /// a character grid becomes a line grid of the same pitch.
    #[default]
    LinesAndTracking,
}

/// The font family names written into every run. Defaults are the names offices use; a machine
/// without them substitutes (LibreOffice on Linux: Noto CJK).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fonts {
    /// 标题: 方正小标宋简体.
    pub title: String,
    /// 正文, 主送, 署名, 日期, 附件说明: 仿宋_GB2312.
    pub body: String,
    /// 一级标题, 附件 label, table header: 黑体.
    pub heading1: String,
    /// 二级标题: 楷体_GB2312.
    pub heading2: String,
    /// Table cells: 仿宋_GB2312.
    pub table: String,
    /// Page number: 宋体.
    pub page_number: String,
    /// Font for Latin letters and digits (`w:ascii`, `w:hAnsi`). `None` uses each run's Chinese
    /// font for them too, so digits come out in that font's half-width glyphs (as WPS does);
    /// some offices set "Times New Roman".
    pub latin: Option<String>,
}

impl Default for Fonts {
    fn default() -> Fonts {
        Fonts {
            title: "方正小标宋简体".into(),
            body: "仿宋_GB2312".into(),
            heading1: "黑体".into(),
            heading2: "楷体_GB2312".into(),
            table: "仿宋_GB2312".into(),
            page_number: "宋体".into(),
            latin: None,
        }
    }
}

/// Everything [`super::write_docx`] needs besides the blocks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub fonts: Fonts,
    pub signature: SignatureLayout,
    pub grid: Grid,
    /// `dc:title` (shown in Word's file properties).
    pub title: String,
    /// `dc:creator` and `cp:lastModifiedBy`, e.g. "区督考办".
    pub creator: String,
    /// `dcterms:created` and `dcterms:modified`.
    pub created: Timestamp,
}

impl Options {
    pub fn new(
        title: impl Into<String>,
        creator: impl Into<String>,
        created: Timestamp,
    ) -> Options {
        Options {
            fonts: Fonts::default(),
            signature: SignatureLayout::default(),
            grid: Grid::default(),
            title: title.into(),
            creator: creator.into(),
            created,
        }
    }
}
