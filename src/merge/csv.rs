//! `<round>_明细.csv`: one row per (unit, task) as returned, for people who work in other
//! tools. UTF-8 with a BOM, because Excel and WPS read a CSV without one as GBK and show
//! garbage; text that a spreadsheet would take for a formula is neutralised, because the
//! cells come from outside (a clerk may type `=HYPERLINK(…)` into 工作进展).

use std::borrow::Cow;

use crate::domain::merged::{detail_records, Merged};
use crate::domain::stats::Stats;

/// Prefixes `'` to text a spreadsheet would read as a formula (= + - @, tab, carriage
/// return), and writes out control characters but line breaks and tabs
/// ([`crate::untrusted::shown_lines`]: an `ESC` in a cell reaches whoever `cat`s the CSV).
pub fn neutralise(s: &str) -> Cow<'_, str> {
    let formula = matches!(s.chars().next(), Some('=' | '+' | '-' | '@' | '\t' | '\r'));
    match (formula, crate::untrusted::shown_lines(s)) {
        (true, shown) => Cow::Owned(format!("'{shown}")),
        (false, Cow::Owned(shown)) => Cow::Owned(shown),
        (false, Cow::Borrowed(_)) => Cow::Borrowed(s),
    }
}

/// `<round>_报送情况.csv`: each expected unit, how it reported and with which file.
pub fn unit_states_csv(s: &Stats<'_>) -> Vec<u8> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        w.write_record([
            "单位",
            "类别",
            "报送情况",
            "承担任务数",
            "其中主办",
            "采用的文件",
        ])
        .expect("writing to memory");
        for u in &s.units {
            let file = u.file.map(|f| f.file_name()).unwrap_or_default();
            w.write_record([
                neutralise(u.unit).as_ref(),
                u.kind,
                u.state.label(),
                &u.tasks.to_string(),
                &u.hosted.to_string(),
                neutralise(&file).as_ref(),
            ])
            .expect("writing to memory");
        }
        w.flush().expect("writing to memory");
    }
    out
}

/// The CSV's bytes.
pub fn detail_csv(m: &Merged<'_>) -> Vec<u8> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        w.write_record(crate::columns::detail_titles())
            .expect("writing to memory");
        for rec in detail_records(m) {
            let cells: Vec<Cow<str>> = rec.iter().map(|c| neutralise(c)).collect();
            w.write_record(cells.iter().map(|c| c.as_bytes()))
                .expect("writing to memory");
        }
        w.flush().expect("writing to memory");
    }
    out
}
