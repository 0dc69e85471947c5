//! `catalog import`: the catalog from the documents offices receive. A notice comes as a
//! Word document with its tasks inline (济兗政发〔2020〕1号), as a 任务分解表 in a workbook
//! or in a Word table, or as text; its kind is told by its content ([`sniff`]), and a kind
//! duban does not read (.doc, .wps, .pdf, .odt, .xlsb) gets a message saying how to
//! convert it, never a guess.
//!
//! Inline notices go through the one notice parser ([`crate::catalog::notice`]). Where the
//! Word document marks hosts in bold ("黑体为主办单位"), bold decides wherever it separates
//! some units of a list from the rest; where it covers all or none of them, the parser's
//! comma rule stands; every task where the two disagree is listed for review. A unit name
//! the registry lacks is taken as written, with its kind guessed from the name, and listed
//! with the known names closest to it.

mod bold;
pub mod docx;
pub mod sniff;
pub mod table;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::catalog::names::{fold, suggestion};
use crate::catalog::notice::{self, NoticeError};
use crate::catalog::registry::{Registry, Unit, UnitKind, UnknownName};
use crate::catalog::{CatalogData, Notice, Section, Task};
use crate::fsutil::InputError;
use docx::{Block, DocxReadError};
pub use sniff::Kind;
use table::{Layout, Line};

/// The most a notice file may hold.
const MAX_NOTICE: u64 = 64 << 20;

/// What an import found, besides the data.
#[derive(Debug)]
pub struct Imported {
    pub data: CatalogData,
    /// What was read, in words: "Word 文档中的任务分解表".
    pub form: String,
    /// Units the registry lacks, taken as written (kind guessed), with the closest known.
    pub unknown: Vec<UnknownName>,
    /// Tasks to look at again: bold and comma disagree, a number the table did not give…
    pub review: Vec<String>,
    /// Rows or lines that were not read as anything.
    pub skipped: Vec<String>,
}

/// Why a file gave no catalog.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Read(#[from] InputError),
    #[error("{} 超过 64 MB，不像通知或任务分解表", .0.display())]
    TooLarge(PathBuf),
    #[error("{} 是{what}，不能直接导入。{how}", path.display())]
    Convert {
        path: PathBuf,
        what: &'static str,
        how: String,
    },
    #[error("{} 无法读取：{source}", path.display())]
    Docx {
        path: PathBuf,
        source: DocxReadError,
    },
    #[error("{} 无法作为电子表格读取：{message}", path.display())]
    Workbook { path: PathBuf, message: String },
    #[error("{} 中既没有“1、……（牵头领导：……。承办单位：……）”式的任务，也没有任务分解表（表头要有“重点任务”或“工作任务”等任务列和“牵头单位”或“责任单位”等单位列）", path.display())]
    NoTasks { path: PathBuf },
    #[error(transparent)]
    Notice(#[from] NoticeError),
}

/// Reads a notice file and tells its kind (bounded: a notice is never large).
pub fn read(path: &Path) -> Result<(Kind, Vec<u8>), ImportError> {
    let bytes = crate::fsutil::read_bounded(path, MAX_NOTICE)?
        .map_err(|_| ImportError::TooLarge(path.to_path_buf()))?;
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    Ok((sniff::sniff(&bytes, ext), bytes))
}

/// The catalog data of a notice file of any kind but duban's own JSON.
pub fn import(
    path: &Path,
    kind: Kind,
    bytes: &[u8],
    registry: &Registry,
) -> Result<Imported, ImportError> {
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    if let Some(how) = kind.how_to_convert(&name) {
        return Err(ImportError::Convert {
            path: path.to_path_buf(),
            what: kind.label(),
            how,
        });
    }
    match kind {
        Kind::Docx => {
            let blocks = docx::blocks(bytes).map_err(|source| ImportError::Docx {
                path: path.to_path_buf(),
                source,
            })?;
            from_docx(path, &blocks, registry)
        }
        Kind::Workbook => from_workbook(path, bytes, registry),
        _ => {
            let (text, _) = crate::fsutil::decode_text(bytes);
            let parsed = notice::parse(&text, registry)?;
            Ok(Imported {
                data: parsed.data,
                form: "通知文本".into(),
                unknown: parsed.unknown,
                review: Vec::new(),
                skipped: Vec::new(),
            })
        }
    }
}

