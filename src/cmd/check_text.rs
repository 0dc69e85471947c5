//! `duban check`'s report for a person: the summary first (what the office acts on), then
//! each rejected return with its problems, then the accepted ones with reminders. Accepted
//! returns without any take a line each and superseded ones a line per unit, units in
//! lines a person can read, paths as short as the place the check was run from allows:
//! for hundreds of files the report stays a report.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::catalog::Catalog;
use crate::domain::report::{CheckReport, FileReport, FileStatus};

/// How many unit names a line of a list holds.
const NAMES_PER_LINE: usize = 8;

/// Paths shown relative to the first of these folders that holds them (where the check
/// was run, the round's folder), else as they are.
pub struct Shown {
    pub bases: Vec<PathBuf>,
}

impl Shown {
    pub fn path(&self, p: &Path) -> String {
        self.bases
            .iter()
            .find_map(|b| p.strip_prefix(b).ok())
            .filter(|rel| !rel.as_os_str().is_empty())
            .unwrap_or(p)
            .display()
            .to_string()
    }
}

/// Names listed `NAMES_PER_LINE` to a line, each line indented.
pub fn name_lines(names: &[String]) -> String {
    names
        .chunks(NAMES_PER_LINE)
        .map(|c| format!("  {}\n", c.join("、")))
        .collect()
}

fn status_word(f: &FileReport, shown: &Shown) -> String {
    let (errors, warnings) = (f.errors(), f.warnings());
    let mut s = match f.status {
        FileStatus::Accepted if warnings == 0 => "通过".to_string(),
        FileStatus::Accepted => format!("通过（{warnings} 条提醒）"),
        FileStatus::Rejected => format!("退回（{errors} 个错误，{warnings} 条提醒）"),
    };
    if let Some(by) = &f.superseded_by {
        s.push_str(&format!("，已被 {} 取代", shown.path(by)));
    }
    s
}

/// The report for a person.
pub fn text(report: &CheckReport, catalog: &Catalog, shown: &Shown) -> String {
    let mut s = summary(report, catalog, shown);
    let standing = |f: &&FileReport| f.superseded_by.is_none() && !f.untouched();
    let of = |status: FileStatus, issues: bool| -> Vec<&FileReport> {
        (report.files.iter().filter(standing))
            .filter(|f| {
                f.status == status
                    && (status == FileStatus::Rejected || f.issues.is_empty() != issues)
            })
            .collect()
    };
    let (rejected, warned, clean) = (
        of(FileStatus::Rejected, true),
        of(FileStatus::Accepted, true),
        of(FileStatus::Accepted, false),
    );
    if !rejected.is_empty() {
        s.push_str(&format!("\n━━ 退回的文件（{} 个）━━\n\n", rejected.len()));
        for f in rejected {
            s.push_str(&block(f, shown));
        }
    }
    if !warned.is_empty() {
        s.push_str(&format!(
            "\n━━ 通过但有提醒的文件（{} 个）━━\n\n",
            warned.len()
        ));
        for f in warned {
            s.push_str(&block(f, shown));
        }
    }
    if !clean.is_empty() {
        s.push_str(&format!("\n━━ 通过的文件（{} 个）━━\n", clean.len()));
        for f in clean {
            s.push_str(&format!(
                "  {}（{}）\n",
                shown.path(&f.path),
                f.unit.as_deref().unwrap_or("（未识别）")
            ));
        }
    }
    s.push_str(&untouched(report, shown));
    s.push_str(&superseded(report));
    if !report.ignored.is_empty() {
        s.push_str(&format!(
            "\n━━ 非报表文件，已忽略（{} 个）━━\n",
            report.ignored.len()
        ));
        for p in &report.ignored {
            s.push_str(&format!("  {}\n", shown.path(p)));
        }
    }
    s
}

/// The untouched templates sent back: replies, not returns (their units stay 未报送).
fn untouched(report: &CheckReport, shown: &Shown) -> String {
    let files: Vec<&FileReport> = report.files.iter().filter(|f| f.untouched()).collect();
    if files.is_empty() {
        return String::new();
    }
    let mut s = format!(
        "\n━━ 模板未填写（{} 个，寄回的是未填写的模板，不算报送）━━\n",
        files.len()
    );
    for f in files {
        s.push_str(&format!(
            "  {}（{}）\n",
            shown.path(&f.path),
            f.unit.as_deref().unwrap_or("（未识别）")
        ));
    }
    s
}

/// The superseded returns, one line per unit: "区科技局：49 份被后报的表格取代".
fn superseded(report: &CheckReport) -> String {
    let mut by_unit: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for f in report.files.iter().filter(|f| f.superseded_by.is_some()) {
        let e = by_unit
            .entry(f.unit.as_deref().unwrap_or("（未识别）"))
            .or_default();
        e.0 += 1;
        if f.status == FileStatus::Rejected {
            e.1 += 1;
        }
    }
    if by_unit.is_empty() {
        return String::new();
    }
    let total: usize = by_unit.values().map(|v| v.0).sum();
    let mut s = format!("\n━━ 被取代的文件（{total} 个，均保留）━━\n");
    for (unit, (n, rejected)) in by_unit {
        let note = match rejected {
            0 => String::new(),
            r => format!("（其中 {r} 份曾被退回）"),
        };
        s.push_str(&format!("  {unit}：{n} 份被后报的表格取代{note}\n"));
    }
    s
}

