//! A whole year in one workspace (issue 22): four rounds, each merged and given its
//! bulletin 第1期 to 第4期; a late correction of round 1 after round 3, re-merged with
//! `merge --round R --and-later`; every bulletin rerun keeps its own number and document,
//! a number another round carries is refused, and the ledger passes `PRAGMA
//! integrity_check` after each step.

use duban::catalog::Catalog;

use crate::workdir::Workdir;
use crate::workspace::{run_in, sql};
use crate::year::{intact, kj, ok, put};

const ROUNDS: [(&str, &str, &str); 4] = [
    ("2020年第一季度", "2020-04-05", "2020-04-08"),
    ("2020年第二季度", "2020-07-05", "2020-07-08"),
    ("2020年第三季度", "2020-10-05", "2020-10-08"),
    ("2020年第四季度", "2021-01-05", "2021-01-08"),
];
const UNIT: &str = "区科技局";

#[test]
fn four_rounds_four_bulletins_and_a_re_merge_in_one_workspace() {
    let wd = Workdir::new("year-four");
    wd.run(&["init", "ws"]);
    let ws = wd.path("ws");
    let db = ws.join("督办台账.db");
    let cat = Catalog::load(Some(&ws.join("任务清单.toml"))).unwrap();
    let doc = |round: &str| {
        ws.join("rounds")
            .join(round)
            .join(format!("{round}_督查通报.docx"))
    };
    let numbers = || sql(&db, "SELECT name, bulletin_number FROM rounds ORDER BY seq");

    let mut kept = Vec::new();
    for (i, (round, deadline, date)) in ROUNDS.iter().enumerate() {
        ok(&ws, &["round", "new", round, "--deadline", deadline]);
        intact(&db);
        put(
            &ws,
            round,
            "kj.xlsx",
            &kj(&cat, UNIT, round, 20.0 * (i + 1) as f64),
        );
        ok(&ws, &["merge"]);
        intact(&db);
        let number = format!("第{}期", i + 1);
        ok(&ws, &["bulletin", "--number", &number, "--date", date]);
        intact(&db);
        kept.push(std::fs::read(doc(round)).unwrap());

        if i == 2 {
            // A late correction of round 1 after round 3: merged again, rounds 2 and 3 are
            // flagged, and --and-later redoes all three in order.
            let (r1, r2, r3) = (ROUNDS[0].0, ROUNDS[1].0, ROUNDS[2].0);
            put(&ws, r1, "kj2.xlsx", &kj(&cat, UNIT, r1, 25.0));
            let again = ok(&ws, &["merge", "--round", r1]);
            assert!(
                again.contains(&format!("需重新汇总：{r2}、{r3}")),
                "{again}"
            );
            intact(&db);
            let redo = ok(&ws, &["merge", "--round", r1, "--and-later"]);
            assert!(redo.contains("已按顺序重新汇总 3 期"), "{redo}");
            assert!(!ok(&ws, &["round", "list"]).contains("需重新汇总"));
            intact(&db);
        }
    }
    let expected: Vec<[String; 2]> = (ROUNDS.iter().enumerate())
        .map(|(i, (r, _, _))| [r.to_string(), format!("第{}期", i + 1)])
        .collect();
    assert_eq!(numbers(), expected);

    // Each round's bulletin rerun (no number given) keeps its number and its document.
    for (i, (round, _, date)) in ROUNDS.iter().enumerate() {
        ok(&ws, &["bulletin", "--round", round, "--date", date]);
        intact(&db);
        if i > 0 {
            // Round 1's was written before its re-merge: only the later ones are compared.
            assert_eq!(std::fs::read(doc(round)).unwrap(), kept[i], "{round}");
        }
    }
    assert_eq!(numbers(), expected);
    // A number another round carries is refused and writes nothing.
    let before = std::fs::read(doc(ROUNDS[3].0)).unwrap();
    let taken = run_in(
        &ws,
        &["bulletin", "--round", ROUNDS[3].0, "--number", "第2期"],
    );
    taken.assert_code(2);
    assert!(taken.stderr().contains("已用于"), "{}", taken.describe());
    assert_eq!(std::fs::read(doc(ROUNDS[3].0)).unwrap(), before);
    assert_eq!(numbers(), expected);
    intact(&db);
}
