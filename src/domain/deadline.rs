//! A task's 完成时限 read as a date: 年底前, 6月底前, 2021年10月底, 9月30日前 fall due on a
//! day; 长期坚持, 持续推进 never do. The notice's year fills in a time limit that names no year.
//!
//! A task due by the end of June is judged against its own window: at the end of March it
//! is 50 % expected, at the end of June 100 %, and after June, unless done, it is 逾期.
//! Windows are counted in months from the start of the catalog's year, as 序时进度 is
//! ([`crate::date::Date::schedule`]), so the end of a month is a whole number of months.

use crate::date::Date;

/// A task's 完成时限.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Deadline {
    /// 长期坚持, 持续推进, 常态化: no day the task falls due.
    Ongoing,
    /// Due by the end of this day.
    Due(Date),
}

/// Words that say a task never falls due.
const ONGOING: [&str; 6] = ["长期", "持续", "常态", "每年", "每月", "每季"];

impl Deadline {
    /// Reads a 完成时限 as written; `year` is the catalog's year, for a time limit that
    /// names none. `None` when the text says no date this can read (it stays as written).
    ///
    /// ```
    /// use duban::domain::deadline::Deadline;
    /// let iso = |t: &str| match Deadline::parse(t, 2021) {
    ///     Some(Deadline::Due(d)) => d.iso(),
    ///     other => format!("{other:?}"),
    /// };
    /// assert_eq!(iso("年底前"), "2021-12-31");
    /// assert_eq!(iso("6月底前"), "2021-06-30");
    /// assert_eq!(iso("2022年10月底"), "2022-10-31");
    /// assert_eq!(iso("9月30日前"), "2021-09-30");
    /// assert_eq!(Deadline::parse("长期坚持", 2021), Some(Deadline::Ongoing));
    /// assert_eq!(Deadline::parse("待定", 2021), None);
    /// ```
    pub fn parse(text: &str, year: i32) -> Option<Deadline> {
        let t: String = crate::catalog::names::fold(text)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if t.is_empty() {
            return None;
        }
        // "2021年6月底前完成，长期坚持": a date wins over the words around it.
        if let Some(d) = due(&t, year) {
            return Some(Deadline::Due(d));
        }
        ONGOING
            .iter()
            .any(|w| t.contains(w))
            .then_some(Deadline::Ongoing)
    }

    /// The task's window in months from the start of `year` (6月底 → 6, 9月15日 → 8.5),
    /// `None` for an ongoing task (its window is the year's, as every task's was before).
    pub fn months(self, year: i32) -> Option<f64> {
        match self {
            Deadline::Ongoing => None,
            Deadline::Due(d) => {
                let whole = (d.year() - year) * 12 + d.month() as i32;
                let days = f64::from(days_in_month(d));
                Some(f64::from(whole - 1) + f64::from(d.day()) / days)
            }
        }
    }
}

/// The share (percent, 0-100) of its own window a task should have covered after
/// `elapsed` months of the year; past the window it stays at 100.
pub fn expected(elapsed: f64, window: f64) -> f64 {
    if window <= 0.0 {
        return 100.0;
    }
    (elapsed / window * 100.0).clamp(0.0, 100.0)
}

/// Months of the year elapsed at a 序时进度 (25 % → 3).
pub fn elapsed_months(schedule: f64) -> f64 {
    schedule / 100.0 * 12.0
}

/// Whether a task due after `window` months is past its time limit after `elapsed` months
/// (a round ending on the due day is not late; a small tolerance absorbs rounding).
pub fn past(elapsed: f64, window: f64) -> bool {
    elapsed > window + 1e-6
}

fn days_in_month(d: Date) -> u32 {
    (28..=31)
        .rev()
        .find(|day| Date::parse(&format!("{}-{}-{day}", d.year(), d.month())).is_ok())
        .unwrap_or(30)
}

/// The day a time limit names, if it names one.
fn due(t: &str, year: i32) -> Option<Date> {
    let end_of = |y: i32, m: u32| {
        (28..=31)
            .rev()
            .find_map(|day| Date::parse(&format!("{y}-{m}-{day}")).ok())
    };
    if t.contains("年底") || t.contains("年末") || t.contains("年内") || t == "全年" {
        let y = leading_year(t).unwrap_or(year);
        return end_of(y, 12);
    }
    // The year, when written: "2021年10月底" (a four-digit number before 年).
    let (y, rest) = match t.find('年') {
        Some(i) if leading_year(t).is_some() => (leading_year(t)?, &t[i + '年'.len_utf8()..]),
        _ => (year, t),
    };
    if rest.starts_with("上半年") {
        return end_of(y, 6);
    }
    if rest.starts_with("下半年") {
        return end_of(y, 12);
    }
    if let Some(i) = rest.find("季度") {
        let q = digits_before(&rest[..i])?;
        return (1..=4).contains(&q).then(|| end_of(y, q * 3)).flatten();
    }
    let mi = rest.find('月')?;
    let month = digits_before(&rest[..mi])?;
    if !(1..=12).contains(&month) {
        return None;
    }
    let after = &rest[mi + '月'.len_utf8()..];
    let day: String = after.chars().take_while(char::is_ascii_digit).collect();
    let has_day = !day.is_empty() && (after[day.len()..].starts_with(['日', '号']));
    if has_day {
        return Date::parse(&format!("{y}-{month}-{day}")).ok();
    }
    end_of(y, month)
}

