//! A new round of a workspace: recorded in the ledger, every unit's template written into
//! `rounds/<期次>/模板/`, and `rounds/<期次>/回收/` made ready for the returns.

use std::path::PathBuf;

use crate::catalog::Catalog;
use crate::date::Date;
use crate::ops::templates::{from_ledger, select_units, write_templates, TemplateSet, Written};
use crate::template::Rows;
use crate::workspace::Workspace;
use crate::CliError;

/// What [`new_round`] did.
pub struct NewRound {
    /// The round's number in the ledger.
    pub seq: i64,
    pub templates: Written,
    /// The folders of its templates and of its returns.
    pub templates_dir: PathBuf,
    pub returns_dir: PathBuf,
    /// Returns sent before the round was registered, moved in from 待归期/.
    pub taken_in: usize,
}

/// Records `round` (or updates its dates; another spelling of a registered round is
/// refused) and writes its templates, replacing those of an
/// earlier `round new` of the same round.
///
/// # Errors
/// The ledger, the returns' folder or the templates could not be written.
pub fn new_round(
    ws: &Workspace,
    cat: &Catalog,
    round: &str,
    deadline: Date,
    as_of: Option<Date>,
    rows: Rows,
) -> Result<NewRound, CliError> {
    crate::ops::round_edit::refuse_other_spelling(ws, round)?;
    let ledger = ws.ledger()?;
    let info = ledger.add_round(round, Some(deadline), as_of)?;
    let returns_dir = ws.returns_dir(round);
    std::fs::create_dir_all(&returns_dir)
        .map_err(|e| crate::fsutil::WriteError::new(&returns_dir, e))?;
    let templates_dir = ws.templates_dir(round);
    let office_contact = Some(ws.config.office_contact.as_str()).filter(|c| !c.is_empty());
    let (closed, last) = from_ledger(&ledger, &info.name)?;
    let templates = write_templates(
        cat,
        &TemplateSet {
            out: &templates_dir,
            units: &select_units(cat, &[], rows)?,
            round,
            deadline,
            rows,
            force: true,
            password: None,
            office_contact,
            closed: &closed,
            last: last.as_ref(),
        },
    )?;
    let check = crate::check::CheckOptions {
        offset: ws.offset()?,
        ..Default::default()
    };
    let taken_in =
        crate::collect::waiting::take_in(&ws.waiting_dir(), round, &returns_dir, cat, &check)?;
    Ok(NewRound {
        taken_in,
        seq: info.seq,
        templates,
        templates_dir,
        returns_dir,
    })
}
