//! The 台账 workbook (`duban ledger export`): the year on paper.
//!
//! 任务台账: one row per task with, per round, its status, percent and colour (filled as in
//! the merge's sheets), how many rounds running it has lagged, and its hosts and leaders.
//! Then one sheet per kind of unit (区直部门, 镇, 街道 …): each unit's reporting per round
//! (按时, 逾期, 已报送未通过, 未报送) and the totals. A4 landscape, headers repeated, like the
//! other workbooks; every sheet titled with the year and what it is (a unit sheet names its
//! kind), 制表单位 and 制表日期 under it, pages headed and numbered.

use rust_xlsxwriter::{Workbook, Worksheet, XlsxError};

use super::paper::{self, Imprint};
use super::report::{self, fit_row, header, text, title, Styles};
use super::BuildError;
use crate::catalog::{format_number, Catalog};
use crate::domain::history::{Chase, UnitRecord, Year};
use crate::domain::status::UnitState;

/// The ledger workbook's bytes.
pub fn workbook(
    year: &Year,
    catalog: &Catalog,
    per_round: &[&Catalog],
    chases: &[Chase],
    imprint: &Imprint,
) -> Result<Vec<u8>, BuildError> {
    let st = Styles::new();
    let which = match catalog.notice().year() {
        Some(y) => format!("{y}年"),
        None => String::new(),
    };
    let mut wb: Workbook = report::workbook(&format!("{which}督办台账"), 6);
    let ws = wb.add_worksheet();
    let n = tasks(ws, &st, year, catalog, per_round)?;
    head(
        ws,
        &st,
        n,
        &format!("{which}政府工作报告任务督办台账（任务）"),
        imprint,
    )?;
    let mut kinds: Vec<&str> = Vec::new();
    for (_, kind, _) in &year.units {
        if !kinds.contains(&kind.as_str()) {
            kinds.push(kind);
        }
    }
    for kind in kinds {
        let ws = wb.add_worksheet();
        let n = units(ws, &st, year, kind)?;
        head(
            ws,
            &st,
            n,
            &format!("{which}督办台账：{kind}报送情况"),
            imprint,
        )?;
    }
    let ws = wb.add_worksheet();
    let n = chase_sheet(ws, &st, chases)?;
    head(ws, &st, n, &format!("{which}督办台账：督促记录"), imprint)?;
    Ok(wb.save_to_buffer()?)
}

/// The sheet's title over its table (written at row [`HEADER`]), 制表单位 and 制表日期
/// under it, and the page header naming it.
fn head(
    ws: &mut Worksheet,
    st: &Styles,
    columns: usize,
    heading: &str,
    imprint: &Imprint,
) -> Result<(), XlsxError> {
    let widths = vec![8.0; columns.max(1)];
    title(ws, st, &widths, heading, &imprint.line())?;
    paper::header(ws, heading, imprint);
    Ok(())
}

/// The row of each sheet's column titles, under the title and the imprint.
const HEADER: u32 = 2;

/// The task sheet; returns its number of columns.
fn tasks(
    ws: &mut Worksheet,
    st: &Styles,
    year: &Year,
    catalog: &Catalog,
    per_round: &[&Catalog],
) -> Result<usize, XlsxError> {
    ws.set_name("任务台账")?;
    let mut columns: Vec<(String, f64)> = vec![
        ("序号".into(), 5.0),
        ("任务内容".into(), 36.0),
        ("主办单位".into(), 16.0),
        ("牵头领导".into(), 10.0),
    ];
    for r in &year.rounds {
        columns.push((format!("{}\n推进状态", r.name), 9.0));
        columns.push((format!("{}\n完成进度(%)", r.name), 8.0));
        columns.push((format!("{}\n三色", r.name), 7.0));
    }
    columns.push(("连续滞后（期）".into(), 8.0));
    let cols: Vec<(&str, f64)> = columns.iter().map(|(t, w)| (t.as_str(), *w)).collect();
    header(
        ws,
        st,
        HEADER,
        &cols,
        HEADER + catalog.tasks().len() as u32,
        4,
    )?;
    for (i, task) in catalog.tasks().iter().enumerate() {
        let r = HEADER + 1 + i as u32;
        let none = vec![None; year.rounds.len()];
        let rounds = year.tasks.get(&task.number).unwrap_or(&none);
        ws.write_number_with_format(r, 0, task.number, &st.center)?;
        text(ws, r, 1, &task.text, &st.text)?;
        let hosts = over_rounds(year, per_round, task, |t| t.hosts.join("、"));
        text(ws, r, 2, &hosts, &st.text)?;
        let leaders = over_rounds(year, per_round, task, |t| t.leaders.join("、"));
        text(ws, r, 3, &leaders, &st.center)?;
        for (k, round) in rounds.iter().enumerate() {
            let c = 4 + 3 * k as u16;
            match round {
                Some(t) => {
                    text(ws, r, c, t.status.label(), st.status(t.status))?;
                    match t.percent {
                        Some(p) => ws.write_number_with_format(r, c + 1, p, &st.number)?,
                        None => ws.write_blank(r, c + 1, &st.number)?,
                    };
                    text(ws, r, c + 2, t.colour.label(), st.colour(t.colour))?;
                }
                None => {
                    for d in 0..3 {
                        ws.write_blank(r, c + d, &st.center)?;
                    }
                }
            }
        }
        let last = 4 + 3 * year.rounds.len() as u16;
        ws.write_number_with_format(
            r,
            last,
            crate::domain::history::streak(rounds.iter().rev().map(Option::as_ref)) as f64,
            &st.center,
        )?;
        fit_row(ws, r, &[(&task.text, 36.0), (&hosts, 16.0)])?;
    }
    Ok(cols.len())
}

