//! A round's templates as a set: one fill-in workbook per unit (built on the cores there
//! are) and `manifest.csv` beside them (unit, file, tasks as host and as co-unit, SHA-256)
//! for the mail step. Every target is checked first, so a refused run leaves the folder as
//! it was; the set is written whole or not at all: a template that cannot be built, a full
//! disk or a folder that refuses writing leaves the folder as it was, and the rerun is not
//! refused.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::catalog::{sha256_hex, Catalog, Resolved};
use crate::date::Date;
use crate::domain::history::LastRound;
use crate::fsutil::{check_overwrite, Staged};
use crate::ledger::Ledger;
use crate::outputs::{self, MANIFEST, MANIFEST_COLUMNS};
use crate::template::{self, Rows, Spec};
use crate::CliError;

/// The templates to write, resolved from the command line (or `round new`'s workspace).
pub struct TemplateSet<'a> {
    pub out: &'a Path,
    /// Canonical unit names, as [`select_units`] gives them.
    pub units: &'a [&'a str],
    pub round: &'a str,
    pub deadline: Date,
    pub rows: Rows,
    /// Replace files of the same names.
    pub force: bool,
    pub password: Option<&'a str>,
    pub office_contact: Option<&'a str>,
    /// Tasks 办结 for the round.
    pub closed: &'a BTreeSet<u32>,
    /// Last round, shown in each unit's template beside the inputs (from the workspace's
    /// ledger, [`crate::ledger::Ledger::last_round`]); `None` in a first round.
    pub last: Option<&'a LastRound>,
}

/// What was written.
pub struct Written {
    /// One per template, in the order of the units.
    pub rows: Vec<ManifestRow>,
    /// manifest.csv's path.
    pub manifest: PathBuf,
}

/// One line of manifest.csv.
pub struct ManifestRow {
    pub unit: String,
    pub file: String,
    pub hosts: usize,
    pub co_units: usize,
    pub sha256: String,
}

/// Writes `set.units`' templates and the manifest into `set.out`.
///
/// # Errors
/// Targets that exist without `force` (nothing written), templates that could not be
/// built (each told on stderr for its unit), or a folder that cannot take the set.
pub fn write_templates(cat: &Catalog, set: &TemplateSet) -> Result<Written, CliError> {
    let (out, round) = (set.out, set.round);
    let targets: Vec<PathBuf> = (set.units.iter())
        .map(|u| out.join(outputs::template(round, u)))
        .chain([out.join(MANIFEST)])
        .collect();
    let existing: Vec<&PathBuf> = targets
        .iter()
        .filter(|t| check_overwrite(t, set.force).is_err())
        .collect();
    if let Some(first) = existing.first() {
        return Err(CliError::OutputsExist {
            count: existing.len(),
            first: first.to_path_buf(),
        });
    }
    // Said now, before anything is built, if the folder cannot take the templates.
    let staged = Staged::new(out).map_err(CliError::not_written(out))?;
    // Each template is built and written (into the staging folder) on its own thread.
    let results: Vec<Result<ManifestRow, Failed>> = (set.units.par_iter())
        .map(|unit| {
            let spec = Spec {
                unit,
                round,
                deadline: set.deadline,
                rows: set.rows,
                password: set.password,
                office_contact: set.office_contact,
                closed: set.closed,
                last: set.last,
            };
            let built = template::build(cat, &spec).map_err(Failed::Build)?;
            let file = outputs::template(round, unit);
            staged.write(&file, &built.bytes).map_err(Failed::Write)?;
            Ok(ManifestRow {
                unit: unit.to_string(),
                file,
                hosts: built.hosts(),
                co_units: built.co_units(),
                sha256: sha256_hex(&built.bytes),
            })
        })
        .collect();

    // A set is written whole or not at all: a full disk or a refused folder is one
    // message (every file would say the same), a template that cannot be built is told
    // for its unit, and in both cases nothing is left in the folder.
    let mut done = Vec::new();
    let mut failed = 0;
    for r in results {
        match r {
            Ok(row) => done.push(row),
            Err(Failed::Write(e)) => return Err(CliError::not_written(out)(e)),
            Err(Failed::Build(e)) => {
                eprintln!("duban: {}", CliError::from(e));
                failed += 1;
            }
        }
    }
    if failed > 0 {
        return Err(CliError::TemplatesFailed(failed));
    }
    staged
        .write(MANIFEST, &manifest_csv(&done, round, set.deadline))
        .and_then(|()| staged.commit())
        .map_err(CliError::not_written(out))?;
    Ok(Written {
        rows: done,
        manifest: out.join(MANIFEST),
    })
}

