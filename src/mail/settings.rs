//! The settings of both mail servers, the one duban sends through (SMTP: `duban mail`,
//! `duban collect --reply`) and the one it reads returns from (IMAP: `duban collect`): one
//! place for the keys a config file or duban.toml's `[mail]` and `[mailbox]` may hold, the
//! connection's protection, where a password comes from, and the office's CA file.
//!
//! A password is never an argument (other users see those in `ps`) nor a key of a file: it
//! comes from an environment variable or a prompt that does not echo. Plain connections
//! are allowed only to this machine (a local relay or a test server), so that a password
//! or a unit's problems never cross a network in clear.

use std::io::IsTerminal;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use serde::Deserialize;

use crate::fsutil::InputError;

/// The two servers duban talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    /// Sending (`duban mail`, `duban collect --reply`).
    Smtp,
    /// Reading returns (`duban collect`).
    Imap,
}

impl Protocol {
    /// The environment variable holding the password.
    pub fn password_env(self) -> &'static str {
        match self {
            Protocol::Smtp => "DUBAN_SMTP_PASSWORD",
            Protocol::Imap => "DUBAN_IMAP_PASSWORD",
        }
    }

    /// The protocol's name as messages write it.
    pub fn name(self) -> &'static str {
        match self {
            Protocol::Smtp => "SMTP",
            Protocol::Imap => "IMAP",
        }
    }

    /// The protection used when none is given: STARTTLS for sending (port 587 is what
    /// office servers offer to clients), TLS for reading (port 993).
    pub fn default_security(self) -> Security {
        match self {
            Protocol::Smtp => Security::Starttls,
            Protocol::Imap => Security::Tls,
        }
    }

    /// The option choosing the protection, and the others to propose instead of `none`.
    fn security_option(self) -> (&'static str, &'static str) {
        match self {
            Protocol::Smtp => ("--smtp-security", "starttls 或 tls"),
            Protocol::Imap => ("--imap-security", "tls 或 starttls"),
        }
    }
}

/// How a connection is protected. The variants' docs are `--help` text, for the clerk.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// 先明文连接，再用 STARTTLS 加密（发件 587、收件 143 端口）；服务器不支持时不连接
    Starttls,
    /// 从连接起就加密（发件 465、收件 993 端口）
    Tls,
    /// 不加密：只允许连本机
    None,
}

