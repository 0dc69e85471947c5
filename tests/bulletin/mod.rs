//! `duban bulletin` on merges of real returns: every count of 一、总体情况 against the merge's
//! own summary, every lagging task in 三 and in the 附件 table, every unit 未报送 or 退回重报
//! in 四, the GB/T 9704 page, fonts and page numbers in the document's XML, a LibreOffice
//! conversion to PDF with 22 lines of 28 characters, two rounds for the 连续 N 期 marks and
//! the change from the last round, receipts for 未按时报送, an office's 红头 template, the
//! editable texts, and identical bytes on a second run.

use std::collections::BTreeSet;
use std::io::{Cursor, Read};
use std::path::Path;

use serde_json::Value;

use crate::printed::unescape;
use crate::workdir::{repo, rows_of, Run, Workdir};

mod format;
mod history;
mod print;

const ROUND: &str = "2020年第一季度";
const ROUND2: &str = "2020年第二季度";

/// `duban merge` of `returns` into `out` (exit 0 or 1: some returns may be sent back).
fn merge(wd: &Workdir, returns: &str, round: &str, out: &str) {
    let r = wd.output(&["merge", returns, "--round", round, "--out", out]);
    assert!(r.code() == 0 || r.code() == 1, "{}", r.describe());
}

/// The merge's summary, as the merge wrote it.
fn summary(wd: &Workdir, dir: &str, round: &str) -> Value {
    serde_json::from_str(&wd.read(&format!("{dir}/{round}_汇总.json"))).unwrap()
}

/// `duban bulletin` of the sample round from the merge in 汇总 into `out`, dated 8 April
/// 2020, then `extra`.
fn bulletin_args<'a>(out: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "bulletin",
        "--round",
        ROUND,
        "--merged",
        "汇总",
        "-o",
        out,
        "--date",
        "2020-04-08",
    ];
    args.extend_from_slice(extra);
    args
}

/// The sample round merged, and its bulletin written to 通报.docx.
fn sample_bulletin(name: &str, extra: &[&str]) -> (Workdir, Value, Run) {
    let wd = Workdir::new(name);
    let returns = repo().join("samples/returns");
    merge(&wd, returns.to_str().unwrap(), ROUND, "汇总");
    let mut args = bulletin_args("通报.docx", &["--number", "第1期"]);
    args.extend_from_slice(extra);
    let run = wd.run(&args);
    let s = summary(&wd, "汇总", ROUND);
    (wd, s, run)
}

/// One member of a zip, as text.
pub fn part(docx: &Path, name: &str) -> String {
    let bytes = std::fs::read(docx).unwrap();
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut f = z
        .by_name(name)
        .unwrap_or_else(|_| panic!("{name} in {}", docx.display()));
    let mut s = String::new();
    f.read_to_string(&mut s).unwrap();
    s
}

/// Every member of a zip: (name, uncompressed bytes), in archive order.
fn members(docx: &Path) -> Vec<(String, Vec<u8>)> {
    let mut z = zip::ZipArchive::new(Cursor::new(std::fs::read(docx).unwrap())).unwrap();
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut b = Vec::new();
            f.read_to_end(&mut b).unwrap();
            (f.name().unwrap().to_string(), b)
        })
        .collect()
}

/// The joined `w:t` text of `xml` (one paragraph or cell), a `w:br` as '\n'.
fn text_of(xml: &str) -> String {
    let mut out = String::new();
    let mut rest = xml;
    while let Some(i) = rest.find("<w:t").or_else(|| rest.find("<w:br/>")) {
        let i = match rest.find("<w:br/>") {
            Some(b) if b < i => {
                out.push('\n');
                rest = &rest[b + "<w:br/>".len()..];
                continue;
            }
            _ => i,
        };
        let after = &rest[i + 4..];
        if !(after.starts_with('>') || after.starts_with(' ')) {
            rest = after;
            continue;
        }
        let open_end = after.find('>').unwrap();
        if after[..open_end].ends_with('/') {
            rest = &after[open_end..];
            continue;
        }
        let content = &after[open_end + 1..];
        let close = content.find("</w:t>").unwrap();
        out.push_str(&unescape(&content[..close]));
        rest = &content[close..];
    }
    out
}

