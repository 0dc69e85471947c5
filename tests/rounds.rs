//! A round is one round however it is written, and the office can correct it (issue 22):
//! `round new` refuses another spelling of a registered round, `--round` resolves to it,
//! `round rename` keeps every record and file, `round remove` archives. Also what the
//! merge says (a rejected return superseded by an accepted one stands no more), a closed
//! task reported as lagging, and the clerk's way through a round (check's problem lists,
//! `ledger export`'s default, `history --unit`, the check's and status's text).

use std::path::PathBuf;

use duban::catalog::Catalog;

use crate::returns::{s, Return};
use crate::workdir::Workdir;
use crate::workspace::{receipt, run_in, sql};

const Q1: &str = "2020年第一季度";
const Q2: &str = "2020年第二季度";

/// A workspace made by `duban init`, with the embedded catalog.
struct Ws {
    _wd: Workdir,
    root: PathBuf,
    cat: Catalog,
}

impl Ws {
    fn new(name: &str) -> Ws {
        let wd = Workdir::new(name);
        wd.run(&["init", "ws"]);
        let root = wd.path("ws");
        Ws {
            _wd: wd,
            root,
            cat: Catalog::embedded(),
        }
    }

    fn round_new(&self, round: &str, deadline: &str) {
        run_in(&self.root, &["round", "new", round, "--deadline", deadline]).assert_code(0);
    }

    fn returns(&self, round: &str) -> PathBuf {
        self.root.join("rounds").join(round).join("回收")
    }

    fn put(&self, round: &str, name: &str, r: &Return) {
        std::fs::write(self.returns(round).join(name), r.bytes()).unwrap();
    }

    fn db(&self) -> PathBuf {
        self.root.join("督办台账.db")
    }

    fn integrity(&self) {
        assert_eq!(sql(&self.db(), "PRAGMA integrity_check"), [["ok"]]);
    }
}

#[test]
fn round_new_refuses_another_spelling_and_round_resolves_it() {
    let w = Ws::new("rounds_spelling");
    w.round_new(Q1, "2020-04-05");
    w.round_new(Q2, "2020-07-05");
    let typo = run_in(
        &w.root,
        &["round", "new", "2020年二季度", "--deadline", "2020-07-05"],
    );
    typo.assert_code(2);
    assert!(
        typo.stderr().contains("2020年第二季度") && typo.stderr().contains("同一期"),
        "{}",
        typo.describe()
    );
    assert_eq!(sql(&w.db(), "SELECT COUNT(*) FROM rounds"), [["2"]]);
    assert!(!w.root.join("rounds").join("2020年二季度").exists());
    // The same name again only updates the round.
    w.round_new(Q2, "2020-07-06");
    assert_eq!(sql(&w.db(), "SELECT COUNT(*) FROM rounds"), [["2"]]);

    // --round under another spelling is the registered round, and says so.
    w.put(Q1, "kj.xlsx", &Return::clean(&w.cat, "区科技局", Q1, false));
    let merge = run_in(&w.root, &["merge", "--round", "2020年一季度"]);
    assert!(merge.code() <= 1, "{}", merge.describe());
    assert!(
        merge.stderr().contains("即已登记的“2020年第一季度”"),
        "{}",
        merge.describe()
    );
    assert_eq!(sql(&w.db(), "SELECT COUNT(*) FROM rounds"), [["2"]]);
    assert!(w
        .root
        .join("rounds")
        .join(Q1)
        .join("汇总")
        .join(format!("{Q1}_汇总.xlsx"))
        .is_file());
    let status = run_in(
        &w.root,
        &["status", "--round", "２０２０年第1季度", "--format", "json"],
    );
    let v: serde_json::Value = serde_json::from_str(&status.stdout()).unwrap();
    assert_eq!(v["round"], Q1, "{}", status.describe());
    w.integrity();
}

