//! `duban mail` with office files as they are saved, and with what duban already knows
//! (issue 14): a GBK CSV with CRLF from Excel, a contacts workbook, an unreadable file, a
//! unit missing from the contacts (dry run and `--send`), the round and deadline taken from
//! the templates folder, and the README's examples run exactly as written.

use std::path::PathBuf;
use std::process::Stdio;

use duban::error::CliError;
use duban::mail::contacts::ContactsError;
use duban::mail::MailError;
use serde_json::Value;

use crate::mail::{parse_mail, Smtp};
use crate::workdir::{repo, soffice_convert, Run, Workdir};

const ROUND: &str = "2020年第一季度";
const FROM: &str = "区督考办 <office@example.org>";
/// Three units, as the contacts write them (an alias, the 兗 variant) and canonically.
const UNITS: [(&str, &str); 3] = [
    ("区市场监督管理局", "区市场监管局"),
    ("新兗镇", "新兖镇"),
    ("小孟镇", "小孟镇"),
];

/// A folder with the three units' templates (round and deadline in the manifest).
fn setup(name: &str) -> Workdir {
    let wd = Workdir::new(name);
    let mut args = vec![
        "templates",
        "--round",
        ROUND,
        "--deadline",
        "2020-04-05",
        "--out",
        "tpl",
    ];
    for (_, u) in UNITS {
        args.extend(["--unit", u]);
    }
    wd.run(&args);
    wd
}

/// The contacts as the office types them: Chinese titles, one row per unit.
fn rows() -> Vec<[String; 5]> {
    let mut out = vec![["单位名称", "角色", "邮箱", "抄送", "联系人"].map(String::from)];
    for (i, (typed, _)) in UNITS.iter().enumerate() {
        out.push([
            typed.to_string(),
            "单位".into(),
            format!("u{i}@example.org"),
            if i == 0 {
                "a@example.org；b@example.org".into()
            } else {
                String::new()
            },
            format!("{typed}王主任"),
        ]);
    }
    out
}

/// `duban mail templates` dry run with these contacts, nothing else said.
fn mail_templates(wd: &Workdir, contacts: &str) -> Run {
    wd.output(&[
        "mail",
        "templates",
        "--contacts",
        contacts,
        "--templates",
        "tpl",
        "--outbox",
        "outbox",
        "--from",
        FROM,
    ])
}

/// Every .eml of an outbox, parsed as a mail client would.
fn emls(wd: &Workdir, outbox: &str) -> Vec<Value> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(wd.path(outbox))
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|x| x == "eml"));
    files.sort();
    parse_mail(&files)
}

/// The message whose subject names `unit`.
fn message_for<'a>(all: &'a [Value], unit: &str) -> &'a Value {
    all.iter()
        .find(|m| {
            m["subject"]
                .as_str()
                .unwrap()
                .contains(&format!("（{unit}）"))
        })
        .unwrap_or_else(|| panic!("no message for {unit}: {all:#?}"))
}

/// Asserts each unit's message: its addresses, its greeting, the round and the deadline.
fn assert_all_three(wd: &Workdir, outbox: &str) {
    let all = emls(wd, outbox);
    assert_eq!(all.len(), 3, "{all:#?}");
    for (i, (typed, unit)) in UNITS.iter().enumerate() {
        let m = message_for(&all, unit);
        assert!(m["to"]
            .as_str()
            .unwrap()
            .contains(&format!("u{i}@example.org")));
        if i == 0 {
            assert!(m["cc"].as_str().unwrap().contains("b@example.org"), "{m:#}");
        }
        let body = m["body"].as_str().unwrap();
        assert!(body.starts_with(&format!("{typed}王主任：")), "{body}");
        assert!(
            body.contains("于 2020年4月5日 前"),
            "deadline from the folder: {body}"
        );
        assert_eq!(
            m["subject"].as_str().unwrap(),
            format!("{ROUND}任务进展填报表（{unit}）")
        );
    }
}

