//! `duban mail`: mails a round's templates, leader summaries, reminders and check feedback.
//!
//! ```text
//! duban mail templates --contacts contacts.csv --templates out/templates --outbox outbox/ \
//!     --from office@example.org
//! duban mail reminders --round 2020年第一季度 --deadline 2020年4月5日 \
//!     --contacts contacts.csv --returns returns/ --outbox outbox/ --config mail.toml --send
//! ```
//!
//! What duban already knows it does not ask again: the round and the deadline come from
//! the templates folder (its manifest, or a template's identity) when not given, the round
//! from the merge folder or the check report otherwise, and every option from the config
//! file.
//!
//! Without `--send` nothing leaves the machine: every message is written to the outbox as an
//! .eml file and a table shows who would get what. With `--send`, messages the outbox's
//! sent log shows as delivered are skipped, so a run cut off halfway can simply be run
//! again. A recipient the contacts do not list is named before anything is written or sent
//! and gets no message; the others do. Exit status: 0 all made (and sent), 1 some message
//! could not be made or sent, 2 nothing was sent because of a problem with the contacts
//! file, texts or options.

use std::path::PathBuf;

use crate::mail::console::Console;
use crate::mail::job::{self, Request};
use crate::mail::settings::{Security, Settings, SettingsError};
use crate::mail::{Kind, MailError};
use crate::workspace::Workspace;
use crate::{CliError, CliResult, Outcome};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// 发什么：templates（填报模板）、summaries（领导汇总）、reminders（催报）、feedback（校验问题反馈）。
    #[arg(value_enum)]
    pub kind: Kind,
    /// 填报期次，如 2020年第一季度；不写时取自 --templates 文件夹、--merged 文件夹或校验报告。
    #[arg(long, value_name = "R")]
    pub round: Option<String>,
    /// 联系人表：CSV（UTF-8 或 Excel 另存的 GBK）或 .xlsx/.xls/.ods（第一个工作表），列为 单位/姓名,类别,邮箱,抄送,联系人；在工作区中默认工作区的联系人表。
    #[arg(long, value_name = "FILE")]
    pub contacts: Option<PathBuf>,
    /// 发件箱文件夹：邮件（.eml）、生成的附件和发送记录 sent-log.jsonl 都写在这里；在工作区中默认 rounds/<期次>/发件箱。
    #[arg(long, value_name = "DIR")]
    pub outbox: Option<PathBuf>,
    /// duban templates 的输出文件夹（templates 必需；reminders 可选，用于重新附上模板；也是期次和截止时间的来源）。
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// duban merge 的输出文件夹（summaries 必需；其中的校验报告也可供 reminders/feedback 使用）。
    #[arg(long, value_name = "DIR")]
    pub merged: Option<PathBuf>,
    /// 各单位报送的表格所在文件夹（reminders/feedback：当场校验）。
    #[arg(long, value_name = "DIR")]
    pub returns: Option<PathBuf>,
    /// 已有的校验报告（duban check --format json 的输出），代替 --returns。
    #[arg(long, value_name = "FILE")]
    pub check_report: Option<PathBuf>,
    /// 真正发送；不加时只写出 .eml 并列表预览，不发送任何邮件。
    #[arg(long)]
    pub send: bool,
    /// 本次最多发送几封（试发用）。
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// 只处理这些单位或领导（可重复）。
    #[arg(long, value_name = "NAME")]
    pub only: Vec<String>,
    /// 即使发送记录显示已发出，也重发给这些单位或领导（可重复）。
    #[arg(long, value_name = "NAME")]
    pub resend: Vec<String>,
    /// 重发上次结果不明的邮件（连接在邮件发出后、服务器答复前中断，对方可能已收到）；请先核实对方未收到。
    #[arg(long)]
    pub resend_uncertain: bool,
    /// 自定义邮件模板文件夹（其中以类别命名的 .txt，如 reminders.txt，代替内置模板：第一行主题，空一行后正文）。
    #[arg(long, value_name = "DIR")]
    pub mail_templates: Option<PathBuf>,
    /// 报送截止时间，填入邮件的 {deadline}，如 2020年4月5日；不写时取自 --templates 文件夹。
    #[arg(long)]
    pub deadline: Option<String>,
    /// 发件机关名称，填入 {office}；默认“区督考办”。
    #[arg(long)]
    pub office: Option<String>,
    /// 发件机关联系方式，填入 {office_contact}；默认为发件邮箱。
    #[arg(long)]
    pub office_contact: Option<String>,
    /// 配置文件（TOML），键与这些选项同名（smtp-host = "…"）；命令行优先。不能写密码。
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// SMTP 服务器。
    #[arg(long)]
    pub smtp_host: Option<String>,
    /// SMTP 端口；默认 starttls 587、tls 465、none 25。
    #[arg(long)]
    pub smtp_port: Option<u16>,
    /// 连接加密方式；none 只允许连本机。
    #[arg(long, value_enum)]
    pub smtp_security: Option<Security>,
    /// SMTP 登录用户名；密码从环境变量 DUBAN_SMTP_PASSWORD 读取，未设置时在终端提示输入。
    #[arg(long)]
    pub smtp_user: Option<String>,
    /// 发件人，如 "区督考办 <office@example.org>"。
    #[arg(long)]
    pub from: Option<String>,
    /// 邮件服务器自有 CA 的证书文件（PEM）。
    #[arg(long, value_name = "FILE")]
    pub smtp_ca: Option<PathBuf>,
    /// 每分钟最多发送几封；0 不限。默认 20。
    #[arg(long, value_name = "N")]
    pub rate: Option<u32>,
}

