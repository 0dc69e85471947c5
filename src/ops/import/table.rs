//! A 任务分解表 (a task table, in a workbook or a Word document) read into tasks: a title
//! row, a header found by its words, section rows (一、…) that span the table, leader
//! cells merged over consecutive tasks (filled in before this module sees the grid), units
//! separated by 、，, spaces or line breaks, and the header repeated where the table goes
//! on after a page break. With one 责任单位 column, the first listed unit leads
//! ("列第一位的责任单位为牵头单位").

use crate::catalog::names::fold;

/// The columns a header names, by position.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Layout {
    pub header_row: usize,
    pub number: Option<usize>,
    pub task: usize,
    pub leader: Option<usize>,
    pub host: Option<usize>,
    pub co: Option<usize>,
    pub deadline: Option<usize>,
}

impl Layout {
    /// One column names every unit, the first of which leads.
    pub fn one_unit_column(&self) -> bool {
        self.co.is_none()
    }
}

const LEADER: &[&str] = &["领导"];
const CO: &[&str] = &[
    "配合单位",
    "协办单位",
    "配合部门",
    "参与单位",
    "协同单位",
    "配合",
];
const HOST: &[&str] = &[
    "牵头单位",
    "主办单位",
    "责任单位",
    "承办单位",
    "牵头部门",
    "责任部门",
    "主责单位",
];
const DEADLINE: &[&str] = &["完成时限", "时间节点", "完成时间", "时限", "完成期限"];
const TASK: &[&str] = &["任务", "工作内容", "目标", "事项", "内容"];
const NUMBER: &[&str] = &["序号", "编号"];

fn folded(s: &str) -> String {
    fold(s).chars().filter(|c| !c.is_whitespace()).collect()
}

/// The header: the first row (of the first 15) that names a task column and a unit column.
pub fn find_layout(rows: &[Vec<String>]) -> Option<Layout> {
    for (i, row) in rows.iter().enumerate().take(15) {
        let mut l = Layout {
            header_row: i,
            ..Layout::default()
        };
        let mut task = None;
        for (c, cell) in row.iter().enumerate() {
            let t = folded(cell);
            if t.is_empty() || t.chars().count() > 12 {
                continue;
            }
            let any = |words: &[&str]| words.iter().any(|w| t.contains(w));
            if NUMBER.iter().any(|w| t.starts_with(w)) && l.number.is_none() {
                l.number = Some(c);
            } else if any(LEADER) && l.leader.is_none() {
                l.leader = Some(c);
            } else if any(CO) && l.co.is_none() {
                l.co = Some(c);
            } else if any(HOST) && l.host.is_none() {
                l.host = Some(c);
            } else if any(DEADLINE) && l.deadline.is_none() {
                l.deadline = Some(c);
            } else if any(TASK) && task.is_none() {
                task = Some(c);
            }
        }
        if let (Some(t), true) = (task, l.host.is_some() || l.co.is_some()) {
            l.task = t;
            if l.host.is_none() {
                // Only 配合 named: an odd table, but its units still count, as hosts.
                l.host = l.co.take();
            }
            return Some(l);
        }
    }
    None
}

/// One row of the table, read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Line {
    /// 一、… : its numeral (or none) and title.
    Section(Option<String>, String),
    Task(RawTask),
}

/// A task row as written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RawTask {
    /// The table's own 序号 (1, 1.1, （1）, ①…), as written.
    pub label: String,
    pub text: String,
    pub leaders: Vec<String>,
    pub hosts: Vec<String>,
    pub co_units: Vec<String>,
    pub open_list: bool,
    pub deadline: Option<String>,
    /// 1-based row of the table, for messages.
    pub row: usize,
}

const NUMERALS: [&str; 20] = [
    "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四",
    "十五", "十六", "十七", "十八", "十九", "二十",
];

/// A 序号 that marks a sub-item of the task above: 1.1, （1）, (1), ①.
pub fn is_sub_item(label: &str) -> bool {
    let l = label.trim();
    let dotted = l.split_once('.').is_some_and(|(a, b)| {
        !a.is_empty()
            && !b.is_empty()
            && a.bytes().all(|c| c.is_ascii_digit())
            && b.bytes().all(|c| c.is_ascii_digit())
    });
    dotted
        || l.starts_with(['（', '('])
        || l.chars().next().is_some_and(|c| ('①'..='⑳').contains(&c))
}

/// "二、加快…" → (二, 加快…); "（三）…" too.
pub fn section_heading(text: &str) -> Option<(String, String)> {
    let t = text.trim();
    let t = t.trim_start_matches(['（', '(']);
    for n in NUMERALS.iter().rev() {
        if let Some(rest) = t.strip_prefix(n) {
            if let Some(rest) = rest
                .strip_prefix('、')
                .or_else(|| rest.strip_prefix(['）', ')']))
                .or_else(|| rest.strip_prefix('.'))
            {
                return Some((n.to_string(), rest.trim().to_string()));
            }
        }
    }
    None
}

