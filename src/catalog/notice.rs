//! Parses a notice (the text form of 济兗政发〔2020〕1号) into catalog data.
//!
//! The text comes from a PDF conversion: `**` bold marks, page breaks that split a task,
//! a leader's name or a unit's name across blank lines, 兗 beside 兖, a half-width `)` now
//! and then. A task is `N、text（牵头领导：A、B。承办单位：X、Y等，Z、各镇街）`; its paragraphs
//! are joined until that parenthesis closes.
//!
//! Hosts and co-units follow one stated rule (the bold marks did not survive reliably):
//! units before the first full-width comma of the 承办单位 list host, those after it assist;
//! no comma, all host.
//!
//! Every problem is collected with its line number; the parser returns data only when there
//! are none, so a half catalog is never written.

use std::fmt;

use super::indicators;
use super::names::variant;
use super::registry::Registry;
use super::{CatalogData, Indicator, Notice, Section, Task};

/// The note that follows the first task's unit list.
const BOLD_NOTE: &str = "黑体为主办单位，其他为协办单位，下同";

/// One problem, at a line of the notice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub message: String,
}

/// Everything wrong with a notice.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct NoticeError {
    pub problems: Vec<Problem>,
}

impl fmt::Display for NoticeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "通知解析失败，共 {} 处问题，未生成任务清单：",
            self.problems.len()
        )?;
        for p in &self.problems {
            writeln!(f, "  第 {} 行：{}", p.line, p.message)?;
        }
        Ok(())
    }
}

/// A task being assembled from its paragraphs: the joined text and where each line starts.
struct Pending {
    number: u32,
    section: String,
    line: usize,
    text: String,
    /// (byte offset in `text`, line number)
    lines: Vec<(usize, usize)>,
}

impl Pending {
    fn push(&mut self, line: usize, s: &str) {
        self.lines.push((self.text.len(), line));
        self.text.push_str(s);
    }

    fn line_at(&self, offset: usize) -> usize {
        self.lines
            .iter()
            .rev()
            .find(|(o, _)| *o <= offset)
            .map_or(self.line, |(_, l)| *l)
    }

    /// The parenthesis has closed: the text ends in ） or ) after a 牵头领导/责任领导 label.
    fn closed(&self) -> bool {
        paren_start(&self.text).is_some() && (self.text.ends_with('）') || self.text.ends_with(')'))
    }
}

/// The words notices use for a task's leaders: the same role whichever is written.
pub const LEADER_WORDS: [&str; 3] = ["牵头领导", "责任领导", "分管领导"];
/// The words for its units.
pub const UNIT_WORDS: [&str; 2] = ["承办单位", "责任单位"];

/// Where the leader parenthesis opens: the last （牵头领导 / （责任领导 / （分管领导.
fn paren_start(text: &str) -> Option<usize> {
    LEADER_WORDS
        .iter()
        .flat_map(|w| [format!("（{w}"), format!("({w}")])
        .filter_map(|p| text.rfind(&p))
        .max()
}

/// A notice read: its data, and the unit names the registry does not know, each with
/// the known names closest to it (a new unit, or a typo: the office decides).
#[derive(Clone, Debug, PartialEq)]
pub struct Parsed {
    pub data: CatalogData,
    pub unknown: Vec<super::registry::UnknownName>,
}