/// What a workspace's ledger adds to `round`'s templates: the tasks 办结 for it (for the
/// next round, when `round` is not registered yet) and last round, if it was merged.
///
/// # Errors
/// The ledger could not be read.
pub fn from_ledger(
    ledger: &Ledger,
    round: &str,
) -> Result<(BTreeSet<u32>, Option<LastRound>), CliError> {
    let info = ledger.round(round)?;
    let closed = match &info {
        Some(info) => ledger.closed_for(info.seq)?,
        None => ledger.closed_next()?,
    };
    Ok((closed, ledger.last_round(info.as_ref())?))
}

/// Why one template is not in the set.
enum Failed {
    /// It could not be built (told for its unit).
    Build(crate::write::BuildError),
    /// It could not be written (the same for every file: told once).
    Write(crate::fsutil::WriteError),
}

/// manifest.csv: UTF-8 with a BOM so that Excel shows the Chinese names.
fn manifest_csv(rows: &[ManifestRow], round: &str, deadline: Date) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    w.write_record(MANIFEST_COLUMNS).expect("in-memory csv");
    for r in rows {
        w.write_record([
            r.unit.clone(),
            r.file.clone(),
            r.hosts.to_string(),
            r.co_units.to_string(),
            r.sha256.clone(),
            round.to_string(),
            deadline.iso(),
        ])
        .expect("in-memory csv");
    }
    w.into_inner().expect("in-memory csv")
}

/// The canonical units to write for, in registry order: those named (groups expanded), or
/// every unit with at least one row. A name that matches nothing, or a unit whose template
/// would have no rows, stops the run before anything is written.
pub fn select_units<'a>(
    cat: &'a Catalog,
    names: &[String],
    rows: Rows,
) -> Result<Vec<&'a str>, CliError> {
    let has_rows = |u: &str| !template::rows_of(cat, u, rows).is_empty();
    if names.is_empty() {
        return Ok(cat
            .assignments()
            .keys()
            .map(|u| u.as_str())
            .filter(|u| has_rows(u))
            .collect());
    }
    let mut chosen: Vec<&str> = Vec::new();
    for name in names {
        let units: Vec<&str> = match cat.registry().resolve(name)? {
            Resolved::Unit(u) => {
                if !has_rows(&u.name) {
                    let why = if rows == Rows::HostsOnly && !cat.tasks_of_unit(&u.name).is_empty() {
                        "没有主办的任务（加了 --hosts-only）"
                    } else {
                        "在任务清单中没有任务"
                    };
                    return Err(CliError::NoRows {
                        unit: u.name.clone(),
                        why,
                    });
                }
                vec![u.name.as_str()]
            }
            Resolved::Group(g) => {
                let members = cat.registry().expand(g);
                if members.is_empty() {
                    return Err(CliError::GroupNotListed {
                        group: g.name.clone(),
                        note: g
                            .note
                            .clone()
                            .unwrap_or_else(|| "名录中没有它的成员".into()),
                    });
                }
                members
                    .iter()
                    .map(|u| u.name.as_str())
                    .filter(|u| has_rows(u))
                    .collect()
            }
        };
        for u in units {
            if !chosen.contains(&u) {
                chosen.push(u);
            }
        }
    }
    let order = |u: &str| cat.registry().units().iter().position(|x| x.name == u);
    chosen.sort_by_key(|u| order(u));
    Ok(chosen)
}
