//! What every command may use: the options common to all and the workspace the command
//! runs in. Here, below the command line's parser, so that `cli` dispatches to `cmd` and
//! `cmd` never reaches back into `cli`.

use std::path::{Path, PathBuf};

use jiff::tz::Offset;

use crate::workspace::Workspace;

/// What every command may use: the options common to all, and the workspace the command
/// runs in, if any (its settings stand where an option is not given).
#[derive(Clone, Debug)]
pub struct Globals {
    /// `--catalog`, else the workspace's, else the embedded catalog.
    pub catalog: Option<PathBuf>,
    /// The office's time zone.
    pub offset: Offset,
    pub workspace: Option<Workspace>,
}

impl Globals {
    /// The options common to all commands as typed (`--catalog`, `--time-zone`,
    /// `--workspace`), and the workspace: the one given, else the one the current folder is in.
    pub fn new(
        catalog: Option<PathBuf>,
        time_zone: Option<Offset>,
        workspace: Option<&Path>,
    ) -> Result<Globals, crate::CliError> {
        let workspace = match workspace {
            Some(dir) => Some(Workspace::open(dir)?),
            None => std::env::current_dir()
                .ok()
                .map(|d| Workspace::find(&d))
                .transpose()?
                .flatten(),
        };
        let catalog = catalog.or_else(|| workspace.as_ref().map(|w| w.catalog_path()));
        let offset = match (time_zone, &workspace) {
            (Some(o), _) => o,
            (None, Some(w)) => w.offset()?,
            (None, None) => crate::date::OFFICE_OFFSET,
        };
        Ok(Globals {
            catalog,
            offset,
            workspace,
        })
    }

    /// Who makes the printed tables, when and on what paper: the workspace's office and
    /// `[print] paper` (A4 outside a workspace), today in the office's zone.
    pub fn imprint(&self) -> Result<crate::write::paper::Imprint, crate::CliError> {
        let (office, paper) = match &self.workspace {
            Some(w) => (w.config.office.clone(), w.paper()?),
            None => Default::default(),
        };
        Ok(crate::write::paper::Imprint {
            office,
            date: crate::date::Date::today(self.offset).chinese(),
            paper,
            root: None,
        })
    }

    /// The catalog in use.
    pub fn catalog(&self) -> Result<crate::catalog::Catalog, crate::catalog::CatalogError> {
        crate::catalog::Catalog::load(self.catalog.as_deref())
    }

    /// The catalog in force for `round`: in a workspace, the one the round was last merged
    /// with, as the ledger recorded it; else (a round not merged yet, or merged before the
    /// ledger kept catalogs) the catalog in use. The office's edits to 任务清单.toml so take
    /// effect from the next round merged on, and earlier rounds keep theirs.
    pub fn catalog_for(&self, round: &str) -> Result<crate::catalog::Catalog, crate::CliError> {
        if let Some(ws) = &self.workspace {
            let ledger = ws.ledger()?;
            if let Some(info) = ledger.round(round)? {
                if let Some((_, toml)) = ledger.catalog_of(&info)? {
                    return Ok(recorded_catalog(&toml, &info.name)?);
                }
            }
        }
        Ok(self.catalog()?)
    }

    /// The workspace, for a command that cannot run without one.
    pub fn workspace(&self, command: &'static str) -> Result<&Workspace, crate::CliError> {
        self.workspace
            .as_ref()
            .ok_or(crate::CliError::NoWorkspace { command })
    }

    /// Check options for `round`, with the office's zone and the isolated reader; in a
    /// workspace, with last round's rows (for 照抄上期) and the tasks 办结 for the round.
    pub fn check_options(
        &self,
        round: Option<String>,
    ) -> Result<crate::check::CheckOptions, crate::CliError> {
        let mut opts = crate::check::CheckOptions {
            limits: crate::read::Limits::isolated(),
            offset: self.offset,
            ..crate::check::CheckOptions::default()
        };
        if let Some(ws) = &self.workspace {
            opts.saved_times = true;
            let ledger = ws.ledger()?;
            let info = match &round {
                Some(r) => ledger.round(r)?,
                None => None,
            };
            let previous = match &info {
                Some(info) => {
                    opts.closed = ledger.closed_for(info.seq)?;
                    ledger.previous_rows(info)?
                }
                None => {
                    opts.closed = ledger.closed_next()?;
                    match ledger.latest()? {
                        Some(last) => ledger.rows_of(&last)?,
                        None => Default::default(),
                    }
                }
            };
            opts.previous = Some(std::sync::Arc::new(previous));
        }
        opts.round = round;
        Ok(opts)
    }

    /// The registered round given (under any spelling, said when not as registered),
    /// else the latest.
    pub fn round_info(
        &self,
        ws: &Workspace,
        given: Option<&str>,
    ) -> Result<crate::domain::history::RoundInfo, crate::CliError> {
        let info = ws.round(given)?;
        round_note(given, &info.name);
        Ok(info)
    }

    /// The round a command works on: the one given (in a workspace, the round registered
    /// under any spelling of it), else in a workspace the latest.
    pub fn round(&self, given: Option<&str>) -> Result<Option<String>, crate::CliError> {
        match (given, &self.workspace) {
            (Some(r), Some(ws)) => match ws.ledger()?.round(r.trim())? {
                Some(info) => {
                    round_note(Some(r), &info.name);
                    Ok(Some(info.name))
                }
                // In a workspace a round's name names its folders (`rounds/<期次>/`).
                None => {
                    crate::domain::round::Round::check_name(r.trim())?;
                    Ok(Some(r.trim().to_string()))
                }
            },
            (Some(r), None) => Ok(Some(r.trim().to_string())),
            (None, Some(ws)) => Ok(Some(ws.round(None)?.name)),
            (None, None) => Ok(None),
        }
    }
}

/// A catalog as the ledger recorded it for a round.
pub fn recorded_catalog(
    toml: &str,
    round: &str,
) -> Result<crate::catalog::Catalog, crate::catalog::CatalogError> {
    let label = format!("台账中“{round}”的任务清单");
    crate::catalog::Catalog::from_toml(toml, Path::new(&label))
}

/// Tells the clerk that the round typed is a registered round written another way
/// ("2020年二季度" for 2020年第二季度), and that the registered one is used.
pub fn round_note(given: Option<&str>, registered: &str) {
    if let Some(given) = given.map(str::trim).filter(|g| *g != registered) {
        eprintln!("期次“{given}”即已登记的“{registered}”，按“{registered}”处理");
    }
}
