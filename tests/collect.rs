//! `duban collect` against a real IMAP server, Dovecot (tests/imap/dovecot.py), started here
//! on 127.0.0.1 with its own CA, plain, STARTTLS and implicit TLS, in a zone that is not the
//! office's. The mail put there is built byte by byte (tests/collect/mime.rs): every
//! attachment-name form Chinese clients write, a zip with GBK member names, a forwarded
//! return, the same message twice, messages with no spreadsheet or no attachment at all,
//! senders the contacts do not know, a corrected return sent later. Dovecot's flags are read
//! before and after with Python's imaplib, independently of duban.

pub mod dovecot;
mod hostile;
pub mod mime;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Stdio;

use duban::catalog::Catalog;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::mail::Smtp;
use crate::returns::{gbk_zip, Return, V};
use crate::workdir::{repo, Run, Workdir};
use dovecot::Dovecot;
use mime::{Form, Mail};

const ROUND: &str = "2020年第一季度";

fn cat() -> Catalog {
    Catalog::embedded()
}

/// `n` district units that hold tasks.
fn units(cat: &Catalog, n: usize) -> Vec<String> {
    let units: Vec<String> = cat
        .assignments()
        .keys()
        .filter(|u| u.starts_with('区'))
        .take(n)
        .cloned()
        .collect();
    assert_eq!(units.len(), n);
    units
}

fn address(i: usize) -> String {
    format!("u{i:02}@units.test")
}

/// contacts.csv: each unit its address, and a cc address (`uNN-office@…`).
fn write_contacts(wd: &Workdir, units: &[String]) {
    let mut csv = String::from("name,role,to,cc,contact\r\n");
    for (i, u) in units.iter().enumerate() {
        csv.push_str(&format!(
            "{u},unit,{},u{i:02}-office@units.test,{u}办公室\r\n",
            address(i)
        ));
    }
    wd.create("contacts.csv", csv);
}

