//! `duban check` on returns built here as real files: each problem of the issue, with its
//! code, cell and exit status; clean and re-saved returns accepted; broken files reported
//! while the batch goes on.

use std::path::{Path, PathBuf};

use duban::catalog::Catalog;
use duban::domain::codes::Code;
use serde_json::Value;

use crate::checked::{check_json, file, issues};
use crate::returns::{a1, s, Return, V};
use crate::workdir::{soffice_convert, Workdir};

const ROUND: &str = "2020年第一季度";
const UNIT: &str = "区科技局"; // hosts tasks 2, 3, 6, 13, 32, 36, 50

fn cat() -> Catalog {
    Catalog::embedded()
}

fn clean() -> Return {
    Return::clean(&cat(), UNIT, ROUND, false)
}

fn file_name(name: &str) -> String {
    format!("{ROUND}_{UNIT}_{name}.xlsx")
}

fn assert_has(f: &Value, code: &str, cell: Option<&str>) {
    let list = issues(f);
    assert!(
        list.iter()
            .any(|(c, cl, _)| c == code && (cell.is_none() || cl.as_deref() == cell)),
        "expected {code} at {cell:?} in {}: {list:?}",
        f["path"]
    );
}

#[test]
fn clean_return_is_accepted_with_no_issue() {
    let wd = Workdir::new("check-clean");
    wd.create(&file_name("clean"), clean().bytes());
    let v = check_json(&wd, &[".", "--round", ROUND], 0);
    let f = file(&v, "clean.xlsx");
    assert_eq!(f["status"], "accepted", "{f:#}");
    assert_eq!(f["unit"], UNIT);
    assert_eq!(f["round"], ROUND);
    assert_eq!(issues(f), vec![]);
    let text = wd.run(&["check", "."]).stdout();
    assert!(
        text.contains("收到报表 1 份，通过 1 份，退回 0 份"),
        "{text}"
    );
    // A return without any issue takes one line, after the summary.
    assert!(text.contains("━━ 通过的文件（1 个）━━"), "{text}");
    assert!(!text.contains("■"), "{text}");
}

