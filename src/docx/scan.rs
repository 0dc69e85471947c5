//! Scanning a template's `word/document.xml` without parsing it into a tree: quick-xml reads
//! the markup (quoted attributes, comments, CDATA, processing instructions), and [`scan`]
//! finds what filling needs: the prefix bound to WordprocessingML, the body's final
//! `sectPr`, the marker paragraph, the text of every paragraph (for inline fields) and the
//! document grids. Offsets are bytes into the text, so that everything outside an edit is
//! copied as it was. A template that is not well-formed is told in Chinese: the clerk who
//! chose it reads the message.

use quick_xml::errors::{Error as XmlError, IllFormedError, SyntaxError};
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::xml::{W_NS, W_NS_STRICT};
use super::DocxError;

/// What [`scan`] found.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Scan {
    /// The prefix bound to the WordprocessingML namespace on the root element ("" = default).
    pub prefix: String,
    /// Byte span of the body marker paragraph, if any.
    pub marker: Option<(usize, usize)>,
    /// Where to insert without a marker: the start of the final `sectPr`, or of `</w:body>`.
    pub insert_at: usize,
    /// Each paragraph's `w:t` contents (raw, escaped text), as byte spans, in document
    /// order; paragraphs inside tables and text boxes included.
    pub paragraphs: Vec<Vec<(usize, usize)>>,
    /// Each `w:docGrid` tag: its span and its attributes (values as written, not unescaped).
    pub grids: Vec<(usize, usize, Attributes)>,
    /// The last `w:pgSz` and `w:pgMar` (the body's final section, where the text goes).
    pub page_size: Option<Attributes>,
    pub page_margins: Option<Attributes>,
}

/// A tag's `(name, value)` pairs, in the order written.
pub(super) type Attributes = Vec<(String, String)>;

impl Scan {
    /// A paragraph's text as it stands in the XML (entities not decoded).
    pub fn text(&self, xml: &str, paragraph: usize) -> String {
        self.paragraphs[paragraph]
            .iter()
            .map(|&(a, b)| &xml[a..b])
            .collect()
    }
}

/// A start tag (`empty` for `<x/>`) or an end tag.
enum Tag<'e> {
    Start { tag: BytesStart<'e>, empty: bool },
    End { name: String },
}

