//! Email for a reporting round: templates to units, summaries to leaders, reminders to
//! units that have not returned, problem lists to units whose returns failed the check.
//!
//! The office distributes everything by email, and a mail merge goes wrong in three known
//! ways: Chinese attachment names that older clients garble, messages sent twice when a run
//! is restarted, and runs that stop at the first bad address. So: every problem with the
//! contacts is found before anything is sent ([`contacts`]); attachments carry their name
//! both ways that clients read it ([`message`]); an append-only log decides what a rerun
//! still has to send ([`log`]); and a failure for one recipient is recorded and the run goes
//! on ([`send`], the one SMTP loop, also `duban collect --reply`'s). Which messages a round
//! needs is decided in [`plan`], their wording in [`text`], header lines folded in [`fold`];
//! a run of `duban mail` is [`job`]. The settings of both mail servers, the sending one and the mailbox duban
//! reads, are in [`settings`].

pub mod console;
pub mod contacts;
pub mod fold;
pub mod job;
pub mod log;
pub mod made;
pub mod message;
pub mod plan;
pub mod send;
pub mod settings;
pub mod smtp;
pub mod text;

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::fsutil::{describe_io, InputError, WriteError};

/// Why `duban mail` stopped before sending anything (or, for the sent log, stopped
/// sending): each names what to change.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error(transparent)]
    Read(#[from] InputError),
    #[error(transparent)]
    Write(#[from] WriteError),
    #[error(transparent)]
    Settings(#[from] settings::SettingsError),
    /// A folder given on the command line does not exist.
    #[error("找不到文件或文件夹：{}", .0.display())]
    NoSuchPath(PathBuf),
    #[error(
        "缺少发件人：请加 --from \"区督考办 <office@example.org>\"（或写在配置文件的 from 键；在工作区中写在 duban.toml 的 [mail] 里）"
    )]
    NoSender,
    #[error("发件人“{text}”不是有效的邮箱地址：{message}")]
    BadSender { text: String, message: String },
    #[error("联系人表有 {} 处问题，未写出也未发送任何邮件：\n  {}", problems.len(), problems.join("\n  "))]
    Contacts { problems: Vec<String> },
    /// The contacts file cannot be used at all.
    #[error("{0}；未写出也未发送任何邮件")]
    ContactsFile(#[from] contacts::ContactsError),
    #[error(transparent)]
    Text(#[from] text::TextError),
    #[error(transparent)]
    Manifest(#[from] plan::ManifestError),
    #[error("mail {kind} 需要 {option}（{what}）")]
    NeedsOption {
        kind: &'static str,
        option: &'static str,
        what: &'static str,
    },
    #[error("{} 不是 duban check --format json 的校验报告：{message}", path.display())]
    NotCheckReport { path: PathBuf, message: String },
    #[error("{}", names.join("\n"))]
    UnknownNames { names: Vec<String> },
    #[error("无法生成给“{recipient}”的邮件：{message}")]
    Build { recipient: String, message: String },
    #[error("邮件模板（{source_name}）：{problem}；未写出也未发送任何邮件")]
    Fill {
        source_name: String,
        problem: text::TextError,
    },
    #[error("无法读写发送记录 {}：{}；已停止发送", path.display(), describe_io(source))]
    SentLog {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("发送需要 --smtp-host（或配置文件的 smtp-host）")]
    NoSmtpHost,
    #[error(transparent)]
    Smtp(#[from] smtp::SmtpError),
    /// Connecting, securing or logging in failed before the first message: `reason` in
    /// Chinese, `detail` the library's or the server's words.
    #[error("无法连接发信服务器 {host}:{port}（{security}）：{reason}；未发送任何邮件。请检查服务器、端口、加密方式、用户名、密码（{}）和 CA 证书\n  详情：{detail}", settings::Protocol::Smtp.password_env())]
    Connect {
        host: String,
        port: u16,
        security: &'static str,
        reason: String,
        detail: String,
    },
}

/// What is wrong with an address lettre refused, in Chinese (lettre says "Invalid input").
pub fn address_problem(e: &lettre::address::AddressError) -> &'static str {
    use lettre::address::AddressError as E;
    match e {
        E::MissingParts => "缺少 @ 前的用户名或 @ 后的域名",
        E::Unbalanced => "尖括号 < > 不成对",
        E::InvalidUser => "@ 前的用户名含有不允许的字符",
        E::InvalidDomain => "@ 后的域名不合规",
        // The enum may grow.
        _ => "格式不对，应写作 名称 <用户名@域名>，如 区督考办 <office@example.org>",
    }
}

/// What is being mailed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Each unit its template (`duban templates` output).
    Templates,
    /// Each leader their summary workbook (`duban merge` output).
    Summaries,
    /// Each unit whose return is missing or rejected.
    Reminders,
    /// Each unit whose return had problems, with the problem workbook.
    Feedback,
    /// The answer to a sender whose return was accepted (`duban collect --reply`).
    #[value(skip)]
    Accepted,
    /// The answer to a sender whose return was sent back, with its problem list
    /// (`duban collect --reply`).
    #[value(skip)]
    Returned,
    /// The answer to a sender who sent back the template with nothing filled in: not a
    /// return, no problem list (`duban collect --reply`).
    #[value(skip)]
    Untouched,
}

impl Kind {
    /// The word used in file names and the sent log.
    pub fn key(self) -> &'static str {
        match self {
            Kind::Templates => "templates",
            Kind::Summaries => "summaries",
            Kind::Reminders => "reminders",
            Kind::Feedback => "feedback",
            Kind::Accepted => "accepted",
            Kind::Returned => "returned",
            Kind::Untouched => "untouched",
        }
    }

    /// What the office calls it.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Templates => "填报模板",
            Kind::Summaries => "领导汇总",
            Kind::Reminders => "催报提醒",
            Kind::Feedback => "校验反馈",
            Kind::Accepted => "通过回执",
            Kind::Returned => "退回通知",
            Kind::Untouched => "模板未填写",
        }
    }
}

/// Who a message is for: a unit or a leader.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Unit,
    Leader,
}

impl Role {
    pub fn label(self) -> &'static str {
        match self {
            Role::Unit => "单位",
            Role::Leader => "领导",
        }
    }
}
