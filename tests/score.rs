//! 考核 (issue 27): `duban score` on a three-round ledger built here. Each rule of the default
//! `考核规则.toml` moves the score as stated, a changed rule changes it, the evidence points
//! at real files and cells, two runs give the same bytes, and `history --unit` shows it.

use std::path::{Path, PathBuf};

use duban::catalog::{Catalog, Role};

use crate::returns::{s, Return, V};
use crate::workdir::Workdir;
use crate::workspace::{receipt, run_in};

const Q1: &str = "2020年第一季度";
const Q2: &str = "2020年第二季度";
const Q3: &str = "2020年第三季度";
const KJ: &str = "区科技局";
const CZ: &str = "区财政局";
const XY: &str = "新兖镇";
const COPIED: &str = "召开专题会议部署高新技术企业培育工作，完成摸底调查并建立企业培育库";

fn inbox(ws: &Path, round: &str) -> PathBuf {
    ws.join("rounds").join(round).join("回收")
}

fn tasks(cat: &Catalog, unit: &str, role: Role) -> Vec<u32> {
    (cat.tasks_of_unit(unit).iter())
        .filter(|(_, r)| *r == role)
        .map(|(n, _)| *n)
        .collect()
}

/// 区科技局's return: its first host task done, its second host task's progress `copied`.
fn kj(cat: &Catalog, round: &str) -> Return {
    let hosts = tasks(cat, KJ, Role::Host);
    let mut r = Return::clean(cat, KJ, round, false);
    r.set(hosts[0], "推进状态", s("已完成"))
        .set(hosts[0], "完成进度(%)", V::N(100.0))
        .set(hosts[1], "工作进展", s(COPIED));
    r
}

/// 新兖镇's return: its first co-task done.
fn xy(cat: &Catalog, round: &str) -> Return {
    let co = tasks(cat, XY, Role::CoUnit);
    let mut r = Return::clean(cat, XY, round, false);
    r.set(co[0], "推进状态", s("已完成"))
        .set(co[0], "完成进度(%)", V::N(100.0))
        .set(
            co[0],
            "工作进展",
            s("配合牵头单位完成全部协办事项并报送材料"),
        );
    r
}

/// Three rounds: Q1 区科技局 on time with a task done, 区财政局 late, the rest missing;
/// Q2 区科技局 on time copying last round's progress, 区财政局 missing; Q3 only 区财政局, on time.
fn year(wd: &Workdir, cat: &Catalog) -> PathBuf {
    wd.run(&["init", "督办2020"]);
    let ws = wd.path("督办2020");
    for (round, deadline, kj_at, cz_at) in [
        (
            Q1,
            "2020-04-05",
            Some("2020-04-03T10:00:00+08:00"),
            Some("2020-04-07T09:00:00+08:00"),
        ),
        (Q2, "2020-07-05", Some("2020-07-03T10:00:00+08:00"), None),
        (Q3, "2020-10-05", None, Some("2020-10-03T10:00:00+08:00")),
    ] {
        run_in(&ws, &["round", "new", round, "--deadline", deadline]).assert_code(0);
        let mut receipts = String::new();
        if let Some(at) = kj_at {
            std::fs::write(inbox(&ws, round).join("kj.xlsx"), kj(cat, round).bytes()).unwrap();
            receipts += &receipt("kj.xlsx", KJ, at);
        }
        if let Some(at) = cz_at {
            let r = Return::clean(cat, CZ, round, false);
            std::fs::write(inbox(&ws, round).join("cz.xlsx"), r.bytes()).unwrap();
            receipts += &receipt("cz.xlsx", CZ, at);
        }
        if round == Q1 {
            std::fs::write(inbox(&ws, round).join("xy.xlsx"), xy(cat, round).bytes()).unwrap();
            receipts += &receipt("xy.xlsx", XY, "2020-04-01T10:00:00+08:00");
        }
        std::fs::write(inbox(&ws, round).join("收件记录.jsonl"), receipts).unwrap();
        let merge = run_in(&inbox(&ws, round), &["merge"]);
        assert!(
            merge.stdout().contains("已记入台账"),
            "{}",
            merge.describe()
        );
    }
    ws
}

