//! Who sent a return and for which round: read from every place that may have survived
//! the unit's editing (hidden identity sheet, custom properties, the 填报单位 line, the
//! file name, the 填报说明 sheet), in that order of trust, each through the registry's name
//! matching; and when none names a unit, the set of tasks the table holds.
//!
//! The round is the identity's when it survived (a clerk may type over the visible 填报期次
//! of last round's template), else the visible one; a return for another round is sent
//! back. A template made from another task list, whose task texts differ too, is sent back
//! as well.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;

use super::{At, CheckOptions, Issues};
use crate::catalog::{Catalog, Role};
use crate::domain::codes::Code;
use crate::domain::report::ReturnData;
use crate::domain::round::round_key;
use crate::layout::{
    key, LINE_DEADLINE, LINE_ROUND, LINE_UNIT, SHEET_GUIDE, SHEET_IDENTITY, SHEET_TASKS,
};
use crate::read::{Value, Workbook};

/// What the check knows about a return's origin.
#[derive(Clone, Debug, Default)]
pub struct Identity {
    /// Canonical unit name.
    pub unit: Option<String>,
    pub round: Option<String>,
    /// The template asked only for hosted tasks (`rows = hosts`).
    pub hosts_only: bool,
    /// The identity names another task list than the catalog's.
    pub catalog_differs: bool,
}

/// Where a unit's name was read, in order of trust.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SourceKind {
    IdentitySheet,
    Properties,
    UnitLine,
    FileName,
    GuideSheet,
}

impl SourceKind {
    fn label(self) -> &'static str {
        match self {
            SourceKind::IdentitySheet => "隐藏的模板标识",
            SourceKind::Properties => "文档属性",
            SourceKind::UnitLine => "“填报单位”栏",
            SourceKind::FileName => "文件名",
            SourceKind::GuideSheet => "“填报说明”表",
        }
    }
}

/// A unit name as read from one place.
struct Source<'a> {
    kind: SourceKind,
    name: String,
    /// The cell it was read from, if any.
    at: At<'a>,
}

/// A value of the 填报单位 / 填报期次 line and the cell it sits in.
struct LineValue<'a> {
    text: String,
    at: At<'a>,
}

pub(super) fn identify(
    book: &Workbook,
    path: &Path,
    catalog: &Catalog,
    opts: &CheckOptions,
    issues: &mut Issues,
) -> Identity {
    let sheet_keys = identity_sheet(book);
    let props: HashMap<String, String> = book
        .properties
        .iter()
        .filter_map(|(k, v)| {
            k.strip_prefix(key::PROPERTY_PREFIX)
                .map(|k| (k.to_string(), v.trim().to_string()))
        })
        .collect();
    let get = |k: &str| {
        sheet_keys
            .get(k)
            .or_else(|| props.get(k))
            .filter(|v| !v.is_empty())
            .cloned()
    };
    let line = header_line(book, |name| name != SHEET_GUIDE);
    let guide = header_line(book, |name| name == SHEET_GUIDE);
    let sources = sources(&sheet_keys, &props, &line, &guide, path);
    let unit = choose_unit(catalog, &sources, issues);
    if unit.is_none() {
        report_no_unit(catalog, &sources, &line, issues);
    }

    let visible = line
        .get(LINE_ROUND)
        .filter(|v| !v.text.is_empty())
        .or_else(|| guide.get(LINE_ROUND).filter(|v| !v.text.is_empty()));
    let round = get(key::ROUND).or_else(|| visible.map(|v| v.text.clone()));
    match (&opts.round, &round) {
        (Some(want), Some(got)) if round_key(want) != round_key(got) => {
            let typed_over = visible.filter(|v| round_key(&v.text) != round_key(got));
            let note = match typed_over {
                Some(v) => format!("（表中“填报期次”写的是“{}”，但模板标识是“{got}”）", v.text),
                None => String::new(),
            };
            issues.add_with(
                Code::RoundOther,
                visible.map_or(At::default(), |v| v.at),
                format!("本文件是“{got}”的报表{note}，本次收集的是“{want}”，未采用"),
                &[("round", want)],
            );
        }
        (_, None) => issues.add(
            Code::RoundMissing,
            line.get(LINE_ROUND).map_or(At::default(), |v| v.at),
            "文件中没有注明填报期次（模板标识、“填报期次”一栏都没有）",
        ),
        _ => {}
    }
    let same_catalog = get(key::CATALOG_HASH).map(|h| h == catalog.hash());
    if same_catalog == Some(false) {
        let from = get(key::CATALOG_NUMBER)
            .map(|n| format!("（{n}）"))
            .unwrap_or_default();
        issues.add(
            Code::CatalogDiffers,
            At::default(),
            format!("本文件所用模板的任务清单{from}与当前任务清单不同（任务清单可能已更新）"),
        );
    }
    Identity {
        unit,
        round,
        hosts_only: get(key::ROWS).is_some_and(|r| r == "hosts"),
        catalog_differs: same_catalog == Some(false),
    }
}

