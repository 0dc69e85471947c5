//! The package parts other than the body: document.xml's frame and section properties, styles,
//! settings, font table, the two footers, relationships, content types and properties.
//!
//! Part names and relationship ids are fixed here, in one place.

use super::format::{self, Kind, ParaExtras};
use super::gb9704 as gb;
use super::model::{Fonts, Grid, Options};
use super::xml::{self, DECLARATION, R_NS, W_NS};

pub(crate) const DOCUMENT: &str = "word/document.xml";
/// Odd pages (the "default" footer when even/odd footers differ).
pub(crate) const FOOTER_ODD: &str = "word/footer1.xml";
pub(crate) const FOOTER_EVEN: &str = "word/footer2.xml";
pub(crate) const THEME: &str = "word/theme/theme1.xml";

/// Relationship ids of document.xml.rels.
const RID_STYLES: &str = "rId1";
const RID_SETTINGS: &str = "rId2";
const RID_FONT_TABLE: &str = "rId3";
const RID_FOOTER_ODD: &str = "rId4";
const RID_FOOTER_EVEN: &str = "rId5";
const RID_THEME: &str = "rId6";

const REL_NS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
const REL_TYPE: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// `[Content_Types].xml`. CT_Types: Default and Override elements in any order.
pub(crate) fn content_types() -> String {
    let wml = "application/vnd.openxmlformats-officedocument.wordprocessingml";
    let mut s = String::from(DECLARATION);
    s.push_str("<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">");
    s.push_str("<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>");
    s.push_str("<Default Extension=\"xml\" ContentType=\"application/xml\"/>");
    let overrides = [
        ("/word/document.xml", format!("{wml}.document.main+xml")),
        ("/word/styles.xml", format!("{wml}.styles+xml")),
        ("/word/settings.xml", format!("{wml}.settings+xml")),
        ("/word/fontTable.xml", format!("{wml}.fontTable+xml")),
        ("/word/footer1.xml", format!("{wml}.footer+xml")),
        ("/word/footer2.xml", format!("{wml}.footer+xml")),
        (
            "/word/theme/theme1.xml",
            "application/vnd.openxmlformats-officedocument.theme+xml".into(),
        ),
        (
            "/docProps/core.xml",
            "application/vnd.openxmlformats-package.core-properties+xml".into(),
        ),
        (
            "/docProps/app.xml",
            "application/vnd.openxmlformats-officedocument.extended-properties+xml".into(),
        ),
    ];
    for (part, ty) in overrides {
        s.push_str(&format!(
            "<Override PartName=\"{part}\" ContentType=\"{ty}\"/>"
        ));
    }
    s.push_str("</Types>");
    s
}

/// `_rels/.rels`: the package's relationships to the main document and the properties.
pub(crate) fn package_rels() -> String {
    let mut s = String::from(DECLARATION);
    s.push_str(&format!("<Relationships xmlns=\"{REL_NS}\">"));
    s.push_str(&format!(
        "<Relationship Id=\"rId1\" Type=\"{REL_TYPE}/officeDocument\" Target=\"word/document.xml\"/>"
    ));
    s.push_str(
        "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>",
    );
    s.push_str(&format!(
        "<Relationship Id=\"rId3\" Type=\"{REL_TYPE}/extended-properties\" Target=\"docProps/app.xml\"/>"
    ));
    s.push_str("</Relationships>");
    s
}

/// `word/_rels/document.xml.rels`.
pub(crate) fn document_rels() -> String {
    let mut s = String::from(DECLARATION);
    s.push_str(&format!("<Relationships xmlns=\"{REL_NS}\">"));
    for (id, ty, target) in [
        (RID_STYLES, "styles", "styles.xml"),
        (RID_SETTINGS, "settings", "settings.xml"),
        (RID_FONT_TABLE, "fontTable", "fontTable.xml"),
        (RID_FOOTER_ODD, "footer", "footer1.xml"),
        (RID_FOOTER_EVEN, "footer", "footer2.xml"),
        (RID_THEME, "theme", "theme/theme1.xml"),
    ] {
        s.push_str(&format!(
            "<Relationship Id=\"{id}\" Type=\"{REL_TYPE}/{ty}\" Target=\"{target}\"/>"
        ));
    }
    s.push_str("</Relationships>");
    s
}

/// `word/document.xml`: the body elements, then the one section's properties.
///
/// CT_Body: block content (p, tbl, …), then an optional final sectPr, which must be last.
pub(crate) fn document(body: &[String], grid: Grid) -> String {
    let mut s = String::from(DECLARATION);
    s.push_str(&format!(
        "<w:document xmlns:w=\"{W_NS}\" xmlns:r=\"{R_NS}\"><w:body>"
    ));
    for element in body {
        s.push_str(element);
    }
    s.push_str(&section_properties(grid));
    s.push_str("</w:body></w:document>");
    s
}

/// The final `<w:sectPr>`.
///
/// CT_SectPr order (ECMA-376 Part 1, 17.6.17), emitted *:
/// EG_HdrFtrReferences (headerReference | footerReference)*,
/// then footnotePr, endnotePr, type, pgSz*, pgMar*, paperSrc, pgBorders, lnNumType, pgNumType*,
/// cols*, formProt, vAlign, noEndnote, titlePg, textDirection, bidi, rtlGutter, docGrid*,
/// printerSettings, sectPrChange.
///
/// No titlePg: 公文 number the first page too. The even footer is used because settings.xml sets
/// `w:evenAndOddHeaders`; "default" then means odd pages.
fn section_properties(grid: Grid) -> String {
    // See gb9704::CHAR_SPACE and gb9704::TRACKING_28.
    let doc_grid = match grid {
        Grid::WordCharGrid => format!(
            "<w:docGrid w:type=\"linesAndChars\" w:linePitch=\"{}\" w:charSpace=\"{}\"/>",
            gb::LINE_PITCH,
            gb::CHAR_SPACE
        ),
        Grid::LinesAndTracking => format!(
            "<w:docGrid w:type=\"lines\" w:linePitch=\"{}\"/>",
            gb::LINE_PITCH
        ),
    };
    format!(
        "<w:sectPr>\
         <w:footerReference w:type=\"default\" r:id=\"{RID_FOOTER_ODD}\"/>\
         <w:footerReference w:type=\"even\" r:id=\"{RID_FOOTER_EVEN}\"/>\
         <w:pgSz w:w=\"{pw}\" w:h=\"{ph}\"/>\
         <w:pgMar w:top=\"{top}\" w:right=\"{right}\" w:bottom=\"{bottom}\" w:left=\"{left}\" \
         w:header=\"{header}\" w:footer=\"{footer}\" w:gutter=\"0\"/>\
         <w:pgNumType w:fmt=\"decimal\"/>\
         <w:cols w:space=\"425\"/>\
         {doc_grid}\
         </w:sectPr>",
        pw = gb::PAGE_WIDTH,
        ph = gb::PAGE_HEIGHT,
        top = gb::MARGIN_TOP,
        right = gb::MARGIN_RIGHT,
        bottom = gb::MARGIN_BOTTOM,
        left = gb::MARGIN_LEFT,
        header = gb::HEADER_DISTANCE,
        footer = gb::FOOTER_DISTANCE,
    )
}

/// A footer part with "— N —", N a PAGE field.
///
/// CT_HdrFtr: block content (p, tbl, …). The field is the complex form: begin, instrText,
/// separate, a cached result ("1"), end — each in its own run, each run with the 宋体 rPr, so the
/// number Word computes inherits it. The dashes are U+2014 EM DASH (一字线); `w:hint="eastAsia"`
/// makes them full width in 宋体.
pub(crate) fn footer(fonts: &Fonts, odd: bool) -> String {
    let mut f = Kind::PageNumber.format();
    if !odd {
        // 双页码居左空一字.
        f.jc = format::Jc::Left;
        f.indent = format::Indent {
            left: 100,
            right: 0,
            first_line: 0,
        };
    }
    let mut rpr = String::new();
    format::write_rpr(&mut rpr, &f, false, fonts);
    let run = |inner: &str| format!("<w:r>{rpr}{inner}</w:r>");

    let mut s = String::from(DECLARATION);
    s.push_str(&format!(
        "<w:ftr xmlns:w=\"{W_NS}\" xmlns:r=\"{R_NS}\"><w:p>"
    ));
    format::write_ppr(
        &mut s,
        &f,
        ParaExtras {
            with_style: true,
            page_break_before: false,
        },
        fonts,
    );
    s.push_str(&run("<w:t xml:space=\"preserve\">— </w:t>"));
    s.push_str(&run("<w:fldChar w:fldCharType=\"begin\"/>"));
    s.push_str(&run(
        "<w:instrText xml:space=\"preserve\"> PAGE </w:instrText>",
    ));
    s.push_str(&run("<w:fldChar w:fldCharType=\"separate\"/>"));
    s.push_str(&run("<w:t>1</w:t>"));
    s.push_str(&run("<w:fldChar w:fldCharType=\"end\"/>"));
    s.push_str(&run("<w:t xml:space=\"preserve\"> —</w:t>"));
    s.push_str("</w:p></w:ftr>");
    s
}

/// `word/styles.xml`.
///
/// CT_Styles: docDefaults, latentStyles, style*. CT_DocDefaults: rPrDefault, pPrDefault.
/// CT_Style order (17.7.4.17), emitted *: name*, aliases, basedOn*, next*, link, autoRedefine,
/// hidden, uiPriority*, semiHidden*, unhideWhenUsed*, qFormat*, locked, personal,
/// personalCompose, personalReply, rsid, pPr*, rPr*, tblPr*, trPr, tcPr, tblStylePr.
///
/// Normal is 三号 仿宋: `w:charSpace` of the grid is relative to Normal's size, so it must be 16 pt.
pub(crate) fn styles(fonts: &Fonts, grid: Grid) -> String {
    let latin = fonts.latin.as_deref();
    let body = Kind::Body.format().for_grid(grid);
    let mut s = String::from(DECLARATION);
    s.push_str(&format!("<w:styles xmlns:w=\"{W_NS}\" xmlns:r=\"{R_NS}\">"));

    // CT_RPr order again: rFonts, sz, szCs, lang.
    s.push_str("<w:docDefaults><w:rPrDefault><w:rPr>");
    format::write_rpr_inner(&mut s, &fonts.body, latin, body.size, false, true, 0);
    s.push_str("<w:lang w:val=\"en-US\" w:eastAsia=\"zh-CN\" w:bidi=\"ar-SA\"/>");
    s.push_str("</w:rPr></w:rPrDefault>");
    s.push_str(
        "<w:pPrDefault><w:pPr><w:widowControl w:val=\"0\"/><w:jc w:val=\"both\"/></w:pPr></w:pPrDefault>",
    );
    s.push_str("</w:docDefaults>");

    s.push_str("<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/>");
    s.push_str("<w:pPr><w:widowControl w:val=\"0\"/><w:jc w:val=\"both\"/></w:pPr><w:rPr>");
    format::write_rpr_inner(
        &mut s,
        &fonts.body,
        latin,
        body.size,
        false,
        true,
        body.tracking,
    );
    s.push_str("</w:rPr></w:style>");

    s.push_str(
        "<w:style w:type=\"character\" w:default=\"1\" w:styleId=\"DefaultParagraphFont\">\
         <w:name w:val=\"Default Paragraph Font\"/><w:uiPriority w:val=\"1\"/><w:semiHidden/><w:unhideWhenUsed/></w:style>",
    );
    // CT_TblPr order: tblInd before tblCellMar. CT_TblCellMar: top, left, bottom, right.
    s.push_str(
        "<w:style w:type=\"table\" w:default=\"1\" w:styleId=\"TableNormal\">\
         <w:name w:val=\"Normal Table\"/><w:uiPriority w:val=\"99\"/><w:semiHidden/><w:unhideWhenUsed/>\
         <w:tblPr><w:tblInd w:w=\"0\" w:type=\"dxa\"/><w:tblCellMar><w:top w:w=\"0\" w:type=\"dxa\"/>\
         <w:left w:w=\"108\" w:type=\"dxa\"/><w:bottom w:w=\"0\" w:type=\"dxa\"/>\
         <w:right w:w=\"108\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr></w:style>",
    );

    for kind in format::KINDS {
        let f = kind.format().for_grid(grid);
        s.push_str(&format!(
            "<w:style w:type=\"paragraph\" w:customStyle=\"1\" w:styleId=\"{}\"><w:name w:val=\"{}\"/>\
             <w:basedOn w:val=\"Normal\"/><w:next w:val=\"{}\"/><w:qFormat/>",
            f.style_id,
            f.style_name,
            if kind == Kind::PageNumber {
                f.style_id
            } else {
                body.style_id
            },
        ));
        s.push_str("<w:pPr>");
        format::write_ppr_inner(&mut s, &f, false);
        s.push_str("</w:pPr><w:rPr>");
        format::write_rpr_inner(
            &mut s,
            f.font.family(fonts),
            latin,
            f.size,
            f.bold,
            f.snap_to_grid,
            f.tracking,
        );
        s.push_str("</w:rPr></w:style>");
    }
    s.push_str("</w:styles>");
    s
}

/// `word/settings.xml`.
///
/// CT_Settings is one long sequence (17.15.1.78); the elements we emit, in that order: zoom,
/// defaultTabStop, evenAndOddHeaders, characterSpacingControl, compat, themeFontLang,
/// decimalSymbol, listSeparator.
/// - `evenAndOddHeaders`: odd and even pages get different footers (页码 right / left).
/// - `characterSpacingControl`: `compressPunctuation` (标点压缩, what Word on a Chinese system
///   writes) under the character grid, which keeps every character in its cell anyway;
///   `doNotCompress` with tracking, where compressed punctuation would let a 29th character in.
/// - `compat/compatSetting compatibilityMode 15`: Word 2013+ layout, so Word does not open the
///   file in "兼容模式". CT_Compat: its on/off elements, then compatSetting*.
/// - `themeFontLang w:eastAsia="zh-CN"`: ambiguous characters are treated as Chinese.
pub(crate) fn settings(grid: Grid) -> String {
    let ms = "http://schemas.microsoft.com/office/word";
    let mut s = String::from(DECLARATION);
    s.push_str(&format!(
        "<w:settings xmlns:w=\"{W_NS}\" xmlns:r=\"{R_NS}\">"
    ));
    s.push_str("<w:zoom w:percent=\"100\"/>");
    s.push_str(&format!(
        "<w:defaultTabStop w:val=\"{}\"/>",
        gb::char_twips(gb::SIZE_BODY) * 2
    ));
    s.push_str("<w:evenAndOddHeaders/>");
    let compress = match grid {
        Grid::WordCharGrid => "compressPunctuation",
        Grid::LinesAndTracking => "doNotCompress",
    };
    s.push_str(&format!(
        "<w:characterSpacingControl w:val=\"{compress}\"/>"
    ));
    s.push_str("<w:compat>");
    for (name, val) in [
        ("compatibilityMode", "15"),
        ("overrideTableStyleFontSizeAndJustification", "1"),
        ("enableOpenTypeFeatures", "1"),
        ("doNotFlipMirrorIndents", "1"),
    ] {
        s.push_str(&format!(
            "<w:compatSetting w:name=\"{name}\" w:uri=\"{ms}\" w:val=\"{val}\"/>"
        ));
    }
    s.push_str("</w:compat>");
    s.push_str("<w:themeFontLang w:val=\"en-US\" w:eastAsia=\"zh-CN\"/>");
    s.push_str("<w:decimalSymbol w:val=\".\"/><w:listSeparator w:val=\",\"/>");
    s.push_str("</w:settings>");
    s
}

/// `word/fontTable.xml`: every family the document names, once, in first-use order.
///
/// CT_Font order (17.8.3.10), emitted *: altName*, panose1, charset*, family*, notTrueType,
/// pitch*, sig, embedRegular, embedBold, embedItalic, embedBoldItalic.
/// charset 86 is GB2312_CHARSET: it tells Word to substitute a Simplified-Chinese font when the
/// named one is missing. altName gives the name Windows ships for the GB2312 families
/// (仿宋_GB2312 → 仿宋), or the English name.
pub(crate) fn font_table(fonts: &Fonts) -> String {
    let mut names: Vec<&str> = Vec::new();
    for name in [
        fonts.body.as_str(),
        fonts.title.as_str(),
        fonts.heading1.as_str(),
        fonts.heading2.as_str(),
        fonts.table.as_str(),
        fonts.page_number.as_str(),
    ]
    .into_iter()
    .chain(fonts.latin.as_deref())
    {
        if !names.contains(&name) {
            names.push(name);
        }
    }
    let mut s = String::from(DECLARATION);
    s.push_str(&format!("<w:fonts xmlns:w=\"{W_NS}\" xmlns:r=\"{R_NS}\">"));
    for name in names {
        s.push_str(&format!("<w:font w:name=\"{}\">", xml::attr_string(name)));
        if let Some(alt) = alt_name(name) {
            s.push_str(&format!("<w:altName w:val=\"{alt}\"/>"));
        }
        let chinese = !name.is_ascii();
        s.push_str(if chinese {
            "<w:charset w:val=\"86\"/>"
        } else {
            "<w:charset w:val=\"00\"/>"
        });
        s.push_str(if chinese {
            "<w:family w:val=\"modern\"/>"
        } else {
            "<w:family w:val=\"roman\"/>"
        });
        s.push_str("<w:pitch w:val=\"variable\"/></w:font>");
    }
    s.push_str("</w:fonts>");
    s
}

fn alt_name(name: &str) -> Option<&'static str> {
    Some(match name {
        "仿宋_GB2312" => "仿宋",
        "楷体_GB2312" => "楷体",
        "方正小标宋简体" => "FZXiaoBiaoSong-B05S",
        "黑体" => "SimHei",
        "宋体" => "SimSun",
        "仿宋" => "FangSong",
        "楷体" => "KaiTi",
        _ => return None,
    })
}

