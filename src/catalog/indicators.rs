//! Finds the quantitative targets (indicators) written inside a task's text.
//!
//! The notice states targets in running prose: 年内新增国家级高新技术企业 4 家、省级以上创新平台
//! 3 家. A target is a number followed by a unit of measure (家, 亿元, %, …), optionally by
//! 以上 or 左右. Numbers that are names, not targets, are left alone: inside quotes (“510”),
//! followed by something that is no unit of measure (500 强, 327 国道, 220 千伏), or part of a
//! condition (超过 10 万元).
//!
//! The indicator's name is the clause around the number without it, so 改造 19 个老旧小区 is
//! named 改造老旧小区. Inside a list joined by 、 or 和 the leading verb carries over
//! (…、省级以上创新平台 3 家 → 新增省级以上创新平台), and a share (%) with no subject of its own
//! takes the previous target's name (新招聘 120 名教师，80% 充实到农村学校 → 新招聘教师充实到农村学校的比例).

use super::{Comparator, Indicator};

/// Units of measure, longest first so that 万平方米 wins over 平方米.
const MEASURES: &[&str] = &[
    "万平方米",
    "平方米",
    "万美元",
    "亿元",
    "万元",
    "万吨",
    "万亩",
    "公里",
    "%",
    "％",
    "家",
    "个",
    "件",
    "名",
    "人",
    "所",
    "处",
    "条",
    "亩",
    "项",
    "座",
    "户",
    "台",
    "吨",
];

/// Verbs that start a target clause and carry over to the next items of a list.
const VERBS: &[&str] = &[
    "新建改造",
    "改造提升",
    "改造升级",
    "重点抓好",
    "新认定",
    "新招聘",
    "新造林",
    "新增",
    "新建",
    "建设",
    "建成",
    "完成",
    "改造",
    "引进",
    "到位",
    "打造",
    "培育",
    "治理",
    "利用",
    "压减",
];

/// Words that lead a clause without being part of what is measured.
const FILLERS: &[&str] = &["年内", "力争", "确保", "全年", "再"];

/// A number that is a target, found in a chain.
struct Hit {
    start: usize,
    value: f64,
    measure: String,
    comparator: Comparator,
    /// End of the number + unit + comparator.
    end: usize,
}

/// The indicators in a task's text, in order.
///
/// ```
/// use duban::catalog::indicators::extract;
/// let found = extract("年内新增国家级高新技术企业4家、省级以上创新平台3家。");
/// assert_eq!(found[1].name, "新增省级以上创新平台");
/// assert_eq!(found[1].target, 3.0);
/// ```
pub fn extract(text: &str) -> Vec<Indicator> {
    let mut out = Vec::new();
    for sentence in split_keep(text, &['。', '；', '！']) {
        let mut previous_in_sentence: Option<String> = None;
        for chain in split_keep(&sentence, &['，', '：', ',']) {
            for ind in extract_chain(&chain, previous_in_sentence.as_deref()) {
                previous_in_sentence = Some(ind.name.clone());
                out.push(ind);
            }
        }
    }
    out
}

fn split_keep(text: &str, delims: &[char]) -> Vec<String> {
    text.split(|c| delims.contains(&c))
        .map(str::to_string)
        .filter(|s| !s.is_empty())
        .collect()
}

fn extract_chain(chain: &str, previous: Option<&str>) -> Vec<Indicator> {
    let chars: Vec<char> = chain.chars().collect();
    let hits = find_hits(&chars);
    if hits.is_empty() {
        return Vec::new();
    }
    let s = |a: usize, b: usize| chars[a..b].iter().collect::<String>();
    // 城镇、农村居民人均可支配收入分别增长 6.5%、7% 以上: one subject per number.
    if let Some(pos) = chain.find("分别") {
        let before: String = chain[..pos].to_string();
        let subjects: Vec<&str> = before.split('、').collect();
        if subjects.len() == hits.len() && hits.len() > 1 {
            let verb_start = chars.len() - chain[pos + "分别".len()..].chars().count();
            let verb = s(verb_start, hits[0].start);
            let last = subjects[subjects.len() - 1];
            let first_len = subjects[0].chars().count();
            let common: String = last.chars().skip(first_len).collect();
            let comparator = hits[hits.len() - 1].comparator;
            return hits
                .iter()
                .zip(&subjects)
                .enumerate()
                .map(|(i, (h, subj))| Indicator {
                    name: if i + 1 == subjects.len() {
                        format!("{subj}{verb}")
                    } else {
                        format!("{subj}{common}{verb}")
                    },
                    target: h.value,
                    unit: h.measure.clone(),
                    comparator,
                    parts: false,
                })
                .collect();
        }
    }
    let mut out: Vec<Indicator> = Vec::new();
    let mut cursor = 0;
    let mut chain_verb: Option<&str> = None;
    for (i, h) in hits.iter().enumerate() {
        let mut prefix = strip_fillers(s(cursor, h.start).trim_start_matches(['、', '和']));
        for tail in ["达到", "达"] {
            if let Some(p) = prefix.strip_suffix(tail) {
                prefix = p.to_string();
            }
        }
        // The suffix runs to the next list boundary: 、 or 和 before a number, or the chain's end.
        let next_start = hits.get(i + 1).map_or(chars.len(), |n| n.start);
        let boundary = |k: usize| chars[k] == '、' || (chars[k] == '和' && i + 1 < hits.len());
        let suffix_end = (h.end..next_start)
            .find(|&k| boundary(k))
            .unwrap_or(next_start);
        let suffix = s(h.end, suffix_end)
            .trim_start_matches(['、', ' '])
            .to_string();
        cursor = suffix_end;
        if prefix.contains('等') && prefix.chars().count() + suffix.chars().count() > 24 {
            prefix = prefix.rsplit('等').next().unwrap_or("").to_string();
        }
        let verb = VERBS.iter().find(|v| prefix.starts_with(**v)).copied();
        if i == 0 {
            chain_verb = verb;
        } else if verb.is_none() {
            if let Some(v) = chain_verb {
                prefix = format!("{v}{prefix}");
            }
        }
        let share = h.measure == "%";
        let name = if share && suffix.starts_with('的') {
            format!("{prefix}{}的比例", &suffix['的'.len_utf8()..])
        } else if share && prefix.is_empty() && !suffix.is_empty() {
            let before = out
                .last()
                .map(|o| o.name.as_str())
                .or(previous)
                .unwrap_or("");
            format!("{before}{suffix}的比例")
        } else {
            format!("{prefix}{suffix}")
        };
        out.push(Indicator {
            name,
            target: h.value,
            unit: h.measure.clone(),
            comparator: h.comparator,
            parts: false,
        });
    }
    out
}

