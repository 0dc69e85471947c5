//! Blocks → the elements of `<w:body>` (paragraphs and tables), as XML strings.
//!
//! The output is a list of top-level elements rather than one string, so that the template filler
//! can add a namespace declaration to each when the template binds `w` differently.

use super::format::{self, Kind, ParaExtras, ParaFormat};
use super::gb9704;
use super::model::{Align, Block, Fonts, Grid, Run, SignatureLayout, Table};
use super::xml;

/// How the body is being written.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Context<'a> {
    pub fonts: &'a Fonts,
    pub signature: SignatureLayout,
    /// Reference our named styles (`w:pStyle`): only when our styles.xml is in the package.
    pub with_styles: bool,
    pub grid: Grid,
    /// Where the text goes across the page: the tables' width and the 版记's place.
    pub page: TextArea,
}

/// The text area across the page, in twips: its left edge from the paper's, and its width.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TextArea {
    pub left: u32,
    pub width: u32,
}

impl TextArea {
    /// GB/T 9704's: 28 mm from the left, 156 mm wide.
    pub const GB9704: TextArea = TextArea {
        left: gb9704::MARGIN_LEFT,
        width: gb9704::TEXT_WIDTH,
    };

    /// An office template's, from its last section's `pgSz` and `pgMar` attributes (names
    /// with any prefix); GB/T 9704's where they are missing or make no sense.
    pub fn of(size: Option<&[(String, String)]>, margins: Option<&[(String, String)]>) -> TextArea {
        let get = |attrs: Option<&[(String, String)]>, name: &str| -> Option<u32> {
            attrs?
                .iter()
                .find(|(k, _)| k.rsplit(':').next() == Some(name))
                .and_then(|(_, v)| v.trim().parse::<i64>().ok())
                .and_then(|v| u32::try_from(v).ok())
        };
        let width = get(size, "w");
        let (left, right) = (get(margins, "left"), get(margins, "right"));
        match (width, left, right) {
            (Some(w), Some(l), Some(r)) if l + r + 1440 <= w => TextArea {
                left: l,
                width: w - l - r,
            },
            _ => TextArea::GB9704,
        }
    }
}

impl Context<'_> {
    fn format(&self, kind: Kind) -> ParaFormat {
        kind.format().for_grid(self.grid)
    }
}

/// The top-level body elements for `blocks`, in order.
pub(crate) fn body_elements(blocks: &[Block], ctx: Context<'_>) -> Vec<String> {
    let mut out = Vec::with_capacity(blocks.len() + 1);
    // A PageBreak becomes `w:pageBreakBefore` on the next paragraph: a paragraph holding only
    // `<w:br w:type="page"/>` would leave an empty line at the top of the new page, and the
    // 附件 label must be on the first line.
    let mut break_pending = false;
    for (i, block) in blocks.iter().enumerate() {
        let one = |t: &String| vec![Run::plain(t.as_str())];
        let (mut f, runs) = match block {
            Block::PageBreak => {
                break_pending = true;
                continue;
            }
            Block::Table(t) => {
                if break_pending {
                    out.push(page_break_paragraph(ctx));
                    break_pending = false;
                }
                out.push(table(t, ctx));
                continue;
            }
            Block::Imprint {
                copy_to,
                issuer,
                date,
            } => {
                out.extend(imprint(copy_to.as_deref(), issuer, date, ctx));
                continue;
            }
            Block::Title(t) => (ctx.format(Kind::Title), one(t)),
            Block::DocNumber(t) => (ctx.format(Kind::DocNumber), one(t)),
            Block::Addressee(t) => (ctx.format(Kind::Addressee), one(t)),
            Block::Para(runs) => (ctx.format(Kind::Body), runs.clone()),
            Block::Heading1(t) => (ctx.format(Kind::Heading1), one(t)),
            Block::Heading2(t) => (ctx.format(Kind::Heading2), one(t)),
            Block::AttachmentNote(t) => (ctx.format(Kind::AttachmentNote), one(t)),
            Block::AttachmentLabel(t) => (ctx.format(Kind::AttachmentLabel), one(t)),
            Block::Signature(t) => {
                let date = match blocks.get(i + 1) {
                    Some(Block::Date(d)) => Some(d.as_str()),
                    _ => None,
                };
                let mut f = ctx.format(Kind::Signature);
                f.indent.right = signature_indents(ctx.signature, t, date).0;
                (f, one(t))
            }
            Block::Date(t) => {
                let signature = match i.checked_sub(1).map(|j| &blocks[j]) {
                    Some(Block::Signature(s)) => Some(s.as_str()),
                    _ => None,
                };
                let mut f = ctx.format(Kind::Date);
                f.indent.right = match signature {
                    Some(s) => signature_indents(ctx.signature, s, Some(t)).1,
                    None => lone_date_right(ctx.signature),
                };
                (f, one(t))
            }
        };
        // GB/T 9704 7.3.5.4: the 署名 never stands on a page without text, so the
        // 附件说明 and the paragraph before it keep with it.
        if matches!(
            blocks.get(i + 1),
            Some(Block::Signature(_) | Block::AttachmentNote(_))
        ) {
            f.keep_next = true;
        }
        let extras = ParaExtras {
            with_style: ctx.with_styles,
            page_break_before: break_pending,
        };
        out.push(paragraph(&f, extras, &runs, ctx.fonts));
        break_pending = false;
    }
    if break_pending {
        out.push(page_break_paragraph(ctx));
    }
    // Word ends every body (and cell) with a paragraph; after a final table it would add one when
    // opening, so write it: a small one, off the grid, to keep the risk of a blank extra page low.
    if matches!(
        blocks.iter().rev().find(|b| !matches!(b, Block::PageBreak)),
        Some(Block::Table(_))
    ) {
        let f = ctx.format(Kind::TableCell);
        out.push(paragraph(
            &f,
            ParaExtras {
                with_style: ctx.with_styles,
                page_break_before: false,
            },
            &[],
            ctx.fonts,
        ));
    }
    out
}

