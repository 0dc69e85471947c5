//! A round's name (填报期次) read one way everywhere: the key two spellings of one round
//! share, the year, and the months it covers, from which 序时进度 follows.
//!
//! Offices judge progress against the share of the year elapsed: 第一季度 → 25%, 上半年 → 50%,
//! 11月 → 91.7%. The round's name usually says which period it covers; `--as-of DATE` says it
//! when the name does not (or overrides it; see [`crate::date::Date::schedule`]). Both count
//! in months, as offices do, so that the end of March is exactly 25% and not 91/366 of the
//! year.

/// A round's name as compared: the same round written as units write it gives the same
/// key. 期次 come back as "2020年第一季度", "2020年一季度", "2020年第1季度", "２０２０年１季度",
/// "二〇二〇年第一季度" or "2020年01月" for "2020年1月": folded (full-width as ASCII, no
/// spaces or quotes), without 第, Chinese numerals as digits, no leading zeros.
///
/// ```
/// use duban::domain::round::round_key;
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

/// A round's name read once: the key it is compared by and the months it covers. Every
/// reader of a round's name (the check's 期次, `--round`, `round new`, 序时进度) goes
/// through [`Round::parse`], so that a name the check takes for a round also gives that
/// round's 序时进度.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Round {
    /// [`round_key`]: the same round however it is written.
    pub key: String,
    /// The year it names ("2020年…"), if any.
    pub year: Option<u32>,
    /// The months it covers counted from January (第一季度 3, 上半年 6, 1-11月 11), when it
    /// names a month, quarter, half or whole year.
    pub months: Option<u32>,
}

impl Round {
    /// Reads a round's name as a clerk or a unit writes it.
    ///
    /// ```
    /// use duban::domain::round::Round;
    /// for name in ["2020年一季度", "2020年第1季度", "２０２０年１季度", "2020年1季度", "2020年3月", "2020年三月"] {
    ///     assert_eq!(Round::parse(name).months, Some(3), "{name}");
    /// }
    /// assert_eq!(Round::parse("2021年3月").year, Some(2021));
    /// assert_eq!(Round::parse("上半年").months, Some(6));
    /// assert_eq!(Round::parse("2020年前三季度").months, Some(9));
    /// assert_eq!(Round::parse("全年").months, Some(12));
    /// assert_eq!(Round::parse("第2期").months, None);
    /// ```
    pub fn parse(name: &str) -> Round {
        let key = round_key(name);
        let year = key
            .find('年')
            .and_then(|i| key[..i].parse::<u32>().ok())
            .filter(|y| (1900..=2999).contains(y));
        let months = months_of_key(&key);
        Round { key, year, months }
    }

    /// 序时进度 in percent (0-100), when the name says which months the round covers.
    pub fn schedule(&self) -> Option<f64> {
        self.months.map(|m| f64::from(m) / 12.0 * 100.0)
    }
}

/// Why a name cannot be a round's name. A round's name is also its folder's name
/// (`rounds/<期次>/`), on Linux and on the office's Windows machines alike.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RoundNameError {
    #[error("期次名称不能为空")]
    Empty,
    #[error("期次名称“{0}”不能是 . 或 ..，也不能以点号或空格开头或结尾（它同时是文件夹名）")]
    Dots(String),
    #[error("期次名称“{name}”中不能有字符 {ch}（期次名称同时是文件夹名，不能含 / \\ : * ? \" < > | 和控制字符）")]
    Character { name: String, ch: String },
    #[error("期次名称“{0}”是 Windows 保留的设备名，不能作文件夹名")]
    Reserved(String),
    #[error("期次名称过长（{0} 个字符，至多 {MAX_NAME_CHARS} 个）")]
    TooLong(usize),
    #[error("期次“{name}”与已登记的期次“{other}”只差大小写，在 Windows 上会共用一个文件夹：请沿用“{other}”或另起名称")]
    SharesFolder { name: String, other: String },
}

/// The longest round name taken: a folder name inside a path that must stay short on
/// Windows.
pub const MAX_NAME_CHARS: usize = 64;

