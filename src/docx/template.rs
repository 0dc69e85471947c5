//! Filling an office's own 红头 template: every part kept byte for byte, only
//! `word/document.xml` changed, and in it only the body marker, the inline fields and (under
//! the line grid) the document grid.
//!
//! The template's 红头 (发文机关标志, 发文字号, red line), its footers, styles, numbering,
//! media, settings and relationships stay exactly as the office made them in WPS or Word.
//! Our blocks go either in place of the marker paragraph `{{正文}}` or, without a marker,
//! just before the body's final `<w:sectPr>` (so after the 红头). They carry direct
//! formatting on every paragraph and run, because the template's styles.xml knows nothing
//! of ours. An inline field such as `{{期号}}` in the 红头 is replaced by its value inside
//! the run that holds it, so it keeps the template's font and colour.

use std::io::{Cursor, Read, Write};

use zip::{ZipArchive, ZipWriter};

use super::body::{self, Context, TextArea};
use super::model::{Block, Grid, Options};
use super::package::member_options;
use super::parts::DOCUMENT;
use super::scan::{scan, Scan};
use super::xml::{self, W_NS};
use super::DocxError;

/// The text of the paragraph the blocks replace. Word may split it over several runs
/// (spell-check, rsids); it is matched on the paragraph's joined text.
pub const MARKER: &str = "{{正文}}";

/// The template's `word/document.xml` as text.
fn document_xml(archive: &mut ZipArchive<Cursor<&[u8]>>) -> Result<String, DocxError> {
    let mut part = archive.by_name(DOCUMENT).map_err(|e| match e {
        zip::result::ZipError::FileNotFound => DocxError::MissingDocumentPart,
        e => DocxError::Zip(e),
    })?;
    let mut bytes = Vec::new();
    part.read_to_end(&mut bytes)
        .map_err(|e| DocxError::Zip(e.into()))?;
    String::from_utf8(bytes).map_err(|_| DocxError::NotUtf8)
}

/// Which of `markers` (inline fields such as `{{期号}}`) the template's body text holds,
/// in the order given: the caller must have a value for each before filling.
///
/// # Errors
/// As [`super::fill_template`], for a template that cannot be read or scanned.
pub fn fields_in(template: &[u8], markers: &[&str]) -> Result<Vec<String>, DocxError> {
    let mut archive = ZipArchive::new(Cursor::new(template))?;
    let xml = document_xml(&mut archive)?;
    let found = scan(&xml, MARKER)?;
    let texts: Vec<String> = (0..found.paragraphs.len())
        .map(|i| found.text(&xml, i))
        .collect();
    Ok(markers
        .iter()
        .filter(|m| texts.iter().any(|t| t.contains(**m)))
        .map(|m| m.to_string())
        .collect())
}

/// See [`super::fill_template`].
pub(super) fn fill(
    template: &[u8],
    blocks: &[Block],
    opts: &Options,
    fields: &[(&str, &str)],
) -> Result<Vec<u8>, DocxError> {
    let mut archive = ZipArchive::new(Cursor::new(template))?;
    let xml = document_xml(&mut archive)?;
    let ctx = Context {
        fonts: &opts.fonts,
        signature: opts.signature,
        with_styles: false,
        grid: opts.grid,
        page: TextArea::GB9704,
    };
    let new_xml = fill_document_xml(&xml, blocks, ctx, fields)?;

    // Same members, same order; all but document.xml copied compressed, as they are.
    let mut out = ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let member = archive.by_index(i)?;
        if member.name_raw() == DOCUMENT.as_bytes() {
            drop(member);
            out.start_file(DOCUMENT, member_options())?;
            out.write_all(new_xml.as_bytes())
                .map_err(|e| DocxError::Zip(e.into()))?;
        } else {
            out.raw_copy_file(member)?;
        }
    }
    Ok(out.finish()?.into_inner())
}

/// One change to document.xml: the bytes `from..to` replaced by `with`.
#[derive(Debug)]
struct Edit {
    from: usize,
    to: usize,
    with: String,
}

/// The edited document.xml: the body, the fields, the grids.
fn fill_document_xml(
    xml: &str,
    blocks: &[Block],
    ctx: Context<'_>,
    fields: &[(&str, &str)],
) -> Result<String, DocxError> {
    let found = scan(xml, MARKER)?;
    let (from, to) = found.marker.unwrap_or((found.insert_at, found.insert_at));
    // Tables and the 版记 span the template's own text area, whatever its margins.
    let page = TextArea::of(found.page_size.as_deref(), found.page_margins.as_deref());
    let mut elements = body::body_elements(blocks, Context { page, ..ctx });
    if found.prefix != "w" {
        // The template binds WordprocessingML to another prefix (or none): declare `w` on
        // each element we insert. Namespace declarations are legal on any element.
        for e in &mut elements {
            let name_end = e
                .find([' ', '>', '/'])
                .expect("an element we wrote has a name");
            e.insert_str(name_end, &format!(" xmlns:w=\"{W_NS}\""));
        }
    }
    let mut edits = vec![Edit {
        from,
        to,
        with: elements.concat(),
    }];
    // Fields inside the marker paragraph go with it.
    let outside = |e: &Edit| e.to <= from || e.from >= to || from == to;
    edits.extend(field_edits(xml, &found, fields).into_iter().filter(outside));
    if ctx.grid == Grid::LinesAndTracking {
        edits.extend(grid_edits(&found).into_iter().filter(outside));
    }
    edits.sort_by_key(|e| (e.from, e.to));

    let mut out =
        String::with_capacity(xml.len() + edits.iter().map(|e| e.with.len()).sum::<usize>());
    let mut at = 0;
    for e in &edits {
        out.push_str(&xml[at..e.from]);
        out.push_str(&e.with);
        at = e.to;
    }
    out.push_str(&xml[at..]);
    Ok(out)
}

