//! LibreOffice, our real client here, prints the templates and re-saves them.

use std::path::{Path, PathBuf};
use std::process::Command;

use calamine::SheetVisible;
use duban::catalog::Catalog;
use duban::layout;

use super::readback::{manifest, part, read};
use super::{file_of, generate};
use crate::workdir::{soffice, Workdir};

/// Converts files with one headless LibreOffice run and a private profile.
fn soffice_convert_all(files: &[PathBuf], format: &str, out: &Path) -> Vec<PathBuf> {
    let soffice = soffice();
    let profile = tempfile::tempdir().unwrap();
    let status = Command::new(soffice)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.path().display()
        ))
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            format,
            "--outdir",
        ])
        .arg(out)
        .args(files)
        .output()
        .expect("run soffice");
    assert!(
        status.status.success(),
        "soffice: {}",
        String::from_utf8_lossy(&status.stderr)
    );
    files
        .iter()
        .map(|f| {
            let p = out.join(format!(
                "{}.{format}",
                f.file_stem().unwrap().to_string_lossy()
            ));
            assert!(p.exists(), "soffice converted {} to {format}", f.display());
            p
        })
        .collect()
}

/// Every template of the round (74 with the 2020 catalog) prints: LibreOffice converts them
/// all to PDF in one run (about 3 minutes on a 2-core machine).
#[test]
fn every_template_converts_to_pdf() {
    let wd = Workdir::new("templates-pdf");
    generate(&wd, "out", &[]).assert_code(0);
    let units: Vec<String> = manifest(&wd.path("out"))
        .into_iter()
        .map(|r| r[0].clone())
        .collect();
    let cat = Catalog::embedded();
    let expected = cat
        .data()
        .units
        .iter()
        .filter(|u| !cat.tasks_of_unit(&u.name).is_empty())
        .count();
    assert_eq!(
        units.len(),
        expected,
        "a template for every unit with a task"
    );
    let files: Vec<PathBuf> = units
        .iter()
        .map(|u| wd.path("out").join(file_of(u)))
        .collect();
    for pdf in soffice_convert_all(&files, "pdf", &wd.path("pdf")) {
        let bytes = std::fs::read(&pdf).unwrap();
        assert!(
            bytes.starts_with(b"%PDF") && bytes.len() > 10_000,
            "{}",
            pdf.display()
        );
    }
}

/// LibreOffice re-saves templates without losing the rows. By default a representative set
/// (the unit with the most tasks, 新兖镇, 58 rows; one with indicators, 区科技局; one that
/// is only ever a co-unit, 龙桥街道); DUBAN_SOFFICE_ALL=1 re-saves every template.
#[test]
fn libreoffice_resaves_templates() {
    let wd = Workdir::new("templates-lo");
    let all = std::env::var_os("DUBAN_SOFFICE_ALL").is_some();
    let some = [
        "--unit",
        "新兖镇",
        "--unit",
        "区科技局",
        "--unit",
        "龙桥街道",
    ];
    generate(&wd, "out", if all { &[] } else { &some }).assert_code(0);
    let cat = Catalog::embedded();
    let units: Vec<String> = manifest(&wd.path("out"))
        .into_iter()
        .map(|r| r[0].clone())
        .collect();
    let files: Vec<PathBuf> = units
        .iter()
        .map(|u| wd.path("out").join(file_of(u)))
        .collect();
    let resaved = soffice_convert_all(&files, "xlsx", &wd.path("resaved"));
    for (unit, path) in units.iter().zip(&resaved) {
        let before = read(&wd.path("out").join(file_of(unit)));
        let after = read(path);
        assert_eq!(
            after.tasks, before.tasks,
            "{unit}: rows survive a LibreOffice re-save"
        );
        assert_eq!(
            after.indicators, before.indicators,
            "{unit}: indicators survive"
        );
        // LibreOffice keeps the identity sheet (merely hidden) and the properties.
        let hidden = after
            .sheets
            .iter()
            .find(|(n, _)| n == layout::SHEET_IDENTITY)
            .expect("identity sheet kept");
        assert_ne!(hidden.1, SheetVisible::Visible);
        assert_eq!(
            after.identity, before.identity,
            "{unit}: identity rows kept"
        );
        assert_eq!(after.properties.get("duban.unit"), Some(unit));
        let n = cat.tasks_of_unit(unit).len();
        let xml = part(path, "xl/worksheets/sheet2.xml");
        assert!(
            xml.contains("<sheetProtection") && xml.contains("已完成,序时推进,滞后,未启动"),
            "{unit}: protection and validation kept"
        );
        assert_eq!(after.tasks.len(), n);
    }
}
