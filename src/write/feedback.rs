//! The problem list of one return (问题清单): its issues as a table (序号, 位置, 任务, 问题,
//! 怎么改) that the office emails back to the unit, on A4 portrait: a title with the unit
//! and round, the date to resubmit by, the office's contact, the places in words
//! (任务进展表 H4 格), pages numbered. `check --feedback`, `mail feedback` and
//! `collect --reply` make it here, from the same report, with the same name
//! ([`crate::outputs::feedback`]).

use rust_xlsxwriter::{Color, Format, FormatAlign};

use super::report::{fit_row, workbook, Styles};
use super::{palette, paper, BuildError};
use crate::domain::report::{FileReport, FileStatus, Issue, Severity};

/// Column titles and widths: A4 portrait holds about 90 units.
const COLUMNS: [(&str, f64); 5] = [
    ("序号", 4.5),
    ("位置", 14.0),
    ("任务", 5.0),
    ("问题", 34.0),
    ("怎么改", 30.0),
];

/// What the list says besides the issues: who sent it back, how to reach them, by when.
#[derive(Clone, Debug, Default)]
pub struct FeedbackNotes {
    /// The office's name ("" when not known).
    pub office: String,
    /// The office's contact (person, phone; "" when not known).
    pub contact: String,
    /// The date to resubmit by, as written ("2020年7月5日").
    pub resubmit_by: Option<String>,
}

/// Where an issue is, in words: "任务进展表 H4 格", "任务进展表", "H4 格", "整个文件".
pub fn place_in_words(issue: &Issue) -> String {
    match (&issue.sheet, issue.cell()) {
        (Some(s), Some(c)) => format!("{s}表 {c} 格"),
        (Some(s), None) => format!("{s}表"),
        (None, Some(c)) => format!("{c} 格"),
        (None, None) => "整个文件".to_string(),
    }
}

/// The problem list's bytes for one checked return.
pub fn feedback_workbook(
    report: &FileReport,
    round: Option<&str>,
    notes: &FeedbackNotes,
) -> Result<Vec<u8>, BuildError> {
    let st = Styles::sized(10.0);
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
        .set_align(FormatAlign::VerticalCenter)
        .set_font_color(Color::RGB(palette::ERROR_TEXT));
    let cell = st.text.clone().set_align(FormatAlign::VerticalCenter);
    let last = COLUMNS.len() as u16 - 1;
    let width: f64 = COLUMNS.iter().map(|c| c.1).sum();
    for (i, (_, w)) in COLUMNS.iter().enumerate() {
        sheet.set_column_width(i as u16, *w)?;
    }
    sheet.merge_range(0, 0, 0, last, &heading, &st.title)?;
    sheet.set_row_height(0, 30)?;
    let verdict = match report.status {
        FileStatus::Accepted => "已通过（以下为提醒事项，请下次注意）".to_string(),
        FileStatus::Rejected => match &notes.resubmit_by {
            Some(d) => format!("未通过：请按“怎么改”逐条修改后，于{d}前重新报送"),
            None => "未通过：请按“怎么改”逐条修改后重新报送".to_string(),
        },
    };
    let mut info = vec![
        format!("文件：{}", report.file_name()),
        format!("结论：{verdict}"),
    ];
    let office = notes.office.trim();
    let from = if office.is_empty() {
        "督考办"
    } else {
        office
    };
    if !notes.contact.trim().is_empty() {
        info.push(format!("如有疑问，请联系{from}：{}", notes.contact.trim()));
    }
    let info = info.join("\n");
    let info_format = Format::new()
        .set_font_name(super::FONT)
        .set_font_size(10)
        .set_text_wrap()
        .set_align(FormatAlign::VerticalCenter);
    sheet.merge_range(1, 0, 1, last, &info, &info_format)?;
    fit_row(sheet, 1, &[(&info, width)])?;
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
        let place = place_in_words(issue);
        let problem = format!(
            "{}：{}（{}）",
            issue.severity().label(),
            issue.message,
            issue.code
        );
        sheet.write_number_with_format(r, 0, (i + 1) as f64, &st.center)?;
        sheet.write_string_with_format(r, 1, &place, &cell)?;
        sheet.write_string_with_format(r, 2, &task, &st.center)?;
        sheet.write_string_with_format(r, 3, &problem, fmt)?;
        sheet.write_string_with_format(r, 4, &issue.fix, &cell)?;
        fit_row(
            sheet,
            r,
            &[(&place, 14.0), (&problem, 34.0), (&issue.fix, 30.0)],
        )?;
    }
    sheet.set_freeze_panes(3, 0)?;
    super::report::print(sheet, 2)?;
    paper::set_paper(sheet, paper::Paper::A4, false)?;
    let what = format!("{}{unit} 报表问题清单", round.unwrap_or(""));
    paper::header(
        sheet,
        &what,
        &paper::Imprint {
            office: notes.office.clone(),
            ..Default::default()
        },
    );
    Ok(book.save_to_buffer()?)
}