/// A Word document: its task table if it has one, else its paragraphs as a notice.
fn from_docx(path: &Path, blocks: &[Block], registry: &Registry) -> Result<Imported, ImportError> {
    let paragraphs: Vec<String> = blocks
        .iter()
        .filter_map(|b| match b {
            Block::Paragraph(spans) => Some(spans.iter().map(|s| s.text.as_str()).collect()),
            Block::Table(_) => None,
        })
        .collect();
    // Every table whose header names tasks and units; later tables go on the first.
    let mut grid: Vec<Vec<String>> = Vec::new();
    let mut layout: Option<Layout> = None;
    for b in blocks {
        let Block::Table(rows) = b else { continue };
        let g = docx::grid(rows);
        match &layout {
            None => {
                if let Some(l) = table::find_layout(&g) {
                    layout = Some(l);
                    grid = g;
                }
            }
            // A table continued after a page break, with or without its header again.
            Some(l) if g.first().is_some_and(|r| r.len() > l.task) => grid.extend(g),
            Some(_) => {}
        }
    }
    if let Some(l) = layout {
        let mut heading: Vec<String> = paragraphs.clone();
        heading.extend(grid[..l.header_row].iter().map(|r| row_text(r)));
        return from_table(&heading, &grid, &l, registry, "Word 文档中的任务分解表");
    }
    // Inline tasks: the paragraphs with their bold marked as the text form marks it.
    let marked: Vec<String> = blocks
        .iter()
        .filter_map(|b| match b {
            Block::Paragraph(spans) => Some(
                spans
                    .iter()
                    .map(|s| match s.bold && !s.text.trim().is_empty() {
                        true => format!("**{}**", s.text),
                        false => s.text.clone(),
                    })
                    .collect::<String>(),
            ),
            Block::Table(_) => None,
        })
        .collect();
    let text = marked.join("\n");
    let parsed = match notice::parse(&text, registry) {
        Ok(p) => p,
        Err(e) if !text.contains("领导") => {
            drop(e);
            return Err(ImportError::NoTasks {
                path: path.to_path_buf(),
            });
        }
        Err(e) => return Err(e.into()),
    };
    let mut data = parsed.data;
    let review = bold::apply(&text, &mut data, registry);
    Ok(Imported {
        data,
        form: "Word 文档中的通知正文".into(),
        unknown: parsed.unknown,
        review,
        skipped: Vec::new(),
    })
}

/// A workbook: the first sheet with a task table, merged cells filled in.
fn from_workbook(path: &Path, bytes: &[u8], registry: &Registry) -> Result<Imported, ImportError> {
    let wb = crate::read::read_bytes(bytes, &crate::read::Limits::default()).map_err(|e| {
        ImportError::Workbook {
            path: path.to_path_buf(),
            message: e.to_string(),
        }
    })?;
    for (i, sheet) in wb.sheets.iter().enumerate() {
        let rows = sheet.rows();
        let (Some(&last_row), Some(last_col)) =
            (rows.last(), sheet.cells.keys().map(|(_, c)| *c).max())
        else {
            continue;
        };
        let (h, w) = (last_row as usize + 1, last_col as usize + 1);
        if h * w > 2_000_000 {
            continue;
        }
        let mut grid = vec![vec![String::new(); w]; h];
        for ((r, c), cell) in &sheet.cells {
            grid[*r as usize][*c as usize] = cell.value.text();
        }
        // A merged cell's text stands in every cell it covers (leader cells over tasks).
        for m in wb.merged_regions(i).unwrap_or_default() {
            let text = grid
                .get(m.first.0 as usize)
                .and_then(|r| r.get(m.first.1 as usize))
                .cloned()
                .unwrap_or_default();
            for r in m.first.0..=m.last.0.min(last_row) {
                for c in m.first.1..=m.last.1.min(last_col) {
                    grid[r as usize][c as usize] = text.clone();
                }
            }
        }
        if let Some(l) = table::find_layout(&grid) {
            let heading: Vec<String> = grid[..l.header_row].iter().map(|r| row_text(r)).collect();
            let form = format!("电子表格中的任务分解表（工作表“{}”）", sheet.name);
            return from_table(&heading, &grid, &l, registry, &form);
        }
    }
    Err(ImportError::NoTasks {
        path: path.to_path_buf(),
    })
}

