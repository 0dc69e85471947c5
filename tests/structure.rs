//! Regression tests for the defects the code's reshaping fixed (issue 12), each named
//! after its cause, and the error kinds the commands report.

use std::path::Path;

use duban::catalog::{Catalog, Role};
use duban::cli::Cli;
use duban::domain::codes::Code;
use duban::domain::colour::ConfigError;
use duban::error::CliError;
use duban::mail::MailError;
use serde_json::Value;

use crate::returns::{s, Return, V};
use crate::workdir::{repo, rows_of, Workdir};

const ROUND: &str = "2020年第一季度";

fn cat() -> Catalog {
    Catalog::embedded()
}

fn json(run: &crate::workdir::Run) -> Value {
    serde_json::from_str(&run.stdout()).unwrap_or_else(|e| panic!("json: {e}\n{}", run.describe()))
}

/// A problem list's rows under its header (位置, 任务, 问题, 怎么改), without the 序号.
fn problem_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let rows = rows_of(bytes, "问题清单");
    let header = rows
        .iter()
        .position(|r| r.first().is_some_and(|c| c == "序号"))
        .expect("a header row");
    assert_eq!(
        rows[header][..5],
        ["序号", "位置", "任务", "问题", "怎么改"]
    );
    rows[header + 1..].iter().map(|r| r[1..].to_vec()).collect()
}

/// A contacts file with one line for `unit`.
fn contacts(wd: &Workdir, unit: &str) {
    wd.create(
        "contacts.csv",
        format!("name,role,to,cc,contact\n{unit},unit,unit@example.org,,张三\n"),
    );
}

#[test]
fn problem_lists_made_from_a_saved_report_keep_each_fix() {
    // The JSON report once glued the fix into the message, so a problem list made from
    // it (`mail feedback --check-report`) had an empty 怎么改 column.
    let wd = Workdir::new("fix-roundtrip");
    let unit = "区科技局";
    let mut r = Return::clean(&cat(), unit, ROUND, false);
    r.set(3, "推进状态", s("很好"))
        .set(6, "完成进度(%)", V::N(120.0));
    wd.create("returns/科技局.xlsx", r.bytes());
    let run = wd.output(&["check", "returns", "--round", ROUND, "--format", "json"]);
    run.assert_code(1);
    wd.create("report.json", run.stdout());
    contacts(&wd, unit);
    wd.run(&[
        "mail",
        "feedback",
        "--round",
        ROUND,
        "--contacts",
        "contacts.csv",
        "--outbox",
        "outbox",
        "--check-report",
        "report.json",
        "--deadline",
        "2020-04-05",
        "--from",
        "区督考办 <office@example.org>",
    ]);
    let list = wd.path(&format!("outbox/附件/{ROUND}_{unit}_问题清单.xlsx"));
    let rows = problem_rows(&std::fs::read(&list).unwrap());
    assert!(rows.len() >= 2, "{rows:?}");
    for row in &rows {
        assert!(!row[3].is_empty(), "怎么改 is filled: {row:?}");
        assert!(
            !row[2].contains(&row[3]),
            "the fix is not in the message: {row:?}"
        );
    }
    assert!(rows.iter().any(|r| r[3].contains("下拉列表")), "{rows:?}");
}

