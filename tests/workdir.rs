#![allow(dead_code)]
//! A scratch folder per test and a way to run the real `duban` binary in it (after xsv's
//! `tests/workdir.rs`). On failure, assertions print the command, status, stdout and stderr.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct Workdir {
    _tmp: tempfile::TempDir,
    pub dir: PathBuf,
}

impl Workdir {
    /// A new empty folder; `name` only helps when reading a kept folder.
    pub fn new(name: &str) -> Workdir {
        let tmp = tempfile::Builder::new()
            .prefix(&format!("duban-{name}-"))
            .tempdir()
            .expect("temp dir");
        let dir = tmp.path().to_path_buf();
        Workdir { _tmp: tmp, dir }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.join(rel)
    }

    /// Writes a file (creating folders).
    pub fn create(&self, rel: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path(rel);
        if let Some(d) = p.parent() {
            std::fs::create_dir_all(d).unwrap();
        }
        std::fs::write(&p, contents).unwrap();
        p
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
    }

    /// `duban ARGS…` with the folder as current directory.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_duban"));
        c.current_dir(&self.dir).args(args);
        c
    }

    /// Runs and returns the output, whatever the status.
    pub fn output(&self, args: &[&str]) -> Run {
        let out = self.command(args).output().expect("run duban");
        Run {
            args: args.iter().map(|s| s.to_string()).collect(),
            out,
        }
    }

    /// Runs and asserts exit status 0.
    pub fn run(&self, args: &[&str]) -> Run {
        let r = self.output(args);
        r.assert_code(0);
        r
    }
}

/// The result of one run of the binary.
pub struct Run {
    pub args: Vec<String>,
    pub out: Output,
}

impl Run {
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.out.stdout).into_owned()
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.out.stderr).into_owned()
    }

    pub fn code(&self) -> i32 {
        self.out.status.code().unwrap_or(-1)
    }

    /// Asserts the exit status, printing everything on failure.
    pub fn assert_code(&self, code: i32) -> &Run {
        assert_eq!(self.code(), code, "{}", self.describe());
        self
    }

    pub fn describe(&self) -> String {
        format!(
            "duban {}\nstatus: {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.args.join(" "),
            self.code(),
            self.stdout(),
            self.stderr()
        )
    }
}

/// Every file under `dir` (recursively, by path relative to it) with its bytes and modified
/// time: equal before and after a run means the run wrote nothing there, not even the same
/// bytes again.
pub fn tree(dir: &Path) -> std::collections::BTreeMap<PathBuf, (Vec<u8>, std::time::SystemTime)> {
    let mut out = std::collections::BTreeMap::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
            let p = e.unwrap().path();
            let meta = std::fs::symlink_metadata(&p).unwrap();
            if meta.is_dir() {
                todo.push(p);
            } else {
                let bytes = std::fs::read(&p).unwrap();
                let rel = p.strip_prefix(dir).unwrap().to_path_buf();
                out.insert(rel, (bytes, meta.modified().unwrap()));
            }
        }
    }
    out
}

/// The repository's root (for committed fixtures and the notice).
pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The 2020 notice (a public document), committed under samples/notice/.
pub fn notice_path() -> PathBuf {
    repo().join("samples/notice/jiyan-zhengfa-2020-1.md")
}

/// The `soffice` on PATH. A test that needs LibreOffice fails without it rather than
/// passing without doing its work: scripts/test installs it.
pub fn soffice() -> PathBuf {
    std::env::var_os("PATH")
        .and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|p| p.join("soffice"))
                .find(|p| p.is_file())
        })
        .unwrap_or_else(|| {
            panic!(
                "LibreOffice (soffice) is not on PATH, and this test needs it: \
                 run scripts/test, which installs it (and the other programs the tests use)"
            )
        })
}

/// Runs `soffice --headless --convert-to FORMAT --outdir OUT FILE` with a private profile
/// (parallel tests must not share one) and returns the converted file's path.
pub fn soffice_convert(file: &Path, format: &str, out: &Path) -> PathBuf {
    soffice_convert_env(file, format, out, &[])
}

/// [`soffice_convert`] with the office fonts mapped as scripts/round maps them
/// (scripts/fonts.conf), so that measured pages are the ones the README shows.
pub fn soffice_print(file: &Path, out: &Path) -> PathBuf {
    let fonts = repo().join("scripts/fonts.conf");
    soffice_convert_env(file, "pdf", out, &[("FONTCONFIG_FILE", fonts.as_path())])
}

fn soffice_convert_env(file: &Path, format: &str, out: &Path, env: &[(&str, &Path)]) -> PathBuf {
    let soffice = soffice();
    std::fs::create_dir_all(out).unwrap();
    let profile = tempfile::tempdir().unwrap();
    let status = Command::new(soffice)
        .envs(env.iter().copied())
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.path().display()
        ))
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            format,
            "--outdir",
        ])
        .arg(out)
        .arg(file)
        .output()
        .expect("run soffice");
    let ext = format.split(':').next().unwrap();
    let stem = file.file_stem().unwrap().to_string_lossy();
    let converted = out.join(format!("{stem}.{ext}"));
    assert!(
        status.status.success() && converted.exists(),
        "soffice failed to convert {} to {format}: {}\n{}",
        file.display(),
        String::from_utf8_lossy(&status.stdout),
        String::from_utf8_lossy(&status.stderr)
    );
    converted
}

/// The cells of one sheet of a workbook, read back by duban's reader, as text rows.
pub fn rows_of(bytes: &[u8], sheet: &str) -> Vec<Vec<String>> {
    let book = duban::read::read_bytes(bytes, &duban::read::Limits::default()).unwrap();
    let sheet = book
        .sheet(sheet)
        .unwrap_or_else(|| panic!("no sheet {sheet}"));
    let last = sheet.cells.keys().map(|(_, c)| *c).max().unwrap_or(0);
    sheet
        .rows()
        .into_iter()
        .map(|r| (0..=last).map(|c| sheet.value(r, c).text()).collect())
        .collect()
}