/// `duban collect --into INTO --contacts contacts.csv` against the server, the password in
/// the environment.
pub fn collect(wd: &Workdir, d: &Dovecot, into: &str, security: &str, extra: &[&str]) -> Run {
    let mut args = collect_args(d, into, security);
    args.extend(extra.iter().map(|a| a.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run_with_password(wd, &args, Some("secret"))
}

/// `duban collect` from the test's Dovecot into `into`, over `security`.
fn collect_args(d: &Dovecot, into: &str, security: &str) -> Vec<String> {
    let port = match security {
        "tls" => d.tls_port,
        _ => d.port,
    }
    .to_string();
    let mut args = vec![
        "collect",
        "--into",
        into,
        "--contacts",
        "contacts.csv",
        "--imap-host",
        "127.0.0.1",
        "--imap-port",
        &port,
        "--imap-security",
        security,
        "--imap-user",
        "office",
    ];
    if security != "none" {
        args.extend(["--imap-ca", &d.ca]);
    }
    args.into_iter().map(String::from).collect()
}

fn run_with_password(wd: &Workdir, args: &[&str], password: Option<&str>) -> Run {
    let mut cmd = wd.command(args);
    cmd.env_remove("DUBAN_IMAP_PASSWORD")
        .env_remove("DUBAN_SMTP_PASSWORD")
        .stdin(Stdio::null());
    if let Some(p) = password {
        cmd.env("DUBAN_IMAP_PASSWORD", p);
    }
    Run {
        args: args.iter().map(|s| s.to_string()).collect(),
        out: cmd.output().unwrap(),
    }
}

/// The receipts log's lines.
fn log(wd: &Workdir, into: &str) -> Vec<Value> {
    wd.read(&format!("{into}/收件记录.jsonl"))
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The files of a folder, but its log.
fn files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "收件记录.jsonl")
        .collect();
    v.sort();
    v
}

fn sha(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// An instant (RFC 3339) in Beijing time: (`YYYYMMDD-HHMMSS`, RFC 3339 with +08:00).
fn beijing(at: &str) -> (String, String) {
    let t: jiff::Timestamp = at.parse().unwrap();
    let local = jiff::tz::offset(8).to_datetime(t);
    (
        local.strftime("%Y%m%d-%H%M%S").to_string(),
        local.strftime("%Y-%m-%dT%H:%M:%S+08:00").to_string(),
    )
}

/// What one saved attachment must look like.
struct Expect {
    unit: String,
    name: String,
    sha256: String,
    sender: String,
    subject: String,
    at: String,
}

impl Expect {
    fn file(&self) -> String {
        format!("{}_{}_{}", beijing(&self.at).0, self.unit, self.name)
    }
}

#[test]
fn every_name_form_is_saved_under_its_name_and_arrival_once() {
    let wd = Workdir::new("collect-forms");
    let c = cat();
    let units = units(&c, 22);
    write_contacts(&wd, &units);
    // The server's zone is not the office's: INTERNALDATE comes back in -07:00.
    let mut d = Dovecot::start(&wd, "America/Los_Angeles");
    let mut mails: Vec<(Mail, String, Vec<&str>)> = Vec::new();
    let mut expect: Vec<Expect> = Vec::new();
    let at = |i: usize| format!("2020-04-{:02}T{:02}:17:00Z", 1 + i / 12, (i % 12) * 2);
    // Each unit's return, made once (a workbook records when it was made).
    let made: BTreeMap<&str, Vec<u8>> = units
        .iter()
        .map(|u| (u.as_str(), Return::clean(&c, u, ROUND, false).bytes()))
        .collect();
    let ret = |u: &str| made[u].clone();

    for (i, form) in Form::ALL.iter().enumerate() {
        let unit = &units[i];
        let name = if form.takes_any_character() {
            format!("{unit}_王䶮_任务进展.xlsx")
        } else if *form == Form::RawGbk {
            // 乗 is 0x81 0x5C in GBK: its second byte is a backslash.
            format!("{unit}（乗）任务进展填报表.xlsx")
        } else {
            format!("{unit}_2020年第一季度任务进展（终稿）.xlsx")
        };
        let bytes = ret(unit);
        let subject = format!("报送：{name}");
        let mail = Mail::new(
            &format!("<form{i}@units.test>"),
            &format!("{unit} 张三"),
            &address(i),
            &subject,
        )
        .attach(*form, &name, &bytes);
        expect.push(Expect {
            unit: unit.clone(),
            name,
            sha256: sha(&bytes),
            sender: address(i),
            subject,
            at: at(i),
        });
        let flags = match i {
            0 => vec!["\\Seen"],
            3 => vec!["\\Seen", "\\Flagged"],
            5 => vec!["\\Answered"],
            _ => vec![],
        };
        mails.push((mail, at(i), flags));
    }

    // A zip whose members have GBK names, as Windows' own zip writes them.
    let z = &units[15];
    let zip = gbk_zip(&[
        (
            &format!("{z}/2020年第一季度_{z}_任务进展填报表.xlsx"),
            ret(z),
        ),
        ("盖章扫描件.pdf", b"%PDF-1.4 scanned".to_vec()),
    ]);
    let zip_name = format!("{z}报送材料.zip");
    mails.push((
        Mail::new("<zip@units.test>", z, &address(15), "报送材料").attach(
            Form::Rfc2047Gbk,
            &zip_name,
            &zip,
        ),
        at(15),
        vec![],
    ));
    expect.push(Expect {
        unit: z.clone(),
        name: zip_name,
        sha256: sha(&zip),
        sender: address(15),
        subject: "报送材料".into(),
        at: at(15),
    });

    // A return forwarded as an attachment (message/rfc822).
    let f = &units[16];
    let f_name = format!("{f}任务进展.xlsx");
    let inner = Mail::new("<inner@units.test>", f, "clerk@units.test", "原邮件").attach(
        Form::Rfc2231Utf8,
        &f_name,
        &ret(f),
    );
    mails.push((
        Mail::new("<fwd@units.test>", f, &address(16), "转发：报送").forward(&inner),
        at(16),
        vec![],
    ));
    expect.push(Expect {
        unit: f.clone(),
        name: f_name,
        sha256: sha(&ret(f)),
        sender: address(16),
        subject: "转发：报送".into(),
        at: at(16),
    });

    // The same message delivered twice: saved once, its first arrival kept.
    let dup = &units[17];
    let dup_name = format!("{dup}填报表.xlsx");
    let dup_mail = || {
        Mail::new("<twice@units.test>", dup, &address(17), "报送").attach(
            Form::Rfc2231Utf8,
            &dup_name,
            &ret(dup),
        )
    };
    mails.push((dup_mail(), at(17), vec![]));
    mails.push((dup_mail(), at(18), vec!["\\Seen"]));
    expect.push(Expect {
        unit: dup.clone(),
        name: dup_name.clone(),
        sha256: sha(&ret(dup)),
        sender: address(17),
        subject: "报送".into(),
        at: at(17),
    });

    // No attachment at all.
    mails.push((
        Mail::new(
            "<question@units.test>",
            &units[18],
            &address(18),
            "请问填报表在哪里下载？",
        ),
        at(19),
        vec![],
    ));

    // A sender the contacts do not know, whose return names its unit only inside.
    let s = &units[19];
    mails.push((
        Mail::new(
            "<stranger@elsewhere.test>",
            "王五",
            "stranger@elsewhere.test",
            "报表",
        )
        .attach(Form::Rfc2231Utf8, "任务进展填报表.xlsx", &ret(s)),
        at(20),
        vec![],
    ));
    expect.push(Expect {
        unit: s.clone(),
        name: "任务进展填报表.xlsx".into(),
        sha256: sha(&ret(s)),
        sender: "stranger@elsewhere.test".into(),
        subject: "报表".into(),
        at: at(20),
    });

    // An unknown sender with no spreadsheet: saved, listed, named 未识别发件人.
    mails.push((
        Mail::new(
            "<pdf@elsewhere.test>",
            "赵六",
            "nobody@elsewhere.test",
            "通知",
        )
        .attach(Form::Rfc2047Gbk, "通知.pdf", b"%PDF-1.4 notice"),
        at(21),
        vec![],
    ));
    expect.push(Expect {
        unit: "未识别发件人".into(),
        name: "通知.pdf".into(),
        sha256: sha(b"%PDF-1.4 notice"),
        sender: "nobody@elsewhere.test".into(),
        subject: "通知".into(),
        at: at(21),
    });

    // A unit writing from its cc address, a scanned letter beside its return.
    let cc = &units[21];
    let cc_name = format!("{cc}报表.xlsx");
    mails.push((
        Mail::new("<cc@units.test>", cc, "u21-office@units.test", "报送")
            .attach(Form::Rfc2047Gbk, &cc_name, &ret(cc))
            .attach(Form::Rfc2047Gbk, "盖章页.pdf", b"%PDF-1.4 stamp"),
        at(22),
        vec![],
    ));
    for (name, bytes) in [
        (cc_name.as_str(), ret(cc)),
        ("盖章页.pdf", b"%PDF-1.4 stamp".to_vec()),
    ] {
        expect.push(Expect {
            unit: cc.clone(),
            name: name.to_string(),
            sha256: sha(&bytes),
            sender: "u21-office@units.test".into(),
            subject: "报送".into(),
            at: at(22),
        });
    }

    let refs: Vec<(&Mail, &str, &[&str])> = mails
        .iter()
        .map(|(m, a, f)| (m, a.as_str(), f.as_slice()))
        .collect();
    d.append(&refs);
    let flags_before = d.flags();
    assert_eq!(flags_before.len(), mails.len());

    let run = collect(&wd, &d, "回收", "none", &[]);
    run.assert_code(0);
    let out = run.stdout();
    assert_readme_shows(&out);

    // Every attachment under <收到时间 in +08:00>_<单位>_<its decoded name>, bytes unchanged.
    let mut want: Vec<String> = expect.iter().map(Expect::file).collect();
    want.sort();
    assert_eq!(files(&wd.path("回收")), want, "{}", run.describe());
    for e in &expect {
        let bytes = std::fs::read(wd.path("回收").join(e.file())).unwrap();
        assert_eq!(sha(&bytes), e.sha256, "{}", e.file());
    }

    // The log: one line per attachment saved, with the message's identity and arrival.
    let lines = log(&wd, "回收");
    let uidvalidity = &lines[0]["uidvalidity"];
    for e in &expect {
        let l = lines
            .iter()
            .find(|l| l["path"] == e.file().as_str() && l.get("note").is_none())
            .unwrap_or_else(|| panic!("no receipt for {}: {lines:#?}", e.file()));
        assert_eq!(l["name"], e.name.as_str());
        assert_eq!(l["unit"], e.unit.as_str());
        assert_eq!(l["sender"], e.sender.as_str());
        assert_eq!(l["subject"], e.subject.as_str());
        assert_eq!(l["sha256"], e.sha256.as_str());
        assert_eq!(l["received_at"], beijing(&e.at).1.as_str(), "{l}");
        assert_eq!(&l["uidvalidity"], uidvalidity);
        assert!(l["uid"].as_u64().unwrap() >= 1);
        assert!(l["message_id"].as_str().unwrap().starts_with('<'));
    }
    let noted =
        |note: &str| -> Vec<&Value> { lines.iter().filter(|l| l["note"] == note).collect() };
    let copies = noted("duplicate");
    assert_eq!(copies.len(), 1, "{lines:#?}");
    assert_eq!(copies[0]["path"], expect[17].file().as_str());
    assert_eq!(copies[0]["message_id"], "<twice@units.test>");
    assert_eq!(noted("no-attachment").len(), 1);
    assert_eq!(lines.len(), expect.len() + 2);

    // The summary: new returns by unit, the copy, the strangers, what has no spreadsheet.
    assert!(
        out.contains(&format!(
            "共 {} 封邮件，此前已收取 0 封，本次收取 {} 封",
            mails.len(),
            mails.len()
        )),
        "{out}"
    );
    assert!(out.contains("新保存报表 20 份"), "{out}");
    assert!(out.contains("重复投递的邮件 1 封"), "{out}");
    assert!(
        out.contains(&format!("stranger@elsewhere.test → {s}（由附件识别）")),
        "{out}"
    );
    assert!(
        out.contains("nobody@elsewhere.test → 未识别发件人"),
        "{out}"
    );
    assert!(out.contains("无报表附件的邮件 2 封"), "{out}");
    for (who, subject, at) in [
        (address(18), "请问填报表在哪里下载？", at(19)),
        ("nobody@elsewhere.test".to_string(), "通知", at(21)),
    ] {
        let (stamp, _) = beijing(&at);
        let shown = format!(
            "{}-{}-{} {}:{}",
            &stamp[..4],
            &stamp[4..6],
            &stamp[6..8],
            &stamp[9..11],
            &stamp[11..13]
        );
        let row = out
            .lines()
            .find(|l| l.contains(subject))
            .unwrap_or_else(|| panic!("{subject} not listed: {out}"));
        assert!(row.contains(&who) && row.contains(&shown), "{row}");
    }
    // The scans in the zip stay in the zip; the two sent as files are listed.
    assert!(out.contains("另存其他附件 2 个"), "{out}");

    // Nothing changed on the server.
    assert_eq!(d.flags(), flags_before);

    // A rerun fetches nothing and saves nothing.
    let again = collect(&wd, &d, "回收", "none", &[]);
    again.assert_code(0);
    assert!(
        again
            .stdout()
            .contains(&format!("此前已收取 {} 封，本次收取 0 封", mails.len())),
        "{}",
        again.describe()
    );
    assert_eq!(files(&wd.path("回收")), want);
    assert_eq!(log(&wd, "回收").len(), lines.len());
    assert_eq!(d.flags(), flags_before);
    // The control: a client that opens a message changes its flags, and that shows.
    d.open_as_a_client(2);
    assert_ne!(d.flags(), flags_before);

    // The check reads the folder as it is: the zip as a folder with its GBK names, each
    // return with its arrival.
    let check = wd.output(&["check", "回收", "--round", ROUND, "--format", "json"]);
    let v: Value =
        serde_json::from_str(&check.stdout()).unwrap_or_else(|_| panic!("{}", check.describe()));
    let member = format!(
        "回收/{}!{z}/2020年第一季度_{z}_任务进展填报表.xlsx",
        expect[15].file()
    );
    let m = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == member.as_str())
        .unwrap_or_else(|| panic!("no {member}: {v:#}"));
    assert_eq!(m["unit"], z.as_str());
    assert_eq!(m["received_at"], beijing(&at(15)).1.as_str());
    assert_eq!(m["status"], "accepted", "{m:#}");
}

/// The README's example of the summary is what the binary prints: each line shown is a line
/// of the output (one ending in … a prefix of one), in the same order.
fn assert_readme_shows(printed: &str) {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let start = readme
        .find("the one `tests/collect.rs` builds")
        .expect("README: the collect example");
    let rest = &readme[start..];
    let open = rest.find("```text\n").unwrap() + "```text\n".len();
    let close = rest[open..].find("```").unwrap();
    let lines: Vec<&str> = printed.lines().collect();
    let mut at = 0;
    for want in rest[open..open + close]
        .lines()
        .filter(|l| !l.trim().is_empty())
    {
        let found = lines[at..]
            .iter()
            .position(|l| match want.strip_suffix('…') {
                Some(prefix) => l.starts_with(prefix),
                None => *l == want,
            });
        let Some(i) = found else {
            panic!("README line not printed (in order): {want}\n--- printed ---\n{printed}");
        };
        at += i + 1;
    }
}

/// One clean return of `unit`, mailed from `from`.
fn one_return(c: &Catalog, id: &str, unit: &str, from: &str) -> Mail {
    let name = format!("{unit}任务进展.xlsx");
    Mail::new(id, unit, from, "报送").attach(
        Form::Rfc2231Utf8,
        &name,
        &Return::clean(c, unit, ROUND, false).bytes(),
    )
}

#[test]
fn tls_starttls_the_office_ca_and_the_password() {
    let wd = Workdir::new("collect-tls");
    let c = cat();
    let units = units(&c, 1);
    write_contacts(&wd, &units);
    let mut d = Dovecot::start(&wd, "Asia/Shanghai");
    let m = one_return(&c, "<tls@units.test>", &units[0], &address(0));
    d.append(&[(&m, "2020-04-02T02:00:00Z", &[])]);
    let saved = format!("20200402-100000_{}_{}任务进展.xlsx", units[0], units[0]);

    // Implicit TLS, trusting the office's CA.
    collect(&wd, &d, "tls", "tls", &[]).assert_code(0);
    assert_eq!(files(&wd.path("tls")), std::slice::from_ref(&saved));
    // STARTTLS on the plain port.
    collect(&wd, &d, "starttls", "starttls", &[]).assert_code(0);
    assert_eq!(files(&wd.path("starttls")), std::slice::from_ref(&saved));

    // Without the CA the certificate is not trusted, and nothing is saved.
    let port = d.tls_port.to_string();
    let base = [
        "collect",
        "--into",
        "bad",
        "--imap-host",
        "127.0.0.1",
        "--imap-port",
        &port,
        "--imap-user",
        "office",
    ];
    let run = run_with_password(&wd, &base, Some("secret"));
    run.assert_code(2);
    assert!(run.stderr().contains("UnknownIssuer"), "{}", run.describe());
    assert!(!wd.path("bad").exists() || files(&wd.path("bad")).is_empty());

    // The password: only from the environment (or a prompt); a wrong one is named as such.
    let with_ca = [&base[..], &["--imap-ca", &d.ca]].concat();
    let run = run_with_password(&wd, &with_ca, None);
    run.assert_code(2);
    assert!(
        run.stderr().contains("DUBAN_IMAP_PASSWORD"),
        "{}",
        run.describe()
    );
    let run = run_with_password(&wd, &with_ca, Some("wrong"));
    run.assert_code(2);
    assert!(
        run.stderr().contains("拒绝了用户 office 的登录"),
        "{}",
        run.describe()
    );
    let run = wd.output(&["collect", "--into", "bad", "--imap-password", "secret"]);
    run.assert_code(2);

    // No encryption only to this machine.
    let run = run_with_password(
        &wd,
        &[
            "collect",
            "--into",
            "bad",
            "--imap-host",
            "mail.example.org",
            "--imap-security",
            "none",
            "--imap-user",
            "office",
        ],
        Some("secret"),
    );
    run.assert_code(2);
    assert!(run.stderr().contains("只能用于本机"), "{}", run.describe());
}

#[test]
fn a_corrected_return_supersedes_by_its_arrival_and_since_counts_office_days() {
    let wd = Workdir::new("collect-later");
    let c = cat();
    let units = units(&c, 2);
    write_contacts(&wd, &units);
    let mut d = Dovecot::start(&wd, "America/Los_Angeles");
    let unit = &units[0];

    // The first return: a status left blank; its workbook says it was saved at 16:00.
    let mut first = Return::clean(&c, unit, ROUND, false);
    let task = c.tasks_of_unit(unit)[0].0;
    first.set(task, "推进状态", V::Empty);
    first.modified = Some((2020, 4, 3, 16));
    let name = format!("{unit}任务进展.xlsx");
    let m1 = Mail::new("<first@units.test>", unit, &address(0), "报送").attach(
        Form::Rfc2047Gbk,
        &name,
        &first.bytes(),
    );
    d.append(&[(&m1, "2020-04-03T01:00:00Z", &[])]);
    collect(&wd, &d, "回收", "none", &[]).assert_code(0);

    // The corrected one arrives a day later, from a computer whose clock says it was saved
    // at 08:00 on the 3rd: only the arrival orders them right.
    let mut fixed = Return::clean(&c, unit, ROUND, false);
    fixed.modified = Some((2020, 4, 3, 8));
    let m2 = Mail::new("<fixed@units.test>", unit, &address(0), "报送（修改）").attach(
        Form::Rfc2047Gbk,
        &name,
        &fixed.bytes(),
    );
    d.append(&[(&m2, "2020-04-04T02:00:00Z", &[])]);
    let run = collect(&wd, &d, "回收", "none", &[]);
    run.assert_code(0);
    assert!(
        run.stdout().contains("此前已收取 1 封，本次收取 1 封"),
        "{}",
        run.describe()
    );
    let old = format!("20200403-090000_{unit}_{name}");
    let new = format!("20200404-100000_{unit}_{name}");
    assert_eq!(files(&wd.path("回收")), [old.clone(), new.clone()]);

    // The superseded first return was rejected, but the accepted resend stands: nothing
    // needs the office, exit status 0 (issue 22).
    let check = wd.output(&["check", "回收", "--round", ROUND, "--format", "json"]);
    check.assert_code(0);
    let v: Value = serde_json::from_str(&check.stdout()).unwrap();
    let report = |n: &str| -> Value {
        v["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"].as_str().unwrap().ends_with(n))
            .unwrap()
            .clone()
    };
    assert!(
        report(&old)["superseded_by"]
            .as_str()
            .unwrap()
            .ends_with(&new),
        "{v:#}"
    );
    assert!(report(&new)["superseded_by"].is_null());
    assert_eq!(report(&new)["received_at"], "2020-04-04T10:00:00+08:00");
    assert_eq!(report(&old)["received_at"], "2020-04-03T09:00:00+08:00");
    // Without the receipts the workbooks' own times decide, and get it wrong.
    let log_text = wd.read("回收/收件记录.jsonl");
    std::fs::remove_file(wd.path("回收/收件记录.jsonl")).unwrap();
    let v2: Value = serde_json::from_str(
        &wd.output(&["check", "回收", "--round", ROUND, "--format", "json"])
            .stdout(),
    )
    .unwrap();
    let stands = v2["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["superseded_by"].is_null())
        .unwrap();
    assert!(stands["path"].as_str().unwrap().ends_with(&old), "{v2:#}");
    wd.create("回收/收件记录.jsonl", log_text);

    // --since is a day in the office's zone: 00:30 on the 5th in Beijing is still the 4th
    // where the server is, and 23:30 on the 4th in Beijing is not the 5th anywhere.
    let late = &units[1];
    let before = one_return(&c, "<before@units.test>", late, &address(1));
    let after = one_return(&c, "<after@units.test>", late, &address(1));
    d.append(&[
        (&before, "2020-04-04T15:30:00Z", &[]),
        (&after, "2020-04-04T16:30:00Z", &[]),
    ]);
    let run = collect(&wd, &d, "晚到", "none", &["--since", "2020-04-05"]);
    run.assert_code(0);
    assert_eq!(
        files(&wd.path("晚到")),
        [format!("20200405-003000_{late}_{late}任务进展.xlsx")],
        "{}",
        run.describe()
    );
    assert!(
        run.stdout().contains("（2020年4月5日起）"),
        "{}",
        run.describe()
    );
}

#[test]
fn replies_reach_each_sender_exactly_once_across_runs() {
    let wd = Workdir::new("collect-reply");
    let c = cat();
    let units = units(&c, 4);
    write_contacts(&wd, &units);
    let mut d = Dovecot::start(&wd, "Asia/Shanghai");
    let smtp = Smtp::start(&wd, "smtp", &[]);

    let good = one_return(&c, "<good@units.test>", &units[0], &address(0));
    let mut broken = Return::clean(&c, &units[1], ROUND, false);
    let task = c.tasks_of_unit(&units[1])[0].0;
    broken.set(task, "推进状态", V::Empty);
    let bad = Mail::new("<bad@units.test>", &units[1], &address(1), "报送").attach(
        Form::Rfc2047Gbk,
        &format!("{}任务进展.xlsx", units[1]),
        &broken.bytes(),
    );
    // A stranger's return: its unit is found inside, the answer goes to the stranger.
    let stranger = Mail::new(
        "<s@elsewhere.test>",
        "王五",
        "stranger@elsewhere.test",
        "报表",
    )
    .attach(
        Form::Rfc2231Utf8,
        "报表.xlsx",
        &Return::clean(&c, &units[2], ROUND, false).bytes(),
    );
    let question = Mail::new("<q@units.test>", &units[3], &address(3), "请问截止时间？");
    d.append(&[
        (&good, "2020-04-02T01:00:00Z", &[]),
        (&bad, "2020-04-02T02:00:00Z", &[]),
        (&stranger, "2020-04-02T03:00:00Z", &[]),
        (&question, "2020-04-02T04:00:00Z", &[]),
    ]);
    let reply = |d: &Dovecot, send: bool| {
        let mut extra = vec![
            "--round",
            ROUND,
            "--reply",
            "--outbox",
            "发件箱",
            "--from",
            "区督考办 <office@duban.test>",
            "--rate",
            "0",
        ];
        extra.extend(smtp.options("none"));
        if send {
            extra.push("--send");
        }
        collect(&wd, d, "回收", "none", &extra)
    };

    // A preview first: answers are written to the outbox, nothing is sent.
    let run = reply(&d, false);
    run.assert_code(0);
    assert!(run.stdout().contains("答复：3 封"), "{}", run.describe());
    assert!(smtp.received().is_empty());
    let emls = std::fs::read_dir(wd.path("发件箱"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "eml")
        })
        .count();
    assert_eq!(emls, 3);

    // The same command with --send: nothing new to collect, and the previewed answers go.
    let run = reply(&d, true);
    run.assert_code(0);
    let got = smtp.received();
    assert_eq!(got.len(), 3, "{}\n{got:#?}", run.describe());
    let to = |m: &Value| m["rcpt_tos"][0].as_str().unwrap().to_string();
    let of = |who: &str| -> Vec<&Value> { got.iter().filter(|m| to(m) == who).collect() };
    let a = of(&address(0));
    assert_eq!(a.len(), 1);
    assert!(
        a[0]["subject"].as_str().unwrap().contains("校验通过"),
        "{:#}",
        a[0]
    );
    assert!(
        a[0]["body"].as_str().unwrap().contains("共填报任务"),
        "{:#}",
        a[0]
    );
    assert_eq!(a[0]["attachments"].as_array().unwrap().len(), 0);
    let b = of(&address(1));
    assert_eq!(b.len(), 1);
    assert!(
        b[0]["subject"].as_str().unwrap().contains("退回重报"),
        "{:#}",
        b[0]
    );
    let body = b[0]["body"].as_str().unwrap();
    assert!(
        body.contains("推进状态") && body.contains("怎么改"),
        "{body}"
    );
    let att = &b[0]["attachments"][0];
    assert_eq!(
        att["filename"],
        format!("{ROUND}_{}_问题清单.xlsx", units[1]).as_str()
    );
    let s = of("stranger@elsewhere.test");
    assert_eq!(s.len(), 1, "{got:#?}");
    assert!(
        s[0]["subject"].as_str().unwrap().contains(&units[2]),
        "{:#}",
        s[0]
    );
    assert!(of(&address(3)).is_empty(), "a question gets no verdict");
    for m in &got {
        assert_eq!(m["defects"], serde_json::json!([]), "{m:#}");
    }

    // A new return later: only its sender is answered; nobody gets a second answer.
    let late = one_return(&c, "<late@units.test>", &units[3], &address(3));
    d.append(&[(&late, "2020-04-03T01:00:00Z", &[])]);
    reply(&d, true).assert_code(0);
    reply(&d, true).assert_code(0);
    let got = smtp.received();
    assert_eq!(got.len(), 4, "{got:#?}");
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for m in &got {
        *counts.entry(to(m)).or_default() += 1;
    }
    assert!(counts.values().all(|&n| n == 1), "{counts:?}");
    assert_eq!(counts.get(&address(3)), Some(&1));
}

