//! A Word or PDF document sent instead of the workbook. Units do it: they type their
//! progress into a letter, or print the template and scan it. On its own such a document
//! is the unit's attempt to report, so the unit is 已报送未通过 with a reason it can act on
//! (请使用 Excel 模板填报), not 未报送 in silence. Beside a workbook of the unit (a 盖章扫描件
//! sent with the return) it is kept and is no error.
//!
//! The unit is the one the receipts log credited the file to (`duban collect`), else the
//! one its name gives.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::catalog::Catalog;
use crate::domain::codes::Code;
use crate::domain::report::{FileReport, FileStatus, Issue};

/// Extensions of documents that stand in for a return.
const DOCUMENTS: &[&str] = &["doc", "docx", "pdf"];

/// A rejected report for each document among `ignored` whose unit sent no workbook
/// (none among `files`).
pub(super) fn instead(
    paths: &[PathBuf],
    ignored: &[PathBuf],
    files: &[FileReport],
    catalog: &Catalog,
) -> Vec<FileReport> {
    let with_workbook: HashSet<&str> = files.iter().filter_map(|f| f.unit.as_deref()).collect();
    let mut credited: HashMap<PathBuf, String> = HashMap::new();
    for dir in paths.iter().filter(|p| p.is_dir()) {
        for r in crate::receipts::load(dir) {
            if r.unit != crate::outputs::UNKNOWN_SENDER {
                credited.insert(dir.join(&r.path), r.unit);
            }
        }
    }
    ignored
        .iter()
        .filter(|p| is_document(p))
        .filter_map(|p| {
            let unit = credited
                .get(p)
                .cloned()
                .or_else(|| super::identity::unit_in_name(catalog, p))?;
            if with_workbook.contains(unit.as_str()) {
                return None;
            }
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default();
            let issue = Issue::new(
                Code::FileDocument,
                format!("“{name}”是 Word 或 PDF 文档，不是 Excel 填报表；请使用 Excel 模板填报"),
                &[],
            );
            let mut report = FileReport::unread(p.clone(), FileStatus::Rejected, issue);
            report.unit = Some(unit);
            Some(report)
        })
        .collect()
}

fn is_document(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| DOCUMENTS.contains(&e.to_lowercase().as_str()))
}
