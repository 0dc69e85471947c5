//! `duban mail` against a real SMTP server (aiosmtpd, tests/smtp/server.py) on 127.0.0.1,
//! started here: plain, STARTTLS with login, and implicit TLS with a CA made by the test.
//! What the server received is parsed by Python's `email` package (tests/smtp/parse_mail.py),
//! as a mail client would: recipients, decoded subject, attachment names and bytes.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::workdir::{repo, Run, Workdir};

mod hostile;

const ROUND: &str = "2020年第一季度";
/// Units of samples/contacts.csv; the first has two cc addresses.
const UNITS: [&str; 4] = ["新兖镇", "小孟镇", "大安镇", "新驿镇"];
const FROM: &str = "区督考办 <office@example.org>";

/// A running tests/smtp/server.py; killed when dropped (and gone by itself after 10 minutes).
pub struct Smtp {
    child: Child,
    pub port: u16,
    /// The port, as the command line writes it.
    port_text: String,
    store: PathBuf,
}

impl Smtp {
    pub fn start(wd: &Workdir, name: &str, args: &[&str]) -> Smtp {
        let store = wd.path(name);
        let mut child = Command::new("python3")
            .arg(repo().join("tests/smtp/server.py"))
            .arg(&store)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 (the README's test command installs aiosmtpd)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .strip_prefix("PORT ")
            .and_then(|p| p.trim().parse().ok())
            .unwrap_or_else(|| panic!("server.py did not start: {line:?}"));
        Smtp {
            child,
            port,
            port_text: port.to_string(),
            store,
        }
    }

    /// The options that send through this server with `security`: `--smtp-host`,
    /// `--smtp-port` and `--smtp-security`.
    pub fn options<'a>(&'a self, security: &'a str) -> [&'a str; 6] {
        [
            "--smtp-host",
            "127.0.0.1",
            "--smtp-port",
            &self.port_text,
            "--smtp-security",
            security,
        ]
    }

    /// Every message the server accepted, in order, as parse_mail.py describes it.
    pub fn received(&self) -> Vec<Value> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.store)
            .map(|d| d.map(|e| e.unwrap().path()).collect())
            .unwrap_or_default();
        files.retain(|p| p.extension().is_some_and(|e| e == "json"));
        files.sort();
        parse_mail(&files)
    }
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn parse_mail(files: &[PathBuf]) -> Vec<Value> {
    if files.is_empty() {
        return Vec::new();
    }
    let out = Command::new("python3")
        .arg(repo().join("tests/smtp/parse_mail.py"))
        .args(files)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice::<Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

/// A folder with the four units' templates and a contacts file for them.
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
    for u in UNITS {
        args.extend(["--unit", u]);
    }
    wd.run(&args);
    let contacts = std::fs::read_to_string(repo().join("samples/contacts.csv")).unwrap();
    let mut lines = contacts.lines();
    let mut keep = vec![lines.next().unwrap().to_string()];
    keep.extend(
        lines
            .filter(|l| UNITS.iter().any(|u| l.starts_with(&format!("{u},"))))
            .map(String::from),
    );
    assert_eq!(keep.len(), 5, "samples/contacts.csv lists the four units");
    wd.create("contacts.csv", keep.join("\r\n") + "\r\n");
    wd
}

/// The addresses (to, then cc) samples/contacts.csv gives a unit.
fn addresses(wd: &Workdir, unit: &str) -> Vec<String> {
    let text = wd.read("contacts.csv");
    let line = text
        .lines()
        .find(|l| l.starts_with(&format!("{unit},")))
        .unwrap();
    let cols: Vec<&str> = line.split(',').collect();
    let mut all = vec![cols[2].to_string()];
    all.extend(
        cols[3]
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from),
    );
    all
}

fn template_file(unit: &str) -> String {
    format!("{ROUND}_{unit}_任务进展填报表.xlsx")
}

