//! One unit's fill-in workbook for a round: the template a clerk fills in Excel, WPS or
//! LibreOffice and sends back.
//!
//! Sheets, in order: 填报说明 (instructions), 任务进展 (one row per task of the unit), 量化指标
//! (only when the unit hosts tasks with indicators) and the very hidden `_duban` identity
//! sheet. Canonical cells are locked on grey, input cells unlocked on white, the sheets
//! protected so that accidental edits are refused but filling works.
//!
//! # Identity
//!
//! The template says what it is in two places: the very hidden sheet [`SHEET_IDENTITY`]
//! (rows of key, value: [`layout::key`]) and the same key facts as custom document
//! properties (`duban.<key>`). Each task row is recorded as `task.<n>` →
//! `<role>|<hash of its canonical cells>` ([`task_entry`], [`row_hash`]), each indicator row
//! as `indicator.<n>.<k>` → `<hash>`.
//!
//! Neither survives every client: LibreOffice turns the very hidden sheet into a plain
//! hidden one that users can unhide (and delete), WPS and LibreOffice may drop one or the
//! other when re-saving through another format, Excel's Document Inspector strips both,
//! and copying the rows into a new workbook loses both. The check therefore uses them when
//! present and must work without either: the catalog's canonical cells are the final judge.

use crate::catalog::{sha256_hex, Catalog, Indicator, Role, Task};
use crate::layout::{
    self, key, Status, SHEET_GUIDE, SHEET_IDENTITY, SHEET_INDICATORS, SHEET_TASKS,
};
use crate::write::{page_footer, Book, BuildError, Print, Prompt, Rule, Sheet, Style};

/// Row of the title on 任务进展 and 量化指标 (0-based).
pub const TITLE_ROW: u32 = 0;
/// Row of the 填报单位 / 填报期次 / 截止时间 line.
pub const LINE_ROW: u32 = 1;
/// Row of the column header.
pub const HEADER_ROW: u32 = 2;
/// First task (or indicator) row.
pub const FIRST_ROW: u32 = 3;

/// Column widths of 任务进展, in [`TASK_COLUMNS`](layout::TASK_COLUMNS) order: a CJK
/// character is about two units.
pub const TASK_WIDTHS: [f64; 12] = [
    6.0, 14.0, 42.0, 10.0, 9.0, 22.0, 10.0, 9.0, 28.0, 20.0, 20.0, 10.0,
];
/// Column widths of 量化指标.
pub const INDICATOR_WIDTHS: [f64; 7] = [6.0, 36.0, 10.0, 8.0, 7.0, 12.0, 40.0];

const COL_STATUS: u16 = 6;
const COL_PERCENT: u16 = 7;
/// Columns of 任务进展 that are canonical (locked): 序号 … 其他承办单位.
pub const CANONICAL_TASK_COLUMNS: usize = 6;
/// Columns of 量化指标 that are canonical: 序号 … 比较.
pub const CANONICAL_INDICATOR_COLUMNS: usize = 5;
const COL_VALUE: u16 = 5;

/// Which of a unit's tasks its template lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rows {
    /// Every task the unit hosts or co-hosts.
    All,
    /// Only the tasks it hosts (`--hosts-only`): the host collects its co-units' input.
    HostsOnly,
}

impl Rows {
    /// The value recorded under [`key::ROWS`].
    pub fn label(self) -> &'static str {
        match self {
            Rows::All => "all",
            Rows::HostsOnly => "hosts",
        }
    }

    pub fn from_label(s: &str) -> Option<Rows> {
        [Rows::All, Rows::HostsOnly]
            .into_iter()
            .find(|r| r.label() == s)
    }
}