/// Finds the body's children, its final sectPr, the marker paragraph, every paragraph's text
/// and the grids.
pub(super) fn scan(xml: &str, marker_text: &str) -> Result<Scan, DocxError> {
    let mut reader = Reader::from_str(xml);
    // The nesting is checked here, to say in Chinese what is wrong; text is not looked into.
    let config = reader.config_mut();
    config.check_end_names = false;
    config.allow_unmatched_ends = true;
    config.allow_dangling_amp = true;

    let mut prefix: Option<String> = None;
    // The qualified names, once the root has given the prefix.
    let mut names = Names::default();
    // Open elements (root = depth 1, body = depth 2).
    let mut stack: Vec<String> = Vec::new();
    let mut body_seen = false;
    let mut body_close: Option<usize> = None;
    let mut children: Vec<(String, usize, usize)> = Vec::new(); // (name, start, end) of body children
    let mut child_start = 0;
    // Open paragraphs (innermost last): the depth each opened at, its start, its index.
    let mut open: Vec<(usize, usize, usize)> = Vec::new();
    let mut paragraphs: Vec<Vec<(usize, usize)>> = Vec::new();
    let mut text_from: Option<usize> = None;
    let mut markers: Vec<Option<(usize, usize)>> = Vec::new(); // None = nested marker
    let mut grids = Vec::new();
    let (mut page_size, mut page_margins) = (None, None);

    loop {
        let start = offset(reader.buffer_position());
        let event = reader
            .read_event()
            .map_err(|e| syntax(offset(reader.error_position()), &e))?;
        let end = offset(reader.buffer_position());
        let tag = match event {
            Event::Eof => break,
            Event::Start(tag) => Tag::Start { tag, empty: false },
            Event::Empty(tag) => Tag::Start { tag, empty: true },
            Event::End(e) => Tag::End {
                name: e.name().as_ref().to_string(),
            },
            // Text, entity references, comments, CDATA, declarations, instructions: only
            // tags delimit a w:t's text.
            _ => continue,
        };
        if let Some(from) = text_from.take() {
            if let Some(&(_, _, i)) = open.last() {
                if start > from {
                    paragraphs[i].push((from, start));
                }
            }
        }
        match tag {
            Tag::Start { tag, empty } => {
                let name = tag.name().as_ref().to_string();
                if prefix.is_none() {
                    let p = word_prefix(&tag, start)?;
                    names = Names::new(&p);
                    if name != names.document {
                        return Err(malformed(
                            start,
                            &format!("根元素是 <{name}>，不是 <{}>", names.document),
                        ));
                    }
                    prefix = Some(p);
                }
                let depth = stack.len();
                if depth == 1 && name == names.body {
                    body_seen = true;
                }
                let in_body = depth == 2 && stack[1] == names.body;
                if in_body {
                    child_start = start;
                }
                if name == names.p && !empty {
                    open.push((depth, start, paragraphs.len()));
                    paragraphs.push(Vec::new());
                }
                if name == names.t && !empty {
                    text_from = Some(end);
                }
                if name == names.doc_grid {
                    grids.push((start, end, attributes(&tag, start)?));
                }
                if name == names.pg_sz {
                    page_size = Some(attributes(&tag, start)?);
                }
                if name == names.pg_mar {
                    page_margins = Some(attributes(&tag, start)?);
                }
                if empty {
                    if in_body {
                        children.push((name, start, end));
                    }
                } else {
                    stack.push(name);
                }
            }
            Tag::End { name } => {
                match stack.pop() {
                    Some(o) if o == name => {}
                    Some(o) => {
                        return Err(malformed(
                            start,
                            &format!("结束标记 </{name}> 与开始标记 <{o}> 不配对"),
                        ));
                    }
                    None => {
                        return Err(malformed(
                            start,
                            &format!("结束标记 </{name}> 没有对应的开始标记"),
                        ))
                    }
                }
                let depth = stack.len();
                if name == names.p {
                    let (opened_at, p_start, i) = open.pop().expect("a paragraph was opened");
                    let text: String = paragraphs[i].iter().map(|&(a, b)| &xml[a..b]).collect();
                    if text.contains(marker_text) {
                        let top_level = opened_at == 2 && stack.get(1) == Some(&names.body);
                        markers.push(top_level.then_some((p_start, end)));
                    }
                }
                if depth == 1 && name == names.body {
                    body_close = Some(start);
                }
                if depth == 2 && stack[1] == names.body {
                    children.push((name, child_start, end));
                }
            }
        }
    }
    let Some(prefix) = prefix else {
        return Err(malformed(0, "没有任何元素"));
    };
    if let Some(open) = stack.last() {
        return Err(malformed(xml.len(), &format!("<{open}> 没有结束标记")));
    }
    if !body_seen {
        return Err(malformed(
            0,
            &format!("<{}> 中没有 <{}>", names.document, names.body),
        ));
    }
    let body_close =
        body_close.ok_or_else(|| malformed(xml.len(), &format!("缺少 </{}>", names.body)))?;
    let insert_at = match children.last() {
        Some((name, start, _)) if *name == names.sect_pr => *start,
        _ => body_close,
    };
    let marker = match markers.as_slice() {
        [] => None,
        [Some(span)] => {
            if xml[span.0..span.1].contains(&format!("<{}", names.sect_pr)) {
                return Err(DocxError::MarkerEndsSection);
            }
            Some(*span)
        }
        [None] => return Err(DocxError::MarkerNotInBody),
        many => return Err(DocxError::MarkerRepeated { count: many.len() }),
    };
    Ok(Scan {
        prefix,
        marker,
        insert_at,
        paragraphs,
        grids,
        page_size,
        page_margins,
    })
}

/// The qualified names scanning looks for, under the document's prefix.
#[derive(Default)]
struct Names {
    document: String,
    body: String,
    p: String,
    t: String,
    sect_pr: String,
    doc_grid: String,
    pg_sz: String,
    pg_mar: String,
}

