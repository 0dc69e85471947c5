//! Templates that show last round (issue 26): from the second round on each unit's 任务进展
//! shows what that unit itself reported last round (推进状态, 完成进度, 工作进展) in locked
//! columns just before the inputs, which stay empty; 完成时限 is shown where the catalog has
//! one. The check never reads those columns (renamed inputs, a reference cell edited, a
//! template without them, the columns moved), and 照抄上期 still fires when a unit copies
//! the reference text into this round's 工作进展.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use calamine::{open_workbook, Data, Reader, Xlsx};
use duban::catalog::{format_number, Catalog, Role};
use duban::layout;
use serde_json::Value;

use super::readback::{cell_style, part, unlocked};
use crate::returns::{a1, fill_template, patch_zip, s, set_cell, Return, V};
use crate::workdir::{soffice_print, Workdir};
use crate::workspace::run_in;

const Q1: &str = "2020年第一季度";
const Q2: &str = "2020年第二季度";
/// Hosts task 3, reports it 滞后 at 30 in round 1.
const KJ: &str = "区科技局";
/// Co-unit of task 3, reports its own part of it in round 1.
const PARK: &str = "工业园区";
/// Co-unit of task 3 (各镇街), reports nothing in round 1.
const TOWN: &str = "新兖镇";
/// No task with a 完成时限; reports nothing in round 1.
const FIN: &str = "区财政局";
const KJ3: &str = "区科技局一季度：完成高新技术企业摸底，入库培育企业 12 家。";
const PARK3: &str = "工业园区一季度：园区内 5 家企业完成高企申报材料准备。";
const DUE: &str = "6月底前";

/// Runs duban in the workspace and fails on an error (exit 2).
fn ok(ws: &Path, args: &[&str]) -> String {
    let r = run_in(ws, args);
    assert_ne!(r.code(), 2, "{}", r.describe());
    r.stdout()
}

/// A workspace whose catalog gives task 3 a 完成时限, with round 1 merged from 区科技局's
/// and 工业园区's returns and round 2 registered (its templates written).
fn two_rounds(name: &str) -> (Workdir, PathBuf, Catalog) {
    let wd = Workdir::new(name);
    wd.run(&["init", "ws"]);
    let ws = wd.path("ws");
    let path = ws.join("任务清单.toml");
    let mut data = Catalog::load(Some(&path)).unwrap().data().clone();
    data.tasks[2].deadline = Some(DUE.to_string());
    std::fs::write(&path, duban::catalog::to_toml(&data)).unwrap();
    let cat = Catalog::load(Some(&path)).unwrap();

    ok(&ws, &["round", "new", Q1, "--deadline", "2020-04-05"]);
    let mut kj = Return::clean(&cat, KJ, Q1, false);
    kj.set(3, "推进状态", s("滞后"))
        .set(3, "完成进度(%)", V::N(30.0))
        .set(3, "工作进展", s(KJ3))
        .set(3, "存在问题", s("企业申报积极性不高"));
    let mut park = Return::clean(&cat, PARK, Q1, false);
    park.set(3, "完成进度(%)", V::N(40.0))
        .set(3, "工作进展", s(PARK3));
    let returns = ws.join("rounds").join(Q1).join("回收");
    std::fs::write(returns.join("kj.xlsx"), kj.bytes()).unwrap();
    std::fs::write(returns.join("park.xlsx"), park.bytes()).unwrap();
    ok(&ws, &["merge"]);
    ok(&ws, &["round", "new", Q2, "--deadline", "2020-07-05"]);
    (wd, ws, cat)
}

fn template_of(ws: &Path, round: &str, unit: &str) -> PathBuf {
    (ws.join("rounds").join(round).join("模板")).join(duban::outputs::template(round, unit))
}

/// 任务进展 as read back: the header's titles and each task row's cells by title.
struct Sheet {
    header: Vec<String>,
    rows: HashMap<u32, (u32, HashMap<String, String>)>,
}

impl Sheet {
    fn read(path: &Path) -> Sheet {
        let mut book: Xlsx<_> = open_workbook(path).unwrap();
        let range = book.worksheet_range(layout::SHEET_TASKS).unwrap();
        let text = |r: u32, c: u32| match range.get_value((r, c)) {
            Some(Data::String(s)) => s.clone(),
            Some(Data::Float(f)) => format_number(*f),
            Some(Data::Empty) | None => String::new(),
            Some(other) => other.to_string(),
        };
        let h = duban::template::HEADER_ROW;
        let width = range.end().unwrap().1;
        let header: Vec<String> = (0..=width).map(|c| text(h, c)).collect();
        let mut rows = HashMap::new();
        for r in h + 1.. {
            let Ok(n) = text(r, 0).parse::<u32>() else {
                break;
            };
            let cells = (header.iter().enumerate())
                .map(|(c, t)| (t.clone(), text(r, c as u32)))
                .collect();
            rows.insert(n, (r, cells));
        }
        Sheet { header, rows }
    }

