//! Name folding and fuzzy lookup.
//!
//! Names arrive from the notice, from returned workbooks and from contact lists, each
//! written a little differently: full-width letters, stray spaces, curly or straight quotes,
//! the variant character 兗 (U+5157) for 兖 (U+5156). Everything that compares a name goes
//! through [`fold`] first, so that two spellings a clerk would call "the same" compare equal.

use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

/// Characters that are written interchangeably in this district's documents.
const VARIANTS: &[(char, char)] = &[('兗', '兖')];

/// Folds a name for comparison: NFKC (full-width → half-width), variant characters,
/// and no whitespace or quote marks.
///
/// ```
/// use duban::catalog::names::fold;
/// assert_eq!(fold(" “双招双引”指挥部 "), "双招双引指挥部");
/// assert_eq!(fold("新兗镇"), fold("新兖镇"));
/// assert_eq!(fold("ＡＢ　1"), "AB1");
/// ```
pub fn fold(name: &str) -> String {
    let keep = |c: &char| !c.is_whitespace() && !is_quote(*c);
    // Most text (CJK ideographs, ASCII) is already NFKC: the quick check skips the costly
    // decomposition and recomposition, which dominated checking a thousand returns.
    if name.chars().all(is_nfkc_stable) || is_nfkc_quick(name.chars()) == IsNormalized::Yes {
        name.chars().filter(keep).map(variant).collect()
    } else {
        name.nfkc().filter(keep).map(variant).collect()
    }
}

/// A text as compared for copying or restating: its letters, digits and ideographs only,
/// folded (no spaces, no punctuation, full-width letters and digits as ASCII). Only the
/// characters kept are folded, so the full-width punctuation of Chinese text costs nothing.
///
/// ```
/// use duban::catalog::names::bare;
/// assert_eq!(bare("召开专题会议 2 次，完成摸底。"), "召开专题会议2次完成摸底");
/// assert_eq!(bare("完成ＡＢ１２"), "完成AB12");
/// ```
pub fn bare(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .filter_map(fold_char)
        .collect()
}

/// ASCII and the CJK Unified Ideographs block are unchanged by NFKC: the common case,
/// told apart without the quick check's table search.
fn is_nfkc_stable(c: char) -> bool {
    c.is_ascii() || ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

/// The first character of `fold(c)` for one character `c`, without allocating in the
/// usual case (already normalised): a cheap look before folding a long text.
pub fn fold_char(c: char) -> Option<char> {
    if is_nfkc_stable(c) || is_nfkc_quick(std::iter::once(c)) == IsNormalized::Yes {
        Some(c)
            .filter(|c| !c.is_whitespace() && !is_quote(*c))
            .map(variant)
    } else {
        fold(c.encode_utf8(&mut [0; 4])).chars().next()
    }
}

/// Maps a variant character to its canonical form, leaving others alone.
pub fn variant(c: char) -> char {
    VARIANTS
        .iter()
        .find(|(from, _)| *from == c)
        .map_or(c, |(_, to)| *to)
}

/// Quote marks, which [`fold`] drops.
pub fn is_quote(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '“' | '”' | '‘' | '’' | '「' | '」' | '『' | '』' | '《' | '》' | '`'
    )
}

/// Levenshtein distance over chars (strsim's).
pub fn distance(a: &str, b: &str) -> usize {
    strsim::levenshtein(a, b)
}

/// What names of organisations share without telling them apart: the district prefix and
/// the word for the kind of body. 区发改委 and 区委政法委 share 区 and 委, nothing else.
const GENERIC: &[&str] = &[
    "济宁市",
    "兖州区",
    "人民政府",
    "办事处",
    "委员会",
    "办公室",
    "指挥部",
    "管理局",
    "服务中心",
    "中心",
    "分局",
    "街道",
    "区",
    "市",
    "局",
    "委",
    "办",
    "镇",
    "部",
    "所",
    "站",
];

/// A name without its generic parts (folded): what tells it from its neighbours.
fn distinctive(folded: &str) -> String {
    let mut s = folded.to_string();
    for g in GENERIC {
        s = s.replace(g, "");
    }
    if s.is_empty() {
        folded.to_string()
    } else {
        s
    }
}

/// Characters two texts share, each counted as often as both have it.
fn shared(a: &str, b: &str) -> usize {
    let mut rest: Vec<char> = b.chars().collect();
    a.chars()
        .filter(|c| match rest.iter().position(|x| x == c) {
            Some(p) => {
                rest.swap_remove(p);
                true
            }
            None => false,
        })
        .count()
}

/// "，最接近的是：A、B" after a name that matched nothing, or nothing when no known name is
/// close: the one way every message proposes a name.
pub fn suggestion<S: AsRef<str>>(closest: &[S]) -> String {
    if closest.is_empty() {
        String::new()
    } else {
        let names: Vec<&str> = closest.iter().map(|s| s.as_ref()).collect();
        format!("，最接近的是：{}", names.join("、"))
    }
}

/// The `n` candidates closest to `name` (after folding), closest first, ties by input
/// order. Closest is the most characters shared in the distinctive part of the names (区发改委
/// → 区发展改革局, not 区委政法委), then the fewest edits.
pub fn closest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    n: usize,
) -> Vec<String> {
    let folded = fold(name);
    let mine = distinctive(&folded);
    let mut scored: Vec<(std::cmp::Reverse<usize>, usize, usize, &str)> = candidates
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let fc = fold(c);
            let common = shared(&mine, &distinctive(&fc));
            (std::cmp::Reverse(common), distance(&folded, &fc), i, c)
        })
        .collect();
    scored.sort();
    let mut out: Vec<String> = Vec::new();
    for (_, _, _, c) in scored {
        if !out.iter().any(|o| o == c) {
            out.push(c.to_string());
        }
        if out.len() == n {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fast_path_agrees_with_nfkc() {
        // Every character the fast path trusts is left alone by NFKC.
        for c in (0u32..0x80)
            .chain(0x4E00..=0x9FFF)
            .filter_map(char::from_u32)
        {
            assert!(is_nfkc_stable(c));
            assert_eq!(
                c.to_string().nfkc().collect::<String>(),
                c.to_string(),
                "{c:?}"
            );
        }
        // And folding a character alone agrees with folding it in a text.
        for c in ['Ｆ', '　', '“', '兗', '填', 'a', '㈠'] {
            assert_eq!(fold_char(c), fold(&c.to_string()).chars().next(), "{c:?}");
        }
    }

    #[test]
    fn distance_counts_edits() {
        assert_eq!(distance("大安区", "大安镇"), 1);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("区科技局", "区科技局"), 0);
    }

    #[test]
    fn closest_prefers_small_edits() {
        let c = closest("区科技", ["区商务局", "区科技局", "新兖镇"], 2);
        assert_eq!(c[0], "区科技局");
    }

    #[test]
    fn closest_ranks_by_the_distinctive_part() {
        let units = ["区委政法委", "区发展改革局", "区委改革办", "区商务局"];
        assert_eq!(closest("区发改中心", units, 1), ["区发展改革局"]);
        assert_eq!(closest("区政法办", units, 1), ["区委政法委"]);
    }
}
