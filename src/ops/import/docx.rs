//! A notice as Word writes it: the body's paragraphs, each a run of text spans marked bold
//! or not ("黑体为主办单位"), and its tables, each cell with its horizontal span (gridSpan)
//! and whether it continues the cell above (vMerge), as leader cells merged over
//! consecutive tasks are.

use std::io::{Cursor, Read};

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

/// The most a notice's document.xml may inflate to: far beyond any notice.
const MAX_DOCUMENT: u64 = 64 << 20;

/// One span of a paragraph's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Span {
    pub text: String,
    pub bold: bool,
}

/// A cell of a Word table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TableCell {
    /// Its paragraphs, joined by line breaks.
    pub text: String,
    /// Grid columns it spans.
    pub span: usize,
    /// Continues the cell above (a vertical merge).
    pub continues: bool,
}

/// The body in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    Paragraph(Vec<Span>),
    Table(Vec<Vec<TableCell>>),
}

/// Why a .docx could not be read.
#[derive(Debug, thiserror::Error)]
pub enum DocxReadError {
    #[error("不是完整的 Word 文档（zip 结构损坏）")]
    Zip,
    #[error("缺少正文 word/document.xml")]
    NoBody,
    #[error("正文过大（超过 64 MB）")]
    TooLarge,
    #[error("正文 XML 无法解析（第 {offset} 字节附近）")]
    Xml { offset: u64 },
}

/// Reads the body's paragraphs and tables.
pub fn blocks(bytes: &[u8]) -> Result<Vec<Block>, DocxReadError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| DocxReadError::Zip)?;
    let file = zip
        .by_name("word/document.xml")
        .map_err(|_| DocxReadError::NoBody)?;
    if file.size() > MAX_DOCUMENT {
        return Err(DocxReadError::TooLarge);
    }
    let mut xml = String::new();
    file.take(MAX_DOCUMENT + 1)
        .read_to_string(&mut xml)
        .map_err(|_| DocxReadError::Zip)?;
    parse(&xml)
}

/// `w:val` of a property tag: on unless it says 0, false or off.
fn on(tag: &BytesStart) -> bool {
    match attr(tag, "val") {
        Some(v) => !matches!(v.as_str(), "0" | "false" | "off" | "none"),
        None => true,
    }
}

/// An attribute's value by its local name (w:val → "val"); values here are plain words.
fn attr(tag: &BytesStart, local: &str) -> Option<String> {
    tag.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == local)
        .map(|a| a.value.into_owned())
}

/// What is being read: the cell or the top-level paragraph text goes where. A table inside
/// a cell is read as that cell's text.
#[derive(Default)]
struct State {
    blocks: Vec<Block>,
    /// Open tables (a table in a cell is read as text of that cell).
    tables: Vec<Vec<Vec<TableCell>>>,
    cell: Option<TableCell>,
    para: Vec<Span>,
    in_para: bool,
    bold: bool,
    in_rpr: bool,
    in_text: bool,
}

impl State {
    fn push_text(&mut self, s: &str) {
        if !self.in_para {
            return;
        }
        match self.para.last_mut() {
            Some(last) if last.bold == self.bold => last.text.push_str(s),
            _ => self.para.push(Span {
                text: s.to_string(),
                bold: self.bold,
            }),
        }
    }

    fn end_para(&mut self) {
        self.in_para = false;
        let spans = std::mem::take(&mut self.para);
        match self.cell.as_mut() {
            Some(c) => {
                if !c.text.is_empty() {
                    c.text.push('\n');
                }
                c.text.extend(spans.iter().map(|s| s.text.as_str()));
            }
            None => self.blocks.push(Block::Paragraph(spans)),
        }
    }
}