fn sha256_file(p: &Path) -> String {
    let bytes = std::fs::read(p).unwrap();
    Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `duban mail templates … --send` to the server, with `extra` options and the password
/// (if any) in the environment.
fn send(wd: &Workdir, smtp: &Smtp, security: &str, extra: &[&str], password: Option<&str>) -> Run {
    let mut args = vec![
        "mail",
        "templates",
        "--deadline",
        "2020年4月5日",
        "--round",
        ROUND,
        "--contacts",
        "contacts.csv",
        "--templates",
        "tpl",
        "--outbox",
        "outbox",
        "--from",
        FROM,
        "--rate",
        "0",
        "--send",
    ];
    args.extend(smtp.options(security));
    args.extend_from_slice(extra);
    let mut cmd = wd.command(&args);
    cmd.env_remove("DUBAN_SMTP_PASSWORD");
    if let Some(p) = password {
        cmd.env("DUBAN_SMTP_PASSWORD", p);
    }
    Run {
        args: args.iter().map(|s| s.to_string()).collect(),
        out: cmd.stdin(Stdio::null()).output().unwrap(),
    }
}

/// Asserts that each unit got exactly one message: to its addresses, the subject decoded,
/// its template attached under its Chinese name (RFC 2231 and RFC 2047) with the same bytes.
fn assert_one_each(wd: &Workdir, got: &[Value]) {
    let mut by_unit: BTreeMap<&str, Vec<&Value>> = BTreeMap::new();
    for m in got {
        let subject = m["subject"].as_str().unwrap();
        let unit = UNITS
            .iter()
            .find(|u| subject.contains(*u))
            .unwrap_or_else(|| panic!("subject names no unit: {subject}"));
        by_unit.entry(unit).or_default().push(m);
    }
    for unit in UNITS {
        let msgs = by_unit.get(unit).map(Vec::as_slice).unwrap_or_default();
        assert_eq!(msgs.len(), 1, "{unit} received {} messages", msgs.len());
        let m = msgs[0];
        assert_eq!(
            m["subject"].as_str().unwrap(),
            format!("{ROUND}任务进展填报表（{unit}）")
        );
        let mut rcpt: Vec<String> = m["rcpt_tos"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap().to_string())
            .collect();
        let mut want = addresses(wd, unit);
        rcpt.sort();
        want.sort();
        assert_eq!(rcpt, want, "{unit}'s recipients");
        assert_eq!(m["defects"], serde_json::json!([]), "{m:#}");
        let atts = m["attachments"].as_array().unwrap();
        assert_eq!(atts.len(), 1, "{m:#}");
        let a = &atts[0];
        let name = template_file(unit);
        assert_eq!(a["filename"], name.as_str(), "RFC 2231 filename");
        assert_eq!(
            a["ct_name"],
            name.as_str(),
            "RFC 2047 name= on Content-Type"
        );
        assert_eq!(
            a["content_type"],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        assert_eq!(a["transfer_encoding"], "base64");
        assert_eq!(
            a["sha256"].as_str().unwrap(),
            sha256_file(&wd.path("tpl").join(&name)),
            "{unit}'s attachment bytes"
        );
        assert!(m["body"].as_str().unwrap().contains(ROUND), "{m:#}");
    }
}

/// The sent log's lines.
fn log_lines(wd: &Workdir) -> Vec<Value> {
    wd.read("outbox/sent-log.jsonl")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// A CA and a server certificate for 127.0.0.1 signed by it, made with the openssl CLI.
fn make_certs(wd: &Workdir) -> (String, String, String) {
    let dir = wd.path("pki");
    std::fs::create_dir_all(&dir).unwrap();
    let openssl = |args: &[&str]| {
        let out = Command::new("openssl")
            .current_dir(&dir)
            .args(args)
            .output()
            .expect("openssl");
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=duban test CA",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
    ]);
    openssl(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=127.0.0.1",
    ]);
    std::fs::write(
        dir.join("ext.cnf"),
        "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    openssl(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.pem",
        "-days",
        "2",
        "-extfile",
        "ext.cnf",
    ]);
    let p = |f: &str| dir.join(f).to_string_lossy().into_owned();
    (p("ca.pem"), p("server.pem"), p("server.key"))
}

