//! Reading a template back: calamine for the cells, the zip's XML for what calamine does
//! not see (validations, protection, locked cells), and the checks every template passes.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use calamine::{open_workbook, Data, Reader, SheetVisible, Xlsx};
use duban::catalog::{format_number, Catalog, Role};
use duban::columns::{INDICATOR_COLUMNS, TASK_COLUMNS};
use duban::domain::status::Status;
use duban::layout::{self, key};
use duban::outputs::{MANIFEST, MANIFEST_COLUMNS};
use duban::template;

use super::{DEADLINE, ROUND};

/// The manifest's rows (without the header), checking its BOM and header.
pub fn manifest(dir: &Path) -> Vec<Vec<String>> {
    let bytes = std::fs::read(dir.join(MANIFEST)).unwrap();
    assert!(
        bytes.starts_with(&[0xEF, 0xBB, 0xBF]),
        "manifest.csv starts with a BOM"
    );
    let mut r = csv::Reader::from_reader(&bytes[3..]);
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header, MANIFEST_COLUMNS);
    r.records()
        .map(|rec| rec.unwrap().iter().map(String::from).collect())
        .collect()
}

fn text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) => format_number(*f),
        Data::Int(i) => i.to_string(),
        other => other.to_string(),
    }
}

/// A sheet as rows of text, from A1 (positions absolute).
fn grid(book: &mut Xlsx<std::io::BufReader<std::fs::File>>, sheet: &str) -> Vec<Vec<String>> {
    let range = book
        .worksheet_range(sheet)
        .unwrap_or_else(|e| panic!("sheet {sheet}: {e}"));
    let Some((r1, c1)) = range.end() else {
        return Vec::new();
    };
    (0..=r1)
        .map(|r| {
            (0..=c1)
                .map(|c| range.get_value((r, c)).map(text).unwrap_or_default())
                .collect()
        })
        .collect()
}

/// What a test needs from one template, read back with calamine.
pub struct Readback {
    pub sheets: Vec<(String, SheetVisible)>,
    /// Rows of 任务进展 after the header, up to the first empty 序号.
    pub tasks: Vec<Vec<String>>,
    /// The whole 任务进展 sheet.
    pub task_grid: Vec<Vec<String>>,
    pub indicators: Option<Vec<Vec<String>>>,
    pub guide: Vec<Vec<String>>,
    pub identity: Vec<(String, String)>,
    pub properties: HashMap<String, String>,
}

fn data_rows(g: &[Vec<String>], header: &[&str]) -> Vec<Vec<String>> {
    let at = g
        .iter()
        .position(|row| {
            row.iter()
                .take(header.len())
                .map(String::as_str)
                .eq(header.iter().copied())
        })
        .expect("header row found");
    g[at + 1..]
        .iter()
        .take_while(|r| !r[0].is_empty())
        .cloned()
        .collect()
}

