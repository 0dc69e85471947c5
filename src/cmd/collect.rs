//! `duban collect`: saves the returns units mailed back, from the office's mailbox into a
//! returns folder, and (with `--reply`) answers each sender.
//!
//! ```text
//! DUBAN_IMAP_PASSWORD=… duban collect --into 回收 --contacts contacts.csv \
//!     --imap-host mail.example.org --imap-user office@example.org [--since 2020-04-01]
//! duban collect --round 2020年第一季度 --into 回收 --config 收件.toml \
//!     --reply --outbox 发件箱 [--send]
//! ```
//!
//! The mailbox is opened read-only and nothing in it changes. Every attachment of a new
//! message is saved as `<收到时间>_<单位>_<原文件名>` with a line in `收件记录.jsonl`; a rerun
//! fetches only what that log does not hold, so it can run every hour. Exit status: 0 all
//! collected (and answered), 1 some message could not be read or some answer not sent,
//! 2 nothing could be done (options, connection, login, the folder).

use std::path::PathBuf;

use crate::collect::job::{self, JobError, ReplyRequest, Request};
use crate::collect::CollectError;
use crate::date::Date;
use crate::mail::console::Console;
use crate::mail::settings::{Security, Settings};
use crate::{CliError, CliResult, Outcome};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// 填报期次，如 2020年第一季度（--reply 必需：按本期校验后答复）。
    #[arg(long, value_name = "R")]
    pub round: Option<String>,
    /// 收件文件夹：附件和收件记录（收件记录.jsonl）都存在这里；duban check/merge 直接读它。
    #[arg(long, value_name = "DIR")]
    pub into: Option<PathBuf>,
    /// 联系人表（单位/姓名,类别,邮箱,抄送,联系人）：按发件人地址（邮箱和抄送列）识别单位。
    #[arg(long, value_name = "FILE")]
    pub contacts: Option<PathBuf>,
    /// 只收这一天（本单位时区）及以后收到的邮件，如 2020-04-01。
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// 邮箱文件夹，默认 INBOX。
    #[arg(long, value_name = "NAME")]
    pub mailbox: Option<String>,
    /// 校验本次收到的报表，并答复每位发件人：已通过（附一句摘要）或退回（附问题清单）。
    #[arg(long)]
    pub reply: bool,
    /// 真正发送答复；不加时只把答复写到发件箱（.eml）预览。
    #[arg(long, requires = "reply")]
    pub send: bool,
    /// 发件箱文件夹（--reply 必需）：答复的 .eml、问题清单和发送记录 sent-log.jsonl。
    #[arg(long, value_name = "DIR")]
    pub outbox: Option<PathBuf>,
    /// 自定义邮件模板文件夹（其中的 accepted.txt、returned.txt、untouched.txt 代替内置模板）。
    #[arg(long, value_name = "DIR")]
    pub mail_templates: Option<PathBuf>,
    /// 配置文件（TOML），键与这些选项同名（imap-host = "…"）；命令行优先。不能写密码。
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// 收件（IMAP）服务器。
    #[arg(long)]
    pub imap_host: Option<String>,
    /// IMAP 端口；默认 tls 993、starttls 和 none 143。
    #[arg(long)]
    pub imap_port: Option<u16>,
    /// 收件连接的加密方式（默认 tls）；none 只允许连本机。
    #[arg(long, value_enum)]
    pub imap_security: Option<Security>,
    /// IMAP 登录用户名；密码从环境变量 DUBAN_IMAP_PASSWORD 读取，未设置时在终端提示输入。
    #[arg(long)]
    pub imap_user: Option<String>,
    /// 收件服务器自有 CA 的证书文件（PEM）。
    #[arg(long, value_name = "FILE")]
    pub imap_ca: Option<PathBuf>,
    /// 答复用的 SMTP 服务器（--reply --send）。
    #[arg(long)]
    pub smtp_host: Option<String>,
    /// SMTP 端口；默认 starttls 587、tls 465、none 25。
    #[arg(long)]
    pub smtp_port: Option<u16>,
    /// 发件连接的加密方式（默认 starttls）；none 只允许连本机。
    #[arg(long, value_enum)]
    pub smtp_security: Option<Security>,
    /// SMTP 登录用户名；密码从环境变量 DUBAN_SMTP_PASSWORD 读取，未设置时在终端提示输入。
    #[arg(long)]
    pub smtp_user: Option<String>,
    /// 发件服务器自有 CA 的证书文件（PEM）。
    #[arg(long, value_name = "FILE")]
    pub smtp_ca: Option<PathBuf>,
    /// 答复的发件人，如 "区督考办 <office@example.org>"。
    #[arg(long)]
    pub from: Option<String>,
    /// 每分钟最多发送几封答复；0 不限。默认 20。
    #[arg(long, value_name = "N")]
    pub rate: Option<u32>,
    /// 发件机关名称，填入 {office}；默认“区督考办”。
    #[arg(long)]
    pub office: Option<String>,
    /// 发件机关联系方式，填入 {office_contact}；默认为发件邮箱。
    #[arg(long)]
    pub office_contact: Option<String>,
}

