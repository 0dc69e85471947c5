//! The only user of calamine: opens a returned workbook, whatever state it comes back in,
//! and hands the check a plain, sparse grid of cells per sheet.
//!
//! Returns arrive from Excel, WPS and LibreOffice, renamed, re-saved, encrypted, truncated
//! by a mail client, or not spreadsheets at all. So the reader never trusts the file name
//! (it sniffs the first bytes), never trusts a declared size (it bounds the file, the
//! inflated zip content, the sheets and the cells before and while reading), and never lets
//! a reader panic escape: one bad file becomes one [`ReadError`], and the batch goes on.

pub mod archive;
mod isolated;
mod ods;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Cursor;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use calamine::{
    Data, DataRef, Dimensions, Ods, Reader, SheetVisible, Sheets, Xls, Xlsx, XlsxError,
};

use crate::check::codes::{format_advice, Code};
use crate::report::Issue;
use isolated::read_dense_isolated;
pub use isolated::{isolated_child, Isolation, ISOLATED_SUBCOMMAND};

/// The most characters a cell can hold in Excel (and WPS); longer text can only come from
/// a program, and is cut there.
pub const EXCEL_CELL_CHARS: usize = 32_767;

/// Bounds on what one return may hold; beyond them the file is refused with a clear message.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Limits {
    /// Bytes on disk.
    pub file_bytes: u64,
    /// Sum of the uncompressed sizes of a zip's entries (xlsx, ods).
    pub inflated_bytes: u64,
    /// Entries in a zip.
    pub zip_entries: usize,
    pub sheets: usize,
    /// Non-empty cells of one sheet.
    pub cells: usize,
    /// Rows × columns of one sheet's used range (xls/ods, whose reader is dense).
    pub area: u64,
    /// Characters in one cell; longer text is cut and reported. Excel's own limit
    /// ([`EXCEL_CELL_CHARS`]) by default: whatever a clerk could type is read whole.
    pub cell_chars: usize,
    /// Where .xls and .ods are parsed; see [`Isolation`].
    #[serde(skip)]
    pub isolation: Isolation,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            file_bytes: 20 << 20,
            inflated_bytes: 200 << 20,
            zip_entries: 2_000,
            sheets: 50,
            cells: 500_000,
            area: 5_000_000,
            cell_chars: EXCEL_CELL_CHARS,
            isolation: Isolation::InProcess,
        }
    }
}

/// The file formats duban reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Format {
    Xlsx,
    Xls,
    Ods,
}

/// Why a file could not be read at all. Each variant maps to one [`Code`], and its
/// message says in Chinese what is wrong (never the reader library's English).
#[derive(Clone, Debug, PartialEq, thiserror::Error, Serialize, Deserialize)]
pub enum ReadError {
    /// The file could not be opened or read from disk.
    #[error("{message}")]
    Io { message: String },
    /// A known non-spreadsheet extension (.et, .csv, .xlsb …).
    #[error("不支持 .{ext} 格式")]
    Unsupported { ext: String },
    /// The content is not an Excel or ODS workbook.
    #[error("文件不是电子表格（{what}）")]
    NotSpreadsheet { what: String },
    /// A password-protected workbook.
    #[error("文件已加密（设置了打开密码）")]
    Encrypted,
    #[error("文件过大（{size} 字节，上限 {limit} 字节）")]
    TooLarge { size: u64, limit: u64 },
    /// The zip's entries would inflate beyond the limit (a zip bomb or a huge sheet).
    #[error("文件解压后过大（{size} 字节，上限 {limit} 字节）")]
    ZipBomb { size: u64, limit: u64 },
    /// The zip holds more entries than any workbook needs.
    #[error("文件中的压缩条目过多（{count} 个，上限 {limit} 个）")]
    TooManyEntries { count: usize, limit: usize },
    #[error("工作表过多（{count} 个，上限 {limit} 个）")]
    TooManySheets { count: usize, limit: usize },
    #[error("工作表“{sheet}”过大（{what}）")]
    SheetTooLarge { sheet: String, what: String },
    /// Damaged content: truncated, bad zip, bad XML. `detail` is the reader's own words,
    /// kept for whoever debugs, not shown to the clerk.
    #[error("文件已损坏，无法解析：{what}")]
    Corrupt { what: String, detail: String },
    /// The reader panicked; reported like a damaged file.
    #[error("读取时出错，文件可能已损坏")]
    Panic { detail: String },
    /// The isolated reader ran out of its memory allowance: the file claims a huge sheet.
    #[error("文件内容展开后过大（读取需要超过 {limit_mb} MB 内存），可能已损坏")]
    OutOfMemory { limit_mb: u64 },
    /// The isolated reader did not finish in time.
    #[error("读取超时（超过 {secs} 秒），文件可能已损坏")]
    Timeout { secs: u64 },
    /// The isolated reader could not cap its own memory, so it did not read the file.
    #[error("无法限制读取进程的内存（{message}），为安全起见未读取此文件")]
    Sandbox { message: String },
}