#[test]
fn a_contacts_file_that_cannot_be_read_stops_before_the_mailbox() {
    let wd = Workdir::new("collect-no-contacts");
    let run = run_with_password(
        &wd,
        &[
            "collect",
            "--into",
            "回收",
            "--contacts",
            "联系人.csv",
            "--imap-host",
            "127.0.0.1",
            "--imap-port",
            "1",
            "--imap-security",
            "none",
            "--imap-user",
            "office",
        ],
        Some("secret"),
    );
    run.assert_code(2);
    assert!(
        run.stderr().contains("无法读取 联系人.csv"),
        "{}",
        run.describe()
    );
    assert!(!wd.path("回收").exists());
}

/// In a workspace `collect` needs no options but the password: the server from duban.toml's
/// [mailbox], the units from the workspace's contacts, the round's 回收 folder, and mail
/// from the day the round was opened on. The receipts then tell `status` who was late, and
/// `mail feedback` writes into the round's outbox with the round's deadline.
#[test]
fn a_workspace_collects_into_its_round_and_knows_who_was_late() {
    let wd = Workdir::new("collect-workspace");
    let c = cat();
    let units = units(&c, 3);
    wd.run(&["init", "ws"]);
    let mut d = Dovecot::start(&wd, "UTC");
    let config = wd.read("ws/duban.toml");
    let config = config
        .replace("imap-host = \"\"", "imap-host = \"127.0.0.1\"")
        .replace(
            "imap-security = \"tls\"",
            &format!("imap-security = \"none\"\nimap-port = {}", d.port),
        )
        .replace("imap-user = \"\"", "imap-user = \"office\"")
        .replace("from = \"\"", "from = \"区督考办 <office@district.test>\"");
    wd.create("ws/duban.toml", config);
    write_contacts(&wd, &units);
    std::fs::rename(wd.path("contacts.csv"), wd.path("ws/contacts.csv")).unwrap();

    // The round was opened on 1 April 2020 (the ledger is set back, as if it had been):
    // mail of March is not its. The deadline is the end of 5 April in Beijing: mail at
    // 23:30 that day is on time, mail at 00:30 on the 6th late, although the server (in
    // UTC) received both on the 5th.
    wd.run(&[
        "--workspace",
        "ws",
        "round",
        "new",
        ROUND,
        "--deadline",
        "2020-04-05",
    ]);
    let script = "import sqlite3, sys\nc = sqlite3.connect(sys.argv[1])\nc.execute(\"UPDATE rounds SET created_at = '2020-04-01T01:00:00Z'\")\nc.commit()";
    assert!(std::process::Command::new("python3")
        .args(["-c", script])
        .arg(wd.path("ws/督办台账.db"))
        .status()
        .unwrap()
        .success());
    let old = one_return(&c, "<old@units.test>", &units[2], &address(2));
    let on_time = one_return(&c, "<on-time@units.test>", &units[0], &address(0));
    let mut phone = Return::clean(&c, &units[1], ROUND, false);
    phone.phone = V::Empty;
    let late = Mail::new("<late@units.test>", &units[1], &address(1), "报送").attach(
        Form::Rfc2231Utf8,
        &format!("{}任务进展.xlsx", units[1]),
        &phone.bytes(),
    );
    d.append(&[
        (&old, "2020-03-20T02:00:00Z", &[]),
        (&on_time, "2020-04-05T15:30:00Z", &[]),
        (&late, "2020-04-05T16:30:00Z", &[]),
    ]);
    let mut cmd = wd.command(&["collect"]);
    cmd.current_dir(wd.path("ws"))
        .env("DUBAN_IMAP_PASSWORD", "secret")
        .stdin(Stdio::null());
    let run = Run {
        args: vec!["collect".into()],
        out: cmd.output().unwrap(),
    };
    run.assert_code(0);
    let saved = files(&wd.path(&format!("ws/rounds/{ROUND}/回收")));
    assert_eq!(saved.len(), 2, "{saved:?}\n{}", run.describe());
    assert!(saved.iter().all(|f| !f.contains(&units[2])), "{saved:?}");

    wd.output(&["--workspace", "ws", "merge"]).assert_code(0);
    let status = wd.output(&["--workspace", "ws", "status", "--format", "json"]);
    let v: Value = serde_json::from_str(&status.stdout()).unwrap();
    let unit = |name: &str| {
        v["units"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["unit"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(unit(&units[0])["late"], false, "{v:#}");
    assert_eq!(
        unit(&units[1])["late"],
        true,
        "{:#}\n{}",
        unit(&units[1]),
        wd.read(&format!("ws/rounds/{ROUND}/回收/收件记录.jsonl"))
    );
    assert_eq!(unit(&units[2])["state"], "未报送");
    let text = wd.output(&["--workspace", "ws", "status"]).stdout();
    assert!(text.contains("收件"), "{text}");

    // mail: the round's outbox, the workspace's contacts and sender, the round's deadline.
    let fb = wd.output(&["--workspace", "ws", "mail", "feedback"]);
    fb.assert_code(0);
    let outbox = wd.path(&format!("ws/rounds/{ROUND}/发件箱"));
    let emls: Vec<String> = files(&outbox)
        .into_iter()
        .filter(|f| f.ends_with(".eml"))
        .collect();
    assert_eq!(emls.len(), 1, "{emls:?}\n{}", fb.describe());
    assert!(emls[0].contains(&units[1]), "{emls:?}");
    // The body is base64 or quoted-printable: decode it as a mail client would.
    let eml = std::fs::read(outbox.join(&emls[0])).unwrap();
    let parsed = mailparse::parse_mail(&eml).unwrap();
    let body: String = std::iter::once(&parsed)
        .chain(parsed.subparts.iter())
        .filter(|p| p.ctype.mimetype == "text/plain")
        .map(|p| p.get_body().unwrap())
        .collect();
    assert!(body.contains("于 2020年4月5日 前"), "{body}");
    assert!(
        String::from_utf8_lossy(&eml).contains("office@district.test"),
        "the workspace's sender"
    );
}

/// On a terminal a long mailbox shows how far `collect` has got; in a pipe (a scheduled
/// job's log) nothing but the summary. script(1) gives duban a pseudo-terminal.
#[test]
fn a_long_mailbox_shows_progress_on_a_terminal_only() {
    let wd = Workdir::new("collect-progress");
    let c = cat();
    let units = units(&c, 1);
    write_contacts(&wd, &units);
    let mut d = Dovecot::start(&wd, "UTC");
    // More messages than one fetch takes (200).
    let mails: Vec<Mail> = (0..230)
        .map(|i| {
            Mail::new(
                &format!("<q{i}@units.test>"),
                &units[0],
                &address(0),
                "询问",
            )
        })
        .collect();
    let spec: Vec<(&Mail, &str, &[&str])> = mails
        .iter()
        .map(|m| (m, "2020-04-03T02:00:00Z", &[][..]))
        .collect();
    d.append(&spec);
    let piped = collect(&wd, &d, "回收1", "none", &[]);
    piped.assert_code(0);
    assert!(!piped.stderr().contains("收取中"), "{}", piped.describe());

    let mut args = vec![env!("CARGO_BIN_EXE_duban").to_string()];
    args.extend(collect_args(&d, "回收2", "none"));
    let line: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
    let out = std::process::Command::new("script")
        .args(["-qec", &line.join(" "), "/dev/null"])
        .current_dir(&wd.dir)
        .env("DUBAN_IMAP_PASSWORD", "secret")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let seen = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{seen}");
    assert!(
        seen.contains("收取中") && seen.contains("230/230"),
        "{seen}"
    );
    assert!(seen.contains("本次收取 230 封"), "{seen}");
}
