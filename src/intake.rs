//! What comes back in a round's folder, file by file: returns (workbooks), archives of
//! returns, attempts in a format duban cannot read (told what to save them as), system
//! files (dropped without a word) and other files (listed once as 非报表文件).
//!
//! [`kind_of`] is the one table of file names; [`gather`] walks the folders, opens every
//! .zip as a folder (and a .zip inside it, one level), and hands the check one [`Input`]
//! per return, each named as the office will see it: `科技局.zip!材料/报表.xlsx`.

use std::path::{Path, PathBuf};

use jiff::tz::Offset;
use jiff::Timestamp;

use crate::read::{archive, Limits, ReadError};

/// What a file is, by its name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A workbook duban reads.
    Workbook,
    /// A .zip: read as a folder.
    Archive,
    /// A spreadsheet or archive format duban does not read: a rejected return, told what
    /// to save it as (its extension, lower case).
    Unreadable(String),
    /// Left by a system or a program, never a return: skipped without a word.
    System,
    /// Any other file (a scanned letter, a Word document): listed once, not a return.
    Other,
}

/// Extensions of workbooks duban reads.
const WORKBOOKS: &[&str] = &["xlsx", "xlsm", "xlsb", "xls", "ods"];
/// Attempts to report in a format duban does not read.
const UNREADABLE: &[&str] = &[
    "et", "ett", "wps", "csv", "xltx", "xltm", "xlt", "numbers", "rar", "7z",
];
/// File names systems leave behind.
const SYSTEM_NAMES: &[&str] = &["thumbs.db", "desktop.ini", ".ds_store", "ehthumbs.db"];

/// What a file is, from its name alone.
///
/// ```
/// use duban::intake::{kind_of, Kind};
/// assert_eq!(kind_of("区科技局.XLSX"), Kind::Workbook);
/// assert_eq!(kind_of("区卫健局.et"), Kind::Unreadable("et".into()));
/// assert_eq!(kind_of("~$区科技局.xlsx"), Kind::System);
/// assert_eq!(kind_of("__MACOSX/._a.xlsx"), Kind::System);
/// assert_eq!(kind_of("说明.pdf"), Kind::Other);
/// ```
pub fn kind_of(path: &str) -> Kind {
    let path = path.replace('\\', "/");
    let name = path.rsplit('/').next().unwrap_or(&path);
    let lower = name.to_lowercase();
    if path.split('/').any(|part| part == "__MACOSX")
        || SYSTEM_NAMES.contains(&lower.as_str())
        || name.starts_with("~$")
        || name.starts_with('.')
        || name == crate::outputs::RECEIPTS
    {
        return Kind::System;
    }
    // As Windows reads a name (`x.xlsx.` is `x.xlsx`), as its file is saved.
    let ext = crate::untrusted::windows_trim(&lower)
        .rsplit_once('.')
        .map(|(_, e)| e)
        .unwrap_or("");
    if WORKBOOKS.contains(&ext) {
        Kind::Workbook
    } else if ext == "zip" {
        Kind::Archive
    } else if UNREADABLE.contains(&ext) {
        Kind::Unreadable(ext.to_string())
    } else {
        Kind::Other
    }
}

/// Where a return's bytes are.
#[derive(Clone, Debug)]
pub enum Origin {
    /// A file on disk.
    File,
    /// A member of an archive on disk: its index, and for a member of a zip inside the
    /// archive, the inner member's index too.
    Member {
        archive: PathBuf,
        chain: Vec<usize>,
        /// The member's time as the zip records it (local time of the sender's machine).
        modified: Option<jiff::civil::DateTime>,
    },
    /// An archive that could not be opened: reported as a rejected return.
    Broken(ReadError),
}

/// One return to check.
#[derive(Clone, Debug)]
pub struct Input {
    /// The name every report shows: a path, or `ARCHIVE.zip!inner/name.xlsx`.
    pub path: PathBuf,
    pub origin: Origin,
}

impl Input {
    fn file(path: PathBuf) -> Input {
        Input {
            path,
            origin: Origin::File,
        }
    }

    /// The return's bytes, refused beyond the limits; a format duban cannot read is refused
    /// by its name before anything is read.
    pub fn bytes(&self, limits: &Limits) -> Result<Vec<u8>, ReadError> {
        let name = self.path.to_string_lossy();
        if let Kind::Unreadable(ext) = kind_of(&name) {
            return Err(ReadError::Unsupported { ext });
        }
        match &self.origin {
            Origin::Broken(e) => Err(e.clone()),
            Origin::File => read_bounded(&self.path, limits),
            Origin::Member { archive, chain, .. } => {
                let mut bytes = read_bounded(archive, limits)?;
                for &i in chain {
                    bytes = archive::member_bytes(&bytes, i, limits)?;
                }
                Ok(bytes)
            }
        }
    }

