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

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use lettre::message::Mailbox;
use serde::Deserialize;

use super::out;
use crate::catalog::names::{closest, fold};
use crate::catalog::Catalog;
use crate::check::check_paths;
use crate::date::Date;
use crate::fsutil::write_atomic;
use crate::mail::contacts::{self, Contact, Contacts};
use crate::mail::log::{self, Entry, Outcome as LogOutcome};
use crate::mail::message::{Attachment, Draft};
use crate::mail::plan::{self, Planned};
use crate::mail::smtp::{self, Security, Settings};
use crate::mail::MailError;
use crate::mail::{text, Kind, Role};
use crate::report::CheckReport;
use crate::table::{render, truncate};
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
    /// The contacts file (given, or the workspace's: see [`in_workspace`]).
    fn contacts(&self) -> &Path {
        self.contacts.as_deref().expect("resolved before use")
    }

    /// The outbox folder (given, or the workspace's round's).
    fn outbox(&self) -> &Path {
        self.outbox.as_deref().expect("resolved before use")
    }
}

/// Fills what the command line left out from the workspace: the round (the latest), the
/// contacts, the round's outbox, templates, merged and (for reminders and feedback, unless
/// a merge folder or report is given) returns folders, its deadline, and duban.toml's
/// `[mail]` and office as the config. Outside a workspace, `--contacts` and `--outbox` must
/// be given.
fn in_workspace(mut args: Args, g: &crate::cli::Globals) -> Result<(Args, Config), CliError> {
    let Some(ws) = &g.workspace else {
        if args.contacts.is_none() {
            return Err(CliError::Needs {
                option: "--contacts",
                what: "联系人表",
            });
        }
        if args.outbox.is_none() {
            return Err(CliError::Needs {
                option: "--outbox",
                what: "发件箱文件夹",
            });
        }
        let cfg = match &args.config {
            Some(p) => read_config(p)?,
            None => Config::default(),
        };
        return Ok((args, cfg));
    };
    let info = ws.round(args.round.as_deref())?;
    let round = info.name.clone();
    let existing = |p: PathBuf| p.is_dir().then_some(p);
    args.contacts.get_or_insert_with(|| ws.contacts_path());
    args.outbox.get_or_insert_with(|| ws.outbox_dir(&round));
    if args.templates.is_none() {
        args.templates = existing(ws.templates_dir(&round));
    }
    if args.merged.is_none() {
        args.merged = existing(ws.merged_dir(&round));
    }
    // Reminders and feedback look at 回收 as it is now, unless told to use a report.
    if matches!(args.kind, Kind::Reminders | Kind::Feedback)
        && args.returns.is_none()
        && args.check_report.is_none()
    {
        args.returns = existing(ws.returns_dir(&round));
    }
    if args.deadline.is_none() {
        args.deadline = info.deadline.map(|d| d.iso());
    }
    args.round = Some(round);
    let mut cfg = match &args.config {
        Some(p) => read_config(p)?,
        None => config_of(
            crate::workspace::set_entries(&ws.config.mail),
            &ws.config_path(),
            &ws.root,
        )?,
    };
    let c = &ws.config;
    if cfg.office.is_none() && !c.office.trim().is_empty() {
        cfg.office = Some(c.office.clone());
    }
    if cfg.office_contact.is_none() && !c.office_contact.trim().is_empty() {
        cfg.office_contact = Some(c.office_contact.clone());
    }
    Ok((args, cfg))
}

/// The config file: the same keys as the options.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct Config {
    smtp_host: Option<String>,
    smtp_port: Option<u16>,
    smtp_security: Option<Security>,
    smtp_user: Option<String>,
    from: Option<String>,
    smtp_ca: Option<PathBuf>,
    rate: Option<u32>,
    deadline: Option<String>,
    office: Option<String>,
    office_contact: Option<String>,
}

fn read_config(path: &Path) -> Result<Config, MailError> {
    let text = crate::fsutil::read_text(path)?;
    let table: toml::Table = toml::from_str(&text).map_err(|e| MailError::ConfigFormat {
        path: path.to_path_buf(),
        message: crate::fsutil::describe_toml(&text, &e),
    })?;
    config_of(table, path, &crate::fsutil::parent_dir(path))
}

