//! A parsed message made safe before anything is printed, logged or saved: its header text
//! with control characters written out ([`crate::untrusted::shown`]), and each attachment's
//! name with no bidi or control characters, no trailing dots or spaces, and the extension
//! its content has.
//!
//! Why the content decides: `报表_\u{202e}xslx.exe` shows as `报表_exe.xlsx` in a mail client;
//! with the override gone it is `报表_xslx.exe`, and if the bytes are a workbook it is saved
//! as `报表_xslx.xlsx` (and read as a return), else it keeps its own extension and is
//! listed among the other attachments. The summary, the receipts and the folder all see
//! this one name.

use std::io::{Cursor, Read};

use super::message::Parsed;
use crate::untrusted::{is_bidi_control, shown, windows_trim};

/// Cleans `p` in place (see the module's doc).
pub fn clean(p: &mut Parsed) {
    for field in [
        &mut p.message_id,
        &mut p.sender,
        &mut p.sender_name,
        &mut p.reply_to,
        &mut p.subject,
    ] {
        if let std::borrow::Cow::Owned(s) = shown(field) {
            *field = s;
        }
    }
    for a in &mut p.attachments {
        a.name = saved_name(&a.name, &a.data);
    }
}

/// An attachment's name as it is saved and listed (see the module's doc).
///
/// ```
/// use duban::collect::hostile::saved_name;
/// assert_eq!(saved_name("报表_\u{202e}slx.exe", b"MZ\x90\x00"), "报表_slx.exe");
/// assert_eq!(saved_name("x.xlsx. ", b""), "x.xlsx");
/// assert_eq!(saved_name("说明\u{1b}[2J.pdf", b"%PDF-1.4"), "说明_[2J.pdf");
/// assert_eq!(saved_name("报表.pdf", &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]), "报表.xls");
/// ```
pub fn saved_name(name: &str, data: &[u8]) -> String {
    let clean: String = name
        .chars()
        .filter(|&c| !is_bidi_control(c))
        .map(|c| if c.is_control() { '_' } else { c })
        .collect();
    let clean = windows_trim(clean.trim()).to_string();
    let Some((ext, accepted)) = content_kind(data) else {
        return clean;
    };
    let (stem, current) = match clean.rsplit_once('.') {
        Some((stem, e)) if is_extension(e) => (stem, e.to_lowercase()),
        _ => (clean.as_str(), String::new()),
    };
    if accepted.contains(&current.as_str()) {
        clean
    } else {
        format!("{stem}.{ext}")
    }
}

/// What looks like an extension rather than part of a name: a few letters or digits.
fn is_extension(e: &str) -> bool {
    !e.is_empty() && e.len() <= 8 && e.chars().all(|c| c.is_ascii_alphanumeric())
}

/// The extension content has, and the extensions that name that content: from the first
/// bytes, and for a zip from its list of members (the central directory; nothing is
/// unpacked but ODF's small `mimetype`). None when the content is not recognised: the
/// sent extension stays.
fn content_kind(data: &[u8]) -> Option<(&'static str, &'static [&'static str])> {
    const OLE: &[&str] = &[
        "xls", "xlt", "xla", "et", "ett", "doc", "dot", "wps", "ppt", "pps", "msg",
    ];
    if data.starts_with(crate::read::OLE_MAGIC) {
        return Some(("xls", OLE));
    }
    if data.starts_with(b"%PDF-") {
        return Some(("pdf", &["pdf"]));
    }
    if !data.starts_with(b"PK\x03\x04") {
        return None;
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(data)).ok()?;
    let names: Vec<String> = zip.file_names().flatten().map(|n| n.into_owned()).collect();
    let has = |prefix: &str| names.iter().any(|n| n.starts_with(prefix));
    if has("[Content_Types].xml") && has("xl/") {
        return Some((
            "xlsx",
            &["xlsx", "xlsm", "xltx", "xltm", "xlam", "xlsb", "et"],
        ));
    }
    if has("[Content_Types].xml") && has("word/") {
        return Some(("docx", &["docx", "docm", "dotx", "dotm", "wps"]));
    }
    if has("[Content_Types].xml") && has("ppt/") {
        return Some(("pptx", &["pptx", "pptm", "ppsx", "potx", "dps"]));
    }
    if names.iter().any(|n| n == "mimetype") {
        let mut mime = String::new();
        if let Ok(f) = zip.by_name("mimetype") {
            let _ = f.take(100).read_to_string(&mut mime);
        }
        match mime.trim() {
            "application/vnd.oasis.opendocument.spreadsheet" => {
                return Some(("ods", &["ods", "ots"]))
            }
            "application/vnd.oasis.opendocument.text" => return Some(("odt", &["odt", "ott"])),
            _ => {}
        }
    }
    Some(("zip", &["zip"]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip_of(members: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, data) in members {
            w.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn the_content_names_the_extension() {
        let xlsx = zip_of(&[
            ("[Content_Types].xml", b"<x/>"),
            ("xl/workbook.xml", b"<x/>"),
        ]);
        let ods = zip_of(&[
            (
                "mimetype",
                b"application/vnd.oasis.opendocument.spreadsheet",
            ),
            ("content.xml", b"<x/>"),
        ]);
        let plain = zip_of(&[("区科技局/报表.xlsx", b"PK")]);
        assert_eq!(saved_name("报表_\u{202e}xslx.exe", &xlsx), "报表_xslx.xlsx");
        assert_eq!(saved_name("报表.XLSM", &xlsx), "报表.XLSM");
        assert_eq!(saved_name("报表.xlsx", &ods), "报表.ods");
        assert_eq!(saved_name("材料.zip", &plain), "材料.zip");
        assert_eq!(saved_name("材料.rar", &plain), "材料.zip");
        assert_eq!(saved_name("报表.xlsx.", &xlsx), "报表.xlsx");
        assert_eq!(saved_name("无扩展名", &xlsx), "无扩展名.xlsx");
        assert_eq!(saved_name("报表.xlsx", b"PK\x03\x04broken"), "报表.xlsx");
    }
}
