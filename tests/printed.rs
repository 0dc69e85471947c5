//! A PDF as printed, read back with `pdftotext -bbox`: its pages, each with its size and
//! its words' boxes, for the tests that measure paper (sizes, page numbers, titles).

use std::path::Path;
use std::process::Command;

/// One printed word: its box's right edge, top and bottom (points from the page's left and
/// top) and its text.
#[derive(Debug)]
pub struct Word {
    pub x_max: f64,
    pub y_min: f64,
    pub y_max: f64,
    pub text: String,
}

/// A printed page: its size in points and its words.
pub struct Page {
    pub width: f64,
    pub height: f64,
    pub words: Vec<Word>,
}

impl Page {
    /// The words in the top or bottom 40 points: the page header or footer.
    pub fn band(&self, top: bool) -> String {
        (self.words.iter())
            .filter(|w| match top {
                true => w.y_max < 40.0,
                false => w.y_min > self.height - 40.0,
            })
            .map(|w| w.text.as_str())
            .collect()
    }

    pub fn text(&self) -> String {
        self.words.iter().map(|w| w.text.as_str()).collect()
    }

    /// The median height of the words with Chinese in them: CJK boxes are about 1.0-1.15
    /// times the printed size, so 9.0 or more is 9 pt (小五) or larger.
    pub fn body_size(&self) -> f64 {
        let mut h: Vec<f64> = (self.words.iter())
            .filter(|w| {
                w.text
                    .chars()
                    .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
            })
            .map(|w| w.y_max - w.y_min)
            .collect();
        assert!(!h.is_empty(), "a page without Chinese: {}", self.text());
        h.sort_by(f64::total_cmp);
        h[h.len() / 2]
    }

    /// "第 N 页 共 M 页" at the foot: (N, M).
    pub fn number(&self) -> (u32, u32) {
        let foot = self.band(false);
        let n = |s: &str| -> Option<u32> { s.parse().ok() };
        let parsed = foot.split_once('第').and_then(|(_, r)| {
            let (a, r) = r.split_once("页共")?;
            let (b, _) = r.split_once('页')?;
            Some((n(a)?, n(b)?))
        });
        parsed.unwrap_or_else(|| panic!("no page number in the footer “{foot}”"))
    }
}

/// Text as pdftotext or a docx part escapes it, unescaped.
pub fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// A number attribute of a pdftotext tag (`yMin="12.5"`).
pub fn attr(tag: &str, name: &str) -> f64 {
    let i = tag.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
    tag[i..i + tag[i..].find('"').unwrap()].parse().unwrap()
}

/// Every page of a PDF with its words.
pub fn pages(pdf: &Path) -> Vec<Page> {
    let out = Command::new("pdftotext")
        .arg("-bbox")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils)");
    let html = String::from_utf8(out.stdout).unwrap();
    html.split("<page ")
        .skip(1)
        .map(|p| {
            let tag = &p[..p.find('>').unwrap()];
            let words = p
                .split("<word ")
                .skip(1)
                .map(|w| {
                    let tag = &w[..w.find('>').unwrap()];
                    let text = &w[w.find('>').unwrap() + 1..w.find("</word>").unwrap()];
                    Word {
                        x_max: attr(tag, "xMax"),
                        y_min: attr(tag, "yMin"),
                        y_max: attr(tag, "yMax"),
                        text: unescape(text),
                    }
                })
                .collect();
            Page {
                width: attr(tag, "width"),
                height: attr(tag, "height"),
                words,
            }
        })
        .collect()
}
