//! The row rules: each task row matched to the catalog and its values normalised and
//! judged; then the tasks the unit left out, the contact lines and the indicator values.

use std::collections::BTreeSet;

use super::header::{find_indicator_header, find_task_header, Col, Header, IndCol};
use super::identity::Identity;
use super::values::{fmt, number, parse_percent, parse_status, phone_ok, PercentError};
use super::{At, Issues};
use crate::catalog::names::{distance, fold};
use crate::catalog::{Catalog, Role};
use crate::layout::{Status, CONTACT_FILLER, CONTACT_PHONE};
use crate::read::{Cell, Format, Limits, Sheet, Value, Workbook};
use crate::report::{Contact, IndicatorValue, ReturnData, TaskRow};

const INPUT_COLS: [Col; 6] = [
    Col::Status,
    Col::Percent,
    Col::Progress,
    Col::Problems,
    Col::NextSteps,
    Col::Remarks,
];

fn col_title(c: Col) -> &'static str {
    match c {
        Col::Number => "序号",
        Col::Section => "所属部分",
        Col::Text => "任务内容",
        Col::Leaders => "牵头领导",
        Col::Role => "本单位角色",
        Col::Others => "其他承办单位",
        Col::Status => "推进状态",
        Col::Percent => "完成进度(%)",
        Col::Progress => "工作进展",
        Col::Problems => "存在问题",
        Col::NextSteps => "下步措施",
        Col::Remarks => "备注",
    }
}

