//! Normalising what clerks type: status variants, percent in its many spellings, numbers
//! stored as text, phone numbers. Each function says whether it had to interpret the
//! input, so the check can warn that it did.

use crate::catalog::names::fold;
use crate::domain::status::Status;
use crate::read::{Cell, Value};

/// Status variants seen in returns, folded, mapped to the four statuses.
const STATUS_VARIANTS: &[(Status, &[&str])] = &[
    (
        Status::Done,
        &[
            "完成",
            "已完成的",
            "已经完成",
            "全部完成",
            "已全部完成",
            "办结",
            "已办结",
            "完工",
            "已完工",
            "已完成任务",
            "完成的",
        ],
    ),
    (
        Status::OnSchedule,
        &[
            "按序时推进",
            "正常推进",
            "序时",
            "按序时",
            "推进中",
            "正在推进",
            "进行中",
            "正在进行",
            "按计划推进",
            "正常",
            "按时推进",
            "有序推进",
            "稳步推进",
            "序时进度",
            "按序时进度推进",
            "已启动",
            "顺利推进",
        ],
    ),
    (
        Status::Lagging,
        &[
            "进度滞后",
            "滞后推进",
            "落后",
            "进度落后",
            "延期",
            "未按期",
            "滞后于序时",
            "推进滞后",
            "未达序时",
        ],
    ),
    (
        Status::NotStarted,
        &[
            "未开始",
            "尚未启动",
            "尚未开始",
            "没有开始",
            "未实施",
            "暂未启动",
            "还未启动",
            "未启动实施",
        ],
    ),
];

/// A status as typed: `Some((status, exact))`, or `None` for text that is none of them.
pub fn parse_status(text: &str) -> Option<(Status, bool)> {
    let t = text.trim();
    if let Some(s) = Status::from_label(t) {
        return Some((s, true));
    }
    let f = fold(t);
    let f = f.trim_end_matches(['。', '.', '!', '！']);
    if let Some(s) = Status::from_label(f) {
        return Some((s, false));
    }
    STATUS_VARIANTS
        .iter()
        .find(|(_, vs)| vs.contains(&f))
        .map(|(s, _)| (*s, false))
}

/// Why a percent could not be read.
#[derive(Debug, PartialEq)]
pub enum PercentError {
    Missing,
    NotNumber(String),
}

/// A percent as typed, in 0-100 terms: `(value, how it was read if not a plain number)`.
/// `fraction_guess` is for formats whose number formats cannot be read (xls, ods): a
/// value strictly between 0 and 1 is taken as a fraction.
pub fn parse_percent(
    cell: Option<&Cell>,
    fraction_guess: bool,
) -> Result<(f64, Option<String>), PercentError> {
    let Some(cell) = cell else {
        return Err(PercentError::Missing);
    };
    match &cell.value {
        Value::Number(v) if cell.percent => {
            Ok((round6(v * 100.0), Some(format!("{}%", fmt(v * 100.0)))))
        }
        Value::Number(v) if fraction_guess && *v > 0.0 && *v < 1.0 => {
            Ok((round6(v * 100.0), Some(format!("小数 {}", fmt(*v)))))
        }
        Value::Number(v) => Ok((*v, None)),
        Value::Text(s) if s.trim().is_empty() => Err(PercentError::Missing),
        Value::Text(s) => {
            let f = fold(s);
            if let Some(n) = f.strip_suffix('%') {
                return number(n)
                    .map(|v| (v, Some(s.trim().to_string())))
                    .ok_or_else(|| PercentError::NotNumber(s.clone()));
            }
            if let Some(n) = f.strip_suffix('成').and_then(chinese_digit) {
                return Ok((n * 10.0, Some(s.trim().to_string())));
            }
            // Numbers stored as text are ordinary; no warning.
            number(&f)
                .map(|v| (v, None))
                .ok_or_else(|| PercentError::NotNumber(s.clone()))
        }
        Value::Empty => Err(PercentError::Missing),
        other => Err(PercentError::NotNumber(other.text())),
    }
}