/// A task's hosts or leaders over the year, each round as its own catalog had them: one
/// value when they never changed, else each value with the rounds it held in
/// (甲（2020年第一季度—2020年第二季度）；乙（2020年第三季度起）).
fn over_rounds(
    year: &Year,
    per_round: &[&Catalog],
    task: &crate::catalog::Task,
    show: impl Fn(&crate::catalog::Task) -> String,
) -> String {
    let now = show(task);
    let mut spans: Vec<(String, &str, &str)> = Vec::new();
    for (r, cat) in year.rounds.iter().zip(per_round) {
        let v = cat.task(task.number).map(&show).unwrap_or_default();
        match spans.last_mut() {
            Some((last, _, to)) if *last == v => *to = &r.name,
            _ => spans.push((v, &r.name, &r.name)),
        }
    }
    if spans.iter().all(|(v, _, _)| *v == now) {
        return now;
    }
    let last = spans.len() - 1;
    let parts: Vec<String> = (spans.iter().enumerate())
        .filter(|(_, (v, _, _))| !v.is_empty())
        .map(
            |(i, (v, from, to))| match (i == last && *v == now, from == to) {
                (true, _) => format!("{v}（{from}起）"),
                (false, true) => format!("{v}（{from}）"),
                (false, false) => format!("{v}（{from}—{to}）"),
            },
        )
        .collect();
    let mut s = parts.join("；");
    if spans.last().is_some_and(|(v, _, _)| *v != now) && !now.is_empty() {
        s.push_str(&format!("；现为{now}"));
    }
    s
}

/// A round's cell for a unit: 按时, 逾期, 已报送未通过, 未报送 (and the time it reported).
fn word(u: &UnitRecord) -> String {
    let when = crate::domain::status::punctuality(u.late);
    let state = u.state.label();
    match u.state {
        UnitState::Missing | UnitState::Unreadable => state.into(),
        UnitState::Rejected if when.is_empty() => state.into(),
        UnitState::Rejected => format!("{state}（{when}）"),
        UnitState::Accepted if when.is_empty() => state.into(),
        UnitState::Accepted => when.to_string(),
    }
}

/// A kind's unit sheet; returns its number of columns.
fn units(ws: &mut Worksheet, st: &Styles, year: &Year, kind: &str) -> Result<usize, XlsxError> {
    let name: String = kind.replace('/', "、").chars().take(31).collect();
    ws.set_name(&name)?;
    let mut columns: Vec<(String, f64)> = vec![("单位".into(), 24.0)];
    columns.extend(year.rounds.iter().map(|r| (r.name.clone(), 14.0)));
    let on_time = crate::domain::status::punctuality(Some(false));
    let late = crate::domain::status::punctuality(Some(true));
    for t in [
        on_time,
        late,
        UnitState::Rejected.label(),
        UnitState::Missing.label(),
    ] {
        columns.push((t.into(), 7.0));
    }
    let cols: Vec<(&str, f64)> = columns.iter().map(|(t, w)| (t.as_str(), *w)).collect();
    let list: Vec<_> = year.units.iter().filter(|(_, k, _)| k == kind).collect();
    header(ws, st, HEADER, &cols, HEADER + list.len() as u32, 1)?;
    for (i, (unit, _, rounds)) in list.iter().enumerate() {
        let r = HEADER + 1 + i as u32;
        text(ws, r, 0, unit, &st.text)?;
        let mut totals = [0usize; 4];
        for (k, round) in rounds.iter().enumerate() {
            let c = 1 + k as u16;
            match round {
                Some(u) => {
                    let w = word(u);
                    let style = match u.state {
                        UnitState::Accepted if u.late != Some(true) => &st.center,
                        _ => &st.missing,
                    };
                    text(ws, r, c, &w, style)?;
                    // A file the office could not read counts in none of the four.
                    let slot = match (u.state, u.late) {
                        (UnitState::Missing, _) => Some(3),
                        (UnitState::Rejected, _) => Some(2),
                        (UnitState::Accepted, Some(true)) => Some(1),
                        (UnitState::Accepted, _) => Some(0),
                        (UnitState::Unreadable, _) => None,
                    };
                    if let Some(slot) = slot {
                        totals[slot] += 1;
                    }
                }
                None => ws.write_blank(r, c, &st.center).map(|_| ())?,
            }
        }
        let first = 1 + rounds.len() as u16;
        for (d, n) in totals.iter().enumerate() {
            text(
                ws,
                r,
                first + d as u16,
                &format_number(*n as f64),
                &st.center,
            )?;
        }
    }
    Ok(cols.len())
}

/// 督促记录: every reminder, 催办通知单 and 督办单, with its day and number.
fn chase_sheet(ws: &mut Worksheet, st: &Styles, chases: &[Chase]) -> Result<usize, XlsxError> {
    ws.set_name("督促记录")?;
    report::print(ws, 0)?;
    let cols = [
        ("期次", 16.0),
        ("单位", 24.0),
        ("事项", 18.0),
        ("日期", 12.0),
        ("结果", 24.0),
        ("文号", 18.0),
    ];
    header(ws, st, HEADER, &cols, HEADER + chases.len() as u32, 1)?;
    for (i, c) in chases.iter().enumerate() {
        let r = HEADER + 1 + i as u32;
        let number = c.number.clone().unwrap_or_default();
        for (k, v) in [&c.round, &c.unit, &c.stage, &c.date, &c.outcome, &number]
            .into_iter()
            .enumerate()
        {
            text(ws, r, k as u16, v, &st.text)?;
        }
    }
    Ok(cols.len())
}