pub(super) fn check_rows(
    book: &Workbook,
    catalog: &Catalog,
    id: &Identity,
    limits: &Limits,
    issues: &mut Issues,
) -> ReturnData {
    let mut data = ReturnData::default();
    let Some(h) = find_task_header(book) else {
        issues.push(
            "E-HEADER-MISSING",
            At::default(),
            "找不到任务表的表头：前 15 行中没有同时含“序号”（或“任务内容”）和“推进状态”等列标题的行",
            "请使用下发的模板填报，不要删除或改写表头行（序号、任务内容、推进状态、完成进度(%)、工作进展……）",
        );
        return data;
    };
    let sheet = &book.sheets[h.sheet];
    let sname = sheet.name.as_str();
    report_cut_cells(sheet, limits, issues);
    for c in [Col::Percent, Col::Progress] {
        if h.col(c).is_none() {
            issues.push(
                "E-COLUMN-MISSING",
                At {
                    sheet: Some(sname),
                    row: Some(h.row),
                    ..At::default()
                },
                format!("表头（第 {} 行）中没有“{}”列", h.row + 1, col_title(c)),
                format!("请恢复模板中的“{}”列并填写", col_title(c)),
            );
        }
    }

    let mut seen: BTreeSet<u32> = BTreeSet::new();
    let mut contact_rows = false;
    let fraction_guess = book.format != Format::Xlsx;
    for r in sheet.rows().into_iter().filter(|r| *r > h.row) {
        if contact_rows || is_contact_row(sheet, r) {
            contact_rows = true;
            read_contacts(sheet, r, &mut data.contact);
            continue;
        }
        let cell = |c: Col| h.col(c).and_then(|i| sheet.cell(r, i));
        let pos = |c: Col| h.col(c).map(|i| (r, i));
        let has_input = INPUT_COLS
            .iter()
            .any(|c| cell(*c).is_some_and(|x| !x.value.is_empty()));
        let row_text = cell(Col::Text).map(|c| c.value.text()).unwrap_or_default();
        let at_row = At {
            sheet: Some(sname),
            pos: pos(Col::Number).or(Some((r, 0))),
            ..At::default()
        };
        let task_no = match cell(Col::Number).and_then(|c| task_number(&c.value)) {
            Some(n) => n,
            None if !has_input => continue, // blank, instruction or spacer row
            None => match match_by_text(catalog, id, &row_text) {
                Some(n) => {
                    issues.push(
                        "W-TASK-MATCHED-BY-TEXT",
                        At {
                            task: Some(n),
                            ..at_row
                        },
                        format!("第 {} 行没有序号，按任务内容认定为任务 {n}", r + 1),
                        format!("请在该行“序号”处填写 {n}"),
                    );
                    n
                }
                None => {
                    issues.push(
                        "E-TASK-NUMBER-MISSING",
                        at_row,
                        format!(
                            "第 {} 行填了内容，但没有序号，任务内容也对不上任何任务",
                            r + 1
                        ),
                        "请填写该行的任务序号（与下发模板一致），不要新增行",
                    );
                    continue;
                }
            },
        };
        let at = |c: Col| At {
            sheet: Some(sname),
            pos: pos(c).or(Some((r, 0))),
            row: Some(r),
            task: Some(task_no),
        };
        let Some(task) = catalog.task(task_no) else {
            issues.push(
                "E-TASK-UNKNOWN",
                at(Col::Number),
                format!(
                    "序号 {task_no} 不在任务清单中（清单共 {} 项任务）",
                    catalog.tasks().len()
                ),
                "请核对序号，按下发模板填写，不要新增或改动序号",
            );
            continue;
        };
        let role = id.unit.as_deref().and_then(|u| catalog.role(u, task_no));
        if let (Some(unit), None) = (&id.unit, role) {
            issues.push(
                "E-TASK-NOT-ASSIGNED",
                at(Col::Number),
                format!("任务 {task_no} 不是“{unit}”承办的任务"),
                "请删除该行；如确有承办，请联系区督考办核实任务清单",
            );
            continue;
        }
        if !seen.insert(task_no) {
            issues.push(
                "E-TASK-DUPLICATE",
                at(Col::Number),
                format!("任务 {task_no} 重复出现"),
                "每项任务只填一行：请合并内容，删除重复的行",
            );
            continue;
        }
        if h.col(Col::Text).is_some() {
            check_text(&row_text, &task.text, at(Col::Text), issues);
        }
        let mut errored = BTreeSet::new();
        for c in INPUT_COLS {
            if let Some(Value::Error(e)) = cell(c).map(|x| &x.value) {
                errored.insert(c);
                issues.push(
                    "E-CELL-ERROR",
                    at(c),
                    format!("“{}”是错误值 {e}", col_title(c)),
                    "请删除公式或错误引用，直接填写内容",
                );
            }
        }
        let text = |c: Col| {
            if errored.contains(&c) {
                String::new()
            } else {
                cell(c).map(|x| x.value.text()).unwrap_or_default()
            }
        };

        let status = if errored.contains(&Col::Status) {
            None
        } else {
            check_status(&text(Col::Status), at(Col::Status), issues)
        };
        let percent = if errored.contains(&Col::Percent) || h.col(Col::Percent).is_none() {
            None
        } else {
            check_percent(cell(Col::Percent), fraction_guess, at(Col::Percent), issues)
        };
        match (status, percent) {
            (Some(Status::Done), Some(p)) if p < 100.0 => issues.push(
                "E-DONE-NOT-100",
                at(Col::Percent),
                format!("推进状态为“已完成”，但完成进度是 {}", fmt(p)),
                "已完成的任务完成进度应填 100；如尚未全部完成，请把推进状态改为“序时推进”或“滞后”",
            ),
            (Some(Status::NotStarted), Some(p)) if p > 0.0 => issues.push(
                "E-NOTSTARTED-NOT-0",
                at(Col::Percent),
                format!("推进状态为“未启动”，但完成进度是 {}", fmt(p)),
                "未启动的任务完成进度应填 0；如已开始实施，请把推进状态改为“序时推进”或“滞后”",
            ),
            _ => {}
        }
        let progress = text(Col::Progress);
        if role != Some(Role::CoUnit)
            && progress.is_empty()
            && !errored.contains(&Col::Progress)
            && h.col(Col::Progress).is_some()
        {
            issues.push(
                "E-PROGRESS-MISSING",
                at(Col::Progress),
                format!("任务 {task_no} 由本单位主办，“工作进展”未填写"),
                "请填写本期工作进展：做了哪些工作、取得什么成效（可分条）",
            );
        }
        let problems = text(Col::Problems);
        if status == Some(Status::Lagging)
            && problems.is_empty()
            && !errored.contains(&Col::Problems)
        {
            issues.push(
                "E-PROBLEMS-MISSING",
                at(Col::Problems),
                "推进状态为“滞后”，但“存在问题”未填写",
                "请在“存在问题”中说明滞后的原因，并在“下步措施”中写明如何追赶进度",
            );
        }
        data.rows.push(TaskRow {
            task: task_no,
            role,
            status,
            percent,
            progress,
            problems,
            next_steps: text(Col::NextSteps),
            remarks: text(Col::Remarks),
            sheet: sname.to_string(),
            row: r + 1,
        });
    }

    if let Some(unit) = &id.unit {
        for (n, role) in catalog.tasks_of_unit(unit) {
            if seen.contains(n) || (id.hosts_only && *role == Role::CoUnit) {
                continue;
            }
            issues.push(
                "E-TASK-MISSING",
                At {
                    sheet: Some(sname),
                    task: Some(*n),
                    ..At::default()
                },
                format!("缺少任务 {n}（本单位{}）的填报行", role.label()),
                format!("请按下发模板补上任务 {n} 的一行并填写，不要删除模板中的行"),
            );
        }
    }
    check_contact(sheet, &data.contact, issues);
    if let Some(ih) = find_indicator_header(book, Some(h.sheet)) {
        let isheet = &book.sheets[ih.sheet];
        report_cut_cells(isheet, limits, issues);
        data.indicators = check_indicators(isheet, &ih, catalog, id, issues);
    }
    data
}