/// Right indents (hundredths of a character) of 署名 and 日期, per GB/T 9704-2012 7.3.5.
fn signature_indents(layout: SignatureLayout, signature: &str, date: Option<&str>) -> (u32, u32) {
    let ws = format::width_hundredths(signature) as i64;
    let Some(date) = date else {
        return match layout {
            SignatureLayout::Sealed => (gb9704::DATE_RIGHT_CHARS_SEALED * 100, 0),
            SignatureLayout::Unsealed => (gb9704::SIGNATURE_RIGHT_CHARS_UNSEALED * 100, 0),
        };
    };
    let wd = format::width_hundredths(date) as i64;
    match layout {
        // 日期右空四字; 署名 centred over the date.
        SignatureLayout::Sealed => {
            let date_right = i64::from(gb9704::DATE_RIGHT_CHARS_SEALED) * 100;
            let sig_right = date_right + (wd - ws) / 2;
            (sig_right.max(0) as u32, date_right as u32)
        }
        // 署名右空二字; the date's first character two characters right of the signature's first;
        // a longer date keeps 右空二字 and pushes the signature left.
        SignatureLayout::Unsealed => {
            let two = i64::from(gb9704::SIGNATURE_RIGHT_CHARS_UNSEALED) * 100;
            let shift = i64::from(gb9704::DATE_SHIFT_CHARS_UNSEALED) * 100;
            let date_right = two + ws - shift - wd;
            if date_right >= two {
                (two as u32, date_right as u32)
            } else {
                ((two + wd + shift - ws) as u32, two as u32)
            }
        }
    }
}

fn lone_date_right(layout: SignatureLayout) -> u32 {
    match layout {
        SignatureLayout::Sealed => gb9704::DATE_RIGHT_CHARS_SEALED * 100,
        SignatureLayout::Unsealed => gb9704::SIGNATURE_RIGHT_CHARS_UNSEALED * 100,
    }
}

/// A paragraph holding only a page break, for a break before a table (a table has no
/// `pageBreakBefore`) or at the very end.
fn page_break_paragraph(ctx: Context<'_>) -> String {
    let f = ctx.format(Kind::Body);
    let mut s = String::from("<w:p>");
    format::write_ppr(
        &mut s,
        &f,
        ParaExtras {
            with_style: ctx.with_styles,
            page_break_before: false,
        },
        ctx.fonts,
    );
    s.push_str("<w:r>");
    format::write_rpr(&mut s, &f, false, ctx.fonts);
    s.push_str("<w:br w:type=\"page\"/></w:r></w:p>");
    s
}

