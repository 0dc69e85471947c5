//! 督办看板: a round as one self-contained HTML page — no server, no file or address
//! outside it (CSS, the filter script and the SVG bars are inline), so it opens offline on
//! any phone or desktop. The whole round's page goes beside the workbook; each leader gets
//! a page of their own tasks. Everything units typed is escaped ([`esc`]): a `<script>` in
//! 工作进展 shows as text. Lagging tasks come first, with their streaks; colours always
//! carry their word (红/黄/蓝), never colour alone.

use std::collections::BTreeSet;
use std::fmt::Write;

use crate::domain::colour::Colour;
use crate::domain::history::History;
use crate::domain::status::UnitState;
use crate::domain::summary::{Part, Summary, TaskSummary};

/// What a page shows.
pub struct Board<'a> {
    pub summary: &'a Summary,
    /// The rounds before, for last round's counts and the streaks.
    pub history: Option<&'a History>,
    /// Units whose return arrived after the deadline.
    pub late: &'a BTreeSet<String>,
    /// A leader's page: only their tasks.
    pub leader: Option<&'a str>,
}

/// Text made safe inside HTML, in elements and in quoted attributes.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "*{box-sizing:border-box}body{margin:0;padding:12px;font:16px/1.6 'Noto Sans CJK SC','Microsoft YaHei',sans-serif;color:#222;background:#f5f6f8;overflow-wrap:anywhere;word-break:break-word}
h1{font-size:22px;margin:4px 0 12px}h2{font-size:18px;margin:18px 0 8px}main{max-width:1100px;margin:0 auto}
section,article{background:#fff;border-radius:6px;padding:10px 12px;margin:0 0 12px;box-shadow:0 1px 2px #0002}
table{width:100%;border-collapse:collapse;table-layout:fixed}td,th{border-bottom:1px solid #ddd;padding:4px;text-align:left;font-size:15px;vertical-align:top}
.c-红{border-left:8px solid #c62828}.c-黄{border-left:8px solid #f9a825}.c-蓝{border-left:8px solid #1565c0}
.tag{display:inline-block;padding:0 6px;border-radius:4px;color:#fff;font-size:15px;margin-right:4px}.t-红{background:#c62828}.t-黄{background:#8d6e00}.t-蓝{background:#1565c0}.t-滞{background:#6a1b9a}
.filters{display:flex;flex-wrap:wrap;gap:8px}.filters label{flex:1 1 160px;font-size:15px}.filters select{width:100%;font-size:16px;padding:4px}
.part{border-top:1px dashed #ccc;padding-top:6px;margin-top:6px}.muted{color:#555;font-size:15px}.pre{white-space:pre-wrap}
svg{max-width:100%;height:auto}ul{padding-left:20px;margin:4px 0}";

const SCRIPT: &str = "function f(){var v={};document.querySelectorAll('.filters select').forEach(function(s){v[s.name]=s.value});document.querySelectorAll('article.task').forEach(function(a){var ok=true;for(var k in v){if(v[k]&&(a.getAttribute('data-'+k)||'').split('|').indexOf(v[k])<0)ok=false}a.hidden=!ok})}document.querySelectorAll('.filters select').forEach(function(s){s.addEventListener('change',f)});";

/// The tasks a page shows, lagging first (then longer streaks, then catalog order).
pub fn ordered<'a>(board: &Board<'a>) -> Vec<&'a TaskSummary> {
    let mut tasks: Vec<&TaskSummary> = (board.summary.tasks.iter())
        .filter(|t| {
            board
                .leader
                .is_none_or(|l| t.leaders.iter().any(|x| x == l))
        })
        .collect();
    tasks.sort_by_key(|t| (!t.lagging(), std::cmp::Reverse(streak(board, t)), t.number));
    tasks
}

fn streak(board: &Board, t: &TaskSummary) -> u32 {
    board.history.map_or(u32::from(t.lagging()), |h| {
        h.streak(t.number, t.status, t.colour)
    })
}

/// The page's text.
pub fn page(board: &Board) -> String {
    let s = board.summary;
    let title = match board.leader {
        Some(l) => format!("{} 督办看板 · {}分管任务", s.round, l),
        None => format!("{} 督办看板", s.round),
    };
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>{t}</title><style>{STYLE}</style></head><body><main><h1>{t}</h1>",
        t = esc(&title)
    );
    let tasks = ordered(board);
    counts(&mut h, board, &tasks);
    if board.leader.is_none() {
        units(&mut h, board);
    }
    filters(&mut h, board, &tasks);
    h.push_str("<h2>任务进展（进展滞后的排在前面）</h2>");
    for t in &tasks {
        task(&mut h, board, t);
    }
    let _ = writeln!(h, "</main><script>{SCRIPT}</script></body></html>");
    h
}

fn colour_word(c: Colour) -> &'static str {
    match c {
        Colour::Red => "红（进展滞后）",
        Colour::Yellow => "黄（需关注）",
        Colour::Blue => "蓝（正常推进）",
    }
}

/// Counts by status and colour, against last round where known, with SVG bars.
fn counts(h: &mut String, board: &Board, tasks: &[&TaskSummary]) {
    let prev = board.history.filter(|h| !h.previous_counts.is_empty());
    let _ = write!(
        h,
        "<section><h2>本期概况</h2><p>共 {} 项任务，其中进展滞后 {} 项。</p><table><tr><th>状态或三色</th><th>本期</th><th>上期</th><th>图示</th></tr>",
        tasks.len(),
        tasks.iter().filter(|t| t.lagging()).count()
    );
    let max = tasks.len().max(1) as f64;
    let mut row = |label: &str, now: usize, then: Option<usize>, fill: &str| {
        let w = (now as f64 / max * 100.0).round();
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{now}</td><td>{}</td><td><svg viewBox=\"0 0 100 10\" width=\"100\" height=\"10\" role=\"img\" aria-label=\"{now} 项\"><rect width=\"{w}\" height=\"10\" fill=\"{fill}\"/></svg></td></tr>",
            esc(label),
            then.map_or("—".to_string(), |n| n.to_string())
        );
    };
    for st in crate::domain::status::Status::ALL {
        let now = tasks.iter().filter(|t| t.status == st).count();
        let then = prev.map(|p| {
            p.previous_counts
                .iter()
                .filter(|(s, _)| *s == st)
                .map(|(_, n)| *n)
                .sum()
        });
        if now > 0 || then.unwrap_or(0) > 0 {
            row(
                st.label(),
                now,
                if board.leader.is_some() { None } else { then },
                "#607d8b",
            );
        }
    }
    for c in Colour::ALL {
        let now = tasks.iter().filter(|t| t.colour == c).count();
        let then = prev.map(|p| {
            p.previous_colours
                .iter()
                .filter(|(x, _)| *x == c)
                .map(|(_, n)| *n)
                .sum()
        });
        let fill = match c {
            Colour::Red => "#c62828",
            Colour::Yellow => "#f9a825",
            Colour::Blue => "#1565c0",
        };
        row(
            colour_word(c),
            now,
            if board.leader.is_some() { None } else { then },
            fill,
        );
    }
    h.push_str("</table></section>");
}