impl ReadError {
    /// The code of the issue that reports it.
    pub fn code(&self) -> Code {
        match self {
            ReadError::Io { .. } | ReadError::Sandbox { .. } => Code::FileUnreadable,
            ReadError::Unsupported { .. } => Code::FileFormat,
            ReadError::NotSpreadsheet { .. } => Code::FileNotSpreadsheet,
            ReadError::Encrypted => Code::FileEncrypted,
            ReadError::TooLarge { .. } | ReadError::OutOfMemory { .. } => Code::FileTooLarge,
            ReadError::ZipBomb { .. } | ReadError::TooManyEntries { .. } => Code::FileZipBomb,
            ReadError::TooManySheets { .. } => Code::FileTooManySheets,
            ReadError::SheetTooLarge { .. } => Code::SheetTooLarge,
            ReadError::Corrupt { .. } | ReadError::Panic { .. } | ReadError::Timeout { .. } => {
                Code::FileCorrupt
            }
        }
    }

    /// The issue that reports it, with the code's fix.
    pub fn issue(&self) -> Issue {
        let advice = match self {
            ReadError::Unsupported { ext } => format_advice(ext),
            _ => "",
        };
        Issue::new(self.code(), self.to_string(), &[("advice", advice)])
    }

    /// A damaged file, in words a clerk understands; the reader's own words are kept.
    pub(crate) fn corrupt(sheet: Option<&str>, detail: impl std::fmt::Display) -> ReadError {
        let detail = detail.to_string();
        let d = detail.to_lowercase();
        let why = if d.contains("eocd") || d.contains("invalid zip") || d.contains("end of central")
        {
            "不是完整的 Excel 文件，可能下载或复制不完整"
        } else if d.contains("deflate") || d.contains("crc") || d.contains("compress") {
            "文件中的压缩数据已损坏"
        } else if d.contains("xml") || d.contains("utf") || d.contains("encoding") {
            "表格内容（XML）已损坏"
        } else if d.contains("eof") || d.contains("unexpected end") || d.contains("too short") {
            "文件被截断，内容不完整"
        } else {
            "文件结构无法识别"
        };
        let what = match sheet {
            Some(s) => format!("工作表“{s}”{why}"),
            None => why.to_string(),
        };
        ReadError::Corrupt { what, detail }
    }
}

/// Whether a sheet shows in the tab bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Visibility {
    Visible,
    Hidden,
    VeryHidden,
}

/// A cell's value, as the check needs it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Value {
    Empty,
    Text(String),
    Number(f64),
    Bool(bool),
    /// A date or time, as the spreadsheet shows it.
    Date(String),
    /// An error value such as `#REF!`.
    Error(String),
}

impl Value {
    pub fn is_empty(&self) -> bool {
        match self {
            Value::Empty => true,
            Value::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }

    /// The value as text: trimmed text, numbers without a trailing `.0`.
    pub fn text(&self) -> String {
        match self {
            Value::Empty => String::new(),
            Value::Text(s) => s.trim().to_string(),
            Value::Number(v) => crate::catalog::format_number(*v),
            Value::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
            Value::Date(s) | Value::Error(s) => s.clone(),
        }
    }
}

/// One non-empty cell.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    pub value: Value,
    /// The cell's number format shows a percent (so 0.8 means 80).
    pub percent: bool,
    /// The text was longer than the limit and was cut; the original length in chars.
    pub cut_from: Option<usize>,
}

