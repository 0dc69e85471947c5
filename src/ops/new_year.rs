//! A new year's workspace from the document the office received: `duban init 督办2021
//! --catalog 分解表.xlsx --from ../督办2020`. The catalog is imported from any notice kind
//! `catalog import` reads, against last year's unit registry (its units, aliases and
//! former names), so that a unit the new table writes the old way (区发改委) is still
//! 区发展改革局; last year's contacts carry over to the units and leaders still listed.

use std::collections::HashMap;
use std::path::Path;

use crate::catalog::{Catalog, Registry};
use crate::fsutil::write_atomic;
use crate::ops::import::{self, Imported};
use crate::workspace::Workspace;
use crate::CliError;

/// The catalog of a new year, and what its import found (none for a TOML catalog).
pub struct YearCatalog {
    pub catalog: Catalog,
    pub found: Option<Imported>,
}

/// The catalog at `path` (a catalog TOML, or a notice or 任务分解表 of any kind import
/// reads), its units resolved by `registry`; the embedded catalog when `None`.
///
/// # Errors
/// The file cannot be read, needs converting, or holds no tasks.
pub fn year_catalog(path: Option<&Path>, registry: &Registry) -> Result<YearCatalog, CliError> {
    let Some(path) = path else {
        return Ok(YearCatalog {
            catalog: Catalog::embedded(),
            found: None,
        });
    };
    let toml = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"));
    if toml {
        return Ok(YearCatalog {
            catalog: Catalog::load(Some(path))?,
            found: None,
        });
    }
    let (kind, bytes) = import::read(path)?;
    let mut found = import::import(path, kind, &bytes, registry)?;
    let data = std::mem::replace(&mut found.data, Catalog::embedded().data().clone());
    Ok(YearCatalog {
        catalog: Catalog::new(data, path)?,
        found: Some(found),
    })
}

/// Last year's workspace's registry: its units with their aliases and former names, and
/// its groups.
///
/// # Errors
/// `dir` is not a workspace, or its task list does not load.
pub fn last_year(dir: &Path) -> Result<(Workspace, Registry), CliError> {
    let ws = Workspace::open(dir)?;
    let cat = Catalog::load(Some(&ws.catalog_path()))?;
    let registry = cat.registry().clone();
    Ok((ws, registry))
}

/// Fills the new workspace's contacts from last year's: each row of the new contacts
/// file (one per unit and leader) takes the old row of the same unit (under any name the
/// new registry knows for it) or person. Returns how many filled rows were carried over.
///
/// # Errors
/// The old contacts file cannot be read, or the new one written.
pub fn carry_contacts(old: &Workspace, new: &Workspace, cat: &Catalog) -> Result<usize, CliError> {
    let old_path = old.contacts_path();
    if !old_path.is_file() {
        return Ok(0);
    }
    let canonical = |name: &str| match cat.registry().resolve(name) {
        Ok(r) => r.name().to_string(),
        Err(_) => name.trim().to_string(),
    };
    let (text, _) = crate::fsutil::read_text_any(&old_path)?;
    let mut rows: HashMap<String, Vec<String>> = HashMap::new();
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    for rec in reader.records().flatten() {
        let fields: Vec<String> = rec.iter().map(str::to_string).collect();
        if let Some(name) = fields.first().filter(|n| !n.trim().is_empty()) {
            rows.entry(canonical(name)).or_insert(fields);
        }
    }
    let new_path = new.contacts_path();
    let (text, _) = crate::fsutil::read_text_any(&new_path)?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let mut w = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    let mut carried = 0;
    for (i, rec) in reader.records().flatten().enumerate() {
        let mut fields: Vec<String> = rec.iter().map(str::to_string).collect();
        if i > 0 {
            let filled = fields
                .first()
                .and_then(|n| rows.get(n))
                .filter(|old| old.iter().skip(2).any(|v| !v.trim().is_empty()));
            if let Some(old) = filled {
                // The new name and role; the old addresses and contact person.
                for (j, v) in old.iter().enumerate().skip(2) {
                    match fields.get_mut(j) {
                        Some(f) => *f = v.clone(),
                        None => fields.push(v.clone()),
                    }
                }
                carried += 1;
            }
        }
        w.write_record(&fields).expect("in-memory csv");
    }
    write_atomic(&new_path, &w.into_inner().expect("in-memory csv"))?;
    Ok(carried)
}
