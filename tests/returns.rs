//! Builds returned workbooks shaped like the template (title, 填报单位 line, header, one row
//! per task, contact lines, 量化指标, the very hidden identity sheet and custom properties),
//! filled cleanly, so that a test or the sample generator can then break one thing.
//!
//! Shared by tests/check.rs and examples/gen_samples.rs (included with `#[path]`).
#![allow(dead_code)]

use duban::catalog::{Catalog, Role};
use duban::columns::{INDICATOR_COLUMNS, TASK_COLUMNS};
use duban::layout::{self, key};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Formula, Workbook};

/// A cell value to write.
#[derive(Clone, Debug, PartialEq)]
pub enum V {
    S(String),
    N(f64),
    /// A number in a percent-formatted cell (0.8 shows as 80%).
    Pct(f64),
    /// A formula whose cached result is an error (#DIV/0!).
    Err(String),
    /// A formula with rust_xlsxwriter's default result (0); [`strip_formula_results`]
    /// removes it, as a program that never calculates would have written the file.
    Formula(String),
    Empty,
}

pub fn s(t: &str) -> V {
    V::S(t.to_string())
}

/// One return, as data: change any part, then [`Return::bytes`].
#[derive(Clone, Debug)]
pub struct Return {
    pub unit: String,
    pub round: String,
    pub sheet: String,
    pub header: Vec<String>,
    /// One per task row, in header order.
    pub rows: Vec<Vec<V>>,
    /// Rows of instructions or blanks inserted between the line and the header.
    pub extra_top_rows: u32,
    pub unit_line: bool,
    /// A 填报说明 sheet before the tasks, naming the unit as the template's does.
    pub guide_unit: bool,
    pub identity_sheet: bool,
    pub properties: bool,
    pub rows_mode: String,
    pub filler: V,
    pub phone: V,
    pub reviewer: V,
    /// (task, indicator name, value) rows of 量化指标.
    pub indicators: Vec<(u32, String, V)>,
    pub catalog_hash: String,
    /// The workbook's own modified time (year, month, day, hour in UTC, as Excel records it).
    pub modified: Option<(u16, u8, u8, u16)>,
    /// Merged ranges over the data rows, by index among `rows` and `header`: (first row,
    /// last row, first column, last column); the first cell's value is the range's.
    pub merges: Vec<(usize, usize, usize, usize)>,
    /// A chart sheet (a chart of the 完成进度 column) before the task sheet, as Excel keeps it.
    pub chart_sheet: bool,
}

/// What a unit did in a round, different each quarter (or month), as real units write:
/// a return of the next round is not 照抄上期 of this one.
fn progress_words(round: &str) -> &'static str {
    const WORDS: [&str; 4] = [
        "召开专题推进会 2 次，制定实施方案并印发，明确责任分工和时间节点。",
        "开展现场督导 3 次，协调解决用地、资金等问题 5 个，项目全面开工建设。",
        "完成年度投资计划的七成，组织第三方评估，发现的问题全部整改销号。",
        "全面完成年度目标任务，形成工作总结报告，建立常态长效工作机制。",
    ];
    let quarter = ["第一", "第二", "第三", "第四"]
        .iter()
        .position(|q| round.contains(q));
    let month = || {
        let digits: String = round
            .rsplit('年')
            .next()
            .unwrap_or("")
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        digits.parse::<usize>().ok().map(|m| m + 3)
    };
    WORDS[quarter.or_else(month).unwrap_or(0) % 4]
}