#[test]
fn a_hosts_only_round_expects_the_same_units_everywhere() {
    // check counted the units hosting a task (72), merge every unit with a task (74).
    let wd = Workdir::new("hosts-only-expected");
    let c = cat();
    let hosting = c
        .assignments()
        .values()
        .filter(|t| t.iter().any(|(_, r)| *r == Role::Host))
        .count();
    assert!(hosting < c.assignments().len(), "some units only assist");
    for unit in ["区科技局", "新兖镇"] {
        let r = Return::clean(&c, unit, ROUND, true);
        wd.create(&format!("returns/{unit}.xlsx"), r.bytes());
    }
    let check = wd.run(&["check", "returns", "--round", ROUND]);
    let said = format!("应报送单位 {hosting} 个");
    assert!(check.stdout().contains(&said), "{}", check.describe());
    let merge = wd.run(&["merge", "returns", "--round", ROUND, "--out", "out"]);
    assert!(merge.stdout().contains(&said), "{}", merge.describe());
    let book = std::fs::read(wd.path(&format!("out/{ROUND}_汇总.xlsx"))).unwrap();
    let missing = rows_of(&book, "未报送单位");
    assert_eq!(
        missing.len() - 3,
        hosting - 2,
        "one row per unit expected and silent"
    );
    let report: Value =
        serde_json::from_str(&wd.read(&format!("out/{ROUND}_校验报告.json"))).unwrap();
    assert_eq!(
        report["missing_units"].as_array().unwrap().len(),
        hosting - 2
    );

    // Reminders with the round's --hosts-only templates go to the units that were sent
    // one, not to a unit that only assists, even before any return has come back to say
    // what kind of round it is.
    std::fs::create_dir_all(wd.path("none")).unwrap();
    wd.run(&[
        "templates",
        "--round",
        ROUND,
        "--deadline",
        "2020-04-05",
        "--hosts-only",
        "--out",
        "tpl",
    ]);
    let assists = c
        .assignments()
        .iter()
        .find(|(_, t)| t.iter().all(|(_, r)| *r != Role::Host))
        .map(|(u, _)| u.to_string())
        .unwrap();
    let hosts = c
        .assignments()
        .iter()
        .find(|(u, t)| {
            t.iter().any(|(_, r)| *r == Role::Host) && !["区科技局", "新兖镇"].contains(&u.as_str())
        })
        .map(|(u, _)| u.to_string())
        .unwrap();
    wd.create(
        "contacts.csv",
        format!("name,role,to\n{assists},unit,a@example.org\n{hosts},unit,h@example.org\n"),
    );
    let run = wd.output(&[
        "mail",
        "reminders",
        "--templates",
        "tpl",
        "--returns",
        "none",
        "--contacts",
        "contacts.csv",
        "--outbox",
        "outbox",
        "--from",
        "区督考办 <office@example.org>",
        "--only",
        &assists,
        "--only",
        &hosts,
    ]);
    let emls: Vec<String> = std::fs::read_dir(wd.path("outbox"))
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".eml"))
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        emls,
        [format!("{ROUND}_催报提醒_{hosts}.eml")],
        "{}",
        run.describe()
    );
}

#[cfg(unix)]
#[test]
fn a_link_back_up_the_tree_reads_each_return_once() {
    // `a/up -> ..` once made the walk read one return 41 times.
    let wd = Workdir::new("link-loop");
    let r = Return::clean(&cat(), "区科技局", ROUND, false);
    wd.create("returns/a/科技局.xlsx", r.bytes());
    std::os::unix::fs::symlink("..", wd.path("returns/a/up")).unwrap();
    std::os::unix::fs::symlink("a/科技局.xlsx", wd.path("returns/same.xlsx")).unwrap();
    let v = json(&wd.run(&["check", "returns", "--format", "json"]));
    let files = v["files"].as_array().unwrap();
    assert_eq!(files.len(), 1, "{v:#}");
    assert_eq!(files[0]["status"], "accepted");
}

#[test]
fn problem_lists_are_the_same_bytes_on_every_run() {
    // No fixed creation time: two runs differed, and so did the mails' Message-IDs.
    let wd = Workdir::new("feedback-bytes");
    let unit = "区科技局";
    let mut r = Return::clean(&cat(), unit, ROUND, false);
    r.set(3, "推进状态", s("很好"));
    wd.create("returns/科技局.xlsx", r.bytes());
    for dir in ["fb1", "fb2"] {
        wd.output(&["check", "returns", "--round", ROUND, "--feedback", dir])
            .assert_code(1);
        // A second apart at least, so that a clock in the file would show.
        std::thread::sleep(std::time::Duration::from_millis(1100));
    }
    let name = format!("{ROUND}_{unit}_问题清单.xlsx");
    let (a, b) = (
        std::fs::read(wd.path(&format!("fb1/{name}"))).unwrap(),
        std::fs::read(wd.path(&format!("fb2/{name}"))).unwrap(),
    );
    assert!(a == b, "two runs wrote different problem lists");
    contacts(&wd, unit);
    let mut ids = Vec::new();
    for outbox in ["o1", "o2"] {
        wd.run(&[
            "mail",
            "feedback",
            "--round",
            ROUND,
            "--contacts",
            "contacts.csv",
            "--outbox",
            outbox,
            "--returns",
            "returns",
            "--deadline",
            "2020-04-05",
            "--from",
            "区督考办 <office@example.org>",
        ]);
        let eml = std::fs::read_dir(wd.path(outbox))
            .unwrap()
            .flatten()
            .find(|e| e.file_name().to_string_lossy().ends_with(".eml"))
            .unwrap();
        let text = std::fs::read_to_string(eml.path()).unwrap();
        ids.push(
            text.lines()
                .find(|l| l.starts_with("Message-ID:"))
                .unwrap()
                .to_string(),
        );
    }
    assert_eq!(ids[0], ids[1]);
}