/// Parses a notice's text with the registry used to resolve unit names. A name the
/// registry does not know is taken as written and listed in [`Parsed::unknown`].
pub fn parse(text: &str, registry: &Registry) -> Result<Parsed, NoticeError> {
    let unknown = std::cell::RefCell::new(Vec::new());
    let mut problems: Vec<Problem> = Vec::new();
    let mut number = None;
    let mut issuer = None;
    let mut title = None;
    let mut date = None;
    let mut targets: Vec<Indicator> = Vec::new();
    let mut sections: Vec<Section> = Vec::new();
    let mut tasks: Vec<Task> = Vec::new();
    let mut pending: Option<Pending> = None;
    let mut last_number = 0u32;

    let finish = |p: Pending, tasks: &mut Vec<Task>, problems: &mut Vec<Problem>| match build_task(
        &p, registry, &unknown,
    ) {
        Ok(t) => tasks.push(t),
        Err(mut e) => problems.append(&mut e),
    };

    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        let line = clean_line(raw);
        if line.is_empty() {
            continue;
        }
        if number.is_none() && line.contains('〔') && line.contains('〕') && line.ends_with('号')
        {
            number = Some(line.clone());
            continue;
        }
        if title.is_none() && line.contains("关于") && line.ends_with("通知") {
            let t = squeeze(&fold_variants(&line));
            let at = t.find("关于").unwrap_or(0);
            issuer = Some(t[..at].to_string());
            title = Some(t[at..].to_string());
            continue;
        }
        if let Some((numeral, rest)) = section_heading(&line) {
            if let Some(p) = pending.take() {
                if !p.closed() {
                    problems.push(missing_paren(&p));
                } else {
                    finish(p, &mut tasks, &mut problems);
                }
            }
            sections.push(Section {
                number: numeral,
                title: squeeze(&fold_variants(&rest)),
            });
            continue;
        }
        if let Some((n, rest)) = task_start(&line) {
            if let Some(p) = pending.take() {
                if !p.closed() {
                    problems.push(missing_paren(&p));
                } else {
                    finish(p, &mut tasks, &mut problems);
                }
            }
            if n == last_number {
                problems.push(Problem {
                    line: line_no,
                    message: format!("任务编号 {n} 重复"),
                });
            } else if n != last_number + 1 {
                problems.push(Problem {
                    line: line_no,
                    message: if n > last_number + 1 {
                        format!(
                            "任务编号从 {last_number} 跳到 {n}，缺少任务 {}",
                            last_number + 1
                        )
                    } else {
                        format!("任务编号 {n} 出现在任务 {last_number} 之后，顺序错误")
                    },
                });
            }
            last_number = last_number.max(n);
            let section = sections.last().map(|s| s.number.clone());
            if section.is_none() {
                problems.push(Problem {
                    line: line_no,
                    message: format!("任务 {n} 出现在任何部分标题（如“二、……”）之前"),
                });
            }
            let mut p = Pending {
                number: n,
                section: section.unwrap_or_default(),
                line: line_no,
                text: String::new(),
                lines: Vec::new(),
            };
            p.push(line_no, &rest);
            pending = Some(p);
            continue;
        }
        match pending.as_mut() {
            Some(p) if !p.closed() => {
                p.push(line_no, &line);
                continue;
            }
            _ => {}
        }
        if sections.len() == 1 && tasks.is_empty() && pending.is_none() {
            if let Some(at) = line.find("主要预期目标为：") {
                let body = squeeze(&line[at + "主要预期目标为：".len()..]);
                targets = indicators::extract(&body);
                if targets.is_empty() {
                    problems.push(Problem {
                        line: line_no,
                        message: "未能从“主要预期目标”中识别出任何目标".into(),
                    });
                }
            }
            continue;
        }
        if date.is_none() && (pending.is_some() || !tasks.is_empty()) {
            if let Some(d) = parse_date(&line) {
                date = Some(d);
            }
        }
    }
    if let Some(p) = pending.take() {
        if !p.closed() {
            problems.push(missing_paren(&p));
        } else {
            finish(p, &mut tasks, &mut problems);
        }
    }
    let at_end = text.lines().count();
    let mut require = |what: &str, v: &Option<String>| {
        if v.is_none() {
            problems.push(Problem {
                line: at_end,
                message: format!("没有找到通知的{what}"),
            });
        }
    };
    require("文号（如 济兗政发〔2020〕1号）", &number);
    require("标题（“关于……的通知”）", &title);
    require("成文日期（如 2020年2月8日）", &date);
    if tasks.is_empty() && problems.is_empty() {
        problems.push(Problem {
            line: at_end,
            message: "没有找到任何编号任务（如“1、……（牵头领导：……。承办单位：……）”）".into(),
        });
    }
    if !problems.is_empty() {
        problems.sort_by_key(|p| p.line);
        return Err(NoticeError { problems });
    }
    let mut reg = registry.to_data();
    let unknown = unknown.into_inner();
    reg.units
        .extend(unknown.iter().map(|u| super::registry::Unit {
            name: u.name.clone(),
            kind: super::registry::UnitKind::guess(&u.name),
            aliases: Vec::new(),
            former: Vec::new(),
        }));
    let data = CatalogData {
        notice: Notice {
            number: number.unwrap_or_default(),
            issuer: issuer.unwrap_or_default(),
            title: title.unwrap_or_default(),
            date: date.unwrap_or_default(),
            year: None,
            template_title: None,
        },
        targets,
        sections: sections.into_iter().filter(|s| s.number != "一").collect(),
        tasks,
        groups: reg.groups,
        units: reg.units,
    };
    Ok(Parsed { data, unknown })
}

