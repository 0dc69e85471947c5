//! The year is a faithful record (issue 22, the ledger's part): the catalog in force is
//! recorded per round (a 分工调整 and a unit renamed by 机构改革 after round 2 leave rounds
//! 1 and 2 as they were), a re-merge of round 1 after round 3 is flagged 需重新汇总 and
//! `merge --and-later` redoes every later round, a bulletin belongs to its round and keeps
//! its 期号, and a version-1 ledger made by the duban before schema 2 is migrated whole.
//! The ledger is checked with Python's sqlite3 (`PRAGMA integrity_check`) after each step.

use std::path::Path;

use duban::catalog::Catalog;
use serde_json::Value;

use crate::returns::{s, Return, V};
use crate::workdir::Workdir;
use crate::workspace::{run_in, sql};

const Q1: &str = "2020年第一季度";
const Q2: &str = "2020年第二季度";
const Q3: &str = "2020年第三季度";
const OLD_UNIT: &str = "区科技局";
const NEW_UNIT: &str = "区科学技术局";

pub(crate) fn intact(db: &Path) {
    assert_eq!(sql(db, "PRAGMA integrity_check"), [["ok"]]);
}

/// Runs duban in the workspace and fails on exit 2 (an error); returns stdout.
pub(crate) fn ok(ws: &Path, args: &[&str]) -> String {
    let r = run_in(ws, args);
    assert_ne!(r.code(), 2, "{}", r.describe());
    r.stdout()
}

pub(crate) fn put(ws: &Path, round: &str, name: &str, r: &Return) {
    let dir = ws.join("rounds").join(round).join("回收");
    std::fs::write(dir.join(name), r.bytes()).unwrap();
}

/// The unit's return with task 3 at `percent`.
pub(crate) fn kj(cat: &Catalog, unit: &str, round: &str, percent: f64) -> Return {
    let mut r = Return::clean(cat, unit, round, false);
    r.set(3, "推进状态", s("序时推进"))
        .set(3, "完成进度(%)", V::N(percent));
    r
}

/// Each task's entries for `round` in a `history --format json` answer.
fn entries_of(json: &str, round: &str) -> Vec<(u64, Value)> {
    let v: Value = serde_json::from_str(json).unwrap();
    let mut out = Vec::new();
    for t in v["tasks"].as_array().unwrap() {
        for r in t["rounds"].as_array().unwrap() {
            if r["round"] == round {
                out.push((t["task"].as_u64().unwrap(), r.clone()));
            }
        }
    }
    out
}

/// 分工调整 and 机构改革 in the workspace's 任务清单.toml: task 3 moves from 褚福梅 to
/// 寇宁, and 区科技局 becomes 区科学技术局 (its old name kept as `former`).
fn edit_catalog(ws: &Path) -> Catalog {
    let path = ws.join("任务清单.toml");
    let cat = Catalog::load(Some(&path)).unwrap();
    let mut data = cat.data().clone();
    data.tasks[2].leaders = vec!["寇宁".to_string()];
    let rename = |v: &mut Vec<String>| {
        for n in v.iter_mut().filter(|n| *n == OLD_UNIT) {
            *n = NEW_UNIT.to_string();
        }
    };
    for t in &mut data.tasks {
        rename(&mut t.hosts);
        rename(&mut t.co_units);
    }
    for g in &mut data.groups {
        rename(&mut g.members);
    }
    let u = data.units.iter_mut().find(|u| u.name == OLD_UNIT).unwrap();
    u.name = NEW_UNIT.to_string();
    u.former.push(OLD_UNIT.to_string());
    std::fs::write(&path, duban::catalog::to_toml(&data)).unwrap();
    Catalog::load(Some(&path)).unwrap()
}