    /// The column whose title starts with `title`.
    fn col(&self, title: &str) -> usize {
        (self.header.iter().position(|t| t.starts_with(title)))
            .unwrap_or_else(|| panic!("no column {title} in {:?}", self.header))
    }

    /// A task's cell in the column whose title starts with `title`.
    fn cell(&self, task: u32, title: &str) -> &str {
        let (_, cells) = &self.rows[&task];
        &cells[&self.header[self.col(title)]]
    }

    /// A task's cell's A1 reference.
    fn at(&self, task: u32, title: &str) -> String {
        a1(self.rows[&task].0, self.col(title) as u32)
    }
}

const LAST: [&str; 3] = ["上期推进状态", "上期完成进度(%)", "上期工作进展"];
const INPUTS: [&str; 6] = [
    "推进状态",
    "完成进度(%)",
    "工作进展",
    "存在问题",
    "下步措施",
    "备注",
];

#[test]
fn second_round_templates_show_each_units_last_round_locked() {
    let (_wd, ws, cat) = two_rounds("last-round-templates");

    // Round 1: 完成时限 right after 任务内容 for a unit holding task 3, no 上期 columns; a
    // unit without a task with a 完成时限 has the template as before.
    let kj1 = Sheet::read(&template_of(&ws, Q1, KJ));
    let base: Vec<&str> = duban::columns::TASK_COLUMNS
        .iter()
        .map(|c| c.title)
        .collect();
    let mut with_due = base.clone();
    with_due.insert(3, "完成时限");
    assert_eq!(kj1.header, with_due);
    assert_eq!(kj1.cell(3, "完成时限"), DUE);
    assert_eq!(kj1.cell(2, "完成时限"), "", "a task without one");
    assert_eq!(Sheet::read(&template_of(&ws, Q1, FIN)).header, base);

    // Round 2: last round's three columns, locked, just before this round's inputs.
    let kj2 = Sheet::read(&template_of(&ws, Q2, KJ));
    let status = kj2.col("推进状态");
    let want = [
        LAST[0].to_string(),
        LAST[1].to_string(),
        format!("{}\n（{Q1}）", LAST[2]),
    ];
    assert_eq!(kj2.header[status - 3..status], want);
    assert_eq!(kj2.header[3], "完成时限");
    assert_eq!(kj2.cell(3, "完成时限"), DUE);
    assert_eq!(
        [0, 1, 2].map(|i| kj2.cell(3, LAST[i])),
        ["滞后", "30", KJ3],
        "task 3 as 区科技局 reported it"
    );
    // Every other task as its round-1 return had it; co-unit rows without progress.
    let q1 = Return::clean(&cat, KJ, Q1, false);
    for (n, role) in cat.tasks_of_unit(KJ).iter().filter(|(n, _)| *n != 3) {
        let progress = match &q1.rows[q1.row_of(*n)][q1.col("工作进展")] {
            V::S(t) => t.clone(),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            [0, 1, 2].map(|i| kj2.cell(*n, LAST[i])),
            ["序时推进", "50", progress.as_str()],
            "task {n}"
        );
        assert_eq!(progress.is_empty(), *role == Role::CoUnit);
    }
    for n in kj2.rows.keys() {
        for title in INPUTS {
            assert_eq!(kj2.cell(*n, title), "", "task {n}: {title} left to fill");
        }
    }

    // Locked: the reference cells' formats are locked, the inputs' unlocked, on a
    // protected sheet.
    let path = template_of(&ws, Q2, KJ);
    let (xml, styles) = (
        part(&path, "xl/worksheets/sheet2.xml"),
        part(&path, "xl/styles.xml"),
    );
    assert!(xml.contains("<sheetProtection"), "任务进展 is protected");
    for title in LAST.iter().chain(&["完成时限"]) {
        let xf = cell_style(&xml, &kj2.at(3, title));
        assert!(!unlocked(&styles, xf), "{title} is locked");
    }
    for title in INPUTS {
        assert!(
            unlocked(&styles, cell_style(&xml, &kj2.at(3, title))),
            "{title} is open"
        );
    }
    // Another grey than the catalog's cells, so that history reads as history.
    assert_ne!(
        cell_style(&xml, &kj2.at(3, "上期工作进展")),
        cell_style(&xml, &kj2.at(3, "任务内容"))
    );

    // The rows' identity hashes cover the catalog's six cells only: neither 完成时限 nor
    // last round's cells, which a unit may edit or delete without consequence.
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    let id = book.worksheet_range(layout::SHEET_IDENTITY).unwrap();
    let entry = (id.rows())
        .find(|r| r[0] == Data::String("task.3".into()))
        .expect("task 3's identity row")[1]
        .to_string();
    let (_, hash) = duban::template::parse_task_entry(&entry).unwrap();
    let six: Vec<&str> = (duban::columns::TASK_COLUMNS[..duban::template::CANONICAL_TASK_COLUMNS])
        .iter()
        .map(|c| kj2.cell(3, c.title))
        .collect();
    assert_eq!(hash, duban::template::row_hash(&six));

    // A co-unit sees its own report of the task, not the host's; a unit that sent nothing
    // sees 未报送.
    let park = Sheet::read(&template_of(&ws, Q2, PARK));
    assert_eq!(
        [0, 1, 2].map(|i| park.cell(3, LAST[i])),
        ["序时推进", "40", PARK3]
    );
    let town = Sheet::read(&template_of(&ws, Q2, TOWN));
    assert_eq!([0, 1, 2].map(|i| town.cell(3, LAST[i])), ["未报送", "", ""]);
    // 填报说明 explains the columns and names the round.
    let guide = part(&path, "xl/sharedStrings.xml");
    assert!(
        guide.contains(&format!("本单位上期（{Q1}）报送的内容")),
        "填报说明"
    );
}

