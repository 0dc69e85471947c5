//! 总表 and the leader summaries: one row per task with the hosts' reports side by side.

use std::collections::HashMap;

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::schedule_line;
use crate::domain::merged::{Entry, Merged, TaskLine};
use crate::domain::stats::{Counts, Stats};
use crate::domain::status::Status;
use crate::write::report::{header, number, row_height, set_height, text, title, Styles};

/// Columns of 总表 (title, width); leader summaries add 联系人.
const COLUMNS: &[(&str, f64)] = &[
    ("序号", 5.0),
    ("所属部分", 12.0),
    ("任务内容", 40.0),
    ("牵头领导", 10.0),
    ("主办单位", 14.0),
    ("推进状态", 9.0),
    ("完成进度(%)", 8.0),
    ("疑似滞后", 7.0),
    ("三色标识", 6.0),
    ("主办单位填报情况", 20.0),
    ("工作进展", 36.0),
    ("存在问题", 22.0),
    ("下步措施", 22.0),
    ("协办单位进展", 30.0),
];

const CONTACT: (&str, f64) = ("主办单位联系人", 20.0);

/// Columns a round with a history adds after 完成进度(%).
const HISTORY: &[(&str, f64)] = &[("上期状态", 9.0), ("进度变化", 7.0), ("连续滞后", 6.0)];

/// Whether the merge knows a round before this one.
fn has_history(m: &Merged) -> bool {
    m.history
        .as_ref()
        .is_some_and(|h| h.previous_round.is_some())
}

/// The columns of 总表 (and with the contact, of a leader summary) for this merge.
fn columns(m: &Merged, contact: bool) -> Vec<(&'static str, f64)> {
    let mut c = COLUMNS.to_vec();
    if has_history(m) {
        let at = 1 + c
            .iter()
            .position(|(t, _)| *t == "完成进度(%)")
            .expect("a column");
        for (i, h) in HISTORY.iter().enumerate() {
            c.insert(at + i, *h);
        }
    }
    if contact {
        c.push(CONTACT);
    }
    c
}

/// "较上期（2020年第一季度）：已完成 +2 项，滞后 -1 项；红色 -1 项" (the statuses and colours
/// whose counts changed), or nothing without a round before.
pub(crate) fn change_line(m: &Merged, now: &Counts) -> Option<String> {
    let h = m.history.as_ref()?;
    let prev = h.previous_round.as_deref()?;
    let change = |label: String, now: usize, before: usize| {
        let d = now as i64 - before as i64;
        (d != 0).then(|| format!("{label} {d:+} 项"))
    };
    let statuses: Vec<String> = h
        .previous_counts
        .iter()
        .filter_map(|(s, before)| change(s.label().to_string(), now.get(*s), *before))
        .collect();
    let colours: Vec<String> = h
        .previous_colours
        .iter()
        .filter_map(|(c, before)| {
            let now = m.tasks.iter().filter(|l| l.colour == *c).count();
            change(format!("{}色", c.label()), now, *before)
        })
        .collect();
    let parts: Vec<String> = [statuses, colours]
        .into_iter()
        .filter(|p| !p.is_empty())
        .map(|p| p.join("，"))
        .collect();
    Some(if parts.is_empty() {
        format!("较上期（{prev}）各状态、各颜色任务数不变")
    } else {
        format!("较上期（{prev}）：{}", parts.join("；"))
    })
}