/// The 版记 (GB/T 9704 7.4): a one-column table floating at the foot of the page the
/// document ends on, so that its last rule lies on the 版心's bottom edge (7.4.1). Its rules are
/// the table's borders, as wide as the 版心: the first and last 0.35 mm, the one between
/// 0.25 mm; 四号 text one character in from each side, 印发日期 on a right tab stop.
///
/// The table is placed from the page's left edge: LibreOffice floats a table as wide as the
/// text area only when it is positioned against the page, and inlines it otherwise. It is
/// anchored to the empty paragraph after it, so it moves with the document's end.
fn imprint(copy_to: Option<&str>, issuer: &str, date: &str, ctx: Context<'_>) -> Vec<String> {
    let mut f = ctx.format(Kind::Body);
    f.size = gb9704::SIZE_SIHAO;
    f.snap_to_grid = false;
    f.tracking = 0;
    let one = gb9704::char_twips(f.size);
    let width = ctx.page.width;
    let ppr = |tab: bool| {
        let mut s = String::from("<w:pPr><w:widowControl w:val=\"0\"/>");
        if tab {
            s.push_str(&format!(
                "<w:tabs><w:tab w:val=\"right\" w:pos=\"{}\"/></w:tabs>",
                width - one
            ));
        }
        s.push_str(&format!(
            "<w:snapToGrid w:val=\"0\"/><w:spacing w:before=\"0\" w:after=\"0\" w:line=\"{}\" w:lineRule=\"exact\"/><w:ind w:left=\"{one}\" w:right=\"{one}\" w:firstLine=\"0\"/><w:jc w:val=\"left\"/>",
            one * 2
        ));
        format::write_rpr(&mut s, &f, false, ctx.fonts);
        s.push_str("</w:pPr>");
        s
    };
    let run = |text: &str| {
        let mut s = String::from("<w:r>");
        format::write_rpr(&mut s, &f, false, ctx.fonts);
        run_content(&mut s, text);
        s.push_str("</w:r>");
        s
    };
    let row = |paragraph: String| {
        format!(
            "<w:tr><w:trPr><w:cantSplit/></w:trPr><w:tc><w:tcPr><w:tcW w:w=\"{width}\" w:type=\"dxa\"/></w:tcPr>{paragraph}</w:tc></w:tr>"
        )
    };
    const THICK: u32 = 8; // 1 pt ≈ 0.35 mm, in eighths of a point
    const THIN: u32 = 6; // 0.75 pt ≈ 0.25 mm
    let rule = |side: &str, sz: u32| {
        format!("<w:{side} w:val=\"single\" w:sz=\"{sz}\" w:space=\"0\" w:color=\"000000\"/>")
    };
    let none = |side: &str| format!("<w:{side} w:val=\"nil\"/>");
    let mut s = format!(
        "<w:tbl><w:tblPr><w:tblpPr w:leftFromText=\"0\" w:rightFromText=\"0\" w:topFromText=\"0\" w:bottomFromText=\"0\" w:vertAnchor=\"margin\" w:horzAnchor=\"page\" w:tblpX=\"{}\" w:tblpYSpec=\"bottom\"/><w:tblOverlap w:val=\"never\"/><w:tblW w:w=\"{width}\" w:type=\"dxa\"/><w:tblBorders>{}{}{}{}{}{}</w:tblBorders><w:tblLayout w:type=\"fixed\"/><w:tblCellMar><w:top w:w=\"0\" w:type=\"dxa\"/><w:left w:w=\"0\" w:type=\"dxa\"/><w:bottom w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"0\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr><w:tblGrid><w:gridCol w:w=\"{width}\"/></w:tblGrid>",
        ctx.page.left,
        rule("top", THICK),
        none("left"),
        rule("bottom", THICK),
        none("right"),
        rule("insideH", THIN),
        none("insideV"),
    );
    if let Some(c) = copy_to {
        s.push_str(&row(format!(
            "<w:p>{}{}</w:p>",
            ppr(false),
            run(&format!("抄送：{c}"))
        )));
    }
    s.push_str(&row(format!(
        "<w:p>{}{}{}{}</w:p>",
        ppr(true),
        run(issuer),
        run("\t"),
        run(date)
    )));
    s.push_str("</w:tbl>");
    // Hairline paragraphs: the one after is the anchor, and never pushes the end onto a page
    // of its own; the one before keeps the 版记 apart from a table just above it (the 附件's),
    // which Word would otherwise join into one table.
    let hairline = "<w:p><w:pPr><w:snapToGrid w:val=\"0\"/><w:spacing w:before=\"0\" w:after=\"0\" w:line=\"20\" w:lineRule=\"exact\"/></w:pPr></w:p>";
    vec![hairline.to_string(), s, hairline.to_string()]
}