pub fn read(path: &Path) -> Readback {
    let mut book: Xlsx<_> =
        open_workbook(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let sheets: Vec<(String, SheetVisible)> = book
        .sheets_metadata()
        .iter()
        .map(|s| (s.name.clone(), s.visible))
        .collect();
    let has = |name: &str| sheets.iter().any(|(n, _)| n == name);
    let task_grid = grid(&mut book, layout::SHEET_TASKS);
    let indicators = has(layout::SHEET_INDICATORS).then(|| {
        data_rows(
            &grid(&mut book, layout::SHEET_INDICATORS),
            &INDICATOR_COLUMNS
                .iter()
                .map(|c| c.title)
                .collect::<Vec<_>>(),
        )
    });
    let identity = if has(layout::SHEET_IDENTITY) {
        grid(&mut book, layout::SHEET_IDENTITY)
            .into_iter()
            .map(|r| (r[0].clone(), r[1].clone()))
            .collect()
    } else {
        Vec::new()
    };
    let properties = book.workbook_properties().unwrap().custom_properties;
    Readback {
        sheets,
        tasks: data_rows(
            &task_grid,
            &TASK_COLUMNS.iter().map(|c| c.title).collect::<Vec<_>>(),
        ),
        task_grid,
        indicators,
        guide: grid(&mut book, layout::SHEET_GUIDE),
        identity,
        properties,
    }
}

/// One part of the .xlsx zip, as text.
pub fn part(path: &Path, name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut s = String::new();
    zip.by_name(name)
        .unwrap_or_else(|e| panic!("{name} in {}: {e}", path.display()))
        .read_to_string(&mut s)
        .unwrap();
    s
}

/// The style index of a cell in a sheet's XML.
pub fn cell_style(sheet_xml: &str, cell: &str) -> usize {
    let at = sheet_xml
        .find(&format!("<c r=\"{cell}\""))
        .unwrap_or_else(|| panic!("cell {cell} written"));
    let tag = &sheet_xml[at..at + sheet_xml[at..].find('>').unwrap()];
    let s = tag
        .split(" s=\"")
        .nth(1)
        .unwrap_or_else(|| panic!("cell {cell} has a style: {tag}"));
    s[..s.find('"').unwrap()].parse().unwrap()
}

/// Whether cell format `xf` (an index into cellXfs) is unlocked.
pub fn unlocked(styles_xml: &str, xf: usize) -> bool {
    let start = styles_xml.find("<cellXfs").unwrap();
    let end = start + styles_xml[start..].find("</cellXfs>").unwrap();
    let xfs: Vec<&str> = styles_xml[start..end].split("<xf ").skip(1).collect();
    xfs[xf].contains("locked=\"0\"")
}

/// Checks one unit's template against the catalog; `rows` is what its rows should be.
pub fn check_template(
    cat: &Catalog,
    unit: &str,
    path: &Path,
    rows: &[(u32, Role)],
    rows_label: &str,
) {
    let rb = read(path);
    let names: Vec<&str> = rb.sheets.iter().map(|(n, _)| n.as_str()).collect();
    let hosted_indicators: Vec<(u32, &str)> = rows
        .iter()
        .filter(|(_, r)| *r == Role::Host)
        .flat_map(|(n, _)| {
            cat.task(*n)
                .unwrap()
                .indicators
                .iter()
                .map(move |i| (*n, i.name.as_str()))
        })
        .collect();
    let mut expected_sheets = vec![layout::SHEET_GUIDE, layout::SHEET_TASKS];
    if !hosted_indicators.is_empty() {
        expected_sheets.push(layout::SHEET_INDICATORS);
    }
    expected_sheets.push(layout::SHEET_IDENTITY);
    assert_eq!(names, expected_sheets, "{unit}: sheets");
    for (name, vis) in &rb.sheets {
        let want = if name == layout::SHEET_IDENTITY {
            SheetVisible::VeryHidden
        } else {
            SheetVisible::Visible
        };
        assert_eq!(*vis, want, "{unit}: visibility of {name}");
    }

    // Title, the unit / round / deadline line, then the task rows in order.
    assert_eq!(rb.task_grid[0][0], "2020年政府工作报告任务落实进展情况");
    let line = rb.task_grid[1].join("");
    for want in [unit, ROUND, "2020年4月5日"] {
        assert!(
            line.contains(want),
            "{unit}: line under the title says {want}: {line}"
        );
    }
    let got: Vec<(String, String)> = rb
        .tasks
        .iter()
        .map(|r| (r[0].clone(), r[4].clone()))
        .collect();
    let want: Vec<(String, String)> = rows
        .iter()
        .map(|(n, r)| (n.to_string(), r.label().to_string()))
        .collect();
    assert_eq!(got, want, "{unit}: task numbers and roles");
    for row in &rb.tasks {
        let task = cat.task(row[0].parse().unwrap()).unwrap();
        assert_eq!(
            row[1],
            cat.section_label(&task.section),
            "{unit} task {}: 所属部分",
            task.number
        );
        assert_eq!(row[2], task.text, "{unit} task {}: 任务内容", task.number);
        assert_eq!(
            row[3],
            task.leaders.join("、"),
            "{unit} task {}: 牵头领导",
            task.number
        );
        for other in task
            .hosts
            .iter()
            .chain(&task.co_units)
            .filter(|n| *n != unit)
        {
            assert!(
                row[5].contains(other.as_str()),
                "{unit} task {}: 其他承办单位 lists {other}: {}",
                task.number,
                row[5]
            );
        }
        assert!(
            row[6..].iter().all(String::is_empty),
            "{unit} task {}: input cells empty",
            task.number
        );
    }
    // Contact lines below the rows: label, then the value cell right of it.
    let below = &rb.task_grid[template::FIRST_ROW as usize + rb.tasks.len()..];
    for label in [
        layout::CONTACT_FILLER,
        layout::CONTACT_PHONE,
        layout::CONTACT_REVIEWER,
    ] {
        let row = below.iter().find(|r| r.iter().any(|c| c == label));
        let row = row.unwrap_or_else(|| panic!("{unit}: contact line {label}"));
        let at = row.iter().position(|c| c == label).unwrap();
        assert!(
            row.get(at + 1).is_some_and(String::is_empty),
            "{unit}: an empty cell right of {label}"
        );
    }

    // Indicators: exactly those of the tasks the unit hosts, target numeric.
    if let Some(ind) = &rb.indicators {
        let got: Vec<(u32, &str)> = ind
            .iter()
            .map(|r| (r[0].parse().unwrap(), r[1].as_str()))
            .collect();
        assert_eq!(got, hosted_indicators, "{unit}: indicator rows");
    }

    // The hidden identity: facts, and one row per task whose hash matches the cells as read.
    let id: HashMap<&str, &str> = rb
        .identity
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(id[key::UNIT], unit);
    assert_eq!(id[key::ROUND], ROUND);
    assert_eq!(id[key::DEADLINE], DEADLINE);
    assert_eq!(id[key::ROWS], rows_label);
    assert_eq!(id[key::CATALOG_HASH], cat.hash());
    assert_eq!(id[key::CATALOG_NUMBER], cat.notice().number);
    assert_eq!(id[key::FORMAT], layout::FORMAT_VERSION);
    let task_keys: Vec<&str> = rb
        .identity
        .iter()
        .map(|(k, _)| k.as_str())
        .filter(|k| k.starts_with(key::TASK_PREFIX))
        .collect();
    assert_eq!(
        task_keys.len(),
        rows.len(),
        "{unit}: one identity row per task"
    );
    for row in &rb.tasks {
        let entry = id[format!("{}{}", key::TASK_PREFIX, row[0]).as_str()];
        let (role, hash) = template::parse_task_entry(entry).unwrap();
        assert_eq!(role.label(), row[4]);
        assert_eq!(
            hash,
            template::row_hash(&row[..template::CANONICAL_TASK_COLUMNS]),
            "{unit} task {}: hash of the cells read back",
            row[0]
        );
    }
    // The same key facts as document properties.
    for k in [
        key::FORMAT,
        key::CATALOG_NUMBER,
        key::CATALOG_HASH,
        key::UNIT,
        key::ROUND,
        key::DEADLINE,
        key::ROWS,
        key::TASKS,
    ] {
        let name = format!("{}{k}", key::PROPERTY_PREFIX);
        assert_eq!(
            rb.properties.get(&name).map(String::as_str),
            Some(id[k]),
            "{unit}: property {name}"
        );
        assert!(
            id[k].chars().count() <= 255,
            "{unit}: property {name} fits Excel's 255 characters"
        );
    }

    // 填报说明 names the round, the deadline and every status with its meaning.
    let guide = rb.guide.concat().concat();
    for want in [ROUND, "2020年4月5日", "请勿插入、删除、移动行或列"] {
        assert!(guide.contains(want), "{unit}: 填报说明 says {want}");
    }
    for s in Status::REPORTED {
        assert!(
            guide.contains(s.label()) && guide.contains(s.meaning()),
            "{unit}: 填报说明 explains {}",
            s.label()
        );
    }
}

/// The sheet XML of 任务进展 carries the validations, protection, unlocked inputs, status
/// colours and print setup.
pub fn check_xml(unit: &str, path: &Path, n_rows: usize) {
    let workbook = part(path, "xl/workbook.xml");
    let first = workbook.find(layout::SHEET_GUIDE).unwrap();
    let second = workbook
        .find(&format!("name=\"{}\"", layout::SHEET_TASKS))
        .unwrap();
    assert!(
        first < second,
        "{unit}: 任务进展 is the second sheet, so sheet2.xml"
    );
    assert!(
        workbook.contains(&format!("name=\"{}\" sheetId=\"", layout::SHEET_IDENTITY))
            && workbook.contains("state=\"veryHidden\"")
    );
    let xml = part(path, "xl/worksheets/sheet2.xml");
    let styles = part(path, "xl/styles.xml");
    let last = 3 + n_rows;
    // A one-row range is written as a single cell.
    let column = |c: char| {
        if last == 4 {
            format!("{c}4")
        } else {
            format!("{c}4:{c}{last}")
        }
    };
    let lists: Vec<&str> = xml.split("<dataValidation ").skip(1).collect();
    let status = lists
        .iter()
        .find(|v| v.contains(&format!("sqref=\"{}\"", column('G'))))
        .unwrap_or_else(|| panic!("{unit}: a validation over {}", column('G')));
    assert!(status.contains("type=\"list\""), "{unit}: {status}");
    assert!(
        status.contains("<formula1>\"已完成,序时推进,滞后,未启动\"</formula1>"),
        "{unit}: {status}"
    );
    let percent = lists
        .iter()
        .find(|v| v.contains(&format!("sqref=\"{}\"", column('H'))))
        .expect("percent validation");
    assert!(
        percent.contains("type=\"decimal\"")
            && percent.contains("<formula1>0</formula1><formula2>100</formula2>"),
        "{unit}: {percent}"
    );
    for v in [status, percent] {
        assert!(
            v.contains("promptTitle=")
                && v.contains("prompt=")
                && v.contains("error=")
                && v.contains("showErrorMessage=\"1\""),
            "{unit}: messages in {v}"
        );
    }
    assert!(
        lists
            .iter()
            .any(|v| v.contains("type=\"textLength\"") && v.contains("联系电话")),
        "{unit}: phone validation"
    );
    assert!(xml.contains("<sheetProtection "), "{unit}: sheet protected");
    assert!(!xml.contains("password="), "{unit}: no password by default");
    // Input cells carry an unlocked format; canonical cells do not.
    let contacts = [last + 2, last + 3, last + 4].map(|r| format!("D{r}"));
    for cell in [
        format!("G{last}"),
        "H4".into(),
        format!("I{last}"),
        "L4".into(),
    ]
    .iter()
    .chain(&contacts)
    {
        assert!(
            unlocked(&styles, cell_style(&xml, cell)),
            "{unit}: input cell {cell} unlocked"
        );
    }
    for cell in ["A4", "C4", "F4"] {
        assert!(
            !unlocked(&styles, cell_style(&xml, cell)),
            "{unit}: canonical cell {cell} locked"
        );
    }
    let cf: Vec<&str> = xml
        .split("<conditionalFormatting sqref=\"")
        .skip(1)
        .collect();
    assert_eq!(cf.len(), 1, "{unit}: status colours on one range");
    assert!(
        cf[0].starts_with(&format!("{}\"", column('G'))),
        "{unit}: {}",
        cf[0]
    );
    for s in Status::REPORTED {
        assert!(
            cf[0].contains(&format!("<formula>\"{}\"</formula>", s.label())),
            "{unit}: colour for {}: {}",
            s.label(),
            cf[0]
        );
    }
    assert!(
        xml.contains("paperSize=\"9\"") && xml.contains("orientation=\"landscape\""),
        "{unit}: A4 landscape"
    );
    assert!(
        xml.contains("fitToHeight=\"0\"") && xml.contains("<pageSetUpPr fitToPage=\"1\"/>"),
        "{unit}: fit to one page wide"
    );
    assert!(
        xml.contains("&amp;P") && xml.contains("&amp;N"),
        "{unit}: page numbers in the footer"
    );
    assert!(
        xml.contains("ySplit=\"3\"") && xml.contains("state=\"frozen\""),
        "{unit}: header frozen"
    );
    assert!(
        workbook.contains(&format!("{}!$3:$3", layout::SHEET_TASKS)),
        "{unit}: header repeated on every page"
    );
}
