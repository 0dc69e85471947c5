//! Returns of a round not registered yet wait in the workspace's `待归期/` folder, with
//! their receipts; when `round new` registers the round they move into its `回收/`.
//!
//! A message moves whole: its returns of that round and the files that came with them (a
//! scanned letter), files first, then their lines appended to the round's log, then the
//! waiting log rewritten without them. A crash in between leaves a line in both logs,
//! which only makes the message known twice; no file is ever in neither folder.

use std::collections::HashSet;
use std::path::Path;

use super::route::identify;
use super::CollectError;
use crate::catalog::Catalog;
use crate::check::CheckOptions;
use crate::domain::round::round_key;
use crate::fsutil::WriteError;
use crate::intake::{kind_of, Kind};
use crate::outputs::{self, RECEIPTS};
use crate::receipts::{self, Log, Receipt};

/// Moves the returns of `round` waiting in `waiting` into `into` (the round's 回收/);
/// returns how many returns (workbooks and archives) it took in.
///
/// # Errors
/// A folder or a log that cannot be read or written ([`CollectError`]); what moved before
/// stays moved and logged.
pub fn take_in(
    waiting: &Path,
    round: &str,
    into: &Path,
    catalog: &Catalog,
    check: &CheckOptions,
) -> Result<usize, CollectError> {
    if !waiting.join(RECEIPTS).exists() {
        return Ok(0);
    }
    let mut waiting_log = Log::open(waiting)?;
    let lines = receipts::load_all(waiting);
    let spreadsheets: Vec<(usize, &Receipt)> = lines
        .iter()
        .enumerate()
        .filter(|(_, r)| r.note.is_none())
        .filter(|(_, r)| matches!(kind_of(&r.path), Kind::Workbook | Kind::Archive))
        .collect();
    let mut data = Vec::new();
    for (i, r) in &spreadsheets {
        let path = waiting.join(&r.path);
        if path.exists() {
            data.push((*i, r.name.clone(), crate::fsutil::read(&path)?));
        }
    }
    let files: Vec<(usize, &str, &[u8])> = data
        .iter()
        .map(|(i, n, d)| (*i, n.as_str(), d.as_slice()))
        .collect();
    let found = identify(&files, catalog, check);
    let key = round_key(round);
    let messages: HashSet<(u32, u32)> = found
        .iter()
        .filter(|(_, id)| id.round.as_deref().is_some_and(|r| round_key(r) == key))
        .map(|(i, _)| (lines[*i].uidvalidity, lines[*i].uid))
        .collect();
    if messages.is_empty() {
        return Ok(0);
    }
    let (moving, staying): (Vec<Receipt>, Vec<Receipt>) = lines
        .into_iter()
        .partition(|r| messages.contains(&(r.uidvalidity, r.uid)));
    let mut into_log = Log::open(into)?;
    let mut moved = Vec::new();
    let mut count = 0;
    for mut r in moving {
        r.waited = true;
        let from = waiting.join(&r.path);
        if r.note.is_none() && from.exists() {
            let mut name = r.path.clone();
            for n in 2.. {
                if !into.join(&name).exists() {
                    break;
                }
                name = outputs::numbered(&r.path, n);
            }
            std::fs::rename(&from, into.join(&name))
                .map_err(|e| WriteError::new(&into.join(&name), e))?;
            count += usize::from(matches!(kind_of(&name), Kind::Workbook | Kind::Archive));
            r.path = name;
        }
        moved.push(r);
    }
    into_log.append(&moved)?;
    let mut text = String::new();
    for r in &staying {
        text.push_str(&serde_json::to_string(r).expect("a receipt serialises"));
        text.push('\n');
    }
    crate::fsutil::write_atomic(&waiting.join(RECEIPTS), text.as_bytes())?;
    // The lock was on the file just replaced; it ends with this function.
    waiting_log.append(&[])?;
    Ok(count)
}