impl Round {
    /// Whether `name` can name a round: it is used as its folder's name as it is, so it
    /// must be a file name on every system the office uses (no path separators, no
    /// `.`/`..`, none of Windows' reserved characters and device names, no control
    /// characters). Names that pass map to distinct folders, as they are used unchanged
    /// ([`Round::folder_key`] tells the ones a case-blind disk would merge).
    ///
    /// ```
    /// use duban::domain::round::Round;
    /// assert!(Round::check_name("2020年第一季度").is_ok());
    /// for bad in ["", "..", ".", "a/b", "a\\b", "第?期", "第*期", "CON", "a\u{1b}[2J", " 1月"] {
    ///     assert!(Round::check_name(bad).is_err(), "{bad:?}");
    /// }
    /// ```
    ///
    /// # Errors
    /// The [`RoundNameError`] that says what is wrong with it.
    pub fn check_name(name: &str) -> Result<(), RoundNameError> {
        if name.is_empty() {
            return Err(RoundNameError::Empty);
        }
        let count = name.chars().count();
        if count > MAX_NAME_CHARS {
            return Err(RoundNameError::TooLong(count));
        }
        if let Some(c) = name
            .chars()
            .find(|c| "/\\:*?\"<>|".contains(*c) || c.is_control() || is_bidi_control(*c))
        {
            let ch = if c.is_control() || is_bidi_control(c) {
                format!("U+{:04X}", c as u32)
            } else {
                c.to_string()
            };
            return Err(RoundNameError::Character {
                name: name.escape_debug().to_string(),
                ch,
            });
        }
        let edge = |c: char| c == '.' || c.is_whitespace();
        if name.starts_with(edge) || name.ends_with(edge) {
            return Err(RoundNameError::Dots(name.to_string()));
        }
        let stem = name.split('.').next().unwrap_or(name).to_ascii_uppercase();
        let reserved = ["CON", "PRN", "AUX", "NUL"].contains(&stem.as_str())
            || ((stem.starts_with("COM") || stem.starts_with("LPT"))
                && stem.len() == 4
                && stem.as_bytes()[3].is_ascii_digit());
        if reserved {
            return Err(RoundNameError::Reserved(name.to_string()));
        }
        Ok(())
    }

    /// What two rounds' folders are compared by on a disk blind to case (Windows, macOS):
    /// two names with one key would share a folder there.
    pub fn folder_key(name: &str) -> String {
        name.to_lowercase()
    }
}

/// Characters that reorder the text shown around them (U+202E shows "gpj.exe" as
/// "exe.jpg"): never in a folder name.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// 序时进度 in percent (0-100) from a round's name, when it names a month, quarter or half
/// year ([`Round::schedule`]).
///
/// ```
/// use duban::domain::round::from_round;
/// assert_eq!(from_round("2020年第一季度"), Some(25.0));
/// assert_eq!(from_round("2020年上半年"), Some(50.0));
/// assert_eq!(from_round("2020年前三季度"), Some(75.0));
/// assert_eq!(from_round("2020年1-11月"), Some(11.0 / 12.0 * 100.0));
/// assert_eq!(from_round("第2期"), None);
/// ```
pub fn from_round(round: &str) -> Option<f64> {
    Round::parse(round).schedule()
}

/// The months a round's key covers, counted from January.
fn months_of_key(key: &str) -> Option<u32> {
    // After the year: "2020年1季度" is about the quarter, not about 2020.
    let rest = key.rfind('年').map_or(key, |i| &key[i + '年'.len_utf8()..]);
    let rest = if rest.is_empty() { key } else { rest };
    if rest.contains("前3季度") {
        return Some(9);
    }
    if rest.contains("上半年") {
        return Some(6);
    }
    if rest.contains("下半年") || rest.contains("全年") || key.ends_with("年度") || rest == "度"
    {
        return Some(12);
    }
    if let Some(i) = rest.find("季度") {
        let q = last_number(&rest[..i])?;
        return (1..=4).contains(&q).then_some(q * 3);
    }
    // "11月", "1-11月", "1至11月": the number just before the last 月.
    let month = last_number(&rest[..rest.rfind('月')?])?;
    (1..=12).contains(&month).then_some(month)
}

/// The run of ASCII digits at the end of `s`.
fn last_number(s: &str) -> Option<u32> {
    let start = s
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_digit())
        .last()
        .map(|(i, _)| i)?;
    s[start..].parse().ok()
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
        assert!(close(from_round("2020年1季度"), 25.0));
        assert!(close(from_round("２０２０年１季度"), 25.0));
        assert!(close(from_round("2020年第四季度"), 100.0));
        assert!(close(from_round("2021年3月"), 25.0));
        assert!(close(from_round("2020年01月"), 100.0 / 12.0));
        assert!(close(from_round("全年"), 100.0));
        assert_eq!(from_round("2020年第5季度"), None);
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
