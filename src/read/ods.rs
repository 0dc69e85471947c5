//! The merged regions of an .ods, which calamine does not report: OpenDocument writes a
//! merge as spans on its first cell (`table:number-columns-spanned`,
//! `table:number-rows-spanned`) in content.xml, the cells it covers as
//! `table:covered-table-cell`. Read with quick-xml (calamine's own XML reader) from the
//! archive already opened within its limits.

use std::collections::HashMap;
use std::io::{BufReader, Read};

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::{Limits, Region};

/// Each sheet's merged regions, by sheet name. A part that cannot be read gives none: the
/// values were read by calamine already, and merges are only a second look.
pub fn merged_regions(bytes: &[u8], limits: &Limits) -> HashMap<String, Vec<Region>> {
    let mut out = HashMap::new();
    let Ok(mut zip) = super::open_zip(bytes, limits) else {
        return out;
    };
    let Ok(part) = zip.by_name("content.xml") else {
        return out;
    };
    let mut xml = Reader::from_reader(BufReader::new(part.take(limits.inflated_bytes)));
    let mut buf = Vec::new();
    let mut sheet: Option<String> = None;
    let mut regions = Vec::new();
    let (mut row, mut col, mut rows_repeated) = (0u32, 0u32, 1u32);
    loop {
        buf.clear();
        let (e, empty) = match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => (e, false),
            Ok(Event::Empty(e)) => (e, true),
            Ok(Event::End(e)) => {
                match e.local_name().into_inner() {
                    "table-row" => row = row.saturating_add(rows_repeated),
                    "table" => {
                        if let Some(name) = sheet.take() {
                            out.insert(name, std::mem::take(&mut regions));
                        }
                    }
                    _ => {}
                }
                continue;
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => continue,
        };
        match e.local_name().into_inner() {
            "table" => {
                sheet = attr(&e, "name");
                regions.clear();
                row = 0;
            }
            "table-row" => {
                rows_repeated = number(&e, "number-rows-repeated");
                col = 0;
                if empty {
                    row = row.saturating_add(rows_repeated);
                }
            }
            name @ ("table-cell" | "covered-table-cell") => {
                if name == "table-cell" {
                    let (across, down) = (
                        number(&e, "number-columns-spanned"),
                        number(&e, "number-rows-spanned"),
                    );
                    if across > 1 || down > 1 {
                        regions.push(Region {
                            first: (row, col),
                            last: (row + down - 1, col + across - 1),
                        });
                    }
                }
                col = col.saturating_add(number(&e, "number-columns-repeated"));
            }
            _ => {}
        }
    }
    out
}

/// An attribute's value, by its local name (`table:name` → `name`).
fn attr(e: &BytesStart<'_>, key: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().into_inner() == key)
        .map(|a| {
            let raw = a.value.to_string();
            quick_xml::escape::unescape(&raw).map_or(raw.clone(), |v| v.into_owned())
        })
}

/// A count attribute (spans, repeats): 1 when absent or unreadable, at most a sheet's
/// largest size so that arithmetic on it cannot overflow.
fn number(e: &BytesStart<'_>, key: &str) -> u32 {
    attr(e, key)
        .and_then(|v| v.parse::<u32>().ok())
        .map_or(1, |n| n.clamp(1, 1 << 20))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn ods(content: &str) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default();
        w.start_file("mimetype", opts).unwrap();
        w.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
            .unwrap();
        w.start_file("content.xml", opts).unwrap();
        w.write_all(content.as_bytes()).unwrap();
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn spans_are_placed_after_repeated_rows_and_columns() {
        let content = r#"<office:document-content xmlns:office="o" xmlns:table="t"><office:body><office:spreadsheet>
<table:table table:name="说明"><table:table-row><table:table-cell table:number-columns-spanned="3"/><table:covered-table-cell table:number-columns-repeated="2"/></table:table-row></table:table>
<table:table table:name="任务&amp;进展">
<table:table-row table:number-rows-repeated="3"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>
<table:table-row><table:table-cell table:number-columns-repeated="8"/><table:table-cell table:number-rows-spanned="2"><text:p>进展</text:p></table:table-cell><table:table-cell/></table:table-row>
<table:table-row><table:table-cell table:number-columns-repeated="8"/><table:covered-table-cell/><table:table-cell table:number-columns-spanned="2" table:number-rows-spanned="1"/></table:table-row>
</table:table></office:spreadsheet></office:body></office:document-content>"#;
        let m = merged_regions(&ods(content), &Limits::default());
        assert_eq!(
            m["说明"],
            [Region {
                first: (0, 0),
                last: (0, 2)
            }]
        );
        // I4:I5, then J5:K5, after three repeated rows and eight repeated columns.
        assert_eq!(
            m["任务&进展"],
            [
                Region {
                    first: (3, 8),
                    last: (4, 8)
                },
                Region {
                    first: (4, 9),
                    last: (4, 10)
                }
            ]
        );
    }
}