/// The explain lines of a unit: (round, rule, points).
fn points(ws: &Path, unit: &str, round: Option<&str>) -> (f64, Vec<(String, String, f64)>) {
    let mut args = vec!["score", "--explain", unit];
    if let Some(r) = round {
        args.extend(["--round", r]);
    }
    let run = run_in(ws, &args);
    run.assert_code(0);
    let text = run.stdout();
    let total: f64 = text
        .split("考核得分 ")
        .nth(1)
        .and_then(|t| t.split(' ').next())
        .unwrap_or_else(|| panic!("{text}"))
        .parse()
        .unwrap();
    let lines = (text.lines().skip(2))
        .filter(|l| l.contains(" 分  "))
        .map(|l| {
            let f: Vec<&str> = l.split("  ").collect();
            let p = f[2].trim_end_matches(" 分").parse().unwrap();
            (f[0].to_string(), f[1].to_string(), p)
        })
        .collect();
    (total, lines)
}

fn sum(lines: &[(String, String, f64)], round: &str, rule: &str) -> (usize, f64) {
    let hits: Vec<f64> = (lines.iter())
        .filter(|(r, k, _)| r == round && k == rule)
        .map(|l| l.2)
        .collect();
    (hits.len(), hits.iter().sum())
}

#[test]
fn each_default_rule_moves_the_score_as_stated() {
    let wd = Workdir::new("score");
    let cat = Catalog::embedded();
    let ws = year(&wd, &cat);
    let rules = std::fs::read_to_string(ws.join("考核规则.toml")).unwrap();
    assert!(
        rules.contains("# 基础分") && rules.contains("missing = -10.0"),
        "{rules}"
    );

    let (total, kj) = points(&ws, KJ, None);
    assert_eq!(sum(&kj, Q1, "任务完成·主办"), (1, 2.0), "{kj:?}");
    assert_eq!(sum(&kj, Q2, "任务完成·主办"), (0, 0.0), "done once: {kj:?}");
    assert_eq!(sum(&kj, Q2, "内容空洞"), (1, -5.0), "{kj:?}");
    assert_eq!(sum(&kj, Q3, "未报送"), (1, -10.0), "{kj:?}");
    assert_eq!(total, 100.0 + 2.0 - 5.0 - 10.0, "{kj:?}");

    // 新兖镇 (a 镇) reports a co-task done in Q1, then nothing.
    let (total, xy) = points(&ws, XY, None);
    assert_eq!(sum(&xy, Q1, "任务完成·协办"), (1, 1.0), "{xy:?}");
    assert_eq!(total, 100.0 + 1.0 - 10.0 - 10.0, "{xy:?}");

    // 区财政局 late in Q1: −5 per host task, −2.5 per co-task, within the round's cap of 30.
    let (total, cz) = points(&ws, CZ, None);
    let h = tasks(&cat, CZ, Role::Host).len();
    let c = tasks(&cat, CZ, Role::CoUnit).len();
    assert_eq!(
        sum(&cz, Q1, "逾期报送·主办"),
        (h, -5.0 * h as f64),
        "{cz:?}"
    );
    assert_eq!(
        sum(&cz, Q1, "逾期报送·协办"),
        (c, -2.5 * c as f64),
        "{cz:?}"
    );
    let late = 5.0 * h as f64 + 2.5 * c as f64;
    let cap = if late > 30.0 { late - 30.0 } else { 0.0 };
    assert_eq!(sum(&cz, Q1, "每期扣分上限").1, cap, "{cz:?}");
    assert_eq!(sum(&cz, Q2, "未报送"), (1, -10.0), "{cz:?}");
    assert_eq!(sum(&cz, Q3, "逾期报送·主办").0, 0, "on time: {cz:?}");
    assert_eq!(total, 100.0 - late.min(30.0) - 10.0, "{cz:?}");

    // One round alone.
    let (q2, _) = points(&ws, KJ, Some(Q2));
    assert_eq!(q2, 95.0);

    // The year's cap: 区财政局 loses at most 12 over the year, the excess given back on a
    // line of its own.
    std::fs::write(
        ws.join("考核规则.toml"),
        rules.replace("year_deduction = 60.0", "year_deduction = 12.0"),
    )
    .unwrap();
    let (total, cz) = points(&ws, CZ, None);
    assert_eq!(total, 88.0, "{cz:?}");
    assert_eq!(sum(&cz, "全年", "全年扣分上限").0, 1, "{cz:?}");

    // A changed rule changes the score.
    std::fs::write(
        ws.join("考核规则.toml"),
        rules.replace("missing = -10.0", "missing = -20.0"),
    )
    .unwrap();
    let (total, _) = points(&ws, KJ, None);
    assert_eq!(total, 100.0 + 2.0 - 5.0 - 20.0);
    // A rule out of range, and one that does not parse, are told in Chinese.
    std::fs::write(
        ws.join("考核规则.toml"),
        rules.replace("missing = -10.0", "missing = 10.0"),
    )
    .unwrap();
    let bad = run_in(&ws, &["score"]);
    assert!(
        bad.stderr().contains("report.missing = 10 超出范围"),
        "{}",
        bad.describe()
    );
    std::fs::write(
        ws.join("考核规则.toml"),
        rules.replace("missing = -10.0", "missing = "),
    )
    .unwrap();
    let bad = run_in(&ws, &["score"]);
    assert!(
        bad.stderr().contains("考核规则") && bad.stderr().contains("第 "),
        "{}",
        bad.describe()
    );
}