/// A merged region of a sheet: its first and last cells, 0-based (row, column), inclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Region {
    pub first: (u32, u32),
    pub last: (u32, u32),
}

impl Region {
    pub fn contains(&self, row: u32, col: u32) -> bool {
        (self.first.0..=self.last.0).contains(&row) && (self.first.1..=self.last.1).contains(&col)
    }

    /// "I4:I5".
    pub fn a1(&self) -> String {
        format!(
            "{}:{}",
            a1(self.first.0, self.first.1),
            a1(self.last.0, self.last.1)
        )
    }

    fn from_dimensions(d: &Dimensions) -> Region {
        Region {
            first: d.start,
            last: d.end,
        }
    }
}

/// One sheet, sparse: positions are absolute, 0-based (row, column).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Sheet {
    pub name: String,
    pub visibility: Option<Visibility>,
    #[serde(with = "cells_as_list")]
    pub cells: BTreeMap<(u32, u32), Cell>,
    /// Merged regions as read with the sheet (.xls, whose reader has them anyway); .xlsx
    /// regions are read on request ([`Workbook::merged_regions`]).
    #[serde(default)]
    pub merged: Vec<Region>,
}

const EMPTY: Value = Value::Empty;

impl Sheet {
    pub fn value(&self, row: u32, col: u32) -> &Value {
        self.cells.get(&(row, col)).map_or(&EMPTY, |c| &c.value)
    }

    pub fn cell(&self, row: u32, col: u32) -> Option<&Cell> {
        self.cells.get(&(row, col))
    }

    /// Rows holding at least one cell, in order.
    pub fn rows(&self) -> Vec<u32> {
        let mut rows: Vec<u32> = self.cells.keys().map(|(r, _)| *r).collect();
        rows.dedup();
        rows
    }

    /// The cells of one row, in column order.
    pub fn row(&self, row: u32) -> impl Iterator<Item = (u32, &Cell)> {
        self.cells
            .range((row, 0)..=(row, u32::MAX))
            .map(|((_, c), cell)| (*c, cell))
    }
}

/// A workbook as read.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Workbook {
    pub format: Format,
    pub sheets: Vec<Sheet>,
    /// Custom document properties, as text.
    pub properties: HashMap<String, String>,
    /// The workbook's own modified time (ISO 8601), when recorded.
    pub modified: Option<String>,
    /// The open .xlsx, for what only some checks ask (see [`Workbook::merged_regions`]).
    #[serde(skip)]
    open: Option<OpenXlsx>,
}

/// An .xlsx kept open after its cells were read. Merged regions and formulas each cost
/// another pass over a sheet's XML (a third of reading it): only the check of the task
/// table asks for them, and only for its own sheet.
#[derive(Clone)]
struct OpenXlsx(Arc<Mutex<XlsxBook>>);

/// An .xlsx reader over the file's bytes, owned.
type XlsxBook = Xlsx<Cursor<Vec<u8>>>;

impl std::fmt::Debug for OpenXlsx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OpenXlsx")
    }
}

impl OpenXlsx {
    /// Runs `f` on the reader; a panic or an error inside gives `None`, since what is
    /// asked here only refines a check that has already read every cell.
    fn with<T>(&self, f: impl FnOnce(&mut XlsxBook) -> Option<T>) -> Option<T> {
        let mut book = self.0.lock().ok()?;
        quiet_panics(|| Ok(f(&mut book))).ok().flatten()
    }
}

impl Workbook {
    pub fn sheet(&self, name: &str) -> Option<&Sheet> {
        self.sheets.iter().find(|s| s.name == name)
    }

    /// The merged regions of sheet `i`. .xls and .ods regions come with the sheet (.ods's
    /// read by [`ods`], as calamine does not report them); .xlsx regions are read now.
    pub fn merged_regions(&self, i: usize) -> Option<Vec<Region>> {
        let sheet = self.sheets.get(i)?;
        match self.format {
            Format::Xls | Format::Ods => Some(sheet.merged.clone()),
            Format::Xlsx => match &self.open {
                None => Some(sheet.merged.clone()),
                Some(open) => open
                    .with(|b| b.merge_cells_by_sheet_name(&sheet.name).ok())
                    .map(|ds| ds.iter().map(Region::from_dimensions).collect()),
            },
        }
    }

