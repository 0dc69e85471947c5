//! `duban catalog`: the 2020 catalog is exact, the parser reports bad notices by line, and
//! show/export say what the office needs.

use serde_json::Value;

use crate::workdir::{notice_path, repo, Workdir};

fn export(wd: &Workdir, extra: &[&str]) -> Value {
    let mut args = vec!["catalog", "export", "--format", "json"];
    args.extend_from_slice(extra);
    serde_json::from_str(&wd.run(&args).stdout()).expect("export is JSON")
}

fn tasks(v: &Value) -> &Vec<Value> {
    v["tasks"].as_array().unwrap()
}

fn strings(v: &Value) -> Vec<&str> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect()
}

#[test]
fn embedded_catalog_has_77_tasks_in_the_sections_of_the_notice() {
    let wd = Workdir::new("cat77");
    let v = export(&wd, &[]);
    let t = tasks(&v);
    assert_eq!(t.len(), 77);
    for (i, task) in t.iter().enumerate() {
        assert_eq!(task["number"].as_u64().unwrap() as usize, i + 1);
    }
    let ranges = [
        ("二", 1, 19),
        ("三", 20, 23),
        ("四", 24, 34),
        ("五", 35, 49),
        ("六", 50, 60),
        ("七", 61, 71),
        ("八", 72, 77),
    ];
    for (sec, first, last) in ranges {
        let nums: Vec<u64> = t
            .iter()
            .filter(|x| x["section"] == sec)
            .map(|x| x["number"].as_u64().unwrap())
            .collect();
        assert_eq!(nums, (first..=last).collect::<Vec<u64>>(), "section {sec}");
    }
    assert_eq!(v["sections"].as_array().unwrap().len(), 7);
    assert_eq!(v["sections"][0]["title"], "加快新旧动能转换");
    assert_eq!(v["sections"][6]["title"], "加强政府自身建设");
    assert_eq!(v["notice"]["number"], "济兗政发〔2020〕1号");
    assert_eq!(v["notice"]["date"], "2020-02-08");
    assert_eq!(v["notice"]["issuer"], "济宁市兖州区人民政府");
    assert_eq!(v["targets"].as_array().unwrap().len(), 5);
    assert_eq!(v["targets"][0]["name"], "地区生产总值增长");
    assert_eq!(v["targets"][0]["comparator"], "左右");
}

#[test]
fn leaders_and_their_task_counts() {
    let wd = Workdir::new("leaders");
    let v = export(&wd, &[]);
    let leaders = strings(&v["leaders"]);
    assert_eq!(leaders.len(), 16);
    let count = |name: &str| {
        tasks(&v)
            .iter()
            .filter(|t| strings(&t["leaders"]).contains(&name))
            .count()
    };
    assert_eq!(count("褚福梅"), 12);
    assert_eq!(count("屈耀武"), 31);
    // Leaders split across a page break (张\n\n修斌) are joined.
    assert_eq!(strings(&tasks(&v)[32]["leaders"]), ["张修斌", "周相华"]);
    assert_eq!(tasks(&v)[17]["leader_label"], "责任领导");
    assert_eq!(tasks(&v)[16]["leader_label"], "牵头领导");
}

#[test]
fn hosts_and_co_units_follow_the_comma_rule() {
    let wd = Workdir::new("hosts");
    let v = export(&wd, &[]);
    let t1 = &tasks(&v)[0];
    // 区\n\n发展改革局 is joined across the page break; the bold note is stripped.
    assert_eq!(
        strings(&t1["hosts"]),
        ["工业经济发展指挥部", "区工业和信息化局", "区发展改革局"]
    );
    assert_eq!(strings(&t1["co_units"]), ["工业园区", "各镇街"]);
    assert_eq!(t1["open_list"], true);
    let t3 = &tasks(&v)[2];
    assert_eq!(t3["open_list"], false);
    // No comma: all host. Typos and variants resolve to canonical names.
    let t18 = &tasks(&v)[17];
    assert!(strings(&t18["co_units"]).is_empty());
    assert!(strings(&t18["hosts"]).contains(&"大安镇"));
    assert!(strings(&t18["hosts"]).contains(&"新兖镇"));
    assert!(strings(&tasks(&v)[14]["hosts"]).contains(&"大安镇"));
    assert!(strings(&tasks(&v)[68]["hosts"]).contains(&"区市场监管局"));
    // 工\n\n业园区 with a half-width closing parenthesis.
    assert_eq!(strings(&tasks(&v)[22]["co_units"]), ["工业园区", "各镇街"]);
    // The text keeps no page-break seams, bold marks or the variant 兗.
    let all: String = tasks(&v)
        .iter()
        .map(|t| t["text"].as_str().unwrap())
        .collect();
    assert!(!all.contains("**") && !all.contains('兗') && !all.contains('\n'));
}

