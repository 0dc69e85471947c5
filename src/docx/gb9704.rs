//! GB/T 9704-2012 (党政机关公文格式) as numbers WordprocessingML understands.
//!
//! Every page-geometry and type-size rule of the standard that the writer uses lives here, so a
//! clerk's question ("why is the top margin 37 mm?") has one answer. Units:
//! - twips (1/20 pt, 1/1440 inch): page size, margins, indents, spacing, grid pitch;
//! - half-points (`w:sz`): type sizes;
//! - 1/4096 pt: the grid's `w:charSpace`.

/// Twips in one millimetre is 1440 / 25.4; this rounds half up, like Word's page-setup dialog.
pub const fn mm_to_twips(mm: u32) -> u32 {
    (mm * 14400 + 127) / 254
}

/// A4 portrait, 210 × 297 mm.
pub const PAGE_WIDTH: u32 = 11906;
pub const PAGE_HEIGHT: u32 = 16838;

/// 天头 37 mm (top), 订口 28 mm (left). The 版心 is 156 × 225 mm, which leaves 35 mm at the
/// bottom and 26 mm at the right.
pub const MARGIN_TOP: u32 = 2098;
pub const MARGIN_BOTTOM: u32 = 1984;
pub const MARGIN_LEFT: u32 = 1587;
pub const MARGIN_RIGHT: u32 = 1474;

/// Header distance from the top edge: Word's default 1.5 cm. No header is written (a 红头 sits in
/// the body, not in the header part), so this only matters if a user adds one.
pub const HEADER_DISTANCE: u32 = 851;

/// Footer distance from the bottom edge (`w:pgMar/@w:footer`, to the *bottom* of the footer).
///
/// The standard puts the page number's 一字线 7 mm below the 版心: the footer line's top is
/// 35 − 7 = 28 mm above the page edge. A 四号 (14 pt ≈ 4.9 mm) single-spaced line then ends
/// about 23 mm above the edge: 23 mm = 1304 twips. An approximation, since the line height depends
/// on the font's metrics (宋体 is 1.0 em, Noto CJK 1.45 em).
pub const FOOTER_DISTANCE: u32 = 1304;

/// Width of the 版心: 11906 − 1587 − 1474 = 8845 twips = 156.0 mm.
pub const TEXT_WIDTH: u32 = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT;
/// Height of the 版心: 16838 − 2098 − 1984 = 12756 twips = 225.0 mm.
pub const TEXT_HEIGHT: u32 = PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM;

/// 22 lines a page, 28 characters a line.
pub const LINES_PER_PAGE: u32 = 22;
pub const CHARS_PER_LINE: u32 = 28;

/// `w:docGrid/@w:linePitch`: 12756 / 22 = 579.8, rounded down so that 22 lines fit: 579.
pub const LINE_PITCH: u32 = TEXT_HEIGHT / LINES_PER_PAGE;

/// `w:docGrid/@w:charSpace`.
///
/// ECMA-376 §17.6.5: the value is (desired character pitch − size of the Normal style's font),
/// in points, times 4096. Word then gives every Normal-sized character that pitch.
///
/// The desired pitch is 8845 / 28 = 315.89 twips = 15.7946 pt; Normal is 三号, 16 pt, so the
/// delta is −0.2054 pt × 4096 = −841.1. Rounding must go *down* (−842): with −841 the pitch is
/// 15.79468 pt and 28 of them are 442.251 pt, a thousandth of a point wider than the 442.25 pt
/// line, and Word would fit only 27. With −842, 28 × 15.79443 = 442.244 pt fits.
///
/// Computed in integers as floor(width × 4096 / (20 × 28)) − 16 × 4096 = 64694 − 65536 = −842.
pub const CHAR_SPACE: i32 = (TEXT_WIDTH as i64 * 4096 / (20 * CHARS_PER_LINE as i64)) as i32
    - (SIZE_BODY as i32 / 2) * 4096;

/// Run character spacing (`w:rPr/w:spacing`, twips) that fits 28 三号 characters in the line
/// without a character grid: a character may be at most 8845 / 28 = 315.9 twips wide, 16 pt is
/// 320, so each must lose at least 4.1 twips: −5 (−0.25 pt, Word's "紧缩 0.25 磅"). Then
/// 28 × 315 = 8820 ≤ 8845 fits and 29 × 315 = 9135 does not.
pub const TRACKING_28: i32 = -5;

