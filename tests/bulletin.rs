//! `duban bulletin` on merges of real returns: every count of 一、总体情况 against the merge's
//! own summary, every lagging task in 三 and in the 附件 table, every unit 未报送 or 退回重报
//! in 四, the GB/T 9704 page, fonts and page numbers in the document's XML, a LibreOffice
//! conversion to PDF with 22 lines of 28 characters, two rounds for the 连续 N 期 marks and
//! the change from the last round, receipts for 未按时报送, an office's 红头 template, the
//! editable texts, and identical bytes on a second run.

use std::collections::BTreeSet;
use std::io::{Cursor, Read};
use std::path::Path;
use std::process::Command;

use duban::catalog::Catalog;
use serde_json::Value;

use crate::returns::{s, Return, V};
use crate::workdir::{repo, soffice, soffice_convert, Run, Workdir};

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

/// The sample round merged, and its bulletin written to 通报.docx.
fn sample_bulletin(name: &str, extra: &[&str]) -> (Workdir, Value, Run) {
    let wd = Workdir::new(name);
    let returns = repo().join("samples/returns");
    merge(&wd, returns.to_str().unwrap(), ROUND, "汇总");
    let mut args = vec![
        "bulletin",
        "--round",
        ROUND,
        "--merged",
        "汇总",
        "-o",
        "通报.docx",
        "--date",
        "2020-04-08",
        "--number",
        "第1期",
    ];
    args.extend_from_slice(extra);
    let run = wd.run(&args);
    let s = summary(&wd, "汇总", ROUND);
    (wd, s, run)
}

/// One member of a zip, as text.
fn part(docx: &Path, name: &str) -> String {
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

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
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
fn paragraphs(doc: &str) -> Vec<String> {
    let mut outside = doc.to_string();
    while let (Some(a), Some(b)) = (outside.find("<w:tbl>"), outside.find("</w:tbl>")) {
        outside.replace_range(a..b + "</w:tbl>".len(), "");
    }
    elements(&outside, "w:p").into_iter().map(text_of).collect()
}

/// The rows of the document's (first) table, each cell's paragraphs joined by '\n'.
fn table_rows(doc: &str) -> Vec<Vec<String>> {
    elements(doc, "w:tr")
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

/// The task numbers named "（第N项）" in 三's items, in order.
fn named_in_lagging(paras: &[String]) -> Vec<u64> {
    section(paras, "三、")
        .iter()
        .filter_map(|p| {
            let i = p.find("（第")?;
            let rest = &p[i + "（第".len()..];
            rest[..rest.find('项')?].parse().ok()
        })
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
    for said in [
        format!("序时进度为{}", pct(s["schedule"].as_f64().unwrap())),
        format!("应报送单位{}个", s["expected"]),
        format!("已报送{}个", s["returned"]),
        format!("报送率{}", pct(s["return_rate"].as_f64().unwrap())),
        format!("通过校验{}个", s["accepted"]),
        format!("通过率{}", pct(s["pass_rate"].as_f64().unwrap())),
    ] {
        assert!(overall.contains(&said), "{said} in {overall}");
    }
    // The sample round's numbers, as the merge prints them (README).
    assert!(overall.contains("已完成6项，占7.8%；序时推进45项，占58.4%；滞后11项"));
    assert!(overall.contains("报送率73%") && overall.contains("通过率90.7%"));
    // The opening names the notice and how the round was checked.
    let opening = &paras[paras.iter().position(|p| p.ends_with("：")).unwrap() + 1];
    assert!(opening.contains("济兗政发〔2020〕1号"), "{opening}");
    assert!(
        opening.contains(&format!("报送报表{}份", s["files"]))
            && opening.contains(&format!("采用{}份", s["files_accepted"]))
            && opening.contains(&format!("退回重报{}份", s["files_rejected"])),
        "{opening}"
    );
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
            if h["state"] != "已通过" {
                assert!(row[6].contains(str_of(&h["unit"])), "{row:?}");
            }
        }
    }
    // Every 已完成 task is among those going well, by section.
    let good = section(&paras, "二、").join("");
    for t in tasks.iter().filter(|t| t["status"] == "已完成") {
        assert!(good.contains(&format!("第{}项", t["number"])), "{t}");
    }
    assert!(good.contains("（一）加快新旧动能转换"), "{good}");
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

/// The run properties of the run holding `text`.
fn run_props<'a>(xml: &'a str, text: &str) -> &'a str {
    let at = xml.find(text).unwrap_or_else(|| panic!("{text}"));
    let start = xml[..at].rfind("<w:r>").unwrap();
    &xml[start..at]
}

