//! Benchmark data for `duban merge`: a city-scale catalog (the 2020 tasks, held by
//! max(N, 1000) generated units) and N returns of its units in the shape of our templates,
//! a tenth of them with typical problems (a rejected blank status, a percent typed as text).
//! Deterministic.
//!
//! usage: cargo run --release --example bench_data -- N OUT_DIR [ROUND [K]]
//!   writes OUT_DIR/catalog.toml and OUT_DIR/returns/*.xlsx, for ROUND (default
//!   2020年第一季度); K (default 0) varies which units report a task 滞后 and their
//!   percents, so that a ledger of K rounds has streaks and changes to hold

#[path = "../tests/returns.rs"]
mod returns;

use std::path::Path;

use duban::catalog::{to_toml, Catalog, Unit, UnitKind};
use returns::{s, Return, V};

const FIRST_ROUND: &str = "2020年第一季度";

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args
        .get(1)
        .and_then(|a| a.parse().ok())
        .expect("usage: bench_data N OUT_DIR");
    let out = Path::new(args.get(2).expect("usage: bench_data N OUT_DIR"));
    let round = args.get(3).map_or(FIRST_ROUND, |r| r.as_str());
    let k: usize = args.get(4).and_then(|a| a.parse().ok()).unwrap_or(0);
    let mut data = Catalog::embedded().data().clone();
    let units = n.max(1000);
    data.groups.clear();
    data.units = (0..units)
        .map(|i| Unit {
            name: format!("市直单位{i:05}"),
            kind: UnitKind::Department,
            aliases: vec![],
            former: vec![],
        })
        .collect();
    for t in &mut data.tasks {
        t.hosts.clear();
        t.co_units.clear();
        t.open_list = false;
    }
    // Each unit holds 3-30 tasks (most hold few), hosting the first and assisting the rest.
    let mut seed: u64 = 2020;
    let mut next = |m: u64| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) % m
    };
    let tasks = data.tasks.len() as u64;
    for u in &data.units {
        let k = 3 + (next(28) * next(28) / 27);
        let start = next(tasks);
        for j in 0..k {
            let t = &mut data.tasks[((start + j * 7) % tasks) as usize];
            if j % 3 == 0 {
                t.hosts.push(u.name.clone());
            } else {
                t.co_units.push(u.name.clone());
            }
        }
    }
    for (i, t) in data.tasks.iter_mut().enumerate() {
        if t.hosts.is_empty() {
            let u = data.units[i % units].name.clone();
            t.co_units.retain(|c| *c != u);
            t.hosts.push(u);
        }
    }
    std::fs::create_dir_all(out.join("returns")).unwrap();
    std::fs::write(out.join("catalog.toml"), to_toml(&data)).unwrap();
    let cat = Catalog::new(data, &out.join("catalog.toml")).expect("valid catalog");
    for i in 0..n {
        let unit = format!("市直单位{i:05}");
        let mut r = Return::clean(&cat, &unit, round, false);
        let first = cat.tasks_of_unit(&unit)[0].0;
        if k > 0 {
            // A fifth of the units lag on their first task, a different fifth each round
            // but overlapping, and every percent moves a little.
            if (i + k / 2).is_multiple_of(5) {
                r.set(first, "推进状态", s("滞后"))
                    .set(first, "存在问题", s("资金未到位"));
            }
            r.set(first, "完成进度(%)", V::N(((i + 7 * k) % 100) as f64));
        }
        match i % 20 {
            0 => {
                r.set(first, "推进状态", V::Empty);
            }
            10 => {
                r.set(first, "完成进度(%)", s("百分之六十"));
            }
            _ => {}
        }
        std::fs::write(
            out.join(format!("returns/{round}_{unit}_任务进展情况.xlsx")),
            r.bytes(),
        )
        .unwrap();
    }
    println!("{n} returns of {units} units in {}", out.display());
}
