//! Who sent a return and for which round: read from every place that may have survived
//! the unit's editing (hidden identity sheet, custom properties, the 填报单位 line, the file
//! name), in that order of trust, each through the registry's name matching.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;

use super::{At, CheckOptions, Issues};
use crate::catalog::names::fold;
use crate::catalog::Catalog;
use crate::layout::{key, LINE_ROUND, LINE_UNIT, SHEET_IDENTITY};
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

/// Where a unit name was read.
struct Source {
    label: &'static str,
    name: String,
    /// Where, for the message.
    place: At<'static>,
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

    let mut sources: Vec<Source> = Vec::new();
    if let Some(u) = sheet_keys.get(key::UNIT).filter(|v| !v.is_empty()) {
        sources.push(Source {
            label: "隐藏的模板标识",
            name: u.clone(),
            place: At::default(),
        });
    }
    if let Some(u) = props.get(key::UNIT).filter(|v| !v.is_empty()) {
        sources.push(Source {
            label: "文档属性",
            name: u.clone(),
            place: At::default(),
        });
    }
    if let Some(u) = line.get(LINE_UNIT) {
        sources.push(Source {
            label: "“填报单位”栏",
            name: u.clone(),
            place: At::default(),
        });
    }
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    sources.push(Source {
        label: "文件名",
        name: stem,
        place: At::default(),
    });

    let resolved: Vec<(usize, Option<String>)> = sources
        .iter()
        .enumerate()
        .map(|(i, s)| (i, resolve_unit(catalog, &s.name, s.label == "文件名")))
        .collect();
    let unit = resolved.iter().find_map(|(_, u)| u.clone());
    match &unit {
        Some(u) => {
            let others: Vec<String> = resolved
                .iter()
                .filter_map(|(i, r)| {
                    r.as_ref()
                        .filter(|r| *r != u)
                        .map(|r| format!("{}写的是“{}”", sources[*i].label, r))
                })
                .collect();
            if !others.is_empty() {
                let first = resolved
                    .iter()
                    .find(|(_, r)| r.is_some())
                    .map(|(i, _)| sources[*i].label)
                    .unwrap_or("");
                issues.push(
                    "W-UNIT-DISAGREE",
                    sources[0].place,
                    format!(
                        "报送单位不一致：按{first}认定为“{u}”，但{}",
                        others.join("，")
                    ),
                    "请确认是否用了其他单位的模板；请使用本单位的模板，填报单位写本单位全称",
                );
            }
            if catalog.tasks_of_unit(u).is_empty() {
                issues.push(
                    "E-UNIT-NO-TASKS",
                    At::default(),
                    format!("单位“{u}”在任务清单中没有承办任务"),
                    "请确认报送单位是否正确；如有疑问请联系区督考办",
                );
            }
        }
        None => {
            let named: Vec<&Source> = sources.iter().filter(|s| s.label != "文件名").collect();
            if let Some(s) = named.first() {
                let e = catalog.registry().unit(&s.name).err();
                let hint = e
                    .map(|e| e.closest)
                    .filter(|c| !c.is_empty())
                    .map(|c| format!("，最接近的是：{}", c.join("、")))
                    .unwrap_or_default();
                issues.push(
                    "E-UNIT-UNKNOWN",
                    s.place,
                    format!("{}中的单位“{}”不在单位名录中{hint}", s.label, s.name),
                    "请在“填报单位”处填写本单位规范全称（与下发模板一致），或直接使用下发的模板重新填报",
                );
            } else {
                issues.push(
                    "E-UNIT-MISSING",
                    At::default(),
                    "无法确定报送单位：文件中没有模板标识、“填报单位”栏，文件名中也没有单位名称",
                    "请使用下发的本单位模板填报，并保留“填报单位”一行；或把文件名改为“期次_单位名称_任务进展填报表.xlsx”",
                );
            }
        }
    }

    let round = get(key::ROUND).or_else(|| line.get(LINE_ROUND).cloned());
    if let (Some(want), Some(got)) = (&opts.round, &round) {
        if fold(want) != fold(got) {
            issues.push(
                "W-ROUND-DIFFERS",
                At::default(),
                format!("本文件的填报期次是“{got}”，本次收集的是“{want}”"),
                format!("请确认是否报错了期次；应使用“{want}”的模板填报"),
            );
        }
    }
    if let Some(h) = get(key::CATALOG_HASH) {
        if h != catalog.hash() {
            issues.push(
                "W-CATALOG-DIFFERS",
                At::default(),
                "本文件所用模板的任务清单与当前任务清单不同（任务清单可能已更新）",
                "请向区督考办索取最新模板，把填报内容复制到新模板后重新报送",
            );
        }
    }
    Identity {
        unit,
        round,
        hosts_only: get(key::ROWS).is_some_and(|r| r == "hosts"),
    }
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
fn header_line(book: &Workbook) -> HashMap<&'static str, String> {
    let mut out = HashMap::new();
    // The tasks sheet's line first: 填报说明 may mention 填报单位 in its prose.
    let mut sheets: Vec<_> = book
        .sheets
        .iter()
        .filter(|s| s.name != SHEET_IDENTITY)
        .collect();
    sheets.sort_by_key(|s| s.name != crate::layout::SHEET_TASKS);
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
            for (i, (_, text)) in cells.iter().enumerate() {
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
                    let value = if rest.is_empty() {
                        cells
                            .get(i + 1)
                            .map(|(_, t)| cut_at_labels(t))
                            .unwrap_or_default()
                    } else {
                        rest
                    };
                    if !value.is_empty() {
                        out.insert(label, value);
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
    for l in [LINE_UNIT, LINE_ROUND, crate::layout::LINE_DEADLINE] {
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