/// A row above the table as one line: a cell merged across the row (its text now in every
/// cell it covers) counts once.
fn row_text(row: &[String]) -> String {
    let mut cells: Vec<&str> = row
        .iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
        .collect();
    cells.dedup();
    cells.join(" ")
}

/// The notice's facts from the lines above a table: 文号, title, issuer, date, year.
fn notice_of(lines: &[String]) -> Notice {
    let mut n = Notice {
        number: String::new(),
        issuer: String::new(),
        title: String::new(),
        date: String::new(),
        year: None,
        template_title: None,
    };
    for line in lines.iter().map(|l| notice::squeeze(l)) {
        if line.is_empty() {
            continue;
        }
        if n.number.is_empty() && line.contains('〔') && line.contains('〕') && line.ends_with('号')
        {
            n.number = line;
        } else if n.title.is_empty() && line.contains("关于") && line.ends_with("通知") {
            let at = line.find("关于").unwrap_or(0);
            n.issuer = line[..at].to_string();
            n.title = line[at..].to_string();
        } else if n.date.is_empty() && notice::parse_date(&line).is_some() {
            n.date = notice::parse_date(&line).unwrap_or_default();
        } else if n.title.is_empty() && (line.contains("分解") || line.contains("任务")) {
            n.title = line;
        }
    }
    // The year of the work report: the title's, else the 文号's, else the date's.
    let year_in = |s: &str| {
        s.char_indices().find_map(|(i, _)| {
            let y = s.get(i..i + 4)?;
            let after = s.get(i + 4..)?;
            (y.bytes().all(|b| b.is_ascii_digit())
                && (after.starts_with('年') || after.starts_with('〕')))
            .then(|| y.parse::<i32>().ok())
            .flatten()
        })
    };
    n.year = year_in(&n.title).or_else(|| year_in(&n.number));
    if n.year.is_some() && n.date.get(..4).and_then(|y| y.parse::<i32>().ok()) == n.year {
        n.year = None;
    }
    n
}