#[test]
fn plain_smtp_delivers_one_message_per_unit() {
    let wd = setup("mail-plain");
    let smtp = Smtp::start(&wd, "server", &[]);
    send(&wd, &smtp, "none", &[], None).assert_code(0);
    assert_one_each(&wd, &smtp.received());
    let log = log_lines(&wd);
    let sent: Vec<&Value> = log.iter().filter(|e| e["result"] == "sent").collect();
    assert_eq!(sent.len(), UNITS.len(), "{log:#?}");
    for e in sent {
        let unit = e["recipient"].as_str().unwrap();
        assert_eq!(e["kind"], "templates");
        assert_eq!(e["round"], ROUND);
        assert_eq!(
            e["sha256"][0].as_str().unwrap(),
            sha256_file(&wd.path("tpl").join(template_file(unit)))
        );
        assert!(!e["message_id"].as_str().unwrap().is_empty());
    }

    // A second run sends nothing: the log shows every unit delivered.
    send(&wd, &smtp, "none", &[], None).assert_code(0);
    assert_eq!(smtp.received().len(), UNITS.len());

    // --resend sends again to the named unit only.
    send(&wd, &smtp, "none", &["--resend", UNITS[1]], None).assert_code(0);
    let got = smtp.received();
    assert_eq!(got.len(), UNITS.len() + 1);
    assert!(got[UNITS.len()]["subject"]
        .as_str()
        .unwrap()
        .contains(UNITS[1]));
}

#[test]
fn starttls_with_login_and_the_office_ca() {
    let wd = setup("mail-starttls");
    let (ca, cert, key) = make_certs(&wd);
    let smtp = Smtp::start(
        &wd,
        "server",
        &[
            "--tls-mode",
            "starttls",
            "--cert",
            &cert,
            "--key",
            &key,
            "--user",
            "duban",
            "--password",
            "s3cret-口令",
        ],
    );
    let login = ["--smtp-user", "duban", "--smtp-ca", &ca];

    // A wrong password, or a server certificate not trusted without the office CA: the
    // connection is tried once before any message, the run stops (status 2) saying why,
    // and nothing is sent or logged as sent.
    let run = send(&wd, &smtp, "starttls", &login, Some("wrong"));
    run.assert_code(2);
    assert!(
        run.stderr().contains("无法连接发信服务器") && run.stderr().contains("登录被拒绝（535）"),
        "{}",
        run.describe()
    );
    let run = send(
        &wd,
        &smtp,
        "starttls",
        &["--smtp-user", "duban"],
        Some("s3cret-口令"),
    );
    run.assert_code(2);
    assert!(
        run.stderr().contains("服务器证书不受信任") && run.stderr().contains("certificate"),
        "{}",
        run.describe()
    );
    assert!(smtp.received().is_empty());
    assert!(!wd.path("outbox/sent-log.jsonl").exists() || log_lines(&wd).is_empty());

    send(&wd, &smtp, "starttls", &login, Some("s3cret-口令")).assert_code(0);
    assert_one_each(&wd, &smtp.received());
}

#[test]
fn implicit_tls_with_the_office_ca() {
    let wd = setup("mail-tls");
    let (ca, cert, key) = make_certs(&wd);
    let smtp = Smtp::start(
        &wd,
        "server",
        &["--tls-mode", "tls", "--cert", &cert, "--key", &key],
    );
    send(&wd, &smtp, "tls", &["--smtp-ca", &ca], None).assert_code(0);
    assert_one_each(&wd, &smtp.received());
}

