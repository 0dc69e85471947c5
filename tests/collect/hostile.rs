//! Hostile and odd mail through Dovecot (issue 24, points 7, 8, 9, 12): escape sequences in
//! a subject and in attachment names, a right-to-left override hiding an `.exe`, a folder
//! with a Chinese name, one message carrying the same attachment a hundred times, and an
//! attachment named `x.xlsx.`.

use super::*;

/// A character a terminal acts on instead of showing: C0 (but the line break), DEL, C1,
/// or a bidi control.
fn hostile(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

fn assert_clean(what: &str, text: &str) {
    let bad: Vec<String> = text
        .chars()
        .filter(|&c| hostile(c))
        .map(|c| format!("U+{:04X}", c as u32))
        .collect();
    assert!(bad.is_empty(), "{what} holds {bad:?}:\n{text}");
}

#[test]
fn escapes_bidi_overrides_repeated_attachments_and_trailing_dots() {
    let wd = Workdir::new("collect-hostile");
    let c = cat();
    let units = units(&c, 3);
    write_contacts(&wd, &units);
    let mut d = Dovecot::start(&wd, "Asia/Shanghai");
    let ret = |u: &str| Return::clean(&c, u, ROUND, false).bytes();

    // 7: a subject that clears the screen (shown: the message has no spreadsheet), and
    // attachment names with ESC and with C1's CSI.
    let clear = Mail::new(
        "<esc@units.test>",
        &units[0],
        &address(0),
        "报送\u{1b}[2J\u{1b}[H说明",
    )
    .attach(Form::Rfc2231Utf8, "说明\u{9b}2J.pdf", b"%PDF-1.4 note");
    let esc_name = Mail::new("<esc2@units.test>", &units[0], &address(0), "报送").attach(
        Form::Rfc2231Utf8,
        &format!("{}任务进展\u{1b}]0;x\u{7}.xlsx", units[0]),
        &ret(&units[0]),
    );
    // 8: a workbook and a program, each named with U+202E to show as something else.
    let bidi = Mail::new("<bidi@units.test>", &units[1], &address(1), "报送")
        .attach(
            Form::Rfc2231Utf8,
            &format!("{}任务进展_\u{202e}xslx.exe", units[1]),
            &ret(&units[1]),
        )
        .attach(
            Form::Rfc2231Utf8,
            "说明_\u{202e}fdp.exe",
            b"MZ\x90\x00program",
        );
    // 12: one message, one workbook attached a hundred times, named with a trailing dot.
    let mut many = Mail::new("<many@units.test>", &units[2], &address(2), "报送");
    let bytes = ret(&units[2]);
    for _ in 0..100 {
        many = many.attach(
            Form::Rfc2231Utf8,
            &format!("{}任务进展.xlsx.", units[2]),
            &bytes,
        );
    }
    d.append(&[
        (&clear, "2020-04-02T02:00:00Z", &[]),
        (&esc_name, "2020-04-02T02:01:00Z", &[]),
        (&bidi, "2020-04-02T02:02:00Z", &[]),
        (&many, "2020-04-02T02:03:00Z", &[]),
    ]);

    let run = collect(&wd, &d, "回收", "none", &[]);
    run.assert_code(0);
    let out = run.stdout();
    assert_clean("stdout", &out);
    assert_clean("stderr", &run.stderr());
    assert!(
        out.contains("\\u001b[2J"),
        "the ESC is shown, escaped:\n{out}"
    );
    let log = wd.read("回收/收件记录.jsonl");
    assert_clean("the receipts", &log);
    assert!(!log.as_bytes().contains(&0x1b));
    let saved = files(&wd.path("回收"));
    for f in &saved {
        assert_clean("a saved name", f);
    }

    // 8: the workbook is saved as what it is, the program keeps its own extension.
    let stamp = "20200402-100200";
    assert!(
        saved.contains(&format!("{stamp}_{u}_{u}任务进展_xslx.xlsx", u = units[1])),
        "{saved:#?}"
    );
    assert!(
        saved.contains(&format!("{stamp}_{}_说明_fdp.exe", units[1])),
        "{saved:#?}"
    );

    // 12: one file for the hundred copies, saved and counted as a return.
    let many_file = format!("20200402-100300_{u}_{u}任务进展.xlsx", u = units[2]);
    assert!(saved.contains(&many_file), "{saved:#?}");
    assert_eq!(
        saved.iter().filter(|f| f.contains(&*units[2])).count(),
        1,
        "{saved:#?}"
    );
    assert!(!out.contains("重复投递"), "not a delivery again:\n{out}");
    assert!(
        out.contains("同一封邮件中重复附上的附件 99 个（1 封邮件）"),
        "{out}"
    );
    assert!(out.contains("新保存报表 3 份"), "{out}");
    let others = out
        .split("另存其他附件")
        .nth(1)
        .expect("the pdf and the program are listed");
    assert!(!others.contains(&many_file), "{out}");
}

/// IMAP names folders in modified UTF-7: `--mailbox 报表` opens `&YqWIaA-` (made here by
/// Python's imaplib under that name), and a folder that is not there is told with the
/// account's folders, decoded.
#[test]
fn a_chinese_folder_is_found() {
    let wd = Workdir::new("collect-utf7");
    let c = cat();
    let units = units(&c, 1);
    write_contacts(&wd, &units);
    let mut d = Dovecot::start(&wd, "Asia/Shanghai");
    let m = one_return(&c, "<utf7@units.test>", &units[0], &address(0));
    d.append_to("&YqWIaA-", &[(&m, "2020-04-02T02:00:00Z", &[])]);

    let run = collect(&wd, &d, "回收", "none", &["--mailbox", "报表"]);
    run.assert_code(0);
    assert!(run.stdout().contains("报表"), "{}", run.describe());
    assert_eq!(
        files(&wd.path("回收")),
        [format!(
            "20200402-100000_{u}_{u}任务进展.xlsx",
            u = units[0]
        )]
    );

    let run = collect(&wd, &d, "回收2", "none", &["--mailbox", "报表2"]);
    run.assert_code(2);
    let err = run.stderr();
    assert!(
        err.contains("无法打开邮箱文件夹“报表2”") && err.contains("INBOX、报表"),
        "{}",
        run.describe()
    );
}

/// The same escaping in the other commands' output: a return whose file name holds an
/// escape sequence (saved by hand into 回收) is named by `check` without clearing the screen.
#[test]
fn check_names_a_file_with_an_escape_sequence_escaped() {
    let wd = Workdir::new("check-esc");
    wd.create("in/区科技局\u{1b}[2J\u{9b}H.xlsx", b"not a workbook");
    let run = wd.output(&["check", "in"]);
    let out = run.stdout();
    assert!(out.contains("\\u001b[2J"), "{}", run.describe());
    assert_clean("check's output", &out);
}
