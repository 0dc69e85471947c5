//! Opening a return: sniffing its first bytes, bounding the zip before inflating it,
//! reading .xlsx, .xls and .ods through calamine, and keeping a reader's panic in its file.

use super::grid::OpenXlsx;
use super::*;

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
            ZipKind::Xlsb => read_xlsb(bytes, limits),
            ZipKind::Other(what) => Err(ReadError::NotSpreadsheet { what }),
        };
    }
    if bytes.starts_with(OLE_MAGIC) {
        // An encrypted xlsx is an OLE file too; the Xlsx reader recognises it.
        if let Err(XlsxError::Password) = Xlsx::new(Cursor::new(&bytes[..])) {
            return Err(ReadError::Encrypted);
        }
        if super::ole::has_filepass(&bytes) {
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
    Xlsb,
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
        ZipKind::Xlsb
    } else if has("word/document.xml") {
        ZipKind::Other("这是 Word 文档".into())
    } else {
        ZipKind::Other("压缩包中没有工作簿".into())
    })
}

/// The worksheets of a workbook, with their visibility: chart sheets, dialog sheets and
/// macro sheets hold no cells to check (Excel keeps them through every re-save), so they
/// are passed over rather than making the whole file look damaged.
fn worksheets(all: &[calamine::Sheet]) -> Vec<(String, SheetVisible)> {
    all.iter()
        .filter(|s| s.typ == SheetType::WorkSheet)
        .map(|s| (s.name.clone(), s.visible))
        .collect()
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
    let meta = worksheets(book.sheets_metadata());
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

/// .xlsb is read cell by cell like .xlsx (calamine's streaming reader), so a stray far
/// cell costs nothing either. Its styles are not read: a percent cell reads as its fraction.
fn read_xlsb(bytes: Vec<u8>, limits: &Limits) -> Result<Workbook, ReadError> {
    let mut book = match Xlsb::new(Cursor::new(bytes)) {
        Ok(b) => b,
        Err(calamine::XlsbError::Password) => return Err(ReadError::Encrypted),
        Err(e) => return Err(ReadError::corrupt(None, e)),
    };
    let meta = worksheets(book.sheets_metadata());
    check_sheet_count(meta.len(), limits)?;
    let mut sheets = Vec::with_capacity(meta.len());
    for (name, vis) in meta {
        let corrupt = |e: calamine::XlsbError| ReadError::corrupt(Some(&name), e);
        let mut cells = BTreeMap::new();
        let mut reader = book.worksheet_cells_reader(&name).map_err(corrupt)?;
        while let Some(cell) = reader.next_cell().map_err(corrupt)? {
            let value = value_ref(cell.get_value());
            if value == Value::Empty {
                continue;
            }
            if cells.len() >= limits.cells {
                return Err(ReadError::SheetTooLarge {
                    sheet: name.clone(),
                    what: format!("超过 {} 个非空单元格", limits.cells),
                });
            }
            cells.insert(cell.get_position(), bounded(value, limits));
        }
        drop(reader);
        sheets.push(Sheet {
            name,
            visibility: Some(visibility(vis)),
            cells,
            merged: Vec::new(),
        });
    }
    let props = book.workbook_properties().unwrap_or_default();
    Ok(Workbook {
        format: Format::Xlsb,
        sheets,
        properties: props.custom_properties,
        modified: props.modified.filter(|m| !m.is_empty()),
        open: None,
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
    let meta = worksheets(book.sheets_metadata());
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