fn report_cut_cells(sheet: &Sheet, limits: &Limits, issues: &mut Issues) {
    for ((r, c), cell) in &sheet.cells {
        if let Some(n) = cell.cut_from {
            issues.push(
                "E-CELL-TOO-LONG",
                At {
                    sheet: Some(&sheet.name),
                    pos: Some((*r, *c)),
                    ..At::default()
                },
                format!("单元格内容过长（{n} 字，上限 {} 字）", limits.cell_chars),
                "请精简内容；详细材料请另附文件报送",
            );
        }
    }
}

/// 序号 as typed: 3, "3", "3.", "（3）".
fn task_number(v: &Value) -> Option<u32> {
    match v {
        Value::Number(f) if f.fract() == 0.0 && *f >= 1.0 && *f < 1e6 => Some(*f as u32),
        Value::Text(s) => {
            let t: String = fold(s)
                .trim_matches(|c: char| !c.is_ascii_digit())
                .to_string();
            t.parse().ok().filter(|n| *n > 0)
        }
        _ => None,
    }
}

/// Text compared without spaces, punctuation or a trailing （牵头领导：…） note.
fn fold_text(s: &str) -> String {
    let f = fold(s);
    let f = match f.find("(牵头领导").or_else(|| f.find("(责任领导")) {
        Some(p) => &f[..p],
        None => &f,
    };
    f.chars().filter(|c| c.is_alphanumeric()).collect()
}

/// A row without 序号 is matched when its text is close to one task's (≥ 85 % alike, or a
/// long beginning of it).
fn match_by_text(catalog: &Catalog, id: &Identity, text: &str) -> Option<u32> {
    let t = fold_text(text);
    if t.chars().count() < 8 {
        return None;
    }
    let candidates: Vec<u32> = match &id.unit {
        Some(u) => catalog.tasks_of_unit(u).iter().map(|(n, _)| *n).collect(),
        None => catalog.tasks().iter().map(|t| t.number).collect(),
    };
    let mut best: Option<(f64, u32)> = None;
    for n in candidates {
        let ct = fold_text(&catalog.task(n)?.text);
        let sim = if ct.starts_with(&t) && t.chars().count() >= 15 {
            0.95
        } else {
            let len = t.chars().count().max(ct.chars().count()) as f64;
            1.0 - distance(&t, &ct) as f64 / len
        };
        if sim >= 0.85 && best.is_none_or(|(s, _)| sim > s) {
            best = Some((sim, n));
        }
    }
    best.map(|(_, n)| n)
}

/// Warns when the canonical 任务内容 was edited, showing what changed.
fn check_text(cell: &str, canonical: &str, at: At<'_>, issues: &mut Issues) {
    if cell == canonical || fold_text(cell) == fold_text(canonical) {
        return;
    }
    let what = if cell.trim().is_empty() {
        "被清空".to_string()
    } else {
        let (a, b) = diff(canonical, cell);
        format!("原文“{a}”被改为“{b}”")
    };
    issues.push(
        "W-TEXT-ALTERED",
        at,
        format!("任务内容与任务清单不一致：{what}"),
        "任务内容由区督考办统一下发，请勿修改；如需说明，请写在“备注”中",
    );
}