#[test]
fn the_page_fonts_and_page_numbers_are_gb9704() {
    let (wd, _, _) = sample_bulletin("bulletin-xml", &[]);
    let docx = wd.path("通报.docx");
    let doc = part(&docx, "word/document.xml");
    let sect = &doc[doc.rfind("<w:sectPr>").unwrap()..];
    for want in [
        "<w:footerReference w:type=\"default\" r:id=\"rId4\"/><w:footerReference w:type=\"even\" r:id=\"rId5\"/><w:pgSz w:w=\"11906\" w:h=\"16838\"/>",
        "<w:pgMar w:top=\"2098\" w:right=\"1474\" w:bottom=\"1984\" w:left=\"1587\"",
        "<w:docGrid w:type=\"lines\" w:linePitch=\"579\"/></w:sectPr></w:body></w:document>",
    ] {
        assert!(sect.contains(want), "{want} in {sect}");
    }
    // Every run names its East Asian font, in the body and both footers.
    for name in ["word/document.xml", "word/footer1.xml", "word/footer2.xml"] {
        let xml = part(&docx, name);
        let runs = xml.matches("<w:r>").count();
        assert!(runs > 0);
        assert_eq!(
            xml.matches("<w:r><w:rPr><w:rFonts ").count(),
            runs,
            "{name}: every run starts with its fonts"
        );
        for fonts in xml.split("<w:rFonts ").skip(1) {
            let fonts = &fonts[..fonts.find("/>").unwrap()];
            assert!(fonts.contains("w:eastAsia=\""), "{name}: {fonts}");
        }
    }
    let title = run_props(&doc, "关于2020年第一季度政府工作报告");
    assert!(
        title.contains("w:eastAsia=\"方正小标宋简体\"") && title.contains("<w:sz w:val=\"44\"/>"),
        "{title}"
    );
    let h1 = run_props(&doc, "一、总体情况");
    assert!(
        h1.contains("w:eastAsia=\"黑体\"") && h1.contains("<w:sz w:val=\"32\"/>"),
        "{h1}"
    );
    let h2 = run_props(&doc, "（一）加快新旧动能转换");
    assert!(h2.contains("w:eastAsia=\"楷体_GB2312\""), "{h2}");
    let body = run_props(&doc, "截至2020年第一季度末");
    assert!(
        body.contains("w:eastAsia=\"仿宋_GB2312\"")
            && body.contains("<w:spacing w:val=\"-5\"/><w:sz w:val=\"32\"/>"),
        "{body}"
    );
    // Page numbers "— N —", 四号 宋体: odd pages right, even pages left.
    for (name, jc) in [("word/footer1.xml", "right"), ("word/footer2.xml", "left")] {
        let f = part(&docx, name);
        let order = [
            format!("<w:jc w:val=\"{jc}\"/>"),
            ">— </w:t>".to_string(),
            "<w:fldChar w:fldCharType=\"begin\"/>".to_string(),
            "<w:instrText xml:space=\"preserve\"> PAGE </w:instrText>".to_string(),
            "<w:fldChar w:fldCharType=\"separate\"/>".to_string(),
            "<w:fldChar w:fldCharType=\"end\"/>".to_string(),
            "> —</w:t>".to_string(),
        ];
        let mut at = 0;
        for want in &order {
            at += f[at..]
                .find(want.as_str())
                .unwrap_or_else(|| panic!("{name}: {want} after {at}"));
        }
        assert!(f.contains("w:eastAsia=\"宋体\"") && f.contains("<w:sz w:val=\"28\"/>"));
    }
    assert!(part(&docx, "word/settings.xml").contains("<w:evenAndOddHeaders/>"));
    let fonts = part(&docx, "word/fontTable.xml");
    for f in [
        "方正小标宋简体",
        "仿宋_GB2312",
        "黑体",
        "楷体_GB2312",
        "宋体",
    ] {
        assert!(fonts.contains(&format!("w:name=\"{f}\"")), "{f}");
    }

    // Word's own character grid, on request.
    wd.run(&[
        "bulletin",
        "--round",
        ROUND,
        "--merged",
        "汇总",
        "-o",
        "word.docx",
        "--date",
        "2020-04-08",
        "--grid",
        "word",
    ]);
    let doc = part(&wd.path("word.docx"), "word/document.xml");
    assert!(doc.contains(
        "<w:docGrid w:type=\"linesAndChars\" w:linePitch=\"579\" w:charSpace=\"-842\"/>"
    ));
    assert!(!doc.contains("<w:spacing w:val=\"-5\"/>"));
}