/// A calendar date (the round's deadline).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// Parses `YYYY-MM-DD` (one-digit month and day accepted), refusing dates that do not
    /// exist.
    ///
    /// ```
    /// use duban::template::Date;
    /// assert_eq!(Date::parse("2020-4-5").unwrap().iso(), "2020-04-05");
    /// assert!(Date::parse("2020-02-30").is_err());
    /// assert!(Date::parse("2021-02-29").is_err());
    /// assert!(Date::parse("2020-02-29").is_ok());
    /// ```
    pub fn parse(s: &str) -> Result<Date, String> {
        let bad = || format!("日期“{s}”无效：请写成 YYYY-MM-DD，如 2020-04-05");
        let parts: Vec<&str> = s.trim().split('-').collect();
        let [y, m, d] = parts.as_slice() else {
            return Err(bad());
        };
        let num = |p: &str, len: std::ops::RangeInclusive<usize>| {
            (len.contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
                .then(|| p.parse::<u16>().ok())
                .flatten()
        };
        let (Some(year), Some(month), Some(day)) = (num(y, 4..=4), num(m, 1..=2), num(d, 1..=2))
        else {
            return Err(bad());
        };
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return Err(bad()),
        };
        if year < 1900 || day == 0 || day > days {
            return Err(bad());
        }
        Ok(Date {
            year,
            month: month as u8,
            day: day as u8,
        })
    }

    /// 2020-04-05.
    pub fn iso(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// 2020年4月5日.
    pub fn chinese(&self) -> String {
        format!("{}年{}月{}日", self.year, self.month, self.day)
    }
}

/// What to build: one unit's template for one round.
#[derive(Clone, Copy, Debug)]
pub struct Spec<'a> {
    /// The unit's canonical name.
    pub unit: &'a str,
    /// 填报期次: 2020年第一季度.
    pub round: &'a str,
    pub deadline: Date,
    pub rows: Rows,
    /// Sheet protection password; none by default.
    pub password: Option<&'a str>,
    /// How to reach the office, for 填报说明.
    pub office_contact: Option<&'a str>,
}

/// A built template.
#[derive(Clone, Debug)]
pub struct Built {
    /// The .xlsx file.
    pub bytes: Vec<u8>,
    /// Its task rows, in order.
    pub rows: Vec<(u32, Role)>,
}

impl Built {
    pub fn hosts(&self) -> usize {
        self.rows.iter().filter(|(_, r)| *r == Role::Host).count()
    }

    pub fn co_units(&self) -> usize {
        self.rows.len() - self.hosts()
    }
}

/// The file name of a unit's template: `<round>_<unit>_任务进展填报表.xlsx`, with characters
/// that no file system takes replaced by `_`.
pub fn file_name(round: &str, unit: &str) -> String {
    let clean = |s: &str| -> String {
        s.trim()
            .chars()
            .map(|c| {
                if matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|')
                    || c.is_control()
                {
                    '_'
                } else {
                    c
                }
            })
            .collect()
    };
    format!("{}_{}_任务进展填报表.xlsx", clean(round), clean(unit))
}

/// The task rows of a unit's template, in task order.
pub fn rows_of(cat: &Catalog, unit: &str, rows: Rows) -> Vec<(u32, Role)> {
    cat.tasks_of_unit(unit)
        .iter()
        .filter(|(_, role)| rows == Rows::All || *role == Role::Host)
        .copied()
        .collect()
}

/// 其他承办单位 of a task as seen by `unit`: the task's other hosts and co-units as the
/// notice lists them (groups such as 各镇街 kept), or 无.
pub fn others_text(task: &Task, unit: &str) -> String {
    let others = |names: &[String]| {
        names
            .iter()
            .filter(|n| *n != unit)
            .cloned()
            .collect::<Vec<_>>()
    };
    let mut parts = Vec::new();
    for (label, names) in [
        ("主办", others(&task.hosts)),
        ("协办", others(&task.co_units)),
    ] {
        if !names.is_empty() {
            parts.push(format!("{label}：{}", names.join("、")));
        }
    }
    if parts.is_empty() {
        return "无".into();
    }
    let mut s = parts.join("；");
    if task.open_list {
        s.push('等');
    }
    s
}

/// The canonical cells of a task row as the template shows them: 序号, 所属部分, 任务内容,
/// 牵头领导, 本单位角色, 其他承办单位.
pub fn canonical_cells(
    cat: &Catalog,
    unit: &str,
    task: &Task,
    role: Role,
) -> [String; CANONICAL_TASK_COLUMNS] {
    [
        task.number.to_string(),
        cat.section_label(&task.section),
        task.text.clone(),
        task.leaders.join("、"),
        role.label().to_string(),
        others_text(task, unit),
    ]
}

/// The canonical cells of an indicator row: 序号 (the task's), 指标, 目标值, 单位, 比较.
pub fn indicator_cells(task: &Task, ind: &Indicator) -> [String; CANONICAL_INDICATOR_COLUMNS] {
    [
        task.number.to_string(),
        ind.name.clone(),
        crate::catalog::format_number(ind.target),
        ind.unit.clone(),
        ind.comparator.label().to_string(),
    ]
}

