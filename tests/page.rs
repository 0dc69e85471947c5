//! 督办看板 (issue 27): the round's page and each leader's page, opened in headless Chromium
//! (Debian's `chromium`, started here with a closed proxy so nothing leaves the machine):
//! the DOM after the scripts ran lists every task of the leader, lagging first; the page
//! fits a 390-px phone with text of 14 px or more; no http(s) address is in the file; a
//! unit's `<script>` shows as text. Screenshots at 390 and 1280 px are left in
//! `target/page-shots/` to look at.

use std::path::{Path, PathBuf};
use std::process::Command;

use duban::catalog::{Catalog, Role};
use serde_json::Value;

use crate::returns::{s, Return, V};
use crate::workdir::Workdir;
use crate::workspace::{receipt, run_in};

const Q1: &str = "2020年第一季度";
const Q2: &str = "2020年第二季度";
const KJ: &str = "区科技局";
const HOSTILE: &str = "<script>document.title='pwned'</script>完成<b>摸底</b>调查";

/// Runs headless Chromium on `url` with `extra` flags; its stdout.
fn chromium(profile: &Path, extra: &[&str], url: &str) -> String {
    let out = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--proxy-server=127.0.0.1:9",
            "--no-first-run",
            "--disable-background-networking",
            "--allow-file-access-from-files",
            "--virtual-time-budget=3000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(url)
        .output()
        .expect("chromium runs (scripts/test installs it)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut all = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            all.extend(walk(&p));
        } else {
            all.push(p);
        }
    }
    all
}

fn url(p: &Path) -> String {
    format!("file://{}", p.display())
}

/// Two rounds in a workspace: 区科技局 reports its first host task 滞后 both times, with a
/// `<script>` in its progress in Q2.
fn merged(wd: &Workdir, cat: &Catalog) -> PathBuf {
    wd.run(&["init", "督办2020"]);
    let ws = wd.path("督办2020");
    let first = cat
        .tasks_of_unit(KJ)
        .iter()
        .find(|(_, r)| *r == Role::Host)
        .unwrap()
        .0;
    for (round, deadline, at) in [
        (Q1, "2020-04-05", "2020-04-03T10:00:00+08:00"),
        (Q2, "2020-07-05", "2020-07-09T10:00:00+08:00"),
    ] {
        run_in(&ws, &["round", "new", round, "--deadline", deadline]).assert_code(0);
        let inbox = ws.join("rounds").join(round).join("回收");
        let mut r = Return::clean(cat, KJ, round, false);
        r.set(first, "推进状态", s("滞后"))
            .set(first, "完成进度(%)", V::N(10.0))
            .set(first, "存在问题", s("资金未到位"));
        if round == Q2 {
            r.set(first, "工作进展", s(HOSTILE));
        }
        std::fs::write(inbox.join("kj.xlsx"), r.bytes()).unwrap();
        std::fs::write(inbox.join("收件记录.jsonl"), receipt("kj.xlsx", KJ, at)).unwrap();
        let merge = run_in(&inbox, &["merge"]);
        assert!(
            merge.stdout().contains("已记入台账"),
            "{}",
            merge.describe()
        );
    }
    ws.join("rounds").join(Q2).join("汇总")
}

/// The task numbers of the articles in a DOM, in order, and whether each is marked lagging.
fn articles(dom: &str) -> Vec<(u32, bool)> {
    dom.split("<article class=\"task")
        .skip(1)
        .map(|a| {
            let n = a.split("id=\"task-").nth(1).unwrap();
            let n: u32 = n[..n.find('"').unwrap()].parse().unwrap();
            let body = &a[..a.find("</article>").unwrap()];
            (n, body.contains("进展滞后</span>"))
        })
        .collect()
}

