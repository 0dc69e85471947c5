//! The one date type and the one clock: calendar dates the office types (a round's deadline,
//! `--as-of`) and instants duban records (a sent mail, a workbook's saved time).
//!
//! Built on `jiff` so that the calendar (leap years, days in a month) and RFC 3339 are
//! nobody's hand-written code. Offices write dates several ways (2020-04-05, 2020/4/5,
//! 2020.4.5, 2020年4月5日); all of them parse, and nonexistent dates are refused.

use std::fmt;

use jiff::civil;
use jiff::tz::Offset;
use jiff::Timestamp;

/// A date that could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("日期“{text}”无效：请写成 YYYY-MM-DD，如 2020-04-05（也可写 2020年4月5日）")]
pub struct DateError {
    pub text: String,
}

/// A calendar date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(civil::Date);

impl Date {
    /// Parses `YYYY-MM-DD` (also with `/` or `.`, one-digit month and day) and
    /// `YYYY年M月D日`, refusing dates that do not exist.
    ///
    /// ```
    /// use duban::date::Date;
    /// assert_eq!(Date::parse("2020-4-5").unwrap().iso(), "2020-04-05");
    /// assert_eq!(Date::parse("2020年4月5日").unwrap().iso(), "2020-04-05");
    /// assert_eq!(Date::parse("2020/06/30").unwrap().chinese(), "2020年6月30日");
    /// assert!(Date::parse("2020-02-30").is_err());
    /// assert!(Date::parse("2021-02-29").is_err());
    /// assert!(Date::parse("2020-02-29").is_ok());
    /// ```
    pub fn parse(s: &str) -> Result<Date, DateError> {
        let bad = || DateError {
            text: s.to_string(),
        };
        let t = s.trim();
        let parts: Vec<&str> = if t.contains('年') {
            let t = t
                .strip_suffix('日')
                .or(t.strip_suffix('号'))
                .ok_or_else(bad)?;
            t.split(['年', '月']).collect()
        } else {
            t.split(['-', '/', '.']).collect()
        };
        let [y, m, d] = parts.as_slice() else {
            return Err(bad());
        };
        let num = |p: &str, len: std::ops::RangeInclusive<usize>| {
            let p = p.trim();
            (len.contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
                .then(|| p.parse::<i16>().ok())
                .flatten()
        };
        let (Some(year), Some(month), Some(day)) = (num(y, 4..=4), num(m, 1..=2), num(d, 1..=2))
        else {
            return Err(bad());
        };
        if year < 1900 {
            return Err(bad());
        }
        let month = i8::try_from(month).map_err(|_| bad())?;
        let day = i8::try_from(day).map_err(|_| bad())?;
        civil::Date::new(year, month, day)
            .map(Date)
            .map_err(|_| bad())
    }

    pub fn year(self) -> i32 {
        i32::from(self.0.year())
    }

    pub fn month(self) -> u32 {
        self.0.month() as u32
    }

    pub fn day(self) -> u32 {
        self.0.day() as u32
    }

    /// 2020-04-05.
    pub fn iso(self) -> String {
        format!(
            "{:04}-{:02}-{:02}",
            self.0.year(),
            self.0.month(),
            self.0.day()
        )
    }

    /// 2020年4月5日.
    pub fn chinese(self) -> String {
        format!("{}年{}月{}日", self.0.year(), self.0.month(), self.0.day())
    }

    /// The share of the year elapsed at the end of this day, in percent, counted in months
    /// as offices count 序时进度: whole months before it plus the elapsed part of its own
    /// month, so that 3月31日 is exactly 25%.
    pub fn schedule(self) -> f64 {
        let months = f64::from(self.0.month() - 1)
            + f64::from(self.0.day()) / f64::from(self.0.days_in_month());
        months / 12.0 * 100.0
    }

    /// Today in the office's zone (the one clock, for a default date). `DUBAN_TODAY`
    /// (2020-04-02) sets it, so that tests can walk a round day by day.
    pub fn today(offset: Offset) -> Date {
        std::env::var("DUBAN_TODAY")
            .ok()
            .and_then(|t| Date::parse(&t).ok())
            .unwrap_or_else(|| Date::of(Timestamp::now(), offset))
    }

    /// The day `n` days later (earlier when negative).
    pub fn plus_days(self, n: i64) -> Date {
        Date(
            self.0
                .checked_add(jiff::Span::new().days(n))
                .unwrap_or(self.0),
        )
    }

    /// Whole days from `self` to `later` (negative when `later` is earlier).
    pub fn days_until(self, later: Date) -> i64 {
        later
            .0
            .since(self.0)
            .map(|s| i64::from(s.get_days()))
            .unwrap_or(0)
    }

    /// Saturday or Sunday.
    pub fn is_weekend(self) -> bool {
        matches!(
            self.0.weekday(),
            jiff::civil::Weekday::Saturday | jiff::civil::Weekday::Sunday
        )
    }

    /// The day an instant falls on in the office's zone.
    pub fn of(t: Timestamp, offset: Offset) -> Date {
        Date(offset.to_datetime(t).date())
    }

    /// The first instant of this day in the office's zone: a document dated this day
    /// records it as its creation time, so that its bytes do not depend on the clock.
    pub fn start_of_day(self, offset: Offset) -> Timestamp {
        offset
            .to_timestamp(self.0.at(0, 0, 0, 0))
            .unwrap_or_else(|_| Timestamp::now())
    }

    /// The day before.
    pub fn previous_day(self) -> Date {
        Date(self.0.yesterday().unwrap_or(self.0))
    }

    /// As IMAP's SEARCH writes a date: `5-Apr-2020`.
    pub fn imap(self) -> String {
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        format!(
            "{}-{}-{:04}",
            self.0.day(),
            MONTHS[self.0.month() as usize - 1],
            self.0.year()
        )
    }

    /// The last instant of this day in the office's time zone: a return that arrives by
    /// then is on time.
    pub fn end_of_day(self, offset: Offset) -> Timestamp {
        let last = self.0.at(23, 59, 59, 999_999_999);
        offset
            .to_timestamp(last)
            .unwrap_or_else(|_| Timestamp::now())
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.iso())
    }
}

