//! Writing workbooks: the only user of rust_xlsxwriter in the crate.
//!
//! Everything duban writes for people goes through this module, so that every file looks
//! the same and behaves the same in Excel, WPS and LibreOffice:
//!
//! - [`sheet`]: the templates, as a [`Book`] of [`Sheet`]s with the templates' cell
//!   [`Style`]s (locked canonical cells on grey, unlocked input cells on white);
//! - [`merge`]: the consolidated workbook and the leader summaries, and [`feedback`]: the
//!   problem list of one return — both with the office's report styles ([`report`]);
//! - one palette ([`palette`]), one font, row heights set from an estimate of the wrapped
//!   lines ([`row_height_for`]), because LibreOffice does not size the rows of wrapped
//!   text written here and long texts would overlap the next row;
//! - a fixed creation time ([`CREATED`]) in every workbook's properties ([`properties`]),
//!   so that the same input gives byte-identical files (the manifest's hashes, the mails'
//!   Message-IDs and the tests rely on it).

pub mod feedback;
pub mod html;
pub mod ledger;
pub mod merge;
pub mod palette;
pub mod paper;
mod report;
pub mod score;
pub mod sheet;

use rust_xlsxwriter::{DocProperties, ExcelDateTime, XlsxError};

pub use sheet::{Book, Print, Prompt, Rule, Sheet, Style};

/// The font of every cell. 宋体 (SimSun) ships with every Chinese Windows, Excel and WPS;
/// the charset 134 (GB2312) tells a program without it to substitute a Chinese font, and
/// LibreOffice falls back per character to an installed CJK font (Noto CJK here).
pub const FONT: &str = "宋体";
/// Body text size in points.
pub const FONT_SIZE: f64 = 11.0;
pub(crate) const FONT_CHARSET: u8 = 134;
pub(crate) const FONT_FAMILY: u8 = 3;

/// The creation date written into every workbook: not a real date but a constant, so that
/// output is byte-reproducible; the DOS epoch zip uses for "no date", which names no year
/// a catalog could be about.
pub const CREATED: (u16, u8, u8) = (1980, 1, 1);

