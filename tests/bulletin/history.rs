//! What the bulletin takes beyond one merge: two rounds for the 连续 N 期 marks and the
//! change from the last round, and the mailbox's receipts for 未按时报送.

use duban::catalog::Catalog;

use super::*;
use crate::returns::{s, Return, V};

/// One unit's return for `round`, every row 序时推进 at 50 but `lagging` (task, percent).
fn put_return(wd: &Workdir, dir: &str, unit: &str, round: &str, lagging: &[(u32, f64)]) -> String {
    let cat = Catalog::embedded();
    let mut r = Return::clean(&cat, unit, round, false);
    for (task, p) in lagging {
        r.set(*task, "推进状态", s("滞后"))
            .set(*task, "完成进度(%)", V::N(*p))
            .set(*task, "存在问题", s("资金未到位，项目推进缓慢"));
    }
    let name = format!("{unit}.xlsx");
    wd.create(&format!("{dir}/{name}"), r.bytes());
    name
}

#[test]
fn two_rounds_mark_the_tasks_lagging_running_and_say_what_changed() {
    let wd = Workdir::new("bulletin-history");
    // Round 1: tasks 3 and 5 lag. Round 2: task 3 still lags, 5 has caught up, 23 is new.
    put_return(&wd, "r1", "区科技局", ROUND, &[(3, 10.0)]);
    put_return(&wd, "r1", "区市场监管局", ROUND, &[(5, 10.0)]);
    put_return(&wd, "r1", "区商务局", ROUND, &[]);
    put_return(&wd, "r2", "区科技局", ROUND2, &[(3, 25.0)]);
    put_return(&wd, "r2", "区市场监管局", ROUND2, &[]);
    put_return(&wd, "r2", "区商务局", ROUND2, &[(23, 20.0)]);
    merge(&wd, "r1", ROUND, "m1");
    merge(&wd, "r2", ROUND2, "m2");
    let (s1, s2) = (summary(&wd, "m1", ROUND), summary(&wd, "m2", ROUND2));
    let previous = format!("m1/{ROUND}_汇总.json");
    let run = wd.run(&[
        "bulletin",
        "--round",
        ROUND2,
        "--merged",
        "m2",
        "-o",
        "通报.docx",
        "--date",
        "2020-07-08",
        "--previous",
        &previous,
    ]);
    let paras = paragraphs(&part(&wd.path("通报.docx"), "word/document.xml"));
    let three = section(&paras, "三、");
    let (l1, l2) = (lagging_tasks(&s1), lagging_tasks(&s2));
    let running: BTreeSet<u64> = l1.intersection(&l2).copied().collect();
    assert!(running.contains(&3) && !l2.contains(&5) && !running.contains(&23));
    let items = super::lagging_items(&paras);
    assert_eq!(items.len(), l2.len());
    let marked = |p: &str| p.contains("（连续2期）");
    for p in &items {
        let n = super::item_number(p);
        assert_eq!(marked(p), running.contains(&n), "task {n}: {p}");
    }
    // Within a section, the tasks lagging two rounds running come first.
    for p in three.iter().filter(|p| p.contains("项）：")) {
        let (_, list) = p.split_once("项）：").unwrap();
        let list: Vec<&str> = list.split('；').collect();
        let first_unmarked = list.iter().position(|i| !marked(i)).unwrap_or(list.len());
        assert!(
            list[first_unmarked..].iter().all(|i| !marked(i)),
            "tasks lagging two rounds running come first: {list:#?}"
        );
    }
    assert!(items
        .iter()
        .any(|p| p.starts_with("第3项") && p.ends_with("（连续2期）")));
    assert!(three
        .iter()
        .any(|p| p.contains(&format!("连续两期及以上滞后的任务{}项", running.len()))));
    let table = table_rows(&part(&wd.path("通报.docx"), "word/document.xml"));
    let row3 = table.iter().find(|r| r[0] == "3").unwrap();
    assert!(row3[1].ends_with("（连续2期）"), "{row3:?}");
    assert!(run
        .stdout()
        .contains(&format!("连续滞后 {} 项", running.len())));

    // The change from the last round, from both merges' own counts.
    let overall = section(&paras, "一、").join("");
    assert!(
        overall.contains(&format!("与上期（{ROUND}）相比")),
        "{overall}"
    );
    let count = |s: &Value, label: &str| {
        s["counts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p[0] == label)
            .unwrap()[1]
            .as_u64()
            .unwrap()
    };
    for label in ["已完成", "序时推进", "滞后", "未启动", "未报送", "退回重报"] {
        let (a, b) = (count(&s1, label), count(&s2, label));
        let phrase = match a.cmp(&b) {
            std::cmp::Ordering::Less => Some(format!("{label}由{a}项增加到{b}项")),
            std::cmp::Ordering::Greater => Some(format!("{label}由{a}项减少到{b}项")),
            std::cmp::Ordering::Equal => None,
        };
        match phrase {
            Some(p) => assert!(overall.contains(&p), "{p} in {overall}"),
            None => assert!(!overall.contains(&format!("{label}由")), "{overall}"),
        }
    }
    // The rates' change is told with the rates, in 四.
    let rate = |s: &Value| pct(s["return_rate"].as_f64().unwrap());
    let four = section(&paras, "四、").join("");
    assert!(
        four.contains(&format!("报送率与上期持平（{}）", rate(&s2))),
        "the same three units reported: {four}"
    );
    assert!(!overall.contains("报送率"), "{overall}");

    // This round's own summary is not an earlier round.
    let same = format!("m2/{ROUND2}_汇总.json");
    let r = wd.output(&[
        "bulletin",
        "--round",
        ROUND2,
        "--merged",
        "m2",
        "-o",
        "again.docx",
        "--previous",
        &same,
    ]);
    r.assert_code(2);
    assert!(!wd.path("again.docx").exists());
}

/// In a workspace the ledger gives the bulletin what `--previous` gives it outside one: the
/// same document, from `duban bulletin` with no options, in the round's own folder.
#[test]
fn a_workspace_gives_the_bulletin_its_history_from_the_ledger() {
    let wd = Workdir::new("bulletin-workspace");
    wd.run(&["init", "ws"]);
    let ws = |args: &[&str]| {
        let mut all = vec!["--workspace", "ws"];
        all.extend_from_slice(args);
        wd.output(&all)
    };
    ws(&["bulletin"]).assert_code(2);
    put_return(&wd, "r1", "区科技局", ROUND, &[(3, 10.0)]);
    put_return(&wd, "r1", "区市场监管局", ROUND, &[(5, 10.0)]);
    put_return(&wd, "r2", "区科技局", ROUND2, &[(3, 25.0)]);
    put_return(&wd, "r2", "区市场监管局", ROUND2, &[]);
    let r1 = wd.path("r1");
    let r2 = wd.path("r2");
    ws(&["merge", r1.to_str().unwrap(), "--round", ROUND]).assert_code(0);
    ws(&["merge", r2.to_str().unwrap(), "--round", ROUND2]).assert_code(0);
    let made = ws(&["bulletin", "--date", "2020-07-08"]);
    made.assert_code(0);
    let docx = wd.path(&format!("ws/rounds/{ROUND2}/{ROUND2}_督查通报.docx"));
    let (s1, s2) = (
        summary(&wd, &format!("ws/rounds/{ROUND}/汇总"), ROUND),
        summary(&wd, &format!("ws/rounds/{ROUND2}/汇总"), ROUND2),
    );
    let running = lagging_tasks(&s1).intersection(&lagging_tasks(&s2)).count();
    assert!(
        made.stdout()
            .contains(&format!("（连续滞后 {running} 项）")),
        "{}",
        made.describe()
    );
    let doc = part(&docx, "word/document.xml");
    assert!(
        paragraphs(&doc)
            .iter()
            .any(|p| p.contains("第3项") && p.contains("（连续2期）")),
        "task 3 lagged in both rounds"
    );
    // The same as outside the workspace with the first round's summary given.
    let merged = wd.path(&format!("ws/rounds/{ROUND2}/汇总"));
    let previous = wd.path(&format!("ws/rounds/{ROUND}/汇总/{ROUND}_汇总.json"));
    wd.run(&[
        "bulletin",
        "--round",
        ROUND2,
        "--merged",
        merged.to_str().unwrap(),
        "-o",
        "outside.docx",
        "--date",
        "2020-07-08",
        "--previous",
        previous.to_str().unwrap(),
    ]);
    assert_eq!(doc, part(&wd.path("outside.docx"), "word/document.xml"));
    // The round's own bulletin is drafted again on request; an earlier round's too.
    ws(&["bulletin", "--date", "2020-07-09"]).assert_code(0);
    ws(&["bulletin", "--round", ROUND, "--date", "2020-04-08"]).assert_code(0);
    assert!(wd
        .path(&format!("ws/rounds/{ROUND}/{ROUND}_督查通报.docx"))
        .is_file());
}

#[test]
fn late_units_are_named_from_the_mailboxs_receipts() {
    let wd = Workdir::new("bulletin-late");
    let mut lines = String::new();
    for (uid, (unit, at)) in [
        ("区科技局", "2020-04-03T10:00:00+08:00"),
        ("区财政局", "2020-04-07T09:30:00+08:00"),
        ("区商务局", "2020-04-05T23:00:00+08:00"),
    ]
    .into_iter()
    .enumerate()
    {
        let name = put_return(&wd, "returns", unit, ROUND, &[]);
        let receipt = serde_json::json!({
            "uid": uid + 1, "uidvalidity": 1, "message_id": format!("<{uid}@example.org>"),
            "sender": "unit@example.org", "unit": unit, "received_at": at,
            "subject": "报送", "name": name, "sha256": "00", "path": name,
        });
        lines.push_str(&format!("{receipt}\n"));
    }
    wd.create("returns/收件记录.jsonl", lines);
    merge(&wd, "returns", ROUND, "汇总");
    let s = summary(&wd, "汇总", ROUND);
    let arrived = s["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["unit"] == "区财政局")
        .unwrap()["received_at"]
        .clone();
    assert_eq!(
        arrived, "2020-04-07T09:30:00+08:00",
        "the summary carries arrivals"
    );
    let run = wd.run(&bulletin_args("通报.docx", &["--deadline", "2020-04-05"]));
    let paras = paragraphs(&part(&wd.path("通报.docx"), "word/document.xml"));
    let four = section(&paras, "四、");
    assert!(
        four.contains(
            &"未在报送截止时间（2020年4月5日）前报送的单位（1个）：区财政局。".to_string()
        ),
        "{four:#?}"
    );
    assert!(
        run.stdout().contains("未按时报送单位 1 个"),
        "{}",
        run.describe()
    );

    // Without a deadline nothing is said about timeliness, and the command says why.
    let run = wd.run(&bulletin_args("无截止.docx", &[]));
    let paras = paragraphs(&part(&wd.path("无截止.docx"), "word/document.xml"));
    assert!(!paras.iter().any(|p| p.contains("截止时间")));
    assert!(
        run.stdout().contains("未给出 --deadline"),
        "{}",
        run.describe()
    );
}