/// Every place that names a unit, most trusted first; the file name always comes last.
fn sources<'a>(
    sheet_keys: &HashMap<String, String>,
    props: &HashMap<String, String>,
    line: &HashMap<&'static str, LineValue<'a>>,
    guide: &HashMap<&'static str, LineValue<'a>>,
    path: &Path,
) -> Vec<Source<'a>> {
    let mut out = Vec::new();
    for (kind, name) in [
        (SourceKind::IdentitySheet, sheet_keys.get(key::UNIT)),
        (SourceKind::Properties, props.get(key::UNIT)),
    ] {
        if let Some(name) = name.filter(|v| !v.is_empty()) {
            out.push(Source {
                kind,
                name: name.clone(),
                at: At::default(),
            });
        }
    }
    if let Some(v) = line.get(LINE_UNIT).filter(|v| !v.text.is_empty()) {
        out.push(Source {
            kind: SourceKind::UnitLine,
            name: v.text.clone(),
            at: v.at,
        });
    }
    out.push(Source {
        kind: SourceKind::FileName,
        name: name_of(path),
        at: At::default(),
    });
    if let Some(v) = guide.get(LINE_UNIT).filter(|v| !v.text.is_empty()) {
        out.push(Source {
            kind: SourceKind::GuideSheet,
            name: v.text.clone(),
            at: v.at,
        });
    }
    out
}

