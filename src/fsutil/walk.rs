//! Walking folders of returns: regular files only, links followed only inside the folder.

use std::path::{Path, PathBuf};

/// A hidden folder (`.git`, `.Trash`): not entered.
fn is_hidden(name: &str) -> bool {
    name.starts_with('.') && name != "." && name != ".."
}

/// The files under `paths`, in path order, each once: a file as given, a folder read
/// recursively. Only regular files are listed: a named pipe or a device would hang or
/// never end a read. A symbolic link is followed only when its target lies inside the
/// folder being walked (a link to /etc would read all of /etc), and never back up the
/// tree; a file reached twice is listed once. Hidden folders are not entered; an
/// unreadable entry (or a dangling link) is listed, so that reading it says why.
pub fn walk(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut found = Found::default();
    for p in paths {
        let root = std::fs::canonicalize(p).unwrap_or_else(|_| p.clone());
        found.dirs.insert(root.clone());
        found.walk(p, &root);
    }
    found.files.sort();
    found.files
}

#[derive(Default)]
struct Found {
    files: Vec<PathBuf>,
    /// Canonical paths of the files listed.
    seen: std::collections::HashSet<PathBuf>,
    /// Canonical paths of the folders walked, so that a link is not walked twice.
    dirs: std::collections::HashSet<PathBuf>,
}

impl Found {
    fn add(&mut self, path: &Path) {
        let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        if self.seen.insert(key) {
            self.files.push(path.to_path_buf());
        }
    }

    fn walk(&mut self, from: &Path, root: &Path) {
        let entries = walkdir::WalkDir::new(from)
            .follow_links(false)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                e.depth() == 0
                    || !e.file_type().is_dir()
                    || !is_hidden(&e.file_name().to_string_lossy())
            });
        for entry in entries {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    if let Some(p) = e.path() {
                        self.add(p);
                    }
                    continue;
                }
            };
            let kind = entry.file_type();
            if kind.is_symlink() {
                self.follow(entry.path(), root);
            } else if kind.is_file() || (entry.depth() == 0 && !kind.is_dir()) {
                // A path named on the command line is listed whatever it is, so that
                // reading it says why it was not read.
                self.add(entry.path());
            }
        }
    }

    /// A link: its target is walked or listed when it lies inside `root`.
    fn follow(&mut self, link: &Path, root: &Path) {
        let Ok(target) = std::fs::canonicalize(link) else {
            // Dangling: listed, and reading it says it is not there.
            return self.add(link);
        };
        if !target.starts_with(root) {
            return;
        }
        match std::fs::metadata(&target) {
            Ok(m) if m.is_dir() => {
                if self.dirs.insert(target) {
                    self.walk(link, root);
                }
            }
            Ok(m) if m.is_file() => self.add(link),
            Ok(_) => {}
            Err(_) => self.add(link),
        }
    }
}
