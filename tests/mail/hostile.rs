//! Mail that goes wrong at the edges (issue 24, points 10 and 11): a server that takes a
//! message and drops the connection before answering it, and a Cc of 500 addresses.

use super::*;

/// The server stores the 2nd message and drops the connection before answering the end of
/// its DATA. That message may have arrived: it is logged `uncertain` and named, a rerun
/// does not send it again, `--resend-uncertain` does.
#[test]
fn a_message_whose_fate_is_unknown_is_not_sent_again() {
    let wd = setup("mail-uncertain");
    let smtp = Smtp::start(&wd, "server", &["--drop-after-data", "2"]);
    let run = send(&wd, &smtp, "none", &[], None);
    run.assert_code(1);
    assert_eq!(smtp.received().len(), UNITS.len(), "{}", run.describe());
    let uncertain: Vec<Value> = log_lines(&wd)
        .into_iter()
        .filter(|e| e["result"] == "uncertain")
        .collect();
    assert_eq!(uncertain.len(), 1, "{}", wd.read("outbox/sent-log.jsonl"));
    let unit = uncertain[0]["recipient"].as_str().unwrap().to_string();
    let out = run.stdout();
    assert!(
        out.contains(&format!("结果不明 1 封：{unit}")),
        "the summary names the unit: {}",
        run.describe()
    );

    // The rerun sends nothing, and says why.
    let again = send(&wd, &smtp, "none", &[], None);
    assert_eq!(smtp.received().len(), UNITS.len(), "{}", again.describe());
    assert!(
        again.stdout().contains(&format!("结果不明 1 封：{unit}"))
            && again.stdout().contains("--resend-uncertain"),
        "{}",
        again.describe()
    );

    // Told so, it sends that one again, and only that one.
    send(&wd, &smtp, "none", &["--resend-uncertain"], None).assert_code(0);
    let got = smtp.received();
    assert_eq!(got.len(), UNITS.len() + 1);
    assert!(got.last().unwrap()["subject"]
        .as_str()
        .unwrap()
        .contains(&unit));
    assert_eq!(
        log_lines(&wd).last().unwrap()["result"],
        "sent",
        "{}",
        wd.read("outbox/sent-log.jsonl")
    );
}

/// 500 addresses in one 抄送 cell: every line of the .eml stays within RFC 5322's 998
/// characters (its folded header lines within 78), and the Cc header still reads as 500
/// addresses.
#[test]
fn a_cc_of_500_addresses_is_folded() {
    let wd = setup("mail-fold");
    let cc: Vec<String> = (0..500).map(|i| format!("cc{i:03}@example.org")).collect();
    let contacts = wd.read("contacts.csv");
    let unit = UNITS[1];
    let edited: Vec<String> = contacts
        .lines()
        .map(|l| {
            let cols: Vec<&str> = l.split(',').collect();
            if cols[0] == unit {
                format!(
                    "{},{},{},{},{}",
                    cols[0],
                    cols[1],
                    cols[2],
                    cc.join("; "),
                    cols[4]
                )
            } else {
                l.to_string()
            }
        })
        .collect();
    wd.create("contacts.csv", edited.join("\r\n") + "\r\n");
    let run = wd.run(&[
        "mail",
        "templates",
        "--round",
        ROUND,
        "--contacts",
        "contacts.csv",
        "--templates",
        "tpl",
        "--outbox",
        "outbox",
        "--from",
        FROM,
    ]);
    let emls: Vec<PathBuf> = std::fs::read_dir(wd.path("outbox"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .collect();
    let eml = emls
        .iter()
        .find(|p| p.to_string_lossy().contains(unit))
        .unwrap_or_else(|| panic!("no .eml for {unit}: {emls:?}\n{}", run.describe()));
    let text = String::from_utf8(std::fs::read(eml).unwrap()).unwrap();
    let (head, _) = text.split_once("\r\n\r\n").unwrap();
    for line in text.split("\r\n") {
        assert!(line.len() <= 998, "a line of {} characters", line.len());
    }
    let cc_lines: Vec<&str> = head
        .split("\r\n")
        .skip_while(|l| !l.starts_with("Cc:"))
        .take_while(|l| l.starts_with("Cc:") || l.starts_with([' ', '\t']))
        .collect();
    assert!(cc_lines.len() > 1, "folded: {}", cc_lines.len());
    for line in &cc_lines {
        assert!(line.len() <= 78, "a Cc line of {} characters", line.len());
    }
    let parsed = parse_mail(std::slice::from_ref(eml));
    let got = parsed[0]["cc"].as_str().unwrap();
    let addresses: Vec<&str> = got.split(',').map(str::trim).collect();
    assert_eq!(addresses.len(), 500, "{got}");
    assert_eq!(addresses[0], "cc000@example.org");
    assert_eq!(addresses[499], "cc499@example.org");
    assert!(parsed[0]["defects"].as_array().unwrap().is_empty());
}