/// `pdftotext -bbox-layout` of one page: each line's (xMin, yMin, xMax, text).
fn pdf_lines(pdf: &Path, page: u32) -> Vec<(f64, f64, f64, String)> {
    let out = Command::new("pdftotext")
        .args([
            "-f",
            &page.to_string(),
            "-l",
            &page.to_string(),
            "-bbox-layout",
        ])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils)");
    let html = String::from_utf8(out.stdout).unwrap();
    let attr = |tag: &str, name: &str| -> f64 {
        let i = tag.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        tag[i..i + tag[i..].find('"').unwrap()].parse().unwrap()
    };
    html.split("<line ")
        .skip(1)
        .map(|l| {
            let tag = &l[..l.find('>').unwrap()];
            let words: String = l
                .split("<word ")
                .skip(1)
                .map(|w| {
                    let w = &w[w.find('>').unwrap() + 1..];
                    unescape(&w[..w.find("</word>").unwrap()])
                })
                .collect();
            (
                attr(tag, "xMin"),
                attr(tag, "yMin"),
                attr(tag, "xMax"),
                words,
            )
        })
        .collect()
}

#[test]
fn the_bulletin_converts_to_pdf_with_22_lines_of_28_characters() {
    if soffice().is_none() {
        return;
    }
    let (wd, _, _) = sample_bulletin("bulletin-pdf", &[]);
    let pdf = soffice_convert(&wd.path("通报.docx"), "pdf", &wd.path("pdf"));
    let info = Command::new("pdfinfo").arg(&pdf).output().unwrap();
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(
        info.contains("595.3") && info.contains("841.89"),
        "A4: {info}"
    );
    let pages: u32 = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(pages >= 5, "{info}");
    // Page 1: the number line, the title, and "— 1 —" on the right.
    let one = pdf_lines(&pdf, 1);
    assert_eq!(one[0].3, "第1期");
    assert!(one[1].3.starts_with("关于2020年第一季度"), "{one:?}");
    let footer = one.last().unwrap();
    assert_eq!(footer.3, "—1—");
    assert!(footer.0 > 400.0, "odd page numbers sit right: {footer:?}");
    // Page 2 is body text only: 22 lines a page on a 28.95 pt pitch, 28 characters to a
    // full line (29 with a full stop hung in the margin); "— 2 —" on the left.
    let two = pdf_lines(&pdf, 2);
    let (footer, body) = two.split_last().unwrap();
    assert_eq!(footer.3, "—2—");
    assert!(footer.2 < 200.0, "even page numbers sit left: {footer:?}");
    assert_eq!(body.len(), 22, "{body:#?}");
    for w in body.windows(2) {
        let gap = w[1].1 - w[0].1;
        assert!((gap - 28.95).abs() < 0.3, "line pitch {gap}: {w:?}");
    }
    let widest = body
        .iter()
        .map(|l| l.3.chars().filter(|c| !c.is_ascii()).count())
        .max()
        .unwrap();
    assert!(
        (28..=29).contains(&widest),
        "{widest} characters: {body:#?}"
    );
}

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
    let items: Vec<&String> = three.iter().filter(|p| p.contains("（第")).collect();
    assert_eq!(items.len(), l2.len());
    let marked = |p: &str| p.contains("（连续2期）");
    for p in &items {
        let n: u64 = {
            let i = p.find("（第").unwrap() + "（第".len();
            p[i..i + p[i..].find('项').unwrap()].parse().unwrap()
        };
        assert_eq!(marked(p), running.contains(&n), "task {n}: {p}");
    }
    let first_unmarked = items.iter().position(|p| !marked(p)).unwrap();
    assert!(
        items[first_unmarked..].iter().all(|p| !marked(p)),
        "tasks lagging two rounds running come first: {items:#?}"
    );
    assert!(items[..first_unmarked]
        .iter()
        .any(|p| p.contains("（第3项）（连续2期）")));
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
    let rate = |s: &Value| pct(s["return_rate"].as_f64().unwrap());
    assert!(
        overall.contains(&format!("报送率与上期持平（{}）", rate(&s2))),
        "the same three units reported: {overall}"
    );

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
    let run = wd.run(&[
        "bulletin",
        "--round",
        ROUND,
        "--merged",
        "汇总",
        "-o",
        "通报.docx",
        "--date",
        "2020-04-08",
        "--deadline",
        "2020-04-05",
    ]);
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
    let run = wd.run(&[
        "bulletin",
        "--round",
        ROUND,
        "--merged",
        "汇总",
        "-o",
        "无截止.docx",
        "--date",
        "2020-04-08",
    ]);
    let paras = paragraphs(&part(&wd.path("无截止.docx"), "word/document.xml"));
    assert!(!paras.iter().any(|p| p.contains("截止时间")));
    assert!(
        run.stdout().contains("未给出 --deadline"),
        "{}",
        run.describe()
    );
}

