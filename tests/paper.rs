//! Paper a leader can read (issue 23): the README's main command (a two-round workspace on
//! the bundled samples) run, its second round's outputs printed by LibreOffice, and the
//! printed words measured with `pdftotext -bbox`: body text at least 9 pt, page counts,
//! every page numbered "第 N 页 共 M 页" and naming the round (and the leader), titles,
//! 制表单位 and 制表日期; A3 when duban.toml asks; the bulletin's rows never split.

use std::path::{Path, PathBuf};

use crate::printed::{pages, Page};
use crate::workdir::{repo, soffice, soffice_print, Workdir};

const Q1: &str = "2020年第一季度";
const Q2: &str = "2020年第二季度";
const OFFICE: &str = "区督考办";
const CONTACT: &str = "区督考办 0537-3412345";

/// Prints `file` and returns its pages.
fn print(wd: &Workdir, file: &Path) -> Vec<Page> {
    let pdf = soffice_print(file, &wd.path("pdf"));
    pages(&pdf)
}

/// The README's main command, as scripts/round runs it: a workspace, the office's contact,
/// two rounds of the sample returns (templates, check with problem lists, merge, bulletin),
/// then the year's 台账.
fn two_rounds(wd: &Workdir) {
    wd.run(&["init", "."]);
    let toml = wd.read("duban.toml").replace(
        "office_contact = \"\"",
        &format!("office_contact = \"{CONTACT}\""),
    );
    wd.create("duban.toml", toml);
    for (round, deadline, samples) in [
        (Q1, "2020-04-05", "returns"),
        (Q2, "2020-07-05", "returns-q2"),
    ] {
        wd.run(&["round", "new", round, "--deadline", deadline]);
        let into = wd.path(&format!("rounds/{round}/回收"));
        for f in std::fs::read_dir(repo().join("samples").join(samples)).unwrap() {
            let f = f.unwrap().path();
            std::fs::copy(&f, into.join(f.file_name().unwrap())).unwrap();
        }
        let lists = format!("rounds/{round}/问题清单");
        let r = wd.output(&["check", "--round", round, "--feedback", &lists]);
        assert!(r.code() <= 1, "{}", r.describe());
        let r = wd.output(&["merge", "--round", round]);
        assert!(r.code() <= 1, "{}", r.describe());
    }
    wd.run(&[
        "bulletin",
        "--round",
        Q2,
        "--number",
        "第2期",
        "--date",
        "2020-07-08",
    ]);
    wd.run(&["ledger", "export", "-o", "台账.xlsx"]);
}

fn merged(wd: &Workdir, name: &str) -> PathBuf {
    wd.path(&format!("rounds/{Q2}/汇总/{Q2}_{name}"))
}

/// Every page: at least 9 pt, numbered N of M in order, and its header naming the round.
fn numbered_and_readable(pages: &[&Page], what: &str) {
    for (i, p) in pages.iter().enumerate() {
        assert!(
            p.body_size() >= 9.0,
            "{what} page {}: text {:.1} pt",
            i + 1,
            p.body_size()
        );
        let (n, _) = p.number();
        assert!(n >= 1, "{what}: page {i} numbered");
        assert!(p.band(true).contains(Q2), "{what}: {}", p.band(true));
    }
    let numbers: Vec<u32> = pages.iter().map(|p| p.number().0).collect();
    assert!(numbers.windows(2).all(|w| w[1] == w[0] + 1), "{numbers:?}");
}

