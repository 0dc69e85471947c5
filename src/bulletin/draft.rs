//! From the merge's summary (and history, and arrival times) to the bulletin's blocks.
//!
//! Every number and name here is read from the [`Summary`]: counts, rates, 序时进度,
//! statuses, colours, host units and leaders are the merge's; this module only selects
//! (进展较好, 进展滞后), orders, and words them. The only arithmetic is a count's share of
//! the tasks and the change from the last round's own numbers.

use std::cmp::Reverse;

use super::history::{History, Late};
use super::texts::{Para, Piece, TextError, Texts, Vars};
use super::BulletinError;
use crate::catalog::{format_number, Section};
use crate::date::Date;
use crate::docx::{Block, Run};
use crate::domain::colour::Colour;
use crate::domain::merged::round1;
use crate::domain::status::{Status, UnitState};
use crate::domain::summary::{Summary, TaskSummary};

/// What a bulletin is drafted from.
#[derive(Clone, Copy, Debug)]
pub struct Inputs<'a> {
    pub summary: &'a Summary,
    /// Earlier rounds; `None` outside a workspace without `--previous`.
    pub history: Option<&'a History>,
    /// Who reported late; `None` without arrival times or a deadline.
    pub late: Option<&'a Late>,
    /// 期号 (第1期), if any.
    pub number: Option<&'a str>,
    /// Whether the 期号 gets a line of its own above the title (no template field holds it).
    pub number_line: bool,
    /// 成文日期.
    pub date: Date,
}

/// The drafted bulletin.
#[derive(Clone, Debug)]
pub struct Draft {
    /// The title on one line (document properties, messages).
    pub title: String,
    /// 落款.
    pub signature: String,
    pub blocks: Vec<Block>,
    /// The tasks of 二 (进展较好), in document order.
    pub good: Vec<u32>,
    /// The tasks of 三 and of the 附件, in document order, with the rounds each has lagged.
    pub lagging: Vec<(u32, u32)>,
}

/// The 附件's label (GB/T 9704: "附件", 黑体, on the attachment's first line).
const ATTACHMENT_LABEL: &str = "附件";

/// A percent as the office writes it: 25%, 7.8%.
pub fn percent(v: f64) -> String {
    format!("{}%", format_number(round1(v)))
}

/// A count's share of `total`, in percent.
fn share(n: usize, total: usize) -> String {
    percent(if total == 0 {
        0.0
    } else {
        n as f64 / total as f64 * 100.0
    })
}

/// A task's short form: its text up to the first clause's end (，。；：), outside quotes.
pub fn short(text: &str) -> String {
    let mut depth = 0i32;
    for (i, c) in text.char_indices() {
        match c {
            '“' | '‘' | '《' | '（' | '(' => depth += 1,
            '”' | '’' | '》' | '）' | ')' => depth -= 1,
            '，' | '。' | '；' | '：' | '！' if depth <= 0 => {
                return text[..i].trim().to_string()
            }
            _ => {}
        }
    }
    text.trim().trim_end_matches(['。', '；']).to_string()
}

/// 进展较好: 已完成, or 序时推进 at a percent above 序时进度 (not 疑似滞后).
fn is_good(t: &TaskSummary, schedule: Option<f64>) -> bool {
    match t.status {
        Status::Done => true,
        Status::OnSchedule => {
            !t.behind
                && t.colour == Colour::Blue
                && schedule.is_some_and(|s| t.percent.is_some_and(|p| p > s))
        }
        _ => false,
    }
}

/// A task's status with its percent: 已完成, 滞后，完成10%, 序时推进，完成45%（疑似滞后）.
fn progress(t: &TaskSummary) -> String {
    let mut s = t.status.label().to_string();
    if matches!(t.status, Status::OnSchedule | Status::Lagging) {
        if let Some(p) = t.percent {
            s.push_str(&format!("，完成{}", percent(p)));
        }
    }
    if t.overdue {
        s.push_str("（逾期）");
    } else if t.behind {
        s.push_str("（疑似滞后）");
    }
    if t.colour == Colour::Red && !t.status.is_lagging() {
        s.push_str("（红色）");
    }
    s
}

