//! The one table of paragraph formats, and the writers of `w:pPr` and `w:rPr`.
//!
//! Each kind of paragraph has one [`ParaFormat`]. The same value is written twice: as a named
//! style in `styles.xml` (so a clerk editing the file in Word finds "公文正文" etc.), and as direct
//! formatting on every paragraph and run (so the text looks the same when poured into an office
//! template whose `styles.xml` knows nothing of our styles, and so Word never falls back to a
//! theme font).
//!
//! Element order matters: Word rejects or "repairs" a file whose children are out of the schema's
//! sequence. The orders below are ECMA-376 Part 1 (transitional), listing only the elements we
//! emit; see the comments on [`write_ppr`] and [`write_rpr`].

use super::gb9704::{self, LINE_PITCH};
use super::model::{Fonts, Grid};
use super::xml;

/// Which of [`Fonts`] a paragraph uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FontRole {
    Title,
    Body,
    Heading1,
    Heading2,
    Table,
    PageNumber,
}

impl FontRole {
    pub(crate) fn family(self, fonts: &Fonts) -> &str {
        match self {
            FontRole::Title => &fonts.title,
            FontRole::Body => &fonts.body,
            FontRole::Heading1 => &fonts.heading1,
            FontRole::Heading2 => &fonts.heading2,
            FontRole::Table => &fonts.table,
            FontRole::PageNumber => &fonts.page_number,
        }
    }
}

/// `ST_Jc` values (transitional names: `left`/`right`, not `start`/`end`, which Word 2007 lacks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Jc {
    Left,
    Center,
    Right,
    /// Justified (两端对齐).
    Both,
}

impl Jc {
    fn val(self) -> &'static str {
        match self {
            Jc::Left => "left",
            Jc::Center => "center",
            Jc::Right => "right",
            Jc::Both => "both",
        }
    }
}

/// Line spacing: `Auto(240)` is single spacing, which snaps to the document grid (one grid line
/// per text line); `Exact(twips)` is a fixed line height that ignores the grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Line {
    Auto(u32),
    Exact(u32),
}

/// Indents in hundredths of a character (Word's `w:*Chars` unit): 200 = two characters.
/// A negative `first_line` is a hanging indent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Indent {
    pub left: u32,
    pub right: u32,
    pub first_line: i32,
}

/// Everything that makes one kind of paragraph look right.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ParaFormat {
    pub style_id: &'static str,
    pub style_name: &'static str,
    pub font: FontRole,
    /// Half-points.
    pub size: u32,
    pub bold: bool,
    pub jc: Jc,
    pub indent: Indent,
    /// Twips.
    pub before: u32,
    pub after: u32,
    pub line: Line,
    pub keep_next: bool,
    /// Outline level (0 = level 1) so headings show in Word's navigation pane.
    pub outline: Option<u8>,
    /// `false` writes `w:snapToGrid w:val="0"` in both pPr and rPr: the paragraph ignores the
    /// line grid and its characters the character grid. Needed for text larger or smaller than
    /// 三号: a 22 pt title character on a 15.8 pt character grid would take two cells.
    pub snap_to_grid: bool,
    /// Run character spacing in twips (`w:rPr/w:spacing`), 0 for none; see [`Grid`].
    pub tracking: i32,
}

impl ParaFormat {
    /// This format under `grid`: with [`Grid::LinesAndTracking`], 三号 text on the grid is
    /// squeezed so that 28 characters fit a line.
    pub(crate) fn for_grid(mut self, grid: Grid) -> ParaFormat {
        if grid == Grid::LinesAndTracking && self.snap_to_grid && self.size == gb9704::SIZE_BODY {
            self.tracking = gb9704::TRACKING_28;
        }
        self
    }
}

/// The kinds of paragraph the writer produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    DocNumber,
    Title,
    Addressee,
    Body,
    Heading1,
    Heading2,
    AttachmentNote,
    Signature,
    Date,
    AttachmentLabel,
    TableHeader,
    TableCell,
    PageNumber,
}

/// Every kind, in the order styles.xml lists them.
pub(crate) const KINDS: [Kind; 13] = [
    Kind::DocNumber,
    Kind::Title,
    Kind::Addressee,
    Kind::Body,
    Kind::Heading1,
    Kind::Heading2,
    Kind::AttachmentNote,
    Kind::Signature,
    Kind::Date,
    Kind::AttachmentLabel,
    Kind::TableHeader,
    Kind::TableCell,
    Kind::PageNumber,
];