fn parse(xml: &str) -> Result<Vec<Block>, DocxReadError> {
    let mut reader = Reader::from_str(xml);
    let mut st = State::default();
    loop {
        let event = reader.read_event().map_err(|_| DocxReadError::Xml {
            offset: reader.error_position(),
        })?;
        match event {
            Event::Eof => break,
            Event::Start(t) => start(&mut st, &t, false),
            Event::Empty(t) => start(&mut st, &t, true),
            Event::End(e) => match e.local_name().as_ref() {
                "p" => st.end_para(),
                "rPr" => st.in_rpr = false,
                "r" => st.bold = false,
                "t" => st.in_text = false,
                "tc" if st.tables.len() == 1 => {
                    if let (Some(c), Some(t)) = (st.cell.take(), st.tables.last_mut()) {
                        if let Some(row) = t.last_mut() {
                            row.push(c);
                        }
                    }
                }
                "tbl" => {
                    if let Some(t) = st.tables.pop() {
                        if st.tables.is_empty() {
                            st.blocks.push(Block::Table(t));
                        }
                    }
                }
                _ => {}
            },
            Event::Text(t) if st.in_text => st.push_text(&t.xml10_content()),
            Event::GeneralRef(r) if st.in_text => {
                let c = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => match r.xml10_content().as_ref() {
                        "amp" => "&".into(),
                        "lt" => "<".into(),
                        "gt" => ">".into(),
                        "quot" => "\"".into(),
                        "apos" => "'".into(),
                        _ => String::new(),
                    },
                };
                st.push_text(&c);
            }
            _ => {}
        }
    }
    Ok(st.blocks)
}

fn start(st: &mut State, t: &BytesStart, empty: bool) {
    match t.local_name().as_ref() {
        "p" => {
            st.in_para = true;
            st.para.clear();
            if empty {
                st.end_para();
            }
        }
        "rPr" if !empty => st.in_rpr = true,
        "b" if st.in_rpr => st.bold = on(t),
        "t" if !empty => st.in_text = true,
        "tab" if st.in_para && !st.in_rpr => st.push_text("\t"),
        "br" | "cr" if st.in_para && !st.in_rpr => st.push_text("\n"),
        "tbl" => st.tables.push(Vec::new()),
        "tr" if st.tables.len() == 1 => {
            if let Some(t) = st.tables.last_mut() {
                t.push(Vec::new());
            }
        }
        "tc" if st.tables.len() == 1 => {
            st.cell = Some(TableCell {
                span: 1,
                ..TableCell::default()
            })
        }
        "gridSpan" if st.tables.len() == 1 => {
            if let Some(c) = st.cell.as_mut() {
                c.span = attr(t, "val")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(1)
                    .max(1);
            }
        }
        "vMerge" if st.tables.len() == 1 => {
            if let Some(c) = st.cell.as_mut() {
                // No val, or val="continue": the cell above goes on; "restart" opens one.
                c.continues = attr(t, "val").is_none_or(|v| v != "restart");
            }
        }
        _ => {}
    }
}

/// A table as a grid: each cell's text placed at its grid column (spans repeated), and a
/// cell that continues the one above given that one's text.
pub fn grid(rows: &[Vec<TableCell>]) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::with_capacity(rows.len());
    for row in rows {
        let mut line: Vec<String> = Vec::new();
        for c in row {
            let col = line.len();
            let text = if c.continues {
                out.last()
                    .and_then(|above| above.get(col))
                    .cloned()
                    .unwrap_or_default()
            } else {
                c.text.clone()
            };
            for _ in 0..c.span {
                line.push(text.clone());
            }
        }
        out.push(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bold_spans_and_merged_cells() {
        let xml = r#"<w:document xmlns:w="x"><w:body>
          <w:p><w:r><w:t>承办单位：</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>区科技</w:t></w:r>
               <w:r><w:rPr><w:b w:val="1"/></w:rPr><w:t>局</w:t></w:r><w:r><w:rPr><w:b w:val="0"/></w:rPr><w:t>，各镇街 &amp; X</w:t></w:r></w:p>
          <w:tbl><w:tr><w:tc><w:p><w:r><w:t>张三</w:t></w:r></w:p></w:tc><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>一、标题</w:t></w:r></w:p></w:tc></w:tr>
                 <w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc><w:tc><w:p><w:r><w:t>a</w:t></w:r></w:p><w:p><w:r><w:t>b</w:t></w:r></w:p></w:tc><w:tc><w:p/></w:tc></w:tr></w:tbl>
        </w:body></w:document>"#;
        let b = parse(xml).unwrap();
        assert_eq!(
            b[0],
            Block::Paragraph(vec![
                Span {
                    text: "承办单位：".into(),
                    bold: false
                },
                Span {
                    text: "区科技局".into(),
                    bold: true
                },
                Span {
                    text: "，各镇街 & X".into(),
                    bold: false
                },
            ])
        );
        let Block::Table(t) = &b[1] else {
            panic!("{b:?}")
        };
        let g = grid(t);
        assert_eq!(g[0], ["张三", "一、标题", "一、标题"]);
        assert_eq!(g[1], ["张三", "a\nb", ""]);
    }
}