    /// The cells of sheet `i` that hold a formula but no cached result: a file written by
    /// a program and never opened in a spreadsheet, whose formulas read as empty. Only
    /// .xlsx can be in that state (.xls and .ods always store results).
    pub fn uncached_formulas(&self, i: usize) -> BTreeSet<(u32, u32)> {
        let (Some(sheet), Some(open)) = (self.sheets.get(i), &self.open) else {
            return BTreeSet::new();
        };
        open.with(|b| {
            let mut reader = b.worksheet_cells_reader(&sheet.name).ok()?;
            let mut out = BTreeSet::new();
            while let Some(cell) = reader.next_cell_with_formula_metadata().ok()? {
                // A cached empty text (`t="str"`, `<v></v>`: =IF(…,"",…)) is a result;
                // only a formula without any `<v>` reads as Empty.
                if matches!(cell.value, DataRef::Empty) && cell.formula.is_some() {
                    out.insert(cell.pos);
                }
            }
            Some(out)
        })
        .unwrap_or_default()
    }
}

/// "H5" for (4, 7).
pub fn a1(row: u32, col: u32) -> String {
    let mut name = String::new();
    let mut c = col + 1;
    while c > 0 {
        let rem = (c - 1) % 26;
        name.insert(0, (b'A' + rem as u8) as char);
        c = (c - 1) / 26;
    }
    format!("{name}{}", row + 1)
}

/// Which document properties (custom properties, modified time) to read.
///
/// On a small return they are a sixth of the reading (three more zip entries to inflate
/// and parse), and the check needs them only where the hidden identity sheet did not
/// survive, or where two returns of a unit compete (see [`read_modified`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Properties {
    #[default]
    Always,
    /// Not when the workbook has a non-empty sheet of this name (.xlsx only; .xls and .ods
    /// are read whole anyway).
    UnlessSheet(&'static str),
}

impl Properties {
    fn wanted(self, sheets: &[Sheet]) -> bool {
        match self {
            Properties::Always => true,
            Properties::UnlessSheet(name) => {
                !sheets.iter().any(|s| s.name == name && !s.cells.is_empty())
            }
        }
    }
}

/// Only the modified time an .xlsx records of itself (`dcterms:modified` in
/// docProps/core.xml), for the returns whose properties [`Properties::UnlessSheet`]
/// skipped and whose time turns out to matter. The workbook itself is not opened again:
/// one small part is read from the zip.
pub fn read_modified(bytes: &[u8], limits: &Limits) -> Result<Option<String>, ReadError> {
    use std::io::Read;
    quiet_panics(|| {
        if !bytes.starts_with(ZIP_MAGIC) {
            return Ok(None);
        }
        let mut zip = open_zip(bytes, limits)?;
        let Ok(part) = zip.by_name("docProps/core.xml") else {
            return Ok(None);
        };
        let mut xml = String::new();
        if part.take(1 << 20).read_to_string(&mut xml).is_err() {
            return Ok(None);
        }
        Ok(modified_in_core(&xml))
    })
}

/// The text of the `…:modified` element of docProps/core.xml, whatever its prefix.
fn modified_in_core(xml: &str) -> Option<String> {
    let tag = xml.find(":modified")?;
    let open = tag + xml[tag..].find('>')? + 1;
    let close = open + xml[open..].find('<')?;
    let text = xml[open..close].trim();
    (!text.is_empty()).then(|| text.to_string())
}

/// [`read_bytes`], reading document properties only as `props` says.
pub fn read_bytes_with(
    bytes: &[u8],
    limits: &Limits,
    props: Properties,
) -> Result<Workbook, ReadError> {
    if bytes.len() as u64 > limits.file_bytes {
        return Err(ReadError::TooLarge {
            size: bytes.len() as u64,
            limit: limits.file_bytes,
        });
    }
    quiet_panics(|| read_sniffed(bytes.to_vec(), limits, props))
}

/// Reads a workbook from its bytes (the file name plays no part): what the check reads
/// every return with (see [`crate::intake::Input::bytes`]), and the fuzz target's entry point.
pub fn read_bytes(bytes: &[u8], limits: &Limits) -> Result<Workbook, ReadError> {
    read_bytes_with(bytes, limits, Properties::Always)
}

