//! The consolidated workbook's other sheets: 统计 (with its charts), 量化指标, 未报送单位,
//! 退回重报单位, 报送文件 and 校验问题 (分单位明细 is in detail.rs).

use rust_xlsxwriter::{Chart, ChartFormat, ChartSolidFill, ChartType, Color, Worksheet, XlsxError};

use super::schedule_line;
use crate::catalog::format_number;
use crate::domain::merged::Merged;
use crate::domain::report::{FileReport, FileStatus, Severity};
use crate::domain::stats::{Counts, IndicatorLine, Stats};
use crate::domain::status::{Status, UnitState};
use crate::write::palette;
use crate::write::paper::Imprint;
use crate::write::report::{fit_row, number, text, title, titled_header, Styles};

/// One table of counts: a header row then one row per (label, counts), then a total when asked.
/// Returns the row after the table.
fn count_table(
    ws: &mut Worksheet,
    st: &Styles,
    row: u32,
    first: &str,
    items: &[(String, Counts)],
    total: Option<&Counts>,
) -> Result<u32, XlsxError> {
    ws.write_string_with_format(row, 0, first, &st.header)?;
    ws.write_string_with_format(row, 1, "任务数", &st.header)?;
    for (i, s) in Status::ALL.iter().enumerate() {
        ws.write_string_with_format(row, 2 + i as u16, s.label(), &st.header)?;
    }
    let mut r = row + 1;
    let total_row = total.map(|c| ("合计".to_string(), *c));
    for (label, c) in items.iter().chain(total_row.as_ref()) {
        ws.write_string_with_format(r, 0, label, &st.text)?;
        ws.write_number_with_format(r, 1, c.total() as f64, &st.center)?;
        for (i, s) in Status::ALL.iter().enumerate() {
            ws.write_number_with_format(r, 2 + i as u16, c.get(*s) as f64, &st.center)?;
        }
        r += 1;
    }
    Ok(r)
}

/// A stacked bar chart of the states over the table's rows `first..=last`.
fn chart(title: &str, first: u32, last: u32, header_row: u32) -> Chart {
    let mut chart = Chart::new(ChartType::BarStacked);
    for (i, s) in Status::ALL.iter().enumerate() {
        let col = 2 + i as u16;
        chart
            .add_series()
            .set_name(("统计", header_row, col))
            .set_categories(("统计", first, 0, last, 0))
            .set_values(("统计", first, col, last, col))
            .set_format(
                ChartFormat::new()
                    .set_solid_fill(ChartSolidFill::new().set_color(Color::RGB(palette::bar(*s)))),
            )
            .set_gap(60);
    }
    chart.title().set_name(title);
    // Categories top to bottom in table order.
    chart.y_axis().set_reverse();
    chart
        .set_width(720)
        .set_height(chart_height(last - first + 1));
    chart
}

