//! clap in Chinese: the help's headings, usage and placeholders, and the usage errors.
//!
//! clap writes its own words ("Usage", "Options", "[default: …]", "error: unexpected
//! argument …") in English; a clerk must see none of them. `localize` rewrites the built
//! command tree once (help and version flags, headings, usage lines, default and possible
//! values, placeholders) and `Chinese` formats clap's errors, so every command, now and
//! later, is told in Chinese without each `Args` struct having to remember it.

use std::fmt::Write as _;

use clap::builder::{Str, StyledStr};
use clap::error::{ContextKind, ContextValue, ErrorFormatter, ErrorKind};
use clap::{Arg, ArgAction, Command};

/// The heading of options, positional arguments and subcommands in every help text.
const OPTIONS: &str = "选项";
const ARGUMENTS: &str = "参数";
const COMMANDS: &str = "命令";

/// Placeholders as the `Args` structs name them (or clap derives them from a field) and as a
/// clerk reads them. One table, so that the source stays short and a new option with an
/// English placeholder is caught by tests/help.rs.
const PLACEHOLDERS: &[(&str, &str)] = &[
    ("FILE", "文件"),
    ("FILE.docx", "文件.docx"),
    ("FILE.xlsx", "文件.xlsx"),
    ("OUTPUT", "文件"),
    ("NOTICE", "通知文件"),
    ("DIR", "文件夹"),
    ("PATH", "路径"),
    ("DATE", "日期"),
    ("YYYY-MM-DD", "日期"),
    ("DEADLINE", "截止时间"),
    ("R", "期次"),
    ("ROUND", "期次"),
    ("第N期", "期号"),
    ("N", "数"),
    ("TASK", "序号"),
    ("NAME", "名称"),
    ("OLD", "原期次"),
    ("NEW", "新期次"),
    ("UNIT", "单位"),
    ("LEADER", "领导"),
    ("KIND", "类别"),
    ("TEXT", "文字"),
    ("NOTE", "说明"),
    ("P", "密码"),
    ("LEVEL", "级别"),
    ("OFFSET", "时区"),
    ("FORMAT", "格式"),
    ("GRID", "网格"),
    ("OFFICE", "机关名称"),
    ("OFFICE_CONTACT", "联系方式"),
    ("FROM", "发件人"),
    ("SMTP_HOST", "主机"),
    ("SMTP_PORT", "端口"),
    ("SMTP_SECURITY", "加密方式"),
    ("SMTP_USER", "用户名"),
    ("IMAP_HOST", "主机"),
    ("IMAP_PORT", "端口"),
    ("IMAP_SECURITY", "加密方式"),
    ("IMAP_USER", "用户名"),
];

/// `-h/--help` and `-V/--version` after every other option, as clap places its own.
const LAST: usize = 10_000;

/// The help template: clap's `{usage-heading}` and `{all-args}` headings are English.
const TEMPLATE: &str = "{before-help}{about-with-newline}\n用法：{usage}\n\n{all-args}{after-help}";

/// Before clap builds the tree: our own `-h/--help` (and `-V/--version` at the top) with
/// Chinese descriptions, no `help` subcommand, Chinese headings for subcommands.
pub fn localize(cmd: Command) -> Command {
    let top = cmd.get_version().is_some();
    let mut cmd = cmd
        .help_template(TEMPLATE)
        .disable_help_flag(true)
        .disable_help_subcommand(true)
        .subcommand_help_heading(COMMANDS)
        .subcommand_value_name(COMMANDS)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .display_order(LAST)
                .help("显示本帮助"),
        );
    if top {
        cmd = cmd.disable_version_flag(true).arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .display_order(LAST + 1)
                .help("显示版本号"),
        );
    }
    cmd.mut_subcommands(localize)
}

/// After clap has built the tree (global options copied into every subcommand, actions
/// known): headings, placeholders, default and possible values, and the usage line.
pub fn finish(cmd: Command) -> Command {
    let mut cmd = cmd.mut_args(finish_arg);
    let usage = cmd
        .render_usage()
        .to_string()
        .trim_start_matches("Usage:")
        .trim()
        .replace("[OPTIONS]", &format!("[{OPTIONS}]"));
    cmd.override_usage(usage).mut_subcommands(finish)
}

fn finish_arg(arg: Arg) -> Arg {
    let heading = if arg.is_positional() {
        ARGUMENTS
    } else {
        OPTIONS
    };
    let mut arg = arg.help_heading(heading);
    if let Some(names) = arg.get_value_names() {
        let names: Vec<Str> = names
            .iter()
            .map(|n| placeholder(n.as_str()).map_or_else(|| n.clone(), Str::from))
            .collect();
        arg = arg.value_names(names);
    } else if arg.get_action().takes_values() {
        if let Some(zh) = placeholder(&arg.get_id().as_str().to_uppercase()) {
            arg = arg.value_name(zh);
        }
    }
    let mut notes = Vec::new();
    if arg.get_action().takes_values() && !arg.is_hide_default_value_set() {
        let values: Vec<String> = arg
            .get_default_values()
            .iter()
            .map(|v| v.to_string_lossy().into_owned())
            .filter(|v| !v.is_empty())
            .collect();
        if !values.is_empty() {
            notes.push(format!("[默认：{}]", values.join(" ")));
        }
    }
    if !arg.is_hide_possible_values_set() {
        let values: Vec<String> = arg
            .get_possible_values()
            .iter()
            .filter(|v| !v.is_hide_set())
            .map(|v| v.get_name().to_string())
            .collect();
        if !values.is_empty() {
            notes.push(format!("[可选：{}]", values.join("、")));
        }
    }
    // clap's own notes are English: hidden always, ours written instead (none for an
    // empty default).
    arg = arg.hide_default_value(true).hide_possible_values(true);
    if notes.is_empty() {
        return arg;
    }
    let notes = notes.join(" ");
    let help = arg.get_help().map(|h| format!("{h} {notes}"));
    let long = arg.get_long_help().map(|h| format!("{h}\n\n{notes}"));
    arg = arg.help(help.unwrap_or(notes));
    if let Some(long) = long {
        arg = arg.long_help(long);
    }
    arg
}