const SINGLE: Line = Line::Auto(240);

impl Kind {
    /// The GB/T 9704 format of this kind of paragraph.
    pub(crate) fn format(self) -> ParaFormat {
        let body = ParaFormat {
            style_id: "GwBody",
            style_name: "公文正文",
            font: FontRole::Body,
            size: gb9704::SIZE_BODY,
            bold: false,
            jc: Jc::Both,
            indent: Indent {
                left: 0,
                right: 0,
                first_line: 200,
            },
            before: 0,
            after: 0,
            line: SINGLE,
            keep_next: false,
            outline: None,
            snap_to_grid: true,
            tracking: 0,
        };
        match self {
            Kind::Body => body,
            // 二号小标宋, centred, one blank line below (标题下空一行编排主送机关). Each title line is
            // exactly one grid pitch high, off the character grid.
            Kind::Title => ParaFormat {
                style_id: "GwTitle",
                style_name: "公文标题",
                font: FontRole::Title,
                size: gb9704::SIZE_TITLE,
                jc: Jc::Center,
                indent: Indent::default(),
                after: LINE_PITCH,
                line: Line::Exact(LINE_PITCH),
                keep_next: true,
                snap_to_grid: false,
                ..body
            },
            // 发文字号 (or a bulletin's 期号): centred, one blank line above the title.
            Kind::DocNumber => ParaFormat {
                style_id: "GwDocNumber",
                style_name: "发文字号",
                jc: Jc::Center,
                indent: Indent::default(),
                after: LINE_PITCH,
                keep_next: true,
                ..body
            },
            // 主送机关: 顶格.
            Kind::Addressee => ParaFormat {
                style_id: "GwAddressee",
                style_name: "主送机关",
                indent: Indent::default(),
                ..body
            },
            Kind::Heading1 => ParaFormat {
                style_id: "GwHeading1",
                style_name: "一级标题",
                font: FontRole::Heading1,
                keep_next: true,
                outline: Some(0),
                ..body
            },
            Kind::Heading2 => ParaFormat {
                style_id: "GwHeading2",
                style_name: "二级标题",
                font: FontRole::Heading2,
                keep_next: true,
                outline: Some(1),
                ..body
            },
            // 正文下空一行左空二字编排"附件"; wrapped lines align with the attachment's name,
            // three characters ("附件：") further in: left 5, hanging 3.
            Kind::AttachmentNote => ParaFormat {
                style_id: "GwAttachmentNote",
                style_name: "附件说明",
                indent: Indent {
                    left: 500,
                    right: 0,
                    first_line: -300,
                },
                before: LINE_PITCH,
                ..body
            },
            // Right indents of 署名 and 日期 are computed per document (see body.rs); these are
            // the defaults for a lone one.
            Kind::Signature => ParaFormat {
                style_id: "GwSignature",
                style_name: "发文机关署名",
                jc: Jc::Right,
                indent: Indent {
                    left: 0,
                    right: 400,
                    first_line: 0,
                },
                before: gb9704::SIGNATURE_SPACE_BEFORE,
                keep_next: true,
                ..body
            },
            Kind::Date => ParaFormat {
                style_id: "GwDate",
                style_name: "成文日期",
                jc: Jc::Right,
                indent: Indent {
                    left: 0,
                    right: 400,
                    first_line: 0,
                },
                ..body
            },
            // "附件" 3号黑体 顶格 on the first line; the attachment title goes on the third.
            Kind::AttachmentLabel => ParaFormat {
                style_id: "GwAttachmentLabel",
                style_name: "附件标识",
                font: FontRole::Heading1,
                jc: Jc::Left,
                indent: Indent::default(),
                after: LINE_PITCH,
                keep_next: true,
                ..body
            },
            Kind::TableHeader => ParaFormat {
                style_id: "GwTableHeader",
                style_name: "表格表头",
                font: FontRole::Heading1,
                size: gb9704::SIZE_TABLE,
                jc: Jc::Center,
                indent: Indent::default(),
                line: Line::Exact(gb9704::TABLE_LINE),
                snap_to_grid: false,
                ..body
            },
            Kind::TableCell => ParaFormat {
                style_id: "GwTableText",
                style_name: "表格文字",
                font: FontRole::Table,
                size: gb9704::SIZE_TABLE,
                jc: Jc::Left,
                indent: Indent::default(),
                line: Line::Exact(gb9704::TABLE_LINE),
                snap_to_grid: false,
                ..body
            },
            // The footer paragraph; footer2 (even pages) turns it to the left.
            Kind::PageNumber => ParaFormat {
                style_id: "GwPageNumber",
                style_name: "页码",
                font: FontRole::PageNumber,
                size: gb9704::SIZE_PAGE_NUMBER,
                jc: Jc::Right,
                indent: Indent {
                    left: 0,
                    right: 100,
                    first_line: 0,
                },
                snap_to_grid: false,
                ..body
            },
        }
    }
}

