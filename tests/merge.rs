//! `duban merge` on returns built here as real files: the statuses of named tasks in 总表,
//! the counts of 统计 against counts made here, a leader summary's order and count line, the
//! indicator completion rates, the CSV's BOM and neutralised cells, the supersede rule,
//! identical bytes on a second run, and the refusal to overwrite.

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use duban::catalog::{format_number, Catalog};

use crate::returns::{s, Return, V};
use crate::workdir::{soffice_convert, tree, Workdir};

const ROUND: &str = "2020年第一季度";

/// The merge's order of statuses, least advanced first.
const ORDER: [&str; 4] = ["滞后", "未启动", "序时推进", "已完成"];

/// What the test wrote: unit → task → (status, percent), for the accepted, latest returns.
type Sent = BTreeMap<String, BTreeMap<u32, (String, f64)>>;

struct Round {
    wd: Workdir,
    cat: Catalog,
    sent: Sent,
    /// (task, indicator) → values reported by the task's lead host (the task's total; other
    /// hosts' and co-units' values do not count).
    values: BTreeMap<(u32, String), Vec<f64>>,
}

fn put(sent: &mut Sent, values: &mut BTreeMap<(u32, String), Vec<f64>>, r: &Return, cat: &Catalog) {
    let (c_task, c_status, c_pct) = (r.col("序号"), r.col("推进状态"), r.col("完成进度(%)"));
    let rows = sent.entry(r.unit.clone()).or_default();
    for row in &r.rows {
        let (V::N(t), V::S(st), V::N(p)) = (&row[c_task], &row[c_status], &row[c_pct]) else {
            panic!("unexpected row {row:?}")
        };
        rows.insert(*t as u32, (st.clone(), *p));
    }
    for (task, name, v) in &r.indicators {
        let lead = cat.task(*task).and_then(|t| t.hosts.first());
        if let (V::N(v), true) = (v, lead == Some(&r.unit)) {
            values.entry((*task, name.clone())).or_default().push(*v);
        }
    }
}

/// Four units return; 区科技局 twice (the earlier return says 滞后 and must not count).
fn round() -> Round {
    let wd = Workdir::new("merge");
    let cat = Catalog::embedded();
    let mut sent = Sent::new();
    let mut values = BTreeMap::new();

    let mut early = Return::clean(&cat, "区科技局", ROUND, false);
    early
        .set(3, "推进状态", s("滞后"))
        .set(3, "存在问题", s("资金未到位"));
    early.modified = Some((2020, 4, 1, 9));
    wd.create("returns/区科技局_初报.xlsx", early.bytes());

    let mut kj = Return::clean(&cat, "区科技局", ROUND, false);
    kj.set(3, "推进状态", s("已完成"))
        .set(3, "完成进度(%)", V::N(100.0));
    kj.modified = Some((2020, 4, 3, 9));
    wd.create("returns/区科技局_更正.xlsx", kj.bytes());
    put(&mut sent, &mut values, &kj, &cat);

    let mut cz = Return::clean(&cat, "区财政局", ROUND, false);
    cz.set(11, "推进状态", s("滞后"))
        .set(11, "完成进度(%)", V::N(10.0))
        .set(11, "存在问题", s("=SUM(A1:A3) 资金未到位"))
        .set(11, "下步措施", s("-加快拨付"))
        .set(11, "工作进展", s("@财政局 已对接"));
    wd.create("returns/区财政局.xlsx", cz.bytes());
    put(&mut sent, &mut values, &cz, &cat);

    let mut fg = Return::clean(&cat, "区发展改革局", ROUND, false);
    fg.set(9, "推进状态", s("未启动"))
        .set(9, "完成进度(%)", V::N(0.0));
    // 5% at 序时进度 25%: 疑似滞后.
    fg.set(1, "完成进度(%)", V::N(5.0));
    wd.create("returns/区发展改革局.xlsx", fg.bytes());
    put(&mut sent, &mut values, &fg, &cat);

    let town = Return::clean(&cat, "新兖镇", ROUND, false);
    wd.create("returns/新兖镇.xlsx", town.bytes());
    put(&mut sent, &mut values, &town, &cat);

    Round {
        wd,
        cat,
        sent,
        values,
    }
}

