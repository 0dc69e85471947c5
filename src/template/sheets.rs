//! The sheets of a template: 填报说明, 任务进展, 量化指标 and the hidden identity sheet.

use super::{canonical_cells, Role, Rows, Spec};
use crate::catalog::{Catalog, Indicator, Task};
use crate::columns::{task_layout, Column, IndicatorCol, TaskCol, INDICATOR_COLUMNS, TASK_COLUMNS};
use crate::domain::status::Status;
use crate::layout::{self, SHEET_GUIDE, SHEET_IDENTITY, SHEET_INDICATORS, SHEET_TASKS};
use crate::write::{page_footer, BuildError, Print, Prompt, Rule, Sheet, Style};

/// Row of the title on 任务进展 and 量化指标 (0-based).
pub const TITLE_ROW: u32 = 0;
/// Row of the 填报单位 / 填报期次 / 截止时间 line.
pub const LINE_ROW: u32 = 1;
/// Row of the column header.
pub const HEADER_ROW: u32 = 2;
/// First task (or indicator) row.
pub const FIRST_ROW: u32 = 3;

/// Columns of 任务进展 that are canonical (locked): 序号 … 其他承办单位, as the table says.
pub const CANONICAL_TASK_COLUMNS: usize = crate::columns::canonical(crate::columns::TASK_COLUMNS);
/// Columns of 量化指标 that are canonical: 序号 … 比较.
pub const CANONICAL_INDICATOR_COLUMNS: usize =
    crate::columns::canonical(crate::columns::INDICATOR_COLUMNS);

/// The title, and under it the unit, round and deadline over three column spans.
fn title_lines(
    sheet: &mut Sheet,
    spec: &Spec,
    title: &str,
    spans: [(u16, u16); 3],
) -> Result<(), BuildError> {
    sheet.merge(TITLE_ROW, 0, spans[2].1, title, Style::Title)?;
    sheet.min_height(TITLE_ROW, 30.0);
    let texts = [
        format!("{}：{}", layout::LINE_UNIT, spec.unit),
        format!("{}：{}", layout::LINE_ROUND, spec.round),
        format!("{}：{}", layout::LINE_DEADLINE, spec.deadline.chinese()),
    ];
    for ((first, last), text) in spans.into_iter().zip(texts) {
        sheet.merge(LINE_ROW, first, last, &text, Style::Subtitle)?;
    }
    Ok(())
}

/// The column widths of a column table (set first: row heights are estimated from them).
fn widths<C>(sheet: &mut Sheet, columns: &[crate::columns::Column<C>]) -> Result<(), BuildError> {
    let widths: Vec<f64> = columns.iter().map(|c| c.width).collect();
    sheet.set_widths(&widths)
}

/// The header row of a column table.
fn header<C>(sheet: &mut Sheet, columns: &[crate::columns::Column<C>]) -> Result<(), BuildError> {
    for (c, col) in columns.iter().enumerate() {
        sheet.text(HEADER_ROW, c as u16, col.title, Style::Header)?;
    }
    Ok(())
}

/// The style of a template cell: canonical on grey or input on white, centred or wrapped.
fn cell_style<C>(col: &crate::columns::Column<C>) -> Style {
    match (col.input, col.centred) {
        (false, true) => Style::CellCenter,
        (false, false) => Style::Cell,
        (true, true) => Style::InputCenter,
        (true, false) => Style::Input,
    }
}

fn print_setup(sheet: &mut Sheet, spec: &Spec) -> Result<(), BuildError> {
    sheet.print(&Print {
        landscape: true,
        repeat_rows: Some((HEADER_ROW, HEADER_ROW)),
        footer: page_footer(spec.unit, spec.round),
    })
}

/// Whether any of the rows' tasks has a 完成时限 in the catalog: then 任务进展 shows the
/// column (empty for the tasks without one).
pub(super) fn has_deadlines(cat: &Catalog, rows: &[(u32, Role)]) -> bool {
    (rows.iter()).any(|(n, _)| cat.task(*n).is_some_and(|t| t.deadline.is_some()))
}

/// The style of a 任务进展 cell: last round's columns on their own grey, the others as
/// [`cell_style`] says.
fn task_cell_style(col: &Column<TaskCol>) -> Style {
    match col.id {
        TaskCol::LastStatus | TaskCol::LastPercent => Style::ReferenceCenter,
        TaskCol::LastProgress => Style::Reference,
        _ => cell_style(col),
    }
}

/// A column's header: 上期工作进展 names last round on a second line.
fn task_title(col: &Column<TaskCol>, spec: &Spec) -> String {
    match (col.id, spec.last) {
        (TaskCol::LastProgress, Some(last)) => format!("{}\n（{}）", col.title, last.round),
        _ => col.title.to_string(),
    }
}