/// Renames the header cells of 任务进展 in a template's XML (a clerk's own titles).
fn rename(bytes: &[u8], sheet: &Sheet, renames: &[(&str, &str)]) -> Vec<u8> {
    let h = duban::template::HEADER_ROW;
    patch_zip(bytes, |path, xml| {
        (path == "xl/worksheets/sheet2.xml").then(|| {
            renames.iter().fold(xml.to_string(), |x, (from, to)| {
                set_cell(&x, &a1(h, sheet.col(from) as u32), &s(to))
            })
        })
    })
}

/// Each checked file's issues by code, from `check --format json`.
fn issues(ws: &Path) -> HashMap<String, Vec<(String, Value)>> {
    let run = run_in(ws, &["check", "--format", "json"]);
    let v: Value =
        serde_json::from_str(&run.stdout()).unwrap_or_else(|e| panic!("{e}: {}", run.describe()));
    let mut out = HashMap::new();
    for f in v["files"].as_array().unwrap() {
        let name = Path::new(f["path"].as_str().unwrap()).file_name().unwrap();
        let list = (f["issues"].as_array().unwrap().iter())
            .map(|i| (i["code"].as_str().unwrap().to_string(), i.clone()))
            .collect();
        out.insert(name.to_string_lossy().into_owned(), list);
    }
    out
}

