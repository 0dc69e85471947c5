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

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::PathBuf;

use lettre::message::Mailbox;

use super::out;
use crate::collect::mailbox::{self, BATCH_BYTES, BATCH_MESSAGES};
use crate::collect::reply::{self, Context, Letter};
use crate::collect::save::{AddressBook, Collected, Collector, Incoming};
use crate::collect::{self, message, CollectError, Security, Settings};
use crate::date::Date;
use crate::mail::contacts::{self, Contacts};
use crate::mail::smtp;
use crate::mail::{text, Kind, MailError};
use crate::outputs::{RECEIPTS, UNKNOWN_SENDER};
use crate::table::{render, truncate};
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
    /// 自定义邮件模板文件夹（其中的 accepted.txt、returned.txt 代替内置模板）。
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
    pub smtp_security: Option<smtp::Security>,
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
        }
    }
}

/// What a workspace gives `collect` that the command line did not.
struct WorkspaceDefaults {
    round: String,
    into: PathBuf,
    outbox: PathBuf,
    contacts: Option<PathBuf>,
    /// The day the round was opened (`round new`): its templates did not exist before, so
    /// older mail is not its returns.
    since: Option<Date>,
    settings: Settings,
}

impl WorkspaceDefaults {
    fn of(ws: &crate::workspace::Workspace, round: Option<&str>) -> Result<Self, CliError> {
        let info = ws.round(round)?;
        let offset = ws.offset()?;
        let since = crate::date::instant(&info.created_at, offset).map(|t| Date::of(t, offset));
        let c = &ws.config;
        let mut table = crate::workspace::set_entries(&c.mailbox);
        table.extend(crate::workspace::set_entries(&c.mail));
        for (key, value) in [("office", &c.office), ("office-contact", &c.office_contact)] {
            if !value.trim().is_empty() {
                table.insert(key.into(), toml::Value::String(value.clone()));
            }
        }
        let settings = Settings::from_table(table, &ws.config_path(), &ws.root)?;
        let contacts = Some(ws.contacts_path()).filter(|p| p.exists());
        Ok(WorkspaceDefaults {
            into: ws.returns_dir(&info.name),
            outbox: ws.outbox_dir(&info.name),
            round: info.name,
            contacts,
            since,
            settings,
        })
    }
}

/// What `--reply` needs, resolved before the mailbox is opened: a mistake in it must not
/// be found only after everything was collected.
struct ReplySetup {
    round: String,
    outbox: PathBuf,
    from: Mailbox,
    accepted: text::MailText,
    returned: text::MailText,
    base: BTreeMap<&'static str, String>,
    smtp: Option<(smtp::Settings, Option<String>)>,
}

