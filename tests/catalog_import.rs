//! `catalog import` reads what offices receive: the 2020 notice as Word gives exactly the
//! embedded catalog; 任务分解表 tables in .xlsx and in Word (merged leader cells, section
//! rows, repeated headers, one 责任单位 column, units the registry lacks) give a catalog a
//! round runs on; .doc, .wps, .pdf, .odt and .xlsb are told how to convert, never guessed.

use std::io::Write;

use rust_xlsxwriter::{Format, Workbook};

use crate::workdir::{repo, Workdir};

#[test]
fn the_2020_notice_as_word_gives_the_embedded_catalog() {
    let wd = Workdir::new("import-docx");
    let docx = repo().join("samples/notice/jiyan-zhengfa-2020-1.docx");
    // By content: the same file under a wrong extension reads the same.
    std::fs::copy(&docx, wd.path("通知.xlsx")).unwrap();
    let r = wd.output(&["catalog", "import", "通知.xlsx", "-o", "c.toml"]);
    let committed = std::fs::read_to_string(repo().join("templates/catalog-2020.toml")).unwrap();
    assert!(
        wd.read("c.toml") == committed,
        "the .docx import differs from templates/catalog-2020.toml\n{}",
        r.describe()
    );
    let out = r.stdout();
    assert!(
        out.contains("从Word 文档中的通知正文读出 77 项任务"),
        "{out}"
    );
    // Bold covers whole unit lists there: the comma rule stands, and each such task is
    // listed for review (task 2's list is bold from the first unit to the last).
    assert!(
        out.contains("任务 2：黑体覆盖了全部承办单位，未区分主办与协办，已按逗号规则"),
        "{out}"
    );
    assert!(!out.contains("不在单位名录中"), "{out}");
    r.assert_code(1);
}

/// A .docx whose document.xml body is `body`.
fn docx(body: &str) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    zip.start_file("[Content_Types].xml", opts).unwrap();
    zip.write_all(br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#).unwrap();
    zip.start_file("word/document.xml", opts).unwrap();
    write!(
        zip,
        r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
    )
    .unwrap();
    zip.finish().unwrap().into_inner()
}

fn p(text: &str) -> String {
    format!("<w:p><w:r><w:t>{text}</w:t></w:r></w:p>")
}

fn bold(text: &str) -> String {
    format!("<w:r><w:rPr><w:b/></w:rPr><w:t>{text}</w:t></w:r>")
}

fn plain(text: &str) -> String {
    format!("<w:r><w:t>{text}</w:t></w:r>")
}

#[test]
fn bold_that_separates_hosts_decides_and_the_disagreement_is_listed() {
    let wd = Workdir::new("import-bold");
    // 责任领导 / 分管领导 and 责任单位 as other notices write them; bold split inside a
    // name and over the 、 between names.
    let body = [
        p("兖政发〔2021〕3号"),
        p("兖州区人民政府关于印发2021年政府工作报告重点任务分解的通知"),
        p("二、稳增长"),
        format!(
            "<w:p>{}{}{}{}</w:p>",
            plain("1、建设甲项目。（分管领导：屈耀武。责任单位："),
            bold("区发展"),
            bold("改革局、区科技局"),
            plain("、区财政局，各镇街）")
        ),
        format!(
            "<w:p>{}</w:p>",
            plain("2、建设乙项目。（责任领导：褚福梅。承办单位：区科技局，工业园区）")
        ),
        p("2021年1月20日"),
    ]
    .concat();
    wd.create("n.docx", docx(&body));
    let r = wd.output(&["catalog", "import", "n.docx", "-o", "c.toml"]);
    r.assert_code(1);
    let cat = duban::catalog::Catalog::load(Some(&wd.path("c.toml"))).unwrap();
    let t1 = cat.task(1).unwrap();
    assert_eq!(t1.hosts, ["区发展改革局", "区科技局"], "{}", r.describe());
    assert_eq!(t1.co_units, ["区财政局", "各镇街"]);
    assert_eq!(t1.leaders, ["屈耀武"]);
    let t2 = cat.task(2).unwrap();
    assert_eq!(
        (t2.hosts.as_slice(), t2.co_units.as_slice()),
        (&["区科技局".to_string()][..], &["工业园区".to_string()][..])
    );
    assert!(
        r.stdout().contains("任务 1：黑体标出的主办单位（区发展改革局、区科技局）与逗号规则（区发展改革局、区科技局、区财政局）不同，已按黑体"),
        "{}",
        r.describe()
    );
    assert_eq!(cat.notice().year(), Some(2021));
}