impl Round {
    /// A task's state by the rule, computed here from what was sent.
    fn expected_state(&self, task: u32) -> &'static str {
        let t = self.cat.task(task).unwrap();
        let hosts: Vec<String> = t
            .hosts
            .iter()
            .flat_map(|h| self.cat.expand_name(h))
            .map(|u| u.name.clone())
            .collect();
        let statuses: Vec<usize> = hosts
            .iter()
            .filter_map(|h| self.sent.get(h)?.get(&task))
            .map(|(st, _)| ORDER.iter().position(|o| o == st).unwrap())
            .collect();
        statuses.into_iter().min().map_or("未报送", |i| ORDER[i])
    }

    fn merge(&self, extra: &[&str]) -> crate::workdir::Run {
        let mut args = vec!["merge", "returns", "--round", ROUND, "--out", "out"];
        args.extend_from_slice(extra);
        self.wd.output(&args)
    }

    fn out(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.wd.path(&format!("out/{ROUND}_{name}"))).unwrap()
    }
}

fn sheet(bytes: &[u8], name: &str) -> Vec<Vec<String>> {
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).unwrap();
    let range = wb
        .worksheet_range(name)
        .unwrap_or_else(|e| panic!("sheet {name}: {e}"));
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    Data::Float(f) => format_number((*f * 10.0).round() / 10.0),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

fn counts_line(states: &[&str]) -> String {
    let order = ["已完成", "序时推进", "滞后", "未启动", "未报送"];
    let parts: Vec<String> = order
        .iter()
        .filter_map(|o| {
            let n = states.iter().filter(|s| *s == o).count();
            (n > 0).then(|| format!("{o} {n} 项"))
        })
        .collect();
    format!("分管任务 {} 项：{}", states.len(), parts.join("，"))
}

