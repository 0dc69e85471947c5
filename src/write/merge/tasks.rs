//! 总表 and the leader summaries: one row per task with the hosts' reports side by side.
//! Which columns each table has, their titles and widths are [`crate::columns::summary`]'s;
//! a cell is filled by its column, never found by its title.

use std::collections::HashMap;

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::schedule_line;
use crate::columns::summary::{Layout, SummaryCol, LEADER, OVERVIEW, SCREEN};
use crate::domain::merged::{Entry, Merged, TaskLine};
use crate::domain::stats::{Counts, Stats};
use crate::domain::status::Status;
use crate::write::paper::{self, Imprint};
use crate::write::report::{header, number, set_height, text, title, Styles};
use crate::write::row_height_for_size;

/// Whether the merge knows a round before this one.
fn has_history(m: &Merged) -> bool {
    m.history
        .as_ref()
        .is_some_and(|h| h.previous_round.is_some())
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

/// The texts of every task's row, made once for 总表 and every leader summary (a task
/// appears in both, and with a city's hosts its cells run to pages).
pub struct TaskRows {
    rows: HashMap<u32, TaskTexts>,
}

/// One task's texts, one per wrapped column of [`SummaryCol`].
struct TaskTexts {
    section: String,
    text: String,
    hosts: String,
    host_states: String,
    progress: String,
    problems: String,
    next_steps: String,
    co_units: String,
    contact: String,
}

impl TaskRows {
    pub fn new(m: &Merged) -> TaskRows {
        use rayon::prelude::*;
        let rows = m
            .tasks
            .par_iter()
            .map(|line| (line.task.number, TaskTexts::new(m, line)))
            .collect();
        TaskRows { rows }
    }
}

impl TaskTexts {
    fn new(m: &Merged, line: &TaskLine) -> TaskTexts {
        let t = line.task;
        let hosts_text = |f: fn(&crate::domain::report::TaskRow) -> &str| {
            by_unit(&line.hosts, |e| {
                e.row.map(|r| f(r).trim().to_string()).unwrap_or_default()
            })
        };
        TaskTexts {
            section: m.catalog.section_label(&t.section),
            text: t.text.clone(),
            hosts: t.hosts.join("、"),
            host_states: (line.hosts.iter())
                .map(|e| format!("{}：{}", e.unit, e.status_text()))
                .collect::<Vec<_>>()
                .join("\n"),
            progress: hosts_text(|r| &r.progress),
            problems: hosts_text(|r| &r.problems),
            next_steps: hosts_text(|r| &r.next_steps),
            co_units: co_units(line),
            contact: contacts(line),
        }
    }

    /// The text of a wrapped column ([`SummaryCol::wraps`]).
    fn wrapped(&self, col: SummaryCol) -> &str {
        match col {
            SummaryCol::Section => &self.section,
            SummaryCol::Text => &self.text,
            SummaryCol::Hosts => &self.hosts,
            SummaryCol::HostStates => &self.host_states,
            SummaryCol::Progress => &self.progress,
            SummaryCol::Problems => &self.problems,
            SummaryCol::NextSteps => &self.next_steps,
            SummaryCol::CoUnits => &self.co_units,
            SummaryCol::Contact => &self.contact,
            _ => "",
        }
    }
}

/// One table of tasks: what it shows and how it is printed.
struct Table<'a> {
    columns: Vec<(SummaryCol, f64)>,
    size: f64,
    st: &'a Styles,
    /// The notice's parts as rows across the table (tasks in catalog order).
    bands: bool,
}

