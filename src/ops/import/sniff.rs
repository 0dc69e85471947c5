//! What a notice file is, by its content: offices forward notices as Word, WPS, PDF,
//! spreadsheets and text, and the extension is often wrong (a .doc renamed .docx, a
//! table saved as .xls from WPS). The importer reads .docx, .xlsx/.xls/.ods, text and
//! duban's own JSON; everything else gets a message that says how to convert it.

use std::io::Cursor;

/// The kinds of notice file told apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Markdown or plain text (UTF-8, UTF-16 or GBK).
    Text,
    /// `catalog export --format json`.
    Json,
    Docx,
    /// A workbook duban's reader opens: .xlsx, .xlsm, .xls, .ods.
    Workbook,
    /// Word 97-2003.
    Doc,
    /// WPS 文字 (.wps), an OLE file like .doc.
    Wps,
    Pdf,
    /// OpenDocument text (.odt).
    Odt,
    /// Excel binary workbook (.xlsb).
    Xlsb,
    /// Anything else.
    Unknown,
}

impl Kind {
    /// What the file is, as the clerk would say it.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Text => "文本文件",
            Kind::Json => "duban 导出的 JSON",
            Kind::Docx => "Word 文档（.docx）",
            Kind::Workbook => "电子表格",
            Kind::Doc => "Word 97-2003 文档（.doc）",
            Kind::Wps => "WPS 文字文档（.wps）",
            Kind::Pdf => "PDF 文件",
            Kind::Odt => "OpenDocument 文本（.odt）",
            Kind::Xlsb => "Excel 二进制工作簿（.xlsb）",
            Kind::Unknown => "无法识别的文件",
        }
    }

    /// For a kind duban does not read: how to turn it into one it does.
    pub fn how_to_convert(self, file: &str) -> Option<String> {
        let soffice = |to: &str| format!("soffice --headless --convert-to {to} \"{file}\"");
        match self {
            Kind::Doc | Kind::Wps | Kind::Odt => Some(format!(
                "请用 Word 或 WPS 打开后“另存为”Word 文档（.docx），或用 LibreOffice 转换：{}，再导入生成的 .docx",
                soffice("docx")
            )),
            Kind::Xlsb => Some(format!(
                "请用 Excel 或 WPS 打开后“另存为”Excel 工作簿（.xlsx），或用 LibreOffice 转换：{}",
                soffice("xlsx")
            )),
            Kind::Pdf => Some(format!(
                "PDF 中的任务和单位无法可靠识别，duban 不做猜测：请向发文单位索取 Word（.docx）或 Excel 版本；只有 PDF 时，可用 LibreOffice 转换：soffice --headless --infilter=writer_pdf_import --convert-to docx \"{file}\"，核对转换结果后再导入"
            )),
            Kind::Unknown => Some(
                "请提供通知的 Word 文档（.docx）、任务分解表（.xlsx）或文本（.md/.txt）".to_string(),
            ),
            _ => None,
        }
    }
}

const OLE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Tells a notice file's kind from its bytes; the extension only tells .wps from .doc
/// (both are OLE files with a WordDocument stream).
pub fn sniff(bytes: &[u8], extension: &str) -> Kind {
    if bytes.starts_with(b"%PDF-") {
        return Kind::Pdf;
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return zip_kind(bytes);
    }
    if bytes.starts_with(OLE) {
        let utf16 = |s: &str| -> Vec<u8> { s.encode_utf16().flat_map(u16::to_le_bytes).collect() };
        let has = |s: &str| {
            let needle = utf16(s);
            bytes.windows(needle.len()).any(|w| w == needle.as_slice())
        };
        if has("WordDocument") {
            return if extension.eq_ignore_ascii_case("wps") {
                Kind::Wps
            } else {
                Kind::Doc
            };
        }
        if has("Workbook") || has("Book") {
            return Kind::Workbook;
        }
        return Kind::Unknown;
    }
    // Text: no NUL bytes but for UTF-16's, and decodable.
    let utf16 = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
    if !utf16 && bytes.iter().take(8192).any(|b| *b == 0) {
        return Kind::Unknown;
    }
    let (text, _) = crate::fsutil::decode_text(bytes);
    if text.trim_start().starts_with('{') {
        Kind::Json
    } else {
        Kind::Text
    }
}

/// A zip's kind by the parts it holds.
fn zip_kind(bytes: &[u8]) -> Kind {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Kind::Unknown;
    };
    let names: Vec<String> = zip
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.into_owned()))
        .collect();
    let has = |n: &str| names.iter().any(|x| x == n);
    if has("word/document.xml") {
        return Kind::Docx;
    }
    if has("xl/workbook.bin") {
        return Kind::Xlsb;
    }
    if has("xl/workbook.xml") {
        return Kind::Workbook;
    }
    if has("mimetype") {
        let mut mime = String::new();
        if let Ok(f) = zip.by_name("mimetype") {
            use std::io::Read;
            let _ = f.take(100).read_to_string(&mut mime);
        }
        if mime.contains("opendocument.text") {
            return Kind::Odt;
        }
        if mime.contains("opendocument.spreadsheet") {
            return Kind::Workbook;
        }
    }
    Kind::Unknown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_content() {
        assert_eq!(sniff(b"%PDF-1.7 ...", "docx"), Kind::Pdf);
        assert_eq!(sniff("1、任务".as_bytes(), "docx"), Kind::Text);
        assert_eq!(sniff(b"  {\"notice\": 1}", "txt"), Kind::Json);
        let mut ole = OLE.to_vec();
        ole.extend("WordDocument".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(sniff(&ole, "docx"), Kind::Doc);
        assert_eq!(sniff(&ole, "WPS"), Kind::Wps);
        assert_eq!(sniff(&[0u8, 1, 2, 3], "md"), Kind::Unknown);
    }
}
