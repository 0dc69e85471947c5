//! What a killed run left behind: its staging folders (`.partial`) and temporary files
//! (`.tmp`), removed by the next run that writes into the same folder.
//!
//! Their names carry the writing process's id (`.汇总.duban1234.Xy7Q.partial`,
//! `.报表.xlsx.duban1234.Xy7Q.tmp`). A leftover is removed only when its name has that
//! mark and no process of that id is running: another duban writing at the same moment
//! keeps its files, and files of other programs (with no mark) are never touched.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The mark in the names of this process's temporary files and folders.
pub(super) fn mark() -> String {
    format!("duban{}", std::process::id())
}

/// Removes the stale leftovers in `dir`, once per folder and process.
pub(super) fn clean(dir: &Path) {
    static CLEANED: Mutex<Option<HashSet<PathBuf>>> = Mutex::new(None);
    {
        let mut cleaned = CLEANED.lock().unwrap_or_else(|e| e.into_inner());
        if !cleaned
            .get_or_insert_with(HashSet::new)
            .insert(dir.to_path_buf())
        {
            return;
        }
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = writer(&name) else {
            continue;
        };
        if pid == std::process::id() || running(pid) {
            continue;
        }
        let path = entry.path();
        if name.ends_with(".tmp") {
            let _ = std::fs::remove_file(&path);
        } else {
            put_back_replaced(&path, dir);
            let _ = std::fs::remove_dir_all(&path);
        }
    }
}

/// The id of the process that wrote a leftover, from its name: hidden, ending in `.tmp`
/// or `.partial`, with the mark `duban<id>` followed by `.` or `-`.
fn writer(name: &str) -> Option<u32> {
    if !name.starts_with('.') || !(name.ends_with(".tmp") || name.ends_with(".partial")) {
        return None;
    }
    let at = name.rfind("duban")?;
    let rest = &name[at + "duban".len()..];
    let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
    let after = rest[digits.len()..].chars().next()?;
    if digits.is_empty() || !matches!(after, '.' | '-') {
        return None;
    }
    digits.parse().ok()
}

/// A run killed while committing a staged set may have moved an old file aside
/// (`.replaced/`) and not yet moved the new one in: the old one goes back, so that no
/// output is lost.
fn put_back_replaced(staging: &Path, target: &Path) {
    let Ok(entries) = std::fs::read_dir(staging.join(".replaced")) else {
        return;
    };
    for entry in entries.flatten() {
        let dest = target.join(entry.file_name());
        if !dest.exists() {
            let _ = std::fs::rename(entry.path(), dest);
        }
    }
}

#[cfg(unix)]
fn running(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // SAFETY: signal 0 only asks whether the process exists; nothing is sent.
    let rc = unsafe { libc::kill(pid, 0) };
    rc == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// Without a way to ask, every marked leftover is taken for a live run's.
#[cfg(not(unix))]
fn running(_pid: u32) -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_marked_names_are_leftovers() {
        assert_eq!(writer(".汇总.duban123.Ab9.partial"), Some(123));
        assert_eq!(writer(".duban77-Ab9.partial"), Some(77));
        assert_eq!(writer(".报表.xlsx.duban5.x.tmp"), Some(5));
        assert_eq!(writer(".报表.xlsx.Ab9.tmp"), None);
        assert_eq!(writer("报表.duban5.x.tmp"), None);
        assert_eq!(writer(".duban5x.tmp"), None);
        assert_eq!(writer(".duban5.x.xlsx"), None);
    }
}
