//! The 量化指标 sheet: each row's indicator found in the catalog by its name (under the
//! task its 序号 names, or among the unit's hosted tasks), and its reported value read.

use super::header::Header;
use super::identity::Identity;
use super::locate::task_number;
use super::values::number;
use super::{At, Issues};
use crate::catalog::names::fold;
use crate::catalog::{Catalog, Role};
use crate::columns::IndicatorCol;
use crate::domain::codes::Code;
use crate::domain::report::IndicatorValue;
use crate::read::{Sheet, Value};

pub(super) fn check(
    sheet: &Sheet,
    h: &Header<IndicatorCol>,
    catalog: &Catalog,
    id: &Identity,
    issues: &mut Issues,
) -> Vec<IndicatorValue> {
    let mut out = Vec::new();
    let mut last_task: Option<u32> = None;
    let hosted: Vec<u32> = id
        .unit
        .as_deref()
        .map(|u| {
            catalog
                .tasks_of_unit(u)
                .iter()
                .filter(|(_, r)| *r == Role::Host)
                .map(|(n, _)| *n)
                .collect()
        })
        .unwrap_or_default();
    for r in sheet.rows().into_iter().filter(|r| *r > h.row) {
        let cell = |c: IndicatorCol| h.col(c).and_then(|i| sheet.cell(r, i));
        let text = |c: IndicatorCol| cell(c).map(|x| x.value.text()).unwrap_or_default();
        // 序号 merged over a task's indicator rows reads only on the first: carry it down.
        if let Some(n) = cell(IndicatorCol::Number).and_then(|c| task_number(&c.value)) {
            last_task = Some(n);
        }
        let name = text(IndicatorCol::Name);
        if name.is_empty() {
            continue;
        }
        let fname = fold(&name);
        let found = catalog
            .tasks()
            .iter()
            .filter(|t| last_task.map_or(hosted.contains(&t.number), |n| t.number == n))
            .flat_map(|t| t.indicators.iter().map(move |i| (t.number, i)))
            .find(|(_, i)| {
                let fi = fold(&i.name);
                fi == fname || fname.contains(&fi) || fi.contains(&fname)
            });
        let Some((task_no, ind)) = found else {
            continue;
        };
        let at = At {
            sheet: Some(&sheet.name),
            pos: h.col(IndicatorCol::Value).map(|c| (r, c)),
            row: Some(r),
            task: Some(task_no),
        };
        let measure = [("measure", ind.unit.as_str())];
        let value = match cell(IndicatorCol::Value).map(|c| &c.value) {
            None | Some(Value::Empty) => {
                issues.add_with(
                    Code::ValueMissing,
                    at,
                    format!("指标“{}”的完成值未填写", ind.name),
                    &measure,
                );
                None
            }
            Some(Value::Number(v)) => Some(*v),
            Some(Value::Error(e)) => {
                issues.add(
                    Code::CellError,
                    at,
                    format!("“{}”是错误值 {e}", IndicatorCol::Value.title()),
                );
                None
            }
            Some(v) => {
                let t = v.text();
                let bare = t
                    .trim_end_matches(ind.unit.as_str())
                    .trim_end_matches(['%', '％']);
                match number(bare) {
                    Some(x) => Some(x),
                    None if t.is_empty() => None,
                    None => {
                        issues.add_with(
                            Code::ValueInvalid,
                            at,
                            format!("指标“{}”的完成值“{t}”不是数字", ind.name),
                            &measure,
                        );
                        None
                    }
                }
            }
        };
        out.push(IndicatorValue {
            task: task_no,
            name: ind.name.clone(),
            value,
            note: text(IndicatorCol::Note),
        });
    }
    out
}