fn chinese_digit(s: &str) -> Option<f64> {
    let digits = [
        "零", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十",
    ];
    digits.iter().position(|d| *d == s).map(|i| i as f64)
}

/// A number typed as text: "1,234.5", " 80 ".
pub fn number(s: &str) -> Option<f64> {
    let t: String = fold(s).chars().filter(|c| *c != ',').collect();
    t.parse::<f64>().ok().filter(|v| v.is_finite())
}

fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

pub fn fmt(v: f64) -> String {
    crate::catalog::format_number(round6(v))
}

/// A contact phone: a mobile (11 digits from 1), a landline of 7-8 digits with or without
/// an area code starting 0, an extension after 转 or a dash; several separated by 、/，; .
pub fn phone_ok(text: &str) -> bool {
    let t = fold(text);
    let parts: Vec<&str> = t
        .split(['、', '/', ',', ';', '，', '；'])
        .filter(|p| !p.is_empty())
        .collect();
    !parts.is_empty() && parts.iter().all(|p| one_phone(p))
}

fn one_phone(p: &str) -> bool {
    let main = p.split('转').next().unwrap_or("");
    let main = main.strip_prefix("+86").unwrap_or(main);
    if main
        .chars()
        .any(|c| !(c.is_ascii_digit() || "-()".contains(c)))
    {
        return false;
    }
    let groups: Vec<String> = main
        .split(['-', '(', ')'])
        .filter(|g| !g.is_empty())
        .map(String::from)
        .collect();
    let digits: String = groups.concat();
    let mobile = digits.len() == 11 && digits.starts_with('1');
    let landline = (7..=8).contains(&digits.len())
        || (digits.starts_with('0') && (10..=12).contains(&digits.len()))
        // 0537-1234567-801: area, number, extension
        || (groups.len() == 3 && groups[0].starts_with('0') && (7..=8).contains(&groups[1].len()));
    mobile || landline
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(value: Value, percent: bool) -> Cell {
        Cell {
            value,
            percent,
            cut_from: None,
        }
    }

    #[test]
    fn statuses() {
        assert_eq!(parse_status("已完成"), Some((Status::Done, true)));
        assert_eq!(parse_status(" 完成 "), Some((Status::Done, false)));
        assert_eq!(parse_status("已完成的"), Some((Status::Done, false)));
        assert_eq!(parse_status("正常推进"), Some((Status::OnSchedule, false)));
        assert_eq!(
            parse_status("按序时推进"),
            Some((Status::OnSchedule, false))
        );
        assert_eq!(parse_status("进度滞后"), Some((Status::Lagging, false)));
        assert_eq!(parse_status("未开始"), Some((Status::NotStarted, false)));
        assert_eq!(parse_status("很好"), None);
    }

    #[test]
    fn percents() {
        let p = |v, pc| parse_percent(Some(&cell(v, pc)), false);
        assert_eq!(p(Value::Number(80.0), false), Ok((80.0, None)));
        assert_eq!(p(Value::Number(0.8), true).unwrap().0, 80.0);
        assert_eq!(p(Value::Text("80%".into()), false).unwrap().0, 80.0);
        assert_eq!(p(Value::Text("80％".into()), false).unwrap().0, 80.0);
        assert_eq!(p(Value::Text("80".into()), false), Ok((80.0, None)));
        assert_eq!(p(Value::Text("八成".into()), false).unwrap().0, 80.0);
        assert!(matches!(
            p(Value::Text("大部分".into()), false),
            Err(PercentError::NotNumber(_))
        ));
        assert_eq!(parse_percent(None, false), Err(PercentError::Missing));
    }

    #[test]
    fn phones() {
        assert!(phone_ok("13905371234"));
        assert!(phone_ok("0537-3412345"));
        assert!(phone_ok("3412345"));
        assert!(phone_ok("0537-3412345转801"));
        assert!(phone_ok("13905371234、0537-3412345"));
        assert!(!phone_ok("139053"));
        assert!(!phone_ok("无"));
        assert!(!phone_ok("1.39E+10"));
    }
}