#[test]
fn merge_writes_what_the_office_expects() {
    let r = round();
    let run = r.merge(&[]);
    run.assert_code(0);
    assert!(run.stdout().contains("采用 4 份"), "{}", run.describe());

    let book = r.out("汇总.xlsx");
    let total = sheet(&book, "总表");
    let col = |t: &str| total[2].iter().position(|h| h == t).unwrap();
    let (st, behind, colour, hosts) = (
        col("推进状态"),
        col("疑似滞后"),
        col("三色标识"),
        col("主办单位填报情况"),
    );
    let row = |n: u32| {
        total
            .iter()
            .find(|x| x[0] == n.to_string())
            .unwrap()
            .clone()
    };
    // Named tasks: the later 区科技局 return counts (已完成), not the superseded 滞后.
    assert_eq!(row(3)[st], "已完成");
    assert_eq!(row(11)[st], "滞后");
    assert_eq!(row(9)[st], "未启动");
    assert_eq!(row(1)[st], "序时推进");
    assert_eq!(row(1)[behind], "疑似滞后");
    assert_eq!(row(3)[colour], "蓝");
    assert_eq!(row(11)[colour], "黄");
    assert!(
        row(1)[hosts].contains("区发展改革局：序时推进 5%"),
        "{}",
        row(1)[hosts]
    );
    assert!(
        row(1)[hosts].contains("区工业和信息化局：未报送"),
        "{}",
        row(1)[hosts]
    );
    for n in 1..=77 {
        assert_eq!(row(n)[st], r.expected_state(n), "task {n}");
    }

    // 统计: the 合计 row against counts made here.
    let states: Vec<&str> = (1..=77).map(|n| r.expected_state(n)).collect();
    let count = |s: &str| states.iter().filter(|x| **x == s).count().to_string();
    let stats = sheet(&book, "统计");
    let sum = stats.iter().find(|x| x[0] == "合计").unwrap();
    assert_eq!(
        sum[1..7],
        [
            "77".to_string(),
            count("已完成"),
            count("序时推进"),
            count("滞后"),
            count("未启动"),
            count("未报送")
        ]
    );
    let expected_units = r.cat.assignments().len();
    assert!(
        stats[1][0].contains(&format!("应报送单位 {expected_units} 个，已报送 4 个")),
        "{}",
        stats[1][0]
    );

    // A leader's summary: count line on top, lagging tasks first.
    let leader = sheet(&r.out("褚福梅_分管任务进展.xlsx"), "分管任务进展");
    let led: Vec<u32> = r.cat.tasks_of_leader("褚福梅").map(|t| t.number).collect();
    let led_states: Vec<&str> = led.iter().map(|n| r.expected_state(*n)).collect();
    assert!(
        leader[1][0].starts_with(&counts_line(&led_states)),
        "{}",
        leader[1][0]
    );
    let status = leader[2].iter().position(|t| t == "推进状态").unwrap();
    let shown: Vec<&str> = leader[3..].iter().map(|x| x[status].as_str()).collect();
    assert_eq!(shown.len(), led.len());
    let rank = |s: &str| {
        ["滞后", "未启动", "未报送", "序时推进", "已完成"]
            .iter()
            .position(|o| *o == s)
            .unwrap()
    };
    assert!(
        shown.windows(2).all(|w| rank(w[0]) <= rank(w[1])),
        "{shown:?}"
    );
    assert!(rank(shown[0]) <= 2, "a lagging task first: {shown:?}");
    assert_eq!(
        leader.last().unwrap()[0],
        "3",
        "task 3, the one done, comes last"
    );

    // Indicator completion rates: values sent here over targets.
    let ind = sheet(&book, "量化指标");
    for task in r.cat.tasks() {
        for i in &task.indicators {
            let line = ind
                .iter()
                .find(|x| x[0] == task.number.to_string() && x[1] == i.name)
                .unwrap_or_else(|| panic!("no indicator {}", i.name));
            match r.values.get(&(task.number, i.name.clone())) {
                None => assert_eq!(line[6], "未报送", "{}", i.name),
                Some(v) => {
                    let total: f64 = if i.unit.contains('%') {
                        v.iter().sum::<f64>() / v.len() as f64
                    } else {
                        v.iter().sum()
                    };
                    let rate = (total / i.target * 100.0 * 10.0).round() / 10.0;
                    assert_eq!(line[7], format_number(rate), "{}", i.name);
                }
            }
        }
    }

    // Supersede: both 区科技局 files listed; the earlier one marked.
    let files = sheet(&book, "报送文件");
    let early = files
        .iter()
        .find(|x| x[0].ends_with("区科技局_初报.xlsx"))
        .unwrap();
    assert_eq!(early[3], "已被替代");
    assert!(early[4].ends_with("区科技局_更正.xlsx"));

    // The check report carries the 疑似滞后 warning.
    let json: serde_json::Value = serde_json::from_slice(&r.out("校验报告.json")).unwrap();
    let fg = json["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["unit"] == "区发展改革局")
        .unwrap();
    assert!(
        fg["issues"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["code"] == "W-BEHIND-SCHEDULE" && i["task"] == 1),
        "{fg:#}"
    );

    // CSV: BOM, one row per returned row, formulas neutralised.
    let csv = r.out("明细.csv");
    assert!(csv.starts_with(b"\xEF\xBB\xBF"));
    let mut rd = csv::Reader::from_reader(&csv[3..]);
    let recs: Vec<csv::StringRecord> = rd.records().map(|x| x.unwrap()).collect();
    let rows_sent: usize = r.sent.values().map(|m| m.len()).sum();
    assert_eq!(recs.len(), rows_sent);
    let cz11 = recs
        .iter()
        .find(|x| &x[0] == "区财政局" && &x[1] == "11")
        .unwrap();
    assert_eq!(&cz11[5], "'@财政局 已对接");
    assert_eq!(&cz11[6], "'=SUM(A1:A3) 资金未到位");
    assert_eq!(&cz11[7], "'-加快拨付");

    // 分单位明细: the same rows as the CSV, with the text as returned (a workbook cell
    // is not a formula unless written as one, so nothing is prefixed there).
    let book = r.out("汇总.xlsx");
    let detail = sheet(&book, "分单位明细");
    assert_eq!(
        detail.len(),
        3 + rows_sent,
        "title, information line, header, rows"
    );
    let row = detail
        .iter()
        .find(|x| x[0] == "区财政局" && x[1] == "11")
        .unwrap();
    assert_eq!(row[5], "@财政局 已对接");
    for (unit, tasks) in &r.sent {
        for (task, (status, percent)) in tasks {
            let row = detail
                .iter()
                .find(|x| &x[0] == unit && x[1] == task.to_string())
                .unwrap_or_else(|| panic!("{unit} {task} not in 分单位明细"));
            assert_eq!(&row[3], status, "{unit} {task}");
            assert_eq!(row[4], format_number(*percent), "{unit} {task}");
        }
    }
    // Its grid and status colours are conditional formats over exactly the rows written,
    // status rules first (LibreOffice applies only the first rule that holds).
    let xml = sheet_xml(&book, "分单位明细");
    // Under the title, the information line and the header: rows 4 on.
    let last = rows_sent + 3;
    let grid = format!("<conditionalFormatting sqref=\"A4:L{last}\">");
    let status = format!("<conditionalFormatting sqref=\"D4:D{last}\">");
    assert!(xml.contains(&grid), "{}", &xml[xml.len() - 3000..]);
    assert!(xml.find(&status).unwrap() < xml.find(&grid).unwrap());
    for word in ["已完成", "序时推进", "滞后", "未启动"] {
        assert!(
            xml.contains(&format!("<formula>\"{word}\"</formula>")),
            "{word}"
        );
    }
    assert!(xml.contains("containsBlanks"));
}

/// The XML of a sheet of an .xlsx, found by its name through workbook.xml and its rels.
fn sheet_xml(bytes: &[u8], name: &str) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut read = |path: &str| {
        let mut s = String::new();
        zip.by_name(path).unwrap().read_to_string(&mut s).unwrap();
        s
    };
    let workbook = read("xl/workbook.xml");
    let at = workbook.find(&format!("name=\"{name}\"")).unwrap();
    let rid = workbook[at..].split("r:id=\"").nth(1).unwrap();
    let rid = &rid[..rid.find('"').unwrap()];
    let rels = read("xl/_rels/workbook.xml.rels");
    let at = rels.find(&format!("Id=\"{rid}\"")).unwrap();
    let rel = &rels[rels[..at].rfind('<').unwrap()..];
    let target = rel.split("Target=\"").nth(1).unwrap();
    let target = &target[..target.find('"').unwrap()];
    read(&format!("xl/{}", target.trim_start_matches("/xl/")))
}

