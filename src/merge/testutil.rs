//! Check reports built by hand, for the merge's unit tests.

use std::path::PathBuf;

use crate::catalog::Catalog;
use crate::domain::report::{
    CheckReport, Contact, FileReport, FileStatus, IndicatorValue, ReturnData, TaskRow,
};
use crate::domain::status::Status;

pub fn row(task: u32, status: Option<Status>, percent: Option<f64>) -> TaskRow {
    TaskRow {
        task,
        role: None,
        status,
        percent,
        progress: format!("任务{task}进展"),
        problems: String::new(),
        next_steps: String::new(),
        remarks: String::new(),
        sheet: "任务进展".into(),
        row: task + 4,
        percent_col: Some(8),
    }
}

/// An accepted return of `unit`, its rows given, roles from the catalog.
pub fn file(catalog: &Catalog, unit: &str, mut rows: Vec<TaskRow>) -> FileReport {
    for r in &mut rows {
        r.role = catalog.role(unit, r.task);
    }
    FileReport {
        path: PathBuf::from(format!("returns/{unit}.xlsx")),
        unit: Some(unit.into()),
        round: Some("2020年上半年".into()),
        status: FileStatus::Accepted,
        superseded_by: None,
        issues: vec![],
        received_at: None,
        sha256: None,
        data: Some(ReturnData {
            rows,
            indicators: vec![],
            contact: Contact {
                filler: format!("{unit}填报人"),
                phone: "0537-3411111".into(),
                reviewer: String::new(),
            },
            modified: None,
        }),
    }
}

pub fn indicator(task: u32, name: &str, value: f64) -> IndicatorValue {
    IndicatorValue {
        task,
        name: name.into(),
        value: Some(value),
        note: String::new(),
    }
}

pub fn report(files: Vec<FileReport>) -> CheckReport {
    CheckReport {
        round: Some("2020年上半年".into()),
        files,
        ..Default::default()
    }
}