/// A level-2 heading's ordinal: （一）, （二） … （九十九）.
fn ordinal(n: usize) -> String {
    const DIGITS: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let (tens, ones) = (n / 10 % 10, n % 10);
    let tens = match tens {
        0 => String::new(),
        1 => "十".to_string(),
        t => format!("{}十", DIGITS[t]),
    };
    format!("（{tens}{}）", DIGITS[ones])
}

pub(super) fn join(names: &[String]) -> String {
    names.join("、")
}

/// Units named in a sentence or a cell: all of them up to three, else the first two and how
/// many ("区委组织部、区委改革办等9个单位"), so that the bulletin stays short. A lagging task's
/// hosts are all in the 附件's 主办单位 column and the round's whole 未报送 roll in section 四;
/// a task going well is named with its first two hosts only.
pub(super) fn few(names: &[String]) -> String {
    const NAMED: usize = 2;
    if names.len() <= NAMED + 1 {
        join(names)
    } else {
        format!("{}等{}个单位", join(&names[..NAMED]), names.len())
    }
}

/// "由3项增加到6项", "由68%提高到73%", or "与上期持平（73%）".
fn change(prev: f64, cur: f64, unit: impl Fn(f64) -> String, up: &str, down: &str) -> String {
    if (prev - cur).abs() < 1e-9 {
        format!("与上期持平（{}）", unit(cur))
    } else {
        let verb = if cur > prev { up } else { down };
        format!("由{}{verb}到{}", unit(prev), unit(cur))
    }
}

/// The values every piece may use.
fn base_vars(i: &Inputs, good: &[&TaskSummary], lagging: &[(&TaskSummary, u32)]) -> Vars {
    let s = i.summary;
    let total = s.tasks.len();
    let count = |st: Status| s.count(st).to_string();
    let mut v = Vars::new();
    v.insert("round", s.round.clone());
    if let Some(n) = &s.notice {
        v.insert("notice", n.number.clone());
        v.insert("notice_issuer", n.issuer.clone());
        v.insert("notice_title", n.title.clone());
    }
    if let Some(n) = i.number {
        v.insert("issue", n.to_string());
    }
    v.insert("date", i.date.chinese());
    v.insert("task_total", total.to_string());
    let shares: Vec<String> = Status::ALL
        .iter()
        .filter(|st| s.count(**st) > 0)
        .map(|st| {
            format!(
                "{}{}项，占{}",
                st.label(),
                s.count(*st),
                share(s.count(*st), total)
            )
        })
        .collect();
    v.insert("status_shares", shares.join("；"));
    v.insert("tasks_done", count(Status::Done));
    v.insert("tasks_on_schedule", count(Status::OnSchedule));
    v.insert("tasks_lagging", count(Status::Lagging));
    v.insert("tasks_not_started", count(Status::NotStarted));
    v.insert("tasks_unreported", count(Status::Unreported));
    v.insert("tasks_rejected", count(Status::Rejected));
    if let Some(sch) = s.schedule {
        v.insert("schedule", percent(sch));
        let ahead = good.iter().filter(|t| t.status != Status::Done).count();
        v.insert("tasks_ahead", ahead.to_string());
    }
    let colours: Vec<String> = Colour::ALL
        .iter()
        .map(|c| format!("{}色{}项", c.label(), s.colour_count(*c)))
        .collect();
    v.insert("colour_counts", colours.join("、"));
    v.insert("blue", s.colour_count(Colour::Blue).to_string());
    v.insert("yellow", s.colour_count(Colour::Yellow).to_string());
    v.insert("red", s.colour_count(Colour::Red).to_string());
    v.insert("expected", s.expected.to_string());
    v.insert("returned", s.returned.to_string());
    v.insert("accepted", s.accepted.to_string());
    let missing: Vec<String> = s
        .units_in(UnitState::Missing)
        .map(|u| u.unit.clone())
        .collect();
    let rejected: Vec<String> = s
        .units_in(UnitState::Rejected)
        .map(|u| u.unit.clone())
        .collect();
    v.insert("rejected_total", rejected.len().to_string());
    v.insert("missing_total", missing.len().to_string());
    v.insert("missing_units", join(&missing));
    v.insert("rejected_units", join(&rejected));
    v.insert("return_rate", percent(s.return_rate));
    v.insert("pass_rate", percent(s.pass_rate));
    v.insert("files", s.files.to_string());
    v.insert("files_accepted", s.files_accepted.to_string());
    v.insert("files_rejected", s.files_rejected.to_string());
    v.insert("files_superseded", s.files_superseded.to_string());
    v.insert("good_total", good.len().to_string());
    v.insert("lagging_total", lagging.len().to_string());
    if let Some(h) = i.history {
        let streaks = lagging.iter().filter(|(_, n)| *n >= 2).count();
        v.insert("streak_total", streaks.to_string());
        if let Some(p) = &h.previous {
            v.insert("previous_round", p.round.clone());
            let items = |unit: &str| {
                let unit = unit.to_string();
                move |n: f64| format!("{}{unit}", format_number(n))
            };
            let changed: Vec<String> = Status::ALL
                .iter()
                .filter(|st| p.count(**st) != s.count(**st))
                .map(|st| {
                    let (a, b) = (p.count(*st) as f64, s.count(*st) as f64);
                    format!(
                        "{}{}",
                        st.label(),
                        change(a, b, items("项"), "增加", "减少")
                    )
                })
                .collect();
            v.insert(
                "status_changes",
                if changed.is_empty() {
                    "各推进状态的任务数与上期相同".to_string()
                } else {
                    changed.join("，")
                },
            );
            let changed: Vec<String> = Colour::ALL
                .iter()
                .filter(|c| p.colour_count(**c) != s.colour_count(**c))
                .map(|c| {
                    let (a, b) = (p.colour_count(*c) as f64, s.colour_count(*c) as f64);
                    format!(
                        "{}色{}",
                        c.label(),
                        change(a, b, items("项"), "增加", "减少")
                    )
                })
                .collect();
            v.insert(
                "colour_changes",
                if changed.is_empty() {
                    "蓝黄红各色任务数与上期相同".to_string()
                } else {
                    changed.join("，")
                },
            );
            v.insert(
                "return_rate_change",
                change(p.return_rate, s.return_rate, percent, "提高", "降低"),
            );
            v.insert(
                "pass_rate_change",
                change(p.pass_rate, s.pass_rate, percent, "提高", "降低"),
            );
        }
    }
    if let Some(l) = i.late {
        v.insert("deadline", l.deadline.chinese());
        v.insert("late_total", l.units.len().to_string());
        v.insert("late_units", join(&l.units));
    }
    v
}