/// One `<w:p>`: pPr, then one `<w:r>` per run.
pub(crate) fn paragraph(f: &ParaFormat, extras: ParaExtras, runs: &[Run], fonts: &Fonts) -> String {
    let mut s = String::from("<w:p>");
    format::write_ppr(&mut s, f, extras, fonts);
    let heading = ParaFormat {
        font: format::FontRole::Heading2,
        ..*f
    };
    for run in runs.iter().filter(|r| !r.text.is_empty()) {
        s.push_str("<w:r>");
        format::write_rpr(
            &mut s,
            if run.heading { &heading } else { f },
            run.bold,
            fonts,
        );
        run_content(&mut s, &run.text);
        s.push_str("</w:r>");
    }
    s.push_str("</w:p>");
    s
}

/// The content of a run: `w:t` pieces, with `w:br` for '\n' and `w:tab` for '\t'.
///
/// CT_R: rPr first, then any mix of t, br, tab, fldChar, instrText, … (a choice, any order).
/// `xml:space="preserve"` on every `w:t`, or leading and trailing spaces are lost.
fn run_content(s: &mut String, text: &str) {
    let mut piece = String::new();
    let flush = |s: &mut String, piece: &mut String| {
        if !piece.is_empty() {
            s.push_str("<w:t xml:space=\"preserve\">");
            xml::text(s, piece);
            s.push_str("</w:t>");
            piece.clear();
        }
    };
    for c in text.chars() {
        match c {
            '\n' => {
                flush(s, &mut piece);
                s.push_str("<w:br/>");
            }
            '\t' => {
                flush(s, &mut piece);
                s.push_str("<w:tab/>");
            }
            '\r' => {}
            c => piece.push(c),
        }
    }
    flush(s, &mut piece);
}

/// One `<w:tbl>` spanning the 版心, fixed layout, single black borders, header row repeated on
/// every page.
///
/// CT_Tbl: tblPr, tblGrid, then tr*.
/// CT_TblPr order (17.4.60), emitted *: tblStyle, tblpPr, tblOverlap, bidiVisual,
/// tblStyleRowBandSize, tblStyleColBandSize, tblW*, jc*, tblCellSpacing, tblInd, tblBorders*,
/// shd, tblLayout*, tblCellMar*, tblLook, tblCaption, tblDescription, tblPrChange.
/// CT_TblBorders order: top, left, bottom, right, insideH, insideV (transitional names).
/// CT_TblCellMar order: top, left, bottom, right.
/// CT_Row: tblPrEx, trPr, then tc*. CT_TrPr children are a free choice; we write cantSplit
/// on every row and tblHeader on the header row: a row is read whole, on one page.
/// CT_Tc: tcPr, then p+ (at least one paragraph, even when empty).
/// CT_TcPr order (17.4.70), emitted *: cnfStyle, tcW*, gridSpan, hMerge, vMerge, tcBorders, shd,
/// noWrap, tcMar, textDirection, tcFitText, vAlign*, hideMark, headers, cellIns, cellDel,
/// cellMerge, tcPrChange.
fn table(t: &Table, ctx: Context<'_>) -> String {
    let widths = t.widths_twips(ctx.page.width);
    let mut s = String::from("<w:tbl><w:tblPr>");
    s.push_str(&format!(
        "<w:tblW w:w=\"{}\" w:type=\"dxa\"/>",
        ctx.page.width
    ));
    s.push_str("<w:jc w:val=\"center\"/>");
    let border = format!(
        "w:val=\"single\" w:sz=\"{}\" w:space=\"0\" w:color=\"000000\"",
        gb9704::TABLE_BORDER_EIGHTHS
    );
    s.push_str("<w:tblBorders>");
    for side in ["top", "left", "bottom", "right", "insideH", "insideV"] {
        s.push_str(&format!("<w:{side} {border}/>"));
    }
    s.push_str("</w:tblBorders>");
    s.push_str("<w:tblLayout w:type=\"fixed\"/>");
    let (pad, edge) = (gb9704::TABLE_CELL_PADDING, gb9704::TABLE_CELL_EDGE);
    s.push_str(&format!(
        "<w:tblCellMar><w:top w:w=\"{edge}\" w:type=\"dxa\"/><w:left w:w=\"{pad}\" w:type=\"dxa\"/>\
         <w:bottom w:w=\"{edge}\" w:type=\"dxa\"/><w:right w:w=\"{pad}\" w:type=\"dxa\"/></w:tblCellMar>"
    ));
    s.push_str("</w:tblPr><w:tblGrid>");
    for w in &widths {
        s.push_str(&format!("<w:gridCol w:w=\"{w}\"/>"));
    }
    s.push_str("</w:tblGrid>");

    let header = ctx.format(Kind::TableHeader);
    let cell = ctx.format(Kind::TableCell);
    let extras = ParaExtras {
        with_style: ctx.with_styles,
        page_break_before: false,
    };

    s.push_str("<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>");
    for (col, w) in t.columns().iter().zip(&widths) {
        table_cell(&mut s, *w, &header, extras, &col.title, ctx.fonts);
    }
    s.push_str("</w:tr>");
    // A row is not split over two pages (Word and LibreOffice keep it whole only so), unless
    // it is taller than a page.
    for row in t.rows() {
        s.push_str(if fits_a_page(row, &widths) {
            "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
        } else {
            "<w:tr>"
        });
        for ((text, col), w) in row.iter().zip(t.columns()).zip(&widths) {
            let mut f = cell;
            if col.align == Align::Center {
                f.jc = format::Jc::Center;
            }
            table_cell(&mut s, *w, &f, extras, text, ctx.fonts);
        }
        s.push_str("</w:tr>");
    }
    s.push_str("</w:tbl>");
    s
}