#[test]
fn the_workbook_is_reproducible_with_evidence_at_real_cells() {
    let wd = Workdir::new("score-book");
    let cat = Catalog::embedded();
    let ws = year(&wd, &cat);
    run_in(&ws, &["score"]).assert_code(0);
    let first = std::fs::read(ws.join("考核得分.xlsx")).unwrap();
    run_in(&ws, &["score", "--year"]).assert_code(0);
    let second = std::fs::read(ws.join("考核得分.xlsx")).unwrap();
    assert!(first == second, "two runs, the same bytes");

    let wb = duban::read::read_bytes(&first, &duban::read::Limits::default()).unwrap();
    let units = wb.sheet("考核得分").unwrap();
    assert!(units
        .value(0, 0)
        .text()
        .contains("全年（2020年第一季度—2020年第三季度）"));
    let groups: Vec<String> = (3..200).map(|r| units.value(r, 3).text()).collect();
    assert!(
        groups.iter().any(|g| g == "镇街") && groups.iter().any(|g| g == "部门"),
        "{groups:?}"
    );
    assert!(wb.sheet("考核规则").unwrap().value(3, 0).text() == "基础分");

    // The 内容空洞 row names the return and the cell holding the copied text.
    let pts = wb.sheet("加减分明细").unwrap();
    let row = (3..400)
        .find(|&r| pts.value(r, 2).text() == "内容空洞")
        .expect("a 内容空洞 row");
    let evidence = pts.value(row, 5).text();
    let at = evidence.split('（').next().unwrap();
    let mut parts = at.split('!');
    let (file, sheet, cell) = (
        parts.next().unwrap(),
        parts.next().unwrap(),
        parts.next().unwrap(),
    );
    let path = [ws.clone(), ws.join("rounds").join(Q2).join("回收")]
        .into_iter()
        .map(|d| d.join(file))
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("{evidence}: no such file"));
    let book = duban::read::read_bytes(
        &std::fs::read(path).unwrap(),
        &duban::read::Limits::default(),
    )
    .unwrap();
    let c = duban::domain::place::column_of(cell).unwrap_or_else(|| panic!("{cell}")) - 1;
    let r: u32 = cell
        .trim_start_matches(|ch: char| ch.is_ascii_alphabetic())
        .parse::<u32>()
        .unwrap()
        - 1;
    assert_eq!(
        book.sheet(sheet).unwrap().value(r, c).text(),
        COPIED,
        "{evidence}"
    );

    // The ledger keeps the run; history --unit shows the scores round by round.
    let runs = crate::workspace::sql(
        &ws.join("督办台账.db"),
        "SELECT scope, length(rules_toml) > 100 FROM score_runs",
    );
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[0], ["全年（2020年第一季度—2020年第三季度）", "1"]);
    let history = run_in(&ws, &["history", "--unit", KJ]);
    let said = history.stdout();
    assert!(
        said.contains("考核得分") && said.contains("-10") && said.contains("合计 87"),
        "{said}"
    );
}