/// The office's time zone unless configured: Beijing time.
pub const OFFICE_OFFSET: Offset = Offset::constant(8);

/// Now, as RFC 3339 in UTC to the second (`2020-04-01T02:30:00Z`): the time stamps of logs.
pub fn now_rfc3339() -> String {
    rfc3339(Timestamp::now())
}

/// An instant as RFC 3339 in UTC to the second.
pub fn rfc3339(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// An instant as RFC 3339 in the given zone (`2020-04-01T10:30:00+08:00`).
pub fn rfc3339_in(t: Timestamp, offset: Offset) -> String {
    t.display_with_offset(offset)
        .to_string()
        .split_once('.')
        .map(|(whole, rest)| {
            // Drop fractional seconds, keep the offset.
            let zone = rest.trim_start_matches(|c: char| c.is_ascii_digit());
            format!("{whole}{zone}")
        })
        .unwrap_or_else(|| t.display_with_offset(offset).to_string())
}

/// An RFC 3339 time as a clerk reads it in a table, in the office's zone: `2020-04-01 10:30`
/// (what is not RFC 3339 is shown as it is).
///
/// ```
/// use duban::date::{clock, OFFICE_OFFSET};
/// assert_eq!(clock("2020-04-01T02:30:00Z", OFFICE_OFFSET), "2020-04-01 10:30");
/// ```
pub fn clock(text: &str, offset: Offset) -> String {
    match text.parse::<Timestamp>() {
        Ok(t) => display_in(t, offset),
        Err(_) => text.to_string(),
    }
}

/// An instant for people to read, to the minute, in the given zone: `2020-04-01 10:30`.
pub fn display_in(t: Timestamp, offset: Offset) -> String {
    offset.to_datetime(t).strftime("%Y-%m-%d %H:%M").to_string()
}

/// An instant as a file name's time stamp in the given zone: `20200401-103000`.
pub fn compact_in(t: Timestamp, offset: Offset) -> String {
    offset.to_datetime(t).strftime("%Y%m%d-%H%M%S").to_string()
}

/// A saved time as workbooks record it: Excel writes UTC (`2020-04-01T02:00:00Z`),
/// LibreOffice local time without a zone (`2020-04-01T10:00:00` or with fractional
/// seconds). A time without a zone is read in `offset`, the office's zone.
///
/// ```
/// use duban::date::{instant, OFFICE_OFFSET};
/// let excel = instant("2020-04-01T03:00:00Z", OFFICE_OFFSET).unwrap();
/// let libre = instant("2020-04-01T10:00:00.123456789", OFFICE_OFFSET).unwrap();
/// assert!(libre < excel); // 10:00 in Beijing is 02:00 UTC
/// ```
pub fn instant(text: &str, offset: Offset) -> Option<Timestamp> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    if let Ok(ts) = t.parse::<Timestamp>() {
        return Some(ts);
    }
    let dt: civil::DateTime = t.parse().ok()?;
    offset.to_timestamp(dt).ok()
}

