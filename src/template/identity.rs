//! The template's identity: the canonical cells of each row, their hashes, and the (key,
//! value) facts written to the hidden sheet and the document properties. The check
//! recomputes the same values from the catalog to compare.

use super::{Spec, CANONICAL_INDICATOR_COLUMNS, CANONICAL_TASK_COLUMNS};
use crate::catalog::{sha256_hex, Catalog, Indicator, Role, Task};
use crate::layout::{self, key};

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
pub(crate) fn indicator_rows<'a>(
    cat: &'a Catalog,
    rows: &[(u32, Role)],
) -> Vec<(&'a Task, &'a Indicator)> {
    rows.iter()
        .filter(|(_, r)| *r == Role::Host)
        .filter_map(|(n, _)| cat.task(*n))
        .flat_map(|t| t.indicators.iter().map(move |i| (t, i)))
        .collect()
}

/// The identity facts a workbook still carries, read back: the hidden sheet's rows (key,
/// value) where it survived, else the custom properties (`duban.<key>`), each as text.
pub fn read_facts(book: &crate::read::Workbook) -> std::collections::HashMap<String, String> {
    if let Some(sheet) = book.sheet(layout::SHEET_IDENTITY) {
        let facts: std::collections::HashMap<String, String> = sheet
            .rows()
            .into_iter()
            .filter_map(|r| {
                let k = sheet.value(r, 0).text();
                (!k.is_empty()).then(|| (k, sheet.value(r, 1).text()))
            })
            .collect();
        if !facts.is_empty() {
            return facts;
        }
    }
    book.properties
        .iter()
        .filter_map(|(k, v)| {
            k.strip_prefix(key::PROPERTY_PREFIX)
                .map(|k| (k.to_string(), v.trim().to_string()))
        })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::Date;
    use crate::template::Rows;

    #[test]
    fn compact_tasks_folds_runs() {
        let rows = [
            (1, Role::Host),
            (2, Role::Host),
            (3, Role::Host),
            (5, Role::CoUnit),
            (7, Role::Host),
            (8, Role::CoUnit),
            (9, Role::CoUnit),
        ];
        assert_eq!(compact_tasks(&rows), "主办:1-3,7;协办:5,8-9");
        assert_eq!(compact_tasks(&[]), "主办:;协办:");
    }

    #[test]
    fn others_keep_groups_and_drop_the_unit() {
        let cat = Catalog::embedded();
        // Task 3: 区科技局 hosts, 工业园区 and 各镇街 assist.
        let t = cat.task(3).unwrap();
        assert_eq!(others_text(t, "区科技局"), "协办：工业园区、各镇街");
        assert_eq!(
            others_text(t, "新兖镇"),
            "主办：区科技局；协办：工业园区、各镇街"
        );
    }

    #[test]
    fn hashes_change_with_any_cell() {
        let a = row_hash(&["1", "二、…", "text"]);
        assert_eq!(a.len(), 16);
        assert_ne!(a, row_hash(&["1", "二、…", "text "]));
        // The separator keeps cell boundaries: ("ab","c") is not ("a","bc").
        assert_ne!(row_hash(&["ab", "c"]), row_hash(&["a", "bc"]));
    }

    #[test]
    fn every_unit_identity_fits_a_property() {
        let cat = Catalog::embedded();
        for unit in cat.assignments().keys() {
            let spec = Spec {
                unit,
                round: "2020年第一季度",
                deadline: Date::parse("2020-04-05").unwrap(),
                rows: Rows::All,
                password: None,
                office_contact: None,
                closed: &Default::default(),
                last: None,
            };
            let rows = crate::template::rows_of(&cat, unit, Rows::All);
            for (k, v) in identity(&cat, &spec, &rows) {
                if !k.starts_with(key::TASK_PREFIX) && !k.starts_with(key::INDICATOR_PREFIX) {
                    assert!(v.chars().count() <= 255, "{unit}: {k} = {v}");
                }
            }
        }
    }
}