/// One section piece per section of the notice holding any of `tasks`, in the notice's
/// order, its `{items}` the item piece of each task joined by ；. `{index}` counts within the
/// section, or across sections when `running`.
fn by_section(
    texts: &Texts,
    vars: &Vars,
    sections: &[Section],
    tasks: &[(&TaskSummary, u32)],
    (section_piece, item_piece): (Piece, Piece),
    running: bool,
) -> Result<Vec<Block>, TextError> {
    let (mut subs, mut index, mut out) = (0, 0, Vec::new());
    for section in sections {
        let here: Vec<&(&TaskSummary, u32)> = tasks
            .iter()
            .filter(|(t, _)| t.section == section.number)
            .collect();
        if here.is_empty() {
            continue;
        }
        if !running {
            index = 0;
        }
        let items = here
            .iter()
            .map(|(t, n)| {
                index += 1;
                texts.line(item_piece, &item_vars(vars, index, t, *n))
            })
            .collect::<Result<Vec<_>, _>>()?;
        subs += 1;
        let mut v = vars.clone();
        v.insert("sub", ordinal(subs));
        v.insert("section", section.title.clone());
        v.insert("count", here.len().to_string());
        v.insert("items", items.join("；"));
        let sub = ordinal(subs);
        out.extend(
            texts
                .paragraphs(section_piece, &v)?
                .into_iter()
                .map(|p| inline_heading(p.block(), &sub)),
        );
    }
    Ok(out)
}

/// A section's paragraph that opens with its heading ("（一）加快新旧动能转换（7项）：第3项…")
/// sets the heading, up to its colon, in 楷体 as a standalone 第二层 heading would be.
fn inline_heading(block: Block, sub: &str) -> Block {
    let Block::Para(runs) = block else {
        return block;
    };
    let Some((first, rest)) = runs.split_first() else {
        return Block::Para(runs);
    };
    let head_end = first.text.find('：').map(|i| i + '：'.len_utf8());
    match head_end {
        Some(end) if !first.bold && first.text.starts_with(sub) => {
            let mut out = vec![
                Run::heading(&first.text[..end]),
                Run::plain(&first.text[end..]),
            ];
            out.extend(rest.iter().cloned());
            Block::Para(out)
        }
        _ => Block::Para(runs),
    }
}