pub(super) fn tasks_sheet(
    cat: &Catalog,
    spec: &Spec,
    rows: &[(u32, Role)],
) -> Result<Sheet, BuildError> {
    let mut sheet = Sheet::new(SHEET_TASKS)?;
    let layout = task_layout(has_deadlines(cat, rows), spec.last.is_some());
    let at = |id: TaskCol| {
        let c = layout.iter().position(|c| c.id == id);
        c.expect("every layout has the base columns") as u16
    };
    sheet.set_widths(&layout.iter().map(|c| c.width).collect::<Vec<_>>())?;
    let last_col = (layout.len() - 1) as u16;
    title_lines(
        &mut sheet,
        spec,
        &cat.notice().template_title(),
        [(0, 2), (3, 7), (8, last_col)],
    )?;
    for (c, col) in layout.iter().enumerate() {
        sheet.text(HEADER_ROW, c as u16, &task_title(col, spec), Style::Header)?;
    }
    let (col_status, col_percent) = (at(TaskCol::Status), at(TaskCol::Percent));
    // The canonical cells' places in the base table, which [`canonical_cells`] follows.
    let canonical = |id: TaskCol| {
        TASK_COLUMNS[..CANONICAL_TASK_COLUMNS]
            .iter()
            .position(|c| c.id == id)
    };
    for (i, (n, role)) in rows.iter().enumerate() {
        let r = FIRST_ROW + i as u32;
        let task = cat.task(*n).expect("rows come from the catalog");
        let cells = canonical_cells(cat, spec.unit, task, *role);
        let closed = spec.closed.contains(n);
        let last = spec.last.and_then(|l| l.row(spec.unit, *n));
        for (c, col) in layout.iter().enumerate() {
            let (c, style) = (c as u16, task_cell_style(col));
            match (col.id, canonical(col.id)) {
                (TaskCol::Number, _) => sheet.number(r, c, f64::from(*n), style)?,
                (_, Some(k)) => sheet.text(r, c, &cells[k], style)?,
                (TaskCol::Deadline, _) => {
                    sheet.text(r, c, task.deadline.as_deref().unwrap_or(""), style)?
                }
                (TaskCol::LastStatus, _) => {
                    let status = last.as_ref().and_then(|p| p.status);
                    sheet.text(r, c, status.map_or("", |s| s.label()), style)?
                }
                (TaskCol::LastPercent, _) => match last.as_ref().and_then(|p| p.percent) {
                    Some(p) => sheet.number(r, c, p, style)?,
                    None => sheet.blank(r, c, style)?,
                },
                (TaskCol::LastProgress, _) => {
                    sheet.text(r, c, last.as_ref().map_or("", |p| &p.progress), style)?
                }
                // 办结: the status said, locked; nothing else asked for.
                (TaskCol::Status, _) if closed => {
                    sheet.text(r, c, Status::Closed.label(), Style::CellCenter)?
                }
                _ if closed => sheet.blank(r, c, Style::Cell)?,
                _ => sheet.blank(r, c, style)?,
            }
        }
    }
    let last_row = FIRST_ROW + rows.len().max(1) as u32 - 1;
    if !rows.is_empty() {
        let statuses: Vec<&str> = Status::REPORTED.iter().map(|s| s.label()).collect();
        let status = TaskCol::Status.title();
        sheet.validate(
            (FIRST_ROW, col_status, last_row, col_status),
            Rule::List(&statuses),
            &Prompt {
                title: status,
                input: &format!(
                    "请从下拉列表中选择：{}（含义见“填报说明”）。",
                    statuses.join("、")
                ),
                error: &format!(
                    "{status}只能是“{}”之一，请从下拉列表中选择。",
                    statuses.join("”“")
                ),
            },
        )?;
        sheet.validate(
            (FIRST_ROW, col_percent, last_row, col_percent),
            Rule::Decimal(0.0, 100.0),
            &Prompt {
                title: TaskCol::Percent.title(),
                input: "填 0 到 100 之间的数字，表示完成的百分比：完成八成填 80，不要写“80%”或“八成”。",
                error: "完成进度只能填 0 到 100 之间的数字（不带 % 号），如 80。",
            },
        )?;
        sheet.color_statuses(FIRST_ROW, last_row, col_status)?;
    }
    // Contact lines after one blank row: the label right-aligned in 任务内容 (wide enough
    // for 审核人（分管负责人）), the value in the next cell, merged over three columns.
    let contacts = [
        (layout::CONTACT_FILLER, Style::Input, "请填写填报人姓名。"),
        (
            layout::CONTACT_PHONE,
            Style::InputText,
            "请填写办公电话或手机号码，如 0537-3412345 或 13800000000，多个号码用“、”分开。",
        ),
        (
            layout::CONTACT_REVIEWER,
            Style::Input,
            "请填写审核本表的分管负责人姓名。",
        ),
    ];
    let text = at(TaskCol::Text);
    for (i, (label, style, input)) in contacts.into_iter().enumerate() {
        let r = last_row + 2 + i as u32;
        sheet.text(r, text, label, Style::Label)?;
        sheet.merge(r, text + 1, text + 3, "", style)?;
        let (rule, error) = if label == layout::CONTACT_PHONE {
            (
                Rule::TextLength(5, 40),
                "联系电话应为 5 到 40 个字符，如 0537-3412345 或 13800000000。",
            )
        } else {
            (Rule::Any, "")
        };
        sheet.validate(
            (r, text + 1, r, text + 3),
            rule,
            &Prompt {
                title: label,
                input,
                error,
            },
        )?;
    }
    sheet.freeze(FIRST_ROW, 0)?;
    sheet.protect(spec.password);
    print_setup(&mut sheet, spec)?;
    Ok(sheet)
}

