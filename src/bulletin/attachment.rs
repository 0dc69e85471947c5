//! The bulletin's 附件: the lagging tasks in a table, each with its hosts, leaders, status,
//! percent and the hosts' own words on what holds it up.

use super::draft::{few, join, percent, short, streak_mark};
use crate::docx::{Align, Column, Table};
use crate::domain::status::UnitState;
use crate::domain::summary::TaskSummary;

/// The 附件's columns: title, share of the 版心 width (tenths of a millimetre of 156 mm),
/// alignment.
const ATTACHMENT_COLUMNS: [(&str, u32, Align); 7] = [
    ("序号", 70, Align::Center),
    ("任务", 240, Align::Left),
    ("主办单位", 300, Align::Left),
    ("牵头领导", 140, Align::Center),
    ("推进状态", 140, Align::Center),
    ("完成进度", 120, Align::Center),
    // The hosts' own words are the longest cell: the widest column keeps rows short.
    ("存在问题", 550, Align::Left),
];

/// A lagging task's 存在问题: each host's own words, one a line (named when the task has
/// several hosts), then the hosts that did not report or were sent back.
fn problems(t: &TaskSummary) -> String {
    let several = t.hosts.len() > 1;
    let mut lines: Vec<String> = t
        .hosts
        .iter()
        .filter(|h| !h.problems.trim().is_empty() && h.problems.trim() != "无")
        .map(|h| {
            let said = h.problems.trim();
            if several {
                format!("{}：{said}", h.unit)
            } else {
                said.to_string()
            }
        })
        .collect();
    for state in [UnitState::Missing, UnitState::Rejected] {
        let units: Vec<String> = t
            .hosts
            .iter()
            .filter(|h| h.state == state)
            .map(|h| h.unit.clone())
            .collect();
        if !units.is_empty() {
            lines.push(format!("{}：{}", state.status().label(), few(&units)));
        }
    }
    lines.join("\n")
}

/// The 附件's table: one row per lagging task, in section 三's order.
pub(super) fn table(lagging: &[(&TaskSummary, u32)]) -> Result<Table, crate::docx::DocxError> {
    let columns = ATTACHMENT_COLUMNS
        .iter()
        .map(|(title, width, align)| Column::new(*title, *width, *align))
        .collect();
    let rows = lagging
        .iter()
        .map(|(t, n)| {
            vec![
                t.number.to_string(),
                short(&t.text) + &streak_mark(*n),
                join(&t.host_names),
                t.leaders.join("\n"),
                t.status.label().to_string(),
                t.percent.map_or_else(|| "—".to_string(), percent),
                problems(t),
            ]
        })
        .collect();
    Table::new(columns, rows)
}
