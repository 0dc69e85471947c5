//! 序时进度 and the 蓝黄红 thresholds: how far into the year a round ends, and how far behind
//! that a task may be before it turns yellow or red.
//!
//! Offices judge progress against the share of the year elapsed: 第一季度 → 25%, 上半年 → 50%,
//! 11月 → 91.7%. The round's name usually says which period it covers; `--as-of DATE` says it
//! when the name does not (or overrides it). Both count in months, as offices do, so that the
//! end of March is exactly 25% and not 91/366 of the year.

use std::path::Path;

use serde::Deserialize;

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

/// A calendar date given on the command line (`--as-of 2020-03-31`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    /// Parses `YYYY-MM-DD` (also `YYYY/MM/DD` and `YYYY.MM.DD`).
    pub fn parse(s: &str) -> Result<Date, String> {
        let bad = || format!("日期“{s}”无法识别，请写作 2020-03-31");
        let parts: Vec<&str> = s.trim().split(['-', '/', '.']).collect();
        let [y, m, d] = parts.as_slice() else {
            return Err(bad());
        };
        let year: i32 = y.parse().map_err(|_| bad())?;
        let month: u32 = m.parse().map_err(|_| bad())?;
        let day: u32 = d.parse().map_err(|_| bad())?;
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return Err(bad());
        }
        Ok(Date { year, month, day })
    }

    /// The share of the year elapsed at the end of this day, in percent, counted in months:
    /// whole months before it plus the elapsed part of its own month.
    pub fn schedule(self) -> f64 {
        let months = f64::from(self.month - 1)
            + f64::from(self.day) / f64::from(days_in_month(self.year, self.month));
        months / 12.0 * 100.0
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The thresholds of the three colours, from the optional `--config FILE`:
///
/// ```toml
/// [colour]
/// tolerance = 10              # 序时推进 more than this below 序时进度: 疑似滞后, yellow
/// red_gap = 30                # more than this below 序时进度: red
/// not_started_red_after = 50  # 未启动 when 序时进度 is past this: red
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    /// Points below 序时进度 a 序时推进 task may be and still be blue (and not 疑似滞后).
    #[serde(default = "tolerance", alias = "疑似滞后阈值")]
    pub tolerance: f64,
    /// Points below 序时进度 beyond which a task is red.
    #[serde(default = "red_gap", alias = "红色阈值")]
    pub red_gap: f64,
    /// 序时进度 after which a 未启动 task is red (mid-year).
    #[serde(default = "not_started_red_after", alias = "未启动标红序时进度")]
    pub not_started_red_after: f64,
}

fn tolerance() -> f64 {
    10.0
}
fn red_gap() -> f64 {
    30.0
}
fn not_started_red_after() -> f64 {
    50.0
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            tolerance: tolerance(),
            red_gap: red_gap(),
            not_started_red_after: not_started_red_after(),
        }
    }
}

/// The merge's config file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default, alias = "三色")]
    pub colour: Thresholds,
}

impl Config {
    /// Parses a config file's text; `path` is only for the message.
    pub fn from_toml(text: &str, path: &Path) -> Result<Config, String> {
        let c: Config = toml::from_str(text)
            .map_err(|e| format!("配置文件 {} 格式错误：{e}", path.display()))?;
        let t = c.colour;
        for (name, v) in [
            ("tolerance", t.tolerance),
            ("red_gap", t.red_gap),
            ("not_started_red_after", t.not_started_red_after),
        ] {
            if !(0.0..=100.0).contains(&v) {
                return Err(format!(
                    "配置文件 {}：{name} = {v} 应在 0 到 100 之间",
                    path.display()
                ));
            }
        }
        if t.red_gap < t.tolerance {
            return Err(format!(
                "配置文件 {}：red_gap（{}）不应小于 tolerance（{}）",
                path.display(),
                t.red_gap,
                t.tolerance
            ));
        }
        Ok(c)
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

    #[test]
    fn dates_count_in_months() {
        assert_eq!(Date::parse("2020-03-31").unwrap().schedule(), 25.0);
        assert_eq!(Date::parse("2020/06/30").unwrap().schedule(), 50.0);
        assert_eq!(Date::parse("2020-12-31").unwrap().schedule(), 100.0);
        let mid_feb = Date::parse("2020-02-29").unwrap().schedule();
        assert!((mid_feb - 200.0 / 12.0).abs() < 1e-9);
        let half_april = Date::parse("2020-04-15").unwrap().schedule();
        assert!((half_april - 3.5 / 12.0 * 100.0).abs() < 1e-9);
        assert!(Date::parse("2019-02-29").is_err());
        assert!(Date::parse("2020-13-01").is_err());
        assert!(Date::parse("三月底").is_err());
    }

    #[test]
    fn config_defaults_and_overrides() {
        let p = Path::new("c.toml");
        assert_eq!(Config::from_toml("", p).unwrap(), Config::default());
        let c = Config::from_toml("[colour]\nred_gap = 40\n", p).unwrap();
        assert_eq!(c.colour.red_gap, 40.0);
        assert_eq!(c.colour.tolerance, 10.0);
        let c = Config::from_toml("[\"三色\"]\n\"疑似滞后阈值\" = 5\n", p).unwrap();
        assert_eq!(c.colour.tolerance, 5.0);
        assert!(Config::from_toml("[colour]\nred_gap = 5\n", p).is_err());
        assert!(Config::from_toml("[colour]\nredgap = 5\n", p).is_err());
        assert!(Config::from_toml("[colour]\ntolerance = 120\n", p).is_err());
    }
}
