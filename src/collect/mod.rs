//! `duban collect`: the returns units mail back, from the office's mailbox into a round's
//! returns folder, each with the time it arrived; and, on request, an answer to each sender.
//!
//! Today a clerk saves every attachment by hand, renames it and loses the time it arrived.
//! The mailbox is the office's record, so it is only ever read: EXAMINE and `BODY.PEEK[]`,
//! no flag set, nothing moved or deleted ([`mailbox`]). What was saved is written to the
//! folder's receipts log ([`crate::receipts`]), which makes a rerun fetch only what is new
//! and gives the check each return's arrival. Attachment names come in every encoding
//! Chinese clients use ([`names`]); the sender's unit comes from the contacts, else from
//! the attachment itself ([`save`]). Answers go out through the mail machinery
//! ([`reply`]).
//!
//! | module | what it holds |
//! | --- | --- |
//! | [`transport`] | TCP, STARTTLS and TLS (rustls, with an office CA) under IMAP |
//! | [`mailbox`] | EXAMINE, one listing, batched `UID FETCH … BODY.PEEK[]` |
//! | [`message`] | a fetched message → Message-ID, sender, subject, attachments |
//! | [`names`] | attachment names and header text in every form Chinese clients write |
//! | [`save`] | which unit, which name, duplicates, the files and the receipts |
//! | [`reply`] | 已通过 / 退回 answers to the senders of what a run collected |

pub mod mailbox;
pub mod message;
pub mod names;
pub mod reply;
pub mod save;
pub mod transport;

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::fsutil::{InputError, WriteError};
use crate::mail::smtp;
use crate::receipts::LogError;

/// The environment variable holding the IMAP password.
pub const PASSWORD_ENV: &str = "DUBAN_IMAP_PASSWORD";

/// Why `duban collect` stopped. Each names what to change; files already saved stay saved
/// and logged, so a rerun goes on from there.
#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    #[error(transparent)]
    Read(#[from] InputError),
    #[error(transparent)]
    Write(#[from] WriteError),
    #[error(transparent)]
    Log(#[from] LogError),
    #[error("配置文件 {} 格式错误：{message}", path.display())]
    ConfigFormat { path: PathBuf, message: String },
    #[error("配置文件 {} 不能写密码：请用环境变量 {PASSWORD_ENV}（收件）或 {}（发件），或在提示时输入", path.display(), smtp::PASSWORD_ENV)]
    PasswordInConfig { path: PathBuf },
    #[error("收件需要 {option}（或配置文件的 {key}）")]
    Missing {
        option: &'static str,
        key: &'static str,
    },
    #[error(
        "--imap-security none 只能用于本机（localhost/127.0.0.1），{host} 请用 tls 或 starttls"
    )]
    PlainToRemote { host: String },
    #[error("请用 --into DIR 指明收件文件夹：附件和收件记录（收件记录.jsonl）都存在那里")]
    NoFolder,
    #[error("需要 IMAP 用户 {user} 的密码：请设置环境变量 {PASSWORD_ENV}（密码不能写在命令行或配置文件里）")]
    NoPassword { user: String },
    #[error("无法读取密码：{}", crate::fsutil::describe_io(.0))]
    Prompt(std::io::Error),
    #[error("无法读取 CA 证书：{0}")]
    CaRead(InputError),
    #[error("CA 证书文件 {} 不是有效的 PEM 证书：{message}", path.display())]
    CaInvalid { path: PathBuf, message: String },
    #[error("无法连接收件服务器 {host}:{port}（{security}）：{message}。请检查服务器、端口、加密方式和 CA 证书")]
    Connect {
        host: String,
        port: u16,
        security: &'static str,
        message: String,
    },
    #[error("收件服务器 {host} 拒绝了用户 {user} 的登录：{message}。请检查用户名和密码（{PASSWORD_ENV}）")]
    Login {
        host: String,
        user: String,
        message: String,
    },
    #[error("无法打开邮箱文件夹“{mailbox}”：{message}")]
    Mailbox { mailbox: String, message: String },
    #[error("服务器没有以只读方式打开邮箱文件夹“{mailbox}”（EXAMINE 未答复 READ-ONLY），为免改动邮件，未收取任何邮件")]
    NotReadOnly { mailbox: String },
    #[error(
        "服务器没有给出邮箱文件夹“{mailbox}”的 UIDVALIDITY，无法判断哪些邮件已收过，未收取任何邮件"
    )]
    NoUidValidity { mailbox: String },
    #[error("收件时与服务器的通信出错（{during}）：{message}。已保存的附件都已记入收件记录，重新运行即可接着收取")]
    Imap {
        during: &'static str,
        message: String,
    },
    #[error("--reply 需要 {option}（{what}）")]
    ReplyNeeds {
        option: &'static str,
        what: &'static str,
    },
}

/// How the IMAP connection is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// TLS from the first byte (port 993).
    Tls,
    /// A plain connection upgraded with STARTTLS (port 143); refused if the server cannot.
    Starttls,
    /// No encryption: only to a loopback host.
    None,
}

impl Security {
    pub fn default_port(self) -> u16 {
        match self {
            Security::Tls => 993,
            Security::Starttls | Security::None => 143,
        }
    }