/// A short hash of a row's canonical cells (first 16 hex digits of the SHA-256 of the cells
/// joined by U+001F): enough to tell a row whose text was changed from the catalog's.
pub fn row_hash<S: AsRef<str>>(cells: &[S]) -> String {
    let joined: Vec<&str> = cells.iter().map(|c| c.as_ref()).collect();
    sha256_hex(joined.join("\u{1f}").as_bytes())[..16].to_string()
}

/// The value of a `task.<n>` identity row: `<role>|<hash>`.
pub fn task_entry(role: Role, hash: &str) -> String {
    format!("{}|{hash}", role.label())
}

/// Reads a `task.<n>` identity value back.
///
/// ```
/// use duban::{catalog::Role, template::{parse_task_entry, task_entry}};
/// assert_eq!(parse_task_entry(&task_entry(Role::CoUnit, "ab12")), Some((Role::CoUnit, "ab12".into())));
/// assert_eq!(parse_task_entry("x|y"), None);
/// ```
pub fn parse_task_entry(value: &str) -> Option<(Role, String)> {
    let (role, hash) = value.split_once('|')?;
    let role = [Role::Host, Role::CoUnit]
        .into_iter()
        .find(|r| r.label() == role)?;
    Some((role, hash.to_string()))
}

/// A unit's task numbers by role, compactly: `主办:1,3,5-7;协办:2` (for a document property,
/// which Excel keeps to 255 characters).
pub fn compact_tasks(rows: &[(u32, Role)]) -> String {
    let ranges = |role: Role| {
        let nums: Vec<u32> = rows
            .iter()
            .filter(|(_, r)| *r == role)
            .map(|(n, _)| *n)
            .collect();
        let mut out: Vec<String> = Vec::new();
        let mut i = 0;
        while i < nums.len() {
            let mut j = i;
            while j + 1 < nums.len() && nums[j + 1] == nums[j] + 1 {
                j += 1;
            }
            out.push(if j > i {
                format!("{}-{}", nums[i], nums[j])
            } else {
                nums[i].to_string()
            });
            i = j + 1;
        }
        out.join(",")
    };
    [Role::Host, Role::CoUnit]
        .into_iter()
        .map(|r| format!("{}:{}", r.label(), ranges(r)))
        .collect::<Vec<_>>()
        .join(";")
}

/// The tasks of a unit's rows that carry indicators it reports on (it hosts them).
fn indicator_rows<'a>(cat: &'a Catalog, rows: &[(u32, Role)]) -> Vec<(&'a Task, &'a Indicator)> {
    rows.iter()
        .filter(|(_, r)| *r == Role::Host)
        .filter_map(|(n, _)| cat.task(*n))
        .flat_map(|t| t.indicators.iter().map(move |i| (t, i)))
        .collect()
}