/// 统计: counts by section, leader and unit, the return rate, and two charts.
pub(super) fn statistics(
    ws: &mut Worksheet,
    st: &Styles,
    m: &Merged,
    s: &Stats,
    (round, imprint): (&str, &Imprint),
) -> Result<(), XlsxError> {
    ws.set_name("统计")?;
    let widths = [
        30.0, 8.0, 8.0, 8.0, 8.0, 8.0, 8.0, 8.0, 8.0, 10.0, 12.0, 22.0,
    ];
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    let mut info = format!(
        "{}；{}；{}",
        schedule_line(m),
        s.overall.line("任务"),
        s.return_line()
    );
    if let Some(change) = super::tasks::change_line(m, &s.overall) {
        info.push_str(&format!("；{change}"));
    }
    super::tasks::push_imprint(&mut info, imprint);
    title(ws, st, &widths, &format!("{round}任务推进情况统计"), &info)?;

    let sec_header = 3;
    let end = count_table(
        ws,
        st,
        sec_header,
        "所属部分",
        &s.sections,
        Some(&s.overall),
    )?;
    let sec_last = sec_header + s.sections.len() as u32;

    let lead_header = end + 1;
    let leaders: Vec<(String, Counts)> =
        s.leaders.iter().map(|(l, c)| (l.to_string(), *c)).collect();
    let end = count_table(ws, st, lead_header, "牵头领导", &leaders, None)?;
    let lead_last = lead_header + leaders.len() as u32;

    // Per unit: the unit's own rows by state (未报送 here also counts rows left blank).
    let unit_header = end + 1;
    let units: Vec<(String, Counts)> = s
        .units
        .iter()
        .map(|u| (u.unit.to_string(), u.counts))
        .collect();
    count_table(ws, st, unit_header, "承办单位", &units, None)?;
    let extra = 2 + Status::ALL.len() as u16;
    for (i, t) in ["其中主办", "类别", "报送情况", "报送文件"]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(unit_header, extra + i as u16, *t, &st.header)?;
    }
    ws.write_string_with_format(unit_header, 1, "承担任务", &st.header)?;
    let unreported = 2 + Status::Unreported.index() as u16;
    ws.write_string_with_format(unit_header, unreported, "未报送/未填写", &st.header)?;
    for (i, u) in s.units.iter().enumerate() {
        let r = unit_header + 1 + i as u32;
        ws.write_number_with_format(r, extra, u.hosted as f64, &st.center)?;
        text(ws, r, extra + 1, u.kind, &st.center)?;
        let state_style = if u.state == UnitState::Accepted {
            &st.center
        } else {
            &st.missing
        };
        text(ws, r, extra + 2, u.state.label(), state_style)?;
        let file = u.file.map(file_name).unwrap_or_default();
        text(ws, r, extra + 3, &file, &st.text)?;
    }
    ws.autofilter(
        unit_header,
        0,
        unit_header + s.units.len() as u32,
        extra + 3,
    )?;
    ws.set_freeze_panes(2, 1)?;
    crate::write::report::print(ws, unit_header)?;
    // The tables on paper; the charts beside them are for the screen.
    let last_row = unit_header + s.units.len() as u32;
    ws.set_print_area(0, 0, last_row, widths.len() as u16 - 1)?;

    let by_section = chart("各部分任务推进状态", sec_header + 1, sec_last, sec_header);
    let chart_col = widths.len() as u16 + 1;
    ws.insert_chart(sec_header, chart_col, &by_section)?;
    let by_leader = chart(
        "各牵头领导分管任务推进状态",
        lead_header + 1,
        lead_last,
        lead_header,
    );
    // Default rows are 20 pixels high: start the second chart below the first.
    let below = sec_header + chart_height(s.sections.len() as u32).div_ceil(20) + 1;
    ws.insert_chart(below, chart_col, &by_leader)?;
    Ok(())
}

/// A bar chart's height in pixels for `bars` categories.
fn chart_height(bars: u32) -> u32 {
    (120 + 26 * bars).max(300)
}

