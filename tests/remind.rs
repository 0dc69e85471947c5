//! `duban remind` run day by day through a round (issue 26), the clock set by DUBAN_TODAY,
//! against the test SMTP server: each unit not passed gets each stage once (提醒 3 and 1
//! days before, 催报 the day after with its 分管领导 copied, 催办通知 three working days
//! after, 清明 skipped); a run repeated the same day sends nothing; a unit whose return
//! passed gets nothing more; the ledger records what was sent.

use std::path::Path;
use std::process::Command;

use duban::catalog::Catalog;
use serde_json::Value;

use crate::mail::Smtp;
use crate::returns::Return;
use crate::workdir::{soffice_convert, Run, Workdir};
use crate::workspace::sql;

const Q1: &str = "2020年第一季度";
const KJ: &str = "区科技局";
const XY: &str = "新兖镇";
const XM: &str = "小孟镇";
/// The leader of task 3, which 区科技局 hosts.
const LEADER: &str = "褚福梅";

/// A document as LibreOffice prints it, its text without white space (pdftotext).
fn printed_text(wd: &Workdir, docx: &Path) -> String {
    let pdf = soffice_convert(docx, "pdf", &wd.path("pdf"));
    let out = Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils)");
    String::from_utf8_lossy(&out.stdout)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

fn remind_on(ws: &Path, day: &str, send: bool) -> Run {
    let mut args = vec!["remind"];
    if send {
        args.push("--send");
    }
    let out = Command::new(env!("CARGO_BIN_EXE_duban"))
        .current_dir(ws)
        .env("DUBAN_TODAY", day)
        .args(&args)
        .output()
        .expect("run duban");
    let run = Run {
        args: args.iter().map(|s| s.to_string()).collect(),
        out,
    };
    // Units the contacts leave without an address make it exit 1; never 2.
    assert_ne!(run.code(), 2, "{}", run.describe());
    run
}

/// (unit, subject, recipients) of the messages received since `seen`.
fn new_mail(smtp: &Smtp, seen: &mut usize) -> Vec<(String, String, Vec<String>)> {
    let all = smtp.received();
    let new = all[*seen..].to_vec();
    *seen = all.len();
    new.iter()
        .map(|m: &Value| {
            let subject = m["subject"].as_str().unwrap().to_string();
            let unit = [KJ, XY, XM]
                .into_iter()
                .find(|u| subject.contains(u))
                .unwrap_or_else(|| panic!("no unit in {subject}"));
            let mut rcpt: Vec<String> = m["rcpt_tos"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap().to_string())
                .collect();
            rcpt.sort();
            (unit.to_string(), subject, rcpt)
        })
        .collect()
}

fn units_of(mail: &[(String, String, Vec<String>)]) -> Vec<&str> {
    let mut u: Vec<&str> = mail.iter().map(|m| m.0.as_str()).collect();
    u.sort();
    u
}

