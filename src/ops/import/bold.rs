//! The notice's own rule, "黑体为主办单位": where the Word document's bold separates some
//! units of a task's 承办单位 list from the rest, bold decides; where it covers all of them
//! or none (as it often does in the 2020 notice), the parser's comma rule stands. Every task
//! where the two disagree is listed for review.

use super::table;
use crate::catalog::notice;
use crate::catalog::registry::Registry;
use crate::catalog::CatalogData;

/// Where the Word document's bold separates hosts from co-units in a task's 承办单位
/// list, bold decides; where it covers all or none, the comma rule the parser applied
/// stands. Returns a line for every task where the two disagree.
pub(super) fn apply(marked: &str, data: &mut CatalogData, registry: &Registry) -> Vec<String> {
    let mut review = Vec::new();
    for (number, units) in unit_lists(marked) {
        let Some(task) = data.tasks.iter_mut().find(|t| t.number == number) else {
            continue;
        };
        let items = bold_items(&units);
        let resolve = |n: &str| {
            registry
                .resolve(&notice::squeeze(n))
                .map(|r| r.name().to_string())
                .unwrap_or_else(|_| notice::squeeze(n))
        };
        let bold: Vec<String> = items
            .iter()
            .filter(|(_, b)| *b)
            .map(|(n, _)| resolve(n))
            .collect();
        let plain: Vec<String> = items
            .iter()
            .filter(|(_, b)| !*b)
            .map(|(n, _)| resolve(n))
            .collect();
        let comma_all_host = task.co_units.is_empty();
        if !bold.is_empty() && !plain.is_empty() {
            if bold != task.hosts || plain != task.co_units {
                review.push(format!(
                    "任务 {number}：黑体标出的主办单位（{}）与逗号规则（{}）不同，已按黑体；请核对",
                    bold.join("、"),
                    task.hosts.join("、")
                ));
                task.hosts = bold;
                task.co_units = plain;
            }
        } else if !bold.is_empty() && !comma_all_host {
            review.push(format!(
                "任务 {number}：黑体覆盖了全部承办单位，未区分主办与协办，已按逗号规则（主办：{}）",
                task.hosts.join("、")
            ));
        }
    }
    review
}

/// Each task's 承办单位 list, bold marks kept, by task number.
fn unit_lists(marked: &str) -> Vec<(u32, String)> {
    let mut out: Vec<(u32, String)> = Vec::new();
    let mut current: Option<(u32, String)> = None;
    for line in marked.lines() {
        let plain = line.replace("**", "");
        let plain = plain.trim();
        let digits: String = plain.chars().take_while(|c| c.is_ascii_digit()).collect();
        let starts = !digits.is_empty()
            && plain[digits.len()..].starts_with(['、', '．', '.'])
            && plain.len() > digits.len() + 3;
        if starts || table::section_heading(plain).is_some() {
            out.extend(current.take());
            if starts {
                current = digits.parse().ok().map(|n| (n, String::new()));
            }
        }
        if let Some((_, text)) = current.as_mut() {
            text.push_str(line.trim());
        }
    }
    out.extend(current);
    out.into_iter()
        .filter_map(|(n, text)| {
            let at = notice::UNIT_WORDS
                .iter()
                .filter_map(|w| text.rfind(w).map(|i| i + w.len()))
                .max()?;
            let list = text[at..]
                .trim_start_matches("**")
                .trim_start_matches(['：', ':']);
            let end = list.rfind(['）', ')']).unwrap_or(list.len());
            let list = list[..end].replace("黑体为主办单位，其他为协办单位，下同", "");
            Some((n, list))
        })
        .collect()
}

/// A unit list's names, each with whether most of its characters are bold (bold may
/// split inside a name or cover the 、 between names); 等 and the closing 。 dropped.
fn bold_items(list: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let (mut name, mut bold_chars, mut chars) = (String::new(), 0, 0);
    let mut bold = false;
    let mut rest = list;
    let mut flush = |name: &mut String, bold_chars: &mut usize, chars: &mut usize| {
        let n = name
            .trim()
            .trim_end_matches('。')
            .trim_end_matches('等')
            .trim()
            .to_string();
        if !n.is_empty() {
            out.push((n, *bold_chars * 2 >= *chars && *chars > 0));
        }
        name.clear();
        *bold_chars = 0;
        *chars = 0;
    };
    while let Some(c) = rest.chars().next() {
        if let Some(r) = rest.strip_prefix("**") {
            bold = !bold;
            rest = r;
            continue;
        }
        rest = &rest[c.len_utf8()..];
        match c {
            '、' | '，' | ',' | '；' => flush(&mut name, &mut bold_chars, &mut chars),
            _ => {
                name.push(c);
                if !c.is_whitespace() && c != '等' && c != '。' {
                    chars += 1;
                    if bold {
                        bold_chars += 1;
                    }
                }
            }
        }
    }
    flush(&mut name, &mut bold_chars, &mut chars);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bold_inside_names_and_over_commas() {
        let items = bold_items("**区发展**改革局、**区科技局、**区财政局等，各镇街");
        assert_eq!(
            items,
            vec![
                ("区发展改革局".to_string(), true),
                ("区科技局".to_string(), true),
                ("区财政局".to_string(), false),
                ("各镇街".to_string(), false),
            ]
        );
        let lists = unit_lists(
            "二、标题\n3、任务文字。（牵头领导：甲。承办单位：**区科技局**，各镇街）\n4、下一项",
        );
        assert_eq!(lists[0], (3, "**区科技局**，各镇街".to_string()));
    }
}