impl Args {
    /// The settings given on the command line.
    fn settings(&self) -> Settings {
        Settings {
            smtp_host: self.smtp_host.clone(),
            smtp_port: self.smtp_port,
            smtp_security: self.smtp_security,
            smtp_user: self.smtp_user.clone(),
            smtp_ca: self.smtp_ca.clone(),
            from: self.from.clone(),
            rate: self.rate,
            deadline: self.deadline.clone(),
            office: self.office.clone(),
            office_contact: self.office_contact.clone(),
            ..Settings::default()
        }
    }
}

pub fn run(args: Args, g: &crate::cmd::Globals) -> CliResult {
    let catalog = g.catalog()?;
    let req = request(args, g)?;
    let console = Console::new();
    let result = job::mail(&req, &catalog, &console);
    if console.closed() {
        // The table was cut off (`| head`); what was sent is in the log, and the exit
        // status is the sending's.
        eprintln!(
            "注意：标准输出已关闭，其后的结果未显示；邮件已全部处理，发送结果见 {}",
            crate::mail::log::path(&req.outbox).display()
        );
    }
    Ok(if result? {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}

/// What the command line says, with what it left out filled from the workspace: the round
/// (the latest), the contacts, the round's outbox, templates, merged and (for reminders and
/// feedback, unless a merge folder or report is given) returns folders, its deadline; the
/// settings from the options, else `--config`, else duban.toml's `[mail]` and office.
/// Outside a workspace, `--contacts` and `--outbox` must be given.
fn request(mut args: Args, g: &crate::cmd::Globals) -> Result<Request, CliError> {
    let file = match &args.config {
        Some(p) => Settings::read(p).map_err(MailError::from)?,
        None => Settings::default(),
    };
    let mut workspace = Settings::default();
    if let Some(ws) = &g.workspace {
        let info = g.round_info(ws, args.round.as_deref())?;
        let round = info.name.clone();
        let existing = |p: PathBuf| p.is_dir().then_some(p);
        args.contacts.get_or_insert_with(|| ws.contacts_path());
        args.outbox.get_or_insert_with(|| ws.outbox_dir(&round));
        args.templates = args
            .templates
            .or_else(|| existing(ws.templates_dir(&round)));
        args.merged = args.merged.or_else(|| existing(ws.merged_dir(&round)));
        // Reminders and feedback look at 回收 as it is now, unless told to use a report.
        if matches!(args.kind, Kind::Reminders | Kind::Feedback)
            && args.returns.is_none()
            && args.check_report.is_none()
        {
            args.returns = existing(ws.returns_dir(&round));
        }
        args.deadline = args.deadline.or(info.deadline.map(|d| d.iso()));
        args.round = Some(round);
        workspace = workspace_settings(ws).map_err(MailError::from)?;
    }
    let needs = |option, what| CliError::Needs { option, what };
    let check = match args.kind {
        Kind::Reminders | Kind::Feedback => g.check_options(args.round.clone())?,
        _ => crate::check::CheckOptions::default(),
    };
    Ok(Request {
        settings: args.settings().or(file).or(workspace),
        kind: args.kind,
        round: args.round,
        contacts: args.contacts.ok_or(needs("--contacts", "联系人表"))?,
        outbox: args.outbox.ok_or(needs("--outbox", "发件箱文件夹"))?,
        templates: args.templates,
        merged: args.merged,
        returns: args.returns,
        check_report: args.check_report,
        send: args.send,
        limit: args.limit,
        only: args.only,
        resend: args.resend,
        resend_uncertain: args.resend_uncertain,
        mail_templates: args.mail_templates,
        check,
        report: None,
        text: None,
        copy_leaders: false,
        attach: Default::default(),
    })
}

/// duban.toml's mail settings: `[mailbox]`, `[mail]` and the office, relative paths taken
/// from the workspace's root.
pub(super) fn workspace_settings(ws: &Workspace) -> Result<Settings, SettingsError> {
    let c = &ws.config;
    let mut table = crate::workspace::set_entries(&c.mailbox);
    table.extend(crate::workspace::set_entries(&c.mail));
    for (key, value) in [("office", &c.office), ("office-contact", &c.office_contact)] {
        if !value.trim().is_empty() {
            table.insert(key.into(), toml::Value::String(value.clone()));
        }
    }
    Settings::from_table(table, &ws.config_path(), &ws.root)
}
