//! `<round>_明细.csv`: one row per (unit, task) as returned, for people who work in other
//! tools. UTF-8 with a BOM, because Excel and WPS read a CSV without one as GBK and show
//! garbage; text that a spreadsheet would take for a formula is neutralised, because the
//! cells come from outside (a clerk may type `=HYPERLINK(…)` into 工作进展).

use std::borrow::Cow;

use super::{round1, Merged};
use crate::catalog::format_number;

/// Columns shared by the CSV and the 分单位明细 sheet.
pub const DETAIL_COLUMNS: &[&str] = &[
    "填报单位",
    "序号",
    "本单位角色",
    "推进状态",
    "完成进度(%)",
    "工作进展",
    "存在问题",
    "下步措施",
    "备注",
    "文件",
    "工作表",
    "行号",
];

/// A detail row's cells as text (percent and row as numbers' text), in [`DETAIL_COLUMNS`] order.
pub fn detail_records<'m>(m: &'m Merged<'_>) -> impl Iterator<Item = [Cow<'m, str>; 12]> + 'm {
    m.detail().map(|(f, r)| {
        let file = f
            .path
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        [
            Cow::Borrowed(f.unit.as_deref().unwrap_or("")),
            Cow::Owned(r.task.to_string()),
            Cow::Borrowed(r.role.map_or("", |x| x.label())),
            Cow::Borrowed(r.status.map_or("", |s| s.label())),
            Cow::Owned(
                r.percent
                    .map(|p| format_number(round1(p)))
                    .unwrap_or_default(),
            ),
            Cow::Borrowed(r.progress.as_str()),
            Cow::Borrowed(r.problems.as_str()),
            Cow::Borrowed(r.next_steps.as_str()),
            Cow::Borrowed(r.remarks.as_str()),
            Cow::Owned(file.into_owned()),
            Cow::Borrowed(r.sheet.as_str()),
            Cow::Owned(r.row.to_string()),
        ]
    })
}

/// Prefixes `'` to text a spreadsheet would read as a formula (= + - @, tab, carriage return).
pub fn neutralise(s: &str) -> Cow<'_, str> {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{s}")),
        _ => Cow::Borrowed(s),
    }
}

/// The CSV's bytes.
pub fn detail_csv(m: &Merged<'_>) -> Vec<u8> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        w.write_record(DETAIL_COLUMNS).expect("writing to memory");
        for rec in detail_records(m) {
            let cells: Vec<Cow<str>> = rec.iter().map(|c| neutralise(c)).collect();
            w.write_record(cells.iter().map(|c| c.as_bytes()))
                .expect("writing to memory");
        }
        w.flush().expect("writing to memory");
    }
    out
}