pub(super) fn indicators_sheet(
    spec: &Spec,
    indicators: &[(&Task, &Indicator)],
) -> Result<Sheet, BuildError> {
    let mut sheet = Sheet::new(SHEET_INDICATORS)?;
    widths(&mut sheet, INDICATOR_COLUMNS)?;
    let last_col = (INDICATOR_COLUMNS.len() - 1) as u16;
    title_lines(
        &mut sheet,
        spec,
        "量化指标完成情况",
        [(0, 1), (2, 5), (6, last_col)],
    )?;
    header(&mut sheet, INDICATOR_COLUMNS)?;
    for (i, (task, ind)) in indicators.iter().enumerate() {
        let r = FIRST_ROW + i as u32;
        for (c, col) in INDICATOR_COLUMNS.iter().enumerate() {
            let (c, style) = (c as u16, cell_style(col));
            match col.id {
                IndicatorCol::Number => sheet.number(r, c, f64::from(task.number), style)?,
                IndicatorCol::Name => sheet.text(r, c, &ind.name, style)?,
                IndicatorCol::Target => sheet.number(r, c, ind.target, style)?,
                IndicatorCol::Measure => sheet.text(r, c, &ind.unit, style)?,
                IndicatorCol::Comparator => sheet.text(r, c, ind.comparator.label(), style)?,
                IndicatorCol::Value | IndicatorCol::Note => sheet.blank(r, c, style)?,
            }
        }
    }
    let last_row = FIRST_ROW + indicators.len() as u32 - 1;
    let col_value = IndicatorCol::Value.index();
    sheet.validate(
        (FIRST_ROW, col_value, last_row, col_value),
        Rule::Decimal(-1.0e12, 1.0e12),
        &Prompt {
            title: IndicatorCol::Value.title(),
            input: "填截至本期末的累计完成值，只填数字，单位见“单位”列：如 3.5，不要写“3.5亿元”。需要说明的写在“说明”列。",
            error: "完成值只能填数字（单位见“单位”列）；文字说明请写在“说明”列。",
        },
    )?;
    sheet.freeze(FIRST_ROW, 0)?;
    sheet.protect(spec.password);
    print_setup(&mut sheet, spec)?;
    Ok(sheet)
}