impl Return {
    /// A clean return of every task of `unit` (host and co-unit), or hosted only.
    pub fn clean(cat: &Catalog, unit: &str, round: &str, hosts_only: bool) -> Return {
        let mut rows = Vec::new();
        let mut indicators = Vec::new();
        for (n, role) in cat.tasks_of_unit(unit) {
            if hosts_only && *role == Role::CoUnit {
                continue;
            }
            let t = cat.task(*n).unwrap();
            let progress = match role {
                Role::Host => format!(
                    "本单位牵头推进任务{n}：{}\n下一阶段重点抓好落实。",
                    progress_words(round)
                ),
                Role::CoUnit => String::new(),
            };
            rows.push(vec![
                V::N(*n as f64),
                s(&cat.section_label(&t.section)),
                s(&t.text),
                s(&t.leaders.join("、")),
                s(role.label()),
                s(""),
                s("序时推进"),
                V::N(50.0),
                V::S(progress),
                s(""),
                s("继续按计划推进"),
                V::Empty,
            ]);
            if *role == Role::Host {
                for ind in &t.indicators {
                    indicators.push((*n, ind.name.clone(), V::N((ind.target / 2.0).round())));
                }
            }
        }
        Return {
            unit: unit.to_string(),
            round: round.to_string(),
            sheet: layout::SHEET_TASKS.to_string(),
            header: TASK_COLUMNS.iter().map(|c| c.title.to_string()).collect(),
            rows,
            extra_top_rows: 0,
            unit_line: true,
            guide_unit: false,
            identity_sheet: true,
            properties: true,
            rows_mode: if hosts_only { "hosts" } else { "all" }.to_string(),
            filler: s("王晓明"),
            phone: s("0537-3412345"),
            reviewer: s("李建国"),
            indicators,
            catalog_hash: cat.hash().to_string(),
            modified: None,
            merges: Vec::new(),
            chart_sheet: false,
        }
    }

    /// Column index of a header title.
    pub fn col(&self, title: &str) -> usize {
        self.header
            .iter()
            .position(|h| h == title)
            .unwrap_or_else(|| panic!("no column {title}"))
    }

    /// Index of a task's row among the data rows.
    pub fn row_of(&self, task: u32) -> usize {
        self.rows
            .iter()
            .position(|r| r[self.col("序号")] == V::N(task as f64))
            .unwrap_or_else(|| panic!("no row for task {task}"))
    }

    pub fn set(&mut self, task: u32, title: &str, v: V) -> &mut Self {
        let (r, c) = (self.row_of(task), self.col(title));
        self.rows[r][c] = v;
        self
    }

    /// 0-based sheet row of the header.
    pub fn header_row(&self) -> u32 {
        2 + self.extra_top_rows
    }

    /// A1 reference of a task's cell in the written file.
    pub fn cell(&self, task: u32, title: &str) -> String {
        let r = self.header_row() + 1 + self.row_of(task) as u32;
        a1(r, self.col(title) as u32)
    }

    /// Inserts a column (e.g. a clerk's own) before `before`.
    pub fn insert_column(&mut self, before: &str, title: &str, fill: V) -> &mut Self {
        let c = self.col(before);
        self.header.insert(c, title.to_string());
        for r in &mut self.rows {
            r.insert(c, fill.clone());
        }
        self
    }

    pub fn rename_column(&mut self, from: &str, to: &str) -> &mut Self {
        let c = self.col(from);
        self.header[c] = to.to_string();
        self
    }

    /// Strips every machine identity: what copying the data into a new workbook does.
    pub fn anonymous(&mut self) -> &mut Self {
        self.identity_sheet = false;
        self.properties = false;
        self
    }

