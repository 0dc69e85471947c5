//! The contacts file: who receives mail for each unit and leader.
//!
//! Clerks keep it in Excel and save it as CSV, so it arrives with or without a BOM, with
//! names written as they are spoken (简称, 兗/兖) and several cc addresses in one cell
//! separated however the clerk likes. Every name goes through the catalog's matching, and
//! every problem in the file is collected, so the office fixes the file once, not once per
//! run.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use lettre::Address;

use super::Role;
use crate::catalog::names::{closest, fold};
use crate::catalog::{Catalog, Resolved};

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
    /// 1-based line in the file.
    pub line: usize,
}

/// The resolved rows and every problem found in the file.
#[derive(Clone, Debug, Default)]
pub struct Contacts {
    pub path: PathBuf,
    pub entries: Vec<Contact>,
    /// Problems, each naming the file and line, in Chinese.
    pub problems: Vec<String>,
}

impl Contacts {
    /// The row for a canonical name of the given role.
    pub fn get(&self, role: Role, name: &str) -> Option<&Contact> {
        self.entries
            .iter()
            .find(|c| c.role == role && c.name == name)
    }
}

/// Reads a contacts file; an unreadable file is one problem.
pub fn read(path: &Path, catalog: &Catalog) -> Contacts {
    match crate::fsutil::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => parse(&text, path, catalog),
            Err(_) => Contacts {
                path: path.to_path_buf(),
                problems: vec![format!(
                    "{}：不是 UTF-8 编码。请在 Excel 中“另存为”“CSV UTF-8（逗号分隔）”",
                    path.display()
                )],
                ..Contacts::default()
            },
        },
        Err(e) => Contacts {
            path: path.to_path_buf(),
            problems: vec![e.to_string()],
            ..Contacts::default()
        },
    }
}

/// Column titles accepted for each field (English as documented, Chinese as clerks write).
const COLUMNS: [(&str, &[&str]); 5] = [
    ("name", &["name", "名称", "单位", "姓名", "单位/领导"]),
    ("role", &["role", "类型", "角色"]),
    ("to", &["to", "收件人", "邮箱", "电子邮箱"]),
    ("cc", &["cc", "抄送"]),
    ("contact", &["contact", "联系人"]),
];

/// Parses the text of a contacts file; `path` is only for messages.
pub fn parse(text: &str, path: &Path, catalog: &Catalog) -> Contacts {
    let mut out = Contacts {
        path: path.to_path_buf(),
        ..Contacts::default()
    };
    let file = path.display().to_string();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(h)) => h,
        _ => {
            out.problems.push(format!(
                "{file}：文件为空。第一行应为列名 name,role,to,cc,contact"
            ));
            return out;
        }
    };
    let mut cols = [None; 5];
    for (i, title) in header.iter().enumerate() {
        let t = fold(title).to_lowercase();
        for (k, (_, names)) in COLUMNS.iter().enumerate() {
            if names.iter().any(|n| fold(n) == t) && cols[k].is_none() {
                cols[k] = Some(i);
            }
        }
    }
    for k in [0, 2] {
        if cols[k].is_none() {
            out.problems.push(format!(
                "{file} 第 1 行：缺少“{}”列。第一行应为列名 name,role,to,cc,contact",
                COLUMNS[k].0
            ));
        }
    }
    if !out.problems.is_empty() {
        return out;
    }
    for (i, rec) in records.enumerate() {
        let line = i + 2;
        let at = |msg: String| format!("{file} 第 {line} 行：{msg}");
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                out.problems.push(at(format!("无法解析：{e}")));
                continue;
            }
        };
        let field = |k: usize| {
            cols[k]
                .and_then(|i| rec.get(i))
                .unwrap_or("")
                .trim()
                .to_string()
        };
        let (name, role, to, cc, contact) = (field(0), field(1), field(2), field(3), field(4));
        if rec.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if name.is_empty() {
            out.problems.push(at("名称为空".into()));
            continue;
        }
        let role = match fold(&role).to_lowercase().as_str() {
            "unit" | "单位" => Some(Role::Unit),
            "leader" | "领导" => Some(Role::Leader),
            "" => None,
            other => {
                out.problems.push(at(format!(
                    "类型“{other}”无法识别，应为 unit（单位）或 leader（领导）"
                )));
                continue;
            }
        };
        let resolved = match resolve(&name, role, catalog) {
            Ok(r) => r,
            Err(problem) => {
                out.problems.push(at(problem.to_string()));
                continue;
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
        if to.is_empty() && bad.is_empty() {
            out.problems.push(at(format!(
                "{}“{}”没有收件邮箱，请在 to 列填写",
                resolved.1.label(),
                resolved.0
            )));
            continue;
        }
        if let Some(prev) = out.get(resolved.1, &resolved.0) {
            out.problems.push(at(format!(
                "“{}”与第 {} 行重复；一个单位或领导只写一行，多个邮箱写在同一格内",
                resolved.0, prev.line
            )));
            continue;
        }
        if !bad.is_empty() || to.is_empty() {
            continue;
        }
        out.entries.push(Contact {
            name: resolved.0,
            role: resolved.1,
            to,
            cc,
            contact,
            line,
        });
    }
    out
}

/// A contacts name that names no single unit or leader.
#[derive(Debug, thiserror::Error)]
pub enum NameProblem {
    #[error("领导“{name}”不在任务清单的牵头领导中{}", suggest(closest))]
    UnknownLeader { name: String, closest: Vec<String> },
    #[error("“{name}”是单位组，不是单个单位；请为组内每个单位各写一行")]
    Group { name: String },
    #[error("单位“{name}”不在单位名录中{}", suggest(closest))]
    UnknownUnit { name: String, closest: Vec<String> },
}

/// A name to a canonical unit or leader; the error names the closest known ones.
fn resolve(
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

fn suggest(near: &[String]) -> String {
    if near.is_empty() {
        String::new()
    } else {
        format!("，最接近的是：{}", near.join("、"))
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
        parse(t, Path::new("contacts.csv"), &Catalog::embedded())
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
        assert!(
            all.contains("第 4 行") && all.contains("没有收件邮箱"),
            "{all}"
        );
        assert_eq!(c.problems.len(), 3, "{all}");
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
        );
        assert!(c.problems.is_empty(), "{:?}", c.problems);
        for u in cat.assignments().keys() {
            assert!(c.get(Role::Unit, u).is_some(), "no contact for {u}");
        }
        for l in cat.leaders() {
            assert!(c.get(Role::Leader, l).is_some(), "no contact for {l}");
        }
    }
}