#[test]
fn a_year_with_catalog_changes_re_merges_and_bulletins() {
    let wd = Workdir::new("year");
    wd.run(&["init", "ws"]);
    let ws = wd.path("ws");
    let db = ws.join("督办台账.db");
    let cat = Catalog::load(Some(&ws.join("任务清单.toml"))).unwrap();

    // Round 1, merged, its bulletin 第1期.
    ok(&ws, &["round", "new", Q1, "--deadline", "2020-04-05"]);
    put(&ws, Q1, "kj.xlsx", &kj(&cat, OLD_UNIT, Q1, 20.0));
    ok(&ws, &["merge"]);
    intact(&db);
    ok(
        &ws,
        &["bulletin", "--number", "第1期", "--date", "2020-04-08"],
    );
    let b1 = ws
        .join("rounds")
        .join(Q1)
        .join(format!("{Q1}_督查通报.docx"));
    let b1_bytes = std::fs::read(&b1).unwrap();

    // Round 2 registered, not merged: the bulletin says so and writes nothing (it used to
    // fall back to round 1 and overwrite its document with 第2期).
    ok(&ws, &["round", "new", Q2, "--deadline", "2020-07-05"]);
    let early = run_in(
        &ws,
        &["bulletin", "--number", "第2期", "--date", "2020-07-08"],
    );
    early.assert_code(2);
    assert!(early.stderr().contains("尚未汇总"), "{}", early.describe());
    assert_eq!(
        std::fs::read(&b1).unwrap(),
        b1_bytes,
        "round 1's document untouched"
    );
    let b2 = ws
        .join("rounds")
        .join(Q2)
        .join(format!("{Q2}_督查通报.docx"));
    assert!(!b2.exists());

    put(&ws, Q2, "kj.xlsx", &kj(&cat, OLD_UNIT, Q2, 40.0));
    ok(&ws, &["merge"]);
    intact(&db);
    // A number another round's bulletin carries is refused; rerunning keeps the number.
    let taken = run_in(
        &ws,
        &["bulletin", "--number", "第1期", "--date", "2020-07-08"],
    );
    taken.assert_code(2);
    assert!(taken.stderr().contains("已用于"), "{}", taken.describe());
    assert!(!b2.exists(), "nothing written for a refused number");
    ok(
        &ws,
        &["bulletin", "--number", "第2期", "--date", "2020-07-08"],
    );
    ok(&ws, &["bulletin", "--round", Q1, "--date", "2020-04-08"]);
    assert_eq!(
        std::fs::read(&b1).unwrap(),
        b1_bytes,
        "第1期 kept on a rerun"
    );
    // -o naming another round's document is refused.
    let other = run_in(
        &ws,
        &["bulletin", "--round", Q2, "-o", b1.to_str().unwrap()],
    );
    other.assert_code(2);
    assert_eq!(std::fs::read(&b1).unwrap(), b1_bytes);
    assert_eq!(
        sql(&db, "SELECT name, bulletin_number FROM rounds ORDER BY seq"),
        [[Q1, "第1期"], [Q2, "第2期"]]
    );
    intact(&db);

    let leader_before = ok(&ws, &["history", "--leader", "褚福梅", "--format", "json"]);
    let unit_before = ok(&ws, &["history", "--unit", OLD_UNIT, "--format", "json"]);

    // 分工调整 and 机构改革, then round 3 under the new catalog.
    let cat3 = edit_catalog(&ws);
    ok(&ws, &["round", "new", Q3, "--deadline", "2020-10-05"]);
    put(&ws, Q3, "kj.xlsx", &kj(&cat3, NEW_UNIT, Q3, 60.0));
    ok(&ws, &["merge"]);
    intact(&db);

    // Rounds 1 and 2 keep their leader: the old leader's history of them is unchanged, and
    // task 3 is the new leader's from round 3 only.
    let leader_after = ok(&ws, &["history", "--leader", "褚福梅", "--format", "json"]);
    for r in [Q1, Q2] {
        assert_eq!(
            entries_of(&leader_before, r),
            entries_of(&leader_after, r),
            "{r}"
        );
    }
    assert!(entries_of(&leader_after, Q3).iter().all(|(t, _)| *t != 3));
    let new_leader = ok(&ws, &["history", "--leader", "寇宁", "--format", "json"]);
    let task3: Vec<String> = (entries_of(&new_leader, Q1).into_iter())
        .chain(entries_of(&new_leader, Q2))
        .chain(entries_of(&new_leader, Q3))
        .filter(|(t, _)| *t == 3)
        .map(|(_, r)| r["round"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(task3, [Q3]);
    // The renamed unit's history runs through its old name.
    let unit_after = ok(&ws, &["history", "--unit", NEW_UNIT, "--format", "json"]);
    let v: Value = serde_json::from_str(&unit_after).unwrap();
    let rounds: Vec<&str> = (v["reporting"].as_array().unwrap().iter())
        .map(|r| r["round"].as_str().unwrap())
        .collect();
    assert_eq!(rounds, [Q1, Q2, Q3], "{unit_after}");
    for r in [Q1, Q2] {
        assert_eq!(
            entries_of(&unit_before, r),
            entries_of(&unit_after, r),
            "{r}"
        );
    }
    // What changed, in Chinese.
    let diff = ok(&ws, &["catalog", "diff", Q2, Q3]);
    assert!(diff.contains("任务 3 牵头领导：褚福梅 → 寇宁"), "{diff}");
    assert!(
        diff.contains("单位更名（机构改革）：区科技局 → 区科学技术局"),
        "{diff}"
    );
    assert!(ok(&ws, &["catalog", "diff", Q1, Q2]).contains("相同"));

    // A late correction of round 1, merged again: rounds 2 and 3 were built on its old
    // merge and every command that looks at rounds says so.
    put(&ws, Q1, "kj2.xlsx", &kj(&cat, OLD_UNIT, Q1, 25.0));
    let again = ok(&ws, &["merge", "--round", Q1]);
    assert!(
        again.contains("需重新汇总：2020年第二季度、2020年第三季度"),
        "{again}"
    );
    let list = ok(&ws, &["round", "list"]);
    assert_eq!(
        list.matches("需重新汇总").count(),
        3,
        "two rows and the note: {list}"
    );
    assert!(ok(&ws, &["status"]).contains("需重新汇总"));
    intact(&db);
    // Round 1 kept its catalog through the re-merge.
    let ids = sql(&db, "SELECT catalog_id FROM rounds ORDER BY seq");
    assert_eq!(ids[0], ids[1]);
    assert_ne!(ids[1], ids[2]);

    let redo = ok(&ws, &["merge", "--round", Q1, "--and-later"]);
    assert!(redo.contains("已按顺序重新汇总 3 期"), "{redo}");
    assert!(!ok(&ws, &["round", "list"]).contains("需重新汇总"));
    let serials = sql(&db, "SELECT merge_serial FROM rounds ORDER BY seq");
    let n: Vec<i64> = serials.iter().map(|r| r[0].parse().unwrap()).collect();
    assert!(n[0] < n[1] && n[1] < n[2], "{n:?}");
    assert_eq!(sql(&db, "SELECT catalog_id FROM rounds ORDER BY seq"), ids);
    let leader_last = ok(&ws, &["history", "--leader", "褚福梅", "--format", "json"]);
    assert_eq!(entries_of(&leader_after, Q2), entries_of(&leader_last, Q2));
    intact(&db);
}

/// Row counts of every table of a version-1 ledger.
const TABLES: [&str; 7] = [
    "rounds",
    "returns",
    "rows",
    "task_states",
    "unit_states",
    "issues",
    "task_events",
];

#[test]
fn a_version_1_ledger_is_migrated_whole() {
    // tests/fixtures/ledger-v1.db: two rounds merged (returns, rows, issues) and a task
    // closed, made by duban with schema 1.
    let wd = Workdir::new("year_v1");
    wd.run(&["init", "ws"]);
    let ws = wd.path("ws");
    let db = ws.join("督办台账.db");
    std::fs::copy(
        crate::workdir::repo().join("tests/fixtures/ledger-v1.db"),
        &db,
    )
    .unwrap();
    assert_eq!(sql(&db, "PRAGMA user_version"), [["1"]]);
    let dump = |t: &str| sql(&db, &format!("SELECT * FROM {t} ORDER BY rowid"));
    let before: Vec<_> = TABLES.iter().map(|t| dump(t)).collect();
    assert!(before.iter().all(|rows| !rows.is_empty()));

    let list = ok(&ws, &["round", "list"]);
    assert!(list.contains(Q1) && list.contains(Q2), "{list}");
    assert_eq!(sql(&db, "PRAGMA user_version"), [["3"]]);
    intact(&db);
    // Every record survives, column for column (rounds gain the new columns at the end).
    for (t, old) in TABLES.iter().zip(&before) {
        let now = dump(t);
        assert_eq!(now.len(), old.len(), "{t}");
        for (n, o) in now.iter().zip(old) {
            assert_eq!(&n[..o.len()], &o[..], "{t}");
        }
    }
    assert_eq!(
        sql(
            &db,
            "SELECT merge_serial, catalog_id FROM rounds ORDER BY seq"
        ),
        [["1", "None"], ["2", "None"]]
    );
    // The migrated ledger goes on: round 1 merged again flags round 2.
    std::fs::create_dir_all(ws.join("rounds").join(Q1).join("回收")).unwrap();
    let again = ok(&ws, &["merge", "--round", Q1]);
    assert!(again.contains("需重新汇总：2020年第二季度"), "{again}");
    intact(&db);
}
