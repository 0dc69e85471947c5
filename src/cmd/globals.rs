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

    /// The round a command works on: the one given, else in a workspace the latest.
    pub fn round(&self, given: Option<&str>) -> Result<Option<String>, crate::CliError> {
        match (given, &self.workspace) {
            (Some(r), _) => Ok(Some(r.trim().to_string())),
            (None, Some(ws)) => Ok(Some(ws.round(None)?.name)),
            (None, None) => Ok(None),
        }
    }
}