#[test]
fn a_gbk_csv_with_crlf_from_excel_is_read() {
    // Excel on Chinese Windows saves "CSV (逗号分隔)" in GBK: it was refused as not UTF-8.
    let wd = setup("contacts-gbk");
    let text: String = rows()
        .iter()
        .map(|r| r.join(",") + "\r\n")
        .collect::<String>();
    let (gbk, _, lossy) = encoding_rs::GBK.encode(&text);
    assert!(!lossy && std::str::from_utf8(&gbk).is_err(), "really GBK");
    wd.create("联系人.csv", &gbk);
    mail_templates(&wd, "联系人.csv").assert_code(0);
    assert_all_three(&wd, "outbox");
    // The other titles offices give the columns, LF line ends, a leader's row among them.
    for header in [
        ["单位", "类别", "电子邮箱", "抄送", "联系人"],
        ["姓名", "角色", "收件人", "抄送", "联系方式"],
    ] {
        let mut all = rows();
        all[0] = header.map(String::from);
        all.push(["褚福梅", "领导", "cfm@example.org", "", ""].map(String::from));
        let text: String = all.iter().map(|r| r.join(",") + "\n").collect();
        let (gbk, _, _) = encoding_rs::GBK.encode(&text);
        wd.create("联系人2.csv", &gbk);
        std::fs::remove_dir_all(wd.path("outbox")).unwrap();
        mail_templates(&wd, "联系人2.csv").assert_code(0);
        assert_all_three(&wd, "outbox");
    }
}

#[test]
fn a_contacts_workbook_is_read_whatever_it_was_saved_as() {
    let wd = setup("contacts-xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("通讯录").unwrap();
    ws.write(0, 0, "2020年各单位联系人").unwrap();
    // Other titles the office uses: 名称, 类别, 收件人, 联系方式.
    let mut all = rows();
    all[0] = ["名称", "类别", "收件人", "抄送", "联系方式"].map(String::from);
    for (r, row) in all.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write(r as u32 + 1, c as u16, v.as_str()).unwrap();
        }
    }
    let src = wd.create("联系人.xlsx", book.save_to_buffer().unwrap());
    mail_templates(&wd, "联系人.xlsx").assert_code(0);
    assert_all_three(&wd, "outbox");
    for fmt in ["xls", "ods"] {
        let p = soffice_convert(&src, fmt, &wd.path(fmt));
        let rel = p
            .strip_prefix(&wd.dir)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        std::fs::remove_dir_all(wd.path("outbox")).unwrap();
        mail_templates(&wd, &rel).assert_code(0);
        assert_all_three(&wd, "outbox");
    }
}

/// Runs a command in-process, as `main` would, and returns its error.
fn error_of(args: &[&str]) -> CliError {
    use clap::Parser;
    let mut all = vec!["duban"];
    all.extend_from_slice(args);
    match duban::cli::Cli::try_parse_from(all).unwrap().run() {
        Err(e) => e,
        Ok(o) => panic!("duban {} succeeded ({o:?})", args.join(" ")),
    }
}

#[test]
fn a_contacts_file_that_cannot_be_read_is_one_message() {
    // A missing file gave one message, then one more per unit ("没有单位…的一行").
    let wd = setup("contacts-unreadable");
    wd.create("damaged.xlsx", b"PK\x03\x04 not really a workbook");
    wd.create("no-header.csv", "区科技局,a@example.org\r\n");
    wd.create("empty.csv", "\u{feff}\r\n");
    for (file, words) in [
        ("missing.csv", "找不到该文件"),
        ("damaged.xlsx", "损坏"),
        ("no-header.csv", "找不到列名行"),
        ("empty.csv", "是空的"),
    ] {
        let run = mail_templates(&wd, file);
        run.assert_code(2);
        let lines: Vec<String> = run
            .stderr()
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(String::from)
            .collect();
        assert_eq!(lines.len(), 1, "one message: {}", run.describe());
        assert!(
            lines[0].contains(file) && lines[0].contains(words),
            "{}",
            run.describe()
        );
        assert!(!wd.path("outbox").exists(), "nothing written");
    }
    let path = |p: &str| wd.path(p).to_string_lossy().into_owned();
    let (tpl, outbox) = (path("tpl"), path("outbox"));
    let error = |file: &str| {
        let contacts = path(file);
        error_of(&[
            "mail",
            "templates",
            "--contacts",
            &contacts,
            "--templates",
            &tpl,
            "--outbox",
            &outbox,
            "--from",
            FROM,
        ])
    };
    assert!(matches!(
        error("missing.csv"),
        CliError::Mail(MailError::ContactsFile(ContactsError::Read(e))) if e.is_not_found()
    ));
    assert!(matches!(
        error("damaged.xlsx"),
        CliError::Mail(MailError::ContactsFile(ContactsError::Workbook { .. }))
    ));
    assert!(matches!(
        error("no-header.csv"),
        CliError::Mail(MailError::ContactsFile(ContactsError::NoHeader { .. }))
    ));
    assert!(matches!(
        error("empty.csv"),
        CliError::Mail(MailError::ContactsFile(ContactsError::Empty { .. }))
    ));
}