impl Args {
    /// The settings given on the command line.
    fn settings(&self) -> Settings {
        Settings {
            imap_host: self.imap_host.clone(),
            imap_port: self.imap_port,
            imap_security: self.imap_security,
            imap_user: self.imap_user.clone(),
            imap_ca: self.imap_ca.clone(),
            mailbox: self.mailbox.clone(),
            smtp_host: self.smtp_host.clone(),
            smtp_port: self.smtp_port,
            smtp_security: self.smtp_security,
            smtp_user: self.smtp_user.clone(),
            smtp_ca: self.smtp_ca.clone(),
            from: self.from.clone(),
            rate: self.rate,
            office: self.office.clone(),
            office_contact: self.office_contact.clone(),
            ..Settings::default()
        }
    }
}

/// What a workspace gives `collect` that the command line did not.
struct WorkspaceDefaults {
    round: String,
    into: PathBuf,
    outbox: PathBuf,
    contacts: Option<PathBuf>,
    /// The day the workspace's first round was opened (`round new`): no template existed
    /// before, so older mail is no return. Not the current round's day: a late return of
    /// an earlier round, or mail that came while the next round was not registered yet,
    /// must still be read; the receipts of every round keep a rerun from fetching again.
    since: Option<Date>,
    settings: Settings,
    /// Every round's folder: each return is filed in its own round's.
    rounds: crate::collect::route::Rounds,
    /// Every round's outbox, by round: answers about a round's returns go to its own, and
    /// the sent logs tell which mail a bounce carries back.
    round_outboxes: Vec<(String, PathBuf)>,
}

impl WorkspaceDefaults {
    fn of(ws: &crate::workspace::Workspace, round: Option<&str>) -> Result<Self, CliError> {
        let info = ws.round(round)?;
        let offset = ws.offset()?;
        let all = ws.ledger()?.rounds()?;
        let first = all.first().map_or(&info.created_at, |r| &r.created_at);
        let since = crate::date::instant(first, offset).map(|t| Date::of(t, offset));
        let rounds = crate::collect::route::Rounds {
            list: all
                .iter()
                .map(|r| crate::collect::route::RoundFolder {
                    name: r.name.clone(),
                    opened: crate::date::instant(&r.created_at, offset),
                    dir: ws.returns_dir(&r.name),
                    merged: r.merged_at.is_some(),
                })
                .collect(),
            current: info.name.clone(),
            waiting: ws.waiting_dir(),
        };
        let settings = super::mail::workspace_settings(ws).map_err(CollectError::from)?;
        let contacts = Some(ws.contacts_path()).filter(|p| p.exists());
        Ok(WorkspaceDefaults {
            round_outboxes: (all.iter())
                .map(|r| (r.name.clone(), ws.outbox_dir(&r.name)))
                .collect(),
            into: ws.returns_dir(&info.name),
            outbox: ws.outbox_dir(&info.name),
            round: info.name,
            contacts,
            since,
            settings,
            rounds,
        })
    }
}