fn file_name(f: &FileReport) -> String {
    f.path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// 量化指标: every indicator with target and reported values; unreported ones stand out.
pub(super) fn indicators(
    ws: &mut Worksheet,
    st: &Styles,
    lines: &[IndicatorLine],
    (round, imprint): (&str, &Imprint),
) -> Result<(), XlsxError> {
    ws.set_name("量化指标")?;
    let columns = [
        ("序号", 5.0),
        ("指标", 28.0),
        ("目标值", 9.0),
        ("单位", 6.0),
        ("比较", 6.0),
        ("报送单位及完成值", 30.0),
        ("完成值", 9.0),
        ("完成率(%)", 9.0),
        ("是否达标", 8.0),
        ("说明", 30.0),
    ];
    let n = lines.len() as u32;
    let (t, info) = super::sheet_title(round, "量化指标完成情况", format!("共{n}项指标"), imprint);
    let first = titled_header(ws, st, (&t, &info), &columns, n, 2)?;
    for (i, l) in lines.iter().enumerate() {
        let r = first + i as u32;
        let ind = l.indicator;
        let unreported = l.values.is_empty();
        let name_style = if unreported { &st.missing } else { &st.text };
        ws.write_number_with_format(r, 0, l.task, &st.center)?;
        text(ws, r, 1, &ind.name, name_style)?;
        ws.write_number_with_format(r, 2, ind.target, &st.center)?;
        text(ws, r, 3, &ind.unit, &st.center)?;
        text(ws, r, 4, ind.comparator.label(), &st.center)?;
        let values: Vec<String> = l
            .values
            .iter()
            .map(|(u, v, _)| format!("{u}：{}", format_number(*v)))
            .collect();
        let values = values.join("\n");
        let notes: Vec<String> = l
            .values
            .iter()
            .filter(|(_, _, n)| !n.trim().is_empty())
            .map(|(u, _, n)| {
                if l.values.len() > 1 {
                    format!("{u}：{}", n.trim())
                } else {
                    n.trim().to_string()
                }
            })
            .collect();
        let notes = notes.join("\n");
        text(ws, r, 5, &values, &st.text)?;
        if unreported {
            text(
                ws,
                r,
                6,
                crate::domain::status::UnitState::Missing.label(),
                &st.missing,
            )?;
            ws.write_blank(r, 7, &st.missing)?;
            ws.write_blank(r, 8, &st.missing)?;
        } else {
            number(ws, r, 6, l.total, &st.number)?;
            number(ws, r, 7, l.rate, &st.number)?;
            let met = match l.met() {
                Some(true) => "是",
                Some(false) => "否",
                None => "",
            };
            text(ws, r, 8, met, &st.center)?;
        }
        text(ws, r, 9, &notes, &st.text)?;
        fit_row(ws, r, &[(&ind.name, 28.0), (&values, 30.0), (&notes, 30.0)])?;
    }
    Ok(())
}

/// 未报送单位: expected units without a usable return, with the tasks they hold.
pub(super) fn missing(
    ws: &mut Worksheet,
    st: &Styles,
    (m, s): (&Merged, &Stats),
    (round, imprint): (&str, &Imprint),
) -> Result<(), XlsxError> {
    ws.set_name("未报送单位")?;
    let columns = [
        ("单位", 24.0),
        ("类别", 10.0),
        ("承担任务数", 8.0),
        ("其中主办", 8.0),
        ("承担任务序号", 60.0),
    ];
    let silent: Vec<_> = s
        .units
        .iter()
        .filter(|u| u.state == UnitState::Missing)
        .collect();
    let n = silent.len() as u32;
    let (t, info) = super::sheet_title(round, "未报送单位", format!("共{n}个单位"), imprint);
    let first = titled_header(ws, st, (&t, &info), &columns, n, 1)?;
    for (i, u) in silent.iter().enumerate() {
        let r = first + i as u32;
        let tasks: Vec<String> = m
            .catalog
            .tasks_of_unit(u.unit)
            .iter()
            .map(|(n, role)| match role {
                crate::catalog::Role::Host => format!("{n}（主办）"),
                crate::catalog::Role::CoUnit => n.to_string(),
            })
            .collect();
        let tasks = tasks.join("、");
        text(ws, r, 0, u.unit, &st.text)?;
        text(ws, r, 1, u.kind, &st.center)?;
        ws.write_number_with_format(r, 2, u.tasks as f64, &st.center)?;
        ws.write_number_with_format(r, 3, u.hosted as f64, &st.center)?;
        text(ws, r, 4, &tasks, &st.text)?;
        fit_row(ws, r, &[(&tasks, 60.0)])?;
    }
    Ok(())
}

/// 退回重报单位: expected units that sent files, none accepted, with their files and
/// what is wrong, so the office can chase them apart from those that sent nothing.
pub(super) fn rejected(
    ws: &mut Worksheet,
    st: &Styles,
    (m, s): (&Merged, &Stats),
    (round, imprint): (&str, &Imprint),
) -> Result<(), XlsxError> {
    ws.set_name("退回重报单位")?;
    let columns = [
        ("单位", 24.0),
        ("类别", 10.0),
        ("承担任务数", 8.0),
        ("报送文件", 36.0),
        ("错误数", 7.0),
        ("主要问题", 50.0),
    ];
    let sent_back: Vec<_> = s
        .units
        .iter()
        .filter(|u| u.state == UnitState::Rejected)
        .collect();
    let n = sent_back.len() as u32;
    let (t, info) = super::sheet_title(round, "退回重报单位", format!("共{n}个单位"), imprint);
    let first = titled_header(ws, st, (&t, &info), &columns, n, 1)?;
    for (i, u) in sent_back.iter().enumerate() {
        let r = first + i as u32;
        let files: Vec<&FileReport> = m
            .report
            .files
            .iter()
            .filter(|f| f.unit.as_deref() == Some(u.unit) && f.superseded_by.is_none())
            .collect();
        let names = files
            .iter()
            .map(|f| f.file_name())
            .collect::<Vec<_>>()
            .join("\n");
        let errors: usize = files.iter().map(|f| f.errors()).sum();
        let mut problems: Vec<String> = files
            .iter()
            .flat_map(|f| f.issues.iter().filter(|i| i.is_error()))
            .map(|i| i.message.clone())
            .take(5)
            .collect();
        if errors > problems.len() {
            problems.push(format!("……共 {errors} 个错误"));
        }
        let problems = problems.join("\n");
        text(ws, r, 0, u.unit, &st.text)?;
        text(ws, r, 1, u.kind, &st.center)?;
        ws.write_number_with_format(r, 2, u.tasks as f64, &st.center)?;
        text(ws, r, 3, &names, &st.text)?;
        ws.write_number_with_format(r, 4, errors as f64, &st.center)?;
        text(ws, r, 5, &problems, &st.text)?;
        fit_row(ws, r, &[(&names, 36.0), (&problems, 50.0)])?;
    }
    Ok(())
}

fn verdict(f: &FileReport) -> &'static str {
    match (f.status, &f.superseded_by) {
        (_, Some(_)) => "已被替代",
        (FileStatus::Accepted, None) => "采用",
        (FileStatus::Rejected, None) => "退回",
    }
}