/// Whether bytes look like a workbook (a zip, or an OLE file) rather than text: for inputs
/// that may come either way, such as the contacts.
pub fn is_workbook(bytes: &[u8]) -> bool {
    bytes.starts_with(ZIP_MAGIC) || bytes.starts_with(OLE_MAGIC)
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
/// The first bytes of an OLE compound file (.xls, or an encrypted .xlsx).
pub const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// The bytes are taken whole: an .xlsx keeps them, open, for the check's second looks.
fn read_sniffed(bytes: Vec<u8>, limits: &Limits, props: Properties) -> Result<Workbook, ReadError> {
    if bytes.is_empty() {
        return Err(ReadError::NotSpreadsheet {
            what: "文件是空的（0 字节）".into(),
        });
    }
    if bytes.starts_with(ZIP_MAGIC) {
        let kind = inspect_zip(&bytes, limits)?;
        return match kind {
            ZipKind::Xlsx => read_xlsx(bytes, limits, props),
            ZipKind::Ods => read_dense_isolated(Format::Ods, &bytes, limits),
            ZipKind::Other(what) => Err(ReadError::NotSpreadsheet { what }),
        };
    }
    if bytes.starts_with(OLE_MAGIC) {
        // An encrypted xlsx is an OLE file too; the Xlsx reader recognises it.
        if let Err(XlsxError::Password) = Xlsx::new(Cursor::new(&bytes[..])) {
            return Err(ReadError::Encrypted);
        }
        return read_dense_isolated(Format::Xls, &bytes, limits);
    }
    let what = if bytes.starts_with(b"%PDF") {
        "这是 PDF 文件"
    } else if std::str::from_utf8(&bytes[..bytes.len().min(4096)]).is_ok() {
        "这是文本文件"
    } else {
        "无法识别的文件内容"
    };
    Err(ReadError::NotSpreadsheet { what: what.into() })
}

enum ZipKind {
    Xlsx,
    Ods,
    Other(String),
}

/// An archive opened with its central directory held to the limits: at most
/// `zip_entries` entries, at most `inflated_bytes` once inflated (by what its entries
/// declare; a member is bounded again when read). Nothing is inflated here.
pub(crate) fn open_zip<'a>(
    bytes: &'a [u8],
    limits: &Limits,
) -> Result<zip::ZipArchive<Cursor<&'a [u8]>>, ReadError> {
    let mut zip =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| ReadError::corrupt(None, e))?;
    if zip.len() > limits.zip_entries {
        return Err(ReadError::TooManyEntries {
            count: zip.len(),
            limit: limits.zip_entries,
        });
    }
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip
            .by_index_raw(i)
            .map_err(|e| ReadError::corrupt(None, e))?;
        total = total.saturating_add(entry.size());
    }
    if total > limits.inflated_bytes {
        return Err(ReadError::ZipBomb {
            size: total,
            limit: limits.inflated_bytes,
        });
    }
    Ok(zip)
}

/// Reads the zip's central directory, without inflating anything, to refuse zip bombs and
/// to tell xlsx from ods from docx.
fn inspect_zip(bytes: &[u8], limits: &Limits) -> Result<ZipKind, ReadError> {
    let zip = open_zip(bytes, limits)?;
    let names: Vec<String> = zip
        .file_names()
        .map(|n| n.map(|n| n.into_owned()).unwrap_or_default())
        .collect();
    let has = |n: &str| names.iter().any(|x| x.eq_ignore_ascii_case(n));
    Ok(if has("xl/workbook.xml") {
        ZipKind::Xlsx
    } else if has("content.xml") {
        ZipKind::Ods
    } else if has("xl/workbook.bin") {
        ZipKind::Other("这是 .xlsb（二进制工作簿）".into())
    } else if has("word/document.xml") {
        ZipKind::Other("这是 Word 文档".into())
    } else {
        ZipKind::Other("压缩包中没有工作簿".into())
    })
}

fn check_sheet_count(count: usize, limits: &Limits) -> Result<(), ReadError> {
    if count > limits.sheets {
        return Err(ReadError::TooManySheets {
            count,
            limit: limits.sheets,
        });
    }
    Ok(())
}

