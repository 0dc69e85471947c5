//! The unit registry: each unit's canonical name, kind and aliases, and the groups
//! (各镇街, 区直各部门 …) that stand for several units.
//!
//! The registry is the only place that decides whether two spellings name one unit. It
//! never invents a unit: a name it does not know is an error that lists the closest ones.

use aho_corasick::AhoCorasick;
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::names::{closest, fold};

/// What sort of organisation a unit is; groups expand by kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum UnitKind {
    /// 区直部门.
    Department,
    /// 镇.
    Town,
    /// 街道.
    Street,
    /// 园区.
    Park,
    /// 指挥部.
    Command,
    /// 法院、检察院.
    Judicial,
    /// 驻区单位、企业及其他.
    Other,
}

impl UnitKind {
    /// The word shown to the office.
    pub fn label(self) -> &'static str {
        match self {
            UnitKind::Department => "区直部门",
            UnitKind::Town => "镇",
            UnitKind::Street => "街道",
            UnitKind::Park => "园区",
            UnitKind::Command => "指挥部",
            UnitKind::Judicial => "法院/检察院",
            UnitKind::Other => "其他",
        }
    }

    /// A new unit's kind, guessed from how its name ends (街道, 镇, 指挥部, 局, 委…): what
    /// `catalog import` gives a unit the registry lacks, for the office to check.
    ///
    /// ```
    /// use duban::catalog::registry::UnitKind;
    /// assert_eq!(UnitKind::guess("旗发展和改革委员会"), UnitKind::Department);
    /// assert_eq!(UnitKind::guess("新兖镇"), UnitKind::Town);
    /// assert_eq!(UnitKind::guess("鼓楼街道办事处"), UnitKind::Street);
    /// assert_eq!(UnitKind::guess("经济技术开发区管委会"), UnitKind::Park);
    /// assert_eq!(UnitKind::guess("国网供电公司"), UnitKind::Other);
    /// ```
    pub fn guess(name: &str) -> UnitKind {
        let has = |words: &[&str]| words.iter().any(|w| name.contains(w));
        if has(&["街道"]) {
            UnitKind::Street
        } else if has(&["指挥部"]) {
            UnitKind::Command
        } else if has(&["法院", "检察院"]) {
            UnitKind::Judicial
        } else if has(&["开发区", "园区", "高新区", "新区", "试验区"]) {
            UnitKind::Park
        } else if name.ends_with('镇') || name.ends_with('乡') || name.ends_with("苏木") {
            UnitKind::Town
        } else if has(&[
            "局", "委", "办", "部", "厅", "院", "中心", "所", "室", "队", "会", "站", "馆", "政府",
            "分局",
        ]) {
            UnitKind::Department
        } else {
            UnitKind::Other
        }
    }
}

/// One unit of the registry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Unit {
    pub name: String,
    pub kind: UnitKind,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Names the unit had before a reorganisation (区发改委 for 区发展改革局): still written
    /// by clerks, matched like aliases, each naming one unit only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub former: Vec<String>,
}

/// A name that stands for several units.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Group {
    pub name: String,
    /// Kinds whose units the group stands for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kinds: Vec<UnitKind>,
    /// Extra named members (besides those of `kinds`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<String>,
    /// False for groups that cannot be listed from the registry (区直有关部门, 各金融机构).
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub enumerable: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

fn yes() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

/// What a name from outside resolved to.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Resolved<'a> {
    Unit(&'a Unit),
    Group(&'a Group),
}

impl Resolved<'_> {
    /// The canonical name.
    pub fn name(&self) -> &str {
        match self {
            Resolved::Unit(u) => &u.name,
            Resolved::Group(g) => &g.name,
        }
    }
}

/// A name that matched nothing, with the closest known names.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("单位名称“{name}”不在单位名录中{}", super::names::suggestion(.closest))]
pub struct UnknownName {
    pub name: String,
    pub closest: Vec<String>,
}

/// Errors in a registry's own data.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("单位名录格式错误：{0}")]
    Toml(String),
    #[error("单位名录中“{name}”重复（与“{other}”冲突）")]
    Duplicate { name: String, other: String },
    #[error("单位名录的组“{group}”列出的成员“{member}”不是名录中的单位")]
    BadMember { group: String, member: String },
}

/// The registry file as written by hand: `[[unit]]` and `[[group]]` tables.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RegistryData {
    #[serde(default, rename = "group")]
    pub groups: Vec<Group>,
    #[serde(default, rename = "unit")]
    pub units: Vec<Unit>,
}

/// The units and groups with an index from every folded name and alias.
#[derive(Clone, Debug)]
pub struct Registry {
    units: Vec<Unit>,
    groups: Vec<Group>,
    /// folded name or alias → (is_group, index)
    index: IndexMap<String, (bool, usize)>,
    /// Folded unit names and aliases of two characters or more with their unit, longest
    /// first (of equal length, the later in `index` first), for [`Registry::unit_named_in`].
    by_length: Vec<(String, usize)>,
    /// `by_length`'s names as one automaton: a text is searched once for all of them
    /// (a city has thousands of units; one `contains` per name was quadratic in effect).
    named_in: AhoCorasick,
}

