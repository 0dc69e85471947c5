//! The contacts file: who receives mail for each unit and leader.
//!
//! Clerks keep it in Excel and send it as they saved it: "CSV (逗号分隔)" in GBK with CRLF
//! from Excel on Chinese Windows, "CSV UTF-8" with a BOM, a tab-separated "Unicode 文本",
//! or the workbook itself (.xlsx, .xls, .ods: its first sheet). Column titles come in
//! Chinese (单位/姓名, 类别, 邮箱, 抄送, 联系人, as `duban init` writes them, or 单位名称,
//! 角色 …) or English (name, role, to, cc, contact, as earlier workspaces have them),
//! under a title row or not; names are written as they are spoken (简称, 兗/兖) and several
//! cc addresses share a cell however the clerk likes. Every name goes through the
//! catalog's matching, and every problem in the rows is collected, so the office fixes the
//! file once, not once per run. A file that cannot be read at all is one error.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use lettre::Address;

use super::Role;
use crate::catalog::names::{closest, fold};
use crate::catalog::{Catalog, Resolved};
use crate::check::fold_title;
use crate::fsutil::InputError;
use crate::read::{self, ReadError};

/// One row of the contacts file, resolved.
#[derive(Clone, Debug, PartialEq)]
pub struct Contact {
    /// Canonical unit name, or the leader's name as in the catalog.
    pub name: String,
    pub role: Role,
    pub to: Vec<Address>,
    pub cc: Vec<Address>,
    /// The person to greet (联系人); may be empty.
    pub contact: String,
    /// 1-based line (or sheet row) in the file.
    pub line: usize,
}

/// The resolved rows and every problem found in them.
#[derive(Clone, Debug, Default)]
pub struct Contacts {
    pub path: PathBuf,
    pub entries: Vec<Contact>,
    /// Problems, each naming the file and line, in Chinese.
    pub problems: Vec<String>,
    /// Rows listed without an address yet (`duban init` writes one per unit and leader):
    /// a recipient here is told to complete its row, not to add one.
    pub unfilled: Vec<Contact>,
}

impl Contacts {
    /// The row for a canonical name of the given role.
    pub fn get(&self, role: Role, name: &str) -> Option<&Contact> {
        self.entries
            .iter()
            .find(|c| c.role == role && c.name == name)
    }
}

/// A contacts file that cannot be used at all: one message for the whole file.
#[derive(Debug, thiserror::Error)]
pub enum ContactsError {
    #[error("联系人表：{0}")]
    Read(#[from] InputError),
    /// A workbook the reader refused (damaged, encrypted …).
    #[error("无法读取联系人表 {}：{source}", path.display())]
    Workbook { path: PathBuf, source: ReadError },
    #[error("联系人表 {} 是空的：第一行应为列名，如 {}", path.display(), EXAMPLE_HEADER)]
    Empty { path: PathBuf },
    /// No row names both the name and the address columns.
    #[error("联系人表 {} 中找不到列名行（须有“{}”和“{}”两列）：第一行应为列名，如 {}", path.display(), FIELDS[0].1[0], FIELDS[2].1[0], EXAMPLE_HEADER)]
    NoHeader { path: PathBuf },
}

/// What a header the office writes looks like, for messages.
const EXAMPLE_HEADER: &str = "单位/姓名,类别,邮箱,抄送,联系人";

/// The header `duban init` writes (and the messages show): the first title of each field.
pub const HEADER: [&str; 5] = ["单位/姓名", "类别", "邮箱", "抄送", "联系人"];

/// A column of the contacts file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    Name,
    Role,
    To,
    Cc,
    Contact,
}

/// Column titles accepted for each field, folded as headers are (English as documented,
/// Chinese as clerks write): the one table the reader, its messages and the docs follow.
const FIELDS: [(Field, &[&str]); 5] = [
    (
        Field::Name,
        &[
            "单位/姓名",
            "name",
            "单位名称",
            "名称",
            "单位",
            "姓名",
            "单位/领导",
            "收件单位",
        ],
    ),
    (Field::Role, &["类别", "role", "角色", "类型"]),
    (
        Field::To,
        &[
            "邮箱",
            "to",
            "收件人",
            "电子邮箱",
            "邮件地址",
            "收件邮箱",
            "email",
            "e-mail",
        ],
    ),
    (Field::Cc, &["抄送", "cc", "抄送邮箱"]),
    (Field::Contact, &["联系人", "contact", "联系方式"]),
];

/// How many rows from the top the header may be (a title line above it is common).
const HEADER_ROWS: usize = 10;

/// One row of the file as text cells, with where it is for messages.
struct Record {
    /// "contacts.csv 第 5 行", "联系人.xlsx 工作表“Sheet1”第 5 行".
    place: String,
    line: usize,
    cells: Vec<String>,
}

