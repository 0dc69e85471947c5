//! A year in a workspace (issue 15): `init`, rounds with returns made here, merges recorded
//! in the ledger, history and status from it, a re-merge that replaces, a merge killed
//! halfway that leaves the ledger whole, and a task 办结. The ledger is read back with
//! Python's own sqlite3, not only through duban.

use std::path::{Path, PathBuf};
use std::process::Command;

use duban::catalog::Catalog;
use serde_json::Value;

use crate::returns::{s, Return, V};
use crate::workdir::{Run, Workdir};

const Q1: &str = "2020年第一季度";
const Q2: &str = "2020年第二季度";
const Q3: &str = "2020年第三季度";

/// Runs duban with `dir` as the current folder (a workspace or a folder inside one).
pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_duban"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run duban");
    Run {
        args: args.iter().map(|s| s.to_string()).collect(),
        out,
    }
}

/// A query's rows from the ledger, through Python's sqlite3.
pub fn sql(db: &Path, query: &str) -> Vec<Vec<String>> {
    let script = "import sqlite3, sys, json\nc = sqlite3.connect(sys.argv[1])\nprint(json.dumps([[str(x) for x in r] for r in c.execute(sys.argv[2])]))";
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(db)
        .arg(query)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// One receipts line, as `duban collect` writes them.
pub fn receipt(path: &str, unit: &str, at: &str) -> String {
    format!(
        "{{\"uid\":1,\"uidvalidity\":1,\"message_id\":\"<{path}>\",\"sender\":\"x@example.org\",\"unit\":\"{unit}\",\"received_at\":\"{at}\",\"subject\":\"报送\",\"name\":\"{path}\",\"sha256\":\"\",\"path\":\"{path}\"}}\n"
    )
}

struct Year {
    wd: Workdir,
    ws: PathBuf,
    cat: Catalog,
}

impl Year {
    fn returns(&self, round: &str) -> PathBuf {
        self.ws.join("rounds").join(round).join("回收")
    }

    fn put(&self, round: &str, name: &str, r: &Return) {
        std::fs::write(self.returns(round).join(name), r.bytes()).unwrap();
    }

    fn cell(&self, round: &str, sheet: &str, task: u32, title: &str) -> String {
        let book = std::fs::read(
            self.ws
                .join("rounds")
                .join(round)
                .join("汇总")
                .join(format!("{round}_汇总.xlsx")),
        )
        .unwrap();
        let wb = duban::read::read_bytes(&book, &duban::read::Limits::default()).unwrap();
        let sh = wb.sheet(sheet).unwrap();
        let header = (0..10)
            .find(|&r| sh.value(r, 0).text() == "序号")
            .expect("a header row");
        let col = (0..40)
            .find(|&c| sh.value(header, c).text() == title)
            .unwrap_or_else(|| panic!("no column {title} in {sheet}"));
        let row = (header + 1..header + 200)
            .find(|&r| sh.value(r, 0).text() == task.to_string())
            .unwrap();
        sh.value(row, col).text()
    }
}

/// 区科技局's return with task 3 滞后 and the given progress text for task 2.
fn kj(cat: &Catalog, round: &str, progress_2: &str, percent_3: f64) -> Return {
    let mut r = Return::clean(cat, "区科技局", round, false);
    r.set(3, "推进状态", s("滞后"))
        .set(3, "完成进度(%)", V::N(percent_3))
        .set(3, "存在问题", s("资金未到位"))
        .set(2, "工作进展", s(progress_2));
    r
}

#[test]
fn a_year_in_a_workspace() {
    let wd = Workdir::new("workspace");
    let cat = Catalog::embedded();
    wd.run(&["init", "督办2020"]);
    let ws = wd.path("督办2020");
    for f in ["duban.toml", "任务清单.toml", "contacts.csv", "督办台账.db"] {
        assert!(ws.join(f).is_file(), "{f}");
    }
    let contacts = std::fs::read_to_string(ws.join("contacts.csv")).unwrap();
    assert!(
        contacts.starts_with("\u{feff}单位/姓名,类别,邮箱,抄送,联系人\n"),
        "Chinese titles: {contacts}"
    );
    assert!(contacts.contains("区科技局,单位,,,") && contacts.contains("褚福梅,领导,,,"));
    // Refuses to overwrite.
    let again = wd.output(&["init", "督办2020"]);
    again.assert_code(2);
    assert!(again.stderr().contains("未覆盖"), "{}", again.describe());
    let db = ws.join("督办台账.db");
    assert_eq!(sql(&db, "PRAGMA user_version"), [["3"]]);

    let y = Year {
        wd,
        ws: ws.clone(),
        cat,
    };
    let c = &y.cat;

    // Round 1: templates, then returns: 区科技局 on time, 区财政局 late, 区商务局 sent back.
    run_in(&ws, &["round", "new", Q1, "--deadline", "2020-04-05"]).assert_code(0);
    let templates = std::fs::read_dir(ws.join("rounds").join(Q1).join("模板"))
        .unwrap()
        .count();
    assert_eq!(
        templates,
        c.assignments().len() + 1,
        "one per unit and the manifest"
    );
    assert!(y.returns(Q1).is_dir());
    y.put(
        Q1,
        "kj.xlsx",
        &kj(
            c,
            Q1,
            "召开专题会议部署高新技术企业培育工作，完成摸底调查",
            20.0,
        ),
    );
    y.put(Q1, "cz.xlsx", &Return::clean(c, "区财政局", Q1, false));
    let mut sw = Return::clean(c, "区商务局", Q1, false);
    sw.set(12, "完成进度(%)", V::N(150.0));
    y.put(Q1, "sw.xlsx", &sw);
    std::fs::write(
        y.returns(Q1).join("收件记录.jsonl"),
        receipt("kj.xlsx", "区科技局", "2020-04-03T10:00:00+08:00")
            + &receipt("cz.xlsx", "区财政局", "2020-04-07T09:00:00+08:00")
            + &receipt("sw.xlsx", "区商务局", "2020-04-05T23:00:00+08:00"),
    )
    .unwrap();
    // From a folder inside the workspace: duban.toml is found by walking up.
    let merge = run_in(&y.returns(Q1), &["merge"]);
    merge.assert_code(1);
    assert!(
        merge.stdout().contains("已记入台账"),
        "{}",
        merge.describe()
    );

    // The ledger holds each return as read, with its verdict, hash and arrival, and every
    // issue: read back with Python's sqlite3.
    let returns = sql(
        &db,
        "SELECT path, unit, verdict, length(sha256), received_at FROM returns ORDER BY path",
    );
    let row = |name: &str| {
        returns
            .iter()
            .find(|r| r[0].ends_with(name))
            .unwrap_or_else(|| panic!("{name}: {returns:?}"))
            .clone()
    };
    assert_eq!(
        row("kj.xlsx")[1..],
        ["区科技局", "accepted", "64", "2020-04-03T10:00:00+08:00"]
    );
    assert_eq!(row("sw.xlsx")[1..3], ["区商务局", "rejected"]);
    let issues = sql(
        &db,
        "SELECT i.code, i.severity, i.cell, i.task FROM issues i JOIN returns f ON f.id = i.return_id WHERE f.path LIKE '%sw.xlsx'",
    );
    assert!(
        issues
            .iter()
            .any(|i| i[0] == "E-PERCENT-RANGE" && i[1] == "error" && i[3] == "12"),
        "{issues:?}"
    );
    let rows = sql(
        &db,
        "SELECT status, percent, problems FROM rows WHERE unit = '区科技局' AND task = 3",
    );
    assert_eq!(rows, [["滞后", "20.0", "资金未到位"]]);

    // status: three states, lateness against the deadline (the end of 4月5日, Beijing).
    let status = run_in(&ws, &["status", "--round", Q1, "--format", "json"]);
    status.assert_code(1);
    let v: Value = serde_json::from_str(&status.stdout()).unwrap();
    assert_eq!(v["round"], Q1);
    assert_eq!(v["deadline"], "2020-04-05");
    let unit = |name: &str| {
        v["units"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["unit"] == name)
            .unwrap_or_else(|| panic!("{name}"))
            .clone()
    };
    assert_eq!(unit("区科技局")["state"], "已通过");
    assert_eq!(unit("区科技局")["late"], false);
    assert_eq!(unit("区科技局")["received_at"], "2020-04-03T10:00:00+08:00");
    assert_eq!(unit("区财政局")["late"], true);
    assert_eq!(unit("区商务局")["state"], "已报送未通过");
    assert_eq!(
        unit("区商务局")["late"],
        false,
        "23:00 on the deadline is on time"
    );
    assert_eq!(unit("新兖镇")["state"], "未报送");
    assert_eq!(v["counts"]["accepted"], 2);
    assert_eq!(v["counts"]["rejected"], 1);
    assert_eq!(v["counts"]["missing"], c.assignments().len() - 3);

    // Round 2: task 3 lags again, task 6 for the first time; 区科技局 copies task 2's
    // progress word for word.
    run_in(&ws, &["round", "new", Q2, "--deadline", "2020-07-05"]).assert_code(0);
    let mut kj2 = kj(
        c,
        Q2,
        "召开专题会议部署高新技术企业培育工作，完成摸底调查。",
        30.0,
    );
    kj2.set(6, "推进状态", s("滞后"))
        .set(6, "存在问题", s("用地指标未落实"))
        // Task 13's progress only restates the task.
        .set(13, "工作进展", s(&c.task(13).unwrap().text));
    y.put(Q2, "kj.xlsx", &kj2);
    y.put(Q2, "cz.xlsx", &Return::clean(c, "区财政局", Q2, false));
    let check = run_in(&ws, &["check", "--format", "json"]);
    let v: Value = serde_json::from_str(&check.stdout()).unwrap();
    let kj_issues = &v["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"].as_str().unwrap().ends_with("kj.xlsx"))
        .unwrap()["issues"];
    let copied: Vec<&Value> = kj_issues
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["code"] == "W-PROGRESS-COPIED")
        .collect();
    assert_eq!(copied.len(), 1, "{kj_issues:#}");
    assert_eq!(copied[0]["task"], 2);
    let restated: Vec<&Value> = kj_issues
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["code"] == "W-PROGRESS-RESTATES-TASK")
        .collect();
    assert_eq!(restated.len(), 1, "{kj_issues:#}");
    assert_eq!(restated[0]["task"], 13);
    run_in(&ws, &["merge"]).assert_code(0);
    assert_eq!(y.cell(Q2, "总表", 3, "连续滞后"), "2");
    assert_eq!(y.cell(Q2, "总表", 3, "上期状态"), "滞后");
    assert_eq!(y.cell(Q2, "总表", 3, "进度变化"), "10");
    // 统计 compares each status's and colour's count with last round's, as the ledger has
    // both rounds.
    let book = std::fs::read(
        ws.join("rounds")
            .join(Q2)
            .join("汇总")
            .join(format!("{Q2}_汇总.xlsx")),
    )
    .unwrap();
    let wb = duban::read::read_bytes(&book, &duban::read::Limits::default()).unwrap();
    let info = wb.sheet("统计").unwrap().value(1, 0).text();
    let info = info
        .split_once(&format!("较上期（{Q1}）"))
        .unwrap_or_else(|| panic!("{info}"))
        .1
        .to_string();
    let count = |round: &str, column: &str, value: &str| -> i64 {
        sql(
            &db,
            &format!("SELECT COUNT(*) FROM task_states t JOIN rounds r ON r.id = t.round_id WHERE r.name = '{round}' AND t.{column} = '{value}'"),
        )[0][0]
            .parse()
            .unwrap()
    };
    let mut changes = 0;
    for (column, value, label) in [
        ("status", "滞后", "滞后".to_string()),
        ("status", "已完成", "已完成".to_string()),
        ("status", "未报送", "未报送".to_string()),
        ("colour", "红", "红色".to_string()),
        ("colour", "黄", "黄色".to_string()),
        ("colour", "蓝", "蓝色".to_string()),
    ] {
        let d = count(Q2, column, value) - count(Q1, column, value);
        if d != 0 {
            changes += 1;
            assert!(
                info.contains(&format!("{label} {d:+} 项")),
                "{label} {d:+} in {info}"
            );
        } else {
            assert!(
                !info.contains(&format!("{label} ")),
                "{label} unchanged: {info}"
            );
        }
    }
    assert!(changes > 0, "{info}");
    let history = run_in(&ws, &["history", "--task", "3", "--format", "json"]);
    history.assert_code(0);
    let h: Value = serde_json::from_str(&history.stdout()).unwrap();
    assert_eq!(h["task"], 3);
    assert_eq!(h["lagging_streak"], 2);
    let rounds = h["rounds"].as_array().unwrap();
    assert_eq!(rounds.len(), 2);
    assert_eq!(
        (rounds[0]["round"].as_str(), rounds[0]["state"].as_str()),
        (Some(Q1), Some("滞后"))
    );
    assert_eq!(rounds[1]["percent"], 30.0);
    // 30% against 50% by the end of June: 20 behind, within the red gap of 30.
    assert_eq!(rounds[1]["colour"], "黄");
    // The leader of task 3 sees it first, marked.
    let leader = &c.task(3).unwrap().leaders[0];
    let summary = std::fs::read(
        ws.join("rounds")
            .join(Q2)
            .join("汇总")
            .join(format!("{Q2}_{leader}_分管任务进展.xlsx")),
    )
    .unwrap();
    let wb = duban::read::read_bytes(&summary, &duban::read::Limits::default()).unwrap();
    let sh = wb.sheet("分管任务进展").unwrap();
    assert_eq!(
        sh.value(3, 0).text(),
        "3",
        "the task lagging two rounds comes first"
    );
    // 未报送 counts as lagging too: the count line names every task at two rounds or more.
    let streak_col = (0..40)
        .find(|&c| sh.value(2, c).text() == "连续滞后")
        .unwrap();
    let running = (3..200)
        .take_while(|&r| !sh.value(r, 0).text().is_empty())
        .filter(|&r| sh.value(r, streak_col).text().parse::<u32>().unwrap_or(0) >= 2)
        .count();
    assert!(
        running >= 2,
        "task 3, and tasks whose hosts sent nothing twice"
    );
    // Lagging two rounds comes before lagging once, whatever the status: task 6 (滞后
    // now, on schedule last round) after every task at two rounds or more, 未报送 ones too.
    let rows: Vec<u32> = (3..200)
        .take_while(|&r| !sh.value(r, 0).text().is_empty())
        .collect();
    let at = |task: &str| {
        rows.iter()
            .position(|&r| sh.value(r, 0).text() == task)
            .unwrap()
    };
    let last_running = rows
        .iter()
        .rposition(|&r| sh.value(r, streak_col).text().parse::<u32>().unwrap_or(0) >= 2)
        .unwrap();
    assert_eq!(sh.value(rows[at("6")], streak_col).text(), "1");
    assert!(
        at("6") > last_running,
        "task 6 after the tasks lagging two rounds"
    );
    assert!(
        sh.value(1, 0)
            .text()
            .contains(&format!("连续两期及以上滞后 {running} 项")),
        "{}",
        sh.value(1, 0).text()
    );

    // 办结: task 5 closed before round 3 is made.
    run_in(&ws, &["task", "close", "5", "--note", "已验收"]).assert_code(0);
    run_in(&ws, &["round", "new", Q3, "--deadline", "2020-10-05"]).assert_code(0);
    let host5 = c.task(5).unwrap().hosts[0].clone();
    let template = std::fs::read(
        ws.join("rounds")
            .join(Q3)
            .join("模板")
            .join(duban::outputs::template(Q3, &host5)),
    )
    .unwrap();
    let wb = duban::read::read_bytes(&template, &duban::read::Limits::default()).unwrap();
    let tasks = wb.sheet("任务进展").unwrap();
    let row5 = (3..100).find(|&r| tasks.value(r, 0).text() == "5").unwrap();
    // By its title: from the second round on, last round's columns come before it.
    let status = (0..30)
        .find(|&c| tasks.value(2, c).text() == "推进状态")
        .unwrap();
    assert_eq!(tasks.value(row5, status).text(), "已办结");
    y.put(
        Q3,
        "kj.xlsx",
        &kj(c, Q3, "完成高新技术企业申报辅导 12 家", 60.0),
    );
    run_in(&ws, &["merge"]).assert_code(0);
    assert_eq!(y.cell(Q3, "总表", 5, "推进状态"), "已办结");
    assert_eq!(y.cell(Q3, "总表", 3, "连续滞后"), "3");

    // Merging round 2 again replaces it: three rounds, not four.
    run_in(&ws, &["merge", "--round", Q2]).assert_code(0);
    assert_eq!(sql(&db, "SELECT COUNT(*) FROM rounds"), [["3"]]);
    assert_eq!(
        sql(&db, "SELECT COUNT(*) FROM task_states"),
        [[(3 * c.tasks().len()).to_string()]]
    );
    // A merge that fails leaves no round behind: one never registered, without returns.
    let ghost = run_in(&ws, &["merge", "--round", "2020年第四季度"]);
    ghost.assert_code(2);
    assert_eq!(
        sql(&db, "SELECT COUNT(*) FROM rounds"),
        [["3"]],
        "{}",
        ghost.describe()
    );
    let before = sql(&db, "SELECT r.name, COUNT(*) FROM returns f JOIN rounds r ON r.id = f.round_id GROUP BY r.seq ORDER BY r.seq");
    assert_eq!(before.len(), 3);

    // A merge killed halfway through recording leaves the ledger as it was.
    y.put(Q3, "cz.xlsx", &Return::clean(c, "区财政局", Q3, false));
    let killed = Command::new(env!("CARGO_BIN_EXE_duban"))
        .current_dir(&ws)
        .arg("merge")
        .env("DUBAN_FAULT", "ledger:abort")
        .output()
        .unwrap();
    assert!(!killed.status.success(), "the fault stopped the merge");
    assert_eq!(sql(&db, "PRAGMA integrity_check"), [["ok"]]);
    assert_eq!(sql(&db, "SELECT COUNT(*) FROM rounds"), [["3"]]);
    let after = sql(&db, "SELECT r.name, COUNT(*) FROM returns f JOIN rounds r ON r.id = f.round_id GROUP BY r.seq ORDER BY r.seq");
    assert_eq!(
        after, before,
        "round 3 still holds its last complete record"
    );
    // And the next merge goes through.
    run_in(&ws, &["merge"]).assert_code(0);
    let q3_returns = sql(&db, &format!("SELECT COUNT(*) FROM returns f JOIN rounds r ON r.id = f.round_id WHERE r.name = '{Q3}'"));
    assert_eq!(q3_returns, [["2"]]);

    // Reopened: from the next round on, asked for again.
    run_in(&ws, &["task", "reopen", "5"]).assert_code(0);
    let closed_next = sql(
        &db,
        "SELECT action FROM task_events WHERE task = 5 ORDER BY id",
    );
    assert_eq!(closed_next, [["close"], ["reopen"]]);

    // The 台账 workbook.
    run_in(&ws, &["ledger", "export", "-o", "台账.xlsx"]).assert_code(0);
    let book = std::fs::read(ws.join("台账.xlsx")).unwrap();
    let wb = duban::read::read_bytes(&book, &duban::read::Limits::default()).unwrap();
    let sheets: Vec<&str> = wb.sheets.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(sheets[0], "任务台账");
    assert!(
        sheets.contains(&"区直部门") && sheets.contains(&"镇"),
        "{sheets:?}"
    );
    let t = wb.sheet("任务台账").unwrap();
    assert!(t.value(0, 0).text().contains("督办台账"), "titled");
    assert_eq!(t.value(2, 4).text(), format!("{Q1}\n推进状态"));
    let row3 = (3..100).find(|&r| t.value(r, 0).text() == "3").unwrap();
    assert_eq!(t.value(row3, 4 + 9).text(), "3", "streak of 3");
    let d = wb.sheet("区直部门").unwrap();
    assert!(
        d.value(0, 0).text().contains("区直部门"),
        "the sheet says its kind"
    );
    let cz = (3..100)
        .find(|&r| d.value(r, 0).text() == "区财政局")
        .unwrap();
    assert_eq!(d.value(cz, 1).text(), "逾期");

    // history --unit and --leader answer too.
    let h = run_in(&ws, &["history", "--unit", "科技局", "--format", "json"]);
    let v: Value = serde_json::from_str(&h.stdout()).unwrap();
    assert_eq!(v["unit"], "区科技局");
    assert_eq!(v["reporting"].as_array().unwrap().len(), 3);
    let h = run_in(&ws, &["history", "--leader", leader]);
    h.assert_code(0);
    assert!(h.stdout().contains("连续滞后"), "{}", h.describe());

    // Outside the workspace, the workspace's commands say what they need.
    let outside = y.wd.output(&["history", "--task", "3"]);
    outside.assert_code(2);
    assert!(
        outside.stderr().contains("工作区"),
        "{}",
        outside.describe()
    );

    // Reopened before round 4 is made: its templates ask for task 5 again.
    let q4 = "2020年第四季度";
    run_in(&ws, &["round", "new", q4, "--deadline", "2021-01-05"]).assert_code(0);
    let template = std::fs::read(
        ws.join("rounds")
            .join(q4)
            .join("模板")
            .join(duban::outputs::template(q4, &host5)),
    )
    .unwrap();
    let wb = duban::read::read_bytes(&template, &duban::read::Limits::default()).unwrap();
    let tasks = wb.sheet("任务进展").unwrap();
    let row5 = (3..100).find(|&r| tasks.value(r, 0).text() == "5").unwrap();
    let col = |title: &str| {
        (0..30)
            .find(|&c| tasks.value(2, c).text() == title)
            .unwrap()
    };
    assert_eq!(
        tasks.value(row5, col("推进状态")).text(),
        "",
        "asked for again, not 已办结"
    );
    assert_eq!(
        tasks.value(row5, col("上期推进状态")).text(),
        "已办结",
        "last round it was closed, not 未报送"
    );
}