#[test]
fn a_refused_recipient_is_sent_on_the_rerun_and_nobody_twice() {
    let wd = setup("mail-refused");
    // The server refuses the recipients of its 3rd transaction, once.
    let smtp = Smtp::start(&wd, "server", &["--refuse-once", "3"]);
    let run = send(&wd, &smtp, "none", &[], None);
    run.assert_code(1);
    assert_eq!(smtp.received().len(), UNITS.len() - 1, "{}", run.describe());
    let failed: Vec<Value> = log_lines(&wd)
        .into_iter()
        .filter(|e| e["result"] == "failed")
        .collect();
    assert_eq!(failed.len(), 1, "{}", run.describe());
    let refused = failed[0]["recipient"].as_str().unwrap().to_string();
    assert!(
        run.stdout().contains(&refused) || run.stderr().contains(&refused),
        "the failure names the unit: {}",
        run.describe()
    );

    // The rerun sends only the refused one: everyone has exactly one message.
    send(&wd, &smtp, "none", &[], None).assert_code(0);
    let got = smtp.received();
    assert_eq!(got.len(), UNITS.len());
    assert!(got.last().unwrap()["subject"]
        .as_str()
        .unwrap()
        .contains(&refused));
    assert_one_each(&wd, &got);
}

#[test]
fn a_run_cut_short_resumes_without_duplicates() {
    let wd = setup("mail-limit");
    let smtp = Smtp::start(&wd, "server", &[]);
    send(&wd, &smtp, "none", &["--limit", "2"], None).assert_code(0);
    assert_eq!(smtp.received().len(), 2);
    send(&wd, &smtp, "none", &[], None).assert_code(0);
    assert_one_each(&wd, &smtp.received());
}

#[test]
fn dry_run_eml_files_parse_with_python_email() {
    let wd = setup("mail-eml");
    let run = wd.run(&[
        "mail",
        "templates",
        "--deadline",
        "2020年4月5日",
        "--round",
        ROUND,
        "--contacts",
        "contacts.csv",
        "--templates",
        "tpl",
        "--outbox",
        "outbox",
        "--from",
        FROM,
    ]);
    for u in UNITS {
        assert!(run.stdout().contains(u), "the preview table lists {u}");
    }
    assert!(!wd.path("outbox/sent-log.jsonl").exists() || log_lines(&wd).is_empty());
    let mut emls = Vec::new();
    let mut stack = vec![wd.path("outbox")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "eml") {
                emls.push(p);
            }
        }
    }
    assert_eq!(emls.len(), UNITS.len());
    let parsed = parse_mail(&emls);
    // An .eml has no envelope: take the recipients from its To and Cc headers.
    let with_rcpt: Vec<Value> = parsed
        .into_iter()
        .map(|mut m| {
            let mut rcpt = Vec::new();
            for h in ["to", "cc"] {
                for part in m[h].as_str().unwrap().split(',') {
                    let a = part.trim();
                    let a = a
                        .rsplit_once('<')
                        .map_or(a, |(_, r)| r.trim_end_matches('>'));
                    if !a.is_empty() {
                        rcpt.push(Value::from(a));
                    }
                }
            }
            m["rcpt_tos"] = Value::from(rcpt);
            m
        })
        .collect();
    assert_one_each(&wd, &with_rcpt);
}

#[test]
fn bad_contacts_stop_before_anything_is_sent() {
    let wd = setup("mail-contacts");
    let smtp = Smtp::start(&wd, "server", &[]);
    let good = wd.read("contacts.csv");
    wd.create(
        "contacts.csv",
        format!(
            "{good}不存在的局,unit,x@example.org,,某人\r\n{},unit,not-an-address,,某人\r\n",
            UNITS[0]
        ),
    );
    let run = send(&wd, &smtp, "none", &[], None);
    run.assert_code(2);
    let all = run.stdout() + &run.stderr();
    assert!(all.contains("不存在的局"), "{}", run.describe());
    assert!(all.contains("not-an-address"), "{}", run.describe());
    assert!(
        all.contains("第 6 行") && all.contains("第 7 行"),
        "{}",
        run.describe()
    );
    assert!(smtp.received().is_empty());
}

