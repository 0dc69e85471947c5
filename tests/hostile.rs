//! Hostile and broken inputs (issue 24): chart sheets, unreadable returns, named pipes and
//! links out of the returns folder, XOR-obfuscated .xls, .xlsb, endless inputs; round names
//! that are paths, settings out of range, leftovers of killed runs, a ledger that cannot be
//! written after the outputs were; and a corpus of other projects' test files.

use std::process::Command;
use std::time::{Duration, Instant};

use duban::catalog::Catalog;
use serde_json::Value;

use crate::checked::{check_json as check, codes, file};
use crate::returns::Return;
use crate::workdir::{repo, soffice_convert, Workdir};

const ROUND: &str = "2020年第一季度";

fn clean(unit: &str) -> Return {
    Return::clean(&Catalog::embedded(), unit, ROUND, false)
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_string())
        .collect()
}

/// Runs duban and kills it after `secs`: a hang is a failure, not a stuck test run.
fn run_within(wd: &Workdir, args: &[&str], secs: u64) -> std::process::Output {
    let mut child = wd
        .command(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(secs) {
            child.kill().unwrap();
            panic!("duban {} did not finish in {secs} s", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

#[test]
fn a_chart_sheet_is_passed_over_and_the_return_judged_as_without() {
    let wd = Workdir::new("hostile-chart");
    let mut with = clean("区科技局");
    with.chart_sheet = true;
    wd.create("returns/科技局.xlsx", with.bytes());
    let v = check(&wd, &["returns/科技局.xlsx", "--round", ROUND], 0);
    let f = file(&v, "科技局.xlsx");
    assert_eq!(f["status"], "accepted", "{f:#}");
    assert_eq!(codes(f), Vec::<String>::new(), "{f:#}");
    // Through LibreOffice, as .xls and .ods too.
    let xlsx = wd.path("returns/科技局.xlsx");
    for format in ["xls", "ods"] {
        let converted = soffice_convert(&xlsx, format, &wd.path(format));
        let name = converted.to_string_lossy().into_owned();
        let v = check(&wd, &[&name, "--round", ROUND], 0);
        assert_eq!(
            codes(&v["files"][0]),
            Vec::<String>::new(),
            "{format}: {v:#}"
        );
    }
}

/// calamine's test files with chart, dialog and macro sheets, .xlsb, .xlsm, BIFF5 .xls and
/// .ods, and password-protected ones (see tests/fixtures/corpus/README.md): each is judged
/// in one batch, none is called damaged, the protected ones are told as encrypted.
#[test]
fn other_projects_test_files_are_judged_and_none_called_damaged() {
    let wd = Workdir::new("hostile-corpus");
    let corpus = repo().join("tests/fixtures/corpus");
    let mut names: Vec<String> = std::fs::read_dir(&corpus)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with(".md"))
        .collect();
    names.sort();
    assert!(names.len() >= 15, "{names:?}");
    for n in &names {
        std::fs::copy(corpus.join(n), wd.path(&format!("in/{n}")))
            .or_else(|_| {
                std::fs::create_dir_all(wd.path("in"))?;
                std::fs::copy(corpus.join(n), wd.path(&format!("in/{n}")))
            })
            .unwrap();
    }
    let start = Instant::now();
    let out = run_within(
        &wd,
        &["check", "--format", "json", "in", "--round", ROUND],
        120,
    );
    assert!(start.elapsed() < Duration::from_secs(120));
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    for n in &names {
        let f = file(&v, n);
        let c = codes(f);
        if n.starts_with("pass_protected") {
            assert_eq!(c, ["E-FILE-ENCRYPTED"], "{n}: {f:#}");
        } else {
            for bad in ["E-FILE-CORRUPT", "E-FILE-FORMAT", "E-FILE-UNREADABLE"] {
                assert!(!c.iter().any(|x| x == bad), "{n}: {f:#}");
            }
            // Judged as a sheet that is not a return: its contents were read.
            assert!(c.iter().any(|x| x == "E-HEADER-MISSING"), "{n}: {f:#}");
        }
    }
}

#[test]
fn a_named_pipe_does_not_hang_check_or_merge() {
    let wd = Workdir::new("hostile-fifo");
    wd.create("returns/科技局.xlsx", clean("区科技局").bytes());
    for name in ["returns/财政局.xlsx", "returns/管道"] {
        let status = Command::new("mkfifo").arg(wd.path(name)).status().unwrap();
        assert!(status.success());
    }
    let out = run_within(
        &wd,
        &["check", "--format", "json", "returns", "--round", ROUND],
        60,
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(file(&v, "科技局.xlsx")["status"], "accepted");
    let listed = v.to_string();
    assert!(
        !listed.contains("管道") && !listed.contains("财政局.xlsx"),
        "{v:#}"
    );
    let out = run_within(
        &wd,
        &["merge", "returns", "--round", ROUND, "--out", "out"],
        60,
    );
    assert!(
        wd.path(&format!("out/{ROUND}_汇总.xlsx")).exists(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Named on the command line: refused in words, not waited on.
    let out = run_within(&wd, &["check", "returns/管道"], 60);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("不是普通文件"), "{text}");
}

#[test]
fn a_link_out_of_the_returns_folder_is_not_followed_one_inside_is() {
    let wd = Workdir::new("hostile-links");
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("财政局.xlsx"),
        clean("区财政局").bytes(),
    )
    .unwrap();
    wd.create("returns/科技局.xlsx", clean("区科技局").bytes());
    wd.create("returns/子/发改局.xlsx", clean("区发展改革局").bytes());
    std::os::unix::fs::symlink(outside.path(), wd.path("returns/外部")).unwrap();
    std::os::unix::fs::symlink(wd.path("returns/子"), wd.path("returns/链接")).unwrap();
    std::os::unix::fs::symlink("/etc", wd.path("returns/etc")).unwrap();
    let v = check(&wd, &["returns", "--round", ROUND], 0);
    let paths: Vec<String> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(paths.len(), 2, "{paths:?}");
    assert!(strings(&v["missing_units"]).contains(&"区财政局".to_string()));
    assert!(v["ignored"].to_string().len() < 200, "{v:#}");
}

/// An .xls saved by LibreOffice, turned into an XOR-obfuscated one as Excel writes it: a
/// FILEPASS record of encryption type 0 right after the globals' BOF, and the data of the
/// records after it scrambled.
fn xor_obfuscated(xls: &[u8]) -> Vec<u8> {
    let mut b = xls.to_vec();
    let u16_at = |b: &[u8], i: usize| u16::from_le_bytes([b[i], b[i + 1]]) as usize;
    let bof = (512..b.len() - 8)
        .step_by(64)
        .find(|&i| u16_at(&b, i) == 0x0809 && u16_at(&b, i + 6) == 0x0005)
        .expect("a workbook globals BOF");
    let mut at = bof + 4 + u16_at(&b, bof + 2);
    let len = u16_at(&b, at + 2);
    assert!(len >= 2, "a record to overwrite after BOF");
    b[at..at + 2].copy_from_slice(&0x002Fu16.to_le_bytes());
    b[at + 4..at + 6].copy_from_slice(&[0, 0]);
    at += 4 + len;
    while at + 4 <= b.len() && u16_at(&b, at) != 0x000A {
        let len = u16_at(&b, at + 2);
        for x in b.iter_mut().skip(at + 4).take(len) {
            *x ^= 0x5A;
        }
        at += 4 + len;
    }
    b
}

#[test]
fn an_xor_obfuscated_xls_is_told_as_encrypted() {
    let wd = Workdir::new("hostile-xor");
    let xlsx = wd.create("src/科技局.xlsx", clean("区科技局").bytes());
    let xls = std::fs::read(soffice_convert(&xlsx, "xls", &wd.path("xls"))).unwrap();
    wd.create("returns/科技局.xls", xor_obfuscated(&xls));
    let v = check(&wd, &["returns", "--round", ROUND], 1);
    assert_eq!(codes(file(&v, "科技局.xls")), ["E-FILE-ENCRYPTED"], "{v:#}");
}

#[test]
fn an_xlsb_is_read() {
    let wd = Workdir::new("hostile-xlsb");
    let src = repo().join("tests/fixtures/corpus/date.xlsb");
    wd.create("returns/区科技局.xlsb", std::fs::read(src).unwrap());
    let v = check(&wd, &["returns", "--round", ROUND], 1);
    let c = codes(file(&v, "区科技局.xlsb"));
    assert!(!c.iter().any(|x| x.starts_with("E-FILE")), "{v:#}");
    assert!(c.iter().any(|x| x == "E-HEADER-MISSING"), "{v:#}");
}

#[test]
fn an_endless_catalog_or_contacts_file_is_refused_not_read() {
    let wd = Workdir::new("hostile-devzero");
    wd.create("a.xlsx", clean("区科技局").bytes());
    let out = run_within(&wd, &["check", "a.xlsx", "--catalog", "/dev/zero"], 30);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("/dev/zero") && err.contains("不是普通文件"),
        "{err}"
    );
    wd.run(&[
        "templates",
        "--round",
        ROUND,
        "--deadline",
        "2020-04-05",
        "--out",
        "tpl",
        "--unit",
        "区科技局",
    ]);
    let args = [
        "mail",
        "templates",
        "--contacts",
        "/dev/zero",
        "--templates",
        "tpl",
        "--outbox",
        "outbox",
        "--from",
        "office@example.org",
    ];
    let out = run_within(&wd, &args, 30);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("不是普通文件"), "{err}");
    // A huge regular file is refused by its size.
    let big = std::fs::File::create(wd.path("big.toml")).unwrap();
    big.set_len(100 << 20).unwrap();
    let out = run_within(&wd, &["check", "a.xlsx", "--catalog", "big.toml"], 30);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("文件过大"), "{err}");
}

/// `duban ARGS…` in `dir`, with extra environment.
fn run_env(dir: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> crate::workdir::Run {
    let mut c = Command::new(env!("CARGO_BIN_EXE_duban"));
    c.current_dir(dir).args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    crate::workdir::Run {
        args: args.iter().map(|s| s.to_string()).collect(),
        out: c.output().unwrap(),
    }
}

#[test]
fn round_names_that_are_paths_are_refused() {
    let wd = Workdir::new("hostile-rounds");
    wd.run(&["init", "ws"]);
    let ws = wd.path("ws");
    for bad in [
        "..",
        ".",
        "a/b",
        "a\\b",
        "第?期",
        "第*期",
        "x\u{1b}[2J",
        "1月.",
        "CON",
    ] {
        let r = run_env(&ws, &["round", "new", bad, "--deadline", "2020-04-05"], &[]);
        r.assert_code(2);
        assert!(r.stderr().contains("期次名称"), "{}", r.describe());
        let r = run_env(&ws, &["merge", "--round", bad], &[]);
        r.assert_code(2);
        assert!(r.stderr().contains("期次名称"), "{}", r.describe());
    }
    for stray in ["模板", "回收", "汇总", "rounds/模板", "rounds/回收"] {
        assert!(!ws.join(stray).exists(), "{stray}");
    }
    let ok = ["round", "new", "2020Q1", "--deadline", "2020-04-05"];
    run_env(&ws, &ok, &[]).assert_code(0);
    // Two rounds that a case-blind disk would put in one folder.
    let r = run_env(
        &ws,
        &["round", "new", "2020q1", "--deadline", "2020-04-05"],
        &[],
    );
    r.assert_code(2);
    assert!(r.stderr().contains("只差大小写"), "{}", r.describe());
    // The same round again is not a collision.
    run_env(&ws, &ok, &[]).assert_code(0);
}

#[test]
fn settings_out_of_range_are_refused_in_chinese() {
    let wd = Workdir::new("hostile-settings");
    wd.run(&["init", "ws"]);
    let ws = wd.path("ws");
    let config = std::fs::read_to_string(ws.join("duban.toml")).unwrap();
    assert!(config.contains("red_gap = 30"));
    for bad in ["-500", "nan", "inf", "101"] {
        let text = config.replace("red_gap = 30", &format!("red_gap = {bad}"));
        std::fs::write(ws.join("duban.toml"), text).unwrap();
        let r = run_env(
            &ws,
            &["round", "new", ROUND, "--deadline", "2020-04-05"],
            &[],
        );
        r.assert_code(2);
        assert!(
            r.stderr().contains("red_gap") && r.stderr().contains("0 到 100"),
            "{}",
            r.describe()
        );
    }
}

#[test]
fn what_a_killed_run_left_is_removed_and_nothing_else() {
    let wd = Workdir::new("hostile-leftovers");
    wd.create("returns/科技局.xlsx", clean("区科技局").bytes());
    let merge = [
        "merge", "returns", "--round", ROUND, "--out", "out", "--force",
    ];
    wd.run(&merge);
    // A process that has ended: its id marks the leftovers of a killed run.
    let mut gone = Command::new("true").spawn().unwrap();
    gone.wait().unwrap();
    let dead = gone.id();
    let alive = std::process::id();
    let stale = [
        format!("out/.duban{dead}-Ab12.partial/x.xlsx"),
        format!(".out.duban{dead}.Cd34.partial/y.xlsx"),
        format!("out/.汇总.xlsx.duban{dead}.Ef56.tmp"),
    ];
    let kept = [
        format!("out/.duban{alive}-Gh78.partial/x.xlsx"),
        format!("out/.汇总.xlsx.duban{alive}.Ij90.tmp"),
        "out/.别的程序.tmp".to_string(),
        "out/.duban-old.partial/z".to_string(),
    ];
    for f in stale.iter().chain(&kept) {
        wd.create(f, b"x");
    }
    wd.run(&merge);
    for f in &stale {
        let top = f.split('/').take(2).collect::<Vec<_>>().join("/");
        let top = if f.starts_with("out/") {
            top
        } else {
            f.split('/').next().unwrap().to_string()
        };
        assert!(!wd.path(&top).exists(), "{top} should be removed");
    }
    for f in &kept {
        assert!(wd.path(f).exists(), "{f} should stay");
    }
    assert!(wd.path(&format!("out/{ROUND}_汇总.xlsx")).exists());
}

#[test]
fn a_ledger_that_cannot_be_written_after_the_outputs_says_so_and_how_to_redo() {
    let wd = Workdir::new("hostile-ledger");
    wd.run(&["init", "ws"]);
    let ws = wd.path("ws");
    run_env(
        &ws,
        &["round", "new", ROUND, "--deadline", "2020-04-05"],
        &[],
    )
    .assert_code(0);
    let returns = ws.join(format!("rounds/{ROUND}/回收"));
    std::fs::write(returns.join("科技局.xlsx"), clean("区科技局").bytes()).unwrap();
    let r = run_env(&ws, &["merge"], &[("DUBAN_FAULT", "ledger:full")]);
    r.assert_code(2);
    let err = r.stderr();
    for words in [
        "本期汇总已写入",
        "磁盘已满",
        "台账中仍是此前的记录",
        "duban merge --round",
    ] {
        assert!(err.contains(words), "{words}: {}", r.describe());
    }
    assert!(ws
        .join(format!("rounds/{ROUND}/汇总/{ROUND}_汇总.xlsx"))
        .exists());
    // The command it names does it.
    let redo = ["merge", "--round", ROUND, "--force"];
    assert!(err.contains(&redo.join(" ")), "{err}");
    run_env(&ws, &redo, &[]).assert_code(0);
    let status = run_env(&ws, &["status"], &[]);
    assert!(status.stdout().contains("已通过"), "{}", status.describe());
}

/// `duban ARGS…` in `dir` as user nobody (the tests run as root, whom no permission stops).
fn run_as_nobody(dir: &std::path::Path, args: &[&str]) -> crate::workdir::Run {
    let out = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(env!("CARGO_BIN_EXE_duban"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    crate::workdir::Run {
        args: args.iter().map(|s| s.to_string()).collect(),
        out,
    }
}

fn chmod(p: &std::path::Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn a_return_the_office_cannot_read_is_not_the_units_fault() {
    let wd = Workdir::new("hostile-perm");
    wd.create("returns/科技局.xlsx", clean("区科技局").bytes());
    wd.create("returns/财政局.xlsx", clean("区财政局").bytes());
    wd.create("returns/商务/商务局.xlsx", clean("区商务局").bytes());
    chmod(&wd.dir, 0o755);
    chmod(&wd.path("returns"), 0o755);
    chmod(&wd.path("returns/科技局.xlsx"), 0o644);
    chmod(&wd.path("returns/财政局.xlsx"), 0o000);
    chmod(&wd.path("returns/商务"), 0o000);
    let args = ["check", "--format", "json", "returns", "--round", ROUND];
    let r = run_as_nobody(&wd.dir, &args);
    let v: Value = serde_json::from_str(&r.stdout()).unwrap_or_else(|_| panic!("{}", r.describe()));
    let rejected = strings(&v["rejected_units"]);
    assert!(!rejected.contains(&"区财政局".to_string()), "{v:#}");
    assert!(!strings(&v["missing_units"]).contains(&"区财政局".to_string()));
    assert_eq!(strings(&v["unreadable_units"]), ["区财政局"], "{v:#}");
    assert_eq!(codes(file(&v, "财政局.xlsx")), ["E-FILE-UNREADABLE"]);
    // The office is told, in words, that it could not read the file and the folder.
    let text = run_as_nobody(&wd.dir, &["check", "returns", "--round", ROUND]).stdout();
    assert!(text.contains("督考办无法读取以下文件或文件夹"), "{text}");
    assert!(
        text.contains("财政局.xlsx") && text.contains("returns/商务"),
        "{text}"
    );
    assert!(
        text.contains("文件无法读取（待督考办处理）：\n  区财政局"),
        "{text}"
    );
    assert!(!text.contains("已报送未通过（须退回重报）"), "{text}");
    chmod(&wd.path("returns/商务"), 0o755);
}
