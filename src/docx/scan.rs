//! Scanning a template's `word/document.xml` without parsing it into a tree: a small
//! tokenizer finds element boundaries (respecting quoted attributes, comments, CDATA and
//! processing instructions), and [`scan`] finds what filling needs: the prefix bound to
//! WordprocessingML, the body's final `sectPr`, the marker paragraph, the text of every
//! paragraph (for inline fields) and the document grids. Offsets are bytes into the text,
//! so that everything outside an edit is copied as it was.

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
    /// Each `w:docGrid` start tag: its span and its attribute text.
    pub grids: Vec<(usize, usize, String)>,
}

impl Scan {
    /// A paragraph's text as it stands in the XML (entities not decoded).
    pub fn text(&self, xml: &str, paragraph: usize) -> String {
        self.paragraphs[paragraph]
            .iter()
            .map(|&(a, b)| &xml[a..b])
            .collect()
    }
}

/// Finds the body's children, its final sectPr, the marker paragraph, every paragraph's text
/// and the grids.
pub(super) fn scan(xml: &str, marker_text: &str) -> Result<Scan, DocxError> {
    let tokens = tokenize(xml)?;
    let root = tokens
        .iter()
        .find_map(|t| match t {
            Token::Start(s) => Some(s),
            Token::End { .. } => None,
        })
        .ok_or_else(|| malformed(0, "no root element"))?;
    let prefix = word_prefix(root.attrs)?;
    let qname = |local: &str| {
        if prefix.is_empty() {
            local.to_string()
        } else {
            format!("{prefix}:{local}")
        }
    };
    let (document, body, p, t, sect_pr, doc_grid) = (
        qname("document"),
        qname("body"),
        qname("p"),
        qname("t"),
        qname("sectPr"),
        qname("docGrid"),
    );
    if root.name != document {
        return Err(malformed(
            root.start,
            &format!("the root element is <{}>, not <{document}>", root.name),
        ));
    }

    // Walk the tokens with a stack; depth counts open elements (root = 1, body = 2).
    let mut stack: Vec<&str> = Vec::new();
    let mut body_seen = false;
    let mut body_close: Option<usize> = None;
    let mut children: Vec<(&str, usize, usize)> = Vec::new(); // (name, start, end) of body children
    let mut child_start = 0;
    // Open paragraphs (innermost last): the depth each opened at, its start, its index.
    let mut open: Vec<(usize, usize, usize)> = Vec::new();
    let mut paragraphs: Vec<Vec<(usize, usize)>> = Vec::new();
    let mut text_from: Option<usize> = None;
    let mut markers: Vec<Option<(usize, usize)>> = Vec::new(); // None = nested marker
    let mut grids = Vec::new();

    for token in &tokens {
        let here = match token {
            Token::Start(s) => s.start,
            Token::End { start, .. } => *start,
        };
        if let Some(from) = text_from.take() {
            if let Some(&(_, _, i)) = open.last() {
                if here > from {
                    paragraphs[i].push((from, here));
                }
            }
        }
        match token {
            Token::Start(s) => {
                let depth = stack.len();
                if depth == 1 && s.name == body {
                    body_seen = true;
                }
                if depth == 2 && stack[1] == body {
                    child_start = s.start;
                    if s.empty {
                        children.push((s.name, s.start, s.end));
                    }
                }
                if s.name == p && !s.empty {
                    open.push((depth, s.start, paragraphs.len()));
                    paragraphs.push(Vec::new());
                }
                if s.name == t && !s.empty {
                    text_from = Some(s.end);
                }
                if s.name == doc_grid {
                    grids.push((s.start, s.end, s.attrs.to_string()));
                }
                if !s.empty {
                    stack.push(s.name);
                }
            }
            Token::End { name, start, end } => {
                match stack.pop() {
                    Some(o) if o == *name => {}
                    Some(o) => {
                        return Err(malformed(*start, &format!("</{name}> closes <{o}>")));
                    }
                    None => return Err(malformed(*start, &format!("</{name}> closes nothing"))),
                }
                let depth = stack.len();
                if *name == p {
                    let (opened_at, p_start, i) = open.pop().expect("a paragraph was opened");
                    let text: String = paragraphs[i].iter().map(|&(a, b)| &xml[a..b]).collect();
                    if text.contains(marker_text) {
                        let top_level = opened_at == 2 && stack.get(1) == Some(&body.as_str());
                        markers.push(top_level.then_some((p_start, *end)));
                    }
                }
                if depth == 2 && stack[1] == body {
                    children.push((name, child_start, *end));
                }
                if depth == 1 && *name == body {
                    body_close = Some(*start);
                }
            }
        }
    }
    if let Some(open) = stack.last() {
        return Err(malformed(xml.len(), &format!("<{open}> is never closed")));
    }
    if !body_seen {
        return Err(malformed(0, &format!("no <{body}> in <{document}>")));
    }
    let body_close =
        body_close.ok_or_else(|| malformed(xml.len(), &format!("</{body}> missing")))?;
    let insert_at = match children.last() {
        Some((name, start, _)) if *name == sect_pr => *start,
        _ => body_close,
    };
    let marker = match markers.as_slice() {
        [] => None,
        [Some(span)] => {
            if xml[span.0..span.1].contains(&format!("<{sect_pr}")) {
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
    })
}

/// The prefix the root element binds to the WordprocessingML namespace.
fn word_prefix(attrs: &str) -> Result<String, DocxError> {
    let mut strict = false;
    for (name, value) in attributes(attrs) {
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
            0,
            "the root element does not declare the WordprocessingML namespace",
        ))
    }
}

