//! What changed between two catalogs (the office's 任务清单 of one round and of a later
//! one), told in Chinese: tasks added or withdrawn, leaders changed, hosts and co-units
//! changed, units renamed by 机构改革 and units added or gone.

use super::Catalog;

/// The changes from `old` to `new`, one Chinese line each; empty when nothing a round
/// shows has changed.
pub fn diff(old: &Catalog, new: &Catalog) -> Vec<String> {
    let mut lines = Vec::new();
    for t in new.tasks() {
        let Some(o) = old.task(t.number) else {
            lines.push(format!(
                "新增任务 {}：{}（牵头领导：{}）",
                t.number,
                clip(&t.text),
                t.leaders.join("、")
            ));
            continue;
        };
        let n = t.number;
        if o.leaders != t.leaders {
            lines.push(format!(
                "任务 {n} 牵头领导：{} → {}",
                list(&o.leaders),
                list(&t.leaders)
            ));
        }
        if o.hosts != t.hosts {
            lines.push(format!(
                "任务 {n} 主办单位：{} → {}",
                list(&o.hosts),
                list(&t.hosts)
            ));
        }
        if o.co_units != t.co_units {
            lines.push(format!(
                "任务 {n} 协办单位：{} → {}",
                list(&o.co_units),
                list(&t.co_units)
            ));
        }
        if o.text != t.text {
            lines.push(format!("任务 {n} 内容改为：{}", clip(&t.text)));
        }
    }
    for o in old.tasks().iter().filter(|o| new.task(o.number).is_none()) {
        lines.push(format!("撤销任务 {}：{}", o.number, clip(&o.text)));
    }
    let now = new.registry().units();
    let before = old.registry().units();
    for u in now {
        if before.iter().any(|b| b.name == u.name) {
            continue;
        }
        match u
            .former
            .iter()
            .find(|f| before.iter().any(|b| &b.name == *f))
        {
            Some(f) => lines.push(format!("单位更名（机构改革）：{f} → {}", u.name)),
            None => lines.push(format!("新增单位：{}", u.name)),
        }
    }
    for b in before {
        let kept = now
            .iter()
            .any(|u| u.name == b.name || u.former.contains(&b.name));
        if !kept {
            lines.push(format!("移除单位：{}", b.name));
        }
    }
    lines
}

fn list(v: &[String]) -> String {
    if v.is_empty() {
        "（无）".to_string()
    } else {
        v.join("、")
    }
}

fn clip(text: &str) -> String {
    let mut s: String = text.chars().take(30).collect();
    if text.chars().count() > 30 {
        s.push('…');
    }
    s
}