#[test]
fn too_many_zip_entries_are_counted_not_weighed() {
    // The entry count was reported as "文件解压后过大（2001 字节…）".
    use std::io::Write;
    let wd = Workdir::new("zip-entries");
    let clean = Return::clean(&cat(), "区科技局", ROUND, false).bytes();
    let mut src = zip::ZipArchive::new(std::io::Cursor::new(clean)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..src.len() {
        out.raw_copy_file(src.by_index_raw(i).unwrap()).unwrap();
    }
    let opts = zip::write::SimpleFileOptions::default();
    for i in 0..2001 {
        out.start_file(format!("xl/media/pad{i}.bin"), opts)
            .unwrap();
        out.write_all(b"x").unwrap();
    }
    let bytes = out.finish().unwrap().into_inner();
    wd.create("returns/科技局.xlsx", bytes);
    let v = json(&wd.output(&["check", "returns", "--format", "json"]));
    let issue = &v["files"][0]["issues"][0];
    assert_eq!(issue["code"], Code::FileZipBomb.as_str(), "{v:#}");
    let msg = issue["message"].as_str().unwrap();
    assert!(msg.contains("个") && !msg.contains("字节"), "{msg}");
}

#[test]
fn issues_about_a_cell_name_it() {
    // E-COLUMN-MISSING and W-BEHIND-SCHEDULE once carried no cell.
    let wd = Workdir::new("cells-named");
    let c = cat();
    let mut r = Return::clean(&c, "区科技局", "2020年第二季度", false);
    r.set(3, "完成进度(%)", V::N(20.0));
    let pct = r.cell(3, "完成进度(%)");
    wd.create("returns/科技局.xlsx", r.bytes());
    let mut r = Return::clean(&c, "区财政局", "2020年第二季度", false);
    r.rename_column("完成进度(%)", "附注");
    wd.create("returns/财政局.xlsx", r.bytes());
    wd.output(&[
        "merge",
        "returns",
        "--round",
        "2020年第二季度",
        "--out",
        "out",
    ])
    .assert_code(1);
    let report: Value = serde_json::from_str(&wd.read("out/2020年第二季度_校验报告.json")).unwrap();
    let issue = |file: &str, code: Code| -> Value {
        report["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"].as_str().unwrap().ends_with(file))
            .and_then(|f| {
                f["issues"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|i| i["code"] == code.as_str())
                    .cloned()
            })
            .unwrap_or_else(|| panic!("{code} in {file}: {report:#}"))
    };
    assert_eq!(
        issue("科技局.xlsx", Code::BehindSchedule)["cell"],
        pct.as_str()
    );
    let header_row = r.header_row() + 1;
    assert_eq!(
        issue("财政局.xlsx", Code::ColumnMissing)["cell"],
        format!("A{header_row}").as_str()
    );
}

#[test]
fn the_reader_child_is_judged_by_how_it_ended() {
    // The child's out-of-memory was recognised by grepping its English stderr, and a
    // failed setrlimit went unnoticed. Faults are injected into the child itself.
    let wd = Workdir::new("child-end");
    std::fs::copy(
        repo().join("tests/fixtures/hostile-dense-range.xls"),
        wd.path("a.xls"),
    )
    .unwrap();
    for (fault, code, words) in [
        ("abort", Code::FileTooLarge, "内存"),
        ("segv", Code::FileCorrupt, "损坏"),
        ("rlimit", Code::FileUnreadable, "无法限制读取进程的内存"),
    ] {
        let run = wd
            .command(&["check", "a.xls", "--format", "json"])
            .env("DUBAN_FAULT", format!("read-child:{fault}"))
            .output()
            .unwrap();
        let v: Value = serde_json::from_slice(&run.stdout).unwrap();
        let issue = &v["files"][0]["issues"][0];
        assert_eq!(issue["code"], code.as_str(), "{fault}: {v:#}");
        assert!(
            issue["message"].as_str().unwrap().contains(words),
            "{fault}: {issue:#}"
        );
    }
}

