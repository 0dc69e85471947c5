//! The bulletin's form: GB/T 9704 page, fonts and page numbers in the document's XML, a
//! LibreOffice conversion to PDF with 22 lines of 28 characters, and an office's 红头
//! template filled.

use std::path::Path;
use std::process::Command;

use super::*;
use crate::workdir::soffice_convert;

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
    wd.run(&bulletin_args("word.docx", &["--grid", "word"]));
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
    let attr = crate::printed::attr;
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

#[test]
fn an_offices_template_keeps_its_parts_and_gets_its_fields_filled() {
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

    wd.run(&bulletin_args(
        "通报.docx",
        &["--template", tpl, "--number", "第2期"],
    ));
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

/// A .docx holding only `word/document.xml` with `xml` in it.
fn docx_with(xml: &str) -> Vec<u8> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    w.start_file("[Content_Types].xml", options).unwrap();
    w.write_all(br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#).unwrap();
    w.start_file("word/document.xml", options).unwrap();
    w.write_all(xml.as_bytes()).unwrap();
    w.finish().unwrap().into_inner()
}

/// A .docx Word and LibreOffice open: content types, the package relationship and
/// `word/document.xml` with `xml` in it.
fn docx_package(xml: &str) -> Vec<u8> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    for (name, text) in [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#,
        ),
        ("word/document.xml", xml),
    ] {
        w.start_file(name, options).unwrap();
        w.write_all(text.as_bytes()).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// A template whose XML is broken is named, and what is wrong is said in Chinese (the
/// scanner once printed "</w:p> closes <w:r>"); nothing is written.
#[test]
fn a_broken_template_is_named_and_told_in_chinese() {
    let wd = Workdir::new("bulletin-broken-template");
    let returns = repo().join("samples/returns");
    merge(&wd, returns.to_str().unwrap(), ROUND, "汇总");
    let head = "<?xml version=\"1.0\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>";
    for (name, body, said) in [
        (
            "红头_错位.docx",
            "<w:p><w:r><w:t>兖州区督查考核通报</w:t></w:p></w:r><w:sectPr/></w:body></w:document>",
            "结束标记 </w:p> 与开始标记 <w:r> 不配对",
        ),
        (
            "红头_截断.docx",
            "<w:p><w:r><w:t>兖州区督查考核通报</w:t></w:r></w:p><w:sectPr",
            "标记没有结束",
        ),
        (
            "红头_未结束.docx",
            "<w:p><w:r><w:t>兖州区督查考核通报</w:t></w:r></w:p><w:sectPr/></w:body>",
            "<w:document> 没有结束标记",
        ),
    ] {
        wd.create(name, docx_with(&format!("{head}{body}")));
        let r = wd.output(&bulletin_args(
            "通报.docx",
            &["--template", name, "--number", "第1期"],
        ));
        assert_ne!(r.code(), 0, "{}", r.describe());
        let err = r.stderr();
        assert!(
            err.contains(&format!("红头模板 {name} 无法使用")) && err.contains(said),
            "{}",
            r.describe()
        );
        assert!(!err.contains("closes"), "{}", r.describe());
        assert!(!wd.path("通报.docx").exists());
    }
}

/// An office template with margins of its own: the 附件 table and the 版记 span its text
/// area, not GB/T 9704's, and the 版记 still sits at the foot of the last page.
#[test]
fn the_tables_and_the_imprint_span_the_templates_own_text_area() {
    let wd = Workdir::new("bulletin-template-margins");
    let returns = repo().join("samples/returns");
    merge(&wd, returns.to_str().unwrap(), ROUND, "汇总");
    // 25.4 mm top and bottom, 31.75 mm left and right: Word's own default page.
    let (left, right, width) = (1800, 1800, 11906 - 3600);
    let xml = format!(
        "<?xml version=\"1.0\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body><w:p><w:r><w:t>兖州区督查考核通报</w:t></w:r></w:p><w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/><w:pgMar w:top=\"1440\" w:right=\"{right}\" w:bottom=\"1440\" w:left=\"{left}\" w:header=\"851\" w:footer=\"992\" w:gutter=\"0\"/></w:sectPr></w:body></w:document>"
    );
    wd.create("红头.docx", docx_package(&xml));
    wd.run(&bulletin_args("通报.docx", &["--template", "红头.docx"]));
    let doc = part(&wd.path("通报.docx"), "word/document.xml");
    let tables = doc.matches("<w:tbl>").count();
    assert_eq!(tables, 2, "the 附件 and the 版记");
    assert_eq!(
        doc.matches(&format!("<w:tblW w:w=\"{width}\" w:type=\"dxa\"/>"))
            .count(),
        tables
    );
    assert!(
        doc.contains(&format!("w:tblpX=\"{left}\"")),
        "the 版记 from the left margin"
    );

    // Printed, its last rule ends at the right margin and lies on the text area's foot.
    let pdf = soffice_convert(&wd.path("通报.docx"), "pdf", &wd.path("pdf"));
    let pages = crate::printed::pages(&pdf).len() as u32;
    let last = pdf_lines(&pdf, pages);
    let issued = last
        .iter()
        .find(|l| l.3.ends_with("印发"))
        .unwrap_or_else(|| panic!("{last:?}"));
    let right_edge = (11906 - right) as f64 / 20.0;
    assert!(
        issued.2 <= right_edge && issued.2 > right_edge - 20.0,
        "印发日期 ends at {} pt, the margin at {right_edge}",
        issued.2
    );
    let foot = (16838 - 1440) as f64 / 20.0;
    assert!(
        issued.1 > foot - 40.0 && issued.1 < foot,
        "the 版记 at the foot ({} pt, text area ends at {foot})",
        issued.1
    );
}
