//! What every printed sheet says besides its table: the paper (A4, or A3 where the office
//! sets `[print] paper = "A3"`), who made it and when (制表单位, 制表日期), a header naming
//! the round and what the sheet is, and 第 N 页 共 M 页 at the foot of every page.

use rust_xlsxwriter::{Worksheet, XlsxError};

/// Every printed page's footer.
pub const FOOTER: &str = "&C&9第 &P 页 共 &N 页";

/// The paper the office's tables are printed on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Paper {
    #[default]
    A4,
    A3,
}

impl Paper {
    /// "A4" or "A3" (any case), as `[print] paper` writes it; "" is A4.
    pub fn parse(s: &str) -> Option<Paper> {
        match s.trim().to_ascii_uppercase().as_str() {
            "" | "A4" => Some(Paper::A4),
            "A3" => Some(Paper::A3),
            _ => None,
        }
    }

    /// The paper size code of the xlsx page setup.
    pub fn code(self) -> u8 {
        match self {
            Paper::A4 => 9,
            Paper::A3 => 8,
        }
    }

    /// How much wider the page is than A4's (landscape).
    pub fn widen(self) -> f64 {
        match self {
            Paper::A4 => 1.0,
            Paper::A3 => 1.41,
        }
    }
}

/// Who made the tables, when, and on what paper.
#[derive(Clone, Debug, Default)]
pub struct Imprint {
    /// 制表单位: the office's name ("" when not known).
    pub office: String,
    /// 制表日期, as written ("2020年7月8日").
    pub date: String,
    pub paper: Paper,
    /// The folder paths in the tables are shown relative to (a round's folder), if any.
    pub root: Option<std::path::PathBuf>,
}

impl Imprint {
    /// `path` relative to [`Imprint::root`] where it lies inside it, else as given.
    pub fn shown(&self, path: &std::path::Path) -> String {
        let inside = self.root.as_ref().and_then(|r| {
            let r = crate::fsutil::resolved(r);
            let p = crate::fsutil::resolved(path);
            p.strip_prefix(&r).ok().map(|p| p.to_path_buf())
        });
        inside
            .as_deref()
            .unwrap_or(path)
            .to_string_lossy()
            .into_owned()
    }
}

impl Imprint {
    /// "制表单位：区督考办　制表日期：2020年7月8日" (what is known of it).
    pub fn line(&self) -> String {
        let mut parts = Vec::new();
        if !self.office.trim().is_empty() {
            parts.push(format!("制表单位：{}", self.office.trim()));
        }
        if !self.date.is_empty() {
            parts.push(format!("制表日期：{}", self.date));
        }
        parts.join("　")
    }
}

/// A page header naming what the sheet is (left) and who made it (right), so that a
/// loose page still says which round and table it belongs to.
pub fn header(ws: &mut Worksheet, what: &str, imprint: &Imprint) {
    let esc = |s: &str| s.replace('&', "&&");
    // The size code "&9" would swallow the digits of a text starting with a year: a
    // space ends it.
    let mut h = format!("&L&9 {}", esc(what));
    if !imprint.office.trim().is_empty() {
        h.push_str(&format!("&R&9 {}", esc(imprint.office.trim())));
    }
    ws.set_header(h);
}

/// The paper and orientation; the rest of the page setup is [`super::report::print`]'s.
pub fn set_paper(ws: &mut Worksheet, paper: Paper, landscape: bool) -> Result<(), XlsxError> {
    ws.set_paper_size(paper.code());
    if landscape {
        ws.set_landscape();
    } else {
        ws.set_portrait();
    }
    Ok(())
}