/// A 任务分解表 as other districts publish them, written as an .xlsx: a title row, a
/// header, section rows merged across, the leader merged over two tasks, one 责任单位
/// column (the first unit leads), a sub-item, the header again after a page break, and
/// units the registry does not know.
fn task_table_xlsx() -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let f = Format::new();
    ws.merge_range(0, 0, 0, 4, "二连浩特市2024年政府工作报告重点任务分解表", &f)
        .unwrap();
    for (c, t) in ["序号", "重点任务", "责任领导", "责任单位", "完成时限"]
        .iter()
        .enumerate()
    {
        ws.write(1, c as u16, *t).unwrap();
    }
    ws.merge_range(2, 0, 2, 4, "一、推动经济高质量发展", &f)
        .unwrap();
    ws.write(3, 0, 1).unwrap();
    ws.write(3, 1, "扩大有效投资，实施重点项目 80 个").unwrap();
    ws.merge_range(3, 2, 4, 2, "王建国", &f).unwrap();
    ws.write(3, 3, "市发展和改革委员会、市财政局\n市自然资源局等")
        .unwrap();
    ws.write(3, 4, "年底前").unwrap();
    ws.write(4, 0, "1.1").unwrap();
    ws.write(4, 1, "做好项目储备").unwrap();
    ws.write(4, 3, "市发展和改革委员会").unwrap();
    ws.write(4, 4, "6月底前").unwrap();
    for (c, t) in ["序号", "重点任务", "责任领导", "责任单位", "完成时限"]
        .iter()
        .enumerate()
    {
        ws.write(5, c as u16, *t).unwrap();
    }
    ws.merge_range(6, 0, 6, 4, "二、建设口岸城市", &f).unwrap();
    ws.write(7, 0, 2).unwrap();
    ws.write(7, 1, "推进口岸通关便利化").unwrap();
    ws.write(7, 2, "李敏").unwrap();
    ws.write(7, 3, "口岸管理委员会 格日勒敖都苏木 社区街道办事处")
        .unwrap();
    ws.write(7, 4, "持续推进").unwrap();
    wb.save_to_buffer().unwrap()
}

