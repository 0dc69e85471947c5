//! Outputs under failure (issue 14): a merge or a templates run that fails halfway leaves
//! no partial set, so the rerun is not refused with 文件已存在; an `--out` that is a file,
//! a read-only folder or a full disk is one Chinese message naming the path and the cause.
//!
//! A full disk is a small tmpfs where the test may mount one (root, as on the machines
//! these tests run on); elsewhere, and always as well, the disk is made to fill after a
//! few files by the test-only fault `DUBAN_FAULT=output:full-after:N`.

use std::path::{Path, PathBuf};
use std::process::Command;

use duban::error::CliError;

use crate::returns::Return;
use crate::workdir::{Run, Workdir};

const ROUND: &str = "2020年第一季度";

/// A tmpfs mounted for one test, unmounted when dropped.
struct Tmpfs(PathBuf);

impl Tmpfs {
    /// A tmpfs of `size` at `dir`, if this process may mount one.
    fn mount(dir: &Path, size: &str) -> Option<Tmpfs> {
        std::fs::create_dir_all(dir).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .output()
            .is_ok_and(|o| o.status.success());
        ok.then(|| Tmpfs(dir.to_path_buf()))
    }

    fn remount(&self, opts: &str) {
        let out = Command::new("mount")
            .args(["-o", &format!("remount,{opts}")])
            .arg(&self.0)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

/// The lines duban printed as errors.
fn error_lines(run: &Run) -> Vec<String> {
    run.stderr()
        .lines()
        .filter(|l| l.starts_with("duban:"))
        .map(String::from)
        .collect()
}

/// Asserts one error, naming `path` and saying `cause`.
fn assert_one_message(run: &Run, path: &str, cause: &str) {
    run.assert_code(2);
    let lines = error_lines(run);
    assert_eq!(lines.len(), 1, "one message: {}", run.describe());
    assert!(
        lines[0].contains(path) && lines[0].contains(cause),
        "{}",
        run.describe()
    );
    assert!(lines[0].contains("未写入任何文件"), "{}", run.describe());
}

/// Everything under `dir`, hidden files included.
fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

fn templates(out: &str) -> Vec<String> {
    [
        "templates",
        "--round",
        ROUND,
        "--deadline",
        "2020-04-05",
        "--out",
        out,
    ]
    .map(String::from)
    .to_vec()
}

fn run(wd: &Workdir, args: &[String], fault: Option<&str>) -> Run {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut cmd = wd.command(&args);
    match fault {
        Some(f) => cmd.env("DUBAN_FAULT", f),
        None => cmd.env_remove("DUBAN_FAULT"),
    };
    Run {
        args: args.iter().map(|s| s.to_string()).collect(),
        out: cmd.output().unwrap(),
    }
}

/// A folder of two returns to merge.
fn returns(wd: &Workdir) {
    let cat = duban::catalog::Catalog::embedded();
    for unit in ["区科技局", "新兖镇"] {
        let r = Return::clean(&cat, unit, ROUND, false);
        wd.create(&format!("returns/{unit}.xlsx"), r.bytes());
    }
}

fn merge(out: &str) -> Vec<String> {
    ["merge", "returns", "--round", ROUND, "--out", out]
        .map(String::from)
        .to_vec()
}

#[test]
fn a_disk_that_fills_halfway_leaves_no_partial_set() {
    // The templates run wrote 20 of 74 files and stopped; the rerun was refused because
    // of them, and every one of the other 54 said the same line again.
    let wd = Workdir::new("disk-full");
    returns(&wd);
    let disk = Tmpfs::mount(&wd.path("disk"), "160k");
    let fault = disk.is_none().then_some("output:full-after:10");
    if disk.is_none() {
        eprintln!("no tmpfs can be mounted here: the disk fills by DUBAN_FAULT instead");
        std::fs::create_dir_all(wd.path("disk")).unwrap();
    }
    for (args, out) in [
        (templates("disk/模板"), "disk/模板"),
        (merge("disk/汇总"), "disk/汇总"),
    ] {
        let failed = run(&wd, &args, fault);
        assert_one_message(&failed, out, "磁盘已满");
        assert_eq!(
            entries(&wd.path("disk")),
            Vec::<String>::new(),
            "nothing left"
        );
    }
    if let Some(d) = &disk {
        d.remount("size=32m");
    }
    for (args, out, count) in [
        (templates("disk/模板"), "disk/模板", 75),
        // The workbook, two CSVs, two JSON files, the round's page, and per leader a
        // summary and a page.
        (merge("disk/汇总"), "disk/汇总", 6 + 2 * 16),
    ] {
        let again = run(&wd, &args, None);
        assert!(
            again.code() <= 1,
            "the rerun is not refused: {}",
            again.describe()
        );
        assert_eq!(entries(&wd.path(out)).len(), count, "{}", again.describe());
    }
    // Into a folder that already holds a set (with --force): a failure leaves the old
    // set as it was.
    let before = std::fs::read(wd.path(&format!("disk/汇总/{ROUND}_汇总.xlsx"))).unwrap();
    let set = entries(&wd.path("disk/汇总")).len();
    let other = Return::clean(&duban::catalog::Catalog::embedded(), "小孟镇", ROUND, false);
    wd.create("returns/小孟镇.xlsx", other.bytes());
    let mut args = merge("disk/汇总");
    args.push("--force".into());
    let failed = run(&wd, &args, Some("output:full-after:2"));
    assert_one_message(&failed, "disk/汇总", "磁盘已满");
    assert_eq!(entries(&wd.path("disk/汇总")).len(), set, "no staging left");
    assert_eq!(
        std::fs::read(wd.path(&format!("disk/汇总/{ROUND}_汇总.xlsx"))).unwrap(),
        before
    );
}

#[test]
fn the_fault_fills_the_disk_mid_run_everywhere() {
    // The same, on any machine: the seventh file finds the disk full.
    let wd = Workdir::new("disk-fault");
    returns(&wd);
    let failed = run(&wd, &templates("模板"), Some("output:full-after:6"));
    assert_one_message(&failed, "模板", "磁盘已满");
    let failed = run(&wd, &merge("汇总"), Some("output:full-after:6"));
    assert_one_message(&failed, "汇总", "磁盘已满");
    let mut left = entries(&wd.dir);
    left.retain(|n| n != "returns");
    assert_eq!(left, Vec::<String>::new(), "no output, no staging folder");
    run(&wd, &templates("模板"), None).assert_code(0);
    run(&wd, &merge("汇总"), None).assert_code(0);
}

#[test]
fn out_that_is_a_file_or_a_read_only_folder_is_one_message() {
    let wd = Workdir::new("out-bad");
    returns(&wd);
    wd.create("a-file", "");
    for args in [templates("a-file"), merge("a-file")] {
        let r = run(&wd, &args, None);
        assert_one_message(&r, "a-file", "这是一个文件，不是文件夹");
    }
    // In-process, the kind tells it apart.
    use clap::Parser;
    let out = wd.path("a-file").to_string_lossy().into_owned();
    let args = [
        "duban",
        "templates",
        "--round",
        ROUND,
        "--deadline",
        "2020-04-05",
        "--out",
        &out,
    ];
    match duban::cli::Cli::try_parse_from(args).unwrap().run() {
        Err(CliError::OutputsNotWritten { source, .. }) => {
            assert_eq!(source.source.kind(), std::io::ErrorKind::NotADirectory)
        }
        other => panic!("{other:?}"),
    }

    // A folder that refuses writing: read-only by its mode (when not root, whom modes do
    // not stop), or a read-only mount (when root may mount one).
    let ro = wd.path("ro");
    let mount = Tmpfs::mount(&ro, "1m");
    let cause = match &mount {
        Some(m) => {
            m.remount("ro");
            "只读"
        }
        None => {
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
            }
            "没有访问权限"
        }
    };
    if mount.is_none() && std::fs::write(ro.join("probe"), b"").is_ok() {
        eprintln!("this folder cannot be made read-only here: skipped");
        return;
    }
    for args in [templates("ro/模板"), merge("ro/汇总"), templates("ro")] {
        let r = run(&wd, &args, None);
        assert_one_message(&r, "ro", cause);
    }
}
