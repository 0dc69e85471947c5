//! The connection to the office's mail server: lettre's SMTP client over rustls (no
//! OpenSSL to install on office machines).
//!
//! An office server often has a certificate from its own authority, so a CA file can be
//! added to the built-in roots. Plain SMTP is allowed only to this machine (a local relay or
//! a test server): a password or a unit's problems must not cross a network in clear. The
//! password comes from `DUBAN_SMTP_PASSWORD` or a prompt that does not echo, never from an
//! argument (other users see those in `ps`) or a file.

use std::io::IsTerminal;
use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{Message, SmtpTransport, Transport};
use serde::Deserialize;

/// The environment variable holding the SMTP password.
pub const PASSWORD_ENV: &str = "DUBAN_SMTP_PASSWORD";

/// Why no connection could be set up.
#[derive(Debug, thiserror::Error)]
pub enum SmtpError {
    #[error("需要 SMTP 用户 {user} 的密码：请设置环境变量 {PASSWORD_ENV}（密码不能写在命令行或配置文件里）")]
    NoPassword { user: String },
    #[error("无法读取密码：{}", crate::fsutil::describe_io(.0))]
    Prompt(std::io::Error),
    #[error(
        "--smtp-security none 只能用于本机（localhost/127.0.0.1），{host} 请用 starttls 或 tls"
    )]
    PlainToRemote { host: String },
    #[error(transparent)]
    CaRead(#[from] crate::fsutil::InputError),
    #[error("CA 证书文件 {} 不是有效的 PEM 证书：{message}", path.display())]
    CaInvalid { path: PathBuf, message: String },
    #[error("TLS 设置有误：{0}")]
    Tls(String),
}

/// The server refused a message, or the connection broke: the server's own words.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct SendFailure(pub String);

/// How the connection is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// Plain connection upgraded with STARTTLS (port 587); refused if the server cannot.
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No encryption: only to a loopback host.
    None,
}

impl Security {
    pub fn default_port(self) -> u16 {
        match self {
            Security::Starttls => 587,
            Security::Tls => 465,
            Security::None => 25,
        }
    }

    /// The option's own word, for messages.
    pub fn name(self) -> &'static str {
        match self {
            Security::Starttls => "starttls",
            Security::Tls => "tls",
            Security::None => "none",
        }
    }
}

/// Everything needed to connect and send.
#[derive(Clone, Debug)]
pub struct Settings {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub user: Option<String>,
    pub from: Mailbox,
    /// A PEM file with the office's CA certificate(s), added to the built-in roots.
    pub ca: Option<PathBuf>,
    /// Messages per minute; 0 for no limit.
    pub rate: u32,
}

/// Whether `host` is this machine.
pub fn is_loopback(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    h.eq_ignore_ascii_case("localhost")
        || h.parse::<IpAddr>()
            .map(|ip| ip.is_loopback())
            .unwrap_or(false)
}

/// The password for `user`: from the environment, else a prompt when a person is at the
/// terminal.
pub fn password(user: &str) -> Result<String, SmtpError> {
    if let Ok(p) = std::env::var(PASSWORD_ENV) {
        return Ok(p);
    }
    if !std::io::stdin().is_terminal() {
        return Err(SmtpError::NoPassword {
            user: user.to_string(),
        });
    }
    rpassword::prompt_password(format!("SMTP 用户 {user} 的密码：")).map_err(SmtpError::Prompt)
}

/// A ready transport. Refuses `none` to anything but loopback.
pub fn transport(s: &Settings, password: Option<String>) -> Result<SmtpTransport, SmtpError> {
    if s.security == Security::None && !is_loopback(&s.host) {
        return Err(SmtpError::PlainToRemote {
            host: s.host.clone(),
        });
    }
    let tls = match s.security {
        Security::None => Tls::None,
        sec => {
            let mut b = TlsParameters::builder(s.host.clone());
            if let Some(ca) = &s.ca {
                let pem = crate::fsutil::read(ca)?;
                for cert in pem_certificates(&pem) {
                    let c = Certificate::from_pem(&cert).map_err(|e| SmtpError::CaInvalid {
                        path: ca.clone(),
                        message: e.to_string(),
                    })?;
                    b = b.add_root_certificate(c);
                }
            }
            let params = b
                .build_rustls()
                .map_err(|e| SmtpError::Tls(e.to_string()))?;
            if sec == Security::Tls {
                Tls::Wrapper(params)
            } else {
                Tls::Required(params)
            }
        }
    };
    let mut b = SmtpTransport::builder_dangerous(s.host.clone())
        .port(s.port)
        .tls(tls)
        .timeout(Some(Duration::from_secs(60)));
    if let Some(user) = &s.user {
        let pw = password.ok_or_else(|| SmtpError::NoPassword { user: user.clone() })?;
        b = b.credentials(Credentials::new(user.clone(), pw));
    }
    Ok(b.build())
}

/// Each `-----BEGIN CERTIFICATE-----` block of a PEM file (lettre reads one at a time).
fn pem_certificates(pem: &[u8]) -> Vec<Vec<u8>> {
    let text = String::from_utf8_lossy(pem);
    let mut out = Vec::new();
    let mut cur: Option<String> = None;
    for line in text.lines() {
        if line.starts_with("-----BEGIN CERTIFICATE-----") {
            cur = Some(String::new());
        }
        if let Some(c) = cur.as_mut() {
            c.push_str(line);
            c.push('\n');
        }
        if line.starts_with("-----END CERTIFICATE-----") {
            if let Some(c) = cur.take() {
                out.push(c.into_bytes());
            }
        }
    }
    if out.is_empty() {
        out.push(pem.to_vec());
    }
    out
}

/// Sends one message; the error is the server's or the connection's, in one line.
pub fn send(t: &SmtpTransport, m: &Message) -> Result<(), SendFailure> {
    t.send(m)
        .map(|_| ())
        .map_err(|e| SendFailure(describe_error(&e)))
}

/// An SMTP error and its causes, in one line.
pub fn describe_error(e: &lettre::transport::smtp::Error) -> String {
    let mut s = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(inner) = src {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        src = inner.source();
    }
    s.replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_only_for_plain() {
        assert!(is_loopback("127.0.0.1") && is_loopback("localhost") && is_loopback("::1"));
        assert!(!is_loopback("mail.example.org") && !is_loopback("10.0.0.1"));
        let s = Settings {
            host: "mail.example.org".into(),
            port: 25,
            security: Security::None,
            user: None,
            from: "a@example.org".parse().unwrap(),
            ca: None,
            rate: 0,
        };
        assert!(matches!(
            transport(&s, None),
            Err(SmtpError::PlainToRemote { .. })
        ));
    }
}
