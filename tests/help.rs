//! Every help text and the common usage errors are Chinese (issue 21): no English word but
//! flag names, the words one types (subcommands, option values), file names and product
//! names. The commands are discovered from the library's command tree, so a new command or
//! option is checked without touching this file.

use std::collections::BTreeSet;

use crate::workdir::{Run, Workdir};

/// Names that stay as they are: products, protocols, formats, encodings.
const PRODUCTS: &[&str] = &[
    "duban",
    "Excel",
    "WPS",
    "Word",
    "LibreOffice",
    "IMAP",
    "SMTP",
    "TLS",
    "CA",
    "PEM",
    "INBOX",
    "CSV",
    "JSON",
    "TOML",
    "PDF",
    "docx",
    "xlsx",
    "xls",
    "ods",
    "UTF",
    "GBK",
];

/// What clap writes in English and must not reach a clerk.
const CLAP_WORDS: &[&str] = &[
    "Usage",
    "Options",
    "Commands",
    "Arguments",
    "Print help",
    "Print version",
    "[default",
    "[possible values",
    "error:",
    "tip:",
    "For more information",
];

/// Each command's path (`[]`, `["catalog"]`, `["catalog", "import"]` …), and the words one
/// types: subcommand names, long option names (also the config files' keys), option values.
fn tree() -> (Vec<Vec<String>>, BTreeSet<String>) {
    fn walk(
        cmd: &clap::Command,
        path: Vec<String>,
        paths: &mut Vec<Vec<String>>,
        typed: &mut BTreeSet<String>,
    ) {
        for arg in cmd.get_arguments() {
            typed.extend(arg.get_long().map(str::to_string));
            typed.extend(
                arg.get_possible_values()
                    .iter()
                    .map(|v| v.get_name().to_string()),
            );
        }
        paths.push(path.clone());
        for sub in cmd.get_subcommands() {
            typed.insert(sub.get_name().to_string());
            let mut p = path.clone();
            p.push(sub.get_name().to_string());
            walk(sub, p, paths, typed);
        }
    }
    let mut cmd = duban::cli::command();
    cmd.build();
    let (mut paths, mut typed) = (Vec::new(), BTreeSet::new());
    walk(&cmd, Vec::new(), &mut paths, &mut typed);
    (paths, typed)
}

/// The English words of `text` that are none of the allowed ones.
fn english(text: &str, typed: &BTreeSet<String>) -> Vec<String> {
    let mut words = Vec::new();
    for raw in text.split(|c: char| c.is_whitespace() || "，。；：、（）“”《》,;()\"'`".contains(c))
    {
        // Flags, file names and paths, {placeholders} of mail templates, addresses,
        // environment variables: names, not words.
        if raw.starts_with('-')
            || raw.contains('.')
            || raw.contains('/')
            || raw.contains('{')
            || raw.contains('@')
            || raw.starts_with("DUBAN_")
        {
            continue;
        }
        for w in raw
            .split(|c: char| !c.is_ascii_alphabetic() && c != '-' && c != '_')
            .filter(|w| w.chars().any(|c| c.is_ascii_alphabetic()))
        {
            let w = w.trim_matches(|c| c == '-' || c == '_');
            if !PRODUCTS.contains(&w) && !typed.contains(w) {
                words.push(w.to_string());
            }
        }
    }
    words
}

fn assert_chinese(run: &Run, text: &str, typed: &BTreeSet<String>) {
    for w in CLAP_WORDS {
        assert!(!text.contains(w), "clap's “{w}”\n{}", run.describe());
    }
    let found = english(text, typed);
    assert!(
        found.is_empty(),
        "English words {found:?}\n{}",
        run.describe()
    );
    assert!(
        text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{}",
        run.describe()
    );
}

#[test]
fn every_help_text_is_chinese() {
    let wd = Workdir::new("help");
    let (paths, typed) = tree();
    assert!(paths.len() >= 18, "the tree was walked: {paths:?}");
    for path in &paths {
        for flag in ["--help", "-h"] {
            let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
            args.push(flag);
            let run = wd.run(&args);
            let text = run.stdout();
            assert!(text.contains("用法：duban"), "{}", run.describe());
            assert!(text.contains("-h, --help") && text.contains("显示本帮助"));
            assert_chinese(&run, &text, &typed);
        }
    }
}

#[test]
fn the_top_level_help_is_the_office_s_description_and_version_still_works() {
    let wd = Workdir::new("help-top");
    let run = wd.run(&["--help"]);
    assert!(
        run.stdout().starts_with("督办："),
        "not Cargo.toml's English: {}",
        run.describe()
    );
    let run = wd.run(&["--version"]);
    assert!(run.stdout().starts_with("duban "), "{}", run.describe());
    assert!(wd.run(&["-V"]).stdout().starts_with("duban "));
}

#[test]
fn usage_errors_are_chinese_with_exit_status_2() {
    let wd = Workdir::new("help-errors");
    let (_, mut typed) = tree();
    // The clerk's own words, quoted back.
    typed.extend(["frob", "bogus", "xml"].map(String::from));
    let cases: [(&[&str], &str); 6] = [
        (&["init"], "缺少必须写明的参数：<文件夹>"),
        (&["check", "--bogus"], "无法识别的参数“--bogus”"),
        (&["merge", "--round"], "参数 --round <期次> 后面缺少它的值"),
        (&["frob"], "没有“frob”这个命令"),
        (
            &["check", "--format", "xml"],
            "的值“xml”无效；可选：text、json",
        ),
        (&["merge", "--compression", "12"], "应在 0 到 9 之间"),
    ];
    for (args, said) in cases {
        let run = wd.output(args);
        run.assert_code(2);
        let err = run.stderr();
        assert!(err.contains(said), "{said}\n{}", run.describe());
        assert!(err.contains("加 --help 可查看说明"), "{}", run.describe());
        assert_chinese(&run, &err, &typed);
    }
    // A suggestion for a near miss.
    let run = wd.output(&["check", "--fromat", "json"]);
    run.assert_code(2);
    assert!(
        run.stderr().contains("是否要写 --format"),
        "{}",
        run.describe()
    );
}