/// An offset written as `+08:00`, `+8`, `UTC+8` or `-05:30`.
pub fn parse_offset(text: &str) -> Option<Offset> {
    let t = text.trim();
    let t = t
        .strip_prefix("UTC")
        .or_else(|| t.strip_prefix("GMT"))
        .unwrap_or(t);
    let (sign, rest) = match t.chars().next()? {
        '+' => (1, &t[1..]),
        '-' => (-1, &t[1..]),
        _ => return None,
    };
    let (h, m) = rest.split_once(':').unwrap_or((rest, "0"));
    let h: i32 = h.parse().ok()?;
    let m: i32 = m.parse().ok()?;
    if h > 14 || m >= 60 {
        return None;
    }
    Offset::from_seconds(sign * (h * 3600 + m * 60)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_count_in_months() {
        assert_eq!(Date::parse("2020-03-31").unwrap().schedule(), 25.0);
        assert_eq!(Date::parse("2020/06/30").unwrap().schedule(), 50.0);
        assert_eq!(Date::parse("2020-12-31").unwrap().schedule(), 100.0);
        let end_feb = Date::parse("2020-02-29").unwrap().schedule();
        assert!((end_feb - 200.0 / 12.0).abs() < 1e-9);
        let half_april = Date::parse("2020-04-15").unwrap().schedule();
        assert!((half_april - 3.5 / 12.0 * 100.0).abs() < 1e-9);
    }

    #[test]
    fn nonexistent_and_malformed_dates_are_refused() {
        for bad in [
            "2019-02-29",
            "2020-13-01",
            "三月底",
            "2020-04",
            "20-04-05",
            "1800-01-01",
        ] {
            assert!(Date::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Date::parse("2100-02-29").unwrap_err().text, "2100-02-29");
        assert!(Date::parse("2000-02-29").is_ok());
    }

    #[test]
    fn instants_and_offsets() {
        assert_eq!(parse_offset("+08:00"), Some(OFFICE_OFFSET));
        assert_eq!(parse_offset("UTC+8"), Some(OFFICE_OFFSET));
        assert_eq!(parse_offset("8"), None);
        let t = instant("2020-04-01T02:00:00Z", OFFICE_OFFSET).unwrap();
        assert_eq!(rfc3339(t), "2020-04-01T02:00:00Z");
        assert_eq!(rfc3339_in(t, OFFICE_OFFSET), "2020-04-01T10:00:00+08:00");
        let local = instant("2020-04-01T10:00:00", OFFICE_OFFSET).unwrap();
        assert_eq!(local, t);
        let d = Date::parse("2020-04-05").unwrap();
        assert_eq!(
            rfc3339_in(d.end_of_day(OFFICE_OFFSET), OFFICE_OFFSET),
            "2020-04-05T23:59:59+08:00"
        );
        assert_eq!(compact_in(t, OFFICE_OFFSET), "20200401-100000");
        assert_eq!(display_in(t, OFFICE_OFFSET), "2020-04-01 10:00");
        assert_eq!(
            rfc3339(d.start_of_day(OFFICE_OFFSET)),
            "2020-04-04T16:00:00Z"
        );
        assert_eq!(d.imap(), "5-Apr-2020");
        assert_eq!(
            Date::parse("2020-03-01").unwrap().previous_day().imap(),
            "29-Feb-2020"
        );
        assert!(instant("", OFFICE_OFFSET).is_none());
        assert!(instant("yesterday", OFFICE_OFFSET).is_none());
    }
}
