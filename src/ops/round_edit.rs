//! A round corrected after the fact: registered under a typo, named wrongly, or not wanted.
//! `round rename` keeps every record and file of the round under its new name; `round
//! remove` keeps its files in `已删除期次/<期次>-<时间>/` and refuses a round with returns or
//! a merge unless forced. The ledger and the folders change together: the ledger's
//! transaction commits only once the files have moved.

use std::path::{Path, PathBuf};

use crate::domain::history::RoundInfo;
use crate::fsutil::WriteError;
use crate::ledger::LedgerError;
use crate::outputs::file_part;
use crate::workspace::Workspace;

/// Where removed rounds' folders are kept, in the workspace.
pub const ARCHIVE: &str = "已删除期次";

/// The folder of a round whose files duban wrote and named after the round, and which
/// nothing lists by name. The templates are not renamed: `manifest.csv` lists them, and
/// their 填报期次 line names the round as it was; `round new NEW` writes them anew.
const NAMED_FOLDERS: &[&str] = &["汇总"];

/// A round that cannot be registered, renamed or removed as asked.
#[derive(Debug, thiserror::Error)]
pub enum RoundError {
    #[error("期次“{given}”与已登记的“{existing}”是同一期（写法不同），未登记新期次；如需改名请用 duban round rename \"{existing}\" \"{given}\"")]
    SameRound { given: String, existing: String },
    #[error("期次“{new}”已登记（“{existing}”），不能把“{old}”改成它")]
    Taken {
        old: String,
        new: String,
        existing: String,
    },
    #[error("期次“{round}”已有{what}，未删除；确需删除请加 --force（其文件将移入 {ARCHIVE}/）")]
    HasData { round: String, what: String },
    #[error("期次名称不能为空")]
    Empty,
    #[error(transparent)]
    Name(#[from] crate::domain::round::RoundNameError),
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// Refuses a new round's name that is an existing round written another way.
///
/// # Errors
/// [`RoundError::SameRound`] naming the round registered.
pub fn refuse_other_spelling(ws: &Workspace, name: &str) -> Result<(), RoundError> {
    match ws.ledger()?.round(name)? {
        Some(r) if r.name != name => Err(RoundError::SameRound {
            given: name.to_string(),
            existing: r.name,
        }),
        _ => Ok(()),
    }
}

/// What [`rename_round`] did.
pub struct Renamed {
    pub old: String,
    pub folder: PathBuf,
    /// Files renamed inside the folder (those named after the round).
    pub files: usize,
}

/// Renames the round `old` (any spelling) to `new`: the ledger's round, its folder and
/// the files duban wrote in it under the round's name (merged outputs, the bulletin); the returns in `回收/` stay as the units named them.
///
/// # Errors
/// No such round, `new` is another round, or the ledger or a folder could not be changed.
pub fn rename_round(ws: &Workspace, old: &str, new: &str) -> Result<Renamed, RoundError> {
    let new = new.trim();
    if new.is_empty() {
        return Err(RoundError::Empty);
    }
    // The new name names the round's folder: the same rule as for a new round.
    crate::domain::round::Round::check_name(new)?;
    let ledger = ws.ledger()?;
    let info = ws_round(&ledger, old)?;
    if let Some(other) = ledger.round(new)? {
        if other.id != info.id {
            return Err(RoundError::Taken {
                old: info.name,
                new: new.to_string(),
                existing: other.name,
            });
        }
    }
    let (from, to) = (ws.round_dir(&info.name), ws.round_dir(new));
    let (old_part, new_part) = (file_part(&info.name), file_part(new));
    let mut files = 0;
    ledger.rename_round(&info, new, &old_part, &new_part, || {
        if from.exists() && from != to {
            rename(&from, &to)?;
            files = rename_named(&to, &old_part, &new_part)?;
        }
        Ok::<(), RoundError>(())
    })?;
    Ok(Renamed {
        old: info.name,
        folder: to,
        files,
    })
}

/// What [`remove_round`] did.
pub struct Removed {
    pub name: String,
    /// Where its folder went, if it had one.
    pub archived: Option<PathBuf>,
}

/// Removes the round `name` (any spelling) from the ledger and moves its folder into
/// [`ARCHIVE`]. A round with returns (in its folder or recorded) or a merge is removed
/// only when `force`.
///
/// # Errors
/// No such round, [`RoundError::HasData`], or the ledger or the folder could not be changed.
pub fn remove_round(
    ws: &Workspace,
    name: &str,
    force: bool,
    offset: jiff::tz::Offset,
) -> Result<Removed, RoundError> {
    let ledger = ws.ledger()?;
    let info = ws_round(&ledger, name)?;
    let dir = ws.round_dir(&info.name);
    let files = crate::fsutil::walk(&[ws.returns_dir(&info.name)])
        .into_iter()
        .filter(|p| p.file_name().is_some_and(|n| n != crate::outputs::RECEIPTS))
        .count();
    let mut what = Vec::new();
    if files > 0 {
        what.push(format!(" {files} 份报表"));
    }
    if info.merged_at.is_some() {
        what.push(format!(
            "汇总记录（{} 份报表）",
            ledger.returns_recorded(&info)?
        ));
    }
    if !what.is_empty() && !force {
        return Err(RoundError::HasData {
            round: info.name,
            what: what.join("和"),
        });
    }
    let stamp = crate::date::compact_in(jiff::Timestamp::now(), offset);
    let target = ws
        .root
        .join(ARCHIVE)
        .join(format!("{}-{stamp}", file_part(&info.name)));
    let archived = dir.exists().then(|| target.clone());
    ledger.remove_round(&info, || {
        if dir.exists() {
            std::fs::create_dir_all(ws.root.join(ARCHIVE))
                .map_err(|e| WriteError::new(&ws.root.join(ARCHIVE), e))?;
            rename(&dir, &target)?;
        }
        Ok::<(), RoundError>(())
    })?;
    Ok(Removed {
        name: info.name,
        archived,
    })
}

fn ws_round(ledger: &crate::ledger::Ledger, name: &str) -> Result<RoundInfo, RoundError> {
    Ok(ledger
        .round(name.trim())?
        .ok_or_else(|| LedgerError::NoRound(name.trim().to_string()))?)
}

fn rename(from: &Path, to: &Path) -> Result<(), WriteError> {
    if to.exists() {
        return Err(WriteError::new(
            to,
            std::io::Error::new(std::io::ErrorKind::AlreadyExists, "文件夹已存在"),
        ));
    }
    std::fs::rename(from, to).map_err(|e| WriteError::new(to, e))
}

/// Renames the files in the round's own folders (and the round folder itself) whose names
/// start with the round's name; returns how many.
fn rename_named(dir: &Path, old: &str, new: &str) -> Result<usize, WriteError> {
    let prefix = format!("{old}_");
    let mut n = 0;
    let folders =
        std::iter::once(dir.to_path_buf()).chain(NAMED_FOLDERS.iter().map(|f| dir.join(f)));
    for folder in folders.filter(|f| f.is_dir()) {
        let entries = std::fs::read_dir(&folder).map_err(|e| WriteError::new(&folder, e))?;
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if let Some(rest) = name.strip_prefix(&prefix) {
                let to = folder.join(format!("{new}_{rest}"));
                std::fs::rename(e.path(), &to).map_err(|err| WriteError::new(&to, err))?;
                n += 1;
            }
        }
    }
    Ok(n)
}