#[test]
fn a_task_table_in_a_workbook_becomes_a_catalog_a_round_runs_on() {
    let wd = Workdir::new("import-xlsx");
    wd.create("分解表.xlsx", task_table_xlsx());
    let r = wd.output(&["catalog", "import", "分解表.xlsx", "-o", "c.toml"]);
    r.assert_code(1);
    let out = r.stdout();
    assert!(
        out.contains("从电子表格中的任务分解表（工作表“Sheet1”）读出 3 项任务，2 个部分，2 位领导"),
        "{out}"
    );
    // Units the registry lacks: listed with the kind guessed from the name.
    for line in [
        "市发展和改革委员会（按名称记为区直部门",
        "格日勒敖都苏木（按名称记为镇",
        "社区街道办事处（按名称记为街道",
    ] {
        assert!(out.contains(line), "{line}\n{out}");
    }
    assert!(out.contains("表中第 5 行序号“1.1”记为任务 2"), "{out}");
    let cat = duban::catalog::Catalog::load(Some(&wd.path("c.toml"))).unwrap();
    assert_eq!(cat.sections().len(), 2);
    let t1 = cat.task(1).unwrap();
    assert_eq!(t1.hosts, ["市发展和改革委员会"]);
    assert_eq!(t1.co_units, ["市财政局", "市自然资源局"]);
    assert!(t1.open_list);
    assert_eq!(t1.deadline.as_deref(), Some("年底前"));
    // The leader merged over two tasks leads both.
    assert_eq!(cat.task(2).unwrap().leaders, ["王建国"]);
    assert_eq!(cat.task(3).unwrap().section, "二");
    assert_eq!(cat.notice().year(), Some(2024));
    // The title row merged across the table is the notice's title, once.
    assert_eq!(
        cat.notice().title,
        "二连浩特市2024年政府工作报告重点任务分解表"
    );

    // A round on it: each unit's template lists exactly its tasks; no "2020" anywhere.
    let with = |args: &[&'static str]| [&["--catalog", "c.toml"], args].concat();
    let round = "2024年第一季度";
    wd.run(&with(&[
        "templates",
        "--round",
        round,
        "--deadline",
        "2024-04-05",
        "--out",
        "模板",
    ]));
    let unit = "市发展和改革委员会";
    let file = format!("{round}_{unit}_任务进展填报表.xlsx");
    let template = std::fs::read(wd.path(&format!("模板/{file}"))).unwrap();
    let rows = crate::workdir::rows_of(&template, "任务进展");
    let numbers: Vec<&str> = rows
        .iter()
        .filter_map(|r| r.first().map(String::as_str))
        .filter(|c| c.parse::<u32>().is_ok())
        .collect();
    assert_eq!(numbers, ["1", "2"], "{rows:?}");
    let filled = crate::returns::fill_template(&template, &cat, &[]);
    wd.create(&format!("回收/{file}"), filled);
    let check = wd.output(&with(&["check", "回收", "--round", round]));
    assert!(check.stdout().contains("通过"), "{}", check.describe());
    wd.output(&with(&["merge", "回收", "--round", round, "--out", "汇总"]));
    for dir in ["模板", "汇总"] {
        for entry in std::fs::read_dir(wd.path(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "xlsx") {
                let bytes = std::fs::read(&path).unwrap();
                let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
                for i in 0..zip.len() {
                    let mut f = zip.by_index(i).unwrap();
                    let mut s = String::new();
                    let _ = std::io::Read::read_to_string(&mut f, &mut s);
                    assert!(!s.contains("2020"), "{path:?} {:?}: 2020", f.name());
                }
            }
        }
    }
}

#[test]
fn a_task_table_in_word_with_vertical_merges_and_a_repeated_header() {
    let wd = Workdir::new("import-docx-table");
    let cell = |t: &str| format!("<w:tc><w:p><w:r><w:t>{t}</w:t></w:r></w:p></w:tc>");
    let merged = |t: &str, restart: bool| {
        let v = if restart {
            r#"<w:vMerge w:val="restart"/>"#
        } else {
            "<w:vMerge/>"
        };
        format!("<w:tc><w:tcPr>{v}</w:tcPr><w:p><w:r><w:t>{t}</w:t></w:r></w:p></w:tc>")
    };
    let span = |t: &str| {
        format!(
            r#"<w:tc><w:tcPr><w:gridSpan w:val="5"/></w:tcPr><w:p><w:r><w:t>{t}</w:t></w:r></w:p></w:tc>"#
        )
    };
    let row = |cells: Vec<String>| format!("<w:tr>{}</w:tr>", cells.concat());
    let header = || {
        format!(
            r#"<w:tr><w:trPr><w:tblHeader/></w:trPr>{}</w:tr>"#,
            ["序号", "工作任务", "牵头领导", "牵头单位", "配合单位"]
                .map(cell)
                .concat()
        )
    };
    let table = format!(
        "<w:tbl>{}{}{}{}</w:tbl><w:p/><w:tbl>{}{}</w:tbl>",
        header(),
        row(vec![span("一、持续优化营商环境")]),
        row(vec![
            cell("1"),
            cell("深化“放管服”改革"),
            merged("寇宁", true),
            cell("区行政审批服务局"),
            cell("区直各部门")
        ]),
        row(vec![
            cell("2"),
            cell("提升政务服务水平"),
            merged("", false),
            cell("区大数据中心"),
            cell("区行政审批服务局、各镇街")
        ]),
        header(),
        row(vec![
            cell("3"),
            cell("优化法治环境"),
            cell("周相华"),
            cell("区司法局"),
            cell("")
        ]),
    );
    let body = [p("2022年重点工作任务分解表"), table].concat();
    wd.create("表.docx", docx(&body));
    let r = wd.output(&["catalog", "import", "表.docx", "-o", "c.toml"]);
    let cat = duban::catalog::Catalog::load(Some(&wd.path("c.toml")))
        .unwrap_or_else(|e| panic!("{e}\n{}", r.describe()));
    assert!(
        r.stdout()
            .contains("从Word 文档中的任务分解表读出 3 项任务，1 个部分"),
        "{}",
        r.describe()
    );
    assert_eq!(
        cat.task(2).unwrap().leaders,
        ["寇宁"],
        "vMerge continues the leader"
    );
    assert_eq!(cat.task(2).unwrap().co_units.len(), 2);
    assert_eq!(cat.task(3).unwrap().hosts, ["区司法局"]);
    assert_eq!(cat.sections()[0].title, "持续优化营商环境");
    assert_eq!(cat.notice().year(), Some(2022));
}

#[test]
fn documents_duban_does_not_read_are_told_how_to_convert() {
    let wd = Workdir::new("import-other");
    let ole = |stream: &str| {
        let mut b = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        b.resize(512, 0);
        b.extend(stream.encode_utf16().flat_map(u16::to_le_bytes));
        b.resize(2048, 0);
        b
    };
    let zip_with = |name: &str, data: &[u8]| {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        zip.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(data).unwrap();
        zip.finish().unwrap().into_inner()
    };
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "通知.doc",
            ole("WordDocument"),
            "soffice --headless --convert-to docx",
        ),
        ("通知.wps", ole("WordDocument"), "WPS 文字文档"),
        ("通知.docx", ole("WordDocument"), "Word 97-2003 文档"),
        ("通知.pdf", b"%PDF-1.4\n%...".to_vec(), "writer_pdf_import"),
        (
            "通知.odt",
            zip_with("mimetype", b"application/vnd.oasis.opendocument.text"),
            "另存为”Word 文档",
        ),
        (
            "分解表.xlsb",
            zip_with("xl/workbook.bin", b"x"),
            "--convert-to xlsx",
        ),
    ];
    for (name, bytes, says) in cases {
        wd.create(name, bytes);
        let r = wd.output(&["catalog", "import", name, "-o", "c.toml"]);
        r.assert_code(2);
        assert!(r.stderr().contains(says), "{name}: {}", r.describe());
        assert!(!r.stderr().contains("UTF-8"), "{name}: {}", r.describe());
        assert!(!wd.path("c.toml").exists(), "{name}: nothing written");
    }
}