/// Reads a contacts file: CSV or text in any encoding Windows saves, or a workbook.
///
/// # Errors
///
/// [`ContactsError`] when the file cannot be used at all (unreadable, a broken workbook,
/// empty, no header); problems in single rows are [`Contacts::problems`].
pub fn read(path: &Path, catalog: &Catalog) -> Result<Contacts, ContactsError> {
    let bytes = crate::fsutil::read(path)?;
    if read::is_workbook(&bytes) {
        let book = read::read_bytes(&bytes, &read::Limits::isolated()).map_err(|source| {
            ContactsError::Workbook {
                path: path.to_path_buf(),
                source,
            }
        })?;
        return resolve(workbook_records(&book, path), path, catalog);
    }
    let (text, _) = crate::fsutil::decode_text(&bytes);
    parse(&text, path, catalog)
}

/// Parses the text of a contacts file; `path` is only for messages.
pub fn parse(text: &str, path: &Path, catalog: &Catalog) -> Result<Contacts, ContactsError> {
    resolve(text_records(text, path), path, catalog)
}

/// The records of a CSV (or tab-separated) text; an unparsable line is a record-level
/// problem, kept as a record without cells and a note.
fn text_records(text: &str, path: &Path) -> Vec<Result<Record, String>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let delimiter = if first.contains('\t') && !first.contains(',') {
        b'\t'
    } else {
        b','
    };
    let file = path.display();
    // The csv crate counts lines (and places records) oddly after a CR: the line of a
    // record is counted here from its byte offset, past any line break it points at.
    let line_at = |byte: u64| {
        let mut b = (byte as usize).min(text.len());
        while text
            .as_bytes()
            .get(b)
            .is_some_and(|c| *c == b'\r' || *c == b'\n')
        {
            b += 1;
        }
        text.as_bytes()[..b].iter().filter(|c| **c == b'\n').count() + 1
    };
    csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .delimiter(delimiter)
        .from_reader(text.as_bytes())
        .records()
        .map(|rec| {
            let rec = rec.map_err(|e| {
                let line = e.position().map_or(0, |p| line_at(p.byte()));
                format!("{file} 第 {line} 行：无法解析：{e}")
            })?;
            let line = rec.position().map_or(0, |p| line_at(p.byte()));
            Ok(Record {
                place: format!("{file} 第 {line} 行"),
                line,
                cells: rec.iter().map(String::from).collect(),
            })
        })
        .collect()
}

/// The rows of a workbook's first visible sheet, as text.
fn workbook_records(book: &read::Workbook, path: &Path) -> Vec<Result<Record, String>> {
    let Some(sheet) = book
        .sheets
        .iter()
        .find(|s| s.visibility == Some(read::Visibility::Visible))
        .or(book.sheets.first())
    else {
        return Vec::new();
    };
    let last = sheet.cells.keys().map(|(_, c)| *c).max().unwrap_or(0);
    let file = path.display();
    sheet
        .rows()
        .into_iter()
        .map(|r| {
            Ok(Record {
                place: format!("{file} 工作表“{}”第 {} 行", sheet.name, r + 1),
                line: r as usize + 1,
                cells: (0..=last).map(|c| sheet.value(r, c).text()).collect(),
            })
        })
        .collect()
}

/// Finds the header among the first records and resolves every row under it.
fn resolve(
    records: Vec<Result<Record, String>>,
    path: &Path,
    catalog: &Catalog,
) -> Result<Contacts, ContactsError> {
    let mut out = Contacts {
        path: path.to_path_buf(),
        ..Contacts::default()
    };
    let has_cells = |r: &Result<Record, String>| {
        r.as_ref()
            .is_ok_and(|r| r.cells.iter().any(|c| !c.trim().is_empty()))
    };
    if !records.iter().any(has_cells) {
        return Err(ContactsError::Empty {
            path: path.to_path_buf(),
        });
    }
    let header = records.iter().take(HEADER_ROWS).position(|r| {
        r.as_ref().is_ok_and(|r| {
            let cols = columns(&r.cells);
            cols[0].is_some() && cols[2].is_some()
        })
    });
    let Some(header) = header else {
        return Err(ContactsError::NoHeader {
            path: path.to_path_buf(),
        });
    };
    let cols = match &records[header] {
        Ok(r) => columns(&r.cells),
        Err(_) => unreachable!("the header parsed"),
    };
    for rec in records.into_iter().skip(header + 1) {
        let rec = match rec {
            Ok(r) => r,
            Err(problem) => {
                out.problems.push(problem);
                continue;
            }
        };
        row(&rec, &cols, catalog, &mut out);
    }
    Ok(out)
}