#[test]
fn json_has_exactly_the_issue_shape() {
    let wd = Workdir::new("check-json");
    let mut r = clean();
    r.set(3, "推进状态", s("很好"));
    wd.create(&file_name("shape"), r.bytes());
    let v = check_json(&wd, &["."], 1);
    let keys = |o: &Value| {
        let mut k: Vec<String> = o.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(
        keys(&v),
        [
            "files",
            "hosts_only",
            "ignored",
            "missing_units",
            "rejected_units",
            "round",
            "round_checked"
        ]
    );
    let f = &v["files"][0];
    assert_eq!(
        keys(f),
        [
            "issues",
            "path",
            "round",
            "sha256",
            "status",
            "superseded_by",
            "unit"
        ]
    );
    assert_eq!(f["superseded_by"], Value::Null);
    assert_eq!(
        keys(&f["issues"][0]),
        ["cell", "code", "fix", "message", "row", "severity", "sheet", "task"]
    );
    assert_eq!(f["issues"][0]["severity"], "error");
    // The fix is a field of its own, not glued to the message.
    let issue = &f["issues"][0];
    assert!(
        issue["fix"].as_str().unwrap().contains("下拉列表"),
        "{issue:#}"
    );
    assert!(
        !issue["message"].as_str().unwrap().contains("下拉列表"),
        "{issue:#}"
    );
    assert!(v["missing_units"]
        .as_array()
        .unwrap()
        .iter()
        .any(|u| u == "区商务局"));
    // A rejected return does not cover its unit, but the unit did report: it is not 未报送.
    assert!(v["rejected_units"]
        .as_array()
        .unwrap()
        .iter()
        .any(|u| u == UNIT));
    assert!(!v["missing_units"]
        .as_array()
        .unwrap()
        .iter()
        .any(|u| u == UNIT));
}

/// Every row-level error of the issue, one file each, checked in one batch.
#[test]
fn each_error_has_its_code_and_cell() {
    let wd = Workdir::new("check-errors");
    let c = clean();
    let mut cases: Vec<(&str, Return, &str, Option<String>)> = Vec::new();
    let mut add =
        |name: &'static str, f: &dyn Fn(&mut Return) -> Option<String>, code: &'static str| {
            let mut r = c.clone();
            let cell = f(&mut r);
            cases.push((name, r, code, cell));
        };
    add(
        "status-missing",
        &|r| {
            r.set(3, "推进状态", V::Empty);
            Some(r.cell(3, "推进状态"))
        },
        "E-STATUS-MISSING",
    );
    add(
        "status-invalid",
        &|r| {
            r.set(3, "推进状态", s("很好"));
            Some(r.cell(3, "推进状态"))
        },
        "E-STATUS-INVALID",
    );
    add(
        "percent-missing",
        &|r| {
            r.set(6, "完成进度(%)", V::Empty);
            Some(r.cell(6, "完成进度(%)"))
        },
        "E-PERCENT-MISSING",
    );
    add(
        "percent-text",
        &|r| {
            r.set(6, "完成进度(%)", s("大部分"));
            Some(r.cell(6, "完成进度(%)"))
        },
        "E-PERCENT-INVALID",
    );
    add(
        "percent-range",
        &|r| {
            r.set(6, "完成进度(%)", V::N(120.0));
            Some(r.cell(6, "完成进度(%)"))
        },
        "E-PERCENT-RANGE",
    );
    add(
        "done-80",
        &|r| {
            r.set(2, "推进状态", s("已完成"))
                .set(2, "完成进度(%)", V::N(80.0));
            Some(r.cell(2, "完成进度(%)"))
        },
        "E-DONE-NOT-100",
    );
    add(
        "notstarted-10",
        &|r| {
            r.set(2, "推进状态", s("未启动"))
                .set(2, "完成进度(%)", V::N(10.0));
            Some(r.cell(2, "完成进度(%)"))
        },
        "E-NOTSTARTED-NOT-0",
    );
    add(
        "progress-empty",
        &|r| {
            r.set(13, "工作进展", V::Empty);
            Some(r.cell(13, "工作进展"))
        },
        "E-PROGRESS-MISSING",
    );
    add(
        "lagging-no-problem",
        &|r| {
            r.set(13, "推进状态", s("滞后"));
            Some(r.cell(13, "存在问题"))
        },
        "E-PROBLEMS-MISSING",
    );
    add(
        "div0",
        &|r| {
            r.set(36, "完成进度(%)", V::Err("#DIV/0!".into()));
            Some(r.cell(36, "完成进度(%)"))
        },
        "E-CELL-ERROR",
    );
    add(
        "ref",
        &|r| {
            r.set(36, "工作进展", V::Err("#REF!".into()));
            Some(r.cell(36, "工作进展"))
        },
        "E-CELL-ERROR",
    );
    add(
        "unknown-task",
        &|r| {
            let cell = r.cell(3, "序号");
            r.set(3, "序号", V::N(99.0));
            Some(cell)
        },
        "E-TASK-UNKNOWN",
    );
    add(
        "not-assigned",
        &|r| {
            let cell = r.cell(3, "序号");
            r.set(3, "序号", V::N(1.0));
            Some(cell)
        },
        "E-TASK-NOT-ASSIGNED",
    );
    add(
        "duplicate",
        &|r| {
            let cell = r.cell(6, "序号");
            r.set(6, "序号", V::N(3.0));
            Some(cell)
        },
        "E-TASK-DUPLICATE",
    );
    add(
        "task-missing",
        &|r| {
            let i = r.row_of(13);
            r.rows.remove(i);
            None
        },
        "E-TASK-MISSING",
    );
    add(
        "no-header",
        &|r| {
            for t in ["序号", "推进状态", "任务内容"] {
                r.rename_column(t, "栏目");
            }
            None
        },
        "E-HEADER-MISSING",
    );
    add(
        "value-text",
        &|r| {
            let i = r.indicators.iter().position(|x| x.0 == 3).unwrap();
            r.indicators[i].2 = s("约两家");
            Some(a1(1 + i as u32, 5))
        },
        "E-VALUE-INVALID",
    );
    for (name, r, _, _) in &cases {
        wd.create(&format!("returns/{}", file_name(name)), r.bytes());
    }
    // The unit can be neither found nor named (nor told by its tasks: one row is gone).
    let mut r = c.clone();
    r.anonymous().unit_line = false;
    let i = r.row_of(13);
    r.rows.remove(i);
    wd.create("returns/报表.xlsx", r.bytes());
    let mut r = c.clone();
    r.anonymous().unit = "区科学技术委员会".into();
    let i = r.row_of(13);
    r.rows.remove(i);
    wd.create("returns/第一季度报表.xlsx", r.bytes());

    let v = check_json(&wd, &["returns"], 1);
    for (name, _, code, cell) in &cases {
        let f = file(&v, &file_name(name));
        assert_eq!(f["status"], "rejected", "{name}: {f:#}");
        assert_has(f, code, cell.as_deref());
    }
    assert_has(file(&v, "/报表.xlsx"), "E-UNIT-MISSING", None);
    assert_has(file(&v, "第一季度报表.xlsx"), "E-UNIT-UNKNOWN", None);
    // A missing row names its task; the duplicate's sheet is the tasks sheet.
    let f = file(&v, &file_name("task-missing"));
    assert!(
        issues(f)
            .iter()
            .any(|(c, _, t)| c == "E-TASK-MISSING" && *t == Some(13)),
        "{f:#}"
    );
    let dup = &file(&v, &file_name("duplicate"))["issues"][0];
    assert_eq!(dup["sheet"], "任务进展");
}

#[test]
fn normalised_values_are_warnings_and_accepted() {
    let wd = Workdir::new("check-warnings");
    let mut r = clean();
    r.set(2, "推进状态", s("正常推进"))
        .set(3, "完成进度(%)", s("80%"))
        .set(6, "完成进度(%)", V::Pct(0.8))
        .set(13, "完成进度(%)", s("80％"))
        .set(32, "完成进度(%)", s(" 80 "))
        .set(36, "推进状态", s("完成"))
        .set(36, "完成进度(%)", V::N(100.0))
        .set(50, "任务内容", s("坚持问题导向，补齐短板"))
        .set(50, "推进状态", s("滞后"))
        .set(50, "完成进度(%)", V::N(100.0))
        .set(50, "存在问题", s("资金未到位"));
    r.phone = s("12345");
    wd.create(&file_name("warn"), r.bytes());
    let mut r2 = Return::clean(&cat(), "区商务局", ROUND, false);
    r2.phone = V::Empty;
    wd.create(&format!("{ROUND}_区商务局.xlsx"), r2.bytes());
    let v = check_json(&wd, &[".", "--round", ROUND], 0);
    let f = file(&v, &file_name("warn"));
    assert_eq!(f["status"], "accepted", "{f:#}");
    assert_has(f, "W-STATUS-NORMALISED", Some(&r.cell(2, "推进状态")));
    assert_has(f, "W-PERCENT-NORMALISED", Some(&r.cell(3, "完成进度(%)")));
    assert_has(f, "W-PERCENT-NORMALISED", Some(&r.cell(6, "完成进度(%)")));
    assert_has(f, "W-PERCENT-NORMALISED", Some(&r.cell(13, "完成进度(%)")));
    assert_has(f, "W-STATUS-NORMALISED", Some(&r.cell(36, "推进状态")));
    assert_has(f, "W-TEXT-ALTERED", Some(&r.cell(50, "任务内容")));
    // 滞后 at 100 % says two things: a warning on the percent.
    assert_has(f, "W-LAGGING-AT-100", Some(&r.cell(50, "完成进度(%)")));
    assert_has(f, "W-PHONE-INVALID", None);
    // "80" stored as text is an ordinary number: no warning on that cell.
    let cell32 = r.cell(32, "完成进度(%)");
    assert!(
        !issues(f)
            .iter()
            .any(|(_, c, _)| c.as_deref() == Some(cell32.as_str())),
        "{f:#}"
    );
    assert_has(file(&v, "区商务局.xlsx"), "W-PHONE-MISSING", None);
    let text = f["issues"].to_string();
    assert!(text.contains("按 80 读取"), "{text}");
    assert!(text.contains("补齐短板"), "the change is shown: {text}");
}

#[test]
fn percent_formatted_fraction_reads_as_percent() {
    let mut r = clean();
    r.set(6, "完成进度(%)", V::Pct(0.8));
    let wd = Workdir::new("check-pct");
    let p = wd.create(&file_name("pct"), r.bytes());
    let report = duban::check::check_paths(&[p], &cat(), &Default::default());
    let data = report.files[0].data.as_ref().unwrap();
    let row = data.rows.iter().find(|x| x.task == 6).unwrap();
    assert_eq!(row.percent, Some(80.0));
    assert!(
        row.progress.contains('\n'),
        "line breaks are kept: {:?}",
        row.progress
    );
}

/// A clerk inserted a column, renamed the sheet and columns to synonyms, added rows above
/// the header and dropped every machine identity: the check still finds everything, and
/// cells are those of the file as returned.
#[test]
fn moved_renamed_and_inserted_columns_are_found() {
    let mut r = clean();
    r.insert_column("推进状态", "责任科室", s("综合科"));
    r.rename_column("工作进展", "进展情况");
    r.rename_column("推进状态", "完成状态");
    r.rename_column("下步措施", "下一步工作");
    r.rename_column("完成进度(%)", "完成比例");
    // Move 完成比例 to the end.
    let from = r.col("完成比例");
    for row in r.rows.iter_mut() {
        let v = row.remove(from);
        row.push(v);
    }
    let h = r.header.remove(from);
    r.header.push(h);
    r.sheet = "Sheet1".into();
    r.extra_top_rows = 2;
    r.anonymous();
    r.set(3, "完成状态", s("进度滞后"))
        .set(3, "存在问题", s("资金未到位"));
    r.set(6, "完成比例", V::N(150.0));
    let wd = Workdir::new("check-layout");
    wd.create("科技局一季度.xlsx", r.bytes());
    let v = check_json(&wd, &["."], 1);
    let f = file(&v, "科技局一季度.xlsx");
    assert_eq!(f["unit"], UNIT, "found from the 填报单位 line");
    assert_eq!(f["round"], ROUND);
    assert_has(f, "W-STATUS-NORMALISED", Some(&r.cell(3, "完成状态")));
    assert_has(f, "E-PERCENT-RANGE", Some(&r.cell(6, "完成比例")));
    let errors: Vec<_> = issues(f)
        .into_iter()
        .filter(|(c, _, _)| c.starts_with("E-"))
        .collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
}

#[test]
fn a_row_without_number_is_matched_by_its_text() {
    let mut r = clean();
    let cell = r.cell(13, "序号");
    r.set(13, "序号", V::Empty);
    let wd = Workdir::new("check-bytext");
    wd.create(&file_name("bytext"), r.bytes());
    let v = check_json(&wd, &["."], 0);
    let f = file(&v, "bytext.xlsx");
    assert_has(f, "W-TASK-MATCHED-BY-TEXT", Some(&cell));
    assert_eq!(f["issues"][0]["task"], 13);
}

#[test]
fn units_disagreeing_is_a_warning() {
    let mut r = clean();
    r.properties = false;
    let wd = Workdir::new("check-disagree");
    // The identity says 区科技局, the file name says 区商务局.
    wd.create(&format!("{ROUND}_区商务局_任务进展填报表.xlsx"), r.bytes());
    let v = check_json(&wd, &["."], 0);
    let f = &v["files"][0];
    assert_eq!(f["unit"], UNIT);
    assert_has(f, "W-UNIT-DISAGREE", None);
}

#[test]
fn document_properties_stand_in_for_a_lost_identity_sheet() {
    // No identity sheet and no 填报单位 line (a copy into a new workbook that kept the
    // properties), under a file name that names no unit: the properties decide.
    let mut r = clean();
    r.identity_sheet = false;
    r.unit_line = false;
    let wd = Workdir::new("check-props");
    wd.create("未命名.xlsx", r.bytes());
    let v = check_json(&wd, &["."], 0);
    let f = &v["files"][0];
    assert_eq!(f["unit"], UNIT, "{f:#}");
    assert_eq!(f["round"], ROUND, "{f:#}");
    assert_eq!(f["status"], "accepted", "{f:#}");
    // Without them, the tasks the table holds are exactly the unit's: it is found by them,
    // with a warning.
    r.properties = false;
    wd.create("未命名.xlsx", r.bytes());
    let v = check_json(&wd, &["."], 0);
    assert_eq!(v["files"][0]["unit"], UNIT, "{v:#}");
    assert_has(&v["files"][0], "W-UNIT-BY-TASKS", None);
    // With a row gone too, nothing says who sent it.
    let i = r.row_of(13);
    r.rows.remove(i);
    wd.create("未命名.xlsx", r.bytes());
    let v = check_json(&wd, &["."], 1);
    assert_has(&v["files"][0], "E-UNIT-MISSING", None);
}

#[test]
fn the_workbook_time_decides_against_file_time_and_name() {
    // The read skips the properties of returns with their identity sheet, so the
    // workbook's own time of competing returns is read afterwards: here it alone says
    // which is later (file times and names say the opposite).
    let wd = Workdir::new("check-supersede-time");
    let mut late = clean();
    late.modified = Some((2020, 4, 4, 16));
    let mut early = clean();
    early.modified = Some((2020, 4, 3, 9));
    let a = wd.create("a_late.xlsx", late.bytes());
    let z = wd.create("z_early.xlsx", early.bytes());
    let at = |p: &std::path::Path, secs: u64| {
        let f = std::fs::File::options().write(true).open(p).unwrap();
        f.set_modified(std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs))
            .unwrap();
    };
    at(&a, 1_600_000_000);
    at(&z, 1_700_000_000);
    let v = check_json(&wd, &["."], 0);
    let early = file(&v, "z_early.xlsx");
    assert!(
        early["superseded_by"]
            .as_str()
            .is_some_and(|p| p.ends_with("a_late.xlsx")),
        "{v:#}"
    );
    assert_eq!(file(&v, "a_late.xlsx")["superseded_by"], Value::Null);
}