impl Security {
    /// The port a protocol uses with this protection.
    pub fn default_port(self, protocol: Protocol) -> u16 {
        match (protocol, self) {
            (Protocol::Smtp, Security::Starttls) => 587,
            (Protocol::Smtp, Security::Tls) => 465,
            (Protocol::Smtp, Security::None) => 25,
            (Protocol::Imap, Security::Tls) => 993,
            (Protocol::Imap, Security::Starttls | Security::None) => 143,
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

/// Why the settings cannot be used. Each names the file or the option to change.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error(transparent)]
    Read(#[from] InputError),
    #[error("配置文件 {} 格式错误：{message}", path.display())]
    ConfigFormat { path: PathBuf, message: String },
    #[error("配置文件 {} 不能写密码：请用环境变量 {}（收件）或 {}（发件），或在提示时输入", path.display(), Protocol::Imap.password_env(), Protocol::Smtp.password_env())]
    PasswordInConfig { path: PathBuf },
    #[error("需要 {} 用户 {user} 的密码：请设置环境变量 {}（密码不能写在命令行或配置文件里）", protocol.name(), protocol.password_env())]
    NoPassword { protocol: Protocol, user: String },
    #[error("无法读取密码：{}", crate::fsutil::describe_io(.0))]
    Prompt(std::io::Error),
    #[error("{} none 只能用于本机（localhost/127.0.0.1），{host} 请用 {}", protocol.security_option().0, protocol.security_option().1)]
    PlainToRemote { protocol: Protocol, host: String },
    #[error("无法读取 CA 证书：{0}")]
    CaRead(InputError),
    #[error("CA 证书文件 {} 不是有效的 PEM 证书：{message}", path.display())]
    CaInvalid { path: PathBuf, message: String },
}

/// Everything duban is told about its mail servers: what the options give, else a config
/// file (the same keys, kebab-case: `smtp-host = "…"`), else a workspace's `[mail]` and
/// `[mailbox]`. One file may hold both servers. Never a password.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Settings {
    pub imap_host: Option<String>,
    pub imap_port: Option<u16>,
    pub imap_security: Option<Security>,
    pub imap_user: Option<String>,
    /// A PEM file with the office's CA certificate(s), added to the built-in roots.
    pub imap_ca: Option<PathBuf>,
    /// The folder to read (default INBOX).
    pub mailbox: Option<String>,
    pub smtp_host: Option<String>,
    pub smtp_port: Option<u16>,
    pub smtp_security: Option<Security>,
    pub smtp_user: Option<String>,
    pub smtp_ca: Option<PathBuf>,
    pub from: Option<String>,
    /// Messages per minute; 0 for no limit.
    pub rate: Option<u32>,
    pub deadline: Option<String>,
    pub office: Option<String>,
    pub office_contact: Option<String>,
}

impl Settings {
    /// Reads a config file. Paths in it are relative to the file.
    ///
    /// # Errors
    /// [`SettingsError::Read`], [`SettingsError::ConfigFormat`] (an unknown key included),
    /// and [`SettingsError::PasswordInConfig`] for any key that names a password.
    pub fn read(path: &Path) -> Result<Settings, SettingsError> {
        let text = crate::fsutil::read_text(path)?;
        let table: toml::Table =
            crate::fsutil::parse_toml(&text).map_err(|message| SettingsError::ConfigFormat {
                path: path.to_path_buf(),
                message,
            })?;
        Settings::from_table(table, path, &crate::fsutil::parent_dir(path))
    }

    /// The settings a table gives (a config file's, or a workspace's sections joined);
    /// `source` names it in messages, and relative paths are taken from `dir`, not from
    /// where duban runs.
    ///
    /// # Errors
    /// As [`Settings::read`].
    pub fn from_table(
        table: toml::Table,
        source: &Path,
        dir: &Path,
    ) -> Result<Settings, SettingsError> {
        if table.keys().any(|k| k.to_lowercase().contains("password")) {
            return Err(SettingsError::PasswordInConfig {
                path: source.to_path_buf(),
            });
        }
        let mut s: Settings =
            crate::fsutil::table_into(table).map_err(|message| SettingsError::ConfigFormat {
                path: source.to_path_buf(),
                message,
            })?;
        for p in [&mut s.imap_ca, &mut s.smtp_ca].into_iter().flatten() {
            if p.is_relative() {
                *p = dir.join(&*p);
            }
        }
        Ok(s)
    }

    /// Each setting from `self`, else from `fallback`.
    pub fn or(self, fallback: Settings) -> Settings {
        Settings {
            imap_host: self.imap_host.or(fallback.imap_host),
            imap_port: self.imap_port.or(fallback.imap_port),
            imap_security: self.imap_security.or(fallback.imap_security),
            imap_user: self.imap_user.or(fallback.imap_user),
            imap_ca: self.imap_ca.or(fallback.imap_ca),
            mailbox: self.mailbox.or(fallback.mailbox),
            smtp_host: self.smtp_host.or(fallback.smtp_host),
            smtp_port: self.smtp_port.or(fallback.smtp_port),
            smtp_security: self.smtp_security.or(fallback.smtp_security),
            smtp_user: self.smtp_user.or(fallback.smtp_user),
            smtp_ca: self.smtp_ca.or(fallback.smtp_ca),
            from: self.from.or(fallback.from),
            rate: self.rate.or(fallback.rate),
            deadline: self.deadline.or(fallback.deadline),
            office: self.office.or(fallback.office),
            office_contact: self.office_contact.or(fallback.office_contact),
        }
    }
}

/// Whether `host` is this machine.
pub fn is_loopback(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    h.eq_ignore_ascii_case("localhost")
        || h.parse::<IpAddr>()
            .map(|ip| ip.is_loopback())
            .unwrap_or(false)
}

/// Refuses a plain connection to anything but this machine.
///
/// # Errors
/// [`SettingsError::PlainToRemote`].
pub fn refuse_plain_to_remote(
    protocol: Protocol,
    security: Security,
    host: &str,
) -> Result<(), SettingsError> {
    if security == Security::None && !is_loopback(host) {
        return Err(SettingsError::PlainToRemote {
            protocol,
            host: host.to_string(),
        });
    }
    Ok(())
}

/// The password of `user` on the `protocol`'s server: from its environment variable, else
/// a prompt when a person is at the terminal.
///
/// # Errors
/// [`SettingsError::NoPassword`] when neither is there; [`SettingsError::Prompt`].
pub fn password(protocol: Protocol, user: &str) -> Result<String, SettingsError> {
    if let Ok(p) = std::env::var(protocol.password_env()) {
        return Ok(p);
    }
    if !std::io::stdin().is_terminal() {
        return Err(SettingsError::NoPassword {
            protocol,
            user: user.to_string(),
        });
    }
    rpassword::prompt_password(format!("{} 用户 {user} 的密码：", protocol.name()))
        .map_err(SettingsError::Prompt)
}

/// The certificates of an office's CA file (PEM, one or several), for either server.
///
/// # Errors
/// [`SettingsError::CaRead`]; [`SettingsError::CaInvalid`] for a damaged block or a file
/// without any certificate.
pub fn ca_certificates(path: &Path) -> Result<Vec<CertificateDer<'static>>, SettingsError> {
    let pem = crate::fsutil::read(path).map_err(SettingsError::CaRead)?;
    let invalid = |message: String| SettingsError::CaInvalid {
        path: path.to_path_buf(),
        message,
    };
    let certs = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| invalid(e.to_string()))?;
    if certs.is_empty() {
        return Err(invalid("其中没有 PEM 格式的证书".into()));
    }
    Ok(certs)
}