pub fn run(args: Args, g: &crate::cli::Globals) -> CliResult {
    let catalog = g.catalog()?;
    let file = match &args.config {
        Some(p) => Settings::read(p)?,
        None => Settings::default(),
    };
    // In a workspace: the round's 回收 folder, the workspace's contacts, mail since the
    // day the round was opened, and duban.toml's [mailbox], [mail] and office as the last
    // fallback.
    let defaults = match &g.workspace {
        Some(ws) => Some(WorkspaceDefaults::of(ws, args.round.as_deref())?),
        None => None,
    };
    let settings = args.settings().or(file);
    let settings = match &defaults {
        Some(d) => settings.or(d.settings.clone()),
        None => settings,
    };
    let into = args
        .into
        .clone()
        .or_else(|| defaults.as_ref().map(|d| d.into.clone()))
        .ok_or(CollectError::NoFolder)?;
    let since = match &args.since {
        Some(s) => Some(Date::parse(s).map_err(CliError::date("--since"))?),
        None => defaults.as_ref().and_then(|d| d.since),
    };
    let contacts_path = args
        .contacts
        .clone()
        .or_else(|| defaults.as_ref().and_then(|d| d.contacts.clone()));
    // A contacts file that cannot be read would name every return 未识别发件人: stop.
    let contacts = match &contacts_path {
        Some(p) => contacts::read(p, &catalog).map_err(MailError::from)?,
        None => Contacts::default(),
    };
    let args = Args {
        round: args
            .round
            .clone()
            .or_else(|| defaults.as_ref().map(|d| d.round.clone())),
        outbox: args
            .outbox
            .clone()
            .or_else(|| defaults.as_ref().map(|d| d.outbox.clone())),
        contacts: contacts_path,
        ..args
    };
    for p in &contacts.problems {
        out(&format!("注意：联系人表 {p}（不用于识别发件人）\n"));
    }
    let mut setup = if args.reply {
        Some(reply_setup(&args, &settings, &into)?)
    } else {
        None
    };
    let account = settings.account()?;
    let password = collect::password(&account.user)?;
    if let Some((smtp, password)) = setup.as_mut().and_then(|s| s.smtp.as_mut()) {
        if let Some(u) = &smtp.user {
            *password = Some(smtp::password(u).map_err(MailError::from)?);
        }
    }

    let mut opened = mailbox::open(&account, &password)?;
    let uidvalidity = opened.uidvalidity;
    let mut collector = Collector::open(
        &into,
        opened.uidvalidity,
        AddressBook::new(&contacts),
        &catalog,
        g.check_options(None)?,
    )?;
    let listed = mailbox::list(&mut opened, since, g.offset)?;
    let new: Vec<mailbox::Listed> = listed
        .iter()
        .filter(|m| !collector.is_known(m.uid))
        .cloned()
        .collect();
    let vanished = fetch(&mut opened, &mut collector, &new)?;
    mailbox::close(opened);

    let summary = Summary {
        account: &account,
        uidvalidity,
        offset: g.offset,
        listed: listed.len(),
        known: listed.len() - new.len(),
        since,
        into: &into,
        contacts_given: args.contacts.is_some(),
    };
    out(&summary.render(&collector.taken, &collector.failures, &vanished));
    let mut failed = !collector.failures.is_empty();

    if let Some(setup) = setup {
        // The folder stays locked while answering: two runs must not send the same answer.
        let taken = std::mem::take(&mut collector.taken);
        failed |= answer(&taken, uidvalidity, &into, &contacts, &catalog, setup, g)?;
    }
    drop(collector);
    Ok(if failed {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}

/// Fetches the messages `new` lists, batch by batch, into the collector; returns the UIDs
/// that were gone by then. A progress line runs on a terminal.
fn fetch(
    opened: &mut mailbox::Opened,
    collector: &mut Collector<'_>,
    new: &[mailbox::Listed],
) -> Result<Vec<u32>, CliError> {
    let batches = mailbox::plan_batches(new, BATCH_MESSAGES, BATCH_BYTES);
    let progress = std::io::stderr().is_terminal() && batches.len() > 1;
    let mut vanished = Vec::new();
    let mut done = 0;
    for batch in &batches {
        let mut incoming = Vec::with_capacity(batch.len());
        vanished.extend(mailbox::fetch_batch(opened, batch, |m| {
            incoming.push(Incoming {
                uid: m.uid,
                received: m.received,
                parsed: message::parse(m.raw).map_err(|e| e.to_string()),
            })
        })?);
        collector.take(incoming)?;
        done += batch.len();
        if progress {
            eprint!("\r收取中：{done}/{} 封", new.len());
        }
    }
    if progress {
        eprintln!();
    }
    Ok(vanished)
}

/// Checks `--reply`'s options and reads its texts.
fn reply_setup(
    args: &Args,
    settings: &Settings,
    into: &std::path::Path,
) -> Result<ReplySetup, CliError> {
    let needs =
        |option: &'static str, what: &'static str| CollectError::ReplyNeeds { option, what };
    let round = args
        .round
        .clone()
        .filter(|r| !r.trim().is_empty())
        .ok_or(needs("--round", "按哪一期校验"))?;
    let outbox = args
        .outbox
        .clone()
        .ok_or(needs("--outbox DIR", "答复写到哪里"))?;
    let (o, i) = (
        crate::fsutil::resolved(&outbox),
        crate::fsutil::resolved(into),
    );
    if o.starts_with(&i) {
        return Err(CliError::OutputInsideInputs {
            out: outbox,
            input: into.to_path_buf(),
        });
    }
    let from_text = settings.from.clone().ok_or(MailError::NoSender)?;
    let from: Mailbox = from_text.parse().map_err(|e| MailError::BadSender {
        text: from_text.clone(),
        message: format!("{e}"),
    })?;
    let dir = args.mail_templates.as_deref();
    let accepted = text::load(Kind::Accepted, dir).map_err(MailError::from)?;
    let returned = text::load(Kind::Returned, dir).map_err(MailError::from)?;
    let mut base = BTreeMap::new();
    base.insert("round", round.clone());
    base.insert(
        "office",
        settings.office.clone().unwrap_or_else(|| "区督考办".into()),
    );
    base.insert(
        "office_contact",
        settings
            .office_contact
            .clone()
            .unwrap_or_else(|| from.email.to_string()),
    );
    let smtp = if args.send {
        let security = settings.smtp_security.unwrap_or(smtp::Security::Starttls);
        let s = smtp::Settings {
            host: settings.smtp_host.clone().ok_or(MailError::NoSmtpHost)?,
            port: settings.smtp_port.unwrap_or(security.default_port()),
            security,
            user: settings.smtp_user.clone(),
            from: from.clone(),
            ca: settings.smtp_ca.clone(),
            rate: settings.rate.unwrap_or(20),
        };
        if s.security == smtp::Security::None && !smtp::is_loopback(&s.host) {
            return Err(MailError::from(smtp::SmtpError::PlainToRemote { host: s.host }).into());
        }
        // The password is asked for after the mailbox's.
        Some((s, None))
    } else {
        None
    };
    Ok(ReplySetup {
        round,
        outbox,
        from,
        accepted,
        returned,
        base,
        smtp,
    })
}

/// Checks the folder and answers the senders; true when some answer failed.
fn answer(
    taken: &[Collected],
    uidvalidity: u32,
    into: &std::path::Path,
    contacts: &Contacts,
    catalog: &crate::catalog::Catalog,
    setup: ReplySetup,
    g: &crate::cli::Globals,
) -> Result<bool, CliError> {
    let report = crate::check::check_paths(
        &[into.to_path_buf()],
        catalog,
        &g.check_options(Some(setup.round.clone()))?,
    );
    let cx = Context {
        round: &setup.round,
        dir: into,
        outbox: &setup.outbox,
        from: &setup.from,
        offset: g.offset,
        contacts,
        accepted: &setup.accepted,
        returned: &setup.returned,
        base: setup.base.clone(),
    };
    let (entries, _) = crate::mail::log::read(&setup.outbox).map_err(MailError::from)?;
    let this_run = taken
        .iter()
        .filter(|c| !c.saved.is_empty())
        .map(|c| Letter::collected(c, uidvalidity))
        .collect();
    let mut made = Vec::new();
    let mut unanswerable = false;
    for l in reply::letters(this_run, &report, &entries, &cx)? {
        match reply::make(&l, &report, &cx) {
            Ok(Some(m)) => made.push(m),
            Ok(None) => {}
            // One sender's address: that answer, not the others.
            Err(MailError::Build { recipient, message }) => {
                out(&format!("无法答复 {recipient}：{message}\n"));
                unanswerable = true;
            }
            Err(e) => return Err(e.into()),
        }
    }
    reply::write(&made)?;
    match &setup.smtp {
        Some((s, password)) => reply::send(&mut made, &setup.outbox, s, password.clone())?,
        None => reply::record_drafts(&mut made, &setup.outbox)?,
    }
    let rows: Vec<Vec<String>> = made
        .iter()
        .map(|m| {
            vec![
                m.draft.recipient.clone(),
                m.letter.sender.clone(),
                m.draft.kind.label().to_string(),
                truncate(
                    &m.draft
                        .attachments
                        .iter()
                        .map(|a| a.file_name.clone())
                        .collect::<Vec<_>>()
                        .join("、"),
                    40,
                ),
                m.status.clone(),
            ]
        })
        .collect();
    if made.is_empty() {
        out("\n答复：没有需要答复的报表。\n");
        return Ok(unanswerable);
    }
    out(&format!(
        "\n答复：{} 封\n{}",
        made.len(),
        render(&["单位", "发件人", "答复", "附件", "状态"], &rows)
    ));
    if setup.smtp.is_none() {
        out(&format!(
            "演练：答复已写到 {}（.eml），未发送；确认无误后加 --send 发送。\n",
            setup.outbox.display()
        ));
    }
    Ok(unanswerable || made.iter().any(|m| m.failed))
}

/// The numbers the run ends with.
struct Summary<'a> {
    account: &'a collect::Account,
    uidvalidity: u32,
    offset: jiff::tz::Offset,
    listed: usize,
    known: usize,
    since: Option<Date>,
    into: &'a std::path::Path,
    contacts_given: bool,
}

impl Summary<'_> {
    fn render(&self, taken: &[Collected], failures: &[String], vanished: &[u32]) -> String {
        let a = self.account;
        let mut s = format!(
            "收件：{}@{} 的 {}{}，共 {} 封邮件，此前已收取 {} 封，本次收取 {} 封。\n",
            a.user,
            a.host,
            a.mailbox,
            self.since
                .map(|d| format!("（{}起）", d.chinese()))
                .unwrap_or_default(),
            self.listed,
            self.known,
            taken.len() + failures.len()
        );
        let mut by_unit: BTreeMap<&str, usize> = BTreeMap::new();
        let mut returns = 0;
        for f in taken
            .iter()
            .flat_map(|c| &c.saved)
            .filter(|f| f.spreadsheet)
        {
            *by_unit.entry(f.receipt.unit.as_str()).or_default() += 1;
            returns += 1;
        }
        if returns > 0 {
            let mut units: Vec<(&str, usize)> = by_unit.into_iter().collect();
            // The unknown last, so the clerk's eye ends on what needs a hand.
            units.sort_by_key(|(u, _)| *u == UNKNOWN_SENDER);
            let list: Vec<String> = units.iter().map(|(u, n)| format!("{u} {n} 份")).collect();
            s.push_str(&format!("新保存报表 {returns} 份：{}\n", list.join("、")));
        } else {
            s.push_str("没有新的报表。\n");
        }
        let copies: Vec<&Collected> = taken.iter().filter(|c| c.copies > 0).collect();
        if !copies.is_empty() {
            let files: usize = copies.iter().map(|c| c.copies).sum();
            s.push_str(&format!(
                "重复投递的邮件 {} 封：其中 {files} 个附件此前已保存，未重复保存。\n",
                copies.len()
            ));
        }
        let strangers: Vec<&Collected> = taken.iter().filter(|c| !c.in_contacts).collect();
        if !strangers.is_empty() {
            let mut seen: Vec<String> = Vec::new();
            for c in &strangers {
                let unit = match &c.unit {
                    Some(u) => format!("{u}（由附件识别）"),
                    None => UNKNOWN_SENDER.to_string(),
                };
                let line = format!("  {} → {unit}", c.sender);
                if !seen.contains(&line) {
                    seen.push(line);
                }
            }
            let why = if self.contacts_given {
                "联系人表中没有的发件人"
            } else {
                "未提供联系人表（--contacts），发件人"
            };
            s.push_str(&format!("{why} {} 个：\n{}\n", seen.len(), seen.join("\n")));
        }
        let plain: Vec<&Collected> = taken.iter().filter(|c| !c.has_spreadsheet).collect();
        if !plain.is_empty() {
            let rows: Vec<Vec<String>> = plain
                .iter()
                .map(|c| {
                    vec![
                        c.sender.clone(),
                        truncate(&c.subject, 40),
                        crate::date::display_in(c.received, self.offset),
                    ]
                })
                .collect();
            s.push_str(&format!(
                "无报表附件的邮件 {} 封（请人工查看）：\n{}",
                plain.len(),
                render(&["发件人", "主题", "时间"], &rows)
            ));
        }
        let others: Vec<&str> = taken
            .iter()
            .flat_map(|c| &c.saved)
            .filter(|f| !f.spreadsheet)
            .map(|f| f.receipt.path.as_str())
            .collect();
        if !others.is_empty() {
            s.push_str(&format!(
                "另存其他附件 {} 个（不是报表）：\n  {}\n",
                others.len(),
                others.join("\n  ")
            ));
        }
        if !failures.is_empty() {
            s.push_str(&format!(
                "未能读取的邮件 {} 封：\n  {}\n",
                failures.len(),
                failures.join("\n  ")
            ));
        }
        if !vanished.is_empty() {
            s.push_str(&format!(
                "收取期间被删除的邮件 {} 封（UID {}），未保存。\n",
                vanished.len(),
                vanished
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join("、")
            ));
        }
        s.push_str(&format!(
            "文件夹：{}（收件记录 {}，UIDVALIDITY {}）\n",
            self.into.display(),
            RECEIPTS,
            self.uidvalidity
        ));
        s
    }
}