pub(super) fn guide_sheet(
    cat: &Catalog,
    spec: &Spec,
    rows: &[(u32, Role)],
    has_indicators: bool,
) -> Result<Sheet, BuildError> {
    let mut sheet = Sheet::new(SHEET_GUIDE)?;
    sheet.set_widths(&[16.0, 100.0])?;
    sheet.merge(
        0,
        0,
        1,
        &format!("{}填报说明", cat.notice().template_title()),
        Style::Title,
    )?;
    sheet.min_height(0, 30.0);
    let hosts = rows.iter().filter(|(_, r)| *r == Role::Host).count();
    let count = match spec.rows {
        Rows::All => format!(
            "共 {} 项，其中主办 {} 项、协办 {} 项",
            rows.len(),
            hosts,
            rows.len() - hosts
        ),
        Rows::HostsOnly => format!("共 {hosts} 项（仅列本单位主办的任务）"),
    };
    let facts = [
        (layout::LINE_UNIT, spec.unit.to_string()),
        (layout::LINE_ROUND, spec.round.to_string()),
        (
            layout::LINE_DEADLINE,
            format!("{}（请在此之前报送）", spec.deadline.chinese()),
        ),
        ("本单位任务", count),
    ];
    let mut r = 1;
    for (label, value) in facts {
        sheet.text(r, 0, label, Style::Label)?;
        sheet.text(r, 1, &value, Style::Cell)?;
        r += 1;
    }
    r += 1;
    sheet.merge(
        r,
        0,
        1,
        "推进状态的含义（“任务进展”表“推进状态”列从下拉列表选择）",
        Style::Heading,
    )?;
    r += 1;
    for s in Status::REPORTED {
        sheet.text(r, 0, s.label(), Style::Status(s))?;
        sheet.text(r, 1, s.meaning(), Style::Cell)?;
        r += 1;
    }
    r += 1;
    sheet.merge(r, 0, 1, "填写要求", Style::Heading)?;
    r += 1;
    let canonical = match has_deadlines(cat, rows) {
        true => "序号、所属部分、任务内容、完成时限、牵头领导、本单位角色、其他承办单位",
        false => "序号、所属部分、任务内容、牵头领导、本单位角色、其他承办单位",
    };
    let mut items = vec![
        format!("“任务进展”表中每行是本单位承担的一项任务。灰色单元格是任务清单内容（{canonical}），已锁定，不需修改；白色单元格由本单位填写。"),
        "推进状态：从下拉列表中选择，不要自行输入其他文字。状态为“滞后”的，须在“存在问题”中说明原因，在“下步措施”中写明整改措施和时限。".to_string(),
        "完成进度(%)：填 0 到 100 之间的数字，表示完成的百分比。完成八成填 80，不要写“80%”“0.8”或“八成”；已完成的填 100。".to_string(),
        "工作进展、存在问题、下步措施：写截至本期末的实际情况，尽量具体（做了什么、完成多少、时间节点）；没有的写“无”。单元格内换行按 Alt+Enter。".to_string(),
    ];
    if let Some(last) = spec.last {
        items.push(format!(
            "“{}”“{}”“{}”三列（深灰色）是本单位上期（{}）报送的内容，已锁定，仅供对照；请在其右侧的白色单元格中填写本期的推进状态、完成进度和工作进展，写明本期新的进展，不要照抄上期。上期没有采用的报送内容时，“{}”显示“{}”“{}”或“{}”。",
            TaskCol::LastStatus.title(),
            TaskCol::LastPercent.title(),
            TaskCol::LastProgress.title(),
            last.round,
            TaskCol::LastStatus.title(),
            Status::Unreported.label(),
            Status::Rejected.label(),
            Status::Closed.label(),
        ));
    }
    match spec.rows {
        Rows::All => items.push(
            "本单位角色为“协办”的任务：只填本单位承担部分的进展，由主办单位汇总；推进状态按本单位承担部分填写。".into(),
        ),
        Rows::HostsOnly => items.push(
            "本表只列本单位主办的任务：请主办单位收集协办单位的进展，汇总后统一填写。".into(),
        ),
    }
    if has_indicators {
        items.push(
            "“量化指标”表：序号是任务序号。在“完成值”列填截至本期末的累计完成值，只填数字，单位以“单位”列为准；口径或数据来源需要说明的写在“说明”列。".into(),
        );
    }
    items.extend([
        "请勿插入、删除、移动行或列，请勿修改工作表名称，请勿合并或拆分单元格，请勿把表格内容复制到新文件中填报；行高、列宽可以调整。".to_string(),
        format!("填写完成后，在“任务进展”表下方填写填报人、联系电话、审核人（分管负责人），以原文件（.xlsx 格式，不要改文件名）于 {} 前报送。", spec.deadline.chinese()),
        format!("联系方式：{}", spec.office_contact.filter(|c| !c.trim().is_empty()).unwrap_or("如有疑问，请联系区督考办。")),
    ]);
    for (i, item) in items.iter().enumerate() {
        sheet.merge(r, 0, 1, &format!("{}. {item}", i + 1), Style::Paragraph)?;
        r += 1;
    }
    sheet.protect(spec.password);
    sheet.print(&Print {
        landscape: false,
        repeat_rows: None,
        footer: page_footer(spec.unit, spec.round),
    })?;
    Ok(sheet)
}

/// The hidden identity sheet: one (key, value) per row.
pub(super) fn identity_sheet(
    facts: &[(String, String)],
    password: Option<&str>,
) -> Result<Sheet, BuildError> {
    let mut hidden = Sheet::new(SHEET_IDENTITY)?;
    hidden.set_widths(&[16.0, 40.0])?;
    for (i, (k, v)) in facts.iter().enumerate() {
        hidden.text(i as u32, 0, k, Style::Plain)?;
        hidden.text(i as u32, 1, v, Style::Plain)?;
    }
    hidden.very_hidden();
    hidden.protect(password);
    Ok(hidden)
}