/// Which cell holds each field (in [`FIELDS`] order), by the header's titles.
fn columns(header: &[String]) -> [Option<usize>; 5] {
    let mut cols = [None; 5];
    for (i, title) in header.iter().enumerate() {
        let t = fold_title(title).to_lowercase();
        if t.is_empty() {
            continue;
        }
        for (k, (_, names)) in FIELDS.iter().enumerate() {
            if cols[k].is_none() && names.iter().any(|n| fold_title(n).to_lowercase() == t) {
                cols[k] = Some(i);
                break;
            }
        }
    }
    cols
}

/// One row under the header: resolved into an entry, or its problems noted.
fn row(rec: &Record, cols: &[Option<usize>; 5], catalog: &Catalog, out: &mut Contacts) {
    let at = |msg: String| format!("{}：{msg}", rec.place);
    let field = |f: Field| {
        let k = FIELDS.iter().position(|(x, _)| *x == f).expect("a field");
        cols[k]
            .and_then(|i| rec.cells.get(i))
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    };
    if rec.cells.iter().all(|c| c.trim().is_empty()) {
        return;
    }
    let (name, role, to, cc, contact) = (
        field(Field::Name),
        field(Field::Role),
        field(Field::To),
        field(Field::Cc),
        field(Field::Contact),
    );
    if name.is_empty() {
        out.problems.push(at("名称为空".into()));
        return;
    }
    let role = match fold(&role).to_lowercase().as_str() {
        "unit" | "单位" => Some(Role::Unit),
        "leader" | "领导" => Some(Role::Leader),
        "" => None,
        other => {
            out.problems
                .push(at(format!("类别“{other}”无法识别，应为“单位”或“领导”")));
            return;
        }
    };
    let resolved = match resolve_name(&name, role, catalog) {
        Ok(r) => r,
        Err(problem) => {
            out.problems.push(at(problem.to_string()));
            return;
        }
    };
    let mut bad = Vec::new();
    let to = addresses(&to, &mut bad);
    let cc = addresses(&cc, &mut bad);
    for b in &bad {
        out.problems.push(at(format!(
            "“{b}”不是有效的邮箱地址（应形如 name@example.org）"
        )));
    }
    // A row whose 邮箱 is still empty (as `duban init` lists every unit and leader for the
    // office to fill in) is not a mistake in the file: the unit has no address yet, and
    // the mail that concerns it says so (the rest go).
    let (unfilled, usable) = (
        to.is_empty() && bad.is_empty(),
        bad.is_empty() && !to.is_empty(),
    );
    let entry = Contact {
        name: resolved.0,
        role: resolved.1,
        to,
        cc,
        contact,
        line: rec.line,
    };
    if unfilled {
        out.unfilled.push(entry);
        return;
    }
    if let Some(prev) = out.get(entry.role, &entry.name) {
        out.problems.push(at(format!(
            "“{}”与第 {} 行重复；一个单位或领导只写一行，多个邮箱写在同一格内",
            entry.name, prev.line
        )));
        return;
    }
    if usable {
        out.entries.push(entry);
    }
}

/// A contacts name that names no single unit or leader.
#[derive(Debug, thiserror::Error)]
pub enum NameProblem {
    #[error(
        "领导“{name}”不在任务清单的牵头领导中{}",
        crate::catalog::names::suggestion(closest)
    )]
    UnknownLeader { name: String, closest: Vec<String> },
    #[error("“{name}”是单位组，不是单个单位；请为组内每个单位各写一行")]
    Group { name: String },
    #[error(
        "单位“{name}”不在单位名录中{}",
        crate::catalog::names::suggestion(closest)
    )]
    UnknownUnit { name: String, closest: Vec<String> },
}

/// A name to a canonical unit or leader; the error names the closest known ones.
fn resolve_name(
    name: &str,
    role: Option<Role>,
    catalog: &Catalog,
) -> Result<(String, Role), NameProblem> {
    let leader = catalog
        .leaders()
        .iter()
        .find(|l| fold(l) == fold(name))
        .cloned();
    match (role, leader) {
        (Some(Role::Leader) | None, Some(l)) => return Ok((l, Role::Leader)),
        (Some(Role::Leader), None) => {
            return Err(NameProblem::UnknownLeader {
                name: name.to_string(),
                closest: closest(name, catalog.leaders().iter().map(|s| s.as_str()), 3),
            });
        }
        _ => {}
    }
    match catalog.registry().lookup(name) {
        Some(Resolved::Unit(u)) => Ok((u.name.clone(), Role::Unit)),
        Some(Resolved::Group(g)) => Err(NameProblem::Group {
            name: g.name.clone(),
        }),
        None => {
            let e = catalog
                .registry()
                .unit(name)
                .expect_err("lookup found nothing");
            Err(NameProblem::UnknownUnit {
                name: name.to_string(),
                closest: e.closest,
            })
        }
    }
}