/// Per-paragraph extras that are not part of a kind's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct ParaExtras {
    /// Write `w:pStyle` (only when the package carries our styles.xml).
    pub with_style: bool,
    pub page_break_before: bool,
}

/// Write `<w:pPr>` for `f`.
///
/// CT_PPr order (ECMA-376 Part 1, 17.3.1.26; EG pPrBase then the rest), elements we emit marked *:
/// pStyle*, keepNext*, keepLines, pageBreakBefore*, framePr, widowControl*, numPr,
/// suppressLineNumbers, pBdr, shd, tabs, suppressAutoHyphens, kinsoku, wordWrap, overflowPunct,
/// topLinePunct, autoSpaceDE, autoSpaceDN, bidi, adjustRightInd, snapToGrid*, spacing*, ind*,
/// contextualSpacing, mirrorIndents, suppressOverlap, jc*, textDirection, textAlignment,
/// textboxTightWrap, outlineLvl*, divId, cnfStyle, rPr*, sectPr, pPrChange.
pub(crate) fn write_ppr(out: &mut String, f: &ParaFormat, extras: ParaExtras, fonts: &Fonts) {
    out.push_str("<w:pPr>");
    if extras.with_style {
        out.push_str(&format!("<w:pStyle w:val=\"{}\"/>", f.style_id));
    }
    write_ppr_inner(out, f, extras.page_break_before);
    // The paragraph mark's own run properties: an empty paragraph (a blank table cell) is as
    // tall as its mark, and Word shows the mark in this font.
    write_rpr(out, f, false, fonts);
    out.push_str("</w:pPr>");
}

/// The pPr children after pStyle and before rPr; shared with styles.xml.
pub(crate) fn write_ppr_inner(out: &mut String, f: &ParaFormat, page_break_before: bool) {
    if f.keep_next {
        out.push_str("<w:keepNext/>");
    }
    if page_break_before {
        out.push_str("<w:pageBreakBefore/>");
    }
    // Widow/orphan control moves single lines to the next page, which breaks the fixed 22 lines
    // a page of 公文; Word's Chinese Normal template turns it off too.
    out.push_str("<w:widowControl w:val=\"0\"/>");
    if !f.snap_to_grid {
        out.push_str("<w:snapToGrid w:val=\"0\"/>");
    }
    let (line, rule) = match f.line {
        Line::Auto(v) => (v, "auto"),
        Line::Exact(v) => (v, "exact"),
    };
    out.push_str(&format!(
        "<w:spacing w:before=\"{}\" w:after=\"{}\" w:line=\"{line}\" w:lineRule=\"{rule}\"/>",
        f.before, f.after
    ));
    write_ind(out, f);
    out.push_str(&format!("<w:jc w:val=\"{}\"/>", f.jc.val()));
    if let Some(level) = f.outline {
        out.push_str(&format!("<w:outlineLvl w:val=\"{level}\"/>"));
    }
}