/// Units 未报送, 退回 (sent, not accepted) and 逾期.
fn units(h: &mut String, board: &Board) {
    h.push_str("<section><h2>单位报送</h2>");
    let groups: [(&str, Vec<&str>); 3] = [
        (
            "未报送",
            (board.summary.units.iter())
                .filter(|u| u.state == UnitState::Missing)
                .map(|u| u.unit.as_str())
                .collect(),
        ),
        (
            "退回（已报送未通过）",
            (board.summary.units.iter())
                .filter(|u| matches!(u.state, UnitState::Rejected | UnitState::Unreadable))
                .map(|u| u.unit.as_str())
                .collect(),
        ),
        ("逾期报送", board.late.iter().map(String::as_str).collect()),
    ];
    for (label, names) in groups {
        let _ = write!(
            h,
            "<p><b>{label}</b>（{} 个）：{}</p>",
            names.len(),
            if names.is_empty() {
                "无".to_string()
            } else {
                esc(&names.join("、"))
            }
        );
    }
    h.push_str("</section>");
}

fn options(h: &mut String, name: &str, label: &str, values: &BTreeSet<String>) {
    let _ = write!(
        h,
        "<label>{label}<select name=\"{name}\"><option value=\"\">全部</option>"
    );
    for v in values {
        let _ = write!(h, "<option value=\"{v}\">{v}</option>", v = esc(v));
    }
    h.push_str("</select></label>");
}