/// `name="value"` pairs of a start tag's attribute text (values not unescaped: namespace names
/// have nothing to unescape).
pub(super) fn attributes(attrs: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    let mut rest = attrs;
    while let Some(eq) = rest.find('=') {
        let name = rest[..eq].trim();
        let after = rest[eq + 1..].trim_start();
        let Some(quote) = after.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            break;
        };
        let Some(close) = after[1..].find(quote) else {
            break;
        };
        out.push((name, &after[1..1 + close]));
        rest = &after[close + 2..];
    }
    out
}

#[derive(Debug)]
struct StartTag<'a> {
    name: &'a str,
    attrs: &'a str,
    /// Offset of '<' and just past '>'.
    start: usize,
    end: usize,
    /// `<x/>`.
    empty: bool,
}

#[derive(Debug)]
enum Token<'a> {
    Start(StartTag<'a>),
    End {
        name: &'a str,
        start: usize,
        end: usize,
    },
}

pub(super) fn malformed(offset: usize, what: &str) -> DocxError {
    DocxError::Malformed {
        offset,
        what: what.to_string(),
    }
}

/// Start and end tags of `xml`, skipping the declaration, processing instructions, comments,
/// CDATA sections and a DOCTYPE. Byte offsets are safe on UTF-8: '<', '>' and quotes are ASCII
/// and never occur inside a multi-byte character.
fn tokenize(xml: &str) -> Result<Vec<Token<'_>>, DocxError> {
    let b = xml.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    let find = |from: usize, pat: &str| xml[from..].find(pat).map(|k| from + k);
    while let Some(lt) = find(i, "<") {
        let rest = &xml[lt..];
        let skip_to = |pat: &str| {
            find(lt, pat)
                .map(|k| k + pat.len())
                .ok_or_else(|| malformed(lt, &format!("unterminated markup, no {pat:?}")))
        };
        if rest.starts_with("<?") {
            i = skip_to("?>")?;
        } else if rest.starts_with("<!--") {
            i = skip_to("-->")?;
        } else if rest.starts_with("<![CDATA[") {
            i = skip_to("]]>")?;
        } else if rest.starts_with("<!") {
            i = skip_to(">")?;
        } else if rest.starts_with("</") {
            let gt = find(lt, ">").ok_or_else(|| malformed(lt, "unterminated end tag"))?;
            tokens.push(Token::End {
                name: xml[lt + 2..gt].trim(),
                start: lt,
                end: gt + 1,
            });
            i = gt + 1;
        } else {
            let name_end = (lt + 1..b.len())
                .find(|&k| matches!(b[k], b' ' | b'\t' | b'\r' | b'\n' | b'/' | b'>'))
                .ok_or_else(|| malformed(lt, "unterminated start tag"))?;
            // Find the closing '>' outside quoted attribute values.
            let mut quote = None;
            let mut k = name_end;
            let gt = loop {
                match (b.get(k), quote) {
                    (None, _) => return Err(malformed(lt, "unterminated start tag")),
                    (Some(&c), None) if c == b'"' || c == b'\'' => quote = Some(c),
                    (Some(&c), Some(q)) if c == q => quote = None,
                    (Some(b'>'), None) => break k,
                    _ => {}
                }
                k += 1;
            };
            let empty = b[gt - 1] == b'/';
            let attrs_end = if empty { gt - 1 } else { gt };
            tokens.push(Token::Start(StartTag {
                name: &xml[lt + 1..name_end],
                attrs: &xml[name_end..attrs_end.max(name_end)],
                start: lt,
                end: gt + 1,
                empty,
            }));
            i = gt + 1;
        }
    }
    Ok(tokens)
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
    fn reports_broken_xml() {
        let xml = format!("{HEAD}<w:body><w:p></w:body></w:document>");
        assert!(matches!(
            scan(&xml, MARKER),
            Err(DocxError::Malformed { .. })
        ));
    }
}