#[test]
fn hosts_only_returns_need_no_co_unit_rows() {
    let wd = Workdir::new("check-hosts");
    let unit = "新兖镇"; // hosts 2 tasks, co-unit on 56
    wd.create(
        "a/hosts.xlsx",
        Return::clean(&cat(), unit, ROUND, true).bytes(),
    );
    let mut all = Return::clean(&cat(), unit, ROUND, true);
    all.rows_mode = "all".into();
    wd.create("b/all.xlsx", all.bytes());
    let v = check_json(&wd, &["a"], 0);
    assert_eq!(issues(&v["files"][0]), vec![]);
    // With hosts-only templates, units hosting nothing are not expected to return.
    let missing = v["missing_units"].as_array().unwrap();
    let catalog = cat();
    let co_only: Vec<&String> = catalog
        .assignments()
        .iter()
        .filter(|(_, t)| t.iter().all(|(_, r)| *r == duban::catalog::Role::CoUnit))
        .map(|(u, _)| u)
        .collect();
    assert!(!co_only.is_empty());
    assert!(
        !missing
            .iter()
            .any(|u| co_only.iter().any(|c| u == c.as_str())),
        "{missing:?}"
    );
    assert!(!missing.iter().any(|u| u == unit));
    let v = check_json(&wd, &["b"], 1);
    let missing = issues(&v["files"][0])
        .into_iter()
        .filter(|(c, _, _)| c == "E-TASK-MISSING")
        .count();
    assert_eq!(missing, 56);
}

