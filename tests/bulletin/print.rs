//! The bulletin as printed (LibreOffice, the office fonts of scripts/fonts.conf): the sample
//! round on at most ten pages, every page numbered, the 附件 table at 五号, and the 版记 at
//! the foot of the last page however far down the document ends.

use std::path::Path;

use super::*;
use crate::printed::{self, Word};
use crate::workdir::soffice_print;

/// The 版心's bottom edge on an A4 GB/T 9704 page, in points: 297 mm less the 35 mm bottom
/// margin (16838 − 1984 twips).
const TEXT_BOTTOM: f64 = (16838.0 - 1984.0) / 20.0;

/// Each page's words, the first page first.
fn words_by_page(pdf: &Path) -> Vec<Vec<Word>> {
    printed::pages(pdf).into_iter().map(|p| p.words).collect()
}

/// The 版记 of a printed bulletin: on its last page and on no other, its last line on the
/// 版心's bottom edge, and every other word of that page (the page number aside) above it.
fn imprint_at_the_foot(pdf: &Path) {
    let mut all = words_by_page(pdf);
    let n = all.len() as u32;
    let last = all.pop().unwrap();
    for (page, words) in (1..).zip(&all) {
        assert!(
            !words.iter().any(|w| w.text.starts_with("抄送：")),
            "{}: 抄送 on page {page} of {n}",
            pdf.display()
        );
    }
    let copy_to = last
        .iter()
        .find(|w| w.text.starts_with("抄送："))
        .unwrap_or_else(|| panic!("{}: no 抄送 on the last page", pdf.display()));
    let issued = last.iter().find(|w| w.text.ends_with("印发")).unwrap();
    assert!(
        (TEXT_BOTTOM - 6.0..=TEXT_BOTTOM).contains(&issued.y_max),
        "{}: 印发 ends at {} pt, the 版心 at {TEXT_BOTTOM}",
        pdf.display(),
        issued.y_max
    );
    assert!(copy_to.y_max < issued.y_min, "抄送 above 印发");
    for w in last.iter().filter(|w| w.y_min <= TEXT_BOTTOM) {
        if w.y_min >= copy_to.y_min - 1.0 {
            assert!(
                copy_to.text.contains(&w.text) || "区督考办2020年4月8日印发".contains(&w.text),
                "{}: {w:?} among the 版记's words",
                pdf.display()
            );
        } else {
            assert!(
                w.y_max < copy_to.y_min,
                "{}: {w:?} runs into the 版记",
                pdf.display()
            );
        }
    }
    let footer: String = last
        .iter()
        .filter(|w| w.y_min > TEXT_BOTTOM)
        .map(|w| w.text.as_str())
        .collect();
    assert_eq!(footer, format!("—{n}—"), "{}", pdf.display());
}

#[test]
fn the_sample_bulletin_prints_on_ten_pages_with_the_imprint_at_the_foot() {
    let (wd, s, _) = sample_bulletin("bulletin-print", &[]);
    let pdf = soffice_print(&wd.path("通报.docx"), &wd.path("pdf"));
    let all = words_by_page(&pdf);
    let n = all.len() as u32;
    assert!((8..=10).contains(&n), "{n} pages");
    for page in 1..=n {
        let w = &all[page as usize - 1];
        let footer: String = w
            .iter()
            .filter(|w| w.y_min > TEXT_BOTTOM)
            .map(|w| w.text.as_str())
            .collect();
        assert_eq!(footer, format!("—{page}—"), "page {page}");
    }
    // The 附件's rows at 五号 (10.5 pt: a 13.65 pt box), however tight they are set.
    let attachment = (1..=n)
        .find(|p| {
            all[*p as usize - 1]
                .first()
                .is_some_and(|w| w.text == "附件")
        })
        .expect("the 附件 starts a page");
    for page in attachment..=n {
        let w = &all[page as usize - 1];
        // From the table's header row (repeated on each page) down to the 版记.
        let header = w.iter().find(|w| w.text == "存在问题").expect("header row");
        let cells: Vec<&Word> = w
            .iter()
            .filter(|w| w.y_min >= header.y_min && w.y_max < TEXT_BOTTOM)
            .filter(|w| !w.text.starts_with("抄送") && !w.text.ends_with("印发"))
            .collect();
        assert!(cells.len() > 10, "page {page}");
        for w in cells {
            let h = w.y_max - w.y_min;
            assert!((13.0..19.0).contains(&h), "page {page}: {w:?}");
        }
    }
    imprint_at_the_foot(&pdf);

    // The document ending lower and lower on its last page, and then on a new one: the last
    // lagging task's host writes more and more. The 版记 stays at the foot of the last page
    // and nothing runs under it.
    let last = s["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["status"] == "未启动")
        .map(|t| t["number"].as_u64().unwrap())
        .max()
        .unwrap();
    let mut seen = BTreeSet::new();
    for lines in [6, 10, 12, 16] {
        let mut v = s.clone();
        let task = v["tasks"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .find(|t| t["number"] == last)
            .unwrap();
        task["hosts"][0]["problems"] = Value::from("资金".repeat(8 * lines) + "。");
        let dir = format!("longer{lines}");
        wd.create(
            &format!("{dir}/{ROUND}_汇总.json"),
            serde_json::to_string(&v).unwrap(),
        );
        let out = format!("通报{lines}.docx");
        let r = wd.output(&[
            "bulletin",
            "--round",
            ROUND,
            "--merged",
            &dir,
            "-o",
            &out,
            "--date",
            "2020-04-08",
        ]);
        assert_eq!(r.code(), 0, "{}", r.describe());
        let pdf = soffice_print(&wd.path(&out), &wd.path("pdf"));
        seen.insert(printed::pages(&pdf).len());
        imprint_at_the_foot(&pdf);
    }
    assert!(seen.len() >= 2, "the end moved to a new page: {seen:?}");
}