/// The names a file carries: its own, and for a member of an archive, the archive's too
/// (`区科技局材料.zip!报表.xlsx`).
fn name_of(path: &Path) -> String {
    let text = path.to_string_lossy();
    text.split('!')
        .map(|part| {
            let last = part.rsplit('/').next().unwrap_or(part);
            last.rsplit_once('.')
                .map_or(last, |(stem, _)| stem)
                .to_string()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The unit a file's name (or its archive's) names, for a file that cannot be read.
pub(super) fn unit_in_name(catalog: &Catalog, path: &Path) -> Option<String> {
    resolve_unit(catalog, &name_of(path), true)
}

/// The unit of the most trusted source that names one; disagreement, an unknown name and
/// a unit without tasks are reported.
fn choose_unit(catalog: &Catalog, sources: &[Source<'_>], issues: &mut Issues) -> Option<String> {
    let resolved: Vec<Option<String>> = sources
        .iter()
        .map(|s| resolve_unit(catalog, &s.name, s.kind == SourceKind::FileName))
        .collect();
    let first = resolved.iter().position(Option::is_some)?;
    let unit = resolved[first].clone().expect("found above");
    let others: Vec<String> = resolved
        .iter()
        .zip(sources)
        .filter_map(|(r, s)| {
            r.as_ref()
                .filter(|r| **r != unit)
                .map(|r| format!("{}写的是“{}”", s.kind.label(), r))
        })
        .collect();
    if !others.is_empty() {
        issues.add(
            Code::UnitDisagree,
            sources[first].at,
            format!(
                "报送单位不一致：按{}认定为“{unit}”，但{}",
                sources[first].kind.label(),
                others.join("，")
            ),
        );
    }
    if catalog.tasks_of_unit(&unit).is_empty() {
        issues.add(
            Code::UnitNoTasks,
            sources[first].at,
            format!("单位“{unit}”在任务清单中没有承办任务"),
        );
    }
    Some(unit)
}

fn report_no_unit(
    catalog: &Catalog,
    sources: &[Source<'_>],
    line: &HashMap<&'static str, LineValue<'_>>,
    issues: &mut Issues,
) {
    let named = sources.iter().find(|s| s.kind != SourceKind::FileName);
    let Some(s) = named else {
        let message = match line.get(LINE_UNIT) {
            Some(_) => {
                "无法确定报送单位：“填报单位”一栏是空的，文件中没有模板标识，文件名中也没有单位名称"
            }
            None => "无法确定报送单位：文件中没有模板标识、“填报单位”栏，文件名中也没有单位名称",
        };
        issues.add(
            Code::UnitMissing,
            line.get(LINE_UNIT).map_or(At::default(), |v| v.at),
            message,
        );
        return;
    };
    let hint = catalog
        .registry()
        .unit(&s.name)
        .err()
        .map(|e| e.closest)
        .map(|c| crate::catalog::names::suggestion(&c))
        .unwrap_or_default();
    issues.add(
        Code::UnitUnknown,
        s.at,
        format!("{}中的单位“{}”不在单位名录中{hint}", s.kind.label(), s.name),
    );
}

/// Rows (key, value) of the identity sheet, if it survived.
fn identity_sheet(book: &Workbook) -> HashMap<String, String> {
    let Some(sheet) = book.sheet(SHEET_IDENTITY) else {
        return HashMap::new();
    };
    sheet
        .rows()
        .into_iter()
        .filter_map(|r| {
            let k = sheet.value(r, 0).text();
            (!k.is_empty()).then(|| (k, sheet.value(r, 1).text()))
        })
        .collect()
}

/// The 填报单位 / 填报期次 line between title and header: `label：value` in one cell, or
/// the label in one cell and the value in the next non-empty one; a label with no value is
/// kept with an empty text (the clerk left the cell empty).
fn header_line(
    book: &Workbook,
    wanted: impl Fn(&str) -> bool,
) -> HashMap<&'static str, LineValue<'_>> {
    let mut out: HashMap<&'static str, LineValue<'_>> = HashMap::new();
    // The tasks sheet's line first.
    let mut sheets: Vec<_> = book
        .sheets
        .iter()
        .filter(|s| s.name != SHEET_IDENTITY && wanted(&s.name))
        .collect();
    sheets.sort_by_key(|s| s.name != SHEET_TASKS);
    for sheet in sheets {
        for row in 0..super::HEADER_SCAN_ROWS {
            // Text is looked at in place: these rows also hold long task text.
            let cells: Vec<(u32, Cow<'_, str>)> = sheet
                .row(row)
                .map(|(c, cell)| match &cell.value {
                    Value::Text(t) => (c, Cow::Borrowed(t.trim())),
                    v => (c, Cow::Owned(v.text())),
                })
                .filter(|(_, t)| !t.is_empty())
                .collect();
            for (i, (col, text)) in cells.iter().enumerate() {
                for label in [LINE_UNIT, LINE_ROUND] {
                    if out.get(label).is_some_and(|v| !v.text.is_empty()) {
                        continue;
                    }
                    let Some(pos) = text.find(label) else {
                        continue;
                    };
                    let rest = text[pos + label.len()..].trim_start_matches([':', '：', ' ', '　']);
                    // "填报单位：区科技局  填报期次：…" in one cell: stop at the next label.
                    let rest = cut_at_labels(rest);
                    // The next cell, unless it is the next label.
                    let next = cells.get(i + 1).filter(|(_, t)| {
                        ![LINE_UNIT, LINE_ROUND, LINE_DEADLINE]
                            .iter()
                            .any(|l| t.starts_with(l))
                    });
                    let (value, col) = if rest.is_empty() {
                        next.map(|(c, t)| (cut_at_labels(t), *c))
                            .unwrap_or((String::new(), *col + 1))
                    } else {
                        (rest, *col)
                    };
                    let at = At {
                        sheet: Some(sheet.name.as_str()),
                        pos: Some((row, col)),
                        ..At::default()
                    };
                    out.insert(label, LineValue { text: value, at });
                }
            }
        }
        if out.values().any(|v| !v.text.is_empty()) {
            break;
        }
    }
    out
}

/// When nothing names the unit: the unit whose tasks are exactly the table's (all its
/// tasks, or the hosted ones of a `--hosts-only` template), if one unit's are.
pub(super) fn unit_by_tasks(
    book: &Workbook,
    catalog: &Catalog,
    id: &mut Identity,
    issues: &mut Issues,
) {
    let Some(h) = super::header::find_task_header(book) else {
        return;
    };
    let Some(col) = h.col(crate::columns::TaskCol::Number) else {
        return;
    };
    let sheet = &book.sheets[h.sheet];
    let mut found: Vec<u32> = sheet
        .rows()
        .into_iter()
        .filter(|r| *r > h.row)
        .filter_map(|r| {
            sheet
                .cell(r, col)
                .and_then(|c| super::locate::task_number(&c.value))
        })
        .collect();
    found.sort_unstable();
    found.dedup();
    if found.is_empty() {
        return;
    }
    let matches: Vec<&String> = catalog
        .assignments()
        .iter()
        .filter(|(_, tasks)| {
            let all: Vec<u32> = tasks.iter().map(|(n, _)| *n).collect();
            let hosted: Vec<u32> = tasks
                .iter()
                .filter(|(_, r)| *r == Role::Host)
                .map(|(n, _)| *n)
                .collect();
            all == found || (!hosted.is_empty() && hosted == found)
        })
        .map(|(u, _)| u)
        .collect();
    let [unit] = matches.as_slice() else {
        return;
    };
    let unknown = issues
        .take(Code::UnitUnknown)
        .map(|i| format!("（{}）", i.message));
    issues.remove(|c| c == Code::UnitMissing);
    issues.add(
        Code::UnitByTasks,
        At::default(),
        format!(
            "文件中没有可用的单位名称{}；表中的任务（{} 项）正好是“{unit}”承办的任务，按此认定报送单位",
            unknown.unwrap_or_default(),
            found.len()
        ),
    );
    id.unit = Some(unit.to_string());
}

/// A template made from another task list whose task texts differ too (last year's
/// template with the round typed over): one error instead of a warning per row.
pub(super) fn judge_catalog(data: &ReturnData, issues: &mut Issues) {
    let altered = issues.count(Code::TextAltered);
    let rows = data.rows.len();
    if rows == 0 || altered * 2 < rows {
        return;
    }
    issues.remove(|c| matches!(c, Code::TextAltered | Code::CatalogDiffers));
    issues.add(
        Code::CatalogOther,
        At::default(),
        format!("本文件所用的模板来自另一份任务清单（{rows} 行任务中有 {altered} 行的任务内容与本期任务清单不同），可能是往年或其他期次的模板"),
    );
}

fn cut_at_labels(s: &str) -> String {
    let mut end = s.len();
    for l in [LINE_UNIT, LINE_ROUND, LINE_DEADLINE] {
        if let Some(p) = s.find(l) {
            end = end.min(p);
        }
    }
    let v = s[..end].trim();
    // （盖章） and similar hints.
    let v = v.split(['（', '(']).next().unwrap_or(v);
    v.trim().to_string()
}

/// Resolves a name to a canonical unit (not a group): exactly, or else the longest known
/// name or alias inside it (兖州区科技局办公室, 2020年第一季度_区科技局_任务进展填报表).
fn resolve_unit(catalog: &Catalog, name: &str, contained_only: bool) -> Option<String> {
    let reg = catalog.registry();
    if !contained_only {
        if let Ok(u) = reg.unit(name) {
            return Some(u.name.clone());
        }
    }
    reg.unit_named_in(name).map(|u| u.name.clone())
}
