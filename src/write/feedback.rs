//! The problem list of one return (问题清单): its issues as a table (单元格, 任务, 问题, 怎么改)
//! that the office emails back to the unit. `check --feedback` and `mail feedback` both
//! make it here, from the same report, with the same name ([`crate::outputs::feedback`]).

use rust_xlsxwriter::{Color, Format};

use super::report::{workbook, Styles};
use super::{palette, BuildError};
use crate::domain::report::{FileReport, FileStatus, Severity};

/// Column titles and widths.
const COLUMNS: [(&str, f64); 4] = [
    ("单元格", 16.0),
    ("任务", 8.0),
    ("问题", 60.0),
    ("怎么改", 50.0),
];

/// The problem list's bytes for one checked return.
pub fn feedback_workbook(report: &FileReport, round: Option<&str>) -> Result<Vec<u8>, BuildError> {
    let st = Styles::new();
    let unit = report.unit.as_deref().unwrap_or("（未识别单位）");
    let heading = format!(
        "{unit}{} 报表问题清单",
        round.map(|r| format!(" {r}")).unwrap_or_default()
    );
    let mut book = workbook(&heading, 6);
    let sheet = book.add_worksheet();
    sheet.set_name("问题清单")?;
    let error = st
        .text
        .clone()
        .set_align(rust_xlsxwriter::FormatAlign::VerticalCenter)
        .set_font_color(Color::RGB(palette::ERROR_TEXT));
    let cell = st
        .text
        .clone()
        .set_align(rust_xlsxwriter::FormatAlign::VerticalCenter);
    for (i, (_, w)) in COLUMNS.iter().enumerate() {
        sheet.set_column_width(i as u16, *w)?;
    }
    sheet.merge_range(0, 0, 0, 3, &heading, &st.title)?;
    sheet.set_row_height(0, 28)?;
    let verdict = match report.status {
        FileStatus::Accepted => "已通过（以下为提醒事项，请下次注意）",
        FileStatus::Rejected => "未通过：请按“怎么改”逐条修改后重新报送",
    };
    sheet.merge_range(
        1,
        0,
        1,
        3,
        &format!("文件：{}　　结论：{verdict}", report.file_name()),
        &Format::new(),
    )?;
    for (c, (t, _)) in COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(2, c as u16, *t, &st.header)?;
    }
    for (i, issue) in report.issues.iter().enumerate() {
        let r = 3 + i as u32;
        let task = issue.task.map(|t| t.to_string()).unwrap_or_default();
        let fmt = match issue.severity() {
            Severity::Error => &error,
            Severity::Warning => &cell,
        };
        sheet.write_string_with_format(r, 0, issue.place(), &cell)?;
        sheet.write_string_with_format(r, 1, &task, &cell)?;
        sheet.write_string_with_format(
            r,
            2,
            format!(
                "{}：{}（{}）",
                issue.severity().label(),
                issue.message,
                issue.code
            ),
            fmt,
        )?;
        sheet.write_string_with_format(r, 3, &issue.fix, &cell)?;
    }
    sheet.set_freeze_panes(3, 0)?;
    sheet.set_landscape();
    sheet.set_paper_size(9);
    sheet.set_print_fit_to_pages(1, 0);
    Ok(book.save_to_buffer()?)
}