impl Names {
    fn new(prefix: &str) -> Names {
        let q = |local: &str| {
            if prefix.is_empty() {
                local.to_string()
            } else {
                format!("{prefix}:{local}")
            }
        };
        Names {
            document: q("document"),
            body: q("body"),
            p: q("p"),
            t: q("t"),
            sect_pr: q("sectPr"),
            doc_grid: q("docGrid"),
            pg_sz: q("pgSz"),
            pg_mar: q("pgMar"),
        }
    }
}

/// A reader position as an index into the text (which is in memory, so it fits).
fn offset(position: u64) -> usize {
    usize::try_from(position).expect("an offset into a string in memory")
}

/// The prefix the root element binds to the WordprocessingML namespace.
fn word_prefix(root: &BytesStart, at: usize) -> Result<String, DocxError> {
    let mut strict = false;
    for (name, value) in attributes(root, at)? {
        let prefix = match name.strip_prefix("xmlns") {
            Some("") => "",
            Some(rest) => match rest.strip_prefix(':') {
                Some(p) => p,
                None => continue,
            },
            None => continue,
        };
        if value == W_NS {
            return Ok(prefix.to_string());
        }
        strict |= value == W_NS_STRICT;
    }
    if strict {
        Err(DocxError::StrictNamespace)
    } else {
        Err(malformed(
            at,
            "根元素没有声明 WordprocessingML 命名空间，不是 Word 文档的正文",
        ))
    }
}

/// A tag's `name="value"` pairs, values as written (namespace names and grid numbers have
/// nothing to unescape).
fn attributes(tag: &BytesStart, at: usize) -> Result<Attributes, DocxError> {
    tag.attributes()
        .map(|a| {
            let a = a.map_err(|_| {
                malformed(
                    at,
                    "标记中的属性写法不对（属性名重复、缺少等号或引号不成对）",
                )
            })?;
            Ok((a.key.as_ref().to_string(), a.value.into_owned()))
        })
        .collect()
}

pub(super) fn malformed(offset: usize, what: &str) -> DocxError {
    DocxError::Malformed {
        offset,
        what: what.to_string(),
    }
}

