//! Tables as clerks break them (issue 14): merged cells, a task over two rows, their own
//! numbering, a header far down, formulas never calculated, long text, an untouched
//! template. Each case is a real file built here (rust_xlsxwriter, then LibreOffice for
//! the re-saves) and checked by the real binary; what was read is seen in the merge's
//! detail CSV.

use std::collections::BTreeMap;
use std::path::Path;

use duban::catalog::Catalog;
use duban::check::HEADER_SCAN_ROWS;
use duban::domain::codes::Code;
use serde_json::Value;

use crate::checked::{codes, issues};
use crate::returns::{a1, s, set_cell, strip_formula_results, Return, V};
use crate::workdir::{soffice_convert, Workdir};

const ROUND: &str = "2020年第一季度";
/// Hosts tasks 2, 3, 6, 13, 32, 36, 50.
const UNIT: &str = "区科技局";

fn cat() -> Catalog {
    Catalog::embedded()
}

fn clean() -> Return {
    Return::clean(&cat(), UNIT, ROUND, false)
}

/// `duban check --format json PATH` with the expected exit status.
fn check(wd: &Workdir, path: &str, code: i32) -> Value {
    let run = wd.output(&["check", path, "--round", ROUND, "--format", "json"]);
    run.assert_code(code);
    let v: Value = serde_json::from_str(&run.stdout())
        .unwrap_or_else(|e| panic!("json: {e}\n{}", run.describe()));
    assert_eq!(v["files"].as_array().unwrap().len(), 1, "{v:#}");
    v["files"][0].clone()
}