/// Pieces of `xml` between each `<TAG>`/`<TAG ` and its `</TAG>` (not nested).
fn elements<'a>(xml: &'a str, tag: &str) -> Vec<&'a str> {
    let (open, close) = (format!("<{tag}"), format!("</{tag}>"));
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(i) = xml[at..].find(&open) {
        let start = at + i;
        let next = xml.as_bytes()[start + open.len()];
        if next != b'>' && next != b' ' {
            at = start + open.len();
            continue;
        }
        let end = start + xml[start..].find(&close).unwrap() + close.len();
        out.push(&xml[start..end]);
        at = end;
    }
    out
}

/// The body's paragraphs outside tables, as text.
pub fn paragraphs(doc: &str) -> Vec<String> {
    let mut outside = doc.to_string();
    while let (Some(a), Some(b)) = (outside.find("<w:tbl>"), outside.find("</w:tbl>")) {
        outside.replace_range(a..b + "</w:tbl>".len(), "");
    }
    elements(&outside, "w:p").into_iter().map(text_of).collect()
}

/// The rows of the document's (first) table, each cell's paragraphs joined by '\n'.
fn table_rows(doc: &str) -> Vec<Vec<String>> {
    let first = &doc[..doc
        .find("</w:tbl>")
        .map_or(doc.len(), |e| e + "</w:tbl>".len())];
    elements(first, "w:tr")
        .into_iter()
        .map(|tr| {
            elements(tr, "w:tc")
                .into_iter()
                .map(|tc| {
                    elements(tc, "w:p")
                        .into_iter()
                        .map(text_of)
                        .collect::<Vec<_>>()
                        .join("\n")
                })
                .collect()
        })
        .collect()
}

/// The paragraphs after the heading starting with `from`, up to the next level-1 heading
/// (一、…五、) or the 附件说明.
fn section(paras: &[String], from: &str) -> Vec<String> {
    let start = paras
        .iter()
        .position(|p| p.starts_with(from))
        .unwrap_or_else(|| panic!("no heading {from}: {paras:#?}"));
    let heads = ["一、", "二、", "三、", "四、", "五、", "附件："];
    paras[start + 1..]
        .iter()
        .take_while(|p| !heads.iter().any(|h| p.starts_with(h)))
        .cloned()
        .collect()
}

/// 7.8% as the office writes a share of 77.
fn pct(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{}%", r as i64)
    } else {
        format!("{r}%")
    }
}

fn str_of(v: &Value) -> &str {
    v.as_str().unwrap()
}

/// 进展滞后 as the issue states it: 滞后, 未启动 (and no host reporting at all), or 红.
fn lagging(t: &Value) -> bool {
    matches!(
        str_of(&t["status"]),
        "滞后" | "未启动" | "未报送" | "退回重报"
    ) || t["colour"] == "红"
}