/// `word/theme/theme1.xml`: the smallest complete theme (DrawingML CT_OfficeStyleSheet).
///
/// Word opens a package without a theme, but the Open XML SDK's validator calls it required; and
/// the theme's fonts are what Word falls back to for a run without `w:rFonts`, so here they are
/// the 公文 fonts too (major = headings: 黑体; minor = body: 仿宋_GB2312).
///
/// Orders: a:theme = themeElements, objectDefaults, extraClrSchemeLst; themeElements = clrScheme,
/// fontScheme, fmtScheme; clrScheme = dk1, lt1, dk2, lt2, accent1…6, hlink, folHlink;
/// font collections = latin, ea, cs; fmtScheme = fillStyleLst, lnStyleLst, effectStyleLst,
/// bgFillStyleLst (each at least three entries).
pub(crate) fn theme(fonts: &Fonts) -> String {
    let font = |family: &str| {
        let ea = xml::attr_string(family);
        let latin = fonts
            .latin
            .as_deref()
            .map_or_else(|| ea.clone(), xml::attr_string);
        format!("<a:latin typeface=\"{latin}\"/><a:ea typeface=\"{ea}\"/><a:cs typeface=\"\"/>")
    };
    let solid = "<a:solidFill><a:schemeClr val=\"phClr\"/></a:solidFill>";
    let mut s = String::from(DECLARATION);
    s.push_str("<a:theme xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" name=\"GB/T 9704\"><a:themeElements>");
    s.push_str("<a:clrScheme name=\"GB/T 9704\">");
    s.push_str("<a:dk1><a:sysClr val=\"windowText\" lastClr=\"000000\"/></a:dk1>");
    s.push_str("<a:lt1><a:sysClr val=\"window\" lastClr=\"FFFFFF\"/></a:lt1>");
    for (name, rgb) in [
        ("dk2", "44546A"),
        ("lt2", "E7E6E6"),
        ("accent1", "4472C4"),
        ("accent2", "ED7D31"),
        ("accent3", "A5A5A5"),
        ("accent4", "FFC000"),
        ("accent5", "5B9BD5"),
        ("accent6", "70AD47"),
        ("hlink", "0563C1"),
        ("folHlink", "954F72"),
    ] {
        s.push_str(&format!("<a:{name}><a:srgbClr val=\"{rgb}\"/></a:{name}>"));
    }
    s.push_str("</a:clrScheme><a:fontScheme name=\"GB/T 9704\">");
    s.push_str(&format!(
        "<a:majorFont>{}</a:majorFont>",
        font(&fonts.heading1)
    ));
    s.push_str(&format!("<a:minorFont>{}</a:minorFont>", font(&fonts.body)));
    s.push_str("</a:fontScheme><a:fmtScheme name=\"GB/T 9704\">");
    s.push_str(&format!(
        "<a:fillStyleLst>{solid}{solid}{solid}</a:fillStyleLst>"
    ));
    let line = format!("<a:ln w=\"6350\">{solid}</a:ln>");
    s.push_str(&format!("<a:lnStyleLst>{line}{line}{line}</a:lnStyleLst>"));
    let effect = "<a:effectStyle><a:effectLst/></a:effectStyle>";
    s.push_str(&format!(
        "<a:effectStyleLst>{effect}{effect}{effect}</a:effectStyleLst>"
    ));
    s.push_str(&format!(
        "<a:bgFillStyleLst>{solid}{solid}{solid}</a:bgFillStyleLst>"
    ));
    s.push_str(
        "</a:fmtScheme></a:themeElements><a:objectDefaults/><a:extraClrSchemeLst/></a:theme>",
    );
    s
}