fn visibility(v: SheetVisible) -> Visibility {
    match v {
        SheetVisible::Visible => Visibility::Visible,
        SheetVisible::Hidden => Visibility::Hidden,
        SheetVisible::VeryHidden => Visibility::VeryHidden,
    }
}

/// xlsx is read cell by cell from the sheet XML, so a declared dimension or a stray cell at
/// XFD1048576 costs nothing: only real cells are stored, and at most `limits.cells`.
fn read_xlsx(bytes: Vec<u8>, limits: &Limits, props: Properties) -> Result<Workbook, ReadError> {
    let mut book = match Xlsx::new(Cursor::new(bytes)) {
        Ok(b) => b,
        Err(XlsxError::Password) => return Err(ReadError::Encrypted),
        Err(e) => return Err(ReadError::corrupt(None, e)),
    };
    let meta: Vec<(String, SheetVisible)> = book
        .sheets_metadata()
        .iter()
        .map(|s| (s.name.clone(), s.visible))
        .collect();
    check_sheet_count(meta.len(), limits)?;
    let mut sheets = Vec::with_capacity(meta.len());
    let mut percent: Option<Vec<bool>> = None;
    for (name, vis) in meta {
        let corrupt = |e: XlsxError| ReadError::corrupt(Some(&name), e);
        let mut sheet = Sheet {
            name: name.clone(),
            visibility: Some(visibility(vis)),
            cells: BTreeMap::new(),
            merged: Vec::new(),
        };
        let mut reader = book.worksheet_cells_reader(&name).map_err(corrupt)?;
        // Values and style ids in one pass over the sheet XML: a percent-formatted 0.8
        // means 80. Style 0 is the default format, as in calamine's own style ranges. The
        // style palette is the workbook's: which styles show a percent is found once.
        let percent = percent.get_or_insert_with(|| {
            reader
                .styles()
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    i > 0
                        && s.number_format
                            .as_ref()
                            .is_some_and(|f| is_percent_format(&f.format_code))
                })
                .collect::<Vec<bool>>()
        });
        while let Some((cell, style)) = reader.next_cell_with_style_id().map_err(corrupt)? {
            let value = value_ref(cell.get_value());
            if value == Value::Empty {
                continue;
            }
            if sheet.cells.len() >= limits.cells {
                return Err(ReadError::SheetTooLarge {
                    sheet: name.clone(),
                    what: format!("超过 {} 个非空单元格", limits.cells),
                });
            }
            let mut c = bounded(value, limits);
            c.percent =
                matches!(c.value, Value::Number(_)) && percent.get(style).copied().unwrap_or(false);
            sheet.cells.insert(cell.get_position(), c);
        }
        sheets.push(sheet);
    }
    let props = if props.wanted(&sheets) {
        book.workbook_properties().unwrap_or_default()
    } else {
        Default::default()
    };
    Ok(Workbook {
        format: Format::Xlsx,
        sheets,
        properties: props.custom_properties,
        modified: props.modified.filter(|m| !m.is_empty()),
        open: Some(OpenXlsx(Arc::new(Mutex::new(book)))),
    })
}

/// A number format shows a percent when it has a `%` outside quotes and escapes.
fn is_percent_format(code: &str) -> bool {
    let mut quoted = false;
    let mut escaped = false;
    for c in code.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => quoted = !quoted,
            '%' if !quoted => return true,
            _ => {}
        }
    }
    false
}