    pub fn bytes(&self) -> Vec<u8> {
        let mut wb = Workbook::new();
        let pct = Format::new().set_num_format("0%");
        let bold = Format::new().set_bold();
        // The embedded catalog's title, as its templates carry it.
        let title = format!("2020年{}", layout::TITLE_AFTER_YEAR);
        let mut props = DocProperties::new();
        if let Some((y, m, d, h)) = self.modified {
            let t = ExcelDateTime::from_ymd(y, m, d)
                .unwrap()
                .and_hms(h, 0, 0)
                .unwrap();
            props = props.set_creation_datetime(&t);
        }
        if self.properties {
            props = props.set_title(&title);
            for (k, v) in self.identity() {
                props =
                    props.set_custom_property(format!("{}{k}", key::PROPERTY_PREFIX), v.as_str());
            }
        }
        wb.set_properties(&props);
        if self.guide_unit {
            let ws = wb.add_worksheet();
            ws.set_name(layout::SHEET_GUIDE).unwrap();
            ws.write(0, 0, format!("{title}填报说明")).unwrap();
            ws.write(1, 0, layout::LINE_UNIT).unwrap();
            ws.write(1, 1, self.unit.as_str()).unwrap();
            ws.write(2, 0, layout::LINE_ROUND).unwrap();
            ws.write(2, 1, self.round.as_str()).unwrap();
        }
        if self.chart_sheet {
            let mut chart = rust_xlsxwriter::Chart::new(rust_xlsxwriter::ChartType::Column);
            let (h, c) = (self.header_row(), self.col("完成进度(%)") as u16);
            let last = h + self.rows.len() as u32;
            chart
                .add_series()
                .set_values((self.sheet.as_str(), h + 1, c, last, c));
            let cs = wb.add_chartsheet();
            cs.set_name("进度图").unwrap();
            cs.insert_chart(0, 0, &chart).unwrap();
        }
        {
            let ws = wb.add_worksheet();
            ws.set_name(&self.sheet).unwrap();
            let last = self.header.len() as u16 - 1;
            ws.merge_range(0, 0, 0, last, &title, &bold).unwrap();
            if self.unit_line {
                ws.write(1, 0, format!("{}：{}", layout::LINE_UNIT, self.unit))
                    .unwrap();
                ws.write(1, 4, format!("{}：{}", layout::LINE_ROUND, self.round))
                    .unwrap();
                ws.write(1, 8, format!("{}：2020年4月5日", layout::LINE_DEADLINE))
                    .unwrap();
            }
            for i in 0..self.extra_top_rows {
                ws.write(2 + i, 0, "说明：请按模板填写，不要改动表头")
                    .unwrap();
            }
            let h = self.header_row();
            for (c, t) in self.header.iter().enumerate() {
                ws.write_with_format(h, c as u16, t, &bold).unwrap();
            }
            for (i, row) in self.rows.iter().enumerate() {
                for (c, v) in row.iter().enumerate() {
                    write_v(ws, h + 1 + i as u32, c as u16, v, &pct);
                }
            }
            for &(r1, r2, c1, c2) in &self.merges {
                let text = match &self.rows[r1][c1] {
                    V::S(t) => t.clone(),
                    V::N(n) => n.to_string(),
                    _ => String::new(),
                };
                let (r1, r2) = (h + 1 + r1 as u32, h + 1 + r2 as u32);
                ws.merge_range(r1, c1 as u16, r2, c2 as u16, &text, &Format::new())
                    .unwrap();
            }
            let r = h + 1 + self.rows.len() as u32 + 1;
            for (i, (label, v)) in [
                (layout::CONTACT_FILLER, &self.filler),
                (layout::CONTACT_PHONE, &self.phone),
                (layout::CONTACT_REVIEWER, &self.reviewer),
            ]
            .into_iter()
            .enumerate()
            {
                ws.write(r + i as u32, 2, label).unwrap();
                write_v(ws, r + i as u32, 3, v, &pct);
            }
        }
        if !self.indicators.is_empty() {
            let ws = wb.add_worksheet();
            ws.set_name(layout::SHEET_INDICATORS).unwrap();
            for (c, t) in INDICATOR_COLUMNS.iter().map(|c| c.title).enumerate() {
                ws.write_with_format(0, c as u16, t, &bold).unwrap();
            }
            for (i, (task, name, v)) in self.indicators.iter().enumerate() {
                let r = 1 + i as u32;
                ws.write(r, 0, *task).unwrap();
                ws.write(r, 1, name.as_str()).unwrap();
                write_v(ws, r, 5, v, &pct);
            }
        }
        if self.identity_sheet {
            let ws = wb.add_worksheet();
            ws.set_name(layout::SHEET_IDENTITY).unwrap();
            for (i, (k, v)) in self.identity().into_iter().enumerate() {
                ws.write(i as u32, 0, k).unwrap();
                ws.write(i as u32, 1, v).unwrap();
            }
            ws.set_very_hidden(true);
        }
        wb.save_to_buffer().unwrap()
    }