    /// When the file was last written, as its folder or its archive records it: the last
    /// resort for telling two returns of a unit apart.
    pub fn file_time(&self, offset: Offset) -> Option<Timestamp> {
        match &self.origin {
            Origin::File => std::fs::metadata(&self.path)
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| Timestamp::try_from(t).ok()),
            Origin::Member { modified, .. } => modified.and_then(|dt| offset.to_timestamp(dt).ok()),
            Origin::Broken(_) => None,
        }
    }
}

fn read_bounded(path: &Path, limits: &Limits) -> Result<Vec<u8>, ReadError> {
    match crate::fsutil::read_bounded(path, limits.file_bytes) {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(size)) => Err(ReadError::TooLarge {
            size,
            limit: limits.file_bytes,
        }),
        Err(e) => Err(ReadError::Io {
            message: e.to_string(),
        }),
    }
}

/// Everything found under the paths.
#[derive(Debug, Default)]
pub struct Intake {
    /// The returns, in path order.
    pub inputs: Vec<Input>,
    /// Files that are not returns (非报表文件), in path order.
    pub ignored: Vec<PathBuf>,
}

/// Walks the paths (see [`crate::fsutil::walk`]) and sorts what it finds: returns, archives
/// opened as folders, system files dropped, other files listed.
pub fn gather(paths: &[PathBuf], limits: &Limits) -> Intake {
    let mut out = Intake::default();
    for path in crate::fsutil::walk(paths) {
        let name = path.to_string_lossy().into_owned();
        // A file named on the command line is read whatever its name.
        let named = paths.iter().any(|p| p == &path);
        match kind_of(&name) {
            Kind::System if !named => {}
            Kind::Archive => open_archive(&path, limits, &mut out),
            Kind::Other if !named && !sniffs_like_workbook(&path) => out.ignored.push(path),
            _ => out.inputs.push(Input::file(path)),
        }
    }
    out
}

/// A file whose name says nothing (no extension, or a mail client's .dat) but whose first
/// bytes are a zip or an OLE file is read as a workbook.
fn sniffs_like_workbook(path: &Path) -> bool {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if !ext.is_empty() && ext != "dat" && ext != "bin" {
        return false;
    }
    let mut head = [0u8; 8];
    crate::fsutil::open_regular(path)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
        .is_ok()
        && (head.starts_with(b"PK\x03\x04") || head == crate::read::OLE_MAGIC)
}

fn open_archive(path: &Path, limits: &Limits, out: &mut Intake) {
    let broken = |out: &mut Intake, e: ReadError| {
        out.inputs.push(Input {
            path: path.to_path_buf(),
            origin: Origin::Broken(e),
        })
    };
    let listed = read_bounded(path, limits)
        .and_then(|bytes| archive::members(&bytes, limits).map(|m| (bytes, m)));
    let (bytes, members) = match listed {
        Ok(x) => x,
        Err(e) => return broken(out, e),
    };
    let before = (out.inputs.len(), out.ignored.len());
    let top = path.to_string_lossy().into_owned();
    for m in &members {
        let name = format!("{top}!{}", m.name);
        if kind_of(&m.name) != Kind::Archive {
            add_member(path, name, vec![m.index], m, out);
            continue;
        }
        // A zip inside the archive is opened too (one level); its members are read from
        // the outer archive each time.
        let inner = archive::member_bytes(&bytes, m.index, limits)
            .and_then(|b| archive::members(&b, limits));
        match inner {
            Err(e) => out.inputs.push(Input {
                path: PathBuf::from(name),
                origin: Origin::Broken(e),
            }),
            Ok(list) => {
                for n in &list {
                    let deeper = format!("{name}!{}", n.name);
                    if kind_of(&n.name) == Kind::Archive {
                        out.inputs.push(Input {
                            path: PathBuf::from(deeper),
                            origin: Origin::Broken(ReadError::NotSpreadsheet {
                                what: "压缩包套了不止一层".into(),
                            }),
                        });
                    } else {
                        add_member(path, deeper, vec![m.index, n.index], n, out);
                    }
                }
            }
        }
    }
    if (out.inputs.len(), out.ignored.len()) == before {
        broken(
            out,
            ReadError::NotSpreadsheet {
                what: "压缩包中没有表格文件".into(),
            },
        );
    }
}

/// One member that is not an archive: a return, a system file, or another file.
fn add_member(
    archive: &Path,
    name: String,
    chain: Vec<usize>,
    m: &archive::Member,
    out: &mut Intake,
) {
    let path = PathBuf::from(name);
    let origin = match kind_of(&m.name) {
        Kind::System => return,
        Kind::Other => return out.ignored.push(path),
        _ if m.encrypted => Origin::Broken(ReadError::Encrypted),
        _ => Origin::Member {
            archive: archive.to_path_buf(),
            chain,
            modified: m.modified,
        },
    };
    out.inputs.push(Input { path, origin });
}