/// .xls and .ods have no streaming reader in calamine: the range is dense, so its area is
/// bounded right after loading (the file size limit bounds what loading can cost).
pub(crate) fn read_dense(
    format: Format,
    bytes: &[u8],
    limits: &Limits,
) -> Result<Workbook, ReadError> {
    let opened = |msg: String| {
        if msg.to_lowercase().contains("password") || msg.contains("encrypt") {
            ReadError::Encrypted
        } else {
            ReadError::corrupt(None, msg)
        }
    };
    let cursor = Cursor::new(bytes.to_vec());
    let mut book: Sheets<Cursor<Vec<u8>>> = match format {
        Format::Xls => Sheets::Xls(Xls::new(cursor).map_err(|e| opened(e.to_string()))?),
        _ => Sheets::Ods(Ods::new(cursor).map_err(|e| opened(e.to_string()))?),
    };
    let meta: Vec<(String, SheetVisible)> = book
        .sheets_metadata()
        .iter()
        .map(|s| (s.name.clone(), s.visible))
        .collect();
    check_sheet_count(meta.len(), limits)?;
    let mut ods_merges = match format {
        Format::Ods => ods::merged_regions(bytes, limits),
        _ => Default::default(),
    };
    let mut sheets = Vec::with_capacity(meta.len());
    for (name, vis) in meta {
        let range = book
            .worksheet_range(&name)
            .map_err(|e| ReadError::corrupt(Some(&name), e))?;
        let (h, w) = range.get_size();
        if (h as u64).saturating_mul(w as u64) > limits.area {
            return Err(ReadError::SheetTooLarge {
                sheet: name,
                what: format!("{h} 行 × {w} 列"),
            });
        }
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let mut cells = BTreeMap::new();
        for (r, c, data) in range.used_cells() {
            let value = value_owned(data);
            if value == Value::Empty {
                continue;
            }
            if cells.len() >= limits.cells {
                return Err(ReadError::SheetTooLarge {
                    sheet: name,
                    what: format!("超过 {} 个非空单元格", limits.cells),
                });
            }
            // used_cells() is relative to the range start, not the sheet.
            cells.insert((r0 + r as u32, c0 + c as u32), bounded(value, limits));
        }
        let merged = match &book {
            Sheets::Xls(x) => x
                .merge_cells_by_sheet_name(&name)
                .unwrap_or_default()
                .iter()
                .map(Region::from_dimensions)
                .collect(),
            _ => ods_merges.remove(&name).unwrap_or_default(),
        };
        sheets.push(Sheet {
            name,
            visibility: Some(visibility(vis)),
            cells,
            merged,
        });
    }
    let props = book.workbook_properties().unwrap_or_default();
    Ok(Workbook {
        format,
        sheets,
        properties: props.custom_properties,
        modified: props.modified.filter(|m| !m.is_empty()),
        open: None,
    })
}

fn bounded(value: Value, limits: &Limits) -> Cell {
    let mut cut_from = None;
    let value = match value {
        // A string of no more bytes than the limit has no more chars either.
        Value::Text(s) if s.len() > limits.cell_chars => {
            let n = s.chars().count();
            if n > limits.cell_chars {
                cut_from = Some(n);
                Value::Text(s.chars().take(limits.cell_chars).collect())
            } else {
                Value::Text(s)
            }
        }
        v => v,
    };
    Cell {
        value,
        percent: false,
        cut_from,
    }
}

fn value_ref(d: &DataRef<'_>) -> Value {
    match d {
        DataRef::Int(i) => Value::Number(*i as f64),
        DataRef::Float(f) if !f.is_finite() => Value::Error("#NUM!".into()),
        DataRef::Float(f) => Value::Number(*f),
        DataRef::String(s) => text_value(s),
        DataRef::SharedString(s) => text_value(s),
        DataRef::Bool(b) => Value::Bool(*b),
        DataRef::DateTime(dt) => Value::Date(dt.to_string()),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Value::Date(s.clone()),
        DataRef::Error(e) => Value::Error(e.to_string()),
        DataRef::Empty => Value::Empty,
    }
}

/// Text that is an error literal (a formula's cached `#REF!` stored as a string, or one
/// typed in) is an error value all the same.
fn text_value(s: &str) -> Value {
    const ERRORS: &[&str] = &[
        "#REF!", "#DIV/0!", "#VALUE!", "#N/A", "#NAME?", "#NUM!", "#NULL!",
    ];
    let t = s.trim();
    if !t.starts_with('#') {
        return Value::Text(s.to_string());
    }
    match ERRORS.iter().find(|e| t.eq_ignore_ascii_case(e)) {
        Some(e) => Value::Error(e.to_string()),
        None => Value::Text(s.to_string()),
    }
}