#[test]
fn plain_smtp_is_refused_to_a_remote_host() {
    let wd = setup("mail-remote");
    let run = wd.output(&[
        "mail",
        "templates",
        "--deadline",
        "2020年4月5日",
        "--round",
        ROUND,
        "--contacts",
        "contacts.csv",
        "--templates",
        "tpl",
        "--outbox",
        "outbox",
        "--from",
        FROM,
        "--send",
        "--smtp-host",
        "mail.example.org",
        "--smtp-security",
        "none",
    ]);
    run.assert_code(2);
    assert!(run.stderr().contains("starttls"), "{}", run.describe());
}

/// Regression (issue 21): a closed port printed lettre's "Connection refused (os error
/// 111)" twice, in English, as the whole reason. Now the sentence is Chinese and names the
/// server; the library's words come once, on a detail line.
#[test]
fn a_closed_port_is_told_in_chinese_with_the_server() {
    let wd = setup("mail-closed-port");
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut args = vec![
        "mail",
        "templates",
        "--round",
        ROUND,
        "--contacts",
        "contacts.csv",
        "--templates",
        "tpl",
        "--outbox",
        "outbox",
        "--from",
        FROM,
        "--send",
        "--smtp-host",
        "127.0.0.1",
        "--smtp-security",
        "none",
    ];
    let port = port.to_string();
    args.extend(["--smtp-port", &port]);
    let run = wd.output(&args);
    run.assert_code(2);
    let err = run.stderr();
    assert!(
        err.contains(&format!(
            "无法连接发信服务器 127.0.0.1:{port}（none）：连接被拒绝"
        )),
        "{}",
        run.describe()
    );
    let first = err.lines().next().unwrap();
    assert!(!first.contains("Connection"), "{}", run.describe());
    assert!(
        err.matches("Connection refused").count() <= 1,
        "{}",
        run.describe()
    );
    assert!(!wd.path("outbox/sent-log.jsonl").exists() || log_lines(&wd).is_empty());
}

/// Regression (issue 21): `--from` that lettre cannot read was told as "Invalid input".
#[test]
fn a_sender_lettre_refuses_is_told_in_chinese() {
    let wd = setup("mail-bad-from");
    let run = wd.output(&[
        "mail",
        "templates",
        "--round",
        ROUND,
        "--contacts",
        "contacts.csv",
        "--templates",
        "tpl",
        "--outbox",
        "outbox",
        "--from",
        "区督考办 <office@@example.org",
    ]);
    run.assert_code(2);
    assert!(
        run.stderr().contains("不是有效的邮箱地址") && !run.stderr().contains("Invalid"),
        "{}",
        run.describe()
    );
}

/// Regression (issue 21): `duban mail … --send | head -2` sent one message of several and
/// exited 0: the first line printed to the closed pipe ended the program. Now every
/// message is sent and logged, stdout's loss is said on stderr, and the exit status is the
/// sending's.
#[test]
fn a_closed_stdout_does_not_stop_the_sending() {
    let wd = setup("mail-closed-stdout");
    let smtp = Smtp::start(&wd, "server", &[]);
    let mut args = vec![
        "mail",
        "templates",
        "--round",
        ROUND,
        "--contacts",
        "contacts.csv",
        "--templates",
        "tpl",
        "--outbox",
        "outbox",
        "--from",
        FROM,
        "--rate",
        "0",
        "--send",
    ];
    args.extend(smtp.options("none"));
    // A pipe whose reading end is closed before duban starts: every write to stdout fails.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = wd
        .command(&args)
        .env_remove("DUBAN_SMTP_PASSWORD")
        .stdin(Stdio::null())
        .stdout(writer)
        .output()
        .unwrap();
    let run = Run {
        args: args.iter().map(|s| s.to_string()).collect(),
        out,
    };
    run.assert_code(0);
    assert_one_each(&wd, &smtp.received());
    let sent: Vec<Value> = log_lines(&wd)
        .into_iter()
        .filter(|e| e["result"] == "sent")
        .collect();
    assert_eq!(sent.len(), UNITS.len(), "{}", run.describe());
    assert!(
        run.stderr().contains("标准输出已关闭"),
        "{}",
        run.describe()
    );
}
