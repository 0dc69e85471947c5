//! The one way into and out of files.
//!
//! In: every input file (a return, a catalog, a config, the contacts, a report) is read
//! here, and an I/O failure becomes one Chinese message naming the path
//! ([`InputError`]). Out: every file duban writes goes to a temporary file in the target's
//! folder, is synced and renamed into place, and the folder is synced, so an interrupted
//! run leaves the old file or the new one, never half of one ([`write_atomic`]); a set of
//! outputs appears whole or not at all ([`Staged`]).
//! Text files are decoded as Windows saves them (UTF-8, UTF-16, GBK: [`read_text_any`]).
//! Folders of returns are walked here too ([`walk`]): in name order, each file once, a
//! symbolic-link loop followed no further.

mod json;
mod leftovers;
mod walk;

pub use json::describe_json;
pub use walk::walk;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Parses a TOML text (a config, a catalog, a registry); a mistake comes back told as
/// [`describe_toml`] tells it, for the caller's error that names the file. The one way
/// duban reads TOML.
pub fn parse_toml<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, String> {
    toml::from_str(text).map_err(|e| describe_toml(text, &e))
}

/// A table already read (sections of several files joined) as `T`; a mistake told as
/// [`describe_toml`] tells it.
pub fn table_into<T: serde::de::DeserializeOwned>(table: toml::Table) -> Result<T, String> {
    toml::Value::Table(table)
        .try_into()
        .map_err(|e: toml::de::Error| describe_toml("", &e))
}

/// A TOML file that does not parse (a config, a catalog), in words a clerk can act on:
/// where (line and column, and the line itself) and what kind of mistake. The toml
/// crate's own text is English and is not shown.
pub fn describe_toml(text: &str, e: &toml::de::Error) -> String {
    let english = e.message();
    let quoted = english.split('`').nth(1).unwrap_or_default();
    let what = if english.starts_with("unknown field") {
        let known: Vec<&str> = english
            .split("expected")
            .nth(1)
            .map(|rest| rest.split('`').skip(1).step_by(2).collect())
            .unwrap_or_default();
        if known.is_empty() {
            format!("不认识的设置项 {quoted}")
        } else {
            format!("不认识的设置项 {quoted}（可用的有：{}）", known.join("、"))
        }
    } else if english.starts_with("missing field") {
        format!("缺少设置项 {quoted}")
    } else if english.contains("duplicate key") {
        "同一设置项写了两次".to_string()
    } else if english.starts_with("invalid type") || english.starts_with("invalid value") {
        "值的类型不对（数字不加引号，文字要加英文双引号，是/否写 true/false）".to_string()
    } else {
        "格式不对（检查英文引号、方括号和等号是否成对、齐全）".to_string()
    };
    match e.span() {
        Some(span) => {
            let start = span.start.min(text.len());
            let before = &text[..text.floor_char_boundary(start)];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            let shown = text.lines().nth(line - 1).unwrap_or_default().trim();
            format!("第 {line} 行第 {column} 列（{shown}）：{what}")
        }
        None => what,
    }
}

/// An I/O failure in words a clerk can act on (the system's own text is English).
pub fn describe_io(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    // Errors duban makes itself carry their Chinese words.
    if let Some(inner) = e.get_ref() {
        let words = inner.to_string();
        // tempfile wraps the system's English words with the path, which may be Chinese:
        // only the words before it say whether they are ours.
        let own = words.split(" at path ").next().unwrap_or(&words);
        if own.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c)) {
            return own.to_string();
        }
    }
    let what = match e.kind() {
        K::NotFound => "找不到该文件或文件夹",
        K::PermissionDenied => "没有访问权限",
        K::AlreadyExists => "已存在同名文件",
        K::IsADirectory => "这是文件夹，不是文件",
        K::NotADirectory => "路径中有一段不是文件夹",
        K::StorageFull => "磁盘已满",
        K::ReadOnlyFilesystem => "所在磁盘是只读的",
        K::InvalidFilename => "文件名无效或过长",
        K::InvalidData => "内容不是有效的文本",
        K::Interrupted | K::TimedOut => "读写被中断",
        K::OutOfMemory => "内存不足",
        _ => match e.raw_os_error() {
            Some(5) => "磁盘读写错误",
            Some(24) => "同时打开的文件过多",
            Some(n) => return format!("系统错误（代码 {n}）"),
            None => "读写出错",
        },
    };
    what.to_string()
}

/// An input file that could not be read.
#[derive(Debug, thiserror::Error)]
#[error("无法读取 {}：{}", path.display(), describe_io(source))]
pub struct InputError {
    pub path: PathBuf,
    #[source]
    pub source: std::io::Error,
}