    fn identity(&self) -> Vec<(String, String)> {
        let mut v = vec![
            (key::FORMAT.to_string(), layout::FORMAT_VERSION.to_string()),
            (key::CATALOG_HASH.to_string(), self.catalog_hash.clone()),
            (key::UNIT.to_string(), self.unit.clone()),
            (key::ROUND.to_string(), self.round.clone()),
            (key::ROWS.to_string(), self.rows_mode.clone()),
        ];
        let c = self.header.iter().position(|h| h == "序号");
        for r in c.map_or(&[][..], |_| &self.rows[..]) {
            if let V::N(n) = r[c.unwrap()] {
                v.push((format!("{}{}", key::TASK_PREFIX, n), "主办|0".to_string()));
            }
        }
        v
    }
}

fn write_v(ws: &mut rust_xlsxwriter::Worksheet, r: u32, c: u16, v: &V, pct: &Format) {
    match v {
        V::S(t) => {
            ws.write_string(r, c, t).unwrap();
        }
        V::N(n) => {
            ws.write_number(r, c, *n).unwrap();
        }
        V::Pct(n) => {
            ws.write_number_with_format(r, c, *n, pct).unwrap();
        }
        V::Err(e) => {
            ws.write_formula(r, c, Formula::new("=1/0").set_result(e))
                .unwrap();
        }
        V::Formula(f) => {
            ws.write_formula(r, c, Formula::new(f)).unwrap();
        }
        V::Empty => {}
    }
}

/// A zip as Windows' built-in zip makes it on a Chinese system: GBK names, no UTF-8 flag.
pub fn gbk_zip(members: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, data) in members {
        let (gbk, _, _) = encoding_rs::GBK.encode(name);
        let opts = zip::write::SimpleFileOptions::default().name(&gbk);
        w.start_file_with_options(opts).unwrap();
        std::io::Write::write_all(&mut w, data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

pub use duban::domain::place::a1;

/// Fills a real template as a clerk in Excel would: every task row gets a status, a
/// percent, progress (with a line break) and next steps, `overrides` replace single cells
/// by (task, column title), the contact lines and every 完成值 are filled. The sheet XML is
/// edited in place (inline strings into the existing styled blanks), so validations,
/// protection, the identity sheet and the properties stay as the template wrote them.
pub fn fill_template(template: &[u8], cat: &Catalog, overrides: &[(u32, &str, V)]) -> Vec<u8> {
    use calamine::{Data, Reader, Xlsx};
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(template.to_vec())).unwrap();
    let names = wb.sheet_names();
    let mut edits: Vec<(usize, Vec<(String, V)>)> = Vec::new();
    for (si, name) in names.iter().enumerate() {
        let range = wb.worksheet_range(name).unwrap();
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let at = |r: usize, c: usize| a1(r0 + r as u32, c0 + c as u32);
        let text = |d: &Data| d.to_string();
        let rows: Vec<Vec<String>> = range.rows().map(|r| r.iter().map(text).collect()).collect();
        let Some(h) = rows.iter().position(|r| r.iter().any(|c| c == "序号")) else {
            continue;
        };
        let col = |t: &str| rows[h].iter().position(|c| c == t);
        let mut cells = Vec::new();
        if name == layout::SHEET_TASKS {
            for (i, row) in rows.iter().enumerate().skip(h + 1) {
                if let Ok(n) = row[col("序号").unwrap()].parse::<u32>() {
                    let host = cat
                        .tasks_of_unit(&unit_of(&rows))
                        .iter()
                        .any(|(t, r)| *t == n && *r == Role::Host);
                    let mut fill = vec![
                        ("推进状态", s("序时推进")),
                        ("完成进度(%)", V::N(50.0)),
                        ("下步措施", s("继续按计划推进")),
                    ];
                    if host {
                        fill.push((
                            "工作进展",
                            V::S(format!(
                                "任务{n}：已制定实施方案，召开推进会 2 次。\n完成一季度阶段目标。"
                            )),
                        ));
                    }
                    for (t, title, v) in overrides {
                        if *t == n {
                            fill.retain(|(x, _)| x != title);
                            fill.push((title, v.clone()));
                        }
                    }
                    for (title, v) in fill {
                        if let Some(c) = col(title) {
                            cells.push((at(i, c), v));
                        }
                    }
                }
                for (label, v) in [
                    (layout::CONTACT_FILLER, s("王晓明")),
                    (layout::CONTACT_PHONE, s("0537-3412345")),
                    (layout::CONTACT_REVIEWER, s("李建国")),
                ] {
                    if let Some(c) = row.iter().position(|x| x == label) {
                        cells.push((at(i, c + 1), v));
                    }
                }
            }
        } else if name == layout::SHEET_INDICATORS {
            let vc = col("完成值").unwrap();
            for (i, row) in rows.iter().enumerate().skip(h + 1) {
                if row[col("序号").unwrap()].parse::<u32>().is_ok() {
                    cells.push((at(i, vc), V::N(2.0)));
                }
            }
        }
        edits.push((si, cells));
    }
    let mut out = patch_zip(template, |path, xml| {
        let i: usize = path
            .strip_prefix("xl/worksheets/sheet")?
            .strip_suffix(".xml")?
            .parse()
            .ok()?;
        let cells = &edits.iter().find(|(si, _)| *si + 1 == i)?.1;
        Some(
            cells
                .iter()
                .fold(xml.to_string(), |x, (r, v)| set_cell(&x, r, v)),
        )
    });
    std::mem::take(&mut out)
}

fn unit_of(rows: &[Vec<String>]) -> String {
    rows.iter()
        .flatten()
        .find_map(|c| {
            c.strip_prefix(&format!("{}：", layout::LINE_UNIT))
                .map(String::from)
        })
        .unwrap_or_default()
}

/// Rewrites some XML parts of a zip, copying the others as they are.
pub fn patch_zip(bytes: &[u8], mut f: impl FnMut(&str, &str) -> Option<String>) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut zin = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut zout = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zin.len() {
        let name = zin.by_index(i).unwrap().name().unwrap().to_string();
        let mut xml = String::new();
        let changed = if name.ends_with(".xml") {
            zin.by_index(i).unwrap().read_to_string(&mut xml).unwrap();
            f(&name, &xml)
        } else {
            None
        };
        match changed {
            Some(new) => {
                zout.start_file(name, zip::write::SimpleFileOptions::default())
                    .unwrap();
                zout.write_all(new.as_bytes()).unwrap();
            }
            None => zout.raw_copy_file(zin.by_index(i).unwrap()).unwrap(),
        }
    }
    zout.finish().unwrap().into_inner()
}