/// Runs a command in-process, as `main` would, and returns its error.
fn error_of(args: &[&str]) -> CliError {
    use clap::Parser;
    let mut all = vec!["duban"];
    all.extend_from_slice(args);
    match Cli::try_parse_from(all).unwrap().run() {
        Err(e) => e,
        Ok(o) => panic!("duban {} succeeded ({o:?})", args.join(" ")),
    }
}

#[test]
fn failures_are_told_apart_by_kind() {
    let wd = Workdir::new("error-kinds");
    let path = |p: &str| wd.path(p).to_string_lossy().into_owned();
    let r = Return::clean(&cat(), "区科技局", ROUND, false);
    wd.create("returns/科技局.xlsx", r.bytes());
    let (returns, out) = (path("returns"), path("out"));

    let merge = ["merge", &returns, "--round", ROUND, "--out", &out];
    wd.run(&merge);
    assert!(
        matches!(error_of(&merge), CliError::Write(e) if e.source.kind() == std::io::ErrorKind::AlreadyExists),
        "a second merge refuses to overwrite"
    );
    let mut bad_date = merge.to_vec();
    bad_date.extend(["--force", "--as-of", "2020-13-01"]);
    assert!(matches!(
        error_of(&bad_date),
        CliError::Date { option: "--as-of", source } if source.text == "2020-13-01"
    ));
    wd.create("c.toml", "[colour]\ntolerance = 120\n");
    let config = path("c.toml");
    let mut bad_config = merge.to_vec();
    bad_config.extend(["--force", "--config", &config]);
    assert!(matches!(
        error_of(&bad_config),
        CliError::Config(ConfigError::OutOfRange {
            name: "tolerance",
            ..
        })
    ));
    // A config that does not parse: where and what, in Chinese, not the toml crate's
    // English.
    wd.create("d.toml", "[colour]\ntolerance = 10\nred_gapp = 20\n");
    let typo = path("d.toml");
    let mut typo_config = merge.to_vec();
    typo_config.extend(["--force", "--config", &typo]);
    match error_of(&typo_config) {
        CliError::Config(e @ ConfigError::Format { .. }) => {
            let said = e.to_string();
            assert!(
                said.contains("第 3 行") && said.contains("不认识的设置项 red_gapp"),
                "{said}"
            );
            assert!(
                !said.contains("unknown field") && !said.contains("expected"),
                "{said}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        error_of(&["merge", &returns, "--round", " ", "--out", &out]),
        CliError::EmptyRound { option: "--round" }
    ));
    let nowhere = path("nowhere");
    assert!(matches!(
        error_of(&["check", &nowhere]),
        CliError::NoSuchPath(p) if p == Path::new(&nowhere)
    ));
    let inside = path("returns/out");
    assert!(matches!(
        error_of(&["merge", &returns, "--round", ROUND, "--out", &inside, "--force"]),
        CliError::OutputInsideInputs { .. }
    ));
    contacts(&wd, "区科技局");
    let contacts = path("contacts.csv");
    let outbox = path("outbox");
    assert!(matches!(
        error_of(&[
            "mail",
            "reminders",
            "--round",
            ROUND,
            "--contacts",
            &contacts,
            "--outbox",
            &outbox,
            "--returns",
            &returns
        ]),
        CliError::Mail(MailError::NoSender)
    ));
    assert!(matches!(
        error_of(&[
            "mail",
            "summaries",
            "--round",
            ROUND,
            "--contacts",
            &contacts,
            "--outbox",
            &outbox,
            "--from",
            "a@example.org"
        ]),
        CliError::Mail(MailError::NeedsOption {
            option: "--merged DIR",
            ..
        })
    ));
    assert!(matches!(
        error_of(&["catalog", "show", "--task", "78"]),
        CliError::NoSuchTask {
            number: 78,
            count: 77
        }
    ));
}
