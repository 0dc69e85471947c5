//! A library's error reaches the clerk as a Chinese sentence naming the file or server
//! (issue 21): SQLite on a ledger that is not one, serde_json on a JSON file duban wrote
//! and someone changed, the resolver and the socket on an IMAP server that cannot be
//! reached. The library's own words come at most on a detail line after the sentence.

use crate::workdir::{Run, Workdir};

const ROUND: &str = "2020年第一季度";

/// The first line of stderr: the sentence the clerk reads. It must say `said`, and hold
/// none of the library's `english` (which may follow on a detail line).
fn assert_told(run: &Run, said: &[&str], english: &str) {
    run.assert_code(2);
    let err = run.stderr();
    let first = err.lines().next().unwrap_or_default();
    for s in said {
        assert!(
            first.contains(s),
            "“{s}” in the first line\n{}",
            run.describe()
        );
    }
    assert!(
        !first.contains(english),
        "the library's words are at most a detail line\n{}",
        run.describe()
    );
}

#[test]
fn a_ledger_that_is_not_a_database_is_named_in_chinese() {
    let wd = Workdir::new("errors-ledger");
    wd.run(&["init", "ws"]);
    wd.create(
        "ws/督办台账.db",
        "这不是台账，是别的文件覆盖了它。\n".repeat(20),
    );
    for args in [
        &["--workspace", "ws", "status"][..],
        &["--workspace", "ws", "history", "--task", "1"],
        &["--workspace", "ws", "round", "list"],
    ] {
        let run = wd.output(args);
        assert_told(
            &run,
            &["督办台账.db", "不是台账文件"],
            "file is not a database",
        );
    }
}

#[test]
fn a_malformed_json_of_duban_s_own_is_named_with_its_file() {
    let wd = Workdir::new("errors-json");
    // A merge folder whose 汇总.json lost its content: the bulletin names it.
    wd.create(
        &format!("汇总/{ROUND}_汇总.json"),
        format!("{{\"round\": \"{ROUND}\"}}"),
    );
    let run = wd.output(&[
        "bulletin",
        "--merged",
        "汇总",
        "--round",
        ROUND,
        "-o",
        "通报.docx",
    ]);
    assert_told(&run, &["汇总.json", "缺少“"], "missing field");
    // A 校验报告.json without its files; and one cut short.
    wd.create(
        "contacts.csv",
        "单位/姓名,类别,邮箱\n区科技局,单位,kj@example.org\n",
    );
    for (text, said) in [("{}", "缺少“files”项"), ("{\"round\": ", "文件不完整")] {
        wd.create("校验报告.json", text);
        let run = wd.output(&[
            "mail",
            "feedback",
            "--check-report",
            "校验报告.json",
            "--contacts",
            "contacts.csv",
            "--outbox",
            "outbox",
            "--round",
            ROUND,
            "--from",
            "区督考办 <office@example.org>",
        ]);
        assert_told(&run, &["校验报告.json", said], "EOF");
        assert!(
            !run.stderr().contains("missing field"),
            "{}",
            run.describe()
        );
    }
}

/// `duban collect` against `host:port`, with a password so that it gets to connect.
fn collect(wd: &Workdir, host: &str, port: u16) -> Run {
    let port = port.to_string();
    let args = [
        "collect",
        "--into",
        "收件",
        "--imap-host",
        host,
        "--imap-port",
        &port,
        "--imap-user",
        "office",
    ];
    let out = wd
        .command(&args)
        .env("DUBAN_IMAP_PASSWORD", "secret")
        .output()
        .expect("run duban");
    Run {
        args: args.iter().map(|s| s.to_string()).collect(),
        out,
    }
}

#[test]
fn an_imap_server_that_cannot_be_reached_is_named_in_chinese() {
    let wd = Workdir::new("errors-imap");
    // A port nobody listens on: bound, then freed.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let run = collect(&wd, "127.0.0.1", port);
    let server = format!("无法连接收件服务器 127.0.0.1:{port}");
    assert_told(&run, &[&server, "连接被拒绝"], "os error");

    // A name that does not resolve (.invalid never does, RFC 6761), with or without a network.
    let run = collect(&wd, "mail.duban.invalid", 993);
    assert_told(
        &run,
        &["无法连接收件服务器 mail.duban.invalid:993"],
        "lookup",
    );
    let err = run.stderr();
    assert!(
        err.contains("找不到这个服务器名称") || err.contains("域名解析暂时失败"),
        "{}",
        run.describe()
    );
}
