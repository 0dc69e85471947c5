//! 序时进度: how far into the year a round ends.
//!
//! Offices judge progress against the share of the year elapsed: 第一季度 → 25%, 上半年 → 50%,
//! 11月 → 91.7%. The round's name usually says which period it covers; `--as-of DATE` says it
//! when the name does not (or overrides it; see [`crate::date::Date::schedule`]). Both count in months, as offices do, so that the
//! end of March is exactly 25% and not 91/366 of the year.

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