/// Tasks, sections and units from a table's lines.
fn from_table(
    heading: &[String],
    grid: &[Vec<String>],
    layout: &Layout,
    registry: &Registry,
    form: &str,
) -> Result<Imported, ImportError> {
    let mut review = Vec::new();
    let mut skipped = Vec::new();
    let mut sections: Vec<Section> = Vec::new();
    let mut tasks: Vec<Task> = Vec::new();
    let mut units = Units::new(registry);
    // The last task that is not a sub-item: the parent of the sub-items after it.
    let mut top: Option<u32> = None;
    for line in table::lines(grid, layout) {
        match line {
            Line::Section(numeral, title) => {
                let number = numeral.unwrap_or_else(|| next_numeral(&sections));
                if !sections.iter().any(|s| s.number == number) {
                    sections.push(Section { number, title });
                }
            }
            Line::Task(raw) => {
                if sections.is_empty() {
                    sections.push(Section {
                        number: "一".into(),
                        title: "重点任务".into(),
                    });
                }
                let number = tasks.len() as u32 + 1;
                let parent = if table::is_sub_item(&raw.label) {
                    top
                } else {
                    top = Some(number);
                    None
                };
                if !raw.label.is_empty() && raw.label != number.to_string() {
                    let of = parent.map_or(String::new(), |p| format!("，是任务 {p} 的子项"));
                    review.push(format!(
                        "表中第 {} 行序号“{}”记为任务 {number}（任务清单的编号从 1 起连续）{of}",
                        raw.row, raw.label
                    ));
                }
                let mut leaders: Vec<String> = raw.leaders.iter().map(|l| fold(l)).collect();
                if leaders.is_empty() {
                    match tasks.last() {
                        Some(prev) => {
                            leaders = prev.leaders.clone();
                            review.push(format!(
                                "表中第 {} 行（任务 {number}）没有写责任领导，按上一项任务记为{}",
                                raw.row,
                                leaders.join("、")
                            ));
                        }
                        None => {
                            skipped.push(format!("表中第 {} 行没有责任领导，未能读入", raw.row));
                            continue;
                        }
                    }
                }
                if raw.hosts.is_empty() {
                    skipped.push(format!(
                        "表中第 {} 行没有牵头（责任）单位，未能读入",
                        raw.row
                    ));
                    continue;
                }
                let hosts = units.resolve_all(&raw.hosts);
                let co_units: Vec<String> = units
                    .resolve_all(&raw.co_units)
                    .into_iter()
                    .filter(|u| !hosts.contains(u))
                    .collect();
                let text = notice::squeeze(&raw.text.replace('\n', ""));
                tasks.push(Task {
                    number,
                    section: sections
                        .last()
                        .map(|s| s.number.clone())
                        .unwrap_or_default(),
                    leader_label: "责任领导".into(),
                    leaders,
                    hosts,
                    co_units,
                    open_list: raw.open_list,
                    indicators: crate::catalog::indicators::extract(&text),
                    text,
                    deadline: raw.deadline,
                    parent,
                });
            }
        }
    }
    if tasks.is_empty() {
        return Err(ImportError::NoTasks {
            path: PathBuf::from(form),
        });
    }
    let (new, unknown) = units.finish();
    let mut reg = registry.to_data();
    reg.units.extend(new);
    Ok(Imported {
        data: CatalogData {
            notice: notice_of(heading),
            targets: Vec::new(),
            sections,
            tasks,
            groups: reg.groups,
            units: reg.units,
        },
        form: form.to_string(),
        unknown,
        review,
        skipped,
    })
}

fn next_numeral(sections: &[Section]) -> String {
    const N: [&str; 20] = [
        "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四",
        "十五", "十六", "十七", "十八", "十九", "二十",
    ];
    N.get(sections.len())
        .map_or_else(|| (sections.len() + 1).to_string(), |s| s.to_string())
}

/// Unit names resolved through the registry; the others taken as written, once each.
struct Units<'r> {
    registry: &'r Registry,
    new: Vec<(String, UnknownName)>,
    by_fold: HashMap<String, String>,
}

impl<'r> Units<'r> {
    fn new(registry: &'r Registry) -> Units<'r> {
        Units {
            registry,
            new: Vec::new(),
            by_fold: HashMap::new(),
        }
    }

    fn resolve(&mut self, name: &str) -> String {
        let name = notice::squeeze(name);
        match self.registry.resolve(&name) {
            Ok(r) => r.name().to_string(),
            Err(e) => self
                .by_fold
                .entry(fold(&name))
                .or_insert_with(|| {
                    self.new.push((name.clone(), e));
                    name.clone()
                })
                .clone(),
        }
    }

    fn resolve_all(&mut self, names: &[String]) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for n in names {
            let r = self.resolve(n);
            if !out.contains(&r) {
                out.push(r);
            }
        }
        out
    }

    fn finish(self) -> (Vec<Unit>, Vec<UnknownName>) {
        self.new
            .into_iter()
            .map(|(name, e)| {
                (
                    Unit {
                        kind: UnitKind::guess(&name),
                        name,
                        aliases: Vec::new(),
                        former: Vec::new(),
                    },
                    e,
                )
            })
            .unzip()
    }
}

/// One line of the import's review: a new unit, with its guessed kind and the closest.
pub fn unknown_line(u: &UnknownName) -> String {
    format!(
        "{}（按名称记为{}{}）",
        u.name,
        UnitKind::guess(&u.name).label(),
        suggestion(&u.closest)
    )
}