#[test]
fn a_unit_missing_from_the_contacts_does_not_block_a_dry_run() {
    let wd = setup("contacts-missing");
    let mut text: Vec<String> = rows().iter().map(|r| r.join(",")).collect();
    text.remove(2); // 新兗镇
    wd.create("contacts.csv", text.join("\n") + "\n");
    let run = mail_templates(&wd, "contacts.csv");
    run.assert_code(1);
    let said = run.stdout();
    let note = said
        .lines()
        .position(|l| l.contains("没有以下 1 个收件人的邮箱"))
        .unwrap_or_else(|| panic!("{}", run.describe()));
    assert!(said
        .lines()
        .nth(note + 1)
        .unwrap()
        .contains("新兖镇（单位）"));
    assert!(
        said.contains("未生成：联系人表中没有邮箱"),
        "{}",
        run.describe()
    );
    let all = emls(&wd, "outbox");
    assert_eq!(all.len(), 2, "the others are written");
    for unit in ["区市场监管局", "小孟镇"] {
        message_for(&all, unit);
    }
}

#[test]
fn a_unit_missing_from_the_contacts_is_named_before_the_others_are_sent() {
    let wd = setup("contacts-missing-send");
    let smtp = Smtp::start(&wd, "server", &[]);
    let mut text: Vec<String> = rows().iter().map(|r| r.join(",")).collect();
    text.remove(3); // 小孟镇
    wd.create("contacts.csv", text.join("\r\n") + "\r\n");
    let mut args = vec![
        "mail",
        "templates",
        "--contacts",
        "contacts.csv",
        "--templates",
        "tpl",
        "--outbox",
        "outbox",
        "--from",
        FROM,
        "--send",
        "--rate",
        "0",
    ];
    args.extend(smtp.options("none"));
    let run = Run {
        args: args.iter().map(|s| s.to_string()).collect(),
        out: wd
            .command(&args)
            .env_remove("DUBAN_SMTP_PASSWORD")
            .stdin(Stdio::null())
            .output()
            .unwrap(),
    };
    run.assert_code(1);
    let said = run.stdout();
    let note = said.find("小孟镇（单位）").expect("named");
    let first_sent = said.find("已发送").expect("the others are sent");
    assert!(
        note < first_sent,
        "named before sending: {}",
        run.describe()
    );
    let got = smtp.received();
    assert_eq!(got.len(), 2, "{got:#?}");
    assert!(!got
        .iter()
        .any(|m| m["subject"].as_str().unwrap().contains("小孟镇")));
    let log = wd.read("outbox/sent-log.jsonl");
    assert_eq!(log.lines().filter(|l| l.contains("\"sent\"")).count(), 2);
}

#[test]
fn mail_templates_takes_round_and_deadline_from_the_templates_folder() {
    let wd = setup("known-round");
    wd.create("contacts.csv", csv_text(&rows()));
    // From the manifest (期次, 截止时间).
    mail_templates(&wd, "contacts.csv").assert_code(0);
    assert_all_three(&wd, "outbox");
    // A manifest from before those columns: from a template's identity.
    let manifest = wd.read("tpl/manifest.csv");
    let old: String = manifest
        .lines()
        .map(|l| l.split(',').take(5).collect::<Vec<_>>().join(",") + "\n")
        .collect();
    assert!(!old.contains("期次"));
    wd.create("tpl/manifest.csv", old);
    std::fs::remove_dir_all(wd.path("outbox")).unwrap();
    mail_templates(&wd, "contacts.csv").assert_code(0);
    assert_all_three(&wd, "outbox");
    // Given on the command line, the options win.
    let run = wd.output(&[
        "mail",
        "templates",
        "--contacts",
        "contacts.csv",
        "--templates",
        "tpl",
        "--outbox",
        "outbox2",
        "--from",
        FROM,
        "--deadline",
        "2020/4/10",
    ]);
    run.assert_code(0);
    let all = emls(&wd, "outbox2");
    assert!(all[0]["body"]
        .as_str()
        .unwrap()
        .contains("于 2020年4月10日 前"));
}

/// Rows as CSV text, LF line ends.
fn csv_text(rows: &[[String; 5]]) -> String {
    rows.iter().map(|r| r.join(",") + "\n").collect()
}