#[test]
fn rerun_gives_identical_bytes_and_refuses_to_overwrite() {
    let r = round();
    let returns = tree(&r.wd.path("returns"));
    assert_eq!(returns.len(), 5);
    r.merge(&[]).assert_code(0);
    let names: Vec<String> = std::fs::read_dir(r.wd.path("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    // Five files, per leader a workbook and a page, and the round's page.
    assert_eq!(names.len(), 6 + 2 * r.cat.leaders().len(), "{names:?}");
    let first: BTreeMap<String, Vec<u8>> = names
        .iter()
        .map(|n| {
            (
                n.clone(),
                std::fs::read(r.wd.path(&format!("out/{n}"))).unwrap(),
            )
        })
        .collect();

    let refused = r.merge(&[]);
    refused.assert_code(2);
    assert!(
        refused.stderr().contains("--force"),
        "{}",
        refused.describe()
    );

    r.merge(&["--force"]).assert_code(0);
    for (n, bytes) in &first {
        let again = std::fs::read(r.wd.path(&format!("out/{n}"))).unwrap();
        assert!(again == *bytes, "{n} differs on a second run");
    }
    // The returns were not touched (same files, bytes and modified times after three runs),
    // and no temporary file is left behind.
    assert!(
        tree(&r.wd.path("returns")) == returns,
        "merge changed the returns folder"
    );
    assert_eq!(
        std::fs::read_dir(r.wd.path("out")).unwrap().count(),
        first.len()
    );
}

#[test]
fn as_of_and_config_change_the_judgement() {
    let r = round();
    // At the end of November (91.7%), 50% 序时推进 is far behind: red.
    r.wd.create("三色.toml", "[colour]\nred_gap = 45\n");
    r.merge(&["--as-of", "2020-11-30", "--config", "三色.toml"])
        .assert_code(0);
    let total = sheet(&r.out("汇总.xlsx"), "总表");
    let row = |n: u32| {
        total
            .iter()
            .find(|x| x[0] == n.to_string())
            .unwrap()
            .clone()
    };
    assert!(total[1][0].contains("序时进度 91.7%"), "{}", total[1][0]);
    let col = |t: &str| total[2].iter().position(|h| h == t).unwrap();
    let (st, behind, colour) = (col("推进状态"), col("疑似滞后"), col("三色标识"));
    // Task 13 (区科技局 hosts, 50%): 41.7 points behind, under the configured 45: yellow.
    assert_eq!(
        (
            row(13)[st].as_str(),
            row(13)[behind].as_str(),
            row(13)[colour].as_str()
        ),
        ("序时推进", "疑似滞后", "黄")
    );
    // 未启动 after mid-year: red.
    assert_eq!(row(9)[colour], "红");

    let bad = r.wd.output(&[
        "merge",
        "returns",
        "--round",
        ROUND,
        "--out",
        "o2",
        "--as-of",
        "2020-13-01",
    ]);
    bad.assert_code(2);
    assert!(
        bad.stderr().contains("--as-of") && bad.stderr().contains("2020-13-01"),
        "{}",
        bad.describe()
    );
}

#[test]
fn libreoffice_opens_the_workbooks() {
    let r = round();
    r.merge(&[]).assert_code(0);
    let pdfs = r.wd.path("pdf");
    for name in ["汇总.xlsx", "褚福梅_分管任务进展.xlsx"] {
        let p = r.wd.path(&format!("out/{ROUND}_{name}"));
        let pdf = soffice_convert(&p, "pdf", &pdfs);
        assert!(
            std::fs::metadata(&pdf).unwrap().len() > 10_000,
            "{}",
            pdf.display()
        );
        // A page rendered, to look at: DUBAN_KEEP_RENDER=DIR keeps it.
        let png = pdfs.join(name.replace(".xlsx", ""));
        let ok = std::process::Command::new("pdftoppm")
            .args(["-png", "-r", "60", "-f", "1", "-l", "1"])
            .arg(&pdf)
            .arg(&png)
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "pdftoppm rendered {}", pdf.display());
        let page = std::fs::read_dir(&pdfs)
            .unwrap()
            .flatten()
            .find(|e| {
                let n = e.file_name().to_string_lossy().into_owned();
                n.starts_with(&*png.file_name().unwrap().to_string_lossy()) && n.ends_with(".png")
            })
            .unwrap_or_else(|| panic!("no page image of {}", pdf.display()));
        assert!(
            page.metadata().unwrap().len() > 5_000,
            "{} is a page, not a blank",
            page.path().display()
        );
        if let Some(keep) = std::env::var_os("DUBAN_KEEP_RENDER") {
            for e in std::fs::read_dir(&pdfs).unwrap().flatten() {
                let _ = std::fs::copy(e.path(), std::path::Path::new(&keep).join(e.file_name()));
            }
        }
    }
}

#[test]
fn a_round_written_as_units_write_it_gives_its_schedule() {
    // One reader of a round's name: the spelling the check takes for 第一季度 (1季度, full
    // width digits, 3月) also gives that round's 序时进度.
    let wd = Workdir::new("merge-round-name");
    let cat = Catalog::embedded();
    wd.create(
        "returns/kj.xlsx",
        Return::clean(&cat, "区科技局", "2020年第一季度", false).bytes(),
    );
    for (i, name) in ["2020年1季度", "２０２０年第1季度", "2020年3月"]
        .iter()
        .enumerate()
    {
        let out = format!("out{i}");
        wd.output(&["merge", "returns", "--round", name, "--out", &out]);
        let json = std::fs::read_to_string(wd.path(&format!("{out}/{name}_汇总.json")))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["schedule"], 25.0, "{name}");
    }
}