impl InputError {
    fn new(path: &Path, source: std::io::Error) -> InputError {
        InputError {
            path: path.to_path_buf(),
            source,
        }
    }

    /// The file does not exist.
    pub fn is_not_found(&self) -> bool {
        self.source.kind() == std::io::ErrorKind::NotFound
    }
}

/// The most bytes [`read`] takes from one file. duban's own inputs (a catalog, the
/// contacts, a config, a mail template, a receipts list) are kilobytes; a path that points
/// at something endless (`catalog = "/dev/zero"`) or huge is refused, not read until
/// memory runs out. Returns have their own, smaller bound ([`read_bounded`]).
pub const INPUT_LIMIT: u64 = 64 << 20;

/// Reads a whole regular file of at most [`INPUT_LIMIT`] bytes: the one way duban reads
/// an input that is not a return (text or a small workbook).
pub fn read(path: &Path) -> Result<Vec<u8>, InputError> {
    match read_bounded(path, INPUT_LIMIT)? {
        Ok(bytes) => Ok(bytes),
        Err(size) => Err(InputError::new(
            path,
            std::io::Error::other(format!(
                "文件过大（{size} 字节，上限 {} MB），不像是 duban 的输入文件",
                INPUT_LIMIT >> 20
            )),
        )),
    }
}

/// Opens a regular file for reading, and only that: a named pipe would block the open (and
/// the read) until some other program writes to it, a device would never end. On Unix the
/// open itself does not wait (`O_NONBLOCK`), and what was opened is then looked at.
pub fn open_regular(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    let meta = file.metadata()?;
    if meta.is_dir() {
        return Err(std::io::Error::from(std::io::ErrorKind::IsADirectory));
    }
    if !meta.is_file() {
        return Err(std::io::Error::other(
            "不是普通文件（可能是管道或设备），未读取",
        ));
    }
    Ok(file)
}

/// Reads a file of at most `limit` bytes with one open: its size is taken from the open
/// file, not by a second look-up of the path. `Ok(Err(size))` when it is larger.
pub fn read_bounded(path: &Path, limit: u64) -> Result<Result<Vec<u8>, u64>, InputError> {
    let io = |e| InputError::new(path, e);
    let mut file = open_regular(path).map_err(io)?;
    let size = file.metadata().map_err(io)?.len();
    if size > limit {
        return Ok(Err(size));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    // One byte past the limit is enough to know a file grew while being read.
    (&mut file)
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > limit {
        return Ok(Err(bytes.len() as u64));
    }
    Ok(Ok(bytes))
}

/// Reads a UTF-8 text file (a byte-order mark is dropped). Text that is not UTF-8 is an
/// [`std::io::ErrorKind::InvalidData`] error.
pub fn read_text(path: &Path) -> Result<String, InputError> {
    let bytes = read(path)?;
    let text = String::from_utf8(bytes).map_err(|_| {
        InputError::new(
            path,
            std::io::Error::new(std::io::ErrorKind::InvalidData, "不是 UTF-8 编码的文本"),
        )
    })?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(t) => t.to_string(),
        None => text,
    })
}

/// How a text file turned out to be encoded ([`read_text_any`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    Utf16,
    /// GB18030, a superset of GBK: what Excel on Chinese Windows writes for "CSV (逗号分隔)".
    Gb18030,
}

/// Reads a text file however Windows saved it: a byte-order mark decides (UTF-8, UTF-16
/// from "Unicode 文本"); else text that is valid UTF-8 is UTF-8; else it is GB18030, which
/// every GBK file also is. The mark is dropped; line ends are left as they are.
pub fn read_text_any(path: &Path) -> Result<(String, TextEncoding), InputError> {
    Ok(decode_text(&read(path)?))
}

/// The decoding of [`read_text_any`], for bytes already read.
pub fn decode_text(bytes: &[u8]) -> (String, TextEncoding) {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom..]);
        let kind = if enc == encoding_rs::UTF_8 {
            TextEncoding::Utf8
        } else {
            TextEncoding::Utf16
        };
        return (text.into_owned(), kind);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_string(), TextEncoding::Utf8),
        Err(_) => {
            let (text, _) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
            (text.into_owned(), TextEncoding::Gb18030)
        }
    }
}

/// The entries of one folder (not recursive), in name order.
pub fn entries(dir: &Path) -> Result<Vec<PathBuf>, InputError> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| InputError::new(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    out.sort();
    Ok(out)
}