#[test]
fn remind_walks_a_round_once_per_stage() {
    let wd = Workdir::new("remind");
    wd.run(&["init", "ws"]);
    let ws = wd.path("ws");
    let smtp = Smtp::start(&wd, "server", &[]);
    let config = std::fs::read_to_string(ws.join("duban.toml"))
        .unwrap()
        .replace(
            "from = \"\"",
            "from = \"区督考办 <office@example.org>\"\nsmtp-port = PORT\nrate = 0",
        )
        .replace("smtp-host = \"\"", "smtp-host = \"127.0.0.1\"")
        .replace("smtp-security = \"tls\"", "smtp-security = \"none\"")
        .replace("PORT", &smtp.port.to_string());
    // 2020: 清明 on Saturday 4 April to Monday 6 April.
    let config = format!(
        "{config}\n[remind]\nholidays = [\"2020-04-04\", \"2020-04-06\"]\nworkdays = [\"2020-04-26\"]\n"
    );
    std::fs::write(ws.join("duban.toml"), config).unwrap();
    std::fs::write(
        ws.join("contacts.csv"),
        format!(
            "单位/姓名,类别,邮箱,抄送,联系人\n{KJ},单位,kj@example.org,,\n{XY},单位,xy@example.org,,\n\
             {XM},单位,xm@example.org,,\n{LEADER},领导,leader@example.org,,\n"
        ),
    )
    .unwrap();
    let r = crate::workspace::run_in(&ws, &["round", "new", Q1, "--deadline", "2020-04-05"]);
    r.assert_code(0);
    let mut seen = 0;

    // Nothing is due on the 1st.
    let run = remind_on(&ws, "2020-04-01", true);
    assert!(run.stdout().contains("没有到期"), "{}", run.describe());
    assert!(new_mail(&smtp, &mut seen).is_empty());

    // A dry run on the 2nd writes and sends nothing, records nothing.
    let run = remind_on(&ws, "2020-04-02", false);
    assert!(run.stdout().contains("演练"), "{}", run.describe());
    assert!(new_mail(&smtp, &mut seen).is_empty());

    // The 2nd, three days before: every unit.
    let run = remind_on(&ws, "2020-04-02", true);
    let got = new_mail(&smtp, &mut seen);
    assert_eq!(units_of(&got), [KJ, XM, XY], "{}", run.describe());
    assert!(got.iter().all(|m| m.1.contains("还有 3 天")), "{got:?}");
    assert!(got.iter().all(|m| m.2.len() == 1), "no copies: {got:?}");
    // Again the same day, and the next day: nothing.
    remind_on(&ws, "2020-04-02", true);
    remind_on(&ws, "2020-04-03", true);
    assert!(new_mail(&smtp, &mut seen).is_empty());

    // 小孟镇's return passes: it gets nothing more.
    let cat = Catalog::load(Some(&ws.join("任务清单.toml"))).unwrap();
    let dir = ws.join("rounds").join(Q1).join("回收");
    std::fs::write(
        dir.join("xm.xlsx"),
        Return::clean(&cat, XM, Q1, false).bytes(),
    )
    .unwrap();

    remind_on(&ws, "2020-04-04", true);
    let got = new_mail(&smtp, &mut seen);
    assert_eq!(units_of(&got), [KJ, XY], "{got:?}");
    assert!(got.iter().all(|m| m.1.contains("还有 1 天")), "{got:?}");

    // 新兖镇 sends a return that fails the check (a percent over 100).
    let mut bad = Return::clean(&cat, XY, Q1, false);
    let first = cat.tasks_of_unit(XY)[0].0;
    bad.set(first, "完成进度(%)", crate::returns::V::N(180.0));
    std::fs::write(dir.join("xy.xlsx"), bad.bytes()).unwrap();

    // The day after the deadline is a holiday, but 催报 goes: the leader copied on the unit
    // whose task they lead; 新兖镇 gets the 退回 text with its problems instead.
    remind_on(&ws, "2020-04-05", true);
    assert!(new_mail(&smtp, &mut seen).is_empty());
    remind_on(&ws, "2020-04-06", true);
    remind_on(&ws, "2020-04-06", true);
    let got = new_mail(&smtp, &mut seen);
    assert_eq!(units_of(&got), [KJ, XY], "{got:?}");
    let kj = got.iter().find(|m| m.0 == KJ).unwrap();
    assert!(kj.1.starts_with("【催报】"), "{got:?}");
    assert_eq!(kj.2, ["kj@example.org", "leader@example.org"], "{got:?}");
    let xy = got.iter().find(|m| m.0 == XY).unwrap();
    assert!(
        xy.1.contains("校验结果") && xy.1.contains("未通过"),
        "{got:?}"
    );

    // Three working days after Sunday 5 April, Monday 6 being 清明: the 9th, not the 8th.
    remind_on(&ws, "2020-04-08", true);
    assert!(new_mail(&smtp, &mut seen).is_empty());
    remind_on(&ws, "2020-04-09", true);
    remind_on(&ws, "2020-04-10", true);
    let raw = smtp.received()[seen..].to_vec();
    let got = new_mail(&smtp, &mut seen);
    assert_eq!(units_of(&got), [KJ, XY], "{got:?}");
    let kj = got.iter().find(|m| m.0 == KJ).unwrap();
    assert!(kj.1.contains("逾期 4 天"), "{got:?}");
    // Each carries its 催办通知单, numbered in the year's series (the units that sent nothing
    // first, then those whose return was sent back).
    for m in &raw {
        let names: Vec<&str> = m["attachments"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|a| a["filename"].as_str())
            .collect();
        assert!(names.iter().any(|n| n.contains("催办通知单")), "{names:?}");
    }
    let docs = ws.join("rounds").join(Q1).join("督办文书");
    let text = printed_text(&wd, &docs.join(format!("{Q1}_催办通知单_{KJ}.docx")));
    for want in [
        "督办催〔2020〕1号",
        "催办通知单",
        "区科技局：",
        "2020年第一季度",
        "截止时间为2020年4月5日",
        "截至2020年4月9日，已逾期4天",
        "引导企业加大研发投入",
        "主办",
        "2020年4月9日",
    ] {
        assert!(text.contains(want), "{want} not in {text}");
    }

    let db = ws.join("督办台账.db");
    let rows = sql(
        &db,
        &format!("SELECT stage, on_date FROM chases WHERE unit = '{KJ}' ORDER BY id"),
    );
    assert_eq!(
        rows,
        [
            ["提醒（前3天）", "2020-04-02"],
            ["提醒（前1天）", "2020-04-04"],
            ["催报", "2020-04-06"],
            ["催办通知", "2020-04-09"],
        ]
    );
    assert_eq!(
        sql(
            &db,
            &format!("SELECT COUNT(*) FROM chases WHERE unit = '{XM}'")
        ),
        [["1"]]
    );
    assert_eq!(
        sql(
            &db,
            "SELECT unit, number FROM chases WHERE number IS NOT NULL ORDER BY number"
        ),
        [[KJ, "督办催〔2020〕1号"], [XY, "督办催〔2020〕2号"]]
    );
    assert_eq!(
        sql(
            &db,
            &format!("SELECT outcome FROM chases WHERE unit = '{XY}' AND stage = '催报'")
        ),
        [["已发送（退回重报）"]]
    );

    // history --unit and the 台账 export list them, with days and numbers.
    let hist = crate::workspace::run_in(&ws, &["history", "--unit", KJ]);
    let text = hist.stdout();
    assert!(text.contains("收到的提醒、催办通知单和督办单"), "{text}");
    let line = text
        .lines()
        .find(|l| l.contains("催办通知") && l.contains("2020-04-09"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(line.contains("督办催〔2020〕1号"), "{line}");
    let json = crate::workspace::run_in(&ws, &["history", "--unit", KJ, "--format", "json"]);
    let v: Value = serde_json::from_str(&json.stdout()).unwrap();
    let stages: Vec<&str> = v["chases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["stage"].as_str().unwrap())
        .collect();
    assert_eq!(
        stages,
        ["提醒（前3天）", "提醒（前1天）", "催报", "催办通知"]
    );
    crate::workspace::run_in(&ws, &["ledger", "export"]).assert_code(0);
    {
        use calamine::{open_workbook, Reader, Xlsx};
        let mut wb: Xlsx<_> = open_workbook(ws.join("台账.xlsx")).unwrap();
        let range = wb.worksheet_range("督促记录").unwrap();
        let rows: Vec<Vec<String>> = range
            .rows()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect();
        // Under the sheet's title and imprint, like every sheet of the 台账.
        let at = rows
            .iter()
            .position(|r| r[0] == "期次")
            .expect("a header row");
        assert_eq!(rows[at], ["期次", "单位", "事项", "日期", "结果", "文号"]);
        assert!(rows[0][0].contains("督办台账：督促记录"), "{rows:?}");
        assert!(
            rows.iter().any(|r| r[1] == KJ
                && r[2] == "催办通知"
                && r[3] == "2020-04-09"
                && r[5] == "督办催〔2020〕1号"),
            "{rows:?}"
        );
    }
}

/// Task 3 reported 滞后 by its host two rounds running gets a yellow 督办单 after the second
/// merge: to 区科技局, copied to its leader, with its history, the problem the host wrote
/// and the answer's due day; numbered, recorded, and kept under its number when written
/// again.
#[test]
fn escalate_writes_a_yellow_order_for_two_lagging_rounds() {
    use crate::returns::{s, V};
    let wd = Workdir::new("escalate");
    wd.run(&["init", "ws"]);
    let ws = wd.path("ws");
    let cat = Catalog::load(Some(&ws.join("任务清单.toml"))).unwrap();
    let ok = |args: &[&str]| {
        let r = crate::workspace::run_in(&ws, args);
        assert_eq!(r.code(), 0, "{}", r.describe());
        r.stdout()
    };
    let lagging = |round: &str, percent: f64, problem: &str| {
        let mut r = Return::clean(&cat, KJ, round, false);
        r.set(3, "推进状态", s("滞后"))
            .set(3, "完成进度(%)", V::N(percent))
            .set(3, "存在问题", s(problem));
        let dir = ws.join("rounds").join(round).join("回收");
        std::fs::write(dir.join("kj.xlsx"), r.bytes()).unwrap();
        // Task 32, which 区委宣传部 and 区直各部门 host, lagging too.
        let mut r = Return::clean(&cat, "区委宣传部", round, false);
        r.set(32, "推进状态", s("滞后"))
            .set(32, "完成进度(%)", V::N(percent))
            .set(32, "存在问题", s(problem));
        std::fs::write(dir.join("xcb.xlsx"), r.bytes()).unwrap();
    };
    const Q2: &str = "2020年第二季度";
    ok(&["round", "new", Q1, "--deadline", "2020-04-05"]);
    lagging(Q1, 10.0, "高企申报材料准备不足");
    ok(&["merge"]);
    ok(&["round", "new", Q2, "--deadline", "2020-07-05"]);
    lagging(Q2, 30.0, "研发投入统计口径未明确");
    ok(&["merge"]);

    let escalate = |day: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_duban"))
            .current_dir(&ws)
            .env("DUBAN_TODAY", day)
            .args(["escalate"])
            .output()
            .unwrap();
        let run = Run {
            args: vec!["escalate".into()],
            out,
        };
        assert_eq!(run.code(), 0, "{}", run.describe());
        run.stdout()
    };
    let out = escalate("2020-07-08");
    let line = out
        .lines()
        .find(|l| l.contains("任务 3 "))
        .unwrap_or_else(|| panic!("no 督办单 for task 3: {out}"));
    assert!(line.contains("黄色督办（连续滞后 2 期）"), "{line}");
    let number = line.split_whitespace().next().unwrap().to_string();
    assert!(number.starts_with("督办〔2020〕"), "{line}");
    // Written again: the same number.
    let again = escalate("2020-07-08");
    assert!(again.contains(&format!("{number}  任务 3 ")), "{again}");

    let db = ws.join("督办台账.db");
    assert_eq!(
        sql(
            &db,
            "SELECT unit, number FROM chases WHERE stage = '督办单（任务3）'"
        ),
        [[KJ, number.as_str()]]
    );

    let doc = ws
        .join("rounds")
        .join(Q2)
        .join("督办文书")
        .join(format!("{Q2}_督办单_任务3_黄色.docx"));
    let text = printed_text(&wd, &doc);
    // 8 July 2020 is a Wednesday: five working days on is Wednesday 15 July.
    for want in [
        number.as_str(),
        "督办单（黄色）",
        "区科技局：",
        "第3项任务",
        "已连续2期滞后",
        // The history table, read column by column.
        "2020年第一季度2020年第二季度",
        "推进状态滞后滞后",
        "完成进度10%30%",
        "研发投入统计口径未明确",
        "请于2020年7月15日前",
        &format!("抄送：{LEADER}"),
        "2020年7月8日",
    ] {
        assert!(text.contains(want), "{want} not in {text}");
    }

    // A task 区直各部门 host (32) is addressed as the notice names its hosts, not department
    // by department.
    let doc = ws.join("rounds").join(Q2).join("督办文书");
    let order = std::fs::read_dir(&doc)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains("_督办单_任务32_"))
        .expect("a 督办单 for task 32");
    let xml = crate::bulletin::part(&order, "word/document.xml");
    assert!(xml.contains(">区委宣传部、区直各部门：<"), "{xml}");
    assert!(!xml.contains("区委组织部、"), "no department one by one");
}