impl<'a> Table<'a> {
    fn new(layout: &Layout, m: &Merged, widen: f64, st: &'a Styles) -> Table<'a> {
        let columns = (layout.for_merge(has_history(m)).into_iter())
            .map(|(c, w)| (c, w * widen))
            .collect();
        Table {
            columns,
            size: layout.font_size,
            st,
            bands: false,
        }
    }

    fn widths(&self) -> Vec<f64> {
        self.columns.iter().map(|c| c.1).collect()
    }

    /// The header at `row` and one row per task under it.
    fn write(
        &self,
        ws: &mut Worksheet,
        m: &Merged,
        rows: &TaskRows,
        row: u32,
        lines: &[&TaskLine],
    ) -> Result<(), XlsxError> {
        let titles: Vec<(&str, f64)> = self.columns.iter().map(|(c, w)| (c.title(), *w)).collect();
        let bands = self.bands;
        let sections = match bands {
            true => lines
                .iter()
                .map(|l| &l.task.section)
                .collect::<std::collections::BTreeSet<_>>()
                .len(),
            false => 0,
        };
        let last = row + (lines.len() + sections) as u32;
        header(ws, self.st, row, &titles, last, 2)?;
        let mut r = row + 1;
        let mut section = None;
        for line in lines {
            if bands && section != Some(&line.task.section) {
                section = Some(&line.task.section);
                let label = m.catalog.section_label(&line.task.section);
                let end = self.columns.len() as u16 - 1;
                ws.merge_range(r, 0, r, end, &label, &self.st.band)?;
                r += 1;
            }
            self.task_row(ws, m, rows, r, line)?;
            r += 1;
        }
        Ok(())
    }

    fn task_row(
        &self,
        ws: &mut Worksheet,
        m: &Merged,
        rows: &TaskRows,
        row: u32,
        line: &TaskLine,
    ) -> Result<(), XlsxError> {
        let st = self.st;
        let t = line.task;
        let texts = &rows.rows[&t.number];
        let prev = (m.history.as_ref()).and_then(|h| h.previous.get(&t.number));
        let mut height: f64 = 0.0;
        for (c, (col, width)) in self.columns.iter().enumerate() {
            let c = c as u16;
            match col {
                SummaryCol::Number => {
                    ws.write_number_with_format(row, c, t.number, &st.center)?;
                }
                SummaryCol::Leaders => text(ws, row, c, &t.leaders.join("、"), &st.center)?,
                SummaryCol::Status => {
                    text(ws, row, c, line.status.label(), st.status(line.status))?
                }
                SummaryCol::Percent => number(ws, row, c, line.percent, &st.number)?,
                SummaryCol::Previous => match prev {
                    Some(p) => text(ws, row, c, p.status.label(), st.status(p.status))?,
                    None => text(ws, row, c, "", &st.center)?,
                },
                SummaryCol::Change => {
                    let change = match (line.percent, prev.and_then(|p| p.percent)) {
                        (Some(now), Some(then)) => Some(now - then),
                        _ => None,
                    };
                    number(ws, row, c, change, &st.number)?
                }
                SummaryCol::Streak => match m.streak(line) {
                    0 => ws.write_blank(row, c, &st.center).map(|_| ())?,
                    n => ws
                        .write_number_with_format(row, c, n, &st.center)
                        .map(|_| ())?,
                },
                SummaryCol::Behind => {
                    let word = match (line.overdue, line.behind) {
                        (true, _) => "逾期",
                        (false, true) => "疑似滞后",
                        _ => "",
                    };
                    text(ws, row, c, word, &st.center)?
                }
                SummaryCol::Colour => {
                    text(ws, row, c, line.colour.label(), st.colour(line.colour))?
                }
                wrapped => {
                    let s = texts.wrapped(*wrapped);
                    text(ws, row, c, s, &st.text)?;
                    height = height.max(row_height_for_size(s, *width, self.size));
                }
            }
        }
        set_height(ws, row, height)
    }
}

/// 总表: the catalog's tasks in order, on the office's paper at 9 pt.
pub(super) fn overview(
    ws: &mut Worksheet,
    st: &Styles,
    m: &Merged,
    rows: &TaskRows,
    stats: &Stats,
    round: &str,
    imprint: &Imprint,
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
    push_imprint(&mut info, imprint);
    let table = Table {
        bands: true,
        ..Table::new(&OVERVIEW, m, imprint.paper.widen(), st)
    };
    let heading = format!("{round}政府工作报告任务推进情况汇总表");
    title(ws, st, &table.widths(), &heading, &info)?;
    let lines: Vec<&TaskLine> = m.tasks.iter().collect();
    table.write(ws, m, rows, 2, &lines)?;
    paper::set_paper(ws, imprint.paper, true)?;
    paper::header(
        ws,
        &format!("{round} 总表（协办单位进展见“分单位明细”）"),
        imprint,
    );
    Ok(())
}

/// Adds the 制表单位 and 制表日期 line (when known) under a sheet's information line.
pub(super) fn push_imprint(info: &mut String, imprint: &Imprint) {
    let line = imprint.line();
    if !line.is_empty() {
        info.push_str(&format!("\n{line}"));
    }
}

/// The count line of a leader's summary.
fn leader_info(m: &Merged, lines: &[&TaskLine]) -> String {
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
    info
}

/// The two sheets of a leader's summary.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum LeaderSheet {
    /// For paper: eight columns at 10 pt on A4, lagging tasks first.
    Paper,
    /// Every column, co-units and contacts included: for the screen (printed, on A3).
    Screen,
}

/// One sheet of a leader's summary.
pub(super) fn leader(
    ws: &mut Worksheet,
    st: &Styles,
    (m, rows): (&Merged, &TaskRows),
    (leader, round): (&str, &str),
    imprint: &Imprint,
    sheet: LeaderSheet,
) -> Result<(), XlsxError> {
    let (name, layout, heading, what) = match sheet {
        LeaderSheet::Paper => ("分管任务进展", &LEADER, "情况", ""),
        LeaderSheet::Screen => (
            "全部栏目",
            &SCREEN,
            "（全部栏目，供屏幕查阅）",
            "（全部栏目）",
        ),
    };
    ws.set_name(name)?;
    let lines = m.leader_tasks(leader);
    let mut info = leader_info(m, &lines);
    push_imprint(&mut info, imprint);
    let table = Table::new(layout, m, 1.0, st);
    let heading = format!("{round}{leader}同志分管任务进展{heading}");
    title(ws, st, &table.widths(), &heading, &info)?;
    table.write(ws, m, rows, 2, &lines)?;
    paper::header(
        ws,
        &format!("{round} {leader}同志分管任务进展{what}"),
        imprint,
    );
    if sheet == LeaderSheet::Screen {
        // For the screen; printed, it takes A3 to stay legible.
        paper::set_paper(ws, paper::Paper::A3, true)?;
    }
    Ok(())
}
