//! Where `duban check` spends its time on one thread: file read, workbook parse, check.
//! Profiling aid (`cargo run --release --example phases CATALOG DIR`); noisy machines make
//! its seconds drift, so compare phases within one run, or count instructions with
//! `valgrind --tool=callgrind` (see the README, "How fast").
//!
//! usage: phases CATALOG.toml DIR
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let catalog = duban::catalog::Catalog::load(Some(std::path::Path::new(&args[1]))).unwrap();
    let mut files: Vec<_> = std::fs::read_dir(&args[2])
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let limits = duban::read::Limits::default();
    let opts = duban::check::CheckOptions {
        round: Some("2020年第一季度".into()),
        limits: limits.clone(),
        ..Default::default()
    };
    let (mut t_io, mut t_parse, mut t_check) = (0.0, 0.0, 0.0);
    for p in &files {
        let t = Instant::now();
        let bytes = std::fs::read(p).unwrap();
        let t1 = Instant::now();
        let book = duban::read::read_bytes(&bytes, &limits).unwrap();
        let t2 = Instant::now();
        let r = duban::check::check_workbook(&book, p, &catalog, &opts);
        let t3 = Instant::now();
        std::hint::black_box(r);
        t_io += (t1 - t).as_secs_f64();
        t_parse += (t2 - t1).as_secs_f64();
        t_check += (t3 - t2).as_secs_f64();
    }
    println!(
        "{} files: io {:.3} s, parse {:.3} s, check {:.3} s",
        files.len(),
        t_io,
        t_parse,
        t_check
    );
}
