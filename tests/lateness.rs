//! One rule for 按时 / 逾期 in `status`, the ledger, the 台账 and the bulletin: only an
//! arrival from the receipts is judged against the deadline; a workbook's saved time is
//! shown as 保存时间 and never judged (README, 一年的规则).

use duban::catalog::Catalog;

use crate::bulletin::{paragraphs, part};
use crate::returns::Return;
use crate::workdir::Workdir;
use crate::workspace::{receipt, run_in, sql};

const Q1: &str = "2020年第一季度";

#[test]
fn only_an_arrival_is_judged_late_everywhere() {
    let wd = Workdir::new("lateness");
    wd.run(&["init", "督办2020"]);
    let ws = wd.path("督办2020");
    run_in(&ws, &["round", "new", Q1, "--deadline", "2020-04-05"]).assert_code(0);
    let cat = Catalog::embedded();
    let dir = ws.join("rounds").join(Q1).join("回收");
    // 区科技局 arrived on time, 区财政局 after the deadline; 区商务局 was brought in by hand
    // (no receipt) and saved after the deadline.
    let put = |name: &str, r: &Return| std::fs::write(dir.join(name), r.bytes()).unwrap();
    put("kj.xlsx", &Return::clean(&cat, "区科技局", Q1, false));
    put("cz.xlsx", &Return::clean(&cat, "区财政局", Q1, false));
    let mut sw = Return::clean(&cat, "区商务局", Q1, false);
    sw.modified = Some((2020, 4, 9, 2));
    put("sw.xlsx", &sw);
    std::fs::write(
        dir.join("收件记录.jsonl"),
        receipt("kj.xlsx", "区科技局", "2020-04-03T10:00:00+08:00")
            + &receipt("cz.xlsx", "区财政局", "2020-04-07T09:00:00+08:00"),
    )
    .unwrap();
    let merge = run_in(&ws, &["merge"]);
    assert!(merge.code() <= 1, "{}", merge.describe());

    // The ledger.
    let db = ws.join("督办台账.db");
    let rows = sql(
        &db,
        "SELECT unit, COALESCE(time_source, ''), COALESCE(late, '') FROM unit_states \
         WHERE unit IN ('区科技局', '区财政局', '区商务局') ORDER BY unit",
    );
    let of = |u: &str| rows.iter().find(|r| r[0] == u).cloned().unwrap();
    assert_eq!(of("区科技局")[1..], ["收件", "0"]);
    assert_eq!(of("区财政局")[1..], ["收件", "1"]);
    assert_eq!(
        of("区商务局")[1..],
        ["保存时间", ""],
        "a saved time is not judged"
    );

    // status.
    let st = run_in(&ws, &["status", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&st.stdout()).unwrap();
    let late = |u: &str| {
        v["units"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["unit"] == u)
            .map(|x| x["late"].clone())
            .unwrap()
    };
    assert_eq!(late("区科技局"), false);
    assert_eq!(late("区财政局"), true);
    assert!(late("区商务局").is_null(), "{}", st.stdout());
    assert_eq!(v["counts"]["late"], 1);

    // The 台账.
    run_in(&ws, &["ledger", "export", "-o", "台账.xlsx"]).assert_code(0);
    let book = std::fs::read(ws.join("台账.xlsx")).unwrap();
    let wb = duban::read::read_bytes(&book, &duban::read::Limits::default()).unwrap();
    let d = wb.sheet("区直部门").unwrap();
    let when = |u: &str| {
        let r = (1..200).find(|&r| d.value(r, 0).text() == u).unwrap();
        d.value(r, 1).text()
    };
    assert_eq!(when("区科技局"), "按时");
    assert_eq!(when("区财政局"), "逾期");
    assert!(!when("区商务局").contains("逾期"), "{}", when("区商务局"));

    // The bulletin names the late arrival only.
    run_in(&ws, &["bulletin", "--number", "第1期", "-o", "通报.docx"]).assert_code(0);
    let paras = paragraphs(&part(&ws.join("通报.docx"), "word/document.xml"));
    let late_line = paras
        .iter()
        .find(|p| p.contains("前报送的单位"))
        .unwrap_or_else(|| panic!("{paras:?}"));
    assert!(late_line.contains("区财政局"), "{late_line}");
    assert!(
        !late_line.contains("区商务局") && !late_line.contains("区科技局"),
        "{late_line}"
    );
}
