//! A bounce is named by the office's mail it carries back (issue 22, point 7): the
//! original's Message-ID is looked up in the outbox's sent log, which records each
//! message's kind. A bounced template mail is 模板未送达, a bounced reminder 催报邮件未送达;
//! an original the log does not know is not taken for a template. Real SMTP (aiosmtpd)
//! sends the office's mail, real Dovecot holds the bounces.

use std::process::Stdio;

use duban::catalog::Catalog;
use serde_json::Value;

use crate::collect::dovecot::Dovecot;
use crate::collect::mime::Mail;
use crate::mail::Smtp;
use crate::workdir::{Run, Workdir};

const R1: &str = "2020年第一季度";
const FROM: &str = "区督考办 <office@duban.test>";

fn address(i: usize) -> String {
    format!("u{i:02}@units.test")
}

/// A delivery report for `to` carrying `original` back as message/rfc822.
fn bounce(id: &str, to: &str, original: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "Message-ID: {id}\r\nFrom: Mail Delivery System <MAILER-DAEMON@mx.test>\r\n\
         To: office@duban.test\r\nSubject: Undelivered Mail Returned to Sender\r\n\
         Auto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/report; report-type=delivery-status; boundary=\"rep\"\r\n\r\n\
         --rep\r\nContent-Type: text/plain\r\n\r\nThe mail could not be delivered.\r\n\
         --rep\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.test\r\n\r\n\
         Final-Recipient: rfc822; {to}\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n\
         --rep\r\nContent-Type: message/rfc822\r\n\r\n"
    )
    .into_bytes();
    out.extend_from_slice(original);
    out.extend_from_slice(b"\r\n--rep--\r\n");
    out
}

/// `duban mail KIND … --send` through the test's SMTP server into the outbox 发件箱.
fn mail(wd: &Workdir, smtp: &Smtp, kind: &str, extra: &[&str]) -> Run {
    let mut args = vec![
        "mail",
        kind,
        "--round",
        R1,
        "--deadline",
        "2020年4月5日",
        "--contacts",
        "contacts.csv",
        "--outbox",
        "发件箱",
        "--from",
        FROM,
        "--rate",
        "0",
        "--send",
    ];
    args.extend(smtp.options("none"));
    args.extend_from_slice(extra);
    let mut cmd = wd.command(&args);
    cmd.env_remove("DUBAN_SMTP_PASSWORD").stdin(Stdio::null());
    Run {
        args: args.iter().map(|s| s.to_string()).collect(),
        out: cmd.output().unwrap(),
    }
}

#[test]
fn a_bounce_is_named_by_the_office_mail_it_carries_back() {
    let wd = Workdir::new("collect-bounce-kind");
    let c = Catalog::embedded();
    let u: Vec<String> = (c.assignments().keys())
        .filter(|u| u.starts_with('区'))
        .take(2)
        .cloned()
        .collect();
    let mut csv = String::from("name,role,to,cc,contact\r\n");
    for (i, unit) in u.iter().enumerate() {
        csv.push_str(&format!("{unit},unit,{},,{unit}办公室\r\n", address(i)));
    }
    wd.create("contacts.csv", csv);
    wd.run(&[
        "templates",
        "--round",
        R1,
        "--deadline",
        "2020-04-05",
        "--out",
        "tpl",
        "--unit",
        &u[0],
        "--unit",
        &u[1],
    ]);
    std::fs::create_dir_all(wd.path("回收")).unwrap();

    // The office mails the templates, then reminders, for real.
    let smtp = Smtp::start(&wd, "smtp", &[]);
    mail(&wd, &smtp, "templates", &["--templates", "tpl"]).assert_code(0);
    let reminders = mail(&wd, &smtp, "reminders", &["--returns", "回收"]);
    let log: Vec<Value> = wd
        .read("发件箱/sent-log.jsonl")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let sent = |kind: &str, unit: &str| -> String {
        let e = log
            .iter()
            .find(|e| e["kind"] == kind && e["recipient"] == unit && e["result"] == "sent")
            .unwrap_or_else(|| panic!("{kind} {unit}: {log:#?}\n{}", reminders.describe()));
        e["message_id"].as_str().unwrap().to_string()
    };
    let (template0, reminder1) = (sent("templates", &u[0]), sent("reminders", &u[1]));
    // The mail as it went (the outbox keeps each one's .eml), carried back by the bounces.
    let eml = |label: &str, unit: &str| -> Vec<u8> {
        let bytes = std::fs::read(wd.path(&format!("发件箱/{R1}_{label}_{unit}.eml"))).unwrap();
        assert!(String::from_utf8_lossy(&bytes).contains("Message-ID"));
        bytes
    };
    let stranger = Mail::new(
        "<not-ours@elsewhere.test>",
        "某人",
        "x@elsewhere.test",
        "hi",
    );

    let mut d = Dovecot::start(&wd, "UTC");
    d.append_raw(&[
        (
            bounce("<b1@mx.test>", &address(0), &eml("填报模板", &u[0])),
            "2020-04-02T01:00:00Z",
            &[],
        ),
        (
            bounce("<b2@mx.test>", &address(1), &eml("催报提醒", &u[1])),
            "2020-04-02T02:00:00Z",
            &[],
        ),
        (
            bounce("<b3@mx.test>", &address(0), &stranger.bytes()),
            "2020-04-02T03:00:00Z",
            &[],
        ),
    ]);
    let run = crate::collect::collect(&wd, &d, "回收", "none", &["--outbox", "发件箱"]);
    run.assert_code(0);
    let out = run.stdout();
    assert!(!template0.is_empty() && !reminder1.is_empty());
    assert!(
        out.contains(&format!("模板未送达：{}（{}）", u[0], address(0))),
        "{}",
        run.describe()
    );
    assert!(
        out.contains(&format!("催报邮件未送达：{}（{}）", u[1], address(1))),
        "{}",
        run.describe()
    );
    assert!(
        !out.contains(&format!("模板未送达：{}", u[1])),
        "a reminder bounced is not the template: {out}"
    );
    assert!(
        out.contains(&format!(
            "{} 未送达（退回的不是发件记录中的邮件",
            address(0)
        )),
        "{out}"
    );
    assert_eq!(out.matches("模板未送达").count(), 1, "{out}");
}