/// Every round's folder, to file each return in its own: in a workspace, unless `--into`
/// takes everything into one folder as outside one.
fn routed(d: Option<&WorkspaceDefaults>, into: bool) -> Option<crate::collect::route::Rounds> {
    d.filter(|_| !into).map(|d| d.rounds.clone())
}

/// The outboxes whose sent logs tell which mail a bounce carries back: `--outbox`, and
/// every round's in a workspace.
fn sent_logs(outbox: Option<&PathBuf>, d: Option<&WorkspaceDefaults>) -> Vec<PathBuf> {
    (outbox.into_iter().cloned())
        .chain(
            d.iter()
                .flat_map(|d| d.round_outboxes.iter().map(|(_, o)| o.clone())),
        )
        .collect()
}

/// What `--reply` was told, with the workspace's round and outboxes; `None` without it.
fn reply_request(
    args: &Args,
    round: Option<String>,
    d: Option<&WorkspaceDefaults>,
    g: &crate::cmd::Globals,
) -> Result<Option<ReplyRequest>, CliError> {
    if !args.reply {
        return Ok(None);
    }
    Ok(Some(ReplyRequest {
        check: g.check_options(round.clone())?,
        round,
        // Each round's own outbox, unless --outbox names one for all.
        round_outboxes: match (&args.outbox, d) {
            (None, Some(d)) => d.round_outboxes.clone(),
            _ => Vec::new(),
        },
        outbox: (args.outbox.clone()).or_else(|| d.map(|d| d.outbox.clone())),
        mail_templates: args.mail_templates.clone(),
        send: args.send,
    }))
}

pub fn run(args: Args, g: &crate::cmd::Globals) -> CliResult {
    let catalog = g.catalog()?;
    let file = match &args.config {
        Some(p) => Settings::read(p).map_err(CollectError::from)?,
        None => Settings::default(),
    };
    // In a workspace: the round's 回收 folder, the workspace's contacts, mail since the
    // day the round was opened, and duban.toml's [mailbox], [mail] and office as the last
    // fallback.
    let d = (g.workspace.as_ref())
        .map(|ws| WorkspaceDefaults::of(ws, args.round.as_deref()))
        .transpose()?;
    let settings = args.settings().or(file);
    let since = match &args.since {
        Some(s) => Some(Date::parse(s).map_err(CliError::date("--since"))?),
        None => d.as_ref().and_then(|d| d.since),
    };
    let round = (args.round.clone()).or_else(|| d.as_ref().map(|d| d.round.clone()));
    let sent_logs = sent_logs(args.outbox.as_ref(), d.as_ref());
    let reply = reply_request(&args, round, d.as_ref(), g)?;
    let req = Request {
        rounds: routed(d.as_ref(), args.into.is_some()),
        into: (args.into.or_else(|| d.as_ref().map(|d| d.into.clone())))
            .ok_or(CollectError::NoFolder)?,
        contacts: args
            .contacts
            .or_else(|| d.as_ref().and_then(|d| d.contacts.clone())),
        since,
        settings: match d {
            Some(d) => settings.or(d.settings),
            None => settings,
        },
        offset: g.offset,
        check: g.check_options(None)?,
        reply,
        sent_logs,
    };
    let console = Console::new();
    let result = job::collect(&req, &catalog, &console);
    if console.closed() {
        eprintln!(
            "注意：标准输出已关闭，其后的结果未显示；收件和答复已全部处理，见收件记录和发送记录"
        );
    }
    match result {
        Ok(true) => Ok(Outcome::Findings),
        Ok(false) => Ok(Outcome::Clean),
        Err(JobError::Collect(e)) => Err(e.into()),
        Err(JobError::Mail(e)) => Err(e.into()),
    }
}