/// The tallest row Excel allows, in points.
pub(crate) const MAX_ROW_HEIGHT: f64 = 409.0;
/// Line height as a multiple of the font size: CJK fonts (Noto CJK, SimSun in WPS) need
/// about 1.3 em per line; a little more keeps descenders off the cell border.
const LINE_FACTOR: f64 = 1.36;
/// Space above and below the text in a row, in points.
const ROW_PADDING: f64 = 6.0;
/// A workbook could not be built: a limit of the xlsx format (a text too long for a cell,
/// a sheet name too long), met only with an unusual catalog or input.
#[derive(Debug, thiserror::Error)]
#[error("生成 Excel 文件出错：{}", describe(.0))]
pub struct BuildError(#[from] XlsxError);

fn describe(e: &XlsxError) -> String {
    match e {
        XlsxError::MaxStringLengthExceeded => "单元格文字超过 Excel 的上限 32767 字".into(),
        XlsxError::SheetnameLengthExceeded(n) => format!("工作表名称“{n}”超过 31 个字符"),
        XlsxError::SheetnameContainsInvalidCharacter(n) => {
            format!("工作表名称“{n}”含有不允许的字符")
        }
        XlsxError::RowColumnLimitError => "超出 Excel 的行列上限".into(),
        other => format!("写入器报告：{other}"),
    }
}

/// Width of `text` in column-width units (the width of a digit in the default font, about
/// 7 pixels) at `size` points, on its longest line. A CJK character takes one em, about
/// two units at 11 pt; other characters about 0.6 em.
pub fn text_width(text: &str, size: f64) -> f64 {
    text.split('\n')
        .map(|l| line_px(l, size))
        .fold(0.0, f64::max)
        / 7.0
}

fn char_px(c: char, size: f64) -> f64 {
    let em = size * 96.0 / 72.0;
    match unicode_width::UnicodeWidthChar::width(c).unwrap_or(0) {
        0 => 0.0,
        1 => em * 0.6,
        _ => em,
    }
}

fn line_px(line: &str, size: f64) -> f64 {
    line.chars().map(|c| char_px(c, size)).sum()
}

/// How many lines `text` takes in a column `col_width` units wide at `size` points, with
/// its own line breaks kept. An estimate that errs on the side of more lines: Chinese text
/// breaks between any two characters, so a character-by-character fill is close.
pub fn wrapped_lines(text: &str, col_width: f64, size: f64) -> usize {
    // Cell margins take a few pixels; keep 2% spare for fonts wider than estimated.
    let avail = ((col_width * 7.0) - 6.0).max(7.0) * 0.98;
    text.split('\n')
        .map(|line| {
            let mut lines = 1;
            let mut used = 0.0;
            for c in line.chars() {
                let w = char_px(c, size);
                if used + w > avail && used > 0.0 {
                    lines += 1;
                    used = 0.0;
                }
                used += w;
            }
            lines
        })
        .sum()
}

/// The row height in points that shows `text` whole in a column `col_width` units wide,
/// at the body font size.
///
/// ```
/// use duban::write::row_height_for;
/// assert!(row_height_for("短", 10.0) < row_height_for(&"长".repeat(40), 10.0));
/// ```
pub fn row_height_for(text: &str, col_width: f64) -> f64 {
    row_height_for_size(text, col_width, FONT_SIZE)
}

/// [`row_height_for`] at a given font size.
pub fn row_height_for_size(text: &str, col_width: f64, size: f64) -> f64 {
    let lines = wrapped_lines(text, col_width, size) as f64;
    (lines * size * LINE_FACTOR + ROW_PADDING).min(MAX_ROW_HEIGHT)
}

/// A footer with the page number in the centre ("第 1 页，共 3 页"), and optional text on
/// the left and right. `&` in the texts is escaped.
pub fn page_footer(left: &str, right: &str) -> String {
    let esc = |s: &str| s.replace('&', "&&");
    let mut f = String::new();
    if !left.is_empty() {
        f.push_str(&format!("&L{}", esc(left)));
    }
    f.push_str("&C第 &P 页，共 &N 页");
    if !right.is_empty() {
        f.push_str(&format!("&R{}", esc(right)));
    }
    f
}

/// The document properties of every workbook: title, author duban, the fixed creation
/// time, and any custom properties (text).
pub(crate) fn properties(title: &str, custom: &[(String, String)]) -> DocProperties {
    let (y, m, d) = CREATED;
    let created = ExcelDateTime::from_ymd(y, m, d).expect("a valid constant date");
    let mut p = DocProperties::new()
        .set_creation_datetime(&created)
        .set_author("duban")
        .set_title(title);
    for (k, v) in custom {
        p = p.set_custom_property(k.as_str(), v.as_str());
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_characters_count_double() {
        assert!((text_width("兖州", 11.0) - 2.0 * text_width("ab", 11.0) / 0.6 / 2.0).abs() < 1e-9);
    }

    #[test]
    fn lines_grow_with_text_and_keep_breaks() {
        assert_eq!(wrapped_lines("任务", 20.0, 11.0), 1);
        assert_eq!(wrapped_lines("一\n二\n三", 20.0, 11.0), 3);
        // 20 units ≈ 140 px ≈ 9.5 characters of 14.7 px with the margin kept spare.
        let long = "字".repeat(40);
        let n = wrapped_lines(&long, 20.0, 11.0);
        assert!((5..=6).contains(&n), "{n}");
        // Each extra line adds one line height; the padding is paid once.
        let extra = row_height_for(&long, 20.0) - row_height_for("字", 20.0);
        assert!(
            (extra - (n - 1) as f64 * FONT_SIZE * LINE_FACTOR).abs() < 1e-9,
            "{extra}"
        );
        assert!(row_height_for(&"字".repeat(10_000), 20.0) <= MAX_ROW_HEIGHT);
    }

    #[test]
    fn footer_escapes_ampersands() {
        assert_eq!(page_footer("A&B", ""), "&LA&&B&C第 &P 页，共 &N 页");
    }
}
