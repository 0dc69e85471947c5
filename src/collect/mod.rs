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
//! | [`utf7`] | folder names in IMAP's modified UTF-7 (报表 is `&YqWIaA-`) |
//! | [`message`] | a fetched message → Message-ID, sender, subject, attachments |
//! | [`names`] | attachment names and header text in every form Chinese clients write |
//! | [`hostile`] | no control or bidi character printed or saved; an attachment's extension from its content |
//! | [`save`] | which unit, which name, duplicates, the files and the receipts |
//! | [`reply`] | 已通过 / 退回 answers to the senders of what a run collected |
//! | [`route`] | which round's folder each return goes to |
//! | [`waiting`] | returns of rounds not registered yet, taken in by `round new` |
//! | [`bounce`] | bounces and auto-replies: never a unit's return |
//! | [`forward`] | forwarded messages, as parts or as .eml files |
//! | [`job`] | one run: collect, summarise, answer |

pub mod bounce;
pub mod forward;
pub mod hostile;
pub mod job;
pub mod mailbox;
pub mod message;
pub mod names;
pub mod reply;
pub mod route;
pub mod save;
pub mod transport;
pub mod utf7;
pub mod waiting;

use std::path::PathBuf;

use crate::fsutil::{InputError, WriteError};
use crate::mail::settings::{Protocol, Security, Settings, SettingsError};
use crate::receipts::LogError;

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
    #[error(transparent)]
    Settings(#[from] SettingsError),
    #[error("收件需要 {option}（或配置文件的 {key}）")]
    Missing {
        option: &'static str,
        key: &'static str,
    },
    #[error("请用 --into DIR 指明收件文件夹：附件和收件记录（收件记录.jsonl）都存在那里")]
    NoFolder,
    #[error("无法连接收件服务器 {host}:{port}（{security}）：{message}。请检查服务器、端口、加密方式和 CA 证书")]
    Connect {
        host: String,
        port: u16,
        security: &'static str,
        message: String,
    },
    #[error("收件服务器 {host} 拒绝了用户 {user} 的登录：{message}。请检查用户名和密码（{}）", Protocol::Imap.password_env())]
    Login {
        host: String,
        user: String,
        message: String,
    },
    #[error("无法打开邮箱文件夹“{mailbox}”：{message}{}", folder_list(folders))]
    Mailbox {
        mailbox: String,
        message: String,
        /// The account's folders, decoded, when the server listed them.
        folders: Vec<String>,
    },
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
    /// The answers would be read as returns by the next check.
    #[error("输出文件夹 {} 位于报表文件夹 {} 之内，下次汇总会把汇总表当作报表读取；请换一个输出文件夹", out.display(), input.display())]
    OutboxInsideFolder { out: PathBuf, input: PathBuf },
    #[error("--reply 需要 {option}（{what}）")]
    ReplyNeeds {
        option: &'static str,
        what: &'static str,
    },
}

/// `。该账户的文件夹有：INBOX、报表`, or nothing when there is no list.
fn folder_list(folders: &[String]) -> String {
    if folders.is_empty() {
        String::new()
    } else {
        format!("。该账户的文件夹有：{}", folders.join("、"))
    }
}

/// The mailbox `s` names: [`CollectError::Missing`] without a host or a user. TLS on
/// port 993 and INBOX unless told otherwise.
pub fn account(s: &Settings) -> Result<Account, CollectError> {
    let host = s.imap_host.clone().ok_or(CollectError::Missing {
        option: "--imap-host",
        key: "imap-host",
    })?;
    let user = s.imap_user.clone().ok_or(CollectError::Missing {
        option: "--imap-user",
        key: "imap-user",
    })?;
    let security = s.imap_security.unwrap_or(Protocol::Imap.default_security());
    Ok(Account {
        port: s.imap_port.unwrap_or(security.default_port(Protocol::Imap)),
        host,
        security,
        user,
        ca: s.imap_ca.clone(),
        mailbox: s.mailbox.clone().unwrap_or_else(|| "INBOX".into()),
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_from_options_then_file() {
        let given = Settings {
            imap_port: Some(10993),
            ..Settings::default()
        };
        let file = Settings {
            imap_host: Some("mail.example.org".into()),
            imap_user: Some("office".into()),
            ..Settings::default()
        };
        let a = account(&given.or(file)).unwrap();
        assert_eq!(
            (a.host.as_str(), a.port, a.security, a.mailbox.as_str()),
            ("mail.example.org", 10993, Security::Tls, "INBOX")
        );
        assert!(matches!(
            account(&Settings::default()),
            Err(CollectError::Missing { .. })
        ));
    }
}
