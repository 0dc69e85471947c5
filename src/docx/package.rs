//! The zip container: our own package from blocks, with reproducible bytes.

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, System, ZipWriter};

use super::body::{self, Context};
use super::model::{Block, Options};
use super::parts;

/// Options for every member we write: deflated, dated 1980-01-01 00:00 (the zip epoch), Unix
/// permissions 0644 recorded as made on Unix whatever the build host, so that the same input
/// gives the same bytes on Windows and Linux.
pub(crate) fn member_options() -> SimpleFileOptions {
    SimpleFileOptions::DEFAULT
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(DateTime::DEFAULT)
        .system(System::Unix)
        .unix_permissions(0o644)
}

/// Write `blocks` as a complete .docx: see [`super::write_docx`].
pub(crate) fn write(blocks: &[Block], opts: &Options) -> Vec<u8> {
    let ctx = Context {
        fonts: &opts.fonts,
        signature: opts.signature,
        with_styles: true,
        grid: opts.grid,
        page: body::TextArea::GB9704,
    };
    let body = body::body_elements(blocks, ctx);
    // [Content_Types].xml first, as Word writes it (some readers sniff it there).
    let members: [(&str, String); 12] = [
        ("[Content_Types].xml", parts::content_types()),
        ("_rels/.rels", parts::package_rels()),
        (parts::DOCUMENT, parts::document(&body, opts.grid)),
        ("word/_rels/document.xml.rels", parts::document_rels()),
        ("word/styles.xml", parts::styles(&opts.fonts, opts.grid)),
        ("word/settings.xml", parts::settings(opts.grid)),
        ("word/fontTable.xml", parts::font_table(&opts.fonts)),
        (parts::FOOTER_ODD, parts::footer(&opts.fonts, true)),
        (parts::FOOTER_EVEN, parts::footer(&opts.fonts, false)),
        (parts::THEME, parts::theme(&opts.fonts)),
        ("docProps/core.xml", parts::core(opts)),
        ("docProps/app.xml", parts::app()),
    ];
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, content) in members {
        // Writing into memory fails only on a bug (e.g. a duplicate name), never on input.
        zip.start_file(name, member_options())
            .expect("start a zip member in memory");
        zip.write_all(content.as_bytes())
            .expect("write a zip member in memory");
    }
    zip.finish().expect("finish a zip in memory").into_inner()
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::super::{write_docx, Align, Block, Column, DocxError, Options, Table};

    fn members(docx: &[u8]) -> Vec<(String, String)> {
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
        (0..z.len())
            .map(|i| {
                let mut f = z.by_index(i).unwrap();
                let mut s = String::new();
                f.read_to_string(&mut s).unwrap();
                (f.name().unwrap().to_string(), s)
            })
            .collect()
    }

    #[test]
    fn every_part_content_types_first_text_escaped() {
        let created = "2020-04-08T01:00:00Z".parse().unwrap();
        let opts = Options::new("通报", "区督考办", created);
        let docx = write_docx(&[Block::para("A&B <C> \u{b}D")], &opts);
        let parts = members(&docx);
        let names: Vec<&str> = parts.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "[Content_Types].xml",
                "_rels/.rels",
                "word/document.xml",
                "word/_rels/document.xml.rels",
                "word/styles.xml",
                "word/settings.xml",
                "word/fontTable.xml",
                "word/footer1.xml",
                "word/footer2.xml",
                "word/theme/theme1.xml",
                "docProps/core.xml",
                "docProps/app.xml",
            ]
        );
        assert!(parts[2].1.contains(">A&amp;B &lt;C&gt; D</w:t>"));
        assert!(parts[10]
            .1
            .contains(">2020-04-08T01:00:00Z</dcterms:created>"));
        assert_eq!(docx, write_docx(&[Block::para("A&B <C> \u{b}D")], &opts));
    }

    #[test]
    fn a_row_with_the_wrong_cell_count_is_refused() {
        let cols = vec![
            Column::new("序号", 1, Align::Center),
            Column::new("任务", 3, Align::Left),
        ];
        let err = Table::new(cols, vec![vec!["1".into()]]).unwrap_err();
        assert!(
            matches!(&err, DocxError::TableShape(m) if m.contains("第 1 行有 1 个单元格，表格有 2 列"))
        );
    }
}