/// Splits a cell of addresses on ; , 、 ， ； and spaces; accepts `名字 <a@b>` too.
/// Invalid ones go to `bad`.
pub fn addresses(cell: &str, bad: &mut Vec<String>) -> Vec<Address> {
    let mut out: Vec<Address> = Vec::new();
    for piece in cell.split([';', ',', '、', '，', '；']) {
        // A display name with spaces before <addr> is one entry; plain spaces separate.
        let piece = piece.trim();
        if piece.is_empty() {
            continue;
        }
        let parts: Vec<&str> = if piece.contains('<') {
            vec![piece]
        } else {
            piece.split_whitespace().collect()
        };
        for p in parts {
            let addr = match (p.find('<'), p.rfind('>')) {
                (Some(a), Some(b)) if a < b => &p[a + 1..b],
                _ => p,
            };
            match Address::from_str(addr.trim()) {
                Ok(a) if a.domain().contains('.') || a.domain() == "localhost" => {
                    if !out.contains(&a) {
                        out.push(a)
                    }
                }
                _ => bad.push(p.to_string()),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_text(t: &str) -> Contacts {
        parse(t, Path::new("contacts.csv"), &Catalog::embedded()).unwrap()
    }

    #[test]
    fn bom_aliases_and_several_cc() {
        let c = parse_text(
            "\u{feff}name,role,to,cc,contact\n区市场监督管理局,unit,a@example.org,\"b@example.org; c@example.org、d@example.org e@example.org\",张三\n",
        );
        assert!(c.problems.is_empty(), "{:?}", c.problems);
        let e = &c.entries[0];
        assert_eq!(e.name, "区市场监管局");
        assert_eq!(e.cc.len(), 4);
        assert_eq!(e.contact, "张三");
    }

    #[test]
    fn every_problem_is_reported_together() {
        let c = parse_text(
            "name,role,to,cc,contact\n区科技,unit,a@example.org,,\n新兖镇,unit,not-an-address,,\n区商务局,unit,,,\n区商务局,unit,x@example.org,,\n",
        );
        let all = c.problems.join("\n");
        assert!(all.contains("第 2 行") && all.contains("区科技局"), "{all}");
        assert!(
            all.contains("第 3 行") && all.contains("not-an-address"),
            "{all}"
        );
        // An empty 邮箱 is a unit without an address yet, not a problem of the file; the
        // unit's next row with an address is its row.
        assert!(
            !all.contains("第 4 行") && !all.contains("第 5 行"),
            "{all}"
        );
        assert_eq!(c.problems.len(), 2, "{all}");
        let sw = c.get(Role::Unit, "区商务局").unwrap();
        assert_eq!((sw.line, sw.to.len()), (5, 1));
    }

    #[test]
    fn chinese_titles_a_title_line_and_tabs() {
        let c = parse_text(
            "2020年联系人表\t\t\n名称\t类别\t电子邮箱\t抄送\t联系方式\n区科技局\t单位\ta@example.org\t\t李四\n",
        );
        assert!(c.problems.is_empty(), "{:?}", c.problems);
        assert_eq!(c.entries[0].name, "区科技局");
        assert_eq!(c.entries[0].contact, "李四");
        assert_eq!(c.entries[0].line, 3);
        let err = parse(
            "单位,电话\n区科技局,123\n",
            Path::new("c.csv"),
            &Catalog::embedded(),
        )
        .unwrap_err();
        assert!(matches!(err, ContactsError::NoHeader { .. }), "{err}");
    }

    #[test]
    fn leaders_match_by_catalog() {
        let cat = Catalog::embedded();
        let leader = cat.leaders()[0].clone();
        let c = parse_text(&format!(
            "name,role,to,cc,contact\n{leader},leader,l@example.org,,\n"
        ));
        assert!(c.problems.is_empty(), "{:?}", c.problems);
        assert_eq!(c.entries[0].role, Role::Leader);
        let c = parse_text("name,role,to,cc,contact\n无名氏,leader,l@example.org,,\n");
        assert!(c.problems[0].contains("牵头领导"), "{:?}", c.problems);
    }
}

#[cfg(test)]
mod sample {
    use super::*;

    /// samples/contacts.csv is generated from the catalog; it must cover every recipient.
    #[test]
    fn sample_covers_every_unit_with_tasks_and_every_leader() {
        let cat = Catalog::embedded();
        let c = parse(
            include_str!("../../samples/contacts.csv"),
            Path::new("samples/contacts.csv"),
            &cat,
        )
        .unwrap();
        assert!(c.problems.is_empty(), "{:?}", c.problems);
        for u in cat.assignments().keys() {
            assert!(c.get(Role::Unit, u).is_some(), "no contact for {u}");
        }
        for l in cat.leaders() {
            assert!(c.get(Role::Leader, l).is_some(), "no contact for {l}");
        }
    }
}