/// The district's registry, committed under templates/.
pub const DEFAULT_REGISTRY: &str = include_str!("../../templates/units.toml");

impl Registry {
    /// Parses a registry file's text.
    pub fn from_toml(text: &str) -> Result<Registry, RegistryError> {
        let data: RegistryData = crate::fsutil::parse_toml(text).map_err(RegistryError::Toml)?;
        Registry::new(data.units, data.groups)
    }

    /// The registry embedded in the binary.
    pub fn embedded() -> Registry {
        Registry::from_toml(DEFAULT_REGISTRY).expect("the embedded registry is valid")
    }

    /// Builds the index; names and aliases must be unique after folding.
    pub fn new(units: Vec<Unit>, groups: Vec<Group>) -> Result<Registry, RegistryError> {
        let mut index: IndexMap<String, (bool, usize)> = IndexMap::new();
        let mut add = |key: &str, owner: &str, entry: (bool, usize)| {
            if let Some(prev) = index.insert(fold(key), entry) {
                if prev != entry {
                    return Err(RegistryError::Duplicate {
                        name: key.to_string(),
                        other: owner.to_string(),
                    });
                }
            }
            Ok(())
        };
        for (i, u) in units.iter().enumerate() {
            add(&u.name, &u.name, (false, i))?;
            for a in u.aliases.iter().chain(&u.former) {
                add(a, &u.name, (false, i))?;
            }
        }
        for (i, g) in groups.iter().enumerate() {
            add(&g.name, &g.name, (true, i))?;
        }
        // Clerks drop the district's 区 (卫健局 for 区卫健局): the short form of every
        // 区-name names its unit too, where no other name or alias already means it.
        for (i, u) in units.iter().enumerate() {
            for name in std::iter::once(&u.name).chain(&u.aliases).chain(&u.former) {
                let f = fold(name);
                if let Some(short) = f.strip_prefix('区').filter(|r| {
                    r.chars().count() >= 3 && !r.starts_with('委') && !r.starts_with('政')
                }) {
                    index.entry(short.to_string()).or_insert((false, i));
                }
            }
        }
        // Longest first; the sort is stable, so of equal length the later name comes first.
        let mut by_length: Vec<(String, usize)> = index
            .iter()
            .rev()
            .filter(|(k, (group, _))| !group && k.chars().count() >= 2)
            .map(|(k, (_, unit))| (k.clone(), *unit))
            .collect();
        by_length.sort_by_key(|(k, _)| std::cmp::Reverse(k.chars().count()));
        let named_in = AhoCorasick::new(by_length.iter().map(|(k, _)| k))
            .expect("unit names fit the automaton's limits");
        let reg = Registry {
            units,
            groups,
            index,
            by_length,
            named_in,
        };
        for g in &reg.groups {
            for m in &g.members {
                if !matches!(reg.lookup(m), Some(Resolved::Unit(_))) {
                    return Err(RegistryError::BadMember {
                        group: g.name.clone(),
                        member: m.clone(),
                    });
                }
            }
        }
        Ok(reg)
    }

    pub fn units(&self) -> &[Unit] {
        &self.units
    }

    /// The unit whose name or alias (of two characters or more) occurs in `text`, both
    /// folded; the longest such name wins. Used on file names and title lines
    /// ("区科技局一季度进展.xlsx"); the folded names come from the index, so a batch of a
    /// thousand files against a thousand units folds each name once, not once per file.
    pub fn unit_named_in(&self, text: &str) -> Option<&Unit> {
        // Every occurrence of every name, overlapping: the first name in `by_length`
        // order that occurs at all wins, as a scan of the list would find it.
        let f = fold(text);
        self.named_in
            .find_overlapping_iter(&f)
            .map(|m| m.pattern().as_usize())
            .min()
            .map(|p| &self.units[self.by_length[p].1])
    }

    pub fn groups(&self) -> &[Group] {
        &self.groups
    }

    /// The registry as data again (for writing into a catalog file).
    pub fn to_data(&self) -> RegistryData {
        RegistryData {
            units: self.units.clone(),
            groups: self.groups.clone(),
        }
    }