/// A file that could not be written.
#[derive(Debug, thiserror::Error)]
#[error("无法写入 {}：{}", path.display(), describe_io(source))]
pub struct WriteError {
    pub path: PathBuf,
    #[source]
    pub source: std::io::Error,
}

impl WriteError {
    pub fn new(path: &Path, source: std::io::Error) -> WriteError {
        WriteError {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// Writes `bytes` to `path` through a temporary file in the same folder, synced and
/// renamed into place; the folder is synced after, so the rename survives a power cut.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    write_unsynced_dir(path, bytes)?;
    sync_dir(&parent_dir(path));
    Ok(())
}

/// Writes many files as [`write_atomic`] does, several at a time, and syncs each folder
/// once at the end. Waiting for the disk is most of the cost of writing many small files
/// (a collect of 1,000 attachments spent 15 s of 19 in `fsync` one after the other on a
/// busy disk); concurrent syncs share the file system's journal commits.
///
/// # Errors
/// The first file that could not be written; the others may or may not be there, each
/// whole or absent.
pub fn write_many_atomic(files: &[(PathBuf, Vec<u8>)]) -> Result<(), WriteError> {
    in_parallel(files, |(path, bytes)| write_unsynced_dir(path, bytes))?;
    let dirs: std::collections::BTreeSet<PathBuf> =
        files.iter().map(|(p, _)| parent_dir(p)).collect();
    for d in dirs {
        sync_dir(&d);
    }
    Ok(())
}

/// Runs `write` on every file, several at a time (each sync waits on the disk, and
/// concurrent syncs share the journal's commits).
///
/// # Errors
/// The first failure met; the files not yet started are left alone.
fn in_parallel<T: Sync>(
    files: &[T],
    write: impl Fn(&T) -> Result<(), WriteError> + Sync,
) -> Result<(), WriteError> {
    const WORKERS: usize = 16;
    let next = std::sync::atomic::AtomicUsize::new(0);
    let failed = std::sync::Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..WORKERS.min(files.len()) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(file) = files.get(i) else {
                    break;
                };
                if let Err(e) = write(file) {
                    failed.lock().expect("no panic holds it").get_or_insert(e);
                    break;
                }
            });
        }
    });
    match failed.into_inner().expect("no panic holds it") {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// [`write_atomic`] but for the folder's sync.
fn write_unsynced_dir(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    let wrap = |e| WriteError::new(path, e);
    let dir = parent_dir(path);
    std::fs::create_dir_all(&dir).map_err(wrap)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    leftovers::clean(&dir);
    let prefix = format!(".{name}.{}.", leftovers::mark());
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o644));
    }
    let mut tmp = builder.tempfile_in(&dir).map_err(wrap)?;
    tmp.write_all(bytes).map_err(wrap)?;
    tmp.as_file().sync_all().map_err(wrap)?;
    tmp.persist(path).map_err(|e| wrap(e.error))?;
    Ok(())
}

/// A set of outputs written as a whole (a merge's workbooks, a round's templates): each
/// file goes into a hidden folder beside the target folder (inside it, when it exists
/// already), and [`Staged::commit`] moves them into place. Dropped before that (a disk
/// that fills, a permission refused, a build that fails) it removes what it wrote, so a
/// failed run leaves the target as it was and a rerun is not refused with 文件已存在.
pub struct Staged {
    target: PathBuf,
    dir: tempfile::TempDir,
    /// The target did not exist: the staging folder is renamed into its place whole.
    whole: bool,
}

/// The files [`Staged::write`] has written in this process, for `DUBAN_FAULT=output:full-after:N`.
static STAGED_WRITES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