/// The issue of `code`, which must be there once.
fn the_issue(f: &Value, code: Code) -> Value {
    let all: Vec<&Value> = f["issues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["code"] == code.as_str())
        .collect();
    assert_eq!(all.len(), 1, "one {code} in {f:#}");
    all[0].clone()
}

/// What the merge read from the returns in `dir`: the detail CSV's rows, by task.
fn detail(wd: &Workdir, dir: &str) -> BTreeMap<u32, BTreeMap<String, String>> {
    let out = format!("{dir}-merged");
    let run = wd.output(&["merge", dir, "--round", ROUND, "--out", &out]);
    assert!(run.code() <= 1, "{}", run.describe());
    let text = wd.read(&format!("{out}/{ROUND}_明细.csv"));
    let mut r = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    r.records()
        .map(|rec| {
            let row: BTreeMap<String, String> = header
                .iter()
                .cloned()
                .zip(rec.unwrap().iter().map(String::from))
                .collect();
            (row["序号"].parse().unwrap(), row)
        })
        .collect()
}

/// The file re-saved by LibreOffice as .xlsx, .xls and .ods.
fn resaves(wd: &Workdir, src: &Path) -> Vec<(&'static str, std::path::PathBuf)> {
    [("xlsx", "lo-xlsx"), ("xls", "lo-xls"), ("ods", "lo-ods")]
        .into_iter()
        .map(|(fmt, dir)| (fmt, soffice_convert(src, fmt, &wd.path(dir))))
        .collect()
}

fn rel(wd: &Workdir, p: &Path) -> String {
    p.strip_prefix(&wd.dir)
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

#[test]
fn a_merged_input_cell_over_two_tasks_is_named() {
    // 工作进展 I4:I5 merged over tasks 2 and 3 read as "未填写" on task 3's row.
    let wd = Workdir::new("merged-input");
    let mut r = clean();
    let col = r.col("工作进展");
    r.merges.push((0, 1, col, col));
    let src = wd.create(&format!("returns/{UNIT}.xlsx"), r.bytes());
    let region = format!("{}:{}", r.cell(2, "工作进展"), r.cell(3, "工作进展"));
    assert_eq!(region, "I4:I5");
    let f = check(&wd, "returns", 1);
    let issue = the_issue(&f, Code::CellMerged);
    assert_eq!(issue["cell"], "I4", "{f:#}");
    let msg = issue["message"].as_str().unwrap();
    assert!(msg.starts_with("I4:I5 是合并单元格"), "{msg}");
    assert!(msg.contains("工作进展") && msg.contains("2、3"), "{msg}");
    assert_eq!(issue["fix"], "请取消合并，每个任务分别填写");
    assert_eq!(
        codes(&f),
        [Code::CellMerged.as_str()],
        "nothing else: {f:#}"
    );

    // LibreOffice's re-saves: .xls carries its merges, .ods its spans (read by duban, as
    // calamine does not report them).
    for (fmt, p) in resaves(&wd, &src) {
        let f = check(&wd, &rel(&wd, &p), 1);
        assert_eq!(the_issue(&f, Code::CellMerged)["cell"], "I4", "{fmt}");
        assert_eq!(codes(&f), [Code::CellMerged.as_str()], "{fmt}: {f:#}");
    }
}

#[test]
fn a_merge_over_a_column_the_rules_do_not_require_is_named_too() {
    // 下步措施 merged over tasks 2 and 3: nothing required is empty, yet task 3's text
    // would be lost without a word.
    let wd = Workdir::new("merged-optional");
    let mut r = clean();
    let col = r.col("下步措施");
    r.merges.push((0, 1, col, col));
    wd.create(&format!("returns/{UNIT}.xlsx"), r.bytes());
    let f = check(&wd, "returns", 1);
    let issue = the_issue(&f, Code::CellMerged);
    let region = format!("{}:{}", r.cell(2, "下步措施"), r.cell(3, "下步措施"));
    let msg = issue["message"].as_str().unwrap();
    assert!(msg.starts_with(&format!("{region} 是合并单元格")), "{msg}");
    assert!(msg.contains("下步措施"), "{msg}");
    assert_eq!(
        codes(&f),
        [Code::CellMerged.as_str()],
        "nothing else: {f:#}"
    );
}

#[test]
fn a_horizontal_merge_over_two_input_columns_is_named() {
    let wd = Workdir::new("merged-across");
    let mut r = clean();
    r.set(6, "推进状态", s("滞后"));
    let (c1, c2) = (r.col("工作进展"), r.col("存在问题"));
    let row = r.row_of(6);
    r.merges.push((row, row, c1, c2));
    wd.create(&format!("returns/{UNIT}.xlsx"), r.bytes());
    let f = check(&wd, "returns", 1);
    let issue = the_issue(&f, Code::CellMerged);
    let first = r.cell(6, "工作进展");
    assert_eq!(issue["cell"], first.as_str());
    assert_eq!(issue["task"], 6);
    let msg = issue["message"].as_str().unwrap();
    assert!(
        msg.starts_with(&format!("{first}:{} 是合并单元格", r.cell(6, "存在问题"))),
        "{msg}"
    );
    // The covered 存在问题 is not also reported as missing for a lagging task.
    assert_eq!(codes(&f), [Code::CellMerged.as_str()], "{f:#}");
}

#[test]
fn a_task_over_two_rows_is_one_task() {
    // The second row has no 序号 and its canonical cells are merged with the row above:
    // its text was lost and the row was an error.
    let wd = Workdir::new("continued");
    let mut r = clean();
    let at = r.row_of(3);
    let mut cont = vec![V::Empty; r.header.len()];
    cont[r.col("工作进展")] = s("二是完成项目验收 3 个。");
    cont[r.col("下步措施")] = s("做好第二批申报。");
    r.rows.insert(at + 1, cont);
    for c in 0..=r.col("其他承办单位") {
        r.merges.push((at, at + 1, c, c));
    }
    let src = wd.create(&format!("returns/{UNIT}.xlsx"), r.bytes());
    let first = r.rows[at][r.col("工作进展")].clone();
    let V::S(first) = first else { unreachable!() };

    let mut files = vec![("as written", src.clone())];
    files.extend(resaves(&wd, &src));
    for (i, (fmt, p)) in files.into_iter().enumerate() {
        let dir = format!("one-{i}");
        std::fs::create_dir_all(wd.path(&dir)).unwrap();
        std::fs::copy(&p, wd.path(&dir).join(p.file_name().unwrap())).unwrap();
        let f = check(&wd, &dir, 0);
        let issue = the_issue(&f, Code::RowContinued);
        // The continuation row is the sheet's row after task 3's.
        let cont_row = r.header_row() + 1 + at as u32 + 1;
        assert_eq!(issue["cell"], a1(cont_row, 0).as_str(), "{fmt}: {f:#}");
        assert_eq!(issue["task"], 3, "{fmt}");
        assert!(issue["fix"].as_str().unwrap().contains("任务 3"), "{fmt}");
        assert_eq!(codes(&f), [Code::RowContinued.as_str()], "{fmt}: {f:#}");
        let d = detail(&wd, &dir);
        assert_eq!(
            d[&3]["工作进展"],
            format!("{first}\n二是完成项目验收 3 个。"),
            "{fmt}"
        );
        assert_eq!(
            d[&3]["下步措施"], "继续按计划推进\n做好第二批申报。",
            "{fmt}"
        );
        assert_eq!(d.len(), 7, "{fmt}: every task once, no extra row");
    }
}

#[test]
fn a_row_inserted_without_number_or_merge_is_still_an_error() {
    // Without a merge there is nothing tying the row to the task above: it stays an
    // error asking for its 序号 (the row is not guessed into a task).
    let wd = Workdir::new("loose-row");
    let mut r = clean();
    let at = r.row_of(3);
    let mut extra = vec![V::Empty; r.header.len()];
    extra[r.col("工作进展")] = s("另有一项工作。");
    r.rows.insert(at + 1, extra);
    wd.create(&format!("returns/{UNIT}.xlsx"), r.bytes());
    let f = check(&wd, "returns", 1);
    assert_eq!(codes(&f), [Code::TaskNumberMissing.as_str()], "{f:#}");
}

#[test]
fn a_clerks_own_numbering_is_bound_by_the_texts() {
    // A hand-made table numbered 1..7 was bound to tasks 1..7: every row the wrong task.
    let wd = Workdir::new("own-numbers");
    let mut r = clean();
    r.anonymous();
    let (num, text) = (r.col("序号"), r.col("任务内容"));
    for (i, row) in r.rows.iter_mut().enumerate() {
        row[num] = V::N(i as f64 + 1.0);
    }
    // One text retyped a little (two characters dropped): still close.
    let V::S(t) = r.rows[2][text].clone() else {
        unreachable!()
    };
    let mut chars: Vec<char> = t.chars().collect();
    chars.drain(6..8);
    r.rows[2][text] = V::S(chars.into_iter().collect());
    wd.create(&format!("returns/{UNIT}自制表.xlsx"), r.bytes());
    let f = check(&wd, "returns", 0);
    let issue = the_issue(&f, Code::NumberIsRowNumber);
    assert_eq!(issue["cell"], a1(r.header_row(), num as u32).as_str());
    let msg = issue["message"].as_str().unwrap();
    assert!(msg.contains("1 到 7") && msg.contains("→ 任务 50"), "{msg}");
    assert!(
        !codes(&f).iter().any(|c| c.starts_with("E-")),
        "no task is unassigned, unknown or missing: {f:#}"
    );
    let d = detail(&wd, "returns");
    let tasks: Vec<u32> = d.keys().copied().collect();
    assert_eq!(tasks, [2, 3, 6, 13, 32, 36, 50]);
    for (n, row) in &d {
        assert!(
            row["工作进展"].contains(&format!("推进任务{n}：")),
            "task {n} got its own row's progress: {row:?}"
        );
    }
}

#[test]
fn headers_far_below_instructions_are_found() {
    let wd = Workdir::new("deep-header");
    let c = cat();
    for (unit, extra, header_row) in [("区科技局", 17, 20), ("区财政局", 26, 29)] {
        let mut r = Return::clean(&c, unit, ROUND, false);
        r.extra_top_rows = extra;
        assert_eq!(r.header_row() + 1, header_row);
        let task = c.tasks_of_unit(unit)[0].0;
        r.set(task, "完成进度(%)", V::N(120.0));
        let dir = format!("deep-{header_row}");
        wd.create(&format!("{dir}/{unit}.xlsx"), r.bytes());
        let f = check(&wd, &dir, 1);
        let issue = the_issue(&f, Code::PercentRange);
        assert_eq!(issue["cell"], r.cell(task, "完成进度(%)").as_str(), "{f:#}");
        assert_eq!(codes(&f), [Code::PercentRange.as_str()], "{f:#}");
    }
    // Below the rows searched, the message says how far it looked.
    let mut r = clean();
    r.extra_top_rows = HEADER_SCAN_ROWS;
    wd.create("too-deep/x.xlsx", r.bytes());
    let f = check(&wd, "too-deep", 1);
    let issue = the_issue(&f, Code::HeaderMissing);
    let said = format!("前 {HEADER_SCAN_ROWS} 行");
    assert!(
        issue["message"].as_str().unwrap().contains(&said),
        "{issue:#}"
    );
}

#[test]
fn formulas_never_calculated_are_named_and_a_resave_reads_them() {
    // A file written by a program: formulas with no cached value read as "未填写".
    let wd = Workdir::new("formulas");
    let mut r = clean();
    r.set(3, "推进状态", V::Formula("\"序时推进\"".into()))
        .set(6, "工作进展", V::Formula("\"已完成\"&\"招标\"".into()))
        .set(13, "完成进度(%)", V::Formula("30*2".into()));
    let src = wd.create(
        &format!("returns/{UNIT}.xlsx"),
        strip_formula_results(&r.bytes()),
    );
    let f = check(&wd, "returns", 1);
    let mut got = issues(&f);
    got.sort();
    let mut want = vec![
        (
            Code::FormulaNoValue.as_str().to_string(),
            Some(r.cell(3, "推进状态")),
            Some(3),
        ),
        (
            Code::FormulaNoValue.as_str().to_string(),
            Some(r.cell(6, "工作进展")),
            Some(6),
        ),
        (
            Code::FormulaNoValue.as_str().to_string(),
            Some(r.cell(13, "完成进度(%)")),
            Some(13),
        ),
    ];
    want.sort();
    assert_eq!(got, want, "{f:#}");
    let issue = &f["issues"][0];
    assert!(issue["message"]
        .as_str()
        .unwrap()
        .contains("公式没有计算结果"));
    assert!(issue["fix"].as_str().unwrap().contains("打开后保存"));

    // Opened and saved by a spreadsheet, the formulas have results, read as values.
    let Some((_, saved)) = resaves(&wd, &src).into_iter().next() else {
        return;
    };
    let dir = "saved";
    std::fs::create_dir_all(wd.path(dir)).unwrap();
    std::fs::copy(&saved, wd.path(dir).join("saved.xlsx")).unwrap();
    let f = check(&wd, dir, 0);
    assert_eq!(issues(&f), [], "{f:#}");
    let d = detail(&wd, dir);
    assert_eq!(d[&3]["推进状态"], "序时推进");
    assert_eq!(d[&6]["工作进展"], "已完成招标");
    assert_eq!(d[&13]["完成进度(%)"], "60");
}

#[test]
fn long_text_is_read_whole_up_to_excels_limit() {
    // 5,000 characters was the limit, and longer 工作进展 was cut and rejected.
    let wd = Workdir::new("long-text");
    let mut r = clean();
    let long = "很".repeat(6000);
    r.set(32, "工作进展", V::S(long.clone()));
    wd.create(&format!("long/{UNIT}.xlsx"), r.bytes());
    let f = check(&wd, "long", 0);
    let issue = the_issue(&f, Code::CellLong);
    assert_eq!(issue["cell"], r.cell(32, "工作进展").as_str());
    assert!(
        issue["message"].as_str().unwrap().contains("6000 字"),
        "{issue:#}"
    );
    assert_eq!(detail(&wd, "long")[&32]["工作进展"], long);

    // Past Excel's own limit only a program could have written it: cut, and an error
    // that gives the true length.
    let cell = r.cell(32, "工作进展");
    let bytes = crate::returns::patch_zip(&r.bytes(), |path, xml| {
        (path == "xl/worksheets/sheet1.xml")
            .then(|| set_cell(xml, &cell, &V::S("长".repeat(40_000))))
    });
    wd.create(&format!("too-long/{UNIT}.xlsx"), bytes);
    let f = check(&wd, "too-long", 1);
    let issue = the_issue(&f, Code::CellTooLong);
    assert_eq!(issue["cell"], cell.as_str());
    let msg = issue["message"].as_str().unwrap();
    assert!(msg.contains("40000 字") && msg.contains("32767"), "{msg}");
}

#[test]
fn an_untouched_template_is_one_error() {
    // 26 lines of 未填写 (and a missing phone, and every 完成值) for a template sent back
    // as it was.
    let wd = Workdir::new("untouched");
    wd.run(&[
        "templates",
        "--round",
        ROUND,
        "--deadline",
        "2020-04-05",
        "--out",
        "t",
        "--unit",
        "新兖镇",
    ]);
    let name = format!("{ROUND}_新兖镇_任务进展填报表.xlsx");
    // Not a return: nothing for the office to send back (exit 0), the unit is 未报送.
    let f = check(&wd, &format!("t/{name}"), 0);
    assert_eq!(codes(&f), [Code::TemplateEmpty.as_str()], "{f:#}");
    let issue = &f["issues"][0];
    assert_eq!(issue["sheet"], "任务进展");
    assert!(issue["message"].as_str().unwrap().starts_with("模板未填写"));
    for (fmt, p) in resaves(&wd, &wd.path(&format!("t/{name}"))) {
        let f = check(&wd, &rel(&wd, &p), 0);
        assert_eq!(codes(&f), [Code::TemplateEmpty.as_str()], "{fmt}: {f:#}");
    }
}