/// Whether a table row, as estimated from its cells' text and widths, fits under the
/// repeated header on one page. Word cuts off a row taller than a page that may not split
/// (what does not fit is lost on paper), so such a row is let split instead.
fn fits_a_page(row: &[String], widths: &[u32]) -> bool {
    let per_char = gb9704::char_twips(gb9704::SIZE_TABLE);
    let lines = row
        .iter()
        .zip(widths)
        .map(|(text, w)| {
            let room = (w.saturating_sub(2 * gb9704::TABLE_CELL_PADDING) / per_char).max(1);
            text.split('\n')
                .map(|l| (l.chars().count() as u32).div_ceil(room).max(1))
                .sum::<u32>()
        })
        .max()
        .unwrap_or(1);
    let tall = lines * gb9704::TABLE_LINE + 2 * gb9704::TABLE_CELL_EDGE;
    tall + 3 * gb9704::TABLE_LINE < gb9704::TEXT_HEIGHT
}

/// One `<w:tc>`; a '\n' in the text is a line break inside the cell.
fn table_cell(
    s: &mut String,
    width: u32,
    f: &ParaFormat,
    extras: ParaExtras,
    text: &str,
    fonts: &Fonts,
) {
    s.push_str(&format!(
        "<w:tc><w:tcPr><w:tcW w:w=\"{width}\" w:type=\"dxa\"/><w:vAlign w:val=\"center\"/></w:tcPr>"
    ));
    s.push_str(&paragraph(f, extras, &[Run::plain(text)], fonts));
    s.push_str("</w:tc>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_signature_is_centred_over_the_date() {
        // 区督考办 is 4 characters, 2020年4月8日 is 6: the date sits 4 in, the signature 5 in.
        assert_eq!(
            signature_indents(SignatureLayout::Sealed, "区督考办", Some("2020年4月8日")),
            (500, 400)
        );
    }

    #[test]
    fn unsealed_long_date_pushes_the_signature_left() {
        // 署名 4 wide at 右空二字 would put a 6-wide date's first character 2 right of it only
        // with a right indent of 0, so the date keeps 2 and the signature moves to 2 + 6 + 2 − 4.
        assert_eq!(
            signature_indents(SignatureLayout::Unsealed, "区督考办", Some("2020年4月8日")),
            (600, 200)
        );
        // A long signature: 署名 2 in, date 2 further right than the signature's first character.
        assert_eq!(
            signature_indents(
                SignatureLayout::Unsealed,
                "兖州区人民政府督查考核办公室",
                Some("2020年4月8日")
            ),
            (200, 200 + 1400 - 200 - 600)
        );
    }

    #[test]
    fn a_row_taller_than_a_page_may_split() {
        let widths = [800, 6000];
        let short = ["1".to_string(), "未报送：区科技局".to_string()];
        assert!(fits_a_page(&short, &widths));
        // 60 lines of a host's words: taller than the 版心 (about 49 lines of 13 pt).
        let said = vec!["项目资金尚未全部落实，配套政策待上级明确。"; 60].join("\n");
        let tall = ["2".to_string(), said];
        assert!(!fits_a_page(&tall, &widths));
        // The same words in one long line wrap to about as many lines.
        let long = ["3".to_string(), "项目资金尚未全部落实".repeat(160)];
        assert!(!fits_a_page(&long, &widths));
    }

    #[test]
    fn runs_turn_newlines_into_breaks() {
        let mut s = String::new();
        run_content(&mut s, " a\nb\t<c>");
        assert_eq!(
            s,
            "<w:t xml:space=\"preserve\"> a</w:t><w:br/><w:t xml:space=\"preserve\">b</w:t><w:tab/>\
             <w:t xml:space=\"preserve\">&lt;c&gt;</w:t>"
        );
    }
}