impl Staged {
    /// Prepares to write into `target`, a folder (created if missing, with its parents).
    ///
    /// # Errors
    ///
    /// A [`WriteError`] naming `target`: it is a file, or its folder cannot be written
    /// (no permission, a read-only disk, a full disk).
    pub fn new(target: &Path) -> Result<Staged, WriteError> {
        let wrap = |e| WriteError::new(target, e);
        let exists = match std::fs::metadata(target) {
            Ok(m) if m.is_dir() => true,
            Ok(_) => {
                return Err(wrap(std::io::Error::new(
                    std::io::ErrorKind::NotADirectory,
                    "这是一个文件，不是文件夹；请指定一个输出文件夹（不存在时会自动创建）",
                )))
            }
            Err(_) => false,
        };
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mark = leftovers::mark();
        let parent = parent_dir(target);
        let (within, prefix) = if exists {
            leftovers::clean(target);
            (target.to_path_buf(), format!(".{mark}-"))
        } else {
            std::fs::create_dir_all(&parent).map_err(wrap)?;
            (parent.clone(), format!(".{name}.{mark}."))
        };
        leftovers::clean(&parent);
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".partial");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(std::fs::Permissions::from_mode(0o755));
        }
        let dir = builder.tempdir_in(&within).map_err(wrap)?;
        Ok(Staged {
            target: target.to_path_buf(),
            dir,
            whole: !exists,
        })
    }

    /// The target folder.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Writes one file of the set, synced; the error names the file's final place.
    pub fn write(&self, name: &str, bytes: &[u8]) -> Result<(), WriteError> {
        let wrap = |e| WriteError::new(&self.target.join(name), e);
        let written = STAGED_WRITES.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        if let Some(n) = crate::fault::at("output").and_then(|a| {
            a.strip_prefix("full-after:")
                .and_then(|n| n.parse::<usize>().ok())
        }) {
            if written >= n {
                return Err(wrap(std::io::Error::from(std::io::ErrorKind::StorageFull)));
            }
        }
        let mut file = std::fs::File::create(self.dir.path().join(name)).map_err(wrap)?;
        file.write_all(bytes).map_err(wrap)?;
        file.sync_all().map_err(wrap)
    }

    /// Writes files of the set (name, bytes) as [`Staged::write`] does, several at a time.
    ///
    /// # Errors
    /// The first file that could not be written; [`Staged`] removes them all when dropped.
    pub fn write_many(&self, files: &[(String, Vec<u8>)]) -> Result<(), WriteError> {
        in_parallel(files, |(name, bytes)| self.write(name, bytes))
    }

    /// Moves every file written into the target, replacing files of the same name: the
    /// staging folder itself when the target did not exist (one rename), else file by
    /// file; a move that fails puts back what was moved before it.
    pub fn commit(self) -> Result<(), WriteError> {
        let wrap = |e| WriteError::new(&self.target, e);
        if self.whole {
            let staged = self.dir.path().to_path_buf();
            match std::fs::rename(&staged, &self.target) {
                Ok(()) => {
                    let _ = self.dir.keep();
                    sync_dir(&parent_dir(&self.target));
                    return Ok(());
                }
                // The folder appeared meanwhile: file by file into it.
                Err(_) if self.target.is_dir() => {}
                Err(e) => return Err(wrap(e)),
            }
        }
        let mut names: Vec<std::ffi::OsString> = std::fs::read_dir(self.dir.path())
            .map_err(wrap)?
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .map(|e| e.file_name())
            .collect();
        names.sort();
        let aside = self.dir.path().join(".replaced");
        std::fs::create_dir(&aside).map_err(wrap)?;
        // (name, whether an old file was moved aside) for each file moved in.
        let mut done: Vec<(&std::ffi::OsString, bool)> = Vec::new();
        let mut result = Ok(());
        for name in &names {
            let (new, dest, old) = (
                self.dir.path().join(name),
                self.target.join(name),
                aside.join(name),
            );
            let replaced = dest.exists();
            let moved = (|| {
                if replaced {
                    std::fs::rename(&dest, &old)?;
                }
                std::fs::rename(&new, &dest).inspect_err(|_| {
                    if replaced {
                        let _ = std::fs::rename(&old, &dest);
                    }
                })
            })();
            match moved {
                Ok(()) => done.push((name, replaced)),
                Err(e) => {
                    result = Err(WriteError::new(&dest, e));
                    break;
                }
            }
        }
        if result.is_err() {
            for (name, replaced) in done.into_iter().rev() {
                let dest = self.target.join(name);
                let _ = std::fs::rename(&dest, self.dir.path().join(name));
                if replaced {
                    let _ = std::fs::rename(aside.join(name), &dest);
                }
            }
        }
        sync_dir(&self.target);
        result
    }
}

/// The folder a path is in (`.` for a bare name).
pub fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// A path made absolute, with links resolved as far as it exists (a folder to be created
/// is resolved through its nearest existing ancestor): two spellings of one place compare
/// equal.
pub fn resolved(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut existing = abs.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(c) = std::fs::canonicalize(existing) {
            return rest.iter().rev().fold(c, |p, part| p.join(part));
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => return abs,
        }
    }
}

/// Syncs a folder's entries to disk (a rename is an entry). Where folders cannot be
/// opened (Windows), the rename is already durable enough.
pub fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Refuses to replace an existing file unless `force` is set.
pub fn check_overwrite(path: &Path, force: bool) -> Result<(), WriteError> {
    if !force && path.exists() {
        return Err(WriteError::new(
            path,
            std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                "文件已存在；如需覆盖请加 --force",
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