#[test]
fn the_pages_open_in_chromium_lagging_first_escaped_and_phone_sized() {
    let wd = Workdir::new("page");
    let cat = Catalog::embedded();
    let out = merged(&wd, &cat);
    let summary: Value =
        serde_json::from_slice(&std::fs::read(out.join(format!("{Q2}_汇总.json"))).unwrap())
            .unwrap();
    let first = cat
        .tasks_of_unit(KJ)
        .iter()
        .find(|(_, r)| *r == Role::Host)
        .unwrap()
        .0;
    let leader = cat.task(first).unwrap().leaders[0].clone();
    let page = out.join(format!("{Q2}_{leader}_督办看板.html"));
    let board = out.join(format!("{Q2}_督办看板.html"));
    let profile = wd.path("chromium-profile");

    for p in [&page, &board] {
        let text = std::fs::read_to_string(p).unwrap();
        assert!(
            !text.contains("http://") && !text.contains("https://"),
            "no address outside"
        );
        assert!(
            !text.contains("<script>document"),
            "the unit's script is escaped"
        );
        assert!(
            !text.contains("src=") && !text.contains("href="),
            "nothing loaded from outside"
        );
    }

    // The leader's page, after its scripts ran: every task of theirs, lagging first.
    let dom = chromium(&profile, &["--dump-dom"], &url(&page));
    let shown = articles(&dom);
    let mut want: Vec<u32> = (summary["tasks"].as_array().unwrap().iter())
        .filter(|t| {
            t["leaders"]
                .as_array()
                .unwrap()
                .iter()
                .any(|l| l == leader.as_str())
        })
        .map(|t| t["number"].as_u64().unwrap() as u32)
        .collect();
    let mut got: Vec<u32> = shown.iter().map(|a| a.0).collect();
    assert!(shown.contains(&(first, true)), "{first} lagging: {shown:?}");
    assert!(
        !shown[shown.len() - 1].1,
        "a task on course comes after: {shown:?}"
    );
    assert!(dom.contains("已连续滞后 2 期"), "its streak");
    got.sort();
    want.sort();
    assert_eq!(got, want, "every task of {leader}");
    let lagging_end = shown.iter().position(|a| !a.1).unwrap_or(shown.len());
    assert!(
        shown[lagging_end..].iter().all(|a| !a.1),
        "lagging first: {shown:?}"
    );
    assert!(
        dom.contains(
            "&lt;script&gt;document.title='pwned'&lt;/script&gt;完成&lt;b&gt;摸底&lt;/b&gt;调查"
        ),
        "shown as text"
    );
    assert!(
        !dom.contains("<title>pwned"),
        "the unit's script did not run"
    );
    assert!(dom.contains("红（进展滞后）"), "colours with words");

    // The whole round's page lists units 未报送 and 逾期 (区科技局 came after the deadline).
    let dom = chromium(&profile, &["--dump-dom"], &url(&board));
    assert!(
        dom.contains("<b>逾期报送</b>（1 个）：区科技局"),
        "{}",
        &dom[..2000.min(dom.len())]
    );
    assert!(dom.contains("<select name=\"leader\">") && dom.contains("<select name=\"unit\">"));

    // The leader's summaries mail carries the page beside the workbook.
    let ws = wd.path("督办2020");
    let contacts = std::fs::read_to_string(ws.join("contacts.csv")).unwrap();
    let line = format!("{leader},领导,,,");
    assert!(contacts.contains(&line), "{contacts}");
    std::fs::write(
        ws.join("contacts.csv"),
        contacts.replace(&line, &format!("{leader},领导,leader@example.org,,")),
    )
    .unwrap();
    let mail = run_in(
        &ws,
        &[
            "mail",
            "summaries",
            "--only",
            &leader,
            "--from",
            "office@example.org",
        ],
    );
    let emls: Vec<PathBuf> = walk(&ws)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .collect();
    assert_eq!(emls.len(), 1, "{}", mail.describe());
    let eml = std::fs::read_to_string(&emls[0]).unwrap();
    assert!(
        eml.contains("text/html") && eml.contains("spreadsheetml.sheet"),
        "{eml}"
    );

    // At 390 px (inside a 390-px iframe: Chromium's window is never narrower than 500):
    // nothing wider than the frame, no text under 14 px.
    let shots = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("page-shots");
    std::fs::create_dir_all(&shots).unwrap();
    let wrapper = wd.path("phone.html");
    std::fs::write(
        &wrapper,
        format!(
            "<!DOCTYPE html><html><body style=\"margin:0\"><iframe id=\"f\" src=\"{}\" style=\"width:390px;height:1600px;border:0\"></iframe><script>window.addEventListener('load',function(){{var d=document.getElementById('f').contentDocument;var min=99;d.querySelectorAll('body *').forEach(function(e){{if(e.childNodes.length&&e.textContent.trim()&&e.getClientRects().length){{min=Math.min(min,parseFloat(getComputedStyle(e).fontSize))}}}});document.body.setAttribute('data-measure','width='+d.documentElement.scrollWidth+' min='+min)}});</script></body></html>",
            url(&page)
        ),
    )
    .unwrap();
    let dom = chromium(
        &profile,
        &["--dump-dom", "--window-size=500,1600"],
        &url(&wrapper),
    );
    let measure = dom
        .split("data-measure=\"")
        .nth(1)
        .expect("measured")
        .split('"')
        .next()
        .unwrap();
    let width: u32 = measure
        .split("width=")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let min: f64 = measure.split("min=").nth(1).unwrap().parse().unwrap();
    assert!(width <= 390, "no sideways scrolling at 390 px: {measure}");
    assert!(min >= 14.0, "text at least 14 px: {measure}");
    let phone = shots.join("leader-390.png");
    let wide = shots.join("board-1280.png");
    for (target, size, shot) in [(&wrapper, "500,1600", &phone), (&board, "1280,1600", &wide)] {
        let _ = std::fs::remove_file(shot);
        chromium(
            &profile,
            &[
                &format!("--screenshot={}", shot.display()),
                &format!("--window-size={size}"),
            ],
            &url(target),
        );
        assert!(
            std::fs::metadata(shot).unwrap().len() > 10_000,
            "{}",
            shot.display()
        );
    }
}