/// A four-digit year at the start of the text, before 年.
fn leading_year(t: &str) -> Option<i32> {
    let i = t.find('年')?;
    let y: i32 = t[..i].parse().ok()?;
    (1900..=2999).contains(&y).then_some(y)
}

/// The number just before the end of `s`, in ASCII digits or Chinese numerals (十一 → 11).
fn digits_before(s: &str) -> Option<u32> {
    let key = crate::domain::round::round_key(s);
    let start = key
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_digit())
        .last()
        .map(|(i, _)| i)?;
    key[start..].parse().ok()
}

/// `[round]` of `duban.toml`: the day returns are due when `round new` is given no
/// `--deadline`. Offices say "每季度末次月5日前" or "每月28日前报送当月":
///
/// ```toml
/// [round]
/// deadline_day = 28      # the 28th …
/// same_month = true      # … of the round's last month (当月); false: of the month after it (次月)
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoundDeadline {
    /// 1-31; a day past the month's end is its last day. 0 or absent: no default.
    #[serde(default)]
    pub deadline_day: u32,
    /// The day of the round's last month (当月) rather than of the month after it (次月).
    #[serde(default)]
    pub same_month: bool,
}

impl RoundDeadline {
    /// The default deadline of a round that covers `months` months of `year` (its last
    /// month is `months`): day `deadline_day` of that month or of the next. `None` when no
    /// day is set or the round names no period.
    ///
    /// ```
    /// use duban::domain::deadline::RoundDeadline;
    /// let next = RoundDeadline { deadline_day: 28, same_month: false };
    /// assert_eq!(next.of(2021, 3).unwrap().iso(), "2021-04-28");
    /// assert_eq!(next.of(2021, 12).unwrap().iso(), "2022-01-28");
    /// let same = RoundDeadline { deadline_day: 31, same_month: true };
    /// assert_eq!(same.of(2021, 2).unwrap().iso(), "2021-02-28");
    /// ```
    pub fn of(self, year: i32, months: u32) -> Option<Date> {
        if self.deadline_day == 0 || !(1..=12).contains(&months) {
            return None;
        }
        let (y, m) = match (self.same_month, months) {
            (true, m) => (year, m),
            (false, 12) => (year + 1, 1),
            (false, m) => (year, m + 1),
        };
        (1..=self.deadline_day.min(31))
            .rev()
            .find_map(|d| Date::parse(&format!("{y}-{m}-{d}")).ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn due_iso(t: &str) -> String {
        match Deadline::parse(t, 2021) {
            Some(Deadline::Due(d)) => d.iso(),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn time_limits_as_notices_write_them() {
        assert_eq!(due_iso("年底前"), "2021-12-31");
        assert_eq!(due_iso("2021年底前"), "2021-12-31");
        assert_eq!(due_iso("6月底前"), "2021-06-30");
        assert_eq!(due_iso("6月底"), "2021-06-30");
        assert_eq!(due_iso("六月底前"), "2021-06-30");
        assert_eq!(due_iso("2021年10月底"), "2021-10-31");
        assert_eq!(due_iso("２０２１年１０月底前"), "2021-10-31");
        assert_eq!(due_iso("9月30日前"), "2021-09-30");
        assert_eq!(due_iso("2月底"), "2021-02-28");
        assert_eq!(due_iso("上半年"), "2021-06-30");
        assert_eq!(due_iso("三季度末"), "2021-09-30");
        assert_eq!(due_iso("2022年6月"), "2022-06-30");
        assert_eq!(due_iso("11月15日"), "2021-11-15");
        assert_eq!(Deadline::parse("长期坚持", 2021), Some(Deadline::Ongoing));
        assert_eq!(Deadline::parse("持续推进", 2021), Some(Deadline::Ongoing));
        assert_eq!(Deadline::parse("常态化推进", 2021), Some(Deadline::Ongoing));
        assert_eq!(Deadline::parse("", 2021), None);
        assert_eq!(Deadline::parse("按省统一部署", 2021), None);
        assert_eq!(Deadline::parse("13月底", 2021), None);
    }

    #[test]
    fn windows_count_months_from_the_catalogs_year() {
        let w = |t: &str| Deadline::parse(t, 2021).unwrap().months(2021);
        assert_eq!(w("6月底前"), Some(6.0));
        assert_eq!(w("年底前"), Some(12.0));
        assert_eq!(w("9月15日"), Some(8.5));
        assert_eq!(w("2022年6月底"), Some(18.0));
        assert_eq!(w("长期坚持"), None);
    }

    #[test]
    fn a_task_due_in_june_is_half_expected_in_march_and_late_in_september() {
        let window = 6.0;
        assert_eq!(expected(elapsed_months(25.0), window), 50.0);
        assert_eq!(expected(elapsed_months(50.0), window), 100.0);
        assert_eq!(expected(elapsed_months(75.0), window), 100.0);
        assert!(!past(elapsed_months(50.0), window));
        assert!(past(elapsed_months(75.0), window));
    }
}