/// Splits a cell of names on 、，, ；; spaces and line breaks; drops notes in brackets
/// ("区发改局（牵头）") and a trailing 等, which it reports.
pub fn split_names(cell: &str) -> (Vec<String>, bool) {
    let mut open = false;
    let mut out = Vec::new();
    let mut depth = 0;
    let mut cur = String::new();
    let mut flush = |cur: &mut String, out: &mut Vec<String>| {
        let mut name: String = cur.trim().trim_matches(['。', '：', ':']).to_string();
        if let Some(n) = name.strip_suffix('等') {
            open = true;
            name = n.to_string();
        }
        if !name.is_empty() {
            out.push(name);
        }
        cur.clear();
    };
    for c in cell.chars() {
        match c {
            '（' | '(' => depth += 1,
            '）' | ')' => depth = (depth - 1).max(0),
            _ if depth > 0 => {}
            '、' | '，' | ',' | '；' | ';' | '/' | '\n' | '\r' | ' ' | '\u{3000}' | '\t' => {
                flush(&mut cur, &mut out)
            }
            _ => cur.push(c),
        }
    }
    flush(&mut cur, &mut out);
    (out, open)
}

/// Reads the rows under the header: sections and tasks, repeated headers skipped.
pub fn lines(rows: &[Vec<String>], l: &Layout) -> Vec<Line> {
    let header: Vec<String> = rows[l.header_row].iter().map(|c| folded(c)).collect();
    let get = |row: &Vec<String>, c: Option<usize>| -> String {
        c.and_then(|c| row.get(c))
            .map_or(String::new(), |s| s.trim().to_string())
    };
    let mut out = Vec::new();
    for (i, row) in rows.iter().enumerate().skip(l.header_row + 1) {
        let cells: Vec<String> = row.iter().map(|c| folded(c)).collect();
        if cells.iter().all(String::is_empty) || cells == header {
            continue;
        }
        let mut distinct: Vec<&str> = row
            .iter()
            .map(|c| c.trim())
            .filter(|c| !c.is_empty())
            .collect();
        distinct.dedup();
        let text = get(row, Some(l.task));
        let heading = distinct.len() == 1 && get(row, l.host).is_empty()
            || distinct.len() == 1 && distinct[0] == text && section_heading(&text).is_some();
        if heading {
            let t = distinct[0];
            out.push(match section_heading(t) {
                Some((n, title)) => Line::Section(Some(n), title),
                None => Line::Section(None, t.to_string()),
            });
            continue;
        }
        if text.is_empty() {
            continue;
        }
        let (leaders, _) = split_names(&get(row, l.leader));
        let (mut hosts, open_h) = split_names(&get(row, l.host));
        let (mut co_units, open_c) = match l.co {
            Some(_) => split_names(&get(row, l.co)),
            None => (Vec::new(), false),
        };
        if l.one_unit_column() && hosts.len() > 1 {
            co_units = hosts.split_off(1);
        }
        let deadline = Some(get(row, l.deadline)).filter(|d| !d.is_empty());
        out.push(Line::Task(RawTask {
            label: get(row, l.number),
            text,
            leaders,
            hosts,
            co_units,
            open_list: open_h || open_c,
            deadline,
            row: i + 1,
        }));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_table_with_sections_repeats_and_one_unit_column() {
        let rows = vec![
            row(&["2024年重点任务分解表", "", "", "", ""]),
            row(&["序号", "重点任务", "责任领导", "责任单位", "完成时限"]),
            row(&[
                "一、稳增长",
                "一、稳增长",
                "一、稳增长",
                "一、稳增长",
                "一、稳增长",
            ]),
            row(&[
                "1",
                "建设A",
                "张三",
                "区发改局、区财政局\n区科技局等",
                "6月底前",
            ]),
            row(&["序号", "重点任务", "责任领导", "责任单位", "完成时限"]),
            row(&["2", "建设B", "张三（副区长）", "各镇街", "年底前"]),
        ];
        let l = find_layout(&rows).unwrap();
        assert_eq!(
            (l.header_row, l.task, l.leader, l.host, l.co),
            (1, 1, Some(2), Some(3), None)
        );
        let lines = lines(&rows, &l);
        assert_eq!(lines.len(), 3, "{lines:?}");
        assert_eq!(lines[0], Line::Section(Some("一".into()), "稳增长".into()));
        let Line::Task(t) = &lines[1] else { panic!() };
        assert_eq!(t.hosts, ["区发改局"]);
        assert_eq!(t.co_units, ["区财政局", "区科技局"]);
        assert!(t.open_list);
        assert_eq!(t.deadline.as_deref(), Some("6月底前"));
        let Line::Task(t) = &lines[2] else { panic!() };
        assert_eq!(t.leaders, ["张三"]);
    }
}