fn missing_paren(p: &Pending) -> Problem {
    Problem {
        line: p.line,
        message: format!(
            "任务 {} 缺少完整的（牵头领导：……。承办单位：……）括号，或括号没有闭合",
            p.number
        ),
    }
}

fn build_task(
    p: &Pending,
    registry: &Registry,
    unknown: &std::cell::RefCell<Vec<super::registry::UnknownName>>,
) -> Result<Task, Vec<Problem>> {
    let open = paren_start(&p.text).expect("closed tasks have a parenthesis");
    let body = &p.text[open..];
    let inner = body
        .trim_start_matches(['（', '('])
        .trim_end_matches(['）', ')']);
    let err = |offset: usize, message: String| Problem {
        line: p.line_at(offset),
        message,
    };
    let (label, rest) = LEADER_WORDS
        .iter()
        .find_map(|w| inner.strip_prefix(w).map(|r| (*w, r)))
        .unwrap_or(("牵头领导", inner));
    let rest = rest.trim_start_matches(['：', ':']);
    let Some((split, unit_word)) = UNIT_WORDS
        .iter()
        .filter_map(|w| rest.find(w).map(|i| (i, *w)))
        .min()
    else {
        return Err(vec![err(
            open,
            format!(
                "任务 {} 的括号中没有“承办单位：”（或“责任单位：”）",
                p.number
            ),
        )]);
    };
    let leaders: Vec<String> = rest[..split]
        .trim_end_matches(['。', '，', '；', ' '])
        .split(['、', '，'])
        .map(|s| squeeze(&fold_variants(s)))
        .filter(|s| !s.is_empty())
        .collect();
    let mut problems = Vec::new();
    if leaders.is_empty() {
        problems.push(err(open, format!("任务 {} 没有牵头领导", p.number)));
    }
    let units_at = offset_in(&p.text, &rest[split..]);
    let mut units_text = rest[split..]
        .trim_start_matches(unit_word)
        .trim_start_matches(['：', ':'])
        .to_string();
    units_text = units_text
        .replace(&format!("。{BOLD_NOTE}"), "")
        .replace(BOLD_NOTE, "");
    let units_text = units_text.trim_end_matches(['。', '；']);
    let units_offset = units_at + "承办单位：".len();
    let (host_part, co_part) = match units_text.find(['，', ',']) {
        Some(c) => (&units_text[..c], &units_text[c + '，'.len_utf8()..]),
        None => (units_text, ""),
    };
    let mut open_list = false;
    let mut resolve = |part: &str| -> Vec<String> {
        let mut out = Vec::new();
        for item in part.split(['、', '，', ',']) {
            let mut name = squeeze(item);
            if let Some(n) = name.strip_suffix('等') {
                open_list = true;
                name = n.to_string();
            }
            if name.is_empty() {
                continue;
            }
            match registry.resolve(&name) {
                Ok(r) => {
                    let canonical = r.name().to_string();
                    if !out.contains(&canonical) {
                        out.push(canonical);
                    }
                }
                Err(e) => {
                    // Taken as written: a unit of this notice the registry lacks (listed
                    // for the office with the closest known names), never dropped.
                    let mut seen = unknown.borrow_mut();
                    if !seen.iter().any(|u| u.name == e.name) {
                        seen.push(e.clone());
                    }
                    if !out.contains(&e.name) {
                        out.push(e.name.clone());
                    }
                }
            }
        }
        out
    };
    let hosts = resolve(host_part);
    let co_units = resolve(co_part);
    if hosts.is_empty() && problems.is_empty() {
        problems.push(err(units_offset, format!("任务 {} 没有承办单位", p.number)));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let text = squeeze(&fold_variants(&p.text[..open]));
    Ok(Task {
        number: p.number,
        section: p.section.clone(),
        leader_label: label.to_string(),
        leaders,
        indicators: indicators::extract(&text),
        hosts,
        co_units,
        open_list,
        text,
        deadline: None,
        parent: None,
    })
}

/// Byte offset of `inner`, a subslice of `outer`.
fn offset_in(outer: &str, inner: &str) -> usize {
    inner.as_ptr() as usize - outer.as_ptr() as usize
}

/// Removes bold marks and surrounding blanks (ASCII and full-width).
fn clean_line(raw: &str) -> String {
    raw.replace("**", "")
        .trim_matches(|c: char| c.is_whitespace())
        .to_string()
}

fn fold_variants(s: &str) -> String {
    s.chars().map(variant).collect()
}

/// Drops the spaces the PDF conversion put around numbers and Latin words inside Chinese
/// text (重点抓好 38 个 → 重点抓好38个), keeping those between two Latin words.
pub fn squeeze(s: &str) -> String {
    let chars: Vec<char> = s.trim().chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' || c == '\u{3000}' || c == '\t' {
            let prev = out.chars().last();
            let next = chars[i + 1..].iter().find(|c| !c.is_whitespace());
            let latin = |c: Option<&char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
            if latin(prev.as_ref())
                && latin(next)
                && !prev.is_some_and(|p| p.is_ascii_digit())
                && !out.ends_with(' ')
            {
                out.push(' ');
            }
            continue;
        }
        out.push(c);
    }
    out
}