/// The differing middle of two texts, with a little context, each cut to 30 chars.
fn diff(a: &str, b: &str) -> (String, String) {
    let a: Vec<char> = a.trim().chars().collect();
    let b: Vec<char> = b.trim().chars().collect();
    let pre = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suf = a[pre..]
        .iter()
        .rev()
        .zip(b[pre..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let show = |s: &[char]| {
        let start = pre.saturating_sub(4);
        let end = (s.len() - suf + 4).min(s.len());
        let mut out: String = s[start..end].iter().take(30).collect();
        if start > 0 {
            out.insert(0, '…');
        }
        if end < s.len() || end - start > 30 {
            out.push('…');
        }
        out
    };
    (show(&a), show(&b))
}

fn check_status(text: &str, at: At<'_>, issues: &mut Issues) -> Option<Status> {
    let four = "已完成、序时推进、滞后、未启动";
    if text.is_empty() {
        issues.push(
            "E-STATUS-MISSING",
            at,
            "“推进状态”未填写",
            format!("请从下拉列表中选择：{four}"),
        );
        return None;
    }
    match parse_status(text) {
        Some((s, true)) => Some(s),
        Some((s, false)) => {
            issues.push(
                "W-STATUS-NORMALISED",
                at,
                format!("推进状态“{text}”按“{}”读取", s.label()),
                format!("请从下拉列表中选择规范写法：{four}"),
            );
            Some(s)
        }
        None => {
            issues.push(
                "E-STATUS-INVALID",
                at,
                format!("推进状态“{text}”不是规定的四种之一"),
                format!("请从下拉列表中选择：{four}"),
            );
            None
        }
    }
}

fn check_percent(
    cell: Option<&Cell>,
    fraction_guess: bool,
    at: At<'_>,
    issues: &mut Issues,
) -> Option<f64> {
    match parse_percent(cell, fraction_guess) {
        Err(PercentError::Missing) => {
            issues.push(
                "E-PERCENT-MISSING",
                at,
                "“完成进度(%)”未填写",
                "请填写 0 到 100 之间的数字（如完成八成填 80）",
            );
            None
        }
        Err(PercentError::NotNumber(s)) => {
            issues.push(
                "E-PERCENT-INVALID",
                at,
                format!("完成进度“{s}”不是数字"),
                "请填写 0 到 100 之间的数字（如完成八成填 80），不要填文字",
            );
            None
        }
        Ok((v, _)) if !(0.0..=100.0).contains(&v) => {
            issues.push(
                "E-PERCENT-RANGE",
                at,
                format!("完成进度 {} 超出 0-100 的范围", fmt(v)),
                "请填写 0 到 100 之间的数字（如完成八成填 80）",
            );
            None
        }
        Ok((v, Some(how))) => {
            issues.push(
                "W-PERCENT-NORMALISED",
                at,
                format!("完成进度“{how}”按 {} 读取", fmt(v)),
                "请直接填写 0 到 100 之间的数字（如 80），不要带 % 或文字",
            );
            Some(v)
        }
        Ok((v, None)) => Some(v),
    }
}

const CONTACT_LABELS: &[(&str, u8)] = &[
    (CONTACT_FILLER, 0),
    ("联系人", 0),
    (CONTACT_PHONE, 1),
    ("联系方式", 1),
    ("审核人", 2),
    ("分管负责人", 2),
];

fn contact_label(text: &str) -> Option<(u8, String)> {
    // Every text cell below the table is asked: first a look at the first character that
    // folding keeps, then a fold of a short head, and only then of the whole text.
    let first = text.chars().find_map(crate::catalog::names::fold_char)?;
    if !CONTACT_LABELS.iter().any(|(l, _)| l.starts_with(first)) {
        return None;
    }
    let head: String = text.trim_start().chars().take(16).collect();
    let h = fold(&head);
    if !CONTACT_LABELS.iter().any(|(label, _)| h.starts_with(label)) {
        return None;
    }
    let f = fold(text);
    CONTACT_LABELS.iter().find_map(|(label, field)| {
        let rest = f.strip_prefix(label)?;
        // 审核人（分管负责人）：张三 → 张三
        let rest = match rest.strip_prefix('(') {
            Some(r) => r.split_once(')').map_or("", |(_, after)| after),
            None => rest,
        };
        Some((*field, rest.trim_start_matches([':', '：']).to_string()))
    })
}

fn is_contact_row(sheet: &Sheet, r: u32) -> bool {
    sheet
        .row(r)
        .any(|(_, c)| matches!(&c.value, Value::Text(t) if contact_label(t).is_some()))
}

fn read_contacts(sheet: &Sheet, r: u32, contact: &mut Contact) {
    let cells: Vec<(u32, &Cell)> = sheet.row(r).filter(|(_, c)| !c.value.is_empty()).collect();
    for (i, (_, cell)) in cells.iter().enumerate() {
        let Value::Text(t) = &cell.value else {
            continue;
        };
        let Some((field, inline)) = contact_label(t) else {
            continue;
        };
        let value = if inline.is_empty() {
            match cells.get(i + 1) {
                Some((_, next)) if !matches!(&next.value, Value::Text(t) if contact_label(t).is_some()) => {
                    next.value.text()
                }
                _ => String::new(),
            }
        } else {
            inline
        };
        let slot = match field {
            0 => &mut contact.filler,
            1 => &mut contact.phone,
            _ => &mut contact.reviewer,
        };
        if slot.is_empty() {
            *slot = value;
        }
    }
}

fn check_contact(sheet: &Sheet, contact: &Contact, issues: &mut Issues) {
    let label_pos = sheet
        .cells
        .iter()
        .find_map(|((r, c), cell)| match &cell.value {
            Value::Text(t) if contact_label(t).is_some_and(|(f, _)| f == 1) => Some((*r, *c)),
            _ => None,
        });
    let at = At {
        sheet: Some(&sheet.name),
        pos: label_pos.map(|(r, c)| (r, c + 1)),
        ..At::default()
    };
    if contact.phone.trim().is_empty() {
        issues.push(
            "W-PHONE-MISSING",
            at,
            "“联系电话”未填写",
            "请在表格下方“联系电话”处填写填报人的手机或办公电话，便于核实",
        );
    } else if !phone_ok(&contact.phone) {
        issues.push(
            "W-PHONE-INVALID",
            at,
            format!("联系电话“{}”格式不对", contact.phone),
            "请填写 11 位手机号或带区号的办公电话（如 0537-3412345），多个号码用顿号分隔",
        );
    }
}

fn check_indicators(
    sheet: &Sheet,
    h: &Header<IndCol>,
    catalog: &Catalog,
    id: &Identity,
    issues: &mut Issues,
) -> Vec<IndicatorValue> {
    let mut out = Vec::new();
    let mut last_task: Option<u32> = None;
    let hosted: Vec<u32> = id
        .unit
        .as_deref()
        .map(|u| {
            catalog
                .tasks_of_unit(u)
                .iter()
                .filter(|(_, r)| *r == Role::Host)
                .map(|(n, _)| *n)
                .collect()
        })
        .unwrap_or_default();
    for r in sheet.rows().into_iter().filter(|r| *r > h.row) {
        let cell = |c: IndCol| h.col(c).and_then(|i| sheet.cell(r, i));
        let text = |c: IndCol| cell(c).map(|x| x.value.text()).unwrap_or_default();
        // 序号 merged over a task's indicator rows reads only on the first: carry it down.
        if let Some(n) = cell(IndCol::Number).and_then(|c| task_number(&c.value)) {
            last_task = Some(n);
        }
        let name = text(IndCol::Name);
        if name.is_empty() {
            continue;
        }
        let fname = fold(&name);
        let found = catalog
            .tasks()
            .iter()
            .filter(|t| last_task.map_or(hosted.contains(&t.number), |n| t.number == n))
            .flat_map(|t| t.indicators.iter().map(move |i| (t.number, i)))
            .find(|(_, i)| {
                let fi = fold(&i.name);
                fi == fname || fname.contains(&fi) || fi.contains(&fname)
            });
        let Some((task_no, ind)) = found else {
            continue;
        };
        let at = At {
            sheet: Some(&sheet.name),
            pos: h.col(IndCol::Value).map(|c| (r, c)),
            row: Some(r),
            task: Some(task_no),
        };
        let value = match cell(IndCol::Value).map(|c| &c.value) {
            None | Some(Value::Empty) => {
                issues.push(
                    "W-VALUE-MISSING",
                    at,
                    format!("指标“{}”的完成值未填写", ind.name),
                    format!("请填写截至本期的累计完成值（单位：{}），只填数字", ind.unit),
                );
                None
            }
            Some(Value::Number(v)) => Some(*v),
            Some(Value::Error(e)) => {
                issues.push(
                    "E-CELL-ERROR",
                    at,
                    format!("“完成值”是错误值 {e}"),
                    "请删除公式或错误引用，直接填写数字",
                );
                None
            }
            Some(v) => {
                let t = v.text();
                let bare = t
                    .trim_end_matches(ind.unit.as_str())
                    .trim_end_matches(['%', '％']);
                match number(bare) {
                    Some(x) => Some(x),
                    None if t.is_empty() => None,
                    None => {
                        issues.push(
                            "E-VALUE-INVALID",
                            at,
                            format!("指标“{}”的完成值“{t}”不是数字", ind.name),
                            format!("请只填写数字（单位：{}），说明文字写在“说明”列", ind.unit),
                        );
                        None
                    }
                }
            }
        };
        out.push(IndicatorValue {
            task: task_no,
            name: ind.name.clone(),
            value,
            note: text(IndCol::Note),
        });
    }
    out
}
