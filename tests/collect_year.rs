//! `duban collect` over a year and over a mailbox as units really use it (issue 22, points 3
//! and 7), against the real Dovecot of tests/collect.rs: every return lands in its own
//! round's folder (early ones wait for their round, late ones go back to theirs); each
//! attachment is credited to the unit it names, not to the sender; bounces and auto-replies
//! credit no one; forwarded messages are opened.

use std::path::Path;
use std::process::Stdio;

use duban::catalog::Catalog;
use serde_json::Value;

use crate::collect::dovecot::Dovecot;
use crate::collect::mime::{Form, Mail};
use crate::returns::Return;
use crate::workdir::{Run, Workdir};

const R1: &str = "2020年第一季度";
const R2: &str = "2020年第二季度";
const R3: &str = "2020年第三季度";

/// `n` district units that hold tasks.
fn units(cat: &Catalog, n: usize) -> Vec<String> {
    cat.assignments()
        .keys()
        .filter(|u| u.starts_with('区'))
        .take(n)
        .cloned()
        .collect()
}

fn address(i: usize) -> String {
    format!("u{i:02}@units.test")
}

/// contacts.csv at `rel`: each unit its address.
fn write_contacts(wd: &Workdir, rel: &str, units: &[String]) {
    let mut csv = String::from("name,role,to,cc,contact\r\n");
    for (i, u) in units.iter().enumerate() {
        csv.push_str(&format!("{u},unit,{},,{u}办公室\r\n", address(i)));
    }
    wd.create(rel, csv);
}

/// A return of `unit` for `round`, mailed from `from`.
fn return_mail(c: &Catalog, id: &str, unit: &str, round: &str, from: &str) -> Mail {
    Mail::new(id, unit, from, "报送").attach(
        Form::Rfc2231Utf8,
        &format!("{unit}任务进展.xlsx"),
        &Return::clean(c, unit, round, false).bytes(),
    )
}

/// The files of a folder, but its log; none for a folder that is not there.
fn files(dir: &Path) -> Vec<String> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut v: Vec<String> = rd
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "收件记录.jsonl")
        .collect();
    v.sort();
    v
}