fn value_owned(d: &Data) -> Value {
    match d {
        Data::Int(i) => Value::Number(*i as f64),
        // A NaN or infinity only comes from a damaged file; a spreadsheet shows #NUM!.
        Data::Float(f) if !f.is_finite() => Value::Error("#NUM!".into()),
        Data::Float(f) => Value::Number(*f),
        Data::String(s) => text_value(s),
        Data::Bool(b) => Value::Bool(*b),
        Data::DateTime(dt) => Value::Date(dt.to_string()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Value::Date(s.clone()),
        Data::Error(e) => Value::Error(e.to_string()),
        Data::Empty => Value::Empty,
    }
}

/// Sheet cells travel between processes as a list: JSON has no tuple keys.
mod cells_as_list {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer, Serializer};

    use super::Cell;

    pub fn serialize<S: Serializer>(
        cells: &BTreeMap<(u32, u32), Cell>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.collect_seq(cells.iter().map(|(&(r, c), cell)| (r, c, cell)))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<BTreeMap<(u32, u32), Cell>, D::Error> {
        let list: Vec<(u32, u32, Cell)> = Vec::deserialize(d)?;
        Ok(list
            .into_iter()
            .map(|(r, c, cell)| ((r, c), cell))
            .collect())
    }
}

thread_local! {
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f`, turning a panic into [`ReadError::Panic`]. While `f` runs on this thread the
/// panic hook stays silent (the panic is reported as an issue instead); panics elsewhere
/// still print as usual.
pub(crate) fn quiet_panics<T>(f: impl FnOnce() -> Result<T, ReadError>) -> Result<T, ReadError> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(|q| q.get()) {
                previous(info);
            }
        }));
    });
    QUIET.with(|q| q.set(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    QUIET.with(|q| q.set(false));
    match result {
        Ok(r) => r,
        Err(payload) => {
            let msg = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "未知错误".into());
            Err(ReadError::Panic { detail: msg })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_modified_time_alone_is_what_the_whole_read_finds() {
        for (y, m, d, h) in [(2020, 4, 3, 8), (2020, 12, 31, 23)] {
            let mut wb = rust_xlsxwriter::Workbook::new();
            let t = rust_xlsxwriter::ExcelDateTime::from_ymd(y, m, d)
                .unwrap()
                .and_hms(h, 0, 0)
                .unwrap();
            wb.set_properties(&rust_xlsxwriter::DocProperties::new().set_creation_datetime(&t));
            wb.add_worksheet().write(0, 0, "x").unwrap();
            let bytes = wb.save_to_buffer().unwrap();
            let limits = Limits::default();
            let whole = read_bytes(&bytes, &limits).unwrap().modified;
            assert!(whole.is_some());
            assert_eq!(read_modified(&bytes, &limits).unwrap(), whole);
        }
        assert_eq!(
            modified_in_core(
                r#"<cp:coreProperties><dcterms:modified xsi:type="dcterms:W3CDTF">2020-04-01T10:00:00.5</dcterms:modified></cp:coreProperties>"#
            ),
            Some("2020-04-01T10:00:00.5".to_string())
        );
        assert_eq!(modified_in_core("<cp:coreProperties/>"), None);
    }

    #[test]
    fn a1_names_columns() {
        assert_eq!(a1(0, 0), "A1");
        assert_eq!(a1(4, 7), "H5");
        assert_eq!(a1(0, 26), "AA1");
        assert_eq!(a1(1_048_575, 16_383), "XFD1048576");
    }

    #[test]
    fn percent_formats() {
        assert!(is_percent_format("0%"));
        assert!(is_percent_format("0.00%"));
        assert!(!is_percent_format("General"));
        assert!(!is_percent_format("0\"%\""));
        assert!(!is_percent_format("0\\%"));
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        let l = Limits::default();
        assert!(matches!(
            read_bytes(b"", &l),
            Err(ReadError::NotSpreadsheet { .. })
        ));
        assert!(matches!(
            read_bytes(b"PK\x03\x04garbage", &l),
            Err(ReadError::Corrupt { .. })
        ));
        assert!(matches!(
            read_bytes(OLE_MAGIC, &l),
            Err(ReadError::Corrupt { .. })
        ));
        assert!(matches!(
            read_bytes(b"a,b\n1,2\n", &l),
            Err(ReadError::NotSpreadsheet { .. })
        ));
    }
}
