//! `<round>_明细.csv`: one row per (unit, task) as returned, for people who work in other
//! tools. UTF-8 with a BOM, because Excel and WPS read a CSV without one as GBK and show
//! garbage; text that a spreadsheet would take for a formula is neutralised, because the
//! cells come from outside (a clerk may type `=HYPERLINK(…)` into 工作进展).

use std::borrow::Cow;

use super::stats::Stats;
use super::{round1, Merged};
use crate::catalog::format_number;
use crate::columns::{DetailField, TaskCol, DETAIL_COLUMNS};
use crate::report::{FileReport, TaskRow};

/// A detail row's cells as text (percent and row as numbers' text), one per column of
/// [`DETAIL_COLUMNS`], which decides what each column holds.
pub fn detail_records<'m>(m: &'m Merged<'_>) -> impl Iterator<Item = [Cow<'m, str>; 12]> + 'm {
    m.detail()
        .map(|(f, r)| DETAIL_COLUMNS.map(|(field, _)| detail_cell(field, f, r)))
}

/// One cell of the detail.
fn detail_cell<'m>(field: DetailField, f: &'m FileReport, r: &'m TaskRow) -> Cow<'m, str> {
    match field {
        DetailField::Unit => Cow::Borrowed(f.unit.as_deref().unwrap_or("")),
        DetailField::File => Cow::Owned(f.file_name()),
        DetailField::Sheet => Cow::Borrowed(r.sheet.as_str()),
        DetailField::Row => Cow::Owned(r.row.to_string()),
        DetailField::Task(c) => match c {
            TaskCol::Number => Cow::Owned(r.task.to_string()),
            TaskCol::Role => Cow::Borrowed(r.role.map_or("", |x| x.label())),
            TaskCol::Status => Cow::Borrowed(r.status.map_or("", |s| s.label())),
            TaskCol::Percent => Cow::Owned(
                r.percent
                    .map(|p| format_number(round1(p)))
                    .unwrap_or_default(),
            ),
            TaskCol::Progress => Cow::Borrowed(r.progress.as_str()),
            TaskCol::Problems => Cow::Borrowed(r.problems.as_str()),
            TaskCol::NextSteps => Cow::Borrowed(r.next_steps.as_str()),
            TaskCol::Remarks => Cow::Borrowed(r.remarks.as_str()),
            // Canonical columns are the catalog's, not the return's: not in the detail.
            TaskCol::Section | TaskCol::Text | TaskCol::Leaders | TaskCol::Others => {
                Cow::Borrowed("")
            }
        },
    }
}

/// Prefixes `'` to text a spreadsheet would read as a formula (= + - @, tab, carriage return).
pub fn neutralise(s: &str) -> Cow<'_, str> {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{s}")),
        _ => Cow::Borrowed(s),
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