/// `docProps/core.xml`. Dates come from the options, never the clock.
pub(crate) fn core(opts: &Options) -> String {
    let when = crate::date::rfc3339(opts.created);
    let creator = xml::text_string(&opts.creator);
    let mut s = String::from(DECLARATION);
    s.push_str(
        "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" \
         xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">",
    );
    s.push_str(&format!(
        "<dc:title>{}</dc:title>",
        xml::text_string(&opts.title)
    ));
    s.push_str(&format!("<dc:creator>{creator}</dc:creator>"));
    s.push_str(&format!("<cp:lastModifiedBy>{creator}</cp:lastModifiedBy>"));
    s.push_str("<cp:revision>1</cp:revision>");
    s.push_str(&format!(
        "<dcterms:created xsi:type=\"dcterms:W3CDTF\">{when}</dcterms:created>"
    ));
    s.push_str(&format!(
        "<dcterms:modified xsi:type=\"dcterms:W3CDTF\">{when}</dcterms:modified>"
    ));
    s.push_str("</cp:coreProperties>");
    s
}

/// `docProps/app.xml`. No AppVersion: Word checks its "NN.NNNN" form, and we are not Word.
pub(crate) fn app() -> String {
    let mut s = String::from(DECLARATION);
    s.push_str(
        "<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\" \
         xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\">\
         <Application>duban</Application><DocSecurity>0</DocSecurity></Properties>",
    );
    s
}