fn strip_fillers(s: &str) -> String {
    let mut s = s.trim();
    loop {
        match FILLERS.iter().find(|f| s.starts_with(**f)) {
            Some(f) => s = &s[f.len()..],
            None => return s.to_string(),
        }
    }
}

fn find_hits(chars: &[char]) -> Vec<Hit> {
    let mut hits = Vec::new();
    let mut quote_depth = 0i32;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '“' | '‘' | '「' => quote_depth += 1,
            '”' | '’' | '」' => quote_depth = (quote_depth - 1).max(0),
            _ => {}
        }
        if !c.is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len()
            && (chars[i].is_ascii_digit()
                || (chars[i] == '.' && i + 1 < chars.len() && chars[i + 1].is_ascii_digit()))
        {
            i += 1;
        }
        let number: String = chars[start..i].iter().collect();
        let preceded_by = |w: &str| {
            let w: Vec<char> = w.chars().collect();
            start >= w.len() && chars[start - w.len()..start] == w[..]
        };
        let letter_before = start > 0 && chars[start - 1].is_ascii_alphanumeric();
        if quote_depth > 0 || letter_before || preceded_by("超过") {
            continue;
        }
        let mut j = i;
        while j < chars.len() && chars[j] == ' ' {
            j += 1;
        }
        let Some(measure) = MEASURES.iter().find(|m| {
            let m: Vec<char> = m.chars().collect();
            chars.len() >= j + m.len() && chars[j..j + m.len()] == m[..]
        }) else {
            continue;
        };
        j += measure.chars().count();
        let mut k = j;
        while k < chars.len() && chars[k] == ' ' {
            k += 1;
        }
        let rest: String = chars[k..chars.len().min(k + 2)].iter().collect();
        let comparator = match rest.as_str() {
            "以上" => Comparator::AtLeast,
            "左右" => Comparator::About,
            _ => Comparator::Exactly,
        };
        let end = if comparator == Comparator::Exactly {
            j
        } else {
            k + 2
        };
        let Ok(value) = number.parse::<f64>() else {
            continue;
        };
        hits.push(Hit {
            start,
            value,
            measure: if *measure == "％" {
                "%".into()
            } else {
                measure.to_string()
            },
            comparator,
            end,
        });
        i = end;
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<(String, f64, String, Comparator)> {
        extract(text)
            .into_iter()
            .map(|i| (i.name, i.target, i.unit, i.comparator))
            .collect()
    }

    #[test]
    fn names_are_not_targets() {
        assert!(extract("大力实施“510”企业培育工程，拓展5G应用").is_empty());
        assert!(extract("实施220千伏酒庄输变电工程").is_empty());
        assert!(extract("主攻世界500强、中国500强").is_empty());
    }

    #[test]
    fn condition_inside_a_share() {
        let n = names("力争全区60%以上的村集体收入超过10万元。");
        assert_eq!(n.len(), 1);
        assert_eq!(n[0].0, "全区村集体收入超过10万元的比例");
        assert_eq!(n[0].3, Comparator::AtLeast);
    }

    #[test]
    fn list_carries_the_verb() {
        let n = names("年内再建设8个市级森林乡村示范村和50个重点村，新造林3600亩。");
        assert_eq!(n[0].0, "建设市级森林乡村示范村");
        assert_eq!(n[1].0, "建设重点村");
        assert_eq!(
            n[2],
            (
                "新造林".to_string(),
                3600.0,
                "亩".to_string(),
                Comparator::Exactly
            )
        );
    }

    #[test]
    fn respectively() {
        let n = names("城镇、农村居民人均可支配收入分别增长6.5%、7%以上");
        assert_eq!(n[0].0, "城镇居民人均可支配收入增长");
        assert_eq!(n[1].0, "农村居民人均可支配收入增长");
        assert_eq!(n[0].3, Comparator::AtLeast);
    }
}