/// `<w:ind>` with both forms of every indent: `w:*Chars` (hundredths of a character, which Word
/// prefers and which follows the character grid) and twips (for readers that ignore `Chars`).
/// Zeros are written too, so an indent from a template's Normal style cannot leak in.
fn write_ind(out: &mut String, f: &ParaFormat) {
    let per_char = gb9704::char_twips(f.size);
    let twips = |hundredths: u32| hundredths * per_char / 100;
    let ind = f.indent;
    out.push_str(&format!(
        "<w:ind w:left=\"{}\" w:leftChars=\"{}\" w:right=\"{}\" w:rightChars=\"{}\"",
        twips(ind.left),
        ind.left,
        twips(ind.right),
        ind.right
    ));
    if ind.first_line >= 0 {
        let v = ind.first_line as u32;
        out.push_str(&format!(
            " w:firstLine=\"{}\" w:firstLineChars=\"{v}\"/>",
            twips(v)
        ));
    } else {
        let v = ind.first_line.unsigned_abs();
        out.push_str(&format!(
            " w:hanging=\"{}\" w:hangingChars=\"{v}\"/>",
            twips(v)
        ));
    }
}

/// Write `<w:rPr>` for a run of paragraph format `f`.
///
/// CT_RPr order (ECMA-376 Part 1, 17.3.2.28, EG_RPrBase), elements we emit marked *:
/// rStyle, rFonts*, b*, bCs*, i, iCs, caps, smallCaps, strike, dstrike, outline, shadow, emboss,
/// imprint, noProof, snapToGrid*, vanish, webHidden, color, spacing*, w, kern, position, sz*,
/// szCs*, highlight, u, effect, bdr, shd, fitText, vertAlign, rtl, cs, em, lang, eastAsianLayout,
/// specVanish, oMath.
pub(crate) fn write_rpr(out: &mut String, f: &ParaFormat, bold: bool, fonts: &Fonts) {
    out.push_str("<w:rPr>");
    let latin = fonts.latin.as_deref();
    write_rpr_inner(
        out,
        f.font.family(fonts),
        latin,
        f.size,
        bold || f.bold,
        f.snap_to_grid,
        f.tracking,
    );
    out.push_str("</w:rPr>");
}

/// The rPr children; shared with styles.xml and the docDefaults.
///
/// `w:rFonts` names the font for all four slots and `w:hint="eastAsia"`: characters Unicode
/// leaves ambiguous (the em dash of "— 1 —", curly quotes, "…") are then drawn with the Chinese
/// font, full width, as in WPS. Without `w:eastAsia` on the run, Word falls back to the theme's
/// East Asian font (等线).
pub(crate) fn write_rpr_inner(
    out: &mut String,
    family: &str,
    latin: Option<&str>,
    size: u32,
    bold: bool,
    snap_to_grid: bool,
    tracking: i32,
) {
    let east = xml::attr_string(family);
    let latin = latin.map_or_else(|| east.clone(), xml::attr_string);
    out.push_str(&format!(
        "<w:rFonts w:ascii=\"{latin}\" w:eastAsia=\"{east}\" w:hAnsi=\"{latin}\" w:cs=\"{latin}\" w:hint=\"eastAsia\"/>"
    ));
    if bold {
        out.push_str("<w:b/><w:bCs/>");
    }
    if !snap_to_grid {
        out.push_str("<w:snapToGrid w:val=\"0\"/>");
    }
    if tracking != 0 {
        out.push_str(&format!("<w:spacing w:val=\"{tracking}\"/>"));
    }
    out.push_str(&format!(
        "<w:sz w:val=\"{size}\"/><w:szCs w:val=\"{size}\"/>"
    ));
}

/// Estimated width of `s` in hundredths of a character: ASCII (digits in dates) is half width,
/// everything else full width. Good enough to place 署名 over 日期.
pub(crate) fn width_hundredths(s: &str) -> u32 {
    s.chars()
        .filter(|c| *c != '\n')
        .map(|c| if c.is_ascii() { 50 } else { 100 })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_width_counts_digits_as_half() {
        assert_eq!(width_hundredths("2020年4月8日"), 600);
        assert_eq!(width_hundredths("区督考办"), 400);
    }

    #[test]
    fn body_indent_is_two_characters() {
        let mut s = String::new();
        write_ind(&mut s, &Kind::Body.format());
        assert!(
            s.contains("w:firstLine=\"640\" w:firstLineChars=\"200\""),
            "{s}"
        );
        let mut s = String::new();
        write_ind(&mut s, &Kind::AttachmentNote.format());
        assert!(s.contains("w:left=\"1600\" w:leftChars=\"500\""), "{s}");
        assert!(
            s.contains("w:hanging=\"960\" w:hangingChars=\"300\""),
            "{s}"
        );
    }
}