/// The identity facts, as (key, value) in the order of the hidden sheet.
pub fn identity(cat: &Catalog, spec: &Spec, rows: &[(u32, Role)]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = [
        (key::FORMAT, layout::FORMAT_VERSION.to_string()),
        (key::CATALOG_NUMBER, cat.notice().number.clone()),
        (key::CATALOG_HASH, cat.hash().to_string()),
        (key::UNIT, spec.unit.to_string()),
        (key::ROUND, spec.round.to_string()),
        (key::DEADLINE, spec.deadline.iso()),
        (key::ROWS, spec.rows.label().to_string()),
        (key::TASKS, compact_tasks(rows)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    for (n, role) in rows {
        let task = cat.task(*n).expect("rows come from the catalog");
        let hash = row_hash(&canonical_cells(cat, spec.unit, task, *role));
        out.push((format!("{}{n}", key::TASK_PREFIX), task_entry(*role, &hash)));
    }
    let mut last = (0, 0);
    for (task, ind) in indicator_rows(cat, rows) {
        last = if last.0 == task.number {
            (task.number, last.1 + 1)
        } else {
            (task.number, 1)
        };
        out.push((
            format!("{}{}.{}", key::INDICATOR_PREFIX, last.0, last.1),
            row_hash(&indicator_cells(task, ind)),
        ));
    }
    out
}

/// Builds one unit's template.
///
/// # Errors
/// [`BuildError`] when the writer refuses something (a text beyond a cell's limit, a
/// sheet name too long): a bug or an unusual catalog, never a property of the unit.
pub fn build(cat: &Catalog, spec: &Spec) -> Result<Built, BuildError> {
    let rows = rows_of(cat, spec.unit, spec.rows);
    let indicators = indicator_rows(cat, &rows);
    let mut book = Book::new();
    book.push(guide_sheet(spec, &rows, !indicators.is_empty())?)?;
    book.push(tasks_sheet(cat, spec, &rows)?)?;
    if !indicators.is_empty() {
        book.push(indicators_sheet(spec, &indicators)?)?;
    }
    let facts = identity(cat, spec, &rows);
    let mut hidden = Sheet::new(SHEET_IDENTITY)?;
    hidden.set_widths(&[16.0, 40.0])?;
    for (i, (k, v)) in facts.iter().enumerate() {
        hidden.text(i as u32, 0, k, Style::Plain)?;
        hidden.text(i as u32, 1, v, Style::Plain)?;
    }
    hidden.very_hidden();
    hidden.protect(spec.password);
    book.push(hidden)?;
    let properties: Vec<(String, String)> = facts
        .into_iter()
        .filter(|(k, _)| !k.starts_with(key::TASK_PREFIX) && !k.starts_with(key::INDICATOR_PREFIX))
        .map(|(k, v)| (format!("{}{k}", key::PROPERTY_PREFIX), v))
        .collect();
    book.set_properties(
        &format!("{}_{}_任务进展填报表", spec.round, spec.unit),
        &properties,
    );
    Ok(Built {
        bytes: book.save()?,
        rows,
    })
}

/// The title, and under it the unit, round and deadline over three column spans.
fn title_lines(
    sheet: &mut Sheet,
    spec: &Spec,
    title: &str,
    spans: [(u16, u16); 3],
) -> Result<(), BuildError> {
    sheet.merge(TITLE_ROW, 0, spans[2].1, title, Style::Title)?;
    sheet.min_height(TITLE_ROW, 30.0);
    let texts = [
        format!("{}：{}", layout::LINE_UNIT, spec.unit),
        format!("{}：{}", layout::LINE_ROUND, spec.round),
        format!("{}：{}", layout::LINE_DEADLINE, spec.deadline.chinese()),
    ];
    for ((first, last), text) in spans.into_iter().zip(texts) {
        sheet.merge(LINE_ROW, first, last, &text, Style::Subtitle)?;
    }
    Ok(())
}

fn header(sheet: &mut Sheet, titles: &[&str]) -> Result<(), BuildError> {
    for (c, t) in titles.iter().enumerate() {
        sheet.text(HEADER_ROW, c as u16, t, Style::Header)?;
    }
    Ok(())
}

fn print_setup(sheet: &mut Sheet, spec: &Spec) -> Result<(), BuildError> {
    sheet.print(&Print {
        landscape: true,
        repeat_rows: Some((HEADER_ROW, HEADER_ROW)),
        footer: page_footer(spec.unit, spec.round),
    })
}

fn tasks_sheet(cat: &Catalog, spec: &Spec, rows: &[(u32, Role)]) -> Result<Sheet, BuildError> {
    let mut sheet = Sheet::new(SHEET_TASKS)?;
    sheet.set_widths(&TASK_WIDTHS)?;
    let last_col = (layout::TASK_COLUMNS.len() - 1) as u16;
    title_lines(
        &mut sheet,
        spec,
        layout::TITLE,
        [(0, 2), (3, 7), (8, last_col)],
    )?;
    header(&mut sheet, layout::TASK_COLUMNS)?;
    for (i, (n, role)) in rows.iter().enumerate() {
        let r = FIRST_ROW + i as u32;
        let task = cat.task(*n).expect("rows come from the catalog");
        let cells = canonical_cells(cat, spec.unit, task, *role);
        sheet.number(r, 0, f64::from(*n), Style::CellCenter)?;
        for (c, text) in cells.iter().enumerate().skip(1) {
            let style = if c == 4 {
                Style::CellCenter
            } else {
                Style::Cell
            };
            sheet.text(r, c as u16, text, style)?;
        }
        sheet.blank(r, COL_STATUS, Style::InputCenter)?;
        sheet.blank(r, COL_PERCENT, Style::InputCenter)?;
        for c in COL_PERCENT + 1..=last_col {
            sheet.blank(r, c, Style::Input)?;
        }
    }
    let last_row = FIRST_ROW + rows.len().max(1) as u32 - 1;
    if !rows.is_empty() {
        let statuses: Vec<&str> = Status::ALL.iter().map(|s| s.label()).collect();
        sheet.validate(
            (FIRST_ROW, COL_STATUS, last_row, COL_STATUS),
            Rule::List(&statuses),
            &Prompt {
                title: "推进状态",
                input: "请从下拉列表中选择：已完成、序时推进、滞后、未启动（含义见“填报说明”）。",
                error: "推进状态只能是“已完成”“序时推进”“滞后”“未启动”之一，请从下拉列表中选择。",
            },
        )?;
        sheet.validate(
            (FIRST_ROW, COL_PERCENT, last_row, COL_PERCENT),
            Rule::Decimal(0.0, 100.0),
            &Prompt {
                title: "完成进度(%)",
                input: "填 0 到 100 之间的数字，表示完成的百分比：完成八成填 80，不要写“80%”或“八成”。",
                error: "完成进度只能填 0 到 100 之间的数字（不带 % 号），如 80。",
            },
        )?;
        sheet.color_statuses(FIRST_ROW, last_row, COL_STATUS)?;
    }
    // Contact lines after one blank row: the label right-aligned in 任务内容 (wide enough
    // for 审核人（分管负责人）), the value in the next cell, merged over three columns.
    let contacts = [
        (layout::CONTACT_FILLER, Style::Input, "请填写填报人姓名。"),
        (
            layout::CONTACT_PHONE,
            Style::InputText,
            "请填写办公电话或手机号码，如 0537-3412345 或 13800000000，多个号码用“、”分开。",
        ),
        (
            layout::CONTACT_REVIEWER,
            Style::Input,
            "请填写审核本表的分管负责人姓名。",
        ),
    ];
    for (i, (label, style, input)) in contacts.into_iter().enumerate() {
        let r = last_row + 2 + i as u32;
        sheet.text(r, 2, label, Style::Label)?;
        sheet.merge(r, 3, 5, "", style)?;
        let (rule, error) = if label == layout::CONTACT_PHONE {
            (
                Rule::TextLength(5, 40),
                "联系电话应为 5 到 40 个字符，如 0537-3412345 或 13800000000。",
            )
        } else {
            (Rule::Any, "")
        };
        sheet.validate(
            (r, 3, r, 5),
            rule,
            &Prompt {
                title: label,
                input,
                error,
            },
        )?;
    }
    sheet.freeze(FIRST_ROW, 0)?;
    sheet.protect(spec.password);
    print_setup(&mut sheet, spec)?;
    Ok(sheet)
}

fn indicators_sheet(spec: &Spec, indicators: &[(&Task, &Indicator)]) -> Result<Sheet, BuildError> {
    let mut sheet = Sheet::new(SHEET_INDICATORS)?;
    sheet.set_widths(&INDICATOR_WIDTHS)?;
    let last_col = (layout::INDICATOR_COLUMNS.len() - 1) as u16;
    title_lines(
        &mut sheet,
        spec,
        "量化指标完成情况",
        [(0, 1), (2, 5), (6, last_col)],
    )?;
    header(&mut sheet, layout::INDICATOR_COLUMNS)?;
    for (i, (task, ind)) in indicators.iter().enumerate() {
        let r = FIRST_ROW + i as u32;
        sheet.number(r, 0, f64::from(task.number), Style::CellCenter)?;
        sheet.text(r, 1, &ind.name, Style::Cell)?;
        sheet.number(r, 2, ind.target, Style::CellCenter)?;
        sheet.text(r, 3, &ind.unit, Style::CellCenter)?;
        sheet.text(r, 4, ind.comparator.label(), Style::CellCenter)?;
        sheet.blank(r, COL_VALUE, Style::InputCenter)?;
        sheet.blank(r, COL_VALUE + 1, Style::Input)?;
    }
    let last_row = FIRST_ROW + indicators.len() as u32 - 1;
    sheet.validate(
        (FIRST_ROW, COL_VALUE, last_row, COL_VALUE),
        Rule::Decimal(-1.0e12, 1.0e12),
        &Prompt {
            title: "完成值",
            input: "填截至本期末的累计完成值，只填数字，单位见“单位”列：如 3.5，不要写“3.5亿元”。需要说明的写在“说明”列。",
            error: "完成值只能填数字（单位见“单位”列）；文字说明请写在“说明”列。",
        },
    )?;
    sheet.freeze(FIRST_ROW, 0)?;
    sheet.protect(spec.password);
    print_setup(&mut sheet, spec)?;
    Ok(sheet)
}

fn guide_sheet(
    spec: &Spec,
    rows: &[(u32, Role)],
    has_indicators: bool,
) -> Result<Sheet, BuildError> {
    let mut sheet = Sheet::new(SHEET_GUIDE)?;
    sheet.set_widths(&[16.0, 100.0])?;
    sheet.merge(0, 0, 1, &format!("{}填报说明", layout::TITLE), Style::Title)?;
    sheet.min_height(0, 30.0);
    let hosts = rows.iter().filter(|(_, r)| *r == Role::Host).count();
    let count = match spec.rows {
        Rows::All => format!(
            "共 {} 项，其中主办 {} 项、协办 {} 项",
            rows.len(),
            hosts,
            rows.len() - hosts
        ),
        Rows::HostsOnly => format!("共 {hosts} 项（仅列本单位主办的任务）"),
    };
    let facts = [
        (layout::LINE_UNIT, spec.unit.to_string()),
        (layout::LINE_ROUND, spec.round.to_string()),
        (
            layout::LINE_DEADLINE,
            format!("{}（请在此之前报送）", spec.deadline.chinese()),
        ),
        ("本单位任务", count),
    ];
    let mut r = 1;
    for (label, value) in facts {
        sheet.text(r, 0, label, Style::Label)?;
        sheet.text(r, 1, &value, Style::Cell)?;
        r += 1;
    }
    r += 1;
    sheet.merge(
        r,
        0,
        1,
        "推进状态的含义（“任务进展”表“推进状态”列从下拉列表选择）",
        Style::Heading,
    )?;
    r += 1;
    for s in Status::ALL {
        sheet.text(r, 0, s.label(), Style::Status(s))?;
        sheet.text(r, 1, s.meaning(), Style::Cell)?;
        r += 1;
    }
    r += 1;
    sheet.merge(r, 0, 1, "填写要求", Style::Heading)?;
    r += 1;
    let mut items = vec![
        "“任务进展”表中每行是本单位承担的一项任务。灰色单元格是任务清单内容（序号、所属部分、任务内容、牵头领导、本单位角色、其他承办单位），已锁定，不需修改；白色单元格由本单位填写。".to_string(),
        "推进状态：从下拉列表中选择，不要自行输入其他文字。状态为“滞后”的，须在“存在问题”中说明原因，在“下步措施”中写明整改措施和时限。".to_string(),
        "完成进度(%)：填 0 到 100 之间的数字，表示完成的百分比。完成八成填 80，不要写“80%”“0.8”或“八成”；已完成的填 100。".to_string(),
        "工作进展、存在问题、下步措施：写截至本期末的实际情况，尽量具体（做了什么、完成多少、时间节点）；没有的写“无”。单元格内换行按 Alt+Enter。".to_string(),
    ];
    match spec.rows {
        Rows::All => items.push(
            "本单位角色为“协办”的任务：只填本单位承担部分的进展，由主办单位汇总；推进状态按本单位承担部分填写。".into(),
        ),
        Rows::HostsOnly => items.push(
            "本表只列本单位主办的任务：请主办单位收集协办单位的进展，汇总后统一填写。".into(),
        ),
    }
    if has_indicators {
        items.push(
            "“量化指标”表：序号是任务序号。在“完成值”列填截至本期末的累计完成值，只填数字，单位以“单位”列为准；口径或数据来源需要说明的写在“说明”列。".into(),
        );
    }
    items.extend([
        "请勿插入、删除、移动行或列，请勿修改工作表名称，请勿合并或拆分单元格，请勿把表格内容复制到新文件中填报；行高、列宽可以调整。".to_string(),
        format!("填写完成后，在“任务进展”表下方填写填报人、联系电话、审核人（分管负责人），以原文件（.xlsx 格式，不要改文件名）于 {} 前报送。", spec.deadline.chinese()),
        format!("联系方式：{}", spec.office_contact.filter(|c| !c.trim().is_empty()).unwrap_or("如有疑问，请联系区督考办。")),
    ]);
    for (i, item) in items.iter().enumerate() {
        sheet.merge(r, 0, 1, &format!("{}. {item}", i + 1), Style::Paragraph)?;
        r += 1;
    }
    sheet.protect(spec.password);
    sheet.print(&Print {
        landscape: false,
        repeat_rows: None,
        footer: page_footer(spec.unit, spec.round),
    })?;
    Ok(sheet)
}