/// "unit：value" lines over the entries whose value is not empty; no names with one entry.
fn by_unit<'a>(entries: &[Entry<'a>], value: impl Fn(&Entry<'a>) -> String) -> String {
    let named = entries.len() > 1;
    entries
        .iter()
        .filter_map(|e| {
            let v = value(e);
            if v.trim().is_empty() {
                None
            } else if named {
                Some(format!("{}：{}", e.unit, v))
            } else {
                Some(v)
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn co_units(line: &TaskLine) -> String {
    let mut out: Vec<String> = line
        .co_units
        .iter()
        .filter_map(|e| {
            let r = e
                .row
                .filter(|r| r.status.is_some() || !r.progress.trim().is_empty())?;
            Some(if r.progress.trim().is_empty() {
                format!("{}（{}）", e.unit, e.status_text())
            } else {
                format!("{}（{}）：{}", e.unit, e.status_text(), r.progress.trim())
            })
        })
        .collect();
    for status in [Status::Unreported, Status::Rejected] {
        let without: Vec<&str> = line
            .co_units
            .iter()
            .filter(|e| e.file.is_none() && e.state.status() == status)
            .map(|e| e.unit)
            .collect();
        if !without.is_empty() {
            out.push(format!("{}：{}", status.label(), without.join("、")));
        }
    }
    let blank: Vec<&str> = line
        .co_units
        .iter()
        .filter(|e| {
            e.file.is_some()
                && e.row
                    .is_none_or(|r| r.status.is_none() && r.progress.trim().is_empty())
        })
        .map(|e| e.unit)
        .collect();
    if !blank.is_empty() {
        out.push(format!("未填写：{}", blank.join("、")));
    }
    out.join("\n")
}

fn contacts(line: &TaskLine) -> String {
    line.hosts
        .iter()
        .filter_map(|e| {
            let c = &e.file?.data.as_ref()?.contact;
            let who = format!("{} {}", c.filler.trim(), c.phone.trim());
            (!who.trim().is_empty()).then(|| format!("{}：{}", e.unit, who.trim()))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The text of every task's row and its height, made once for 总表 and every leader
/// summary (a task appears in both, and with a city's hosts its cells run to pages).
pub struct TaskRows {
    rows: HashMap<u32, TaskCells>,
}

struct TaskCells {
    /// 所属部分, 任务内容, 牵头领导, 主办单位, then the hosts' status, progress, problems
    /// and next steps, and the co-units' progress.
    cells: [String; 9],
    contact: String,
    /// The row's height without and with the contact column.
    height: f64,
    height_with_contact: f64,
}

impl TaskRows {
    pub fn new(m: &Merged) -> TaskRows {
        use rayon::prelude::*;
        let rows = m
            .tasks
            .par_iter()
            .map(|line| (line.task.number, TaskCells::new(m, line)))
            .collect();
        TaskRows { rows }
    }
}

impl TaskCells {
    fn new(m: &Merged, line: &TaskLine) -> TaskCells {
        let t = line.task;
        let cells = [
            m.catalog.section_label(&t.section),
            t.text.clone(),
            t.leaders.join("、"),
            t.hosts.join("、"),
            by_unit(&line.hosts, |e| e.status_text()),
            by_unit(&line.hosts, |e| {
                e.row
                    .map(|r| r.progress.trim().to_string())
                    .unwrap_or_default()
            }),
            by_unit(&line.hosts, |e| {
                e.row
                    .map(|r| r.problems.trim().to_string())
                    .unwrap_or_default()
            }),
            by_unit(&line.hosts, |e| {
                e.row
                    .map(|r| r.next_steps.trim().to_string())
                    .unwrap_or_default()
            }),
            co_units(line),
        ];
        let contact = contacts(line);
        let mut sized: Vec<(&str, f64)> = vec![
            (&cells[0], COLUMNS[1].1),
            (&cells[1], COLUMNS[2].1),
            (&cells[3], COLUMNS[4].1),
        ];
        sized.extend(
            cells[4..]
                .iter()
                .zip(&COLUMNS[9..])
                .map(|(c, (_, w))| (c.as_str(), *w)),
        );
        let height = row_height(&sized);
        let height_with_contact = height.max(row_height(&[(&contact, CONTACT.1)]));
        TaskCells {
            cells,
            contact,
            height,
            height_with_contact,
        }
    }
}

/// Writes one task's row.
fn task_row(
    ws: &mut Worksheet,
    st: &Styles,
    m: &Merged,
    rows: &TaskRows,
    row: u32,
    line: &TaskLine,
    with_contact: bool,
) -> Result<(), XlsxError> {
    let t = line.task;
    let TaskCells {
        cells,
        contact,
        height,
        height_with_contact,
    } = &rows.rows[&t.number];
    ws.write_number_with_format(row, 0, t.number, &st.center)?;
    text(ws, row, 1, &cells[0], &st.text)?;
    text(ws, row, 2, &cells[1], &st.text)?;
    text(ws, row, 3, &cells[2], &st.center)?;
    text(ws, row, 4, &cells[3], &st.text)?;
    text(ws, row, 5, line.status.label(), st.status(line.status))?;
    number(ws, row, 6, line.percent, &st.number)?;
    let mut c = 7;
    if let Some(h) = m.history.as_ref().filter(|_| has_history(m)) {
        let prev = h.previous.get(&t.number);
        match prev {
            Some(p) => text(ws, row, c, p.status.label(), st.status(p.status))?,
            None => text(ws, row, c, "", &st.center)?,
        }
        let change = match (line.percent, prev.and_then(|p| p.percent)) {
            (Some(now), Some(then)) => Some(now - then),
            _ => None,
        };
        number(ws, row, c + 1, change, &st.number)?;
        let streak = m.streak(line);
        if streak > 0 {
            ws.write_number_with_format(row, c + 2, streak, &st.center)?;
        } else {
            ws.write_blank(row, c + 2, &st.center)?;
        }
        c += HISTORY.len() as u16;
    }
    text(
        ws,
        row,
        c,
        match (line.overdue, line.behind) {
            (true, _) => "逾期",
            (false, true) => "疑似滞后",
            _ => "",
        },
        &st.center,
    )?;
    text(ws, row, c + 1, line.colour.label(), st.colour(line.colour))?;
    for (i, cell) in cells[4..].iter().enumerate() {
        text(ws, row, c + 2 + i as u16, cell, &st.text)?;
    }
    if with_contact {
        text(ws, row, c + 2 + (cells.len() - 4) as u16, contact, &st.text)?;
    }
    set_height(
        ws,
        row,
        if with_contact {
            *height_with_contact
        } else {
            *height
        },
    )
}

/// 总表: the catalog's tasks in order.
pub(super) fn overview(
    ws: &mut Worksheet,
    st: &Styles,
    m: &Merged,
    rows: &TaskRows,
    stats: &Stats,
    round: &str,
) -> Result<(), XlsxError> {
    ws.set_name("总表")?;
    let mut info = format!(
        "{}；{}；{}",
        schedule_line(m),
        stats.overall.line("任务"),
        stats.return_line(),
    );
    if let Some(change) = change_line(m, &stats.overall) {
        info.push_str(&format!("；{change}"));
    }
    info.push_str(&format!("\n{}", m.thresholds.legend()));
    let columns = columns(m, false);
    title(
        ws,
        st,
        &columns.iter().map(|c| c.1).collect::<Vec<_>>(),
        &format!("{round}政府工作报告任务推进情况汇总表"),
        &info,
    )?;
    header(ws, st, 2, &columns, 2 + m.tasks.len() as u32, 3)?;
    for (i, line) in m.tasks.iter().enumerate() {
        task_row(ws, st, m, rows, 3 + i as u32, line, false)?;
    }
    Ok(())
}

/// A leader's summary: the count line on top, lagging tasks first.
pub(super) fn leader(
    ws: &mut Worksheet,
    st: &Styles,
    m: &Merged,
    rows: &TaskRows,
    leader: &str,
    round: &str,
) -> Result<(), XlsxError> {
    ws.set_name("分管任务进展")?;
    let lines = m.leader_tasks(leader);
    let counts: Counts = lines.iter().map(|l| l.status).collect();
    let behind = lines.iter().filter(|l| l.behind).count();
    let mut info = counts.line("分管任务");
    if behind > 0 {
        info.push_str(&format!("（其中疑似滞后 {behind} 项）"));
    }
    let running = lines.iter().filter(|l| m.streak(l) >= 2).count();
    if running > 0 {
        info.push_str(&format!("；连续两期及以上滞后 {running} 项，列在最前"));
    }
    info.push_str(&format!(
        "。{}\n{}",
        schedule_line(m),
        m.thresholds.legend()
    ));
    let columns = columns(m, true);
    title(
        ws,
        st,
        &columns.iter().map(|c| c.1).collect::<Vec<_>>(),
        &format!("{round}{leader}同志分管任务进展情况"),
        &info,
    )?;
    header(ws, st, 2, &columns, 2 + lines.len() as u32, 3)?;
    for (i, line) in lines.iter().enumerate() {
        task_row(ws, st, m, rows, 3 + i as u32, line, true)?;
    }
    Ok(())
}