/// The receipts log's lines of a folder.
fn log(dir: &Path) -> Vec<Value> {
    std::fs::read_to_string(dir.join("收件记录.jsonl"))
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn sql(db: &Path, statement: &str) {
    let script =
        "import sqlite3, sys\nc = sqlite3.connect(sys.argv[1])\nc.execute(sys.argv[2])\nc.commit()";
    assert!(std::process::Command::new("python3")
        .args(["-c", script])
        .arg(db)
        .arg(statement)
        .status()
        .unwrap()
        .success());
}

/// A workspace `ws` whose duban.toml reads the test's Dovecot, with contacts.
fn workspace(wd: &Workdir, d: &Dovecot, units: &[String]) {
    wd.run(&["init", "ws"]);
    let config = wd
        .read("ws/duban.toml")
        .replace("imap-host = \"\"", "imap-host = \"127.0.0.1\"")
        .replace(
            "imap-security = \"tls\"",
            &format!("imap-security = \"none\"\nimap-port = {}", d.port),
        )
        .replace("imap-user = \"\"", "imap-user = \"office\"");
    wd.create("ws/duban.toml", config);
    write_contacts(wd, "ws/contacts.csv", units);
}

/// `duban <args>` run inside the workspace, the password in the environment.
fn in_ws(wd: &Workdir, args: &[&str]) -> Run {
    let mut cmd = wd.command(args);
    cmd.current_dir(wd.path("ws"))
        .env("DUBAN_IMAP_PASSWORD", "secret")
        .stdin(Stdio::null());
    Run {
        args: args.iter().map(|s| s.to_string()).collect(),
        out: cmd.output().unwrap(),
    }
}

/// Round 1 (opened 1 April, merged) and round 2 (opened 1 July, being collected): a late
/// correction of round 1 goes to round 1's 回收/ and asks for a new merge; a return of the
/// third quarter, sent before the office registered it, waits in 待归期/ and moves when
/// `round new` registers the round; a return that says no round goes with the round its
/// arrival falls in, with a warning; mail that came before round 2 was opened is still
/// read. Nothing is filed with round 2 that is not round 2's.
#[test]
fn every_return_lands_in_its_own_round() {
    let wd = Workdir::new("collect-year-rounds");
    let c = Catalog::embedded();
    let u = units(&c, 5);
    let mut d = Dovecot::start(&wd, "UTC");
    workspace(&wd, &d, &u);
    for (round, deadline) in [(R1, "2020-04-05"), (R2, "2020-07-05")] {
        in_ws(&wd, &["round", "new", round, "--deadline", deadline]).assert_code(0);
    }
    let db = wd.path("ws/督办台账.db");
    sql(&db, &format!("UPDATE rounds SET created_at = '2020-04-01T01:00:00Z', merged_at = '2020-04-08T01:00:00Z' WHERE name = '{R1}'"));
    sql(
        &db,
        &format!("UPDATE rounds SET created_at = '2020-07-01T01:00:00Z' WHERE name = '{R2}'"),
    );

    let mut nameless = Return::clean(&c, &u[4], R2, false);
    nameless.round = String::new();
    let nameless = Mail::new("<nameless@units.test>", &u[4], &address(4), "报送").attach(
        Form::Rfc2231Utf8,
        "任务进展.xlsx",
        &nameless.bytes(),
    );
    d.append(&[
        // Before round 2 was opened: a correction of round 1.
        (
            &return_mail(&c, "<r1-june@units.test>", &u[0], R1, &address(0)),
            "2020-06-20T02:00:00Z",
            &[],
        ),
        (
            &return_mail(&c, "<r1-late@units.test>", &u[1], R1, &address(1)),
            "2020-07-03T02:00:00Z",
            &[],
        ),
        (
            &return_mail(&c, "<r2@units.test>", &u[2], R2, &address(2)),
            "2020-07-04T02:00:00Z",
            &[],
        ),
        (
            &return_mail(&c, "<r3-early@units.test>", &u[3], R3, &address(3)),
            "2020-07-06T02:00:00Z",
            &[],
        ),
        (&nameless, "2020-07-02T02:00:00Z", &[]),
    ]);
    let run = in_ws(&wd, &["collect"]);
    run.assert_code(0);
    let out = run.stdout();
    let dir = |round: &str| wd.path(&format!("ws/rounds/{round}/回收"));
    let has = |round: &str, unit: &str| files(&dir(round)).iter().any(|f| f.contains(unit));
    assert!(has(R1, &u[0]) && has(R1, &u[1]), "{}", run.describe());
    assert!(has(R2, &u[2]) && has(R2, &u[4]), "{}", run.describe());
    assert_eq!(files(&dir(R2)).len(), 2, "{}", run.describe());
    let waiting = wd.path("ws/待归期");
    assert_eq!(files(&waiting).len(), 1, "{}", run.describe());
    assert!(files(&waiting)[0].contains(&u[3]));
    assert!(
        out.contains(&format!("需重新汇总：duban merge --round {R1}")),
        "{out}"
    );
    assert!(out.contains(&format!("尚未登记的期次“{R3}”")), "{out}");
    assert!(
        out.contains(&format!("无法判断填报期次（{}）", u[4])),
        "{out}"
    );

    // A rerun fetches nothing again, wherever it was filed.
    let again = in_ws(&wd, &["collect"]);
    again.assert_code(0);
    assert!(
        again.stdout().contains("本次收取 0 封"),
        "{}",
        again.describe()
    );

    // Round 2's check judges only round 2's returns: nothing of another round in it.
    let check = in_ws(&wd, &["check", "--round", R2, "--format", "json"]);
    assert!(
        !check.stdout().contains("E-ROUND-OTHER"),
        "{}",
        check.describe()
    );

    // Registering round 3 takes its early return in, with its receipt.
    let new = in_ws(&wd, &["round", "new", R3, "--deadline", "2020-10-05"]);
    new.assert_code(0);
    assert!(
        new.stdout().contains("移入提前报送的本期报表 1 份"),
        "{}",
        new.describe()
    );
    assert!(has(R3, &u[3]), "{:?}", files(&dir(R3)));
    assert!(files(&waiting).is_empty());
    assert!(log(&waiting).is_empty(), "{:?}", log(&waiting));
    let moved = log(&dir(R3));
    assert_eq!(moved.len(), 1, "{moved:?}");
    assert_eq!(moved[0]["message_id"], "<r3-early@units.test>");
    assert!(dir(R3).join(moved[0]["path"].as_str().unwrap()).exists());
}

/// A bounce of the office's own template mail: a multipart/report whose delivery-status
/// names the address that failed, the template itself returned inside.
fn bounce(to: &str, template: &[u8]) -> Vec<u8> {
    let inner = Mail::new(
        "<tpl.duban@district.test>",
        "区督考办",
        "office@district.test",
        "任务进展填报表",
    )
    .attach(Form::Rfc2231Utf8, "任务进展填报表.xlsx", template);
    let mut out = format!(
        "Message-ID: <bounce@mx.test>\r\nFrom: Mail Delivery System <MAILER-DAEMON@mx.test>\r\n\
         To: office@district.test\r\nSubject: Undelivered Mail Returned to Sender\r\n\
         Auto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/report; report-type=delivery-status; boundary=\"rep\"\r\n\r\n\
         --rep\r\nContent-Type: text/plain\r\n\r\nThe mail could not be delivered.\r\n\
         --rep\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.test\r\n\r\n\
         Final-Recipient: rfc822; {to}\r\nOriginal-Recipient: rfc822;{to}\r\nAction: failed\r\n\
         Status: 5.1.1\r\n\r\n--rep\r\nContent-Type: message/rfc822\r\n\r\n"
    )
    .into_bytes();
    out.extend_from_slice(&inner.bytes());
    out.extend_from_slice(b"\r\n--rep--\r\n");
    out
}

/// One office mails three units' returns: each is saved and logged under its own unit.
/// A bounce and an out-of-office reply credit no unit, and the bounce is told as 模板未送达
/// with the unit and the address. A return forwarded as message/rfc822 and one saved as an
/// .eml file and attached are both opened and taken.
#[test]
fn the_mailbox_as_units_use_it() {
    let wd = Workdir::new("collect-year-mailbox");
    let c = Catalog::embedded();
    let u = units(&c, 8);
    write_contacts(&wd, "contacts.csv", &u);
    let mut d = Dovecot::start(&wd, "UTC");
    let ret = |unit: &str| Return::clean(&c, unit, R1, false).bytes();

    // u[0]'s address sends the returns of u[1], u[2] and u[3].
    let mut three = Mail::new("<three@units.test>", &u[0], &address(0), "代报三个单位");
    for unit in &u[1..4] {
        three = three.attach(
            Form::Rfc2047Gbk,
            &format!("{unit}任务进展.xlsx"),
            &ret(unit),
        );
    }
    // An out-of-office reply from u[5], quoting the template back.
    let mut ooo = Mail::new(
        "<ooo@units.test>",
        &u[5],
        &address(5),
        "自动回复：任务进展填报表",
    )
    .attach(Form::Rfc2231Utf8, "任务进展填报表.xlsx", &ret(&u[5]))
    .bytes();
    let at = ooo.windows(4).position(|w| w == b"MIME").unwrap();
    ooo.splice(at..at, b"Auto-Submitted: auto-replied\r\n".iter().copied());
    // u[6]'s return forwarded by u[0] as an attached .eml file.
    let inner6 = return_mail(&c, "<orig6@units.test>", &u[6], R1, &address(6));
    let eml = Mail::new("<eml@units.test>", &u[0], &address(0), "转发").attach(
        Form::Rfc2231Utf8,
        "转发的报送邮件.eml",
        &inner6.bytes(),
    );
    // u[7]'s return forwarded as message/rfc822 by a stranger.
    let inner7 = return_mail(&c, "<orig7@units.test>", &u[7], R1, &address(7));
    let fwd = Mail::new(
        "<fwd@elsewhere.test>",
        "王五",
        "wang@elsewhere.test",
        "转发",
    )
    .forward(&inner7);

    d.append_raw(&[
        (three.bytes(), "2020-04-02T02:00:00Z", &[]),
        (
            bounce(&address(4), &ret(&u[4])),
            "2020-04-02T03:00:00Z",
            &[],
        ),
        (ooo, "2020-04-02T04:00:00Z", &[]),
        (eml.bytes(), "2020-04-02T05:00:00Z", &[]),
        (fwd.bytes(), "2020-04-02T06:00:00Z", &[]),
    ]);
    let run = crate::collect::collect(&wd, &d, "回收", "none", &[]);
    run.assert_code(0);
    let out = run.stdout();
    let saved = files(&wd.path("回收"));
    for unit in [&u[1], &u[2], &u[3], &u[6], &u[7]] {
        assert_eq!(
            saved
                .iter()
                .filter(|f| f.contains(&format!("_{unit}_")))
                .count(),
            1,
            "{unit}: {saved:?}\n{}",
            run.describe()
        );
    }
    assert_eq!(saved.len(), 5, "{saved:?}\n{}", run.describe());
    assert!(
        !saved.iter().any(|f| f.contains(&format!("_{}_", u[0]))),
        "the sender's unit is credited with nothing: {saved:?}"
    );
    let lines = log(&wd.path("回收"));
    for l in lines.iter().filter(|l| l.get("note").is_none()) {
        let path = l["path"].as_str().unwrap();
        assert!(
            path.contains(&format!("_{}_", l["unit"].as_str().unwrap())),
            "{l}"
        );
    }
    assert!(
        lines
            .iter()
            .all(|l| l["unit"] != u[4].as_str() && l["unit"] != u[5].as_str()),
        "{lines:#?}"
    );
    assert!(
        out.contains(&format!("模板未送达：{}（{}）", u[4], address(4))),
        "{out}"
    );
    assert!(out.contains("自动回复 1 封"), "{out}");
    assert!(!out.contains("未识别发件人"), "{out}");
}

/// A Word or PDF document sent instead of the workbook makes its unit 已报送未通过 with
/// 请使用 Excel 模板填报; a scanned PDF beside a valid workbook is kept and is no error. The
/// untouched template mailed back is 模板未填写, one problem, not one per empty cell.
#[test]
fn documents_instead_of_the_workbook_and_the_untouched_template() {
    let wd = Workdir::new("collect-year-documents");
    let c = Catalog::embedded();
    let u = units(&c, 4);
    write_contacts(&wd, "contacts.csv", &u);
    let mut d = Dovecot::start(&wd, "UTC");
    wd.run(&[
        "templates",
        "--round",
        R1,
        "--deadline",
        "2020-04-05",
        "--out",
        "模板",
        "--unit",
        &u[3],
    ]);
    let template = std::fs::read(
        wd.path("模板")
            .join(format!("{R1}_{}_任务进展填报表.xlsx", u[3])),
    )
    .unwrap();
    let docx = Mail::new("<docx@units.test>", &u[0], &address(0), "报送").attach(
        Form::Rfc2231Utf8,
        "任务进展情况.docx",
        b"PK\x03\x04 word",
    );
    let pdf = Mail::new("<pdf@units.test>", &u[1], &address(1), "报送").attach(
        Form::Rfc2047Gbk,
        "任务进展情况.pdf",
        b"%PDF-1.4 typed",
    );
    let both = return_mail(&c, "<both@units.test>", &u[2], R1, &address(2)).attach(
        Form::Rfc2047Gbk,
        "盖章扫描件.pdf",
        b"%PDF-1.4 stamp",
    );
    let untouched = Mail::new(
        "<re@units.test>",
        &u[3],
        &address(3),
        "回复：任务进展填报表",
    )
    .attach(Form::Rfc2231Utf8, "任务进展填报表.xlsx", &template);
    d.append(&[
        (&docx, "2020-04-02T02:00:00Z", &[]),
        (&pdf, "2020-04-02T03:00:00Z", &[]),
        (&both, "2020-04-02T04:00:00Z", &[]),
        (&untouched, "2020-04-02T05:00:00Z", &[]),
    ]);
    let run = crate::collect::collect(
        &wd,
        &d,
        "回收",
        "none",
        &[
            "--round",
            R1,
            "--reply",
            "--outbox",
            "发件箱",
            "--from",
            "区督考办 <office@duban.test>",
        ],
    );
    run.assert_code(0);

    // The untouched template is answered as such: its own text, no problem list.
    let outbox = wd.path("发件箱");
    let answers: Vec<String> = std::fs::read_dir(&outbox)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".eml") && n.contains(&u[3]))
        .collect();
    assert_eq!(answers.len(), 1, "{answers:?}\n{}", run.describe());
    assert!(answers[0].contains("模板未填写"), "{answers:?}");
    let (subject, body, parts) = eml_text(&outbox.join(&answers[0]));
    assert!(subject.contains("尚未填写"), "{subject}");
    assert!(
        body.contains("模板未填写") && body.contains("仍记为未报送"),
        "{body}"
    );
    assert!(!body.contains("退回") && !body.contains("怎么改"), "{body}");
    assert_eq!(parts, 0, "no problem list is attached");
    let sent_log = std::fs::read_to_string(outbox.join("sent-log.jsonl")).unwrap();
    let kinds: Vec<Value> = (sent_log.lines())
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|e| e["recipient"] == u[3].as_str())
        .map(|e| e["kind"].clone())
        .collect();
    assert_eq!(kinds, ["untouched"], "{sent_log}");

    let check = wd.output(&["check", "--round", R1, "--format", "json", "回收"]);
    let v: Value = serde_json::from_str(&check.stdout()).unwrap();
    let rejected: Vec<&str> = v["rejected_units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u.as_str().unwrap())
        .collect();
    for unit in [&u[0], &u[1]] {
        assert!(rejected.contains(&unit.as_str()), "{unit}: {v:#}");
    }
    assert!(!rejected.contains(&u[2].as_str()), "{v:#}");
    // The untouched template is not a return: its unit has not reported.
    assert!(!rejected.contains(&u[3].as_str()), "{v:#}");
    assert!(
        v["missing_units"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m == u[3].as_str()),
        "{v:#}"
    );
    let of = |unit: &str| -> Vec<Value> {
        v["files"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["unit"] == unit)
            .cloned()
            .collect()
    };
    for unit in [&u[0], &u[1]] {
        let f = of(unit);
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(f[0]["issues"][0]["code"], "E-FILE-DOCUMENT", "{f:#?}");
        assert!(f[0]["issues"][0]["message"]
            .as_str()
            .unwrap()
            .contains("请使用 Excel 模板填报"));
    }
    let f = of(&u[2]);
    assert_eq!(f.len(), 1, "only the workbook is a return: {f:#?}");
    assert_eq!(f[0]["status"], "accepted", "{f:#?}");
    let f = of(&u[3]);
    let codes: Vec<&str> = f[0]["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["E-TEMPLATE-EMPTY"], "{f:#?}");

    // The text report lists it as 模板未填写, not among the files sent back.
    let text = wd.output(&["check", "--round", R1, "回收"]).stdout();
    let section = text.split("━━ 模板未填写").nth(1).unwrap_or_default();
    assert!(section.contains(u[3].as_str()), "{text}");
    let returned = text.split("━━ 退回的文件").nth(1).unwrap_or_default();
    let returned = returned.split("━━ 模板未填写").next().unwrap_or_default();
    assert!(!returned.contains(u[3].as_str()), "{text}");
}

/// An .eml's decoded subject, its text body, and how many attachments it has.
fn eml_text(path: &Path) -> (String, String, usize) {
    let script = "import email, email.policy, json, sys\n\
m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default)\n\
body = m.get_body(preferencelist=('plain',)).get_content()\n\
print(json.dumps([str(m['subject']), body, len(list(m.iter_attachments()))]))";
    let out = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    (
        v[0].as_str().unwrap().to_string(),
        v[1].as_str().unwrap().to_string(),
        v[2].as_u64().unwrap() as usize,
    )
}

/// The .eml files of an outbox, by name; none for an outbox that is not there.
fn emls(outbox: &Path) -> Vec<String> {
    files(outbox)
        .into_iter()
        .filter(|n| n.ends_with(".eml"))
        .collect()
}

/// `collect --reply` in a workspace answers a late return of round 1 from round 1's
/// outbox (its .eml and sent log there, not in round 2's), a return of round 2 from round
/// 2's, and a return of a round not registered yet not at all, saying so; once `round new`
/// has taken that return in, the next `collect --reply` for its round answers it, once.
#[test]
fn answers_go_to_each_returns_round_and_waiting_ones_wait() {
    let wd = Workdir::new("collect-year-replies");
    let c = Catalog::embedded();
    let u = units(&c, 4);
    let mut d = Dovecot::start(&wd, "UTC");
    workspace(&wd, &d, &u);
    for (round, deadline) in [(R1, "2020-04-05"), (R2, "2020-07-05")] {
        in_ws(&wd, &["round", "new", round, "--deadline", deadline]).assert_code(0);
    }
    let db = wd.path("ws/督办台账.db");
    sql(&db, &format!("UPDATE rounds SET created_at = '2020-04-01T01:00:00Z', merged_at = '2020-04-08T01:00:00Z' WHERE name = '{R1}'"));
    sql(
        &db,
        &format!("UPDATE rounds SET created_at = '2020-07-01T01:00:00Z' WHERE name = '{R2}'"),
    );
    d.append(&[
        (
            &return_mail(&c, "<r1-late@units.test>", &u[1], R1, &address(1)),
            "2020-07-03T02:00:00Z",
            &[],
        ),
        (
            &return_mail(&c, "<r2@units.test>", &u[2], R2, &address(2)),
            "2020-07-04T02:00:00Z",
            &[],
        ),
        (
            &return_mail(&c, "<r3-early@units.test>", &u[3], R3, &address(3)),
            "2020-07-06T02:00:00Z",
            &[],
        ),
    ]);
    let reply = |round: &str| {
        in_ws(
            &wd,
            &[
                "collect",
                "--round",
                round,
                "--reply",
                "--from",
                "区督考办 <office@duban.test>",
            ],
        )
    };
    let run = reply(R2);
    run.assert_code(0);
    let outbox = |round: &str| wd.path(&format!("ws/rounds/{round}/发件箱"));
    let of = |round: &str, unit: &str| -> Vec<String> {
        emls(&outbox(round))
            .into_iter()
            .filter(|n| n.contains(unit))
            .collect()
    };
    assert_eq!(
        of(R1, &u[1]).len(),
        1,
        "{:?}\n{}",
        emls(&outbox(R1)),
        run.describe()
    );
    assert!(of(R1, &u[1])[0].starts_with(R1), "{:?}", of(R1, &u[1]));
    assert!(of(R2, &u[1]).is_empty(), "{:?}", emls(&outbox(R2)));
    assert_eq!(of(R2, &u[2]).len(), 1, "{:?}", emls(&outbox(R2)));
    let logged = |round: &str| -> Vec<Value> {
        std::fs::read_to_string(outbox(round).join("sent-log.jsonl"))
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    let r1 = logged(R1);
    assert!(
        r1.iter()
            .any(|e| e["round"] == R1 && e["recipient"] == u[1].as_str()),
        "{r1:#?}"
    );
    assert!(
        !logged(R2).iter().any(|e| e["recipient"] == u[1].as_str()),
        "{:#?}",
        logged(R2)
    );
    // The early return of round 3 is not answered, and the summary says why.
    for round in [R1, R2] {
        assert!(of(round, &u[3]).is_empty(), "{:?}", emls(&outbox(round)));
    }
    assert!(
        run.stdout()
            .contains("另有 1 封来信的报表属于尚未登记的期次"),
        "{}",
        run.describe()
    );

    // Round 3 registered: its return is taken in and the next run answers it, once.
    in_ws(&wd, &["round", "new", R3, "--deadline", "2020-10-05"]).assert_code(0);
    let run = reply(R3);
    run.assert_code(0);
    assert_eq!(
        of(R3, &u[3]).len(),
        1,
        "{:?}\n{}",
        emls(&outbox(R3)),
        run.describe()
    );
    let r3 = logged(R3);
    let drafts = |log: &[Value]| {
        log.iter()
            .filter(|e| e["recipient"] == u[3].as_str())
            .count()
    };
    assert_eq!(drafts(&r3), 1, "{r3:#?}");
    reply(R3).assert_code(0);
    assert_eq!(drafts(&logged(R3)), 1, "answered once: {:#?}", logged(R3));
}