fn section_heading(line: &str) -> Option<(String, String)> {
    let (head, rest) = line.split_once('、')?;
    if head.is_empty() || !head.chars().all(|c| "一二三四五六七八九十".contains(c)) {
        return None;
    }
    if rest.chars().count() > 30 || rest.contains('。') {
        return None;
    }
    Some((head.to_string(), rest.trim().to_string()))
}

fn task_start(line: &str) -> Option<(u32, String)> {
    let digits: String = line
        .chars()
        .take_while(|c| c.is_ascii_digit() || ('０'..='９').contains(c))
        .map(|c| {
            if c.is_ascii_digit() {
                c
            } else {
                char::from(b'0' + (c as u32 - '０' as u32) as u8)
            }
        })
        .collect();
    if digits.is_empty() {
        return None;
    }
    let rest = &line[line.char_indices().nth(digits.chars().count())?.0..];
    let rest = rest
        .strip_prefix('、')
        .or_else(|| rest.strip_prefix('．'))
        .or_else(|| rest.strip_prefix(". "))?;
    Some((digits.parse().ok()?, rest.to_string()))
}

/// 2020年2月8日 → 2020-02-08.
pub fn parse_date(line: &str) -> Option<String> {
    let s = squeeze(line);
    let (y, rest) = s.split_once('年')?;
    let (m, rest) = rest.split_once('月')?;
    let (d, tail) = rest.split_once('日')?;
    if !tail.is_empty() && tail != "印发" {
        return None;
    }
    let (y, m, d): (u32, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    ((1990..2100).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d))
        .then(|| format!("{y:04}-{m:02}-{d:02}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn squeeze_keeps_latin_words_apart() {
        assert_eq!(squeeze("万元 GDP 能耗降低 3.7%"), "万元GDP能耗降低3.7%");
        assert_eq!(squeeze("抓好 38 个项目"), "抓好38个项目");
        assert_eq!(squeeze("a b"), "a b");
    }

    #[test]
    fn dates() {
        assert_eq!(parse_date("2020年2月8日").as_deref(), Some("2020-02-08"));
        assert_eq!(
            parse_date("2020年2月8日印发").as_deref(),
            Some("2020-02-08")
        );
        assert_eq!(parse_date("2020 年政府工作"), None);
    }
}