    /// The option's own word, for messages.
    pub fn name(self) -> &'static str {
        match self {
            Security::Tls => "tls",
            Security::Starttls => "starttls",
            Security::None => "none",
        }
    }
}

/// Everything `collect` is told about the mailbox and about answering: what the options
/// give, else the config file (the same keys, kebab-case: `imap-host = "…"`), else a
/// workspace's settings. Never a password.
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
    // Answering (`--reply`), as `duban mail` sends.
    pub smtp_host: Option<String>,
    pub smtp_port: Option<u16>,
    pub smtp_security: Option<smtp::Security>,
    pub smtp_user: Option<String>,
    pub smtp_ca: Option<PathBuf>,
    pub from: Option<String>,
    pub rate: Option<u32>,
    pub office: Option<String>,
    pub office_contact: Option<String>,
}

impl Settings {
    /// Reads a config file. Paths in it are relative to the file.
    ///
    /// # Errors
    /// [`CollectError::Read`], [`CollectError::ConfigFormat`] (an unknown key included), and
    /// [`CollectError::PasswordInConfig`] for any key that names a password.
    pub fn read(path: &Path) -> Result<Settings, CollectError> {
        let text = crate::fsutil::read_text(path)?;
        let table: toml::Table = toml::from_str(&text).map_err(|e| CollectError::ConfigFormat {
            path: path.to_path_buf(),
            message: crate::fsutil::describe_toml(&text, &e),
        })?;
        Settings::from_table(table, path, &crate::fsutil::parent_dir(path))
    }

    /// The settings a table gives (a config file's, or a workspace's sections joined);
    /// `source` names it in messages, and relative paths are taken from `dir`.
    ///
    /// # Errors
    /// As [`Settings::read`].
    pub fn from_table(
        table: toml::Table,
        source: &Path,
        dir: &Path,
    ) -> Result<Settings, CollectError> {
        if table.keys().any(|k| k.to_lowercase().contains("password")) {
            return Err(CollectError::PasswordInConfig {
                path: source.to_path_buf(),
            });
        }
        let mut s: Settings =
            toml::Value::Table(table)
                .try_into()
                .map_err(|e: toml::de::Error| CollectError::ConfigFormat {
                    path: source.to_path_buf(),
                    message: crate::fsutil::describe_toml("", &e),
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
            office: self.office.or(fallback.office),
            office_contact: self.office_contact.or(fallback.office_contact),
        }
    }

    /// The mailbox to open.
    ///
    /// # Errors
    /// [`CollectError::Missing`] without a host or a user.
    pub fn account(&self) -> Result<Account, CollectError> {
        let host = self.imap_host.clone().ok_or(CollectError::Missing {
            option: "--imap-host",
            key: "imap-host",
        })?;
        let user = self.imap_user.clone().ok_or(CollectError::Missing {
            option: "--imap-user",
            key: "imap-user",
        })?;
        let security = self.imap_security.unwrap_or(Security::Tls);
        Ok(Account {
            port: self.imap_port.unwrap_or(security.default_port()),
            host,
            security,
            user,
            ca: self.imap_ca.clone(),
            mailbox: self.mailbox.clone().unwrap_or_else(|| "INBOX".into()),
        })
    }
}

/// A mailbox, resolved: where, how, who, which folder.
#[derive(Clone, Debug, PartialEq)]
pub struct Account {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub user: String,
    pub ca: Option<PathBuf>,
    pub mailbox: String,
}

/// The IMAP password for `user`: from the environment, else a prompt when a person is at
/// the terminal.
pub fn password(user: &str) -> Result<String, CollectError> {
    use std::io::IsTerminal;
    if let Ok(p) = std::env::var(PASSWORD_ENV) {
        return Ok(p);
    }
    if !std::io::stdin().is_terminal() {
        return Err(CollectError::NoPassword {
            user: user.to_string(),
        });
    }
    rpassword::prompt_password(format!("IMAP 用户 {user} 的密码：")).map_err(CollectError::Prompt)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_from_options_then_file() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = dir.path().join("收件.toml");
        std::fs::write(
            &cfg,
            "imap-host = \"mail.example.org\"\nimap-user = \"office\"\nimap-ca = \"ca.pem\"\n",
        )
        .unwrap();
        let file = Settings::read(&cfg).unwrap();
        assert_eq!(file.imap_ca, Some(dir.path().join("ca.pem")));
        let given = Settings {
            imap_port: Some(10993),
            ..Settings::default()
        };
        let a = given.or(file).account().unwrap();
        assert_eq!(
            (a.host.as_str(), a.port, a.security, a.mailbox.as_str()),
            ("mail.example.org", 10993, Security::Tls, "INBOX")
        );
        std::fs::write(&cfg, "imap-password = \"x\"\n").unwrap();
        assert!(matches!(
            Settings::read(&cfg),
            Err(CollectError::PasswordInConfig { .. })
        ));
        std::fs::write(&cfg, "imap-hots = \"x\"\n").unwrap();
        assert!(matches!(
            Settings::read(&cfg),
            Err(CollectError::ConfigFormat { .. })
        ));
        assert!(matches!(
            Settings::default().account(),
            Err(CollectError::Missing { .. })
        ));
    }
}