/// 报送文件: every file read, with the check's verdict; nothing is dropped silently.
pub(super) fn files(
    ws: &mut Worksheet,
    st: &Styles,
    m: &Merged,
    (round, imprint): (&str, &Imprint),
) -> Result<(), XlsxError> {
    ws.set_name("报送文件")?;
    let columns = [
        ("文件", 36.0),
        ("单位", 20.0),
        ("期次", 14.0),
        ("结论", 8.0),
        ("替代文件", 30.0),
        ("错误", 6.0),
        ("警告", 6.0),
    ];
    let n = m.report.files.len() as u32;
    let (t, info) =
        super::sheet_title(round, "报送文件及校验结论", format!("共{n}份文件"), imprint);
    let first = titled_header(ws, st, (&t, &info), &columns, n, 1)?;
    for (i, f) in m.report.files.iter().enumerate() {
        let r = first + i as u32;
        let errors = f.issues.iter().filter(|i| i.is_error()).count();
        let path = imprint.shown(&f.path);
        let by = f
            .superseded_by
            .as_ref()
            .map(|p| imprint.shown(p))
            .unwrap_or_default();
        text(ws, r, 0, &path, &st.text)?;
        text(
            ws,
            r,
            1,
            f.unit.as_deref().unwrap_or("（未识别）"),
            &st.text,
        )?;
        text(ws, r, 2, f.round.as_deref().unwrap_or(""), &st.center)?;
        let v = verdict(f);
        text(
            ws,
            r,
            3,
            v,
            if v == "采用" {
                &st.center
            } else {
                &st.missing
            },
        )?;
        text(ws, r, 4, &by, &st.text)?;
        ws.write_number_with_format(r, 5, errors as f64, &st.center)?;
        ws.write_number_with_format(r, 6, (f.issues.len() - errors) as f64, &st.center)?;
        fit_row(ws, r, &[(&path, 36.0), (&by, 30.0)])?;
    }
    Ok(())
}

/// 校验问题: every issue of every file, as the check found it, streamed.
pub(super) fn issues(
    ws: &mut Worksheet,
    st: &Styles,
    m: &Merged,
    (round, imprint): (&str, &Imprint),
) -> Result<(), XlsxError> {
    ws.set_name("校验问题")?;
    let columns = [
        ("文件", 20.0),
        ("单位", 12.0),
        ("结论", 5.0),
        ("级别", 4.5),
        ("代码", 12.0),
        ("工作表", 7.0),
        ("单元格", 6.0),
        ("任务", 4.5),
        ("问题", 34.0),
        ("怎么改", 28.0),
    ];
    let n: usize = m.report.files.iter().map(|f| f.issues.len()).sum();
    let (t, info) = super::sheet_title(round, "校验问题清单", format!("共{n}个问题"), imprint);
    let mut r = titled_header(ws, st, (&t, &info), &columns, n as u32, 2)?;
    for f in &m.report.files {
        let name = file_name(f);
        for i in &f.issues {
            let cell = match (i.cell(), i.row) {
                (Some(c), _) => c,
                (None, Some(row)) => format!("第{row}行"),
                (None, None) => String::new(),
            };
            text(ws, r, 0, &name, &st.text)?;
            text(
                ws,
                r,
                1,
                f.unit.as_deref().unwrap_or("（未识别）"),
                &st.text,
            )?;
            text(ws, r, 2, verdict(f), &st.center)?;
            match i.severity() {
                Severity::Error => text(ws, r, 3, "错误", &st.missing)?,
                Severity::Warning => text(ws, r, 3, "警告", &st.center)?,
            }
            text(ws, r, 4, i.code.as_str(), &st.text)?;
            text(ws, r, 5, i.sheet.as_deref().unwrap_or(""), &st.center)?;
            text(ws, r, 6, &cell, &st.center)?;
            match i.task {
                Some(t) => ws
                    .write_number_with_format(r, 7, t, &st.center)
                    .map(|_| ())?,
                None => ws.write_blank(r, 7, &st.center).map(|_| ())?,
            }
            text(ws, r, 8, &i.message, &st.text)?;
            text(ws, r, 9, &i.fix, &st.text)?;
            fit_row(ws, r, &[(&name, 20.0), (&i.message, 34.0), (&i.fix, 28.0)])?;
            r += 1;
        }
    }
    Ok(())
}