#[test]
fn round_rename_keeps_records_and_files() {
    let w = Ws::new("rounds_rename");
    let typo = "2020年1季";
    w.round_new(typo, "2020-04-05");
    w.put(
        typo,
        "kj.xlsx",
        &Return::clean(&w.cat, "区科技局", typo, false),
    );
    run_in(&w.root, &["merge"]).assert_code(0);
    let before = sql(&w.db(), "SELECT COUNT(*) FROM rows");
    assert_ne!(before, [["0"]]);

    let taken = run_in(&w.root, &["round", "rename", typo, typo]);
    taken.assert_code(0);
    w.round_new(Q2, "2020-07-05");
    let clash = run_in(&w.root, &["round", "rename", typo, "2020年二季度"]);
    clash.assert_code(2);
    assert!(clash.stderr().contains("已登记"), "{}", clash.describe());

    let renamed = run_in(&w.root, &["round", "rename", typo, Q1]);
    renamed.assert_code(0);
    assert!(renamed.stdout().contains("改名"), "{}", renamed.describe());
    assert_eq!(
        sql(&w.db(), "SELECT name, seq FROM rounds ORDER BY seq"),
        [[Q1, "1"], [Q2, "2"]]
    );
    assert_eq!(sql(&w.db(), "SELECT COUNT(*) FROM rows"), before);
    let paths = sql(&w.db(), "SELECT path FROM returns");
    assert!(
        paths[0][0].contains(&format!("rounds/{Q1}/回收/")),
        "{paths:?}"
    );
    let q1 = w.root.join("rounds").join(Q1);
    assert!(!w.root.join("rounds").join(typo).exists());
    assert!(q1.join("回收").join("kj.xlsx").is_file());
    assert!(q1.join("汇总").join(format!("{Q1}_汇总.xlsx")).is_file());
    assert!(!q1.join("汇总").join(format!("{typo}_汇总.xlsx")).exists());
    // The renamed round is the ledger's round: its status comes from the ledger.
    let status = run_in(&w.root, &["status", "--round", Q1, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&status.stdout()).unwrap();
    assert_eq!(v["round"], Q1, "{}", status.describe());
    w.integrity();
}

#[test]
fn round_remove_refuses_a_round_with_returns_unless_forced_and_archives() {
    let w = Ws::new("rounds_remove");
    w.round_new(Q1, "2020-04-05");
    w.put(Q1, "kj.xlsx", &Return::clean(&w.cat, "区科技局", Q1, false));
    run_in(&w.root, &["merge"]).assert_code(0);
    run_in(&w.root, &["task", "close", "5"]).assert_code(0);
    w.round_new(Q2, "2020-07-05");
    // An empty round goes without --force; its folder is archived.
    let gone = run_in(&w.root, &["round", "remove", "2020年二季度"]);
    gone.assert_code(0);
    assert!(gone.stdout().contains("已删除期次"), "{}", gone.describe());
    assert_eq!(sql(&w.db(), "SELECT name FROM rounds"), [[Q1]]);
    assert!(!w.root.join("rounds").join(Q2).exists());
    let archive: Vec<_> = std::fs::read_dir(w.root.join("已删除期次"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        archive.len() == 1 && archive[0].starts_with(&format!("{Q2}-")),
        "{archive:?}"
    );
    // The 办结 recorded after round 1 still counts from the next round made.
    w.round_new(Q2, "2020-07-05");
    let host5 = w.cat.task(5).unwrap().hosts[0].clone();
    assert!(w
        .root
        .join("rounds")
        .join(Q2)
        .join("模板")
        .join(duban::outputs::template(Q2, &host5))
        .is_file());
    assert_eq!(sql(&w.db(), "SELECT after_seq FROM task_events"), [["1"]]);

    // A round with returns and a merge is kept unless forced.
    let kept = run_in(&w.root, &["round", "remove", Q1]);
    kept.assert_code(2);
    assert!(kept.stderr().contains("--force"), "{}", kept.describe());
    assert_eq!(sql(&w.db(), "SELECT COUNT(*) FROM rounds"), [["2"]]);
    run_in(&w.root, &["round", "remove", Q1, "--force"]).assert_code(0);
    assert_eq!(sql(&w.db(), "SELECT name FROM rounds"), [[Q2]]);
    assert_eq!(sql(&w.db(), "SELECT COUNT(*) FROM returns"), [["0"]]);
    assert_eq!(sql(&w.db(), "SELECT COUNT(*) FROM rows"), [["0"]]);
    let archived = std::fs::read_dir(w.root.join("已删除期次"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with(Q1))
        .expect("round 1 archived");
    assert!(archived.join("回收").join("kj.xlsx").is_file());
    w.integrity();
}

/// The summary JSON of a round's merge.
fn summary(w: &Ws, round: &str) -> serde_json::Value {
    let p = (w.root.join("rounds").join(round).join("汇总")).join(format!("{round}_汇总.json"));
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

#[test]
fn a_rejected_return_superseded_by_an_accepted_one_is_not_reported() {
    let w = Ws::new("rounds_superseded");
    w.round_new(Q1, "2020-04-05");
    let mut bad = Return::clean(&w.cat, "区商务局", Q1, false);
    bad.set(12, "完成进度(%)", crate::returns::V::N(150.0));
    w.put(Q1, "sw.xlsx", &bad);
    w.put(
        Q1,
        "sw2.xlsx",
        &Return::clean(&w.cat, "区商务局", Q1, false),
    );
    std::fs::write(
        w.returns(Q1).join("收件记录.jsonl"),
        receipt("sw.xlsx", "区商务局", "2020-04-02T10:00:00+08:00")
            + &receipt("sw2.xlsx", "区商务局", "2020-04-03T10:00:00+08:00"),
    )
    .unwrap();
    let merge = run_in(&w.root, &["merge"]);
    merge.assert_code(0);
    assert!(
        !merge.stdout().contains("有被退回的报表"),
        "{}",
        merge.describe()
    );
    assert!(merge.stdout().contains("退回 0 份"), "{}", merge.describe());
    run_in(&w.root, &["check"]).assert_code(0);
    // A rejected return that stands still needs the office.
    std::fs::write(
        w.returns(Q1).join("收件记录.jsonl"),
        receipt("sw.xlsx", "区商务局", "2020-04-04T10:00:00+08:00")
            + &receipt("sw2.xlsx", "区商务局", "2020-04-03T10:00:00+08:00"),
    )
    .unwrap();
    let merge = run_in(&w.root, &["merge"]);
    merge.assert_code(1);
    assert!(
        merge.stdout().contains("有被退回的报表"),
        "{}",
        merge.describe()
    );
}

#[test]
fn a_closed_task_reported_as_lagging_is_not_lagging_and_the_office_is_told() {
    let w = Ws::new("rounds_closed");
    w.round_new(Q1, "2020-04-05");
    run_in(&w.root, &["task", "close", "3", "--note", "已验收"]).assert_code(0);
    w.round_new(Q2, "2020-07-05");
    let mut kj = Return::clean(&w.cat, "区科技局", Q2, false);
    kj.set(3, "推进状态", s("滞后"));
    w.put(Q2, "kj.xlsx", &kj);
    let check = run_in(&w.root, &["check", "--format", "json"]);
    check.assert_code(0);
    let v: serde_json::Value = serde_json::from_str(&check.stdout()).unwrap();
    let told: Vec<&serde_json::Value> = v["files"][0]["issues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["code"] == "W-CLOSED-REPORTED")
        .collect();
    assert_eq!(told.len(), 1, "{}", check.stdout());
    assert_eq!(told[0]["task"], 3);
    assert!(told[0]["message"].as_str().unwrap().contains("滞后"));
    run_in(&w.root, &["merge"]).assert_code(0);
    let sum = summary(&w, Q2);
    let t3 = &sum["tasks"][2];
    assert_eq!(t3["number"], 3);
    assert_eq!(t3["status"], "已办结");
    assert!(
        sum["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["status"] != "滞后"),
        "no task lags"
    );
    let issues = sql(
        &w.db(),
        "SELECT task FROM issues WHERE code = 'W-CLOSED-REPORTED'",
    );
    assert_eq!(issues, [["3"]]);
}

#[test]
fn the_clerks_way_through_a_round() {
    let w = Ws::new("rounds_clerk");
    w.round_new(Q1, "2020-04-05");
    let c = &w.cat;
    // 区科技局 sends five versions, 区商务局 one with an error, 区财政局 one clean.
    for i in 0..5 {
        let mut r = Return::clean(c, "区科技局", Q1, false);
        r.set(2, "工作进展", s(&format!("第 {i} 稿：完成摸底调查")));
        w.put(Q1, &format!("kj{i}.xlsx"), &r);
    }
    let mut sw = Return::clean(c, "区商务局", Q1, false);
    sw.set(12, "完成进度(%)", crate::returns::V::N(150.0));
    w.put(Q1, "sw.xlsx", &sw);
    w.put(Q1, "cz.xlsx", &Return::clean(c, "区财政局", Q1, false));
    let check = run_in(&w.root, &["check"]);
    check.assert_code(1);
    let text = check.stdout();
    // Problem lists in the round's 问题清单/, and said where.
    let lists = w.root.join("rounds").join(Q1).join("问题清单");
    assert!(
        lists.join(format!("{Q1}_区商务局_问题清单.xlsx")).is_file(),
        "{}",
        check.describe()
    );
    assert!(check.stderr().contains("问题清单"), "{}", check.describe());
    // Paths relative to where it was run; superseded files one line per unit.
    assert!(!text.contains(&w.root.display().to_string()), "{text}");
    assert!(text.contains("区科技局：4 份被后报的表格取代"), "{text}");
    // 未报送 units in lines of a few names, not one line.
    let missing = text.lines().skip_while(|l| !l.starts_with("未报送")).nth(1);
    let longest = text.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(missing.is_some() && longest < 200, "{text}");

    // --feedback DIR elsewhere: made and said.
    let out = w.root.join("fb");
    let fb = run_in(&w.root, &["check", "--feedback", "fb"]);
    assert!(
        out.join(format!("{Q1}_区商务局_问题清单.xlsx")).is_file(),
        "{}",
        fb.describe()
    );
    assert!(
        fb.stderr().contains("已写入问题清单") && fb.stderr().contains("份：fb"),
        "{}",
        fb.describe()
    );

    // status: grouped by state.
    let status = run_in(&w.root, &["status"]).stdout();
    let at = |h: &str| status.find(h).unwrap_or_else(|| panic!("{h}: {status}"));
    assert!(
        at("已报送未通过（1 个）") < at("未报送（") && at("未报送（") < at("已通过（2 个）"),
        "{status}"
    );

    run_in(&w.root, &["merge"]).assert_code(1);
    // ledger export: the workspace's 台账.xlsx by default, replaced on the next export.
    run_in(&w.root, &["ledger", "export"]).assert_code(0);
    assert!(w.root.join("台账.xlsx").is_file());
    run_in(&w.root, &["ledger", "export"]).assert_code(0);

    // history --unit: the unit's own rows. Task 3 is hosted by 区科技局; 区财政局 reports
    // its own status for the tasks it holds, not the task's.
    let cz_task = c.tasks_of_unit("区财政局")[0].0;
    let h = run_in(
        &w.root,
        &["history", "--unit", "区财政局", "--format", "json"],
    );
    h.assert_code(0);
    let v: serde_json::Value = serde_json::from_str(&h.stdout()).unwrap();
    let t = v["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["task"] == cz_task)
        .unwrap();
    assert_eq!(t["rounds"][0]["round"], Q1, "{v:#}");
    assert!(t["rounds"][0]["progress"].is_string(), "{v:#}");
    let mine = sql(
        &w.db(),
        &format!("SELECT progress FROM rows WHERE unit = '区财政局' AND task = {cz_task}"),
    );
    assert_eq!(t["rounds"][0]["progress"], mine[0][0].as_str());
    let text = run_in(&w.root, &["history", "--unit", "区财政局"]).stdout();
    assert!(text.contains("自报的任务进展"), "{text}");
}