#[test]
fn returns_from_second_round_templates_are_read_and_copies_caught() {
    let (_wd, ws, cat) = two_rounds("last-round-returns");
    let returns = ws.join("rounds").join(Q2).join("回收");
    let template = |unit| std::fs::read(template_of(&ws, Q2, unit)).unwrap();

    // 区科技局 renames this round's columns 本期…; the 上期 columns before them are still
    // not taken for them.
    let kj = Sheet::read(&template_of(&ws, Q2, KJ));
    let filled = fill_template(
        &template(KJ),
        &cat,
        &[
            (3, "完成进度(%)", V::N(45.0)),
            (3, "推进状态", s("序时推进")),
        ],
    );
    let renamed = rename(
        &filled,
        &kj,
        &[
            ("推进状态", "本期推进状态"),
            ("完成进度(%)", "本期完成进度"),
            ("工作进展", "本期工作进展"),
        ],
    );
    std::fs::write(returns.join("kj.xlsx"), renamed).unwrap();
    // 工业园区 copies last round's text, as shown beside it, into this round's 工作进展.
    let park = Sheet::read(&template_of(&ws, Q2, PARK));
    let shown = park.cell(3, "上期工作进展").to_string();
    let copied = fill_template(&template(PARK), &cat, &[(3, "工作进展", s(&shown))]);
    std::fs::write(returns.join("park.xlsx"), copied).unwrap();
    // 新兖镇 types over a locked reference cell (a program that ignores protection).
    let town = Sheet::read(&template_of(&ws, Q2, TOWN));
    let filled = fill_template(&template(TOWN), &cat, &[]);
    let edited = patch_zip(&filled, |path, xml| {
        (path == "xl/worksheets/sheet2.xml")
            .then(|| set_cell(xml, &town.at(3, "上期工作进展"), &s("随手改了上期")))
    });
    std::fs::write(returns.join("town.xlsx"), edited).unwrap();
    // 区财政局 fills a template without the 上期 columns (an older duban's, or deleted).
    std::fs::write(
        returns.join("fin.xlsx"),
        Return::clean(&cat, FIN, Q2, false).bytes(),
    )
    .unwrap();
    // 区商务局 moved the 上期 columns after 备注, with other values in them.
    let mut moved = Return::clean(&cat, "区商务局", Q2, false);
    moved
        .insert_column("备注", "上期推进状态", s("已完成"))
        .insert_column("备注", "上期完成进度(%)", V::N(100.0))
        .insert_column(
            "备注",
            "上期工作进展",
            s("全面完成年度目标任务，形成工作总结。"),
        );
    std::fs::write(returns.join("moved.xlsx"), moved.bytes()).unwrap();

    let found = issues(&ws);
    let codes = |file: &str| -> Vec<&str> { found[file].iter().map(|(c, _)| c.as_str()).collect() };
    for file in [
        "kj.xlsx",
        "town.xlsx",
        "fin.xlsx",
        "moved.xlsx",
        "park.xlsx",
    ] {
        assert!(
            codes(file).iter().all(|c| !c.starts_with("E-")),
            "{file} passes: {:?}",
            found[file]
        );
    }
    for file in ["kj.xlsx", "town.xlsx", "fin.xlsx", "moved.xlsx"] {
        assert!(
            !codes(file).contains(&"W-PROGRESS-COPIED"),
            "{file}: {:?}",
            found[file]
        );
    }
    let copied: Vec<&Value> = (found["park.xlsx"].iter())
        .filter(|(c, _)| c == "W-PROGRESS-COPIED")
        .map(|(_, i)| i)
        .collect();
    assert_eq!(copied.len(), 1, "{:?}", found["park.xlsx"]);
    assert_eq!(copied[0]["task"], 3);

    // What the merge took from 区科技局 is this round's, not the 上期 cells.
    ok(&ws, &["merge"]);
    let csv = std::fs::read_to_string(
        (ws.join("rounds").join(Q2).join("汇总")).join(duban::outputs::detail_csv(Q2)),
    )
    .unwrap();
    let kj3: Vec<&str> = csv
        .lines()
        .find(|l| l.starts_with(&format!("{KJ},3,")))
        .unwrap_or_else(|| panic!("{csv}"))
        .split(',')
        .collect();
    assert_eq!(kj3[3..5], ["序时推进", "45"], "{kj3:?}");
    assert!(kj3[5].starts_with("\"任务3："), "{kj3:?}");
}

/// Printed by LibreOffice (A4 landscape, fitted to one page wide), a second-round template
/// with 完成时限 and last round's three columns keeps every column on the page, and its
/// text stays readable: measured at about 6 pt here (7.5 pt for a first-round template
/// without 完成时限), never below 5.5.
#[test]
fn a_second_round_template_prints_one_page_wide() {
    let (wd, ws, _) = two_rounds("last-round-print");
    let pdf = soffice_print(&template_of(&ws, Q2, KJ), &wd.path("pdf"));
    // Page 2: 填报说明 is page 1, then 任务进展's seven tasks on one page.
    let page = crate::printed::pages(&pdf).swap_remove(1);
    let (width, height) = (page.width, page.height);
    assert!(width > height, "landscape: {width} × {height}");
    let words: Vec<(String, f64, f64)> = (page.words.iter())
        .map(|w| (w.text.clone(), w.x_max, w.y_max - w.y_min))
        .collect();
    for title in [
        "序号",
        "任务内容",
        "完成时限",
        "上期推进状态",
        "上期工作进展",
        "推进状态",
        "工作进展",
        "下步措施",
        "备注",
    ] {
        let w = (words.iter().find(|(t, _, _)| t == title))
            .unwrap_or_else(|| panic!("{title} printed on the tasks' page: {words:?}"));
        assert!(w.1 <= width, "{title} inside the page");
    }
    let smallest = words.iter().map(|w| w.2).fold(f64::MAX, f64::min);
    assert!(smallest >= 5.5, "text printed at {smallest:.2} pt");
}