#[test]
fn printed_outputs_are_readable_numbered_and_titled() {
    // LibreOffice prints: scripts/test installs it, and a missing one fails here.
    soffice();
    let wd = Workdir::new("paper");
    two_rounds(&wd);
    let cat = duban::catalog::Catalog::embedded();

    // A leader's summary, the leader with the most tasks: lagging first, 8 columns.
    let leader = "屈耀武";
    let tasks = cat.tasks_of_leader(leader).count();
    let all = print(&wd, &merged(&wd, &format!("{leader}_分管任务进展.xlsx")));
    let summary: Vec<&Page> = (all.iter())
        .filter(|p| !p.band(true).contains("全部栏目"))
        .collect();
    assert!(
        summary.len() <= 1 + tasks / 2,
        "{} pages for {tasks} tasks",
        summary.len()
    );
    numbered_and_readable(&summary, "分管任务进展");
    for p in &summary {
        assert!(p.width > p.height, "A4 landscape");
        assert!(p.band(true).contains(leader), "{}", p.band(true));
    }
    let first = summary[0].text();
    for want in [
        format!("{Q2}{leader}同志分管任务进展情况"),
        format!("制表单位：{OFFICE}"),
        "制表日期：".to_string(),
        "本期进展".to_string(),
        "连续滞后".to_string(),
    ] {
        assert!(first.contains(&want), "{want} on page 1: {first}");
    }
    assert!(
        !first.contains("协办单位进展"),
        "co-units are for the screen"
    );

    // 汇总.xlsx: 总表 within 30 A4 pages, and every other printed sheet.
    let book = print(&wd, &merged(&wd, "汇总.xlsx"));
    let overview: Vec<&Page> = book
        .iter()
        .filter(|p| p.band(true).contains("总表"))
        .collect();
    assert!(
        !overview.is_empty() && overview.len() <= 30,
        "总表: {} pages",
        overview.len()
    );
    numbered_and_readable(&book.iter().collect::<Vec<_>>(), "汇总");
    let text = overview[0].text();
    assert!(text.contains(&format!("{Q2}政府工作报告任务推进情况汇总表")));
    assert!(
        !text.contains("协办单位进展："),
        "co-units are in 分单位明细"
    );
    // Every sheet's first page: its title (the round and what it lists) and who made it when.
    for (sheet, title) in [
        ("分单位明细", "各单位报送明细"),
        ("统计", "任务推进情况统计"),
        ("量化指标", "量化指标完成情况"),
        ("未报送单位", "未报送单位"),
        ("退回重报单位", "退回重报单位"),
        ("报送文件", "报送文件及校验结论"),
        ("校验问题", "校验问题清单"),
    ] {
        let first = book
            .iter()
            .find(|p| p.band(true).contains(&format!("汇总·{sheet}")))
            .unwrap_or_else(|| panic!("{sheet} printed with its name"));
        let text = first.text();
        assert!(text.contains(&format!("{Q2}{title}")), "{sheet}: {text}");
        assert!(
            text.contains("制表单位：") && text.contains("制表日期："),
            "{sheet}: {text}"
        );
    }
    let files: String = (book.iter())
        .filter(|p| p.band(true).contains("报送文件"))
        .map(Page::text)
        .collect();
    assert!(files.contains("回收/"), "paths from the round's folder");
    assert!(!files.contains(&wd.dir.to_string_lossy().to_string()));

    // A problem list: A4 portrait, its unit and round, the date, the contact, places in words.
    let lists = wd.path(&format!("rounds/{Q2}/问题清单"));
    let list = std::fs::read_dir(&lists)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let unit = list
        .file_name()
        .unwrap()
        .to_string_lossy()
        .split('_')
        .nth(1)
        .unwrap()
        .to_string();
    let pages_of_list = print(&wd, &list);
    for (i, p) in pages_of_list.iter().enumerate() {
        assert!(p.width < p.height, "portrait");
        assert!(p.body_size() >= 9.0);
        assert_eq!(p.number().0, i as u32 + 1);
    }
    let text = pages_of_list[0].text();
    for want in [
        format!("{unit}{Q2}报表问题清单"),
        "2020年7月5日前重新报送".to_string(),
        CONTACT.replace(' ', ""),
        "任务进展表".to_string(),
    ] {
        assert!(text.contains(&want), "{want}: {text}");
    }
    assert!(!text.contains("任务进展!"), "{text}");

    // 台账: titled with the year, each sheet its kind, numbered.
    let ledger = print(&wd, &wd.path("台账.xlsx"));
    assert!(ledger[0].text().contains("2020年政府工作报告任务督办台账"));
    for (i, p) in ledger.iter().enumerate() {
        assert!(p.body_size() >= 9.0, "台账 page {}", i + 1);
        assert_eq!(p.number().0, i as u32 + 1);
        assert!(p.band(true).contains("督办台账"), "{}", p.band(true));
    }
    assert!(ledger.iter().any(|p| p.band(true).contains("区直部门")));

    // The bulletin's 附件: no row split over two pages, the header row repeated.
    let docx = wd.path(&format!("rounds/{Q2}/{Q2}_督查通报.docx"));
    let doc = crate::bulletin::part(&docx, "word/document.xml");
    let rows = doc.matches("<w:tr>").count();
    assert!(rows > 10);
    assert_eq!(doc.matches("<w:tr><w:trPr><w:cantSplit/>").count(), rows);
    assert_eq!(doc.matches("<w:tblHeader/>").count(), 1);
    // Printed: at most ten pages, numbered — N — at the foot of each.
    let bulletin = print(&wd, &docx);
    assert!(bulletin.len() <= 10, "{} pages", bulletin.len());
    for (i, p) in bulletin.iter().enumerate() {
        // Below the 版心 (it ends 35 mm above the paper's foot).
        let foot: String = (p.words.iter())
            .filter(|w| w.y_min > p.height - 100.0)
            .map(|w| w.text.as_str())
            .collect();
        assert_eq!(foot, format!("—{}—", i + 1), "page {}", i + 1);
    }

    // A3 where the office asks: 总表 wider, fewer pages, counted twice.
    let toml = wd
        .read("duban.toml")
        .replace("paper = \"A4\"", "paper = \"A3\"");
    wd.create("duban.toml", toml);
    let r = wd.output(&["merge", "--round", Q2, "--out", "a3"]);
    assert!(r.code() <= 1, "{}", r.describe());
    let a3 = print(&wd, &wd.path(&format!("a3/{Q2}_汇总.xlsx")));
    let overview: Vec<&Page> = a3
        .iter()
        .filter(|p| p.band(true).contains("总表"))
        .collect();
    assert!(
        (overview[0].width - 1190.6).abs() < 1.0,
        "A3: {}",
        overview[0].width
    );
    assert!(overview.len() * 2 <= 30, "{} A3 pages", overview.len());
    numbered_and_readable(&overview, "总表 A3");
}

/// Templates never go out without the office's contact unnoticed: `round new` and
/// `templates` warn while it is empty, and `init` says to fill duban.toml and contacts.csv
/// first.
#[test]
fn an_empty_office_contact_is_warned_about() {
    let wd = Workdir::new("paper-contact");
    let init = wd.run(&["init", "."]);
    let next = init.stdout();
    assert!(
        next.contains("office_contact") && next.contains("contacts.csv"),
        "{next}"
    );
    let warning = "督考办联系方式未填写";
    let r = wd.run(&["round", "new", Q1, "--deadline", "2020-04-05"]);
    assert!(r.stderr().contains(warning), "{}", r.describe());
    let r = wd.run(&[
        "templates",
        "--round",
        Q1,
        "--deadline",
        "2020-04-05",
        "--out",
        "t",
    ]);
    assert!(r.stderr().contains(warning), "{}", r.describe());
    let r = wd.run(&[
        "templates",
        "--round",
        Q1,
        "--deadline",
        "2020-04-05",
        "--out",
        "t2",
        "--office-contact",
        CONTACT,
    ]);
    assert!(!r.stderr().contains(warning), "{}", r.describe());
}