/// Each occurrence of a field's marker in a paragraph's text, replaced by its value: the
/// value goes where the marker starts (in that `w:t`), and the marker's characters are
/// removed from every `w:t` it spans, so a marker Word split over runs is found too.
fn field_edits(xml: &str, found: &Scan, fields: &[(&str, &str)]) -> Vec<Edit> {
    let mut edits = Vec::new();
    for (i, spans) in found.paragraphs.iter().enumerate() {
        let text = found.text(xml, i);
        for (marker, value) in fields {
            for (start, _) in text.match_indices(marker) {
                let end = start + marker.len();
                // Walk the spans, each covering [offset, offset + len) of the joined text.
                let mut offset = 0;
                let mut first = true;
                for &(a, b) in spans {
                    let len = b - a;
                    let (lo, hi) = (start.max(offset), end.min(offset + len));
                    if lo < hi {
                        edits.push(Edit {
                            from: a + lo - offset,
                            to: a + hi - offset,
                            with: if first {
                                xml::text_string(value)
                            } else {
                                String::new()
                            },
                        });
                        first = false;
                    }
                    offset += len;
                }
            }
        }
    }
    edits
}

/// A character grid (`linesAndChars`, `snapToChars`) turned into a line grid of the same
/// pitch, its other attributes kept.
fn grid_edits(found: &Scan) -> Vec<Edit> {
    let p = |local: &str| {
        if found.prefix.is_empty() {
            local.to_string()
        } else {
            format!("{}:{local}", found.prefix)
        }
    };
    let (type_attr, char_space) = (p("type"), p("charSpace"));
    let mut edits = Vec::new();
    for (from, to, attrs) in &found.grids {
        let chars = attrs
            .iter()
            .any(|(n, v)| *n == type_attr && matches!(v.as_str(), "linesAndChars" | "snapToChars"));
        if !chars {
            continue;
        }
        let mut tag = format!("<{}", p("docGrid"));
        for (name, value) in attrs {
            if *name == char_space {
                continue;
            }
            let value: &str = if *name == type_attr { "lines" } else { value };
            tag.push_str(&format!(" {name}=\"{value}\""));
        }
        tag.push_str("/>");
        edits.push(Edit {
            from: *from,
            to: *to,
            with: tag,
        });
    }
    edits
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::docx::Fonts;

    const HEAD: &str = "<?xml version=\"1.0\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">";

    fn ctx(grid: Grid) -> Context<'static> {
        static FONTS: std::sync::OnceLock<Fonts> = std::sync::OnceLock::new();
        Context {
            fonts: FONTS.get_or_init(Fonts::default),
            signature: Default::default(),
            with_styles: false,
            grid,
            page: TextArea::GB9704,
        }
    }

    #[test]
    fn a_field_split_over_runs_is_replaced_in_its_first_run() {
        let xml = format!(
            "{HEAD}<w:body><w:p><w:r><w:t>督查通报 {{{{期</w:t></w:r><w:r><w:t>号}}}}（</w:t></w:r></w:p><w:p><w:r><w:t>{{{{日期}}}}</w:t></w:r></w:p><w:sectPr/></w:body></w:document>"
        );
        let out = fill_document_xml(
            &xml,
            &[],
            ctx(Grid::WordCharGrid),
            &[("{{期号}}", "第1期"), ("{{日期}}", "2020年4月8日")],
        )
        .unwrap();
        assert!(
            out.contains("<w:t>督查通报 第1期</w:t></w:r><w:r><w:t>（</w:t>"),
            "{out}"
        );
        assert!(out.contains("<w:t>2020年4月8日</w:t>"), "{out}");
    }

    #[test]
    fn the_line_grid_replaces_a_character_grid_only_when_asked() {
        let xml = format!(
            "{HEAD}<w:body><w:p/><w:sectPr><w:docGrid w:type=\"linesAndChars\" w:linePitch=\"579\" w:charSpace=\"-842\"/></w:sectPr></w:body></w:document>"
        );
        let tracked = fill_document_xml(&xml, &[], ctx(Grid::LinesAndTracking), &[]).unwrap();
        assert!(
            tracked.contains("<w:docGrid w:type=\"lines\" w:linePitch=\"579\"/></w:sectPr>"),
            "{tracked}"
        );
        let kept = fill_document_xml(&xml, &[], ctx(Grid::WordCharGrid), &[]).unwrap();
        assert_eq!(kept, xml);
    }
}
