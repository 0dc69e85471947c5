//! A real IMAP server for a test: tests/imap/dovecot.py, with mail put there by APPEND.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::mime::Mail;
use crate::workdir::{repo, Workdir};

/// A running tests/imap/dovecot.py; it stops when its stdin closes (on drop), and by itself
/// after five minutes whatever happens.
pub struct Dovecot {
    child: Child,
    stdin: Option<ChildStdin>,
    pub port: u16,
    pub tls_port: u16,
    pub ca: String,
    spool: PathBuf,
    seeded: usize,
}

impl Dovecot {
    pub fn start(wd: &Workdir, tz: &str) -> Dovecot {
        let mut child = Command::new("python3")
            .arg(repo().join("tests/imap/dovecot.py"))
            .args(["serve", "--seconds", "300", "--tz", tz])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 (the README's test command installs dovecot-imapd)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let info: Value = serde_json::from_str(&line)
            .unwrap_or_else(|_| panic!("tests/imap/dovecot.py did not start: {line:?}"));
        let spool = wd.path("spool");
        std::fs::create_dir_all(&spool).unwrap();
        Dovecot {
            stdin: child.stdin.take(),
            child,
            port: info["port"].as_u64().unwrap() as u16,
            tls_port: info["tls_port"].as_u64().unwrap() as u16,
            ca: info["ca"].as_str().unwrap().to_string(),
            spool,
            seeded: 0,
        }
    }

    /// IMAP APPENDs each message with its INTERNALDATE (RFC 3339) and flags.
    pub fn append(&mut self, mails: &[(&Mail, &str, &[&str])]) {
        self.append_to("INBOX", mails);
    }

    /// As [`Dovecot::append`], into the folder whose name on the wire (modified UTF-7)
    /// is `mailbox`, created first if need be.
    pub fn append_to(&mut self, mailbox: &str, mails: &[(&Mail, &str, &[&str])]) {
        let raw: Vec<(Vec<u8>, &str, &[&str])> =
            mails.iter().map(|(m, d, f)| (m.bytes(), *d, *f)).collect();
        self.append_raw_to(mailbox, &raw);
    }

    /// IMAP APPENDs each message, given whole as bytes, with its INTERNALDATE and flags.
    pub fn append_raw(&mut self, mails: &[(Vec<u8>, &str, &[&str])]) {
        self.append_raw_to("INBOX", mails);
    }

    /// As [`Dovecot::append_raw`], into the folder named `mailbox` on the wire.
    pub fn append_raw_to(&mut self, mailbox: &str, mails: &[(Vec<u8>, &str, &[&str])]) {
        let mut spec = Vec::new();
        for (bytes, date, flags) in mails {
            self.seeded += 1;
            let file = self.spool.join(format!("{:03}.eml", self.seeded));
            std::fs::write(&file, bytes).unwrap();
            spec.push(serde_json::json!({"file": file, "date": date, "flags": flags}));
        }
        let spec_file = self.spool.join(format!("spec-{}.json", self.seeded));
        std::fs::write(&spec_file, serde_json::to_vec(&spec).unwrap()).unwrap();
        self.python(&[
            "append",
            &self.port.to_string(),
            &spec_file.to_string_lossy(),
            "--mailbox",
            mailbox,
        ]);
    }

    /// UID → flags, as Python's imaplib reads them.
    pub fn flags(&self) -> BTreeMap<String, Vec<String>> {
        let out = self.python(&["flags", &self.port.to_string()]);
        serde_json::from_str(&out).unwrap()
    }

    /// Reads a message as a mail client does, setting its \Seen.
    pub fn open_as_a_client(&self, uid: u32) {
        self.python(&["open", &self.port.to_string(), &uid.to_string()]);
    }

    fn python(&self, args: &[&str]) -> String {
        let out = Command::new("python3")
            .arg(repo().join("tests/imap/dovecot.py"))
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "dovecot.py {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(15);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