/// A network error's cause as a clerk can act on it, where one is known; the library's
/// words stay for a detail line.
pub fn network_reason(e: &std::io::Error) -> Option<&'static str> {
    use std::io::ErrorKind as K;
    if let Some(tls) = e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
        return Some(match tls {
            rustls::Error::InvalidCertificate(_) => {
                "服务器证书不受信任（服务器用本单位自有 CA 的证书时，请指定该 CA 证书文件）"
            }
            _ => "TLS 握手失败",
        });
    }
    Some(match e.kind() {
        K::ConnectionRefused => "连接被拒绝（该端口上没有邮件服务）",
        K::TimedOut | K::WouldBlock => "连接超时",
        K::HostUnreachable | K::NetworkUnreachable => "网络不通",
        K::NotFound => "找不到该主机",
        K::ConnectionReset | K::ConnectionAborted | K::UnexpectedEof | K::BrokenPipe => {
            "连接被服务器断开"
        }
        // getaddrinfo's failures have no kind of their own.
        _ if e.to_string().contains("lookup address") => "找不到该主机（域名解析失败）",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_read_relative_to_itself_and_never_holds_a_password() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = dir.path().join("收件.toml");
        std::fs::write(
            &cfg,
            "imap-host = \"mail.example.org\"\nsmtp-ca = \"ca.pem\"\nrate = 5\n",
        )
        .unwrap();
        let file = Settings::read(&cfg).unwrap();
        assert_eq!(file.smtp_ca, Some(dir.path().join("ca.pem")));
        let given = Settings {
            rate: Some(0),
            ..Settings::default()
        };
        let s = given.or(file);
        assert_eq!(
            (s.rate, s.imap_host.as_deref()),
            (Some(0), Some("mail.example.org"))
        );
        std::fs::write(&cfg, "smtp-password = \"x\"\n").unwrap();
        assert!(matches!(
            Settings::read(&cfg),
            Err(SettingsError::PasswordInConfig { .. })
        ));
        std::fs::write(&cfg, "imap-hots = \"x\"\n").unwrap();
        assert!(matches!(
            Settings::read(&cfg),
            Err(SettingsError::ConfigFormat { .. })
        ));
    }

    #[test]
    fn plain_only_to_this_machine() {
        assert!(is_loopback("127.0.0.1") && is_loopback("localhost") && is_loopback("::1"));
        assert!(!is_loopback("mail.example.org") && !is_loopback("10.0.0.1"));
        let e = refuse_plain_to_remote(Protocol::Imap, Security::None, "mail.example.org");
        assert!(e
            .unwrap_err()
            .to_string()
            .starts_with("--imap-security none"));
        assert!(refuse_plain_to_remote(Protocol::Smtp, Security::None, "127.0.0.1").is_ok());
    }

    #[test]
    fn a_ca_file_without_a_certificate_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let ca = dir.path().join("ca.pem");
        std::fs::write(&ca, "not a certificate\n").unwrap();
        let e = ca_certificates(&ca).unwrap_err().to_string();
        assert!(e.contains("ca.pem") && e.contains("没有 PEM"), "{e}");
    }
}