#[test]
fn a_later_return_supersedes_the_earlier_by_workbook_time() {
    let wd = Workdir::new("check-supersede");
    let mut early = clean();
    early.modified = Some((2020, 4, 3, 9));
    let mut late = clean();
    late.modified = Some((2020, 4, 4, 16));
    // Path order is the reverse of time order: the workbook's own time decides.
    wd.create("z_first.xlsx", early.bytes());
    wd.create("a_second.xlsx", late.bytes());
    let v = check_json(&wd, &["."], 0);
    let first = file(&v, "z_first.xlsx");
    let second = file(&v, "a_second.xlsx");
    assert!(
        first["superseded_by"]
            .as_str()
            .unwrap()
            .ends_with("a_second.xlsx"),
        "{first:#}"
    );
    assert_has(first, "W-SUPERSEDED", None);
    assert_eq!(second["superseded_by"], Value::Null);
    assert_eq!(first["status"], "accepted", "both are kept");
}

#[test]
fn folders_are_recursive_and_lock_files_skipped() {
    let wd = Workdir::new("check-walk");
    wd.create(&format!("in/科技/{}", file_name("deep")), clean().bytes());
    wd.create("in/~$lock.xlsx", b"lock");
    wd.create("in/.hidden.xlsx", b"hidden");
    let v = check_json(&wd, &["in"], 0);
    // Lock and hidden files are not returns: not read, not listed.
    assert_eq!(v["files"].as_array().unwrap().len(), 1, "{v:#}");
    assert_eq!(file(&v, "deep.xlsx")["status"], "accepted");
    assert_eq!(v["ignored"].as_array().unwrap().len(), 0, "{v:#}");
    let text = wd.run(&["check", "in"]).stdout();
    assert!(!text.contains("lock") && !text.contains("hidden"), "{text}");
}

