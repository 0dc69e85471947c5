//! A new year (issue 25): each task judged against its own 完成时限 (a task due 6月底 is
//! 50 % expected at the end of March and 逾期 after June unless done), monthly rounds with
//! the deadline `duban.toml` gives them, and `init --catalog 分解表.xlsx --from` last
//! year's workspace keeping its units' former names.

use std::path::{Path, PathBuf};

use duban::catalog::Catalog;

use crate::returns::{s, Return, V};
use crate::workdir::Workdir;
use crate::workspace::run_in;

/// The value of a task's cell in a round's 汇总 workbook, by the column's title.
fn cell(ws: &Path, round: &str, sheet: &str, task: u32, title: &str) -> String {
    let path = ws
        .join("rounds")
        .join(round)
        .join("汇总")
        .join(format!("{round}_汇总.xlsx"));
    let book = std::fs::read(path).unwrap();
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

/// A workspace for 2021 on the embedded catalog, task 3 (区科技局) due 6月底前.
fn year_2021(wd: &Workdir) -> (PathBuf, Catalog) {
    wd.run(&["init", "督办2021"]);
    let ws = wd.path("督办2021");
    let path = ws.join("任务清单.toml");
    let mut data = Catalog::load(Some(&path)).unwrap().data().clone();
    data.notice.year = Some(2021);
    data.tasks[2].deadline = Some("6月底前".to_string());
    std::fs::write(&path, duban::catalog::to_toml(&data)).unwrap();
    (ws, Catalog::load(Some(&path)).unwrap())
}

/// 区科技局's return with task 3 序时推进 at `percent`.
fn kj(ws: &Path, cat: &Catalog, round: &str, percent: f64) {
    let mut r = Return::clean(cat, "区科技局", round, false);
    r.set(3, "推进状态", s("序时推进"))
        .set(3, "完成进度(%)", V::N(percent));
    let dir = ws.join("rounds").join(round).join("回收");
    std::fs::write(dir.join("kj.xlsx"), r.bytes()).unwrap();
}

#[test]
fn a_task_due_in_june_is_half_expected_in_march_and_late_after_june() {
    let wd = Workdir::new("new-year-deadline");
    let (ws, cat) = year_2021(&wd);
    let q1 = "2021年第一季度";
    run_in(&ws, &["round", "new", q1, "--deadline", "2021-04-05"]).assert_code(0);
    // 35 % at the end of March: ahead of the year's 25 %, but 15 points behind its own 50 %.
    kj(&ws, &cat, q1, 35.0);
    let r = run_in(&ws, &["merge"]);
    assert_ne!(r.code(), 2, "{}", r.describe());
    assert_eq!(cell(&ws, q1, "总表", 3, "疑似滞后"), "疑似滞后");
    assert_eq!(cell(&ws, q1, "总表", 3, "三色标识"), "黄");
    // A task without a time limit is judged against the year's 25 % as before.
    assert_eq!(cell(&ws, q1, "总表", 2, "疑似滞后"), "");

    // After June, not done: 逾期, in 总表 and in the leader's sheet.
    let q3 = "2021年前三季度";
    run_in(&ws, &["round", "new", q3, "--deadline", "2021-10-05"]).assert_code(0);
    kj(&ws, &cat, q3, 90.0);
    let r = run_in(&ws, &["merge", "--round", q3]);
    assert_ne!(r.code(), 2, "{}", r.describe());
    assert_eq!(cell(&ws, q3, "总表", 3, "疑似滞后"), "逾期");
    let bulletin = run_in(&ws, &["bulletin", "--round", q3]);
    assert_ne!(bulletin.code(), 2, "{}", bulletin.describe());
}

#[test]
fn a_monthly_round_has_its_schedule_and_the_configured_deadline() {
    let wd = Workdir::new("new-year-monthly");
    let (ws, cat) = year_2021(&wd);
    let m3 = "2021年3月";
    // No --deadline and none configured: told how to give one.
    let r = run_in(&ws, &["round", "new", m3]);
    r.assert_code(2);
    assert!(r.stderr().contains("deadline_day"), "{}", r.describe());
    // "每月28日前报送当月".
    let config = std::fs::read_to_string(ws.join("duban.toml")).unwrap();
    let config = config
        .replace("deadline_day = 0", "deadline_day = 28")
        .replace("same_month = false", "same_month = true");
    std::fs::write(ws.join("duban.toml"), config).unwrap();
    let r = run_in(&ws, &["round", "new", m3]);
    r.assert_code(0);
    assert!(
        r.stdout().contains("截止 2021年3月28日"),
        "{}",
        r.describe()
    );
    // 次月: the 28th of April.
    let config = std::fs::read_to_string(ws.join("duban.toml")).unwrap();
    std::fs::write(
        ws.join("duban.toml"),
        config.replace("same_month = true", "same_month = false"),
    )
    .unwrap();
    let r = run_in(&ws, &["round", "new", "2021年4月"]);
    assert!(
        r.stdout().contains("截止 2021年5月28日"),
        "{}",
        r.describe()
    );
    // 序时进度 of March is 25 % (unknown, nothing would be 疑似滞后); task 3, due in June,
    // is expected at 50 %.
    kj(&ws, &cat, m3, 35.0);
    let r = run_in(&ws, &["merge", "--round", m3]);
    assert_ne!(r.code(), 2, "{}", r.describe());
    assert_eq!(cell(&ws, m3, "总表", 3, "疑似滞后"), "疑似滞后");
}

/// A 2021 任务分解表 as an .xlsx: a title row, a header, a section row, tasks whose units
/// are written the old way (区发改委, and 区老计委, a name only last year's registry knows),
/// and a sub-item (1.1) of task 1.
fn table_2021() -> Vec<u8> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let f = Format::new();
    ws.merge_range(0, 0, 0, 5, "2021年政府工作报告重点任务分解表", &f)
        .unwrap();
    let header = [
        "序号",
        "重点任务",
        "牵头领导",
        "牵头单位",
        "配合单位",
        "完成时限",
    ];
    for (c, t) in header.iter().enumerate() {
        ws.write(1, c as u16, *t).unwrap();
    }
    ws.merge_range(2, 0, 2, 5, "二、稳增长", &f).unwrap();
    let rows = [
        [
            "1",
            "建设甲项目",
            "屈耀武",
            "区老计委",
            "区财政局",
            "6月底前",
        ],
        [
            "1.1",
            "完成甲项目前期工作",
            "屈耀武",
            "区发改委",
            "",
            "3月底前",
        ],
        ["2", "推进乙工作", "屈耀武", "区发改委", "", "年底前"],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write(3 + r as u32, c as u16, *v).unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

#[test]
fn a_new_year_from_its_table_keeps_last_years_units_and_contacts() {
    let wd = Workdir::new("new-year-init");
    wd.run(&["init", "督办2020"]);
    let old = wd.path("督办2020");
    // Last year the office taught its registry a name of its own, and filled a contact.
    let path = old.join("任务清单.toml");
    let mut data = Catalog::load(Some(&path)).unwrap().data().clone();
    let u = data
        .units
        .iter_mut()
        .find(|u| u.name == "区发展改革局")
        .unwrap();
    u.former.push("区老计委".to_string());
    std::fs::write(&path, duban::catalog::to_toml(&data)).unwrap();
    let contacts = std::fs::read_to_string(old.join("contacts.csv")).unwrap();
    let contacts: Vec<String> = contacts
        .lines()
        .map(|l| match l.strip_prefix("区发展改革局,") {
            Some(rest) => format!(
                "区发展改革局,{},fgj@example.org,,张三",
                rest.split(',').next().unwrap()
            ),
            None => l.to_string(),
        })
        .collect();
    std::fs::write(old.join("contacts.csv"), contacts.join("\n") + "\n").unwrap();

    wd.create("分解表.xlsx", table_2021());
    let r = wd.output(&[
        "init",
        "督办2021",
        "--catalog",
        "分解表.xlsx",
        "--from",
        "督办2020",
    ]);
    r.assert_code(0);
    assert!(
        r.stdout().contains("联系人表中 1 行沿用上年的邮箱"),
        "{}",
        r.describe()
    );
    let ws = wd.path("督办2021");
    let cat = Catalog::load(Some(&ws.join("任务清单.toml"))).unwrap();
    assert_eq!(cat.tasks().len(), 3, "{}", r.describe());
    // Both old spellings are last year's 区发展改革局.
    assert_eq!(cat.task(1).unwrap().hosts, ["区发展改革局"]);
    assert_eq!(cat.task(3).unwrap().hosts, ["区发展改革局"]);
    // The sub-item is a task of its own that names its parent.
    assert_eq!(cat.task(2).unwrap().parent, Some(1));
    assert_eq!(cat.task(3).unwrap().parent, None);
    assert_eq!(cat.task(1).unwrap().deadline.as_deref(), Some("6月底前"));
    assert_eq!(cat.notice().year(), Some(2021));
    let contacts = std::fs::read_to_string(ws.join("contacts.csv")).unwrap();
    assert!(
        contacts
            .lines()
            .any(|l| l.starts_with("区发展改革局,") && l.contains("fgj@example.org")),
        "{contacts}"
    );
    // The first round's templates: 区发展改革局's lists its two tasks.
    let q1 = "2021年第一季度";
    run_in(&ws, &["round", "new", q1, "--deadline", "2021-04-05"]).assert_code(0);
    let file = ws
        .join("rounds")
        .join(q1)
        .join("模板")
        .join(format!("{q1}_区发展改革局_任务进展填报表.xlsx"));
    assert!(file.is_file(), "{}", file.display());
    // Task 1 reported 已完成 but its sub-item 滞后: task 1 stands as 滞后 in 总表.
    let mut r = Return::clean(&cat, "区发展改革局", q1, false);
    r.set(1, "推进状态", s("已完成"))
        .set(1, "完成进度(%)", V::N(100.0))
        .set(2, "推进状态", s("滞后"))
        .set(2, "完成进度(%)", V::N(10.0))
        .set(2, "存在问题", s("资金未到位"));
    std::fs::write(
        ws.join("rounds").join(q1).join("回收").join("fgj.xlsx"),
        r.bytes(),
    )
    .unwrap();
    let m = run_in(&ws, &["merge"]);
    assert_ne!(m.code(), 2, "{}", m.describe());
    assert_eq!(
        cell(&ws, q1, "总表", 1, "推进状态"),
        "滞后",
        "{}",
        m.describe()
    );
    assert_eq!(cell(&ws, q1, "总表", 2, "推进状态"), "滞后");

    // Without --from, the name only last year's registry knew is a new unit.
    let r = wd.output(&["init", "督办2021b", "--catalog", "分解表.xlsx"]);
    r.assert_code(0);
    let cat = Catalog::load(Some(&wd.path("督办2021b").join("任务清单.toml"))).unwrap();
    assert_eq!(cat.task(1).unwrap().hosts, ["区老计委"]);
    assert!(r.stdout().contains("区老计委"), "{}", r.describe());
}