/// The settings a table gives (a config file's, or a workspace's `[mail]`); `source` names
/// it in messages, and a CA path is taken from `dir`, not from where duban runs.
fn config_of(table: toml::Table, source: &Path, dir: &Path) -> Result<Config, MailError> {
    if table.keys().any(|k| k.to_lowercase().contains("password")) {
        return Err(MailError::PasswordInConfig {
            path: source.to_path_buf(),
        });
    }
    let mut c: Config = toml::Value::Table(table)
        .try_into()
        .map_err(|e: toml::de::Error| MailError::ConfigFormat {
            path: source.to_path_buf(),
            message: crate::fsutil::describe_toml("", &e),
        })?;
    if let Some(ca) = c.smtp_ca.as_mut().filter(|ca| ca.is_relative()) {
        *ca = dir.join(&*ca);
    }
    Ok(c)
}

/// One message, made and ready, or why not.
struct Made {
    planned: Planned,
    /// None: the contacts list no address for the recipient.
    contact: Option<Contact>,
    draft: Option<Draft>,
    eml: PathBuf,
    status: String,
    failed: bool,
}

pub fn run(args: Args, g: &crate::cli::Globals) -> CliResult {
    let catalog = g.catalog()?;
    let (args, cfg) = in_workspace(args, g)?;
    let from_text = args
        .from
        .clone()
        .or(cfg.from.clone())
        .ok_or(MailError::NoSender)?;
    let from: Mailbox = from_text.parse().map_err(|e| MailError::BadSender {
        text: from_text.clone(),
        message: format!("{e}"),
    })?;
    let mail_text =
        text::load(args.kind, args.mail_templates.as_deref()).map_err(MailError::from)?;

    let known = Known::gather(&args, &catalog, g)?;
    let round = known.round.clone();
    let (mut planned, notes) = plan_kind(&args, &catalog, &known)?;
    let only = resolve_names(&args.only, &catalog, "--only")?;
    if !only.is_empty() {
        planned.retain(|p| only.iter().any(|(r, n)| *r == p.role && *n == p.recipient));
    }
    let resend = resolve_names(&args.resend, &catalog, "--resend")?;

    // Every problem in the contacts file, together, before anything is written or sent.
    let contacts = contacts::read(args.contacts(), &catalog).map_err(MailError::from)?;
    if !contacts.problems.is_empty() {
        return Err(MailError::Contacts {
            problems: contacts.problems,
        }
        .into());
    }
    // A recipient the file does not list gets no message, and is named first; the others go.
    let unlisted: Vec<&Planned> = planned
        .iter()
        .filter(|p| contacts.get(p.role, &p.recipient).is_none())
        .collect();
    if !unlisted.is_empty() {
        out(&unlisted_note(&contacts, &unlisted));
    }

    let mut base: BTreeMap<&str, String> = BTreeMap::new();
    base.insert("round", round.clone());
    base.insert(
        "office",
        args.office
            .clone()
            .or(cfg.office.clone())
            .unwrap_or_else(|| "区督考办".into()),
    );
    base.insert(
        "office_contact",
        args.office_contact
            .clone()
            .or(cfg.office_contact.clone())
            .unwrap_or_else(|| from.email.to_string()),
    );
    let deadline = args
        .deadline
        .clone()
        .or(cfg.deadline.clone())
        .or(known.deadline.clone());
    if let Some(d) = deadline {
        // As a letter writes it (2020年4月5日), whichever way it was typed.
        let d = Date::parse(&d).map(Date::chinese).unwrap_or(d);
        base.insert("deadline", d);
    }

    let mut made = Vec::new();
    for p in planned {
        let contact = contacts.get(p.role, &p.recipient).cloned();
        made.push(make(p, contact, &base, &mail_text, &from, &args, &round)?);
    }
    for m in made.iter().filter(|m| m.draft.is_some()) {
        let d = m.draft.as_ref().expect("filtered");
        for a in d
            .attachments
            .iter()
            .filter(|a| a.path.starts_with(args.outbox()))
        {
            write_atomic(&a.path, &a.bytes)?;
        }
        let msg = d.build().map_err(|e| MailError::Build {
            recipient: d.recipient.clone(),
            message: e.to_string(),
        })?;
        write_atomic(&m.eml, &msg.formatted())?;
    }
    for n in &notes {
        out(&format!("注意：{n}\n"));
    }
    if args.send {
        send_all(&args, &round, &cfg, &from, &mut made, &resend)?;
    }
    print_table(&made, &args);
    let failed = made.iter().filter(|m| m.failed).count();
    if !args.send {
        out(&format!(
            "演练：{} 封邮件已写到 {}（.eml），未发送任何邮件；确认无误后加 --send 发送。\n",
            made.iter().filter(|m| m.draft.is_some()).count(),
            args.outbox().display()
        ));
    }
    Ok(if failed > 0 || !notes.is_empty() {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}

/// The recipients the contacts file gives no address for: the row to complete for those
/// it lists with 邮箱 still empty (as `duban init` writes them), the row to add for the others.
fn unlisted_note(contacts: &Contacts, unlisted: &[&Planned]) -> String {
    let mut s = format!(
        "注意：联系人表 {} 中没有以下 {} 个收件人的邮箱，未给他们写邮件（其他邮件照常）：\n",
        contacts.path.display(),
        unlisted.len()
    );
    let mut missing = Vec::new();
    for p in unlisted {
        let row = contacts
            .unfilled
            .iter()
            .find(|c| c.role == p.role && c.name == p.recipient);
        match row {
            Some(c) => s.push_str(&format!(
                "  {}（{}）：请在第 {} 行填上邮箱\n",
                p.recipient,
                p.role.label(),
                c.line
            )),
            None => {
                s.push_str(&format!(
                    "  {}（{}）：表中没有这一行\n",
                    p.recipient,
                    p.role.label()
                ));
                missing.push(*p);
            }
        }
    }
    if let Some(p) = missing.first() {
        s.push_str(&format!(
            "表中没有的，请各补一行：{}，如“{},{},邮箱,,联系人”。\n",
            contacts::HEADER.join(","),
            p.recipient,
            p.role.label()
        ));
    }
    s.push_str("补好后重新运行即可。\n");
    s
}

/// What the run knows without being told: the round and deadline, the templates
/// folder's manifest, and (for reminders and feedback) the check report.
struct Known {
    round: String,
    deadline: Option<String>,
    manifest: Option<Vec<plan::ManifestRow>>,
    report: Option<CheckReport>,
}

impl Known {
    /// `--round` first; then the templates folder (manifest, or a template's identity);
    /// then the merge folder's check report, or the check report of reminders and
    /// feedback. The deadline, when not given, is the templates folder's.
    fn gather(args: &Args, catalog: &Catalog, g: &crate::cli::Globals) -> Result<Known, CliError> {
        let needs = |option, what| MailError::NeedsOption {
            kind: args.kind.key(),
            option,
            what,
        };
        match args.kind {
            Kind::Templates if args.templates.is_none() => {
                return Err(needs("--templates DIR", "duban templates 的输出文件夹").into())
            }
            Kind::Summaries if args.merged.is_none() => {
                return Err(needs("--merged DIR", "duban merge 的输出文件夹").into())
            }
            _ => {}
        }
        let manifest = match &args.templates {
            Some(dir) => Some(plan::read_manifest(dir, catalog).map_err(MailError::from)?),
            None => None,
        };
        let facts = manifest
            .as_deref()
            .map(plan::templates_facts)
            .unwrap_or_default();
        let mut round = args.round.clone().or(facts.round);
        let report = match args.kind {
            Kind::Reminders | Kind::Feedback => {
                let report = check_report(args, catalog, round.as_deref(), g)?;
                round = round.or(report.round.clone());
                Some(report)
            }
            Kind::Templates | Kind::Summaries | Kind::Accepted | Kind::Returned => None,
        };
        if round.is_none() {
            round = args
                .merged
                .as_deref()
                .and_then(|d| plan::merged_facts(d).round);
        }
        let round = round
            .filter(|r| !r.trim().is_empty())
            .ok_or(MailError::NeedsOption {
                kind: args.kind.key(),
                option: "--round",
                what: "填报期次，如 2020年第一季度；或用 --templates 指向本期模板文件夹",
            })?;
        Ok(Known {
            round,
            deadline: facts.deadline,
            manifest,
            report,
        })
    }
}

/// The messages of the kind, and notes about returns nobody can be mailed about.
fn plan_kind(
    args: &Args,
    catalog: &Catalog,
    known: &Known,
) -> Result<(Vec<Planned>, Vec<String>), CliError> {
    let round = known.round.as_str();
    let report = || {
        known
            .report
            .as_ref()
            .expect("gathered for reminders and feedback")
    };
    Ok(match args.kind {
        Kind::Templates => {
            let rows = known.manifest.as_deref().unwrap_or_default();
            (plan::templates(rows, round), vec![])
        }
        Kind::Summaries => {
            let dir = args.merged.as_deref().expect("gathered: --merged is given");
            (plan::summaries(dir, catalog, round), vec![])
        }
        Kind::Reminders => (
            plan::reminders(report(), catalog, known.manifest.as_deref()),
            vec![],
        ),
        Kind::Feedback => plan::feedback(report(), round),
        // Not offered on this command line: `duban collect --reply` sends these.
        Kind::Accepted | Kind::Returned => (Vec::new(), Vec::new()),
    })
}

/// The check report for reminders and feedback: `--check-report`, else the merge folder's
/// `<round>_校验报告.json`, else a check of `--returns` run now.
fn check_report(
    args: &Args,
    catalog: &Catalog,
    round: Option<&str>,
    g: &crate::cli::Globals,
) -> Result<CheckReport, CliError> {
    let from_merge = args.merged.as_ref().and_then(|d| {
        let p = match round {
            Some(r) => d.join(crate::outputs::check_report(r)),
            // Without a round, the folder's one report, if it holds one.
            None => std::fs::read_dir(d)
                .ok()?
                .flatten()
                .map(|e| e.path())
                .find(|p| {
                    p.file_name()
                        .is_some_and(|n| crate::outputs::is_check_report(&n.to_string_lossy()))
                })?,
        };
        (p.exists() && args.returns.is_none()).then_some(p)
    });
    if let Some(p) = args.check_report.clone().or(from_merge) {
        let text = crate::fsutil::read_text(&p)?;
        return serde_json::from_str(&text).map_err(|e| {
            MailError::NotCheckReport {
                path: p.clone(),
                message: crate::fsutil::describe_json(&e),
            }
            .into()
        });
    }
    let Some(dir) = &args.returns else {
        return Err(MailError::NeedsOption {
            kind: args.kind.key(),
            option: "--returns DIR 或 --check-report FILE",
            what: "各单位报送的表格，或 duban check --format json 的校验报告",
        }
        .into());
    };
    if !dir.exists() {
        return Err(CliError::NoSuchPath(dir.clone()));
    }
    let opts = g.check_options(round.map(String::from))?;
    Ok(check_paths(std::slice::from_ref(dir), catalog, &opts))
}

/// `--only`/`--resend` names to (role, canonical name); unknown names stop the run.
fn resolve_names(
    names: &[String],
    catalog: &Catalog,
    opt: &str,
) -> Result<Vec<(Role, String)>, CliError> {
    let mut out = Vec::new();
    let mut bad = Vec::new();
    for n in names {
        if let Some(l) = catalog.leaders().iter().find(|l| fold(l) == fold(n)) {
            out.push((Role::Leader, l.clone()));
        } else if let Ok(u) = catalog.registry().unit(n) {
            out.push((Role::Unit, u.name.clone()));
        } else {
            let all = catalog
                .registry()
                .units()
                .iter()
                .map(|u| u.name.as_str())
                .chain(catalog.leaders().iter().map(|s| s.as_str()));
            bad.push(format!(
                "{opt} “{n}”既不是单位也不是领导，最接近的是：{}",
                closest(n, all, 3).join("、")
            ));
        }
    }
    if bad.is_empty() {
        Ok(out)
    } else {
        Err(MailError::UnknownNames { names: bad }.into())
    }
}

/// Fills the text and reads the attachments of one planned message.
fn make(
    p: Planned,
    contact: Option<Contact>,
    base: &BTreeMap<&str, String>,
    mail_text: &text::MailText,
    from: &Mailbox,
    args: &Args,
    round: &str,
) -> Result<Made, CliError> {
    let eml = args
        .outbox()
        .join(crate::outputs::eml(round, args.kind.label(), &p.recipient));
    let mut made = Made {
        planned: p.clone(),
        contact: contact.clone(),
        draft: None,
        eml,
        status: String::new(),
        failed: false,
    };
    let Some(contact) = contact else {
        made.status = "未生成：联系人表中没有邮箱".into();
        made.failed = true;
        return Ok(made);
    };
    if let Some(why) = &p.blocked {
        made.status = format!("未生成：{why}");
        made.failed = true;
        return Ok(made);
    }
    let mut attachments = Vec::new();
    for s in &p.attachments {
        match plan::read_source(s) {
            // Made attachments are kept beside the .eml files, for the office to open.
            Ok((_, name, bytes)) if matches!(s, plan::Source::Made { .. }) => {
                let path = args
                    .outbox()
                    .join(crate::outputs::OUTBOX_ATTACHMENTS)
                    .join(&name);
                attachments.push(Attachment::new(path, name, bytes))
            }
            Ok((path, name, bytes)) => attachments.push(Attachment::new(path, name, bytes)),
            Err(why) => {
                made.status = format!("未生成：{why}");
                made.failed = true;
                return Ok(made);
            }
        }
    }
    let mut vars = base.clone();
    vars.extend(p.vars.iter().map(|(k, v)| (*k, v.clone())));
    vars.insert("name", p.recipient.clone());
    vars.insert(
        if p.role == Role::Unit {
            "unit"
        } else {
            "leader"
        },
        p.recipient.clone(),
    );
    let greet = if contact.contact.is_empty() {
        p.recipient.clone()
    } else {
        contact.contact.clone()
    };
    vars.insert("contact", greet);
    let names: Vec<&str> = attachments.iter().map(|a| a.file_name.as_str()).collect();
    vars.insert("attachment", names.join("、"));
    let (subject, body) = mail_text.render(&vars)?;
    let mailbox = |a: &lettre::Address, name: bool| {
        Mailbox::new(name.then(|| p.recipient.clone()), a.clone())
    };
    made.draft = Some(Draft {
        kind: args.kind,
        round: round.to_string(),
        recipient: p.recipient.clone(),
        role: p.role,
        from: from.clone(),
        to: contact.to.iter().map(|a| mailbox(a, true)).collect(),
        cc: contact.cc.iter().map(|a| mailbox(a, false)).collect(),
        subject: subject.lines().next().unwrap_or("").to_string(),
        body,
        attachments,
        answers: None,
    });
    made.status = "已写出".into();
    Ok(made)
}

/// Sends what the log does not show as delivered; records every attempt.
fn send_all(
    args: &Args,
    round: &str,
    cfg: &Config,
    from: &Mailbox,
    made: &mut [Made],
    resend: &[(Role, String)],
) -> Result<(), CliError> {
    let (entries, torn) = log::read(args.outbox()).map_err(MailError::from)?;
    if torn > 0 {
        out(&format!(
            "注意：发送记录中有 {torn} 行不完整（上次运行可能被中断），已忽略。\n"
        ));
    }
    let mut todo = Vec::new();
    for (i, m) in made.iter_mut().enumerate() {
        let Some(d) = &m.draft else { continue };
        let forced = resend
            .iter()
            .any(|(r, n)| *r == d.role && *n == d.recipient);
        match log::last(&entries, args.kind, round, &d.recipient).map(|e| e.result) {
            Some(LogOutcome::Sent) if !forced => {
                m.status = "此前已发送，跳过（重发请用 --resend）".into()
            }
            Some(LogOutcome::Sending) if !forced => {
                m.status = "上次发送中断、结果不明，跳过；核实对方未收到后用 --resend 重发".into();
                m.failed = true;
            }
            _ => todo.push(i),
        }
    }
    if let Some(n) = args.limit {
        for &i in todo.iter().skip(n) {
            made[i].status = format!("未发送（--limit {n}）");
        }
        todo.truncate(n);
    }
    if todo.is_empty() {
        return Ok(());
    }
    let security = args
        .smtp_security
        .or(cfg.smtp_security)
        .unwrap_or(Security::Starttls);
    let settings = Settings {
        host: args
            .smtp_host
            .clone()
            .or(cfg.smtp_host.clone())
            .ok_or(MailError::NoSmtpHost)?,
        port: args
            .smtp_port
            .or(cfg.smtp_port)
            .unwrap_or(security.default_port()),
        security,
        user: args.smtp_user.clone().or(cfg.smtp_user.clone()),
        from: from.clone(),
        ca: args.smtp_ca.clone().or(cfg.smtp_ca.clone()),
        rate: args.rate.or(cfg.rate).unwrap_or(20),
    };
    let password = match &settings.user {
        Some(u) => Some(smtp::password(u).map_err(MailError::from)?),
        None => None,
    };
    let transport = smtp::transport(&settings, password).map_err(MailError::from)?;
    // Connect, secure and log in once before the first message: a wrong password or an
    // untrusted certificate would fail every message alike, so say so once and send none.
    if let Err(e) = transport.test_connection() {
        return Err(MailError::Connect {
            host: settings.host.clone(),
            port: settings.port,
            security: settings.security.name(),
            message: smtp::describe_error(&e),
        }
        .into());
    }
    let gap = (settings.rate > 0).then(|| Duration::from_secs_f64(60.0 / f64::from(settings.rate)));
    let mut last_send: Option<Instant> = None;
    for i in todo {
        let m = &mut made[i];
        let d = m.draft.as_ref().expect("todo holds drafts");
        let msg = d.build().map_err(|e| MailError::Build {
            recipient: d.recipient.clone(),
            message: e.to_string(),
        })?;
        if let (Some(gap), Some(t)) = (gap, last_send) {
            let since = t.elapsed();
            if since < gap {
                std::thread::sleep(gap - since);
            }
        }
        let mut entry = Entry {
            kind: args.kind,
            round: round.to_string(),
            recipient: d.recipient.clone(),
            to: d
                .to
                .iter()
                .chain(&d.cc)
                .map(|m| m.email.to_string())
                .collect(),
            attachments: d.attachments.iter().map(|a| a.file_name.clone()).collect(),
            sha256: d.attachments.iter().map(|a| a.sha256.clone()).collect(),
            message_id: d.message_id(),
            time: log::now(),
            result: LogOutcome::Sending,
            error: String::new(),
        };
        let log_err = |source| MailError::SentLog {
            path: log::path(args.outbox()),
            source,
        };
        log::append(args.outbox(), &entry).map_err(log_err)?;
        last_send = Some(Instant::now());
        let result = smtp::send(&transport, &msg);
        entry.time = log::now();
        match result {
            Ok(()) => {
                entry.result = LogOutcome::Sent;
                m.status = "已发送".into();
            }
            Err(e) => {
                let e = e.to_string();
                entry.result = LogOutcome::Failed;
                entry.error = e.clone();
                m.status = format!("发送失败：{e}");
                m.failed = true;
            }
        }
        log::append(args.outbox(), &entry).map_err(log_err)?;
        out(&format!("{}  {}\n", d.recipient, m.status));
    }
    Ok(())
}

fn print_table(made: &[Made], args: &Args) {
    let rows: Vec<Vec<String>> = made
        .iter()
        .map(|m| {
            let to: Vec<String> = m
                .contact
                .iter()
                .flat_map(|c| &c.to)
                .map(|a| a.to_string())
                .collect();
            let (subject, attach) = match &m.draft {
                Some(d) => (
                    d.subject.clone(),
                    d.attachments
                        .iter()
                        .map(|a| a.file_name.clone())
                        .collect::<Vec<_>>()
                        .join("、"),
                ),
                None => (String::new(), String::new()),
            };
            vec![
                m.planned.recipient.clone(),
                truncate(&to.join(", "), 40),
                truncate(&subject, 50),
                truncate(&attach, 50),
                m.status.clone(),
            ]
        })
        .collect();
    out(&format!(
        "{}：{} 封\n{}",
        args.kind.label(),
        made.len(),
        render(&["收件人", "邮箱", "主题", "附件", "状态"], &rows)
    ));
}