/// `more`'s first paragraph joined to the end of `base`'s last when both are body text (a
/// piece of what changed continues the paragraph it is about), the rest after it.
fn continued(base: &mut Vec<Para>, more: Vec<Para>) {
    let mut more = more.into_iter();
    match (base.last_mut(), more.next()) {
        (Some(Para::Body(runs)), Some(Para::Body(next))) => runs.extend(next),
        (_, Some(first)) => base.push(first),
        (_, None) => {}
    }
    base.extend(more);
}

/// The values of one task's item.
fn item_vars(base: &Vars, index: usize, t: &TaskSummary, streak: u32) -> Vars {
    let mut v = base.clone();
    v.insert("index", index.to_string());
    v.insert("number", t.number.to_string());
    v.insert("task", short(&t.text));
    v.insert("hosts", few(&t.host_names));
    v.insert("leaders", join(&t.leaders));
    v.insert("progress", progress(t));
    v.insert("reached", reached(t));
    v.insert("streak", streak_mark(streak));
    v
}

/// How far a task going well has come: 已完成, or 完成55% (its being on schedule, and ahead,
/// is what section 二 says of all of them); anything else as [`progress`] tells it.
fn reached(t: &TaskSummary) -> String {
    match (t.status, t.percent) {
        (Status::Done, _) => t.status.label().to_string(),
        (Status::OnSchedule, Some(p)) if !t.behind && !t.overdue && t.colour != Colour::Red => {
            format!("完成{}", percent(p))
        }
        _ => progress(t),
    }
}

/// （连续2期） for a task lagging two or more rounds running, else nothing.
pub(super) fn streak_mark(rounds: u32) -> String {
    if rounds >= 2 {
        format!("（连续{rounds}期）")
    } else {
        String::new()
    }
}