#[test]
fn every_unit_name_of_the_notice_resolves_to_the_registry() {
    let wd = Workdir::new("units");
    let v = export(&wd, &[]);
    let units: Vec<&str> = v["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["name"].as_str().unwrap())
        .collect();
    let groups: Vec<&str> = v["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap())
        .collect();
    for t in tasks(&v) {
        for n in strings(&t["hosts"])
            .into_iter()
            .chain(strings(&t["co_units"]))
        {
            assert!(
                units.contains(&n) || groups.contains(&n),
                "task {}: {n}",
                t["number"]
            );
        }
    }
    // The raw notice's names, one by one, through `catalog show --unit`.
    for name in [
        "新兗镇",
        "大安区",
        "大山镇",
        "区市场监督管理局",
        "“双招双引”指挥部",
        "人民银行兖州支行",
    ] {
        wd.run(&["catalog", "show", "--unit", name]);
    }
}

#[test]
fn indicators_of_tasks_3_52_61() {
    let wd = Workdir::new("ind");
    let v = export(&wd, &[]);
    let ind = |n: usize| -> Vec<(String, f64, String, String)> {
        tasks(&v)[n - 1]["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                (
                    i["name"].as_str().unwrap().to_string(),
                    i["target"].as_f64().unwrap(),
                    i["unit"].as_str().unwrap().to_string(),
                    i["comparator"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let e = |n: &str, t: f64, u: &str, c: &str| (n.to_string(), t, u.to_string(), c.to_string());
    assert_eq!(
        ind(3),
        [
            e("新增国家级高新技术企业", 4.0, "家", "—"),
            e("新增省级以上创新平台", 3.0, "家", "—")
        ]
    );
    assert_eq!(
        ind(52),
        [
            e("压减煤炭消费量", 77.33, "万吨", "—"),
            e("万元GDP能耗降低", 3.7, "%", "—")
        ]
    );
    assert_eq!(ind(61), [e("新增城镇就业", 6000.0, "人", "—")]);
    // Numbers that are names or conditions are not indicators.
    assert!(ind(1).is_empty(), "“510”企业培育工程");
    assert!(ind(44).iter().all(|i| i.2 != "千伏"));
    assert_eq!(
        ind(37).len(),
        1,
        "超过10万元 is the condition of a 60% share"
    );
    assert_eq!(ind(37)[0].3, "以上");
    // Every quantitative target the notice states, counted by hand from its text: 41
    // (the notice's own summary says "about 45", counting the 5 main targets of section 一
    // that belong to no task).
    let total: usize = (1..=77).map(|n| ind(n).len()).sum();
    assert_eq!(total, 41, "indicators over the 77 tasks");
}

#[test]
fn groups_expand_and_open_groups_are_named() {
    let wd = Workdir::new("groups");
    let v = export(&wd, &["--expand"]);
    let t3 = &tasks(&v)[2];
    let co = strings(&t3["co_units"]);
    assert_eq!(co.len(), 11, "工业园区 + 10 towns and streets: {co:?}");
    for town in [
        "新兖镇",
        "小孟镇",
        "大安镇",
        "新驿镇",
        "颜店镇",
        "漕河镇",
        "鼓楼街道",
        "龙桥街道",
        "酒仙桥街道",
        "兴隆庄街道",
    ] {
        assert!(co.contains(&town), "{town}");
    }
    // 区直有关部门 cannot be enumerated: it expands to nothing, and the catalog says so.
    assert_eq!(strings(&tasks(&v)[73]["co_units"]), Vec::<&str>::new());
    let g = v["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == "区直有关部门")
        .unwrap();
    assert_eq!(g["enumerable"], false);
    let shown = wd.run(&["catalog", "show", "--task", "74"]).stdout();
    assert!(
        shown.contains("“区直有关部门”无法展开为具体单位"),
        "{shown}"
    );
    let overview = wd.run(&["catalog", "show"]).stdout();
    assert!(
        overview.contains("“各金融机构”无法展开为具体单位"),
        "{overview}"
    );
}

#[test]
fn show_unit_lists_tasks_with_roles() {
    let wd = Workdir::new("showunit");
    let out = wd.run(&["catalog", "show", "--unit", "区科技局"]).stdout();
    assert!(
        out.starts_with("区科技局（区直部门，属于区直各部门）：7 项任务"),
        "{out}"
    );
    let rows: Vec<&str> = out
        .lines()
        .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_digit()))
        .collect();
    let numbers: Vec<&str> = rows
        .iter()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(numbers, ["2", "3", "6", "13", "32", "36", "50"]);
    assert!(rows[4].contains("主办（区直各部门）"), "{}", rows[4]);
    let town = wd.run(&["catalog", "show", "--unit", "新兗镇"]).stdout();
    assert!(town.contains("协办（各镇街）"), "{town}");
    let bad = wd.output(&["catalog", "show", "--unit", "区科技"]);
    bad.assert_code(2);
    assert!(
        bad.stderr().contains("最接近的是：区科技局"),
        "{}",
        bad.describe()
    );
    let leader = wd.run(&["catalog", "show", "--leader", "褚福梅"]).stdout();
    assert!(leader.starts_with("褚福梅 牵头的任务：12 项"), "{leader}");
}

#[test]
fn import_reproduces_the_committed_catalog() {
    let wd = Workdir::new("import");
    let notice = notice_path();
    wd.run(&[
        "catalog",
        "import",
        notice.to_str().unwrap(),
        "-o",
        "c.toml",
    ]);
    let committed = std::fs::read_to_string(repo().join("templates/catalog-2020.toml")).unwrap();
    assert!(
        wd.read("c.toml") == committed,
        "import differs from templates/catalog-2020.toml"
    );
    // It does not overwrite without --force.
    let again = wd.output(&[
        "catalog",
        "import",
        notice.to_str().unwrap(),
        "-o",
        "c.toml",
    ]);
    again.assert_code(2);
    assert!(again.stderr().contains("--force"), "{}", again.describe());
}

#[test]
fn json_export_round_trips_through_the_catalog_file() {
    let wd = Workdir::new("roundtrip");
    wd.run(&["catalog", "export", "--format", "json", "-o", "c.json"]);
    wd.run(&["catalog", "import", "c.json", "-o", "c.toml"]);
    let committed = std::fs::read_to_string(repo().join("templates/catalog-2020.toml")).unwrap();
    assert!(
        wd.read("c.toml") == committed,
        "round trip changed the catalog file"
    );
    // And the re-imported file is a usable --catalog that exports the same JSON.
    let again = wd
        .run(&[
            "--catalog",
            "c.toml",
            "catalog",
            "export",
            "--format",
            "json",
        ])
        .stdout();
    assert_eq!(again, wd.read("c.json"));
}

#[test]
fn csv_export_has_a_bom_and_a_row_per_task() {
    let wd = Workdir::new("csv");
    wd.run(&["catalog", "export", "--format", "csv", "-o", "c.csv"]);
    let bytes = std::fs::read(wd.path("c.csv")).unwrap();
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF");
    let mut r = csv::Reader::from_reader(&bytes[3..]);
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    assert_eq!(rows.len(), 77);
    assert_eq!(&rows[2][0], "3");
    assert!(rows[2][9].contains("新增国家级高新技术企业 4家"));
}

/// The notice with one edit, and the line the parser must blame.
fn broken_notice(wd: &Workdir, from: &str, to: &str) -> String {
    let text = std::fs::read_to_string(notice_path()).unwrap();
    assert!(text.contains(from), "fixture text moved: {from}");
    wd.create("n.md", text.replacen(from, to, 1));
    let line = text.lines().position(|l| l.contains(from)).unwrap() + 1;
    let r = wd.output(&["catalog", "import", "n.md", "-o", "out.toml"]);
    r.assert_code(2);
    assert!(!wd.path("out.toml").exists(), "a half catalog was written");
    assert!(
        r.stderr().contains(&format!("第 {line} 行")),
        "expected line {line}\n{}",
        r.describe()
    );
    r.stderr()
}

#[test]
fn missing_parenthesis_is_reported_with_its_line() {
    let wd = Workdir::new("paren");
    let err = broken_notice(
        &wd,
        "（牵头领导：屈耀武。承办单位：**区市场监管局，工业园区、各镇街**）",
        "",
    );
    assert!(err.contains("任务 5 缺少完整的（牵头领导"), "{err}");
}

#[test]
fn repeated_and_skipped_numbers_are_reported() {
    let wd = Workdir::new("repeat");
    let err = broken_notice(&wd, "7、牢固树立", "6、牢固树立");
    assert!(err.contains("任务编号 6 重复"), "{err}");
    let wd = Workdir::new("skip");
    let err = broken_notice(&wd, "7、牢固树立", "9、牢固树立");
    assert!(err.contains("缺少任务 7"), "{err}");
}

#[test]
fn unknown_unit_is_listed_with_closest_names() {
    // A name the registry lacks is taken as written (a new unit of the notice, or a typo)
    // and listed with the closest known names: the office decides, nothing is dropped.
    let wd = Workdir::new("unknown");
    let text = std::fs::read_to_string(notice_path()).unwrap();
    let from = "承办单位：**区市场监管局，工业园区、各镇街**）";
    assert!(text.contains(from), "fixture text moved");
    wd.create(
        "n.md",
        text.replacen(from, "承办单位：**区市场管理所，工业园区、各镇街**）", 1),
    );
    let r = wd.output(&["catalog", "import", "n.md", "-o", "out.toml"]);
    r.assert_code(1);
    let out = r.stdout();
    assert!(
        out.contains("其中 1 个单位不在单位名录中"),
        "{}",
        r.describe()
    );
    assert!(
        out.contains("区市场管理所（按名称记为区直部门，最接近的是：区市场监管局"),
        "{}",
        r.describe()
    );
    let cat = duban::catalog::Catalog::load(Some(&wd.path("out.toml"))).unwrap();
    assert_eq!(cat.task(5).unwrap().hosts, ["区市场管理所"]);
}

/// Every cell and every sheet name (hidden ones too) of a workbook.
fn workbook_texts(path: &std::path::Path) -> Vec<String> {
    use calamine::{open_workbook, Reader, Xlsx};
    let mut wb: Xlsx<_> = open_workbook(path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let mut texts = wb.sheet_names();
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).unwrap();
        texts.extend(range.cells().map(|(_, _, c)| c.to_string()));
    }
    texts
}

/// Regression: the template's title was a constant of 2020, so a 2021 catalog wrote
/// "2020年政府工作报告任务落实进展情况" on every template.
#[test]
fn a_2021_catalog_writes_no_2020_in_templates_or_merge() {
    let wd = Workdir::new("catalog-2021");
    // The 2020 catalog made a 2021 one as an office would: notice, date and texts of the
    // new year. It names no year and no title: both follow from the notice's date.
    let committed = std::fs::read_to_string(repo().join("templates/catalog-2020.toml")).unwrap();
    assert!(!committed.contains("template_title") && !committed.contains("\nyear"));
    wd.create("c2021.toml", committed.replace("2020", "2021"));
    let with = |args: &[&'static str]| [&["--catalog", "c2021.toml"], args].concat();
    let (round, units) = ("2021年第一季度", ["区科技局", "新兖镇"]);
    let run = wd.run(&with(&[
        "templates",
        "--round",
        round,
        "--deadline",
        "2021-04-05",
        "--out",
        "模板",
        "--unit",
        units[0],
        "--unit",
        units[1],
    ]));
    assert!(run.stdout().contains("已为 2 个单位"), "{}", run.describe());
    let cat = duban::catalog::Catalog::load(Some(&wd.path("c2021.toml"))).unwrap();
    for unit in units {
        let file = format!("{round}_{unit}_任务进展填报表.xlsx");
        let template = std::fs::read(wd.path(&format!("模板/{file}"))).unwrap();
        let filled = crate::returns::fill_template(&template, &cat, &[]);
        wd.create(&format!("回收/{file}"), filled);
    }
    wd.run(&with(&["merge", "回收", "--round", round, "--out", "汇总"]));

    let mut books = 0;
    for dir in ["模板", "汇总"] {
        for entry in std::fs::read_dir(wd.path(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "xlsx") {
                books += 1;
                let texts = workbook_texts(&path);
                let year_2020: Vec<&String> = texts.iter().filter(|t| t.contains("2020")).collect();
                assert!(year_2020.is_empty(), "{path:?}: {year_2020:?}");
                if dir == "模板" {
                    assert!(
                        texts
                            .iter()
                            .any(|t| t == "2021年政府工作报告任务落实进展情况"),
                        "{path:?}: the title of the catalog's year"
                    );
                }
            }
        }
    }
    // 2 templates, the consolidated workbook and the leaders' summaries.
    assert!(books > 3, "{books} workbooks");
}