fn filters(h: &mut String, board: &Board, tasks: &[&TaskSummary]) {
    let set = |f: &dyn Fn(&TaskSummary) -> Vec<String>| -> BTreeSet<String> {
        tasks.iter().flat_map(|t| f(t)).collect()
    };
    h.push_str("<section class=\"filters\">");
    options(h, "section", "板块", &set(&|t| vec![t.section.clone()]));
    if board.leader.is_none() {
        options(h, "leader", "牵头领导", &set(&|t| t.leaders.clone()));
    }
    options(
        h,
        "unit",
        "单位",
        &set(&|t| {
            t.hosts
                .iter()
                .chain(&t.co_units)
                .map(|p| p.unit.clone())
                .collect()
        }),
    );
    options(
        h,
        "status",
        "推进状态",
        &set(&|t| vec![t.status.label().to_string()]),
    );
    h.push_str("</section>");
}

fn task(h: &mut String, board: &Board, t: &TaskSummary) {
    let units: Vec<&str> = t
        .hosts
        .iter()
        .chain(&t.co_units)
        .map(|p| p.unit.as_str())
        .collect();
    let c = t.colour.label();
    let _ = write!(
        h,
        "<article class=\"task c-{c}\" id=\"task-{n}\" data-section=\"{sec}\" data-leader=\"{lead}\" data-unit=\"{units}\" data-status=\"{st}\"><h3>任务 {n} <span class=\"tag t-{c}\">{cw}</span><span class=\"muted\">{st}{pct}</span></h3>",
        n = t.number,
        sec = esc(&t.section),
        lead = esc(&t.leaders.join("|")),
        units = esc(&units.join("|")),
        st = esc(t.status.label()),
        cw = colour_word(t.colour),
        pct = t.percent.map(|p| format!("，完成 {p}%")).unwrap_or_default(),
    );
    let run = streak(board, t);
    if t.lagging() {
        let _ = write!(
            h,
            "<p><span class=\"tag t-滞\">进展滞后</span>已连续滞后 {run} 期</p>"
        );
    }
    let _ = write!(
        h,
        "<p class=\"pre\">{}</p><p class=\"muted\">牵头领导：{}；主办：{}</p>",
        esc(&t.text),
        esc(&t.leaders.join("、")),
        esc(&t.host_names.join("、"))
    );
    for (role, parts) in [("主办", &t.hosts), ("协办", &t.co_units)] {
        for p in parts {
            part(h, role, p);
        }
    }
    h.push_str("</article>");
}

fn part(h: &mut String, role: &str, p: &Part) {
    let _ = write!(
        h,
        "<div class=\"part\"><b>{}</b>（{role}）· {} · {}{}",
        esc(&p.unit),
        esc(p.state.label()),
        esc(p.status.label()),
        p.percent.map(|v| format!(" · {v}%")).unwrap_or_default()
    );
    if !p.progress.is_empty() {
        let _ = write!(h, "<div class=\"pre\">工作进展：{}</div>", esc(&p.progress));
    }
    if !p.problems.is_empty() {
        let _ = write!(h, "<div class=\"pre\">存在问题：{}</div>", esc(&p.problems));
    }
    h.push_str("</div>");
}