/// Drafts the bulletin.
///
/// # Errors
/// [`BulletinError::Text`] ([`TextError::Missing`]) when a piece uses a placeholder this run
/// has no value for (e.g. `{schedule}` for a round without 序时进度, or `{previous_round}`
/// in a piece used without history — never the case for the embedded texts).
pub fn draft(i: &Inputs, texts: &Texts) -> Result<Draft, BulletinError> {
    let s = i.summary;
    let good: Vec<&TaskSummary> = s.tasks.iter().filter(|t| is_good(t, s.schedule)).collect();
    let mut lagging: Vec<(&TaskSummary, u32)> = s
        .tasks
        .iter()
        .filter(|t| t.lagging())
        .map(|t| (t, i.history.map_or(1, |h| h.streak(t.number))))
        .collect();
    // Lagging longest first, then the least advanced, then in task order.
    lagging.sort_by_key(|(t, n)| (Reverse(*n), t.status, t.number));
    let vars = base_vars(i, &good, &lagging);

    let mut blocks = Vec::new();
    if let (Some(n), true) = (i.number, i.number_line) {
        blocks.push(Block::DocNumber(n.to_string()));
    }
    let title_lines = texts.lines(Piece::Title, &vars)?;
    blocks.push(Block::Title(title_lines.join("\n")));
    blocks.push(Block::Addressee(texts.line(Piece::Addressee, &vars)?));
    let paras = |piece: Piece, blocks: &mut Vec<Block>| -> Result<(), TextError> {
        blocks.extend(
            texts
                .paragraphs(piece, &vars)?
                .into_iter()
                .map(|p| p.block()),
        );
        Ok(())
    };
    // With an earlier round, what changed continues the paragraph it is about.
    let previous = i.history.is_some_and(|h| h.previous.is_some());
    let with_change = |piece: Piece, change: Piece| -> Result<Vec<Block>, TextError> {
        let mut out = texts.paragraphs(piece, &vars)?;
        if previous {
            continued(&mut out, texts.paragraphs(change, &vars)?);
        }
        Ok(out.into_iter().map(|p| p.block()).collect())
    };
    paras(Piece::Opening, &mut blocks)?;
    blocks.extend(with_change(Piece::Overall, Piece::OverallChange)?);

    paras(Piece::Good, &mut blocks)?;
    let good_items: Vec<(&TaskSummary, u32)> = good.iter().map(|t| (*t, 1)).collect();
    blocks.extend(by_section(
        texts,
        &vars,
        &s.sections,
        &good_items,
        (Piece::GoodSection, Piece::GoodItem),
        false,
    )?);

    // One order for 三 and the 附件: the notice's sections, and within each the order the
    // lagging tasks were ranked in (longest streak first).
    let lagging: Vec<(&TaskSummary, u32)> = s
        .sections
        .iter()
        .flat_map(|section| {
            lagging
                .iter()
                .filter(move |(t, _)| t.section == section.number)
        })
        .copied()
        .collect();
    paras(Piece::Lagging, &mut blocks)?;
    if lagging.iter().any(|(_, n)| *n >= 2) {
        paras(Piece::LaggingStreak, &mut blocks)?;
    }
    // Compact, by section (number, short name, hosts); the detail is the 附件's.
    blocks.extend(by_section(
        texts,
        &vars,
        &s.sections,
        &lagging,
        (Piece::LaggingSection, Piece::LaggingItem),
        true,
    )?);

    blocks.extend(with_change(Piece::Reporting, Piece::ReportingChange)?);
    if s.units_in(UnitState::Missing).next().is_some() {
        paras(Piece::ReportingMissing, &mut blocks)?;
    }
    if s.units_in(UnitState::Rejected).next().is_some() {
        paras(Piece::ReportingRejected, &mut blocks)?;
    }
    if i.late.is_some_and(|l| !l.units.is_empty()) {
        paras(Piece::ReportingLate, &mut blocks)?;
    }
    paras(Piece::Requirements, &mut blocks)?;

    let attachment = texts.line(Piece::Attachment, &vars)?;
    if !lagging.is_empty() {
        blocks.push(Block::AttachmentNote(format!(
            "{ATTACHMENT_LABEL}：{attachment}"
        )));
    }
    let signature = texts.line(Piece::Signature, &vars)?;
    blocks.push(Block::Signature(signature.clone()));
    blocks.push(Block::Date(i.date.chinese()));
    if !lagging.is_empty() {
        blocks.push(Block::PageBreak);
        blocks.push(Block::AttachmentLabel(ATTACHMENT_LABEL.to_string()));
        blocks.push(Block::Title(attachment));
        blocks.push(Block::Table(super::attachment::table(&lagging)?));
    }
    // 版记 (GB/T 9704 7.4): 抄送 where the office names any, 印发机关 and 印发日期.
    let copy_to = texts.line(Piece::CopyTo, &vars)?;
    blocks.push(Block::Imprint {
        copy_to: Some(copy_to.trim().to_string()).filter(|c| !c.is_empty()),
        issuer: signature.clone(),
        date: format!("{}印发", i.date.chinese()),
    });
    Ok(Draft {
        title: title_lines.concat(),
        signature,
        blocks,
        good: good.iter().map(|t| t.number).collect(),
        lagging: lagging.iter().map(|(t, n)| (t.number, *n)).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_forms_stop_at_the_first_clause_outside_quotes() {
        assert_eq!(
            short("大力实施“510”企业培育工程，全力支持两大企业"),
            "大力实施“510”企业培育工程"
        );
        assert_eq!(
            short("推动颜店新城快速崛起。加快东融南联"),
            "推动颜店新城快速崛起"
        );
        assert_eq!(
            short("坚持“以亩产效益论英雄”，围绕"),
            "坚持“以亩产效益论英雄”"
        );
        assert_eq!(
            short("稳妥推进区属困难企业破产改制。"),
            "稳妥推进区属困难企业破产改制"
        );
    }

    #[test]
    fn ordinals_count_in_chinese() {
        assert_eq!(ordinal(1), "（一）");
        assert_eq!(ordinal(10), "（十）");
        assert_eq!(ordinal(12), "（十二）");
        assert_eq!(ordinal(20), "（二十）");
    }

    #[test]
    fn changes_say_which_way() {
        let n = |v: f64| format!("{}项", format_number(v));
        assert_eq!(change(3.0, 6.0, n, "增加", "减少"), "由3项增加到6项");
        assert_eq!(
            change(73.0, 68.5, percent, "提高", "降低"),
            "由73%降低到68.5%"
        );
        assert_eq!(change(5.0, 5.0, n, "增加", "减少"), "与上期持平（5项）");
    }
}