/// One return with its problems, grouped by sheet and row.
fn block(f: &FileReport, shown: &Shown) -> String {
    let mut s = format!("■ {}\n", shown.path(&f.path));
    s.push_str(&format!(
        "  单位：{}　期次：{}　结论：{}\n",
        f.unit.as_deref().unwrap_or("（未识别）"),
        f.round.as_deref().unwrap_or("（未注明）"),
        status_word(f, shown)
    ));
    let mut sheet: Option<&str> = None;
    let mut row: Option<u32> = None;
    for i in &f.issues {
        if i.sheet.as_deref() != sheet {
            sheet = i.sheet.as_deref();
            row = None;
            if let Some(name) = sheet {
                s.push_str(&format!("  工作表“{name}”\n"));
            }
        }
        let indent = if sheet.is_some() {
            if i.row != row && i.row.is_some() {
                let task = i.task.map(|t| format!("（任务 {t}）")).unwrap_or_default();
                s.push_str(&format!("    第 {} 行{task}\n", i.row.unwrap_or(0)));
            }
            row = i.row;
            if i.row.is_some() {
                "      "
            } else {
                "    "
            }
        } else {
            "  "
        };
        let cell = i.cell().map(|c| format!("{c} ")).unwrap_or_default();
        let task = match (i.row, i.task) {
            (None, Some(t)) => format!("任务 {t}："),
            _ => String::new(),
        };
        s.push_str(&format!(
            "{indent}{cell}{} {}：{task}{}\n",
            i.severity().label(),
            i.code,
            i.message
        ));
        if !i.fix.is_empty() {
            s.push_str(&format!("{indent}  → 怎么改：{}\n", i.fix));
        }
    }
    s.push('\n');
    s
}

fn summary(report: &CheckReport, catalog: &Catalog, shown: &Shown) -> String {
    let count = |st: FileStatus| {
        (report.files.iter())
            .filter(|f| f.status == st && !f.untouched())
            .count()
    };
    let untouched = match report.files.iter().filter(|f| f.untouched()).count() {
        0 => String::new(),
        n => format!("，模板未填写 {n} 份（不算报送）"),
    };
    let warnings: usize = report
        .files
        .iter()
        .flat_map(|f| &f.issues)
        .filter(|i| !i.is_error())
        .count();
    // A rejected return a later one of its unit replaced is listed with the replaced
    // ones, not with the returns to send back: the count says so, so that both agree.
    let replaced = report
        .files
        .iter()
        .filter(|f| f.status == FileStatus::Rejected && f.superseded_by.is_some())
        .count();
    let replaced = if replaced > 0 {
        format!("（其中 {replaced} 份已被本单位后报的表格取代）")
    } else {
        String::new()
    };
    let mut s = format!(
        "汇总{}：收到报表 {} 份，通过 {} 份，退回 {} 份{replaced}{untouched}；提醒 {} 条",
        report
            .round
            .as_deref()
            .map(|r| format!("（{r}）"))
            .unwrap_or_default(),
        report.files.len(),
        count(FileStatus::Accepted),
        count(FileStatus::Rejected),
        warnings
    );
    if !report.ignored.is_empty() {
        s.push_str(&format!(
            "；另有非报表文件 {} 个，已忽略",
            report.ignored.len()
        ));
    }
    s.push_str("。\n");
    let expected = catalog.expected_units(report.hosts_only).count();
    let (missing, rejected) = (&report.missing_units, &report.rejected_units);
    let unreadable = &report.unreadable_units;
    let accepted = expected - missing.len() - rejected.len() - unreadable.len();
    let unread = match unreadable.len() {
        0 => String::new(),
        n => format!("，文件无法读取 {n} 个"),
    };
    s.push_str(&format!(
        "应报送单位 {expected} 个：已通过 {accepted} 个，已报送未通过 {} 个，未报送 {} 个{unread}。\n",
        rejected.len(),
        missing.len()
    ));
    s.push_str(&unread_by_office(report, shown));
    if !rejected.is_empty() {
        s.push_str(&format!(
            "已报送未通过（须退回重报，{} 个）：\n",
            rejected.len()
        ));
        s.push_str(&name_lines(rejected));
    }
    if !missing.is_empty() {
        s.push_str(&format!("未报送（{} 个）：\n", missing.len()));
        s.push_str(&name_lines(missing));
    }
    if !report.round_checked {
        s.push_str("注意：未指定 --round，未核对各报表的填报期次。\n");
    }
    s
}

/// The files and folders the office could not read: told to the office as its own matter
/// (a permission, a disk), with the units they hold kept apart from those sent back.
fn unread_by_office(report: &CheckReport, shown: &Shown) -> String {
    let paths: Vec<String> = (report.files.iter())
        .filter(|f| f.superseded_by.is_none() && f.unread_by_office())
        .map(|f| shown.path(&f.path))
        .collect();
    if paths.is_empty() {
        return String::new();
    }
    let mut s = format!(
        "注意：督考办无法读取以下文件或文件夹（不是报送单位的问题，不退回；请检查文件权限或磁盘后重新运行）：{}\n",
        paths.join("、")
    );
    if !report.unreadable_units.is_empty() {
        s.push_str("文件无法读取（待督考办处理）：\n");
        s.push_str(&name_lines(&report.unreadable_units));
    }
    s
}
