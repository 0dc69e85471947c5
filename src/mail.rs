//! Email for a reporting round: templates to units, summaries to leaders, reminders to
//! units that have not returned, problem lists to units whose returns failed the check.
//!
//! The office distributes everything by email, and a mail merge goes wrong in three known
//! ways: Chinese attachment names that older clients garble, messages sent twice when a run
//! is restarted, and runs that stop at the first bad address. So: every problem with the
//! contacts is found before anything is sent ([`contacts`]); attachments carry their name
//! both ways that clients read it ([`message`]); an append-only log decides what a rerun
//! still has to send ([`log`]); and a failure for one recipient is recorded and the run goes
//! on ([`smtp`]). Which messages a round needs is decided in [`plan`], their wording in
//! [`text`].

pub mod contacts;
pub mod log;
pub mod message;
pub mod plan;
pub mod smtp;
pub mod text;

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::fsutil::{describe_io, InputError};

/// Why `duban mail` stopped before sending anything (or, for the sent log, stopped
/// sending): each names what to change.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error(transparent)]
    Read(#[from] InputError),
    #[error("配置文件 {} 格式错误：{message}", path.display())]
    ConfigFormat { path: PathBuf, message: String },
    #[error("配置文件 {} 不能写密码：请用环境变量 {} 或在提示时输入", path.display(), smtp::PASSWORD_ENV)]
    PasswordInConfig { path: PathBuf },
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
    #[error("无法连接或登录邮件服务器 {host}:{port}（{security}）：{message}；未发送任何邮件。请检查服务器、端口、加密方式、用户名、密码（{}）和 CA 证书", smtp::PASSWORD_ENV)]
    Connect {
        host: String,
        port: u16,
        security: &'static str,
        message: String,
    },
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