fn lagging_tasks(s: &Value) -> BTreeSet<u64> {
    s["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| lagging(t))
        .map(|t| t["number"].as_u64().unwrap())
        .collect()
}

/// The task numbers 三 names, in order.
/// Section 三's items, compact and by section: "（一）部分（N项）：第3项…（主办）；第7项…。"
/// gives "第3项…（主办）" and "第7项…（…）".
pub fn lagging_items(paras: &[String]) -> Vec<String> {
    section(paras, "三、")
        .iter()
        .filter(|p| p.starts_with('（') && p.contains("项）："))
        .flat_map(|p| {
            let (_, items) = p.split_once("项）：").unwrap();
            items
                .trim_end_matches('。')
                .split('；')
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The task number an item of section 三 names ("第3项…" → 3).
pub fn item_number(item: &str) -> u64 {
    let rest = item.strip_prefix('第').unwrap_or_else(|| panic!("{item}"));
    rest[..rest.find('项').unwrap()].parse().unwrap()
}

fn named_in_lagging(paras: &[String]) -> Vec<u64> {
    lagging_items(paras)
        .iter()
        .map(|i| item_number(i))
        .collect()
}

fn units_in(s: &Value, state: &str) -> Vec<String> {
    s["units"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["state"] == state)
        .map(|u| str_of(&u["unit"]).to_string())
        .collect()
}

#[test]
fn every_count_of_the_overall_section_is_the_merges() {
    let (wd, s, _) = sample_bulletin("bulletin-counts", &[]);
    let doc = part(&wd.path("通报.docx"), "word/document.xml");
    let paras = paragraphs(&doc);
    let overall = section(&paras, "一、总体情况").join("");
    let total = s["tasks"].as_array().unwrap().len();
    assert_eq!(total, 77);
    assert!(overall.contains(&format!("{total}项任务中")), "{overall}");
    let mut seen = 0;
    for pair in s["counts"].as_array().unwrap() {
        let (label, n) = (str_of(&pair[0]), pair[1].as_u64().unwrap() as usize);
        seen += n;
        if n > 0 {
            let said = format!("{label}{n}项，占{}", pct(n as f64 / total as f64 * 100.0));
            assert!(overall.contains(&said), "{said} in {overall}");
        }
    }
    assert_eq!(seen, total, "the merge counts every task once");
    for pair in s["colours"].as_array().unwrap() {
        let said = format!("{}色{}项", str_of(&pair[0]), pair[1]);
        assert!(overall.contains(&said), "{said} in {overall}");
    }
    assert!(
        overall.contains(&format!(
            "序时进度为{}",
            pct(s["schedule"].as_f64().unwrap())
        )),
        "{overall}"
    );
    // The units' reporting is told once, in section 四: units, files and rates.
    let four = section(&paras, "四、报送情况").join("");
    for said in [
        format!("应报送单位{}个", s["expected"]),
        format!("已报送{}个", s["returned"]),
        format!("报送率{}", pct(s["return_rate"].as_f64().unwrap())),
        format!("通过校验{}个", s["accepted"]),
        format!("通过率{}", pct(s["pass_rate"].as_f64().unwrap())),
        format!("报表{}份", s["files"]),
        format!("采用{}份", s["files_accepted"]),
        format!("退回重报{}份", s["files_rejected"]),
    ] {
        assert!(four.contains(&said), "{said} in {four}");
        assert!(!overall.contains(&said), "{said} told twice: {overall}");
    }
    // And the summary the bulletin is drafted from is the workbook's: 统计's 合计 row
    // gives each status the same count, read back from 汇总.xlsx.
    let book = std::fs::read(wd.path(&format!("汇总/{ROUND}_汇总.xlsx"))).unwrap();
    let rows = rows_of(&book, "统计");
    let header = rows.iter().find(|r| r[0] == "所属部分").unwrap();
    let total = rows.iter().find(|r| r[0] == "合计").unwrap();
    for pair in s["counts"].as_array().unwrap() {
        let col = header.iter().position(|h| h == str_of(&pair[0])).unwrap();
        assert_eq!(total[col], pair[1].to_string(), "{} in 统计", pair[0]);
    }
    // The sample round's numbers, as the merge prints them (README).
    assert!(overall.contains("已完成6项，占7.8%；序时推进45项，占58.4%；滞后11项"));
    assert!(four.contains("报送率73%") && four.contains("通过率90.7%"));
    // The opening names the notice.
    let opening = &paras[paras.iter().position(|p| p.ends_with("：")).unwrap() + 1];
    assert!(opening.contains("济兗政发〔2020〕1号"), "{opening}");
}

/// Units as a sentence or a cell names them: all up to three, else the first two and how
/// many (the 附件 names every host; section 四 every unit that did not report).
fn few(units: &[&str]) -> String {
    match units.len() {
        0..=3 => units.join("、"),
        n => format!("{}等{n}个单位", units[..2].join("、")),
    }
}

#[test]
fn every_lagging_task_is_named_in_section_three_and_the_attachment() {
    let (wd, s, run) = sample_bulletin("bulletin-lagging", &[]);
    let doc = part(&wd.path("通报.docx"), "word/document.xml");
    let paras = paragraphs(&doc);
    let expected = lagging_tasks(&s);
    assert_eq!(
        expected.len(),
        26,
        "11 滞后, 2 未启动, 5 未报送, 8 退回重报"
    );
    let named = named_in_lagging(&paras);
    assert_eq!(named.iter().copied().collect::<BTreeSet<_>>(), expected);
    assert_eq!(named.len(), expected.len(), "each once: {named:?}");
    assert!(
        run.stdout().contains("进展滞后 26 项"),
        "{}",
        run.describe()
    );

    let rows = table_rows(&doc);
    assert_eq!(
        rows[0],
        [
            "序号",
            "任务",
            "主办单位",
            "牵头领导",
            "推进状态",
            "完成进度",
            "存在问题"
        ]
    );
    let in_table: Vec<u64> = rows[1..].iter().map(|r| r[0].parse().unwrap()).collect();
    assert_eq!(
        in_table, named,
        "the 附件 lists the same tasks in the same order"
    );
    let tasks = s["tasks"].as_array().unwrap();
    let mut counted = 0;
    for row in &rows[1..] {
        let t = tasks
            .iter()
            .find(|t| t["number"].as_u64().unwrap().to_string() == row[0])
            .unwrap();
        assert_eq!(row[4], str_of(&t["status"]), "{row:?}");
        let hosts: Vec<&str> = t["host_names"]
            .as_array()
            .unwrap()
            .iter()
            .map(str_of)
            .collect();
        assert_eq!(row[2], hosts.join("、"), "{row:?}");
        let leaders: Vec<&str> = t["leaders"]
            .as_array()
            .unwrap()
            .iter()
            .map(str_of)
            .collect();
        assert_eq!(row[3], leaders.join("\n"), "{row:?}");
        match t["percent"].as_f64() {
            Some(p) => assert_eq!(row[5], pct(p), "{row:?}"),
            None => assert_eq!(row[5], "—", "{row:?}"),
        }
        for h in t["hosts"].as_array().unwrap() {
            if let Some(said) = h["problems"]
                .as_str()
                .filter(|p| !p.is_empty() && *p != "无")
            {
                assert!(row[6].contains(said), "{said} in {row:?}");
            }
        }
        // The hosts that did not report or were sent back, a line per state: all of them up
        // to three, else the first two and how many (section 四 names every one).
        for (state, label) in [("未报送", "未报送"), ("已报送未通过", "退回重报")] {
            let units: Vec<&str> = t["hosts"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|h| h["state"] == state)
                .map(|h| str_of(&h["unit"]))
                .collect();
            let line = row[6]
                .lines()
                .find(|l| l.starts_with(&format!("{label}：")));
            counted += usize::from(units.len() > 3);
            let wanted = (!units.is_empty()).then(|| format!("{label}：{}", few(&units)));
            assert_eq!(line.map(str::to_string), wanted, "{row:?}");
        }
    }
    assert!(counted >= 2, "the sample has tasks every department hosts");
    // Every 已完成 task is among those going well, by section.
    let good = section(&paras, "二、").join("");
    for t in tasks.iter().filter(|t| t["status"] == "已完成") {
        assert!(good.contains(&format!("第{}项", t["number"])), "{t}");
    }
    assert!(good.contains("（一）加快新旧动能转换"), "{good}");
}

#[test]
fn sections_two_and_three_name_each_task_with_its_hosts_and_leaders_and_the_office_signs() {
    let (wd, s, _) = sample_bulletin("bulletin-names", &[]);
    let doc = part(&wd.path("通报.docx"), "word/document.xml");
    let paras = paragraphs(&doc);
    let tasks = s["tasks"].as_array().unwrap();
    let schedule = s["schedule"].as_f64().unwrap();
    let names = |t: &Value, key: &str| -> Vec<String> {
        t[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| str_of(v).to_string())
            .collect()
    };
    // 二、进展较好: done, or on schedule and ahead of 序时进度 (蓝, not 疑似滞后); each with
    // its host units, and no other task.
    let good: BTreeSet<u64> = tasks
        .iter()
        .filter(|t| {
            t["status"] == "已完成"
                || (t["status"] == "序时推进"
                    && t["behind"] == false
                    && t["colour"] == "蓝"
                    && t["percent"].as_f64().is_some_and(|p| p > schedule))
        })
        .map(|t| t["number"].as_u64().unwrap())
        .collect();
    assert!(good.len() > 6, "done and ahead: {good:?}");
    let two = section(&paras, "二、");
    let three_at = two
        .iter()
        .position(|p| p.starts_with("三、"))
        .unwrap_or(two.len());
    let two = &two[..three_at];
    // Shaped as section 三's: "第3项引导企业加大研发投入（区科技局，完成45%）", by section.
    let mut named = BTreeSet::new();
    for p in two
        .iter()
        .filter(|p| p.starts_with('（') && p.contains("项）："))
    {
        let (_, items) = p.split_once("项）：").unwrap();
        for item in items.trim_end_matches('。').split('；') {
            let n = item_number(item);
            assert!(named.insert(n), "task {n} named twice");
            let t = &tasks[n as usize - 1];
            let reached = match t["status"].as_str().unwrap() {
                "已完成" => "已完成".to_string(),
                _ => format!("完成{}", pct(t["percent"].as_f64().unwrap())),
            };
            let hosts = names(t, "host_names");
            let hosts = few(&hosts.iter().map(String::as_str).collect::<Vec<_>>());
            assert!(
                item.ends_with(&format!("（{hosts}，{reached}）")),
                "task {n}: {item}"
            );
        }
    }
    assert_eq!(named, good);
    // 三、进展滞后, compact and by section: each task by its number, the start of its text
    // and its hosts; its leaders in the 附件's row.
    let items = lagging_items(&paras);
    let table = table_rows(&doc);
    for n in lagging_tasks(&s) {
        let t = &tasks[n as usize - 1];
        let item = items
            .iter()
            .find(|i| item_number(i) == n)
            .unwrap_or_else(|| panic!("task {n} in {items:?}"));
        let named = item[format!("第{n}项").len()..].split('（').next().unwrap();
        assert!(
            named.chars().count() >= 4 && str_of(&t["text"]).starts_with(named),
            "task {n}: “{named}” is the start of its text"
        );
        let hosts = names(t, "host_names");
        let hosts = few(&hosts.iter().map(String::as_str).collect::<Vec<_>>());
        assert!(item.contains(&format!("（{hosts}）")), "{item}");
        let row = table.iter().find(|r| r[0] == n.to_string()).unwrap();
        for leader in names(t, "leaders") {
            assert!(row[3].contains(&leader), "task {n}: {leader} in {row:?}");
        }
    }
    // Grouped under the notice's sections, in order.
    let heads: Vec<String> = section(&paras, "三、")
        .into_iter()
        .filter(|p| p.starts_with('（'))
        .collect();
    assert!(
        heads.len() >= 2 && heads[0].starts_with("（一）"),
        "{heads:?}"
    );
    // 主送, and the office signs and dates it at the end.
    assert!(
        paras.contains(&"各镇人民政府，各街道办事处，区政府各部门，区直各单位：".to_string()),
        "{paras:?}"
    );
    let end: Vec<&String> = paras
        .iter()
        .rev()
        .filter(|p| !p.is_empty())
        .take(12)
        .collect();
    assert!(end.iter().any(|p| p.as_str() == "区督考办"), "{end:?}");
    assert!(end.iter().any(|p| p.as_str() == "2020年4月8日"), "{end:?}");
    // 版记, the document's end (GB/T 9704 7.4): 抄送, then 印发机关 and 印发日期, between
    // rules as wide as the 版心, in a table floating at the foot of the last page.
    let at = doc.rfind("抄送：").unwrap();
    let tail = &doc[doc[..at].rfind("<w:tbl>").unwrap()..];
    let imprint: Vec<String> = elements(tail, "w:tr").into_iter().map(text_of).collect();
    assert!(imprint[0].starts_with("抄送："), "{imprint:?}");
    assert_eq!(imprint[1], "区督考办2020年4月8日印发", "{imprint:?}");
    assert_eq!(imprint.len(), 2, "{imprint:?}");
    assert!(
        tail.contains("w:tblpYSpec=\"bottom\"") && tail.contains("<w:tblW w:w=\"8845\""),
        "at the foot, as wide as the 版心"
    );
    for rule in [
        "<w:top w:val=\"single\" w:sz=\"8\"",
        "<w:bottom w:val=\"single\" w:sz=\"8\"",
        "<w:insideH w:val=\"single\" w:sz=\"6\"",
    ] {
        assert!(tail.contains(rule), "{rule}");
    }
    assert_eq!(
        paragraphs(tail).iter().filter(|p| !p.is_empty()).count(),
        0,
        "nothing after the 版记"
    );
    // Two tables back to back are one table to Word: a paragraph keeps them apart.
    assert!(!doc.contains("</w:tbl><w:tbl>"));
    assert!(doc.contains("</w:tbl><w:p>"));
    assert!(tail.contains("<w:tab/>"), "印发日期 on its right tab stop");
}

#[test]
fn every_unit_missing_or_sent_back_is_named_in_section_four() {
    let (wd, s, run) = sample_bulletin("bulletin-units", &["--deadline", "2020-04-05"]);
    let paras = paragraphs(&part(&wd.path("通报.docx"), "word/document.xml"));
    let four = section(&paras, "四、");
    let missing = units_in(&s, "未报送");
    let rejected = units_in(&s, "已报送未通过");
    assert_eq!((missing.len(), rejected.len()), (20, 5));
    let line = |head: &str| {
        four.iter()
            .find(|p| p.starts_with(head))
            .unwrap_or_else(|| panic!("{head} in {four:#?}"))
            .clone()
    };
    let m = line(&format!("未报送的单位（{}个）", missing.len()));
    for u in &missing {
        assert!(m.contains(u.as_str()), "{u} in {m}");
    }
    let r = line(&format!(
        "报表未通过校验、须退回重报的单位（{}个）",
        rejected.len()
    ));
    assert_eq!(
        r,
        format!(
            "报表未通过校验、须退回重报的单位（5个）：{}。",
            rejected.join("、")
        )
    );
    // The samples came without the mailbox's receipts: no arrival time, so no line on
    // timeliness, and the command says why.
    assert!(!four.iter().any(|p| p.contains("截止时间")), "{four:#?}");
    assert!(run.stdout().contains("没有收件时间"), "{}", run.describe());
}

#[test]
fn the_offices_texts_replace_the_embedded_ones_and_unfilled_placeholders_stop_the_run() {
    let (wd, _, _) = sample_bulletin("bulletin-texts", &[]);
    wd.create(
        "文字/requirements.txt",
        "# 五、下步工作要求\n\n**一是**请各单位于{round}结束后五日内整改到位。\n",
    );
    wd.run(&bulletin_args("自定.docx", &["--texts", "文字"]));
    let paras = paragraphs(&part(&wd.path("自定.docx"), "word/document.xml"));
    assert_eq!(
        section(&paras, "五、"),
        ["一是请各单位于2020年第一季度结束后五日内整改到位。"]
    );

    // A placeholder this run cannot fill (no earlier round given) is an error, never a
    // literal in the document.
    wd.create(
        "文字/overall.txt",
        "# 一、总体情况\n\n上期为{previous_round}。\n",
    );
    let r = wd.output(&[
        "bulletin",
        "--round",
        ROUND,
        "--merged",
        "汇总",
        "-o",
        "缺值.docx",
        "--texts",
        "文字",
    ]);
    r.assert_code(2);
    assert!(
        r.stderr().contains("overall.txt") && r.stderr().contains("{previous_round}"),
        "{}",
        r.describe()
    );
    assert!(!wd.path("缺值.docx").exists());
    wd.create("文字/overall.txt", "# 一、总体情况\n\n{本期}\n");
    let r = wd.output(&[
        "bulletin",
        "--round",
        ROUND,
        "--merged",
        "汇总",
        "-o",
        "缺值.docx",
        "--texts",
        "文字",
    ]);
    r.assert_code(2);
    assert!(
        r.stderr().contains("未知的占位符 {本期}"),
        "{}",
        r.describe()
    );
}

#[test]
fn the_same_inputs_give_the_same_bytes_and_nothing_is_overwritten() {
    let (wd, _, _) = sample_bulletin("bulletin-bytes", &[]);
    let args = bulletin_args("二次.docx", &["--number", "第1期"]);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    wd.run(&args);
    assert!(
        std::fs::read(wd.path("通报.docx")).unwrap()
            == std::fs::read(wd.path("二次.docx")).unwrap(),
        "two runs wrote different bytes"
    );
    let r = wd.output(&args);
    r.assert_code(2);
    assert!(r.stderr().contains("已存在"), "{}", r.describe());
    let mut forced = args.to_vec();
    forced.push("--force");
    wd.run(&forced);
    // The round is the summary's: another round's name finds no summary.
    let r = wd.output(&[
        "bulletin", "--round", ROUND2, "--merged", "汇总", "-o", "x.docx",
    ]);
    r.assert_code(2);
    assert!(
        r.stderr().contains("2020年第二季度_汇总.json"),
        "{}",
        r.describe()
    );
}
