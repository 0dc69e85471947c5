//! Who sent a return and for which round: read from every place that may have survived
//! the unit's editing (hidden identity sheet, custom properties, the 填报单位 line, the file
//! name), in that order of trust, each through the registry's name matching.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;

use super::{At, CheckOptions, Code, Issues};
use crate::catalog::names::fold;
use crate::catalog::Catalog;
use crate::layout::{key, LINE_DEADLINE, LINE_ROUND, LINE_UNIT, SHEET_IDENTITY, SHEET_TASKS};
use crate::read::{Value, Workbook};

/// What the check knows about a return's origin.
#[derive(Clone, Debug, Default)]
pub struct Identity {
    /// Canonical unit name.
    pub unit: Option<String>,
    pub round: Option<String>,
    /// The template asked only for hosted tasks (`rows = hosts`).
    pub hosts_only: bool,
}

/// Where a unit's name was read, in order of trust.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SourceKind {
    IdentitySheet,
    Properties,
    UnitLine,
    FileName,
}

impl SourceKind {
    fn label(self) -> &'static str {
        match self {
            SourceKind::IdentitySheet => "隐藏的模板标识",
            SourceKind::Properties => "文档属性",
            SourceKind::UnitLine => "“填报单位”栏",
            SourceKind::FileName => "文件名",
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
    let line = header_line(book);
    let sources = sources(&sheet_keys, &props, &line, path);
    let unit = choose_unit(catalog, &sources, issues);

    let round = get(key::ROUND).or_else(|| line.get(LINE_ROUND).map(|v| v.text.clone()));
    if let (Some(want), Some(got)) = (&opts.round, &round) {
        if fold(want) != fold(got) {
            issues.add_with(
                Code::RoundDiffers,
                line.get(LINE_ROUND).map_or(At::default(), |v| v.at),
                format!("本文件的填报期次是“{got}”，本次收集的是“{want}”"),
                &[("round", want)],
            );
        }
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
    }
}

/// Every place that names a unit, most trusted first; the file name always comes last.
fn sources<'a>(
    sheet_keys: &HashMap<String, String>,
    props: &HashMap<String, String>,
    line: &HashMap<&'static str, LineValue<'a>>,
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
    if let Some(v) = line.get(LINE_UNIT) {
        out.push(Source {
            kind: SourceKind::UnitLine,
            name: v.text.clone(),
            at: v.at,
        });
    }
    out.push(Source {
        kind: SourceKind::FileName,
        name: path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
        at: At::default(),
    });
    out
}

/// The unit of the most trusted source that names one; disagreement, an unknown name and
/// a unit without tasks are reported.
fn choose_unit(catalog: &Catalog, sources: &[Source<'_>], issues: &mut Issues) -> Option<String> {
    let resolved: Vec<Option<String>> = sources
        .iter()
        .map(|s| resolve_unit(catalog, &s.name, s.kind == SourceKind::FileName))
        .collect();
    let Some(first) = resolved.iter().position(Option::is_some) else {
        report_no_unit(catalog, sources, issues);
        return None;
    };
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

fn report_no_unit(catalog: &Catalog, sources: &[Source<'_>], issues: &mut Issues) {
    let named = sources.iter().find(|s| s.kind != SourceKind::FileName);
    let Some(s) = named else {
        issues.add(
            Code::UnitMissing,
            At::default(),
            "无法确定报送单位：文件中没有模板标识、“填报单位”栏，文件名中也没有单位名称",
        );
        return;
    };
    let hint = catalog
        .registry()
        .unit(&s.name)
        .err()
        .map(|e| e.closest)
        .filter(|c| !c.is_empty())
        .map(|c| format!("，最接近的是：{}", c.join("、")))
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
/// the label in one cell and the value in the next non-empty one.
fn header_line(book: &Workbook) -> HashMap<&'static str, LineValue<'_>> {
    let mut out = HashMap::new();
    // The tasks sheet's line first: 填报说明 may mention 填报单位 in its prose.
    let mut sheets: Vec<_> = book
        .sheets
        .iter()
        .filter(|s| s.name != SHEET_IDENTITY)
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
                    if out.contains_key(label) {
                        continue;
                    }
                    let Some(pos) = text.find(label) else {
                        continue;
                    };
                    let rest = text[pos + label.len()..].trim_start_matches([':', '：', ' ', '　']);
                    // "填报单位：区科技局  填报期次：…" in one cell: stop at the next label.
                    let rest = cut_at_labels(rest);
                    let (value, col) = if rest.is_empty() {
                        cells
                            .get(i + 1)
                            .map(|(c, t)| (cut_at_labels(t), *c))
                            .unwrap_or((String::new(), *col))
                    } else {
                        (rest, *col)
                    };
                    if !value.is_empty() {
                        let at = At {
                            sheet: Some(sheet.name.as_str()),
                            pos: Some((row, col)),
                            ..At::default()
                        };
                        out.insert(label, LineValue { text: value, at });
                    }
                }
            }
        }
        if !out.is_empty() {
            break;
        }
    }
    out
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