#[test]
fn the_readme_mail_examples_run_as_written() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let section = readme
        .split("### `duban mail`")
        .nth(1)
        .expect("the README has a mail section");
    let block = section
        .split("```sh\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("a sh block");
    let examples: Vec<&str> = block
        .lines()
        .filter(|l| l.starts_with("duban mail"))
        .collect();
    assert_eq!(examples.len(), 4, "{block}");

    let wd = Workdir::new("readme-mail");
    for f in ["contacts.csv", "mail.toml"] {
        std::fs::create_dir_all(wd.path("samples")).unwrap();
        std::fs::copy(repo().join("samples").join(f), wd.path("samples").join(f)).unwrap();
    }
    std::fs::create_dir_all(wd.path("samples/returns")).unwrap();
    for e in std::fs::read_dir(repo().join("samples/returns")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), wd.path("samples/returns").join(e.file_name())).unwrap();
    }
    // What the README says to run first.
    wd.run(&[
        "templates",
        "--round",
        ROUND,
        "--deadline",
        "2020-04-05",
        "--out",
        "模板",
    ]);
    wd.output(&[
        "merge",
        "samples/returns",
        "--round",
        ROUND,
        "--out",
        "汇总",
    ])
    .assert_code(1);
    let mut counts = Vec::new();
    for line in examples {
        let words: Vec<&str> = line.split_whitespace().skip(1).collect();
        let kind = words[1];
        let run = wd.output(&words);
        // Every sample return with problems names its unit (the .et by its file name).
        run.assert_code(0);
        assert!(run.stdout().contains("演练："), "{}", run.describe());
        let label = match kind {
            "templates" => "填报模板",
            "summaries" => "领导汇总",
            "reminders" => "催报提醒",
            _ => "校验反馈",
        };
        let n = std::fs::read_dir(wd.path("发件箱"))
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().contains(label))
            .count();
        counts.push((kind, n));
    }
    let cat = duban::catalog::Catalog::embedded();
    assert_eq!(
        counts,
        [
            ("templates", 74),
            ("summaries", cat.leaders().len()),
            ("reminders", 25),
            // The 9 returns with problems, the .et named by its file name among them.
            ("feedback", 9),
        ]
    );
    let all = emls(&wd, "发件箱");
    let reminder = all
        .iter()
        .find(|m| m["subject"].as_str().unwrap().starts_with("【提醒】"))
        .unwrap();
    assert!(
        reminder["body"].as_str().unwrap().contains("2020年4月5日"),
        "the deadline comes from 模板"
    );
    assert!(reminder["body"].as_str().unwrap().contains("0537-3412345"));
}

/// `rows()` with 新兗镇's address left empty, under the given titles and role of a unit.
fn with_unfilled(header: [&str; 5], unit_role: &str) -> String {
    let mut text = vec![header.join(",")];
    for row in &rows()[1..] {
        let mut row = row.clone();
        row[1] = unit_role.to_string();
        if row[0] == "新兗镇" {
            row[2].clear();
        }
        text.push(row.join(","));
    }
    text.join("\n") + "\n"
}

#[test]
fn a_row_without_an_address_is_named_to_be_completed_not_added_again() {
    // As `duban init` writes it: 单位/姓名, 类别, 邮箱 …, the row there with 邮箱 empty.
    let wd = setup("contacts-unfilled");
    wd.create(
        "contacts.csv",
        with_unfilled(["单位/姓名", "类别", "邮箱", "抄送", "联系人"], "单位"),
    );
    let run = mail_templates(&wd, "contacts.csv");
    run.assert_code(1);
    let said = run.stdout();
    assert!(
        said.contains("新兖镇（单位）：请在第 3 行填上邮箱"),
        "names the row to complete: {}",
        run.describe()
    );
    assert!(!said.contains("补一行"), "proposes no new row: {said}");
    assert_eq!(emls(&wd, "outbox").len(), 2, "{}", run.describe());
}

#[test]
fn contacts_with_the_old_english_titles_are_still_read() {
    // Workspaces made before the titles were Chinese: name, role, to, cc, contact; unit.
    let wd = setup("contacts-english");
    wd.create(
        "contacts.csv",
        with_unfilled(["name", "role", "to", "cc", "contact"], "unit"),
    );
    let run = mail_templates(&wd, "contacts.csv");
    run.assert_code(1);
    assert!(
        run.stdout().contains("新兖镇（单位）：请在第 3 行填上邮箱"),
        "{}",
        run.describe()
    );
    let all = emls(&wd, "outbox");
    assert_eq!(all.len(), 2, "{all:#?}");
    assert!(message_for(&all, "区市场监管局")["to"]
        .as_str()
        .unwrap()
        .contains("u0@example.org"));
}

#[test]
fn a_unit_with_no_row_is_told_which_row_to_add_with_the_chinese_titles() {
    let wd = setup("contacts-no-row");
    let mut text: Vec<String> = rows().iter().map(|r| r.join(",")).collect();
    text.remove(2); // 新兗镇
    wd.create("contacts.csv", text.join("\n") + "\n");
    let run = mail_templates(&wd, "contacts.csv");
    run.assert_code(1);
    assert!(
        run.stdout()
            .contains("请各补一行：单位/姓名,类别,邮箱,抄送,联系人，如“新兖镇,单位,邮箱,,联系人”"),
        "{}",
        run.describe()
    );
}