/// A placeholder in Chinese; one not in the table stays as written (tests/help.rs fails).
fn placeholder(name: &str) -> Option<&'static str> {
    PLACEHOLDERS
        .iter()
        .find(|(en, _)| *en == name)
        .map(|(_, zh)| *zh)
}

/// clap's usage errors in Chinese (exit status 2, as clap's own).
pub struct Chinese;

impl ErrorFormatter for Chinese {
    fn format_error(error: &clap::error::Error<Self>) -> StyledStr {
        let mut s = String::from("duban: ");
        s.push_str(&message(error));
        if let Some(suggested) = suggestion(error) {
            let _ = write!(s, "\n\n  提示：是否要写 {suggested}？");
        }
        if let Some(usage) = text(error.get(ContextKind::Usage)) {
            let usage = usage.trim_start_matches("Usage:").trim();
            let _ = write!(s, "\n\n用法：{usage}");
        }
        if !matches!(
            error.kind(),
            ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
        ) {
            s.push_str("\n\n加 --help 可查看说明。");
        }
        s.push('\n');
        StyledStr::from(s)
    }
}

/// The sentence for one error kind, from the error's context.
fn message<F: ErrorFormatter>(error: &clap::error::Error<F>) -> String {
    let arg = text(error.get(ContextKind::InvalidArg)).unwrap_or_default();
    let value = text(error.get(ContextKind::InvalidValue)).unwrap_or_default();
    match error.kind() {
        ErrorKind::MissingRequiredArgument => {
            let args = match error.get(ContextKind::InvalidArg) {
                Some(ContextValue::Strings(v)) => v.join("、"),
                other => text(other).unwrap_or_default(),
            };
            format!("缺少必须写明的参数：{args}")
        }
        ErrorKind::UnknownArgument => format!("无法识别的参数“{arg}”"),
        ErrorKind::InvalidSubcommand => {
            let sub = text(error.get(ContextKind::InvalidSubcommand)).unwrap_or_default();
            format!("没有“{sub}”这个命令")
        }
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "请写明要执行的命令".to_string()
        }
        ErrorKind::InvalidValue if value.is_empty() => format!("参数 {arg} 后面缺少它的值"),
        ErrorKind::InvalidValue => {
            let valid = match error.get(ContextKind::ValidValue) {
                Some(ContextValue::Strings(v)) => format!("；可选：{}", v.join("、")),
                _ => String::new(),
            };
            format!("参数 {arg} 的值“{value}”无效{valid}")
        }
        ErrorKind::ValueValidation => {
            let why = std::error::Error::source(error)
                .map(|e| validation(&e.to_string()))
                .unwrap_or_default();
            format!("参数 {arg} 的值“{value}”无效{why}")
        }
        ErrorKind::NoEquals => format!("参数 {arg} 的值须用等号连写，如 {arg}=值"),
        ErrorKind::TooManyValues => format!("参数 {arg} 多给了一个值“{value}”"),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            format!("参数 {arg} 的值个数不对")
        }
        ErrorKind::ArgumentConflict => {
            let prior = match error.get(ContextKind::PriorArg) {
                Some(ContextValue::Strings(v)) => v.join("、"),
                other => text(other).unwrap_or_default(),
            };
            if prior.is_empty() {
                format!("参数 {arg} 只能写一次")
            } else {
                format!("参数 {arg} 不能与 {prior} 同时使用")
            }
        }
        ErrorKind::InvalidUtf8 => "参数中有无法识别的字符（不是 UTF-8 文字）".to_string(),
        _ => "命令行有误".to_string(),
    }
}

/// A value parser's reason: ours are Chinese already; the standard ones are translated;
/// anything else is kept as a detail line.
fn validation(why: &str) -> String {
    if why.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)) {
        return format!("：{why}");
    }
    if let Some((_, range)) = why.split_once(" is not in ") {
        let (lo, hi) = range.split_once("..=").unwrap_or((range, ""));
        return format!("：应在 {lo} 到 {hi} 之间");
    }
    if why.contains("invalid digit") || why.contains("too large") || why.contains("too small") {
        return "：应为整数".to_string();
    }
    format!("\n  （{why}）")
}

/// clap's suggestion of a close argument, subcommand or value.
fn suggestion<F: ErrorFormatter>(error: &clap::error::Error<F>) -> Option<String> {
    [
        ContextKind::SuggestedArg,
        ContextKind::SuggestedSubcommand,
        ContextKind::SuggestedValue,
    ]
    .into_iter()
    .find_map(|k| match error.get(k) {
        Some(ContextValue::Strings(v)) => v.first().cloned(),
        other => text(other),
    })
}

fn text(value: Option<&ContextValue>) -> Option<String> {
    match value? {
        ContextValue::String(s) => Some(s.clone()),
        ContextValue::Strings(v) => Some(v.join("、")),
        ContextValue::StyledStr(s) => Some(s.to_string()),
        ContextValue::StyledStrs(v) => Some(
            v.iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
                .join("、"),
        ),
        ContextValue::Number(n) => Some(n.to_string()),
        _ => None,
    }
}