#[test]
fn other_formats_are_told_what_to_save_as() {
    let wd = Workdir::new("check-formats");
    wd.create("a.csv", "序号,推进状态\n3,已完成\n");
    wd.create("b.et", clean().bytes());
    wd.create("c.xlsx", "序号,推进状态\n");
    wd.create("d.xlsx", b"");
    let v = check_json(&wd, &["."], 1);
    for (name, code) in [
        ("a.csv", "E-FILE-FORMAT"),
        ("b.et", "E-FILE-FORMAT"),
        ("c.xlsx", "E-FILE-NOT-SPREADSHEET"),
        ("d.xlsx", "E-FILE-NOT-SPREADSHEET"),
    ] {
        let f = file(&v, name);
        assert_eq!(issues(f)[0].0, code, "{f:#}");
        assert!(
            f["issues"][0]["fix"].as_str().unwrap().contains(".xlsx"),
            "{f:#}"
        );
    }
    assert!(file(&v, "b.et")["issues"][0]["fix"]
        .as_str()
        .unwrap()
        .contains("WPS"));
}

/// Encrypted, zip bomb, truncated, random bytes: each reported, and the clean return in
/// the same batch still accepted.
#[test]
fn broken_files_do_not_stop_the_batch() {
    let wd = Workdir::new("check-broken");
    let good = clean().bytes();
    wd.create(&file_name("good"), &good);
    std::fs::copy(
        crate::workdir::repo().join("tests/fixtures/encrypted.xlsx"),
        wd.path("encrypted.xlsx"),
    )
    .unwrap();
    wd.create("truncated.xlsx", &good[..good.len() / 2]);
    let random: Vec<u8> = (0..5000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    wd.create("random.xlsx", &random);
    wd.create("bomb.xlsx", zip_bomb(&good));
    // 20 KB whose parse asks for gigabytes (found by fuzzing): the reader's child process
    // runs out of its allowance and dies; the batch goes on.
    std::fs::copy(
        crate::workdir::repo().join("tests/fixtures/hostile-dense-range.xls"),
        wd.path("hostile.xls"),
    )
    .unwrap();
    // An .xls that is really an xlsx: sniffed by content, not by name.
    wd.create(&format!("{ROUND}_{UNIT}_renamed.xls"), &good);
    let v = check_json(&wd, &["."], 1);
    assert_eq!(file(&v, "good.xlsx")["status"], "accepted");
    assert_eq!(file(&v, "renamed.xls")["status"], "accepted");
    for (name, code) in [
        ("encrypted.xlsx", "E-FILE-ENCRYPTED"),
        ("truncated.xlsx", "E-FILE-CORRUPT"),
        ("random.xlsx", "E-FILE-NOT-SPREADSHEET"),
        ("bomb.xlsx", "E-FILE-ZIP-BOMB"),
        ("hostile.xls", "E-FILE-TOO-LARGE"),
    ] {
        let f = file(&v, name);
        assert_eq!(f["status"], "rejected");
        assert_eq!(issues(f)[0].0, code, "{f:#}");
    }
}

/// A valid xlsx whose central directory declares a 4 GB sheet: refused before inflating.
fn zip_bomb(xlsx: &[u8]) -> Vec<u8> {
    let mut b = xlsx.to_vec();
    let sig = b"PK\x01\x02";
    let at = b.windows(4).position(|w| w == sig).unwrap();
    b[at + 24..at + 28].copy_from_slice(&0xFFFF_FFF0u32.to_le_bytes());
    b
}

#[test]
fn exit_status_two_when_the_command_cannot_run() {
    let wd = Workdir::new("check-exit2");
    wd.create("a.xlsx", clean().bytes());
    wd.output(&["check", "nope.xlsx"]).assert_code(2);
    wd.output(&["check", "a.xlsx", "--catalog", "missing.toml"])
        .assert_code(2);
    wd.output(&["check", "a.xlsx", "--format", "yaml"])
        .assert_code(2);
}

#[test]
fn feedback_workbooks_list_the_problems() {
    let wd = Workdir::new("check-feedback");
    let mut r = clean();
    r.set(3, "推进状态", s("很好"));
    wd.create(&file_name("fb"), r.bytes());
    wd.create(
        &format!("{ROUND}_区商务局.xlsx"),
        Return::clean(&cat(), "区商务局", ROUND, false).bytes(),
    );
    wd.output(&["check", ".", "--feedback", "fb"])
        .assert_code(1);
    let out: Vec<PathBuf> = std::fs::read_dir(wd.path("fb"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(out.len(), 1, "only returns with issues get one: {out:?}");
    let rows = read_sheet(&out[0]);
    let header = rows
        .iter()
        .find(|r| r.first().map(String::as_str) == Some("序号"))
        .unwrap();
    assert_eq!(header, &["序号", "位置", "任务", "问题", "怎么改"]);
    // The place in words, as a clerk reads it.
    let cell = format!("任务进展表 {} 格", r.cell(3, "推进状态"));
    assert!(
        rows.iter()
            .any(|row| row[1] == cell && row[3].contains("E-STATUS-INVALID") && !row[4].is_empty()),
        "{rows:?}"
    );
}

fn read_sheet(p: &Path) -> Vec<Vec<String>> {
    use calamine::{open_workbook, Reader, Xlsx};
    let mut wb: Xlsx<_> = open_workbook(p).unwrap();
    let name = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&name).unwrap();
    range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

/// A return re-saved by LibreOffice as .xlsx, .xls and .ods is accepted with the same values.
#[test]
fn libreoffice_resaves_read_the_same() {
    let wd = Workdir::new("check-soffice");
    let mut r = clean();
    r.set(3, "推进状态", s("已完成"))
        .set(3, "完成进度(%)", V::N(100.0));
    r.set(13, "推进状态", s("滞后"))
        .set(13, "存在问题", s("用地指标未落实"));
    let src = wd.create(&format!("src/{}", file_name("lo")), r.bytes());
    let mut paths = vec![src.clone()];
    for (fmt, dir) in [("xlsx", "x"), ("xls", "xls"), ("ods", "ods")] {
        paths.push(soffice_convert(&src, fmt, &wd.path(dir)));
    }
    let report = duban::check::check_paths(&paths, &cat(), &Default::default());
    let original = report.files.iter().find(|f| f.path == src).unwrap();
    let rows = |f: &duban::domain::report::FileReport| {
        let d = f.data.as_ref().unwrap();
        let rows: Vec<_> = d
            .rows
            .iter()
            .map(|x| {
                (
                    x.task,
                    x.status,
                    x.percent,
                    x.progress.clone(),
                    x.problems.clone(),
                )
            })
            .collect();
        let inds: Vec<_> = d
            .indicators
            .iter()
            .map(|i| (i.task, i.name.clone(), i.value))
            .collect();
        (rows, inds, d.contact.clone())
    };
    assert_eq!(original.data.as_ref().unwrap().rows.len(), 7);
    for f in &report.files {
        let errors: Vec<_> = f
            .issues
            .iter()
            // Copies of one return side by side: which is latest is the batch's concern.
            .filter(|i| !["W-SUPERSEDED", "W-ORDER-UNCERTAIN"].contains(&i.code.as_str()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", f.path.display());
        assert_eq!(f.unit.as_deref(), Some(UNIT), "{}", f.path.display());
        assert_eq!(rows(f), rows(original), "{}", f.path.display());
    }
}

/// The real template from `duban templates`, filled as a clerk would, is accepted with no
/// issue; re-saved by LibreOffice as .xlsx, .xls and .ods it reads back the same.
#[test]
fn a_filled_template_is_accepted_and_survives_libreoffice() {
    let wd = Workdir::new("check-template");
    wd.run(&[
        "templates",
        "--round",
        ROUND,
        "--deadline",
        "2020-04-05",
        "--out",
        "t",
        "--unit",
        UNIT,
    ]);
    let name = format!("{ROUND}_{UNIT}_任务进展填报表.xlsx");
    let template = std::fs::read(wd.path(&format!("t/{name}"))).unwrap();
    let filled = crate::returns::fill_template(
        &template,
        &cat(),
        &[
            (13, "推进状态", s("滞后")),
            (13, "存在问题", s("用地指标未落实")),
        ],
    );
    let src = wd.create(&format!("returns/{name}"), filled);
    let v = check_json(&wd, &["returns", "--round", ROUND], 0);
    let f = &v["files"][0];
    assert_eq!(f["unit"], UNIT);
    assert_eq!(issues(f), vec![], "{f:#}");

    // The unfilled template itself is rejected with one error saying so, not one per
    // empty cell (issue 14).
    let v = check_json(&wd, &["t"], 1);
    let f = file(&v, &name);
    let codes: Vec<String> = issues(f).into_iter().map(|(c, _, _)| c).collect();
    assert_eq!(codes, [Code::TemplateEmpty.as_str()], "{f:#}");

    let mut paths = vec![src.clone()];
    for (fmt, dir) in [("xlsx", "x"), ("xls", "xls"), ("ods", "ods")] {
        paths.push(soffice_convert(&src, fmt, &wd.path(dir)));
    }
    let report = duban::check::check_paths(&paths, &cat(), &Default::default());
    let values = |f: &duban::domain::report::FileReport| {
        let d = f.data.as_ref().unwrap();
        let rows: Vec<_> = d
            .rows
            .iter()
            .map(|x| {
                (
                    x.task,
                    x.status,
                    x.percent,
                    x.progress.clone(),
                    x.problems.clone(),
                )
            })
            .collect();
        let inds: Vec<_> = d
            .indicators
            .iter()
            .map(|i| (i.task, i.name.clone(), i.value))
            .collect();
        (rows, inds, d.contact.clone())
    };
    let original = report.files.iter().find(|f| f.path == src).unwrap();
    assert_eq!(original.data.as_ref().unwrap().rows.len(), 7);
    assert!(!original.data.as_ref().unwrap().indicators.is_empty());
    for f in &report.files {
        let left: Vec<_> = f
            .issues
            .iter()
            // Copies of one return side by side: which is latest is the batch's concern.
            .filter(|i| !["W-SUPERSEDED", "W-ORDER-UNCERTAIN"].contains(&i.code.as_str()))
            .collect();
        assert!(left.is_empty(), "{}: {left:?}", f.path.display());
        assert_eq!(f.unit.as_deref(), Some(UNIT), "{}", f.path.display());
        assert_eq!(values(f), values(original), "{}", f.path.display());
    }
}