/// quick-xml's error, told in Chinese (its own words are English).
fn syntax(offset: usize, e: &XmlError) -> DocxError {
    let what = match e {
        XmlError::Syntax(s) => match s {
            SyntaxError::InvalidBangMarkup => "“<!” 开头的标记不完整",
            SyntaxError::UnclosedPI => "处理指令没有结束（缺少 ?>）",
            SyntaxError::UnclosedXmlDecl => "XML 声明没有结束（缺少 ?>）",
            SyntaxError::UnclosedComment => "注释没有结束（缺少 -->）",
            SyntaxError::UnclosedDoctype => "DOCTYPE 没有结束（缺少 >）",
            SyntaxError::UnclosedCData => "CDATA 段没有结束（缺少 ]]>）",
            SyntaxError::UnclosedTag => "标记没有结束（缺少 >）",
            SyntaxError::UnclosedSingleQuotedAttributeValue
            | SyntaxError::UnclosedDoubleQuotedAttributeValue => "属性值的引号没有配对",
        },
        XmlError::IllFormed(i) => match i {
            IllFormedError::MissingDeclVersion(_) | IllFormedError::UnknownVersion => {
                "XML 声明中的版本号缺失或不认识"
            }
            IllFormedError::MissingDoctypeName => "DOCTYPE 缺少名称",
            IllFormedError::DoubleHyphenInComment => "注释中含有“--”",
            IllFormedError::UnclosedReference => "字符引用（& 开头）没有以分号结束",
            // Not reported under the reader's configuration above: nesting is checked by
            // scan itself.
            IllFormedError::MissingEndTag(_)
            | IllFormedError::UnmatchedEndTag(_)
            | IllFormedError::MismatchedEndTag { .. } => "标记不配对",
        },
        _ => "不是格式正确的 XML",
    };
    malformed(offset, what)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::docx::MARKER;

    const HEAD: &str = "<?xml version=\"1.0\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">";

    fn doc(body: &str) -> String {
        format!("{HEAD}<w:body>{body}<w:sectPr><w:pgSz w:w=\"11906\"/></w:sectPr></w:body></w:document>")
    }

    #[test]
    fn finds_a_marker_split_over_runs() {
        let xml = doc("<w:p><w:r><w:t>红头</w:t></w:r></w:p><w:p><w:r><w:t>{{正</w:t></w:r><!-- x --><w:r><w:t xml:space='preserve'>文}}</w:t></w:r></w:p>");
        let layout = scan(&xml, MARKER).unwrap();
        let (s, e) = layout.marker.unwrap();
        assert!(
            xml[s..e].starts_with("<w:p>")
                && xml[s..e].ends_with("</w:p>")
                && xml[s..e].contains("{{正")
        );
        assert_eq!(layout.prefix, "w");
    }

    #[test]
    fn without_marker_inserts_before_the_final_sect_pr() {
        let xml = doc("<w:p><w:pPr><w:sectPr/></w:pPr></w:p><w:p/>");
        let layout = scan(&xml, MARKER).unwrap();
        assert!(xml[layout.insert_at..].starts_with("<w:sectPr><w:pgSz"));
        assert_eq!(layout.marker, None);
    }

    #[test]
    fn refuses_a_nested_or_repeated_marker_and_one_ending_a_section() {
        let nested = doc(
            "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>{{正文}}</w:t></w:r></w:p></w:tc></w:tr></w:tbl>",
        );
        assert!(matches!(
            scan(&nested, MARKER),
            Err(DocxError::MarkerNotInBody)
        ));
        let twice = doc(
            "<w:p><w:r><w:t>{{正文}}</w:t></w:r></w:p><w:p><w:r><w:t>{{正文}}</w:t></w:r></w:p>",
        );
        assert!(matches!(
            scan(&twice, MARKER),
            Err(DocxError::MarkerRepeated { count: 2 })
        ));
        let section = doc("<w:p><w:pPr><w:sectPr/></w:pPr><w:r><w:t>{{正文}}</w:t></w:r></w:p>");
        assert!(matches!(
            scan(&section, MARKER),
            Err(DocxError::MarkerEndsSection)
        ));
    }

    #[test]
    fn handles_another_prefix_and_quoted_angle_brackets() {
        let xml = "<x:document xmlns:x=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><x:body><x:p a=\"1>2\"><x:r><x:t>{{正文}}</x:t></x:r></x:p></x:body></x:document>";
        let layout = scan(xml, MARKER).unwrap();
        assert_eq!(layout.prefix, "x");
        assert!(layout.marker.is_some());
        let strict =
            "<w:document xmlns:w=\"http://purl.oclc.org/ooxml/wordprocessingml/main\"><w:body/></w:document>";
        assert!(matches!(
            scan(strict, MARKER),
            Err(DocxError::StrictNamespace)
        ));
    }

    #[test]
    fn reports_broken_xml_in_chinese() {
        let said = |xml: &str| match scan(xml, MARKER) {
            Err(e @ DocxError::Malformed { .. }) => e.to_string(),
            other => panic!("{other:?}"),
        };
        let crossed = said(&format!("{HEAD}<w:body><w:p></w:body></w:document>"));
        assert!(
            crossed.contains(&format!("第 {} 字节", HEAD.len() + "<w:body><w:p>".len()))
                && crossed.contains("</w:body> 与开始标记 <w:p> 不配对"),
            "{crossed}"
        );
        let cut = said(&format!(
            "{HEAD}<w:body><w:p a=\"1></w:p></w:body></w:document>"
        ));
        assert!(cut.contains("属性值的引号没有配对"), "{cut}");
        let open = said(&format!("{HEAD}<w:body><w:p/></w:body>"));
        assert!(open.contains("<w:document> 没有结束标记"), "{open}");
        let no_body = said(&format!("{HEAD}</w:document>"));
        assert!(
            no_body.contains("<w:document> 中没有 <w:body>"),
            "{no_body}"
        );
        let other = said("<html/>");
        assert!(
            other.contains("没有声明 WordprocessingML 命名空间"),
            "{other}"
        );
    }
}
