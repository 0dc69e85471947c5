//! The feedback workbook: one return's problems as a table (单元格, 任务, 问题, 怎么改) that
//! the office can email back to the unit.
//!
//! A minimal rust_xlsxwriter user of its own until it joins `write.rs` (the templates
//! branch's writer); the bytes go out through `fsutil::write_atomic` like every output.

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, XlsxError};

use crate::report::{FileReport, FileStatus, Severity};

/// The feedback workbook's bytes for one checked return.
pub fn feedback_workbook(report: &FileReport, round: Option<&str>) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("问题清单")?;
    let title = Format::new()
        .set_bold()
        .set_font_size(16)
        .set_align(FormatAlign::Center);
    let header = Format::new()
        .set_bold()
        .set_background_color("D9E1F2")
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let cell = Format::new()
        .set_text_wrap()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::VerticalCenter);
    let error = cell.clone().set_font_color("C00000");
    let widths = [16.0, 8.0, 60.0, 50.0];
    for (i, w) in widths.iter().enumerate() {
        sheet.set_column_width(i as u16, *w)?;
    }
    let unit = report.unit.as_deref().unwrap_or("（未识别单位）");
    let heading = format!(
        "{unit}{} 报表问题清单",
        round.map(|r| format!(" {r}")).unwrap_or_default()
    );
    sheet.merge_range(0, 0, 0, 3, &heading, &title)?;
    sheet.set_row_height(0, 28)?;
    let verdict = match report.status {
        FileStatus::Accepted => "已通过（以下为提醒事项，请下次注意）",
        FileStatus::Rejected => "未通过：请按“怎么改”逐条修改后重新报送",
        FileStatus::Skipped => "已跳过",
    };
    let file = report
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    sheet.merge_range(
        1,
        0,
        1,
        3,
        &format!("文件：{file}　　结论：{verdict}"),
        &Format::new(),
    )?;
    for (c, t) in ["单元格", "任务", "问题", "怎么改"].iter().enumerate() {
        sheet.write_string_with_format(2, c as u16, *t, &header)?;
    }
    for (i, issue) in report.issues.iter().enumerate() {
        let r = 3 + i as u32;
        let place = match (&issue.sheet, &issue.cell) {
            (Some(s), Some(c)) => format!("{s}!{c}"),
            (Some(s), None) => s.clone(),
            _ => "整个文件".to_string(),
        };
        let task = issue.task.map(|t| t.to_string()).unwrap_or_default();
        let (word, fmt) = match issue.severity {
            Severity::Error => ("错误", &error),
            Severity::Warning => ("提醒", &cell),
        };
        sheet.write_string_with_format(r, 0, &place, &cell)?;
        sheet.write_string_with_format(r, 1, &task, &cell)?;
        sheet.write_string_with_format(
            r,
            2,
            format!("{word}：{}（{}）", issue.message, issue.code),
            fmt,
        )?;
        sheet.write_string_with_format(r, 3, &issue.fix, &cell)?;
    }
    sheet.set_freeze_panes(3, 0)?;
    sheet.set_landscape();
    sheet.set_paper_size(9);
    sheet.set_print_fit_to_pages(1, 0);
    book.save_to_buffer()
}