/// Type sizes in half-points (`w:sz`): 二号 22 pt, 三号 16 pt, 四号 14 pt, 小四 12 pt,
/// 五号 10.5 pt.
pub const SIZE_ERHAO: u32 = 44;
pub const SIZE_SANHAO: u32 = 32;
pub const SIZE_SIHAO: u32 = 28;
pub const SIZE_XIAOSI: u32 = 24;
pub const SIZE_WUHAO: u32 = 21;

/// Title: 二号 小标宋. Body, headings, 主送, 附件说明, 署名, 日期: 三号. Page number: 四号.
/// Table text: 五号 (the standard leaves tables to the drafter): a 4-character heading then
/// fits a 17 mm column, and a 7-column table of lagging tasks keeps 40 mm for its problems.
pub const SIZE_TITLE: u32 = SIZE_ERHAO;
pub const SIZE_BODY: u32 = SIZE_SANHAO;
pub const SIZE_PAGE_NUMBER: u32 = SIZE_SIHAO;
pub const SIZE_TABLE: u32 = SIZE_WUHAO;

/// One character of a given size, in twips: a CJK character is one em wide. Used as the fallback
/// absolute value written beside every `w:*Chars` indent (Word reads the `Chars` form, other
/// readers the twips form).
pub const fn char_twips(size_half_points: u32) -> u32 {
    size_half_points * 10
}

/// 成文日期 right indent when the document is sealed (加盖印章): 右空四字 (7.3.5.1).
pub const DATE_RIGHT_CHARS_SEALED: u32 = 4;
/// 发文机关署名 right indent without a seal: 右空二字 (7.3.5.2).
pub const SIGNATURE_RIGHT_CHARS_UNSEALED: u32 = 2;
/// Without a seal the date's first character is two characters right of the signature's first.
pub const DATE_SHIFT_CHARS_UNSEALED: u32 = 2;

/// Space above the 署名 for the seal, which presses on 署名 and 日期 and whose top must be within
/// one line of the text above (7.3.5.1): two grid lines.
pub const SIGNATURE_SPACE_BEFORE: u32 = 2 * LINE_PITCH;

/// Table borders: single 0.5 pt black lines (`w:sz` in eighths of a point).
pub const TABLE_BORDER_EIGHTHS: u32 = 4;
/// Table text line height: 13 pt for 五号 (about 1.25 lines), fixed so that a row is as tall
/// in LibreOffice (whose CJK fonts' single spacing is about 1.45 lines) as in Word.
pub const TABLE_LINE: u32 = 260;
/// Table cell left/right padding: 1 mm, so that 4-character headings fit in narrow columns.
pub const TABLE_CELL_PADDING: u32 = 57;
/// Table cell top/bottom padding: 1 pt, so that a cell's first line does not touch the rule.
pub const TABLE_CELL_EDGE: u32 = 20;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn geometry_matches_the_standard() {
        assert_eq!(
            (mm_to_twips(210), mm_to_twips(297)),
            (PAGE_WIDTH, PAGE_HEIGHT)
        );
        assert_eq!(
            [
                mm_to_twips(37),
                mm_to_twips(35),
                mm_to_twips(28),
                mm_to_twips(26)
            ],
            [MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT]
        );
        assert_eq!((TEXT_WIDTH, TEXT_HEIGHT), (8845, 12756));
        assert_eq!(LINE_PITCH, 579);
    }

    #[test]
    fn char_space_is_the_widest_pitch_that_fits_twenty_eight() {
        assert_eq!(CHAR_SPACE, -842);
        // Pitch in 1/4096 pt; the line is 8845 twips = 8845 × 4096 / 20 of those units.
        let pitch = 16 * 4096 + CHAR_SPACE as i64;
        let line = TEXT_WIDTH as i64 * 4096 / 20;
        assert!(28 * pitch <= line, "28 characters must fit");
        assert!(
            28 * (pitch + 1) > line,
            "the pitch is the largest that fits 28"
        );
    }

    #[test]
    fn tracking_fits_exactly_twenty_eight() {
        let advance = (char_twips(SIZE_BODY) as i32 + TRACKING_28) as u32;
        assert!(28 * advance <= TEXT_WIDTH && 29 * advance > TEXT_WIDTH);
        assert!(
            28 * (advance + 1) > TEXT_WIDTH,
            "−5 is the smallest squeeze that fits 28"
        );
    }
}