    /// Looks a name up without suggestions. Also accepts the district prefix
    /// (兖州区科技局 → 区科技局, 兖州区新兖镇 → 新兖镇).
    pub fn lookup(&self, name: &str) -> Option<Resolved<'_>> {
        // A name already in folded form (every canonical name, most references) is its
        // own key: fold is idempotent, so looking it up unfolded gives the same answer.
        if let Some(&(is_group, i)) = self.index.get(name) {
            return Some(self.resolved(is_group, i));
        }
        let f = fold(name);
        let mut tries = vec![f.clone()];
        for prefix in ["济宁市兖州区", "兖州区"] {
            if let Some(rest) = f.strip_prefix(prefix) {
                tries.push(format!("区{rest}"));
                tries.push(rest.to_string());
            }
        }
        tries
            .iter()
            .find_map(|k| self.index.get(k).map(|&(g, i)| self.resolved(g, i)))
    }

    fn resolved(&self, is_group: bool, i: usize) -> Resolved<'_> {
        if is_group {
            Resolved::Group(&self.groups[i])
        } else {
            Resolved::Unit(&self.units[i])
        }
    }

    /// Resolves a name to a unit or group, or says which names come closest.
    pub fn resolve(&self, name: &str) -> Result<Resolved<'_>, UnknownName> {
        self.lookup(name).ok_or_else(|| self.unknown(name))
    }

    /// Resolves a name that must be a unit (not a group).
    pub fn unit(&self, name: &str) -> Result<&Unit, UnknownName> {
        match self.lookup(name) {
            Some(Resolved::Unit(u)) => Ok(u),
            _ => Err(UnknownName {
                name: name.to_string(),
                closest: closest(name, self.units.iter().map(|u| u.name.as_str()), 3),
            }),
        }
    }

    fn unknown(&self, name: &str) -> UnknownName {
        let all = self
            .units
            .iter()
            .map(|u| u.name.as_str())
            .chain(self.groups.iter().map(|g| g.name.as_str()));
        UnknownName {
            name: name.to_string(),
            closest: closest(name, all, 3),
        }
    }

    /// The group named exactly `name` (canonical), if any.
    pub fn group(&self, name: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.name == name)
    }

    /// The units a group stands for, in registry order; empty for a group that cannot be
    /// enumerated.
    pub fn expand(&self, group: &Group) -> Vec<&Unit> {
        if !group.enumerable {
            return Vec::new();
        }
        self.units
            .iter()
            .filter(|u| {
                group.kinds.contains(&u.kind)
                    || group.members.iter().any(|m| fold(m) == fold(&u.name))
            })
            .collect()
    }

    /// The enumerable groups a unit belongs to.
    pub fn groups_of(&self, unit: &Unit) -> Vec<&Group> {
        self.groups
            .iter()
            .filter(|g| g.enumerable && self.expand(g).iter().any(|u| u.name == unit.name))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_and_variants_resolve() {
        let r = Registry::embedded();
        assert_eq!(r.resolve("新兗镇").unwrap().name(), "新兖镇");
        assert_eq!(
            r.resolve("区市场监督管理局").unwrap().name(),
            "区市场监管局"
        );
        assert_eq!(r.resolve("大山镇").unwrap().name(), "大安镇");
        assert_eq!(
            r.resolve("\"双招双引\"指挥部").unwrap().name(),
            "“双招双引”指挥部"
        );
        assert_eq!(r.resolve("兖州区科技局").unwrap().name(), "区科技局");
    }

    #[test]
    fn unknown_names_suggest() {
        let r = Registry::embedded();
        let e = r.resolve("区科技").unwrap_err();
        assert_eq!(e.closest[0], "区科技局");
        assert!(e.to_string().contains("区科技局"), "{e}");
    }

    #[test]
    fn a_name_in_a_text_is_found_as_a_scan_of_every_name_finds_it() {
        let r = Registry::embedded();
        // The scan the automaton replaced: the first name, longest first, that occurs.
        let scan = |text: &str| {
            let f = fold(text);
            r.by_length
                .iter()
                .find(|(k, _)| f.contains(k.as_str()))
                .map(|(_, i)| r.units[*i].name.clone())
        };
        let mut texts: Vec<String> = Vec::new();
        for (i, u) in r.units.iter().enumerate() {
            let next = &r.units[(i + 1) % r.units.len()].name;
            texts.push(format!("2020年第一季度_{}_任务进展填报表", u.name));
            // Two names in one text, a name inside a longer one, aliases and variants.
            texts.push(format!("{}{}进展", u.name, next));
            texts.push(format!("兖州区{}", u.name));
            for a in &u.aliases {
                texts.push(format!("{a}一季度.xlsx"));
            }
        }
        texts.extend(["新兗镇报表", "区科技", "", "无关文字"].map(String::from));
        let mut found = 0;
        for t in &texts {
            let got = r.unit_named_in(t).map(|u| u.name.clone());
            assert_eq!(got, scan(t), "{t}");
            found += usize::from(got.is_some());
        }
        assert!(found > r.units.len(), "{found}");
        assert_eq!(r.unit_named_in("新兗镇报表").unwrap().name, "新兖镇");
        assert!(r.unit_named_in("区科技").is_none());
    }

    #[test]
    fn groups_expand() {
        let r = Registry::embedded();
        let g = r.group("各镇街").unwrap();
        assert_eq!(r.expand(g).len(), 10);
        assert!(r.expand(r.group("区直有关部门").unwrap()).is_empty());
    }
}