/// Replaces cell `r` (present as a styled blank or a value) with `v`, keeping its style.
pub fn set_cell(xml: &str, r: &str, v: &V) -> String {
    let open = format!("<c r=\"{r}\"");
    let Some(start) = xml.find(&open) else {
        panic!("cell {r} not in the sheet XML");
    };
    let tag_end = start + xml[start..].find('>').unwrap();
    let end = if xml.as_bytes()[tag_end - 1] == b'/' {
        tag_end + 1
    } else {
        start + xml[start..].find("</c>").unwrap() + 4
    };
    let style = xml[start..tag_end]
        .split_once(" s=\"")
        .map(|(_, rest)| format!(" s=\"{}\"", &rest[..rest.find('"').unwrap()]))
        .unwrap_or_default();
    let esc = |t: &str| {
        t.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let new = match v {
        V::S(t) => format!(
            "<c r=\"{r}\"{style} t=\"inlineStr\"><is><t xml:space=\"preserve\">{}</t></is></c>",
            esc(t)
        ),
        V::N(n) | V::Pct(n) => format!("<c r=\"{r}\"{style}><v>{n}</v></c>"),
        V::Err(e) => format!("<c r=\"{r}\"{style} t=\"e\"><v>{}</v></c>", esc(e)),
        V::Formula(f) => format!("<c r=\"{r}\"{style}><f>{}</f></c>", esc(f)),
        V::Empty => format!("<c r=\"{r}\"{style}/>"),
    };
    format!("{}{}{}", &xml[..start], new, &xml[end..])
}

/// Removes every formula's cached result, as a program that writes formulas without
/// calculating them (openpyxl, most scripts) leaves a workbook until a spreadsheet opens it.
pub fn strip_formula_results(xlsx: &[u8]) -> Vec<u8> {
    patch_zip(xlsx, |path, xml| {
        (path.starts_with("xl/worksheets/") && xml.contains("</f>"))
            .then(|| xml.replace("</f><v>0</v>", "</f>"))
    })
}
