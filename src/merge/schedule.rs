//! 序时进度: how far into the year a round ends.
//!
//! Offices judge progress against the share of the year elapsed: 第一季度 → 25%, 上半年 → 50%,
//! 11月 → 91.7%. The round's name usually says which period it covers; `--as-of DATE` says it
//! when the name does not (or overrides it; see [`crate::date::Date::schedule`]). Both count in months, as offices do, so that the
//! end of March is exactly 25% and not 91/366 of the year.

/// A round's name as compared: the same round written as units write it gives the same
/// key. 期次 come back as "2020年第一季度", "2020年一季度", "2020年第1季度", "２０２０年１季度",
/// "二〇二〇年第一季度" or "2020年01月" for "2020年1月": folded (full-width as ASCII, no
/// spaces or quotes), without 第, Chinese numerals as digits, no leading zeros.
///
/// ```
/// use duban::merge::schedule::round_key;
/// assert_eq!(round_key("2020年第一季度"), round_key("2020年一季度"));
/// assert_eq!(round_key("2020年第一季度"), round_key("２０２０年 第1季度"));
/// assert_eq!(round_key("2020年1月"), round_key("2020年01月"));
/// assert_eq!(round_key("2020年11月"), round_key("2020年十一月"));
/// assert_ne!(round_key("2020年第一季度"), round_key("2020年第二季度"));
/// assert_ne!(round_key("2020年1月"), round_key("2020年11月"));
/// ```
pub fn round_key(round: &str) -> String {
    let folded = crate::catalog::names::fold(round).replace('第', "");
    // 十 and its compounds first, then the digits one by one (二〇二〇 → 2020).
    let tens = folded
        .replace("十二", "12")
        .replace("十一", "11")
        .replace('十', "10");
    let digits: String = tens
        .chars()
        .map(
            |c| match "〇一二三四五六七八九".chars().position(|d| d == c) {
                Some(i) => char::from(b'0' + i as u8),
                None if c == '零' => '0',
                None => c,
            },
        )
        .collect();
    // No leading zeros in a run of digits ("01月" is "1月"), but a lone 0 stays.
    let mut key = String::with_capacity(digits.len());
    let mut chars = digits.chars().peekable();
    let mut in_number = false;
    while let Some(c) = chars.next() {
        if c == '0' && !in_number && chars.peek().is_some_and(|n| n.is_ascii_digit()) {
            continue;
        }
        in_number = c.is_ascii_digit();
        key.push(c);
    }
    key
}

/// 序时进度 in percent (0-100) from a round's name, when it names a month, quarter or half year.
///
/// ```
/// use duban::merge::schedule::from_round;
/// assert_eq!(from_round("2020年第一季度"), Some(25.0));
/// assert_eq!(from_round("2020年上半年"), Some(50.0));
/// assert_eq!(from_round("2020年前三季度"), Some(75.0));
/// assert_eq!(from_round("2020年1-11月"), Some(11.0 / 12.0 * 100.0));
/// assert_eq!(from_round("第2期"), None);
/// ```
pub fn from_round(round: &str) -> Option<f64> {
    months_of_round(round).map(|m| f64::from(m) / 12.0 * 100.0)
}

/// The number of months a round's name covers, counted from January.
fn months_of_round(round: &str) -> Option<u32> {
    let r: String = round.chars().filter(|c| !c.is_whitespace()).collect();
    const PERIODS: &[(&str, u32)] = &[
        ("前三季度", 9),
        ("第一季度", 3),
        ("第二季度", 6),
        ("第三季度", 9),
        ("第四季度", 12),
        ("第1季度", 3),
        ("第2季度", 6),
        ("第3季度", 9),
        ("第4季度", 12),
        ("一季度", 3),
        ("二季度", 6),
        ("三季度", 9),
        ("四季度", 12),
        ("上半年", 6),
        ("下半年", 12),
        ("全年", 12),
        ("年度", 12),
    ];
    if let Some((_, m)) = PERIODS.iter().find(|(word, _)| r.contains(word)) {
        return Some(*m);
    }
    // "11月", "1-11月", "1至11月", "十一月": the number just before the last 月.
    let before: Vec<char> = r[..r.rfind('月')?].chars().collect();
    let digits: String = before
        .iter()
        .rev()
        .take_while(|c| c.is_ascii_digit())
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let month = if !digits.is_empty() {
        digits.parse::<u32>().ok()?
    } else {
        let numeral: String = before
            .iter()
            .rev()
            .take_while(|c| "一二三四五六七八九十".contains(**c))
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        chinese_month(&numeral)?
    };
    (1..=12).contains(&month).then_some(month)
}

fn chinese_month(s: &str) -> Option<u32> {
    const DIGITS: &str = "一二三四五六七八九";
    let digit = |c: char| DIGITS.chars().position(|d| d == c).map(|p| p as u32 + 1);
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        [c] if *c == '十' => Some(10),
        [c] => digit(*c),
        ['十', c] => digit(*c).map(|d| 10 + d),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-9)
    }

    #[test]
    fn rounds_name_their_period() {
        assert!(close(from_round("2020年第一季度"), 25.0));
        assert!(close(from_round("2020年一季度"), 25.0));
        assert!(close(from_round("2020年第二季度"), 50.0));
        assert!(close(from_round("2020年上半年"), 50.0));
        assert!(close(from_round("2020年前三季度"), 75.0));
        assert!(close(from_round("2020年第三季度"), 75.0));
        assert!(close(from_round("2020年度"), 100.0));
        assert!(close(from_round("2020年11月"), 1100.0 / 12.0));
        assert!(close(from_round("2020年1-11月"), 1100.0 / 12.0));
        assert!(close(from_round("2020年1至5月"), 500.0 / 12.0));
        assert!(close(from_round("2020年十一月"), 1100.0 / 12.0));
        assert!(close(from_round("2020年十月"), 1000.0 / 12.0));
        assert!(close(from_round("2020年三月"), 25.0));
        assert_eq!(from_round("2020年第2期"), None);
        assert_eq!(from_round("2020年13月"), None);
        assert_eq!(from_round(""), None);
    }

    #[test]
    fn eleven_months_is_91_7_percent() {
        let s = from_round("2020年11月").unwrap();
        assert_eq!(format!("{s:.1}"), "91.7");
    }
}