/// duban.toml as `init` writes it: every setting the office may change, each explained in
/// Chinese; and what it says takes effect (thresholds, the office's zone), while a flag on
/// the command line wins over it.
#[test]
fn the_workspaces_settings_take_effect_and_flags_win() {
    let wd = Workdir::new("workspace-settings");
    let cat = Catalog::embedded();
    wd.run(&["init", "ws"]);
    let ws = wd.path("ws");
    let config = std::fs::read_to_string(ws.join("duban.toml")).unwrap();
    let table: toml::Table = toml::from_str(&config).unwrap();
    for key in [
        "catalog",
        "contacts",
        "office",
        "office_contact",
        "time_zone",
    ] {
        assert!(table.contains_key(key), "{key}");
    }
    for (section, key) in [
        ("colour", "red_gap"),
        ("mail", "smtp-host"),
        ("mailbox", "imap-host"),
        ("bulletin", "template"),
    ] {
        assert!(table[section].get(key).is_some(), "[{section}] {key}");
    }
    // Each setting is explained in Chinese: beside it, or by a comment of its group (the
    // lines above it up to a blank line).
    let cjk = |l: &str| l.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    let lines: Vec<&str> = config.lines().collect();
    for (i, l) in lines.iter().enumerate() {
        if l.contains(" = ") && !l.starts_with('#') {
            let group = lines[..i].iter().rev().take_while(|p| !p.trim().is_empty());
            let explained = l.contains('#') && cjk(l)
                || group.into_iter().any(|p| p.starts_with('#') && cjk(p));
            assert!(explained, "no Chinese word for: {l}");
        }
    }

    // The office sets red at 5 points behind and keeps its clock in UTC.
    let config = config
        .replace("red_gap = 30", "red_gap = 5")
        .replace("tolerance = 10", "tolerance = 3")
        .replace("time_zone = \"+08:00\"", "time_zone = \"+00:00\"");
    std::fs::write(ws.join("duban.toml"), config).unwrap();
    run_in(&ws, &["round", "new", Q1, "--deadline", "2020-04-05"]).assert_code(0);
    // Task 3 at 15 % against 25 % by the end of March: 10 points behind.
    let mut r = Return::clean(&cat, "区科技局", Q1, false);
    r.set(3, "推进状态", s("序时推进"))
        .set(3, "完成进度(%)", V::N(15.0));
    let dir = ws.join("rounds").join(Q1).join("回收");
    std::fs::write(dir.join("kj.xlsx"), r.bytes()).unwrap();
    // Arrived 23:30 UTC on the deadline day: on time in UTC, 07:30 the next day in Beijing.
    std::fs::write(
        dir.join("收件记录.jsonl"),
        receipt("kj.xlsx", "区科技局", "2020-04-05T23:30:00+00:00"),
    )
    .unwrap();
    let y = Year {
        wd,
        ws: ws.clone(),
        cat,
    };
    run_in(&ws, &["merge"]).assert_code(0);
    assert_eq!(y.cell(Q1, "总表", 3, "三色标识"), "红", "red_gap = 5");
    let late = |args: &[&str]| {
        let run = run_in(&ws, args);
        let v: Value = serde_json::from_str(&run.stdout()).unwrap();
        v["units"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["unit"] == "区科技局")
            .unwrap()["late"]
            .clone()
    };
    assert_eq!(late(&["status", "--format", "json"]), false, "in UTC");
    // The flag wins: merged in Beijing's zone, the return came the next day.
    run_in(&ws, &["--time-zone", "+08:00", "merge"]).assert_code(0);
    assert_eq!(late(&["status", "--format", "json"]), true, "in Beijing");
    // A config file on the command line wins over duban.toml's thresholds.
    std::fs::write(
        ws.join("三色.toml"),
        "[colour]\nred_gap = 30\ntolerance = 3\n",
    )
    .unwrap();
    run_in(&ws, &["merge", "--config", "三色.toml"]).assert_code(0);
    assert_eq!(y.cell(Q1, "总表", 3, "三色标识"), "黄", "red_gap = 30");

    // A round whose 序时进度 is not its name's: --as-of is kept and used.
    run_in(
        &ws,
        &[
            "round",
            "new",
            Q2,
            "--deadline",
            "2020-07-05",
            "--as-of",
            "2020-05-31",
        ],
    )
    .assert_code(0);
    std::fs::write(
        ws.join("rounds").join(Q2).join("回收").join("kj.xlsx"),
        Return::clean(&y.cat, "区科技局", Q2, false).bytes(),
    )
    .unwrap();
    run_in(&ws, &["merge"]).assert_code(0);
    let db = ws.join("督办台账.db");
    assert_eq!(
        sql(
            &db,
            &format!("SELECT as_of, round(schedule, 1) FROM rounds WHERE name = '{Q2}'")
        ),
        [["2020-05-31", "41.7"]],
        "five months of twelve"
    );

    // mail in the workspace: the latest round, its 回收 and 发件箱, its deadline, the
    // workspace's contacts (only 区财政局 has an address yet: the others are listed).
    let contacts = std::fs::read_to_string(ws.join("contacts.csv"))
        .unwrap()
        .replace("区财政局,单位,,,", "区财政局,单位,cz@example.org,,");
    std::fs::write(ws.join("contacts.csv"), contacts).unwrap();
    let mail = run_in(
        &ws,
        &[
            "mail",
            "reminders",
            "--from",
            "区督考办 <office@example.org>",
        ],
    );
    mail.assert_code(1);
    let eml = ws
        .join("rounds")
        .join(Q2)
        .join("发件箱")
        .join(format!("{Q2}_催报提醒_区财政局.eml"));
    let bytes = std::fs::read(&eml).unwrap_or_else(|e| panic!("{e}\n{}", mail.describe()));
    let eml = mailparse::parse_mail(&bytes).unwrap();
    let body: String = std::iter::once(&eml)
        .chain(eml.subparts.iter())
        .filter(|p| p.ctype.mimetype == "text/plain")
        .map(|p| p.get_body().unwrap())
        .collect();
    assert!(
        body.contains("2020年7月5日"),
        "the round's deadline: {body}"
    );
    assert!(
        mail.stdout().contains("区商务局") || mail.stderr().contains("区商务局"),
        "{}",
        mail.describe()
    );

    // init --catalog: the workspace keeps the office's own task list.
    let own = std::fs::read_to_string(ws.join("任务清单.toml"))
        .unwrap()
        .replacen("引导企业加大研发投入", "引导企业持续加大研发投入", 1);
    std::fs::write(y.wd.path("本区任务.toml"), own).unwrap();
    y.wd.run(&["init", "ws2", "--catalog", "本区任务.toml"]);
    let kept = std::fs::read_to_string(y.wd.path("ws2/任务清单.toml")).unwrap();
    assert!(kept.contains("引导企业持续加大研发投入"));
    let shown = run_in(&y.wd.path("ws2"), &["catalog", "show", "--task", "3"]);
    assert!(
        shown.stdout().contains("引导企业持续加大研发投入"),
        "{}",
        shown.describe()
    );
}

#[test]
fn a_ledger_from_a_newer_duban_is_refused() {
    let wd = Workdir::new("workspace-version");
    wd.run(&["init", "ws"]);
    let db = wd.path("ws/督办台账.db");
    let script = "import sqlite3, sys\nc = sqlite3.connect(sys.argv[1])\nc.execute('PRAGMA user_version = 9')\nc.commit()";
    assert!(Command::new("python3")
        .args(["-c", script])
        .arg(&db)
        .status()
        .unwrap()
        .success());
    let run = wd.output(&["--workspace", "ws", "round", "list"]);
    run.assert_code(2);
    assert!(run.stderr().contains("较新版本"), "{}", run.describe());
}