#[test]
fn an_offices_template_keeps_its_parts_and_gets_its_fields_filled() {
    if soffice().is_none() {
        return;
    }
    let wd = Workdir::new("bulletin-template");
    let fodt = wd.path("红头.fodt");
    std::fs::copy(repo().join("tests/fixtures/redhead.fodt"), &fodt).unwrap();
    let template = soffice_convert(&fodt, "docx", &wd.path("tpl"));
    let tpl_doc = part(&template, "word/document.xml");
    assert!(tpl_doc.contains("w:type=\"snapToChars\""), "{tpl_doc}");
    let returns = repo().join("samples/returns");
    merge(&wd, returns.to_str().unwrap(), ROUND, "汇总");
    let tpl = template.to_str().unwrap();

    // The template asks for a 期号: without --number nothing is written.
    let r = wd.output(&[
        "bulletin",
        "--round",
        ROUND,
        "--merged",
        "汇总",
        "-o",
        "通报.docx",
        "--template",
        tpl,
    ]);
    r.assert_code(2);
    assert!(
        r.stderr().contains("{{期号}}") && r.stderr().contains("--number"),
        "{}",
        r.describe()
    );
    assert!(!wd.path("通报.docx").exists());

    wd.run(&[
        "bulletin",
        "--round",
        ROUND,
        "--merged",
        "汇总",
        "-o",
        "通报.docx",
        "--template",
        tpl,
        "--number",
        "第2期",
        "--date",
        "2020-04-08",
    ]);
    let filled = wd.path("通报.docx");
    let (old, new) = (members(&template), members(&filled));
    assert_eq!(
        old.iter().map(|m| &m.0).collect::<Vec<_>>(),
        new.iter().map(|m| &m.0).collect::<Vec<_>>()
    );
    for ((name, a), (_, b)) in old.iter().zip(&new) {
        if name != "word/document.xml" {
            assert!(a == b, "{name} is kept byte for byte");
        }
    }
    let doc = part(&filled, "word/document.xml");
    assert!(
        !doc.contains("{{") && !doc.contains("}}"),
        "every field filled"
    );
    let paras = paragraphs(&doc);
    let at = |text: &str| {
        paras
            .iter()
            .position(|p| p.contains(text))
            .unwrap_or_else(|| panic!("{text}: {paras:#?}"))
    };
    assert_eq!(paras[at("督查通报")], "督查通报 第2期");
    assert!(at("兖州区督查考核通报") < at("关于2020年第一季度"));
    assert!(at("关于2020年第一季度") < at("五、下步工作要求"));
    assert!(
        at("五、下步工作要求") < at("2020年4月8日印发"),
        "the 版记 stays last"
    );
    assert!(!paras.iter().any(|p| p == "第2期"), "no second number line");
    assert!(
        doc.contains("<w:docGrid w:type=\"lines\" w:linePitch=\"510\"/>"),
        "{doc}"
    );

    let pdf = soffice_convert(&filled, "pdf", &wd.path("pdf"));
    let one: Vec<String> = pdf_lines(&pdf, 1).into_iter().map(|l| l.3).collect();
    assert_eq!(one[0], "兖州区督查考核通报", "{one:?}");
    assert!(
        one.iter().any(|l| l.starts_with("关于2020年第一季度")),
        "{one:?}"
    );
}

#[test]
fn the_offices_texts_replace_the_embedded_ones_and_unfilled_placeholders_stop_the_run() {
    let (wd, _, _) = sample_bulletin("bulletin-texts", &[]);
    wd.create(
        "文字/requirements.txt",
        "# 五、下步工作要求\n\n**一是**请各单位于{round}结束后五日内整改到位。\n",
    );
    wd.run(&[
        "bulletin",
        "--round",
        ROUND,
        "--merged",
        "汇总",
        "-o",
        "自定.docx",
        "--date",
        "2020-04-08",
        "--texts",
        "文字",
    ]);
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
    let args = [
        "bulletin",
        "--round",
        ROUND,
        "--merged",
        "汇总",
        "-o",
        "二次.docx",
        "--date",
        "2020-04-08",
        "--number",
        "第1期",
    ];
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
