use super::*;
use crate::collect::message::Attachment;
use std::path::Path;

fn incoming(uid: u32, id: &str, at: &str, name: &str, data: &[u8]) -> Incoming {
    Incoming {
        uid,
        received: Some(at.parse().unwrap()),
        parsed: Ok(Parsed {
            message_id: id.into(),
            sender: "kj@example.org".into(),
            reply_to: "kj@example.org".into(),
            subject: "报送".into(),
            attachments: vec![Attachment {
                name: name.into(),
                data: data.to_vec(),
            }],
            ..Parsed::default()
        }),
    }
}

fn open<'a>(dir: &Path, uidvalidity: u32, cat: &'a Catalog) -> Collector<'a> {
    Collector::open(
        Folders::One(dir.to_path_buf()),
        uidvalidity,
        AddressBook::default(),
        cat,
        CheckOptions::default(),
    )
    .unwrap()
}

#[test]
fn a_run_cut_short_is_finished_and_a_taken_name_numbered() {
    let dir = tempfile::tempdir().unwrap();
    let cat = Catalog::embedded();
    // Saved by a run that stopped before its log line; and another file of that name.
    let name = "20200403-100000_未识别发件人_说明.pdf";
    std::fs::write(dir.path().join(name), b"one").unwrap();
    let mut c = open(dir.path(), 7, &cat);
    c.take(vec![
        incoming(1, "<a@x>", "2020-04-03T02:00:00Z", "说明.pdf", b"one"),
        incoming(2, "<b@x>", "2020-04-03T02:00:00Z", "说明.pdf", b"two"),
    ])
    .unwrap();
    let paths: Vec<String> = receipts::load(dir.path())
        .into_iter()
        .map(|r| r.path)
        .collect();
    assert_eq!(
        paths,
        [name, "20200403-100000_未识别发件人_说明_2.pdf"],
        "the first is the file already there, the second gets a number"
    );
    assert_eq!(
        std::fs::read(dir.path().join("20200403-100000_未识别发件人_说明_2.pdf")).unwrap(),
        b"two"
    );
    assert!(c.is_known(1) && c.is_known(2) && !c.is_known(3));
}

#[test]
fn copies_are_known_by_message_id_or_by_sender_time_and_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let cat = Catalog::embedded();
    let mut c = open(dir.path(), 7, &cat);
    c.take(vec![
        incoming(1, "<a@x>", "2020-04-03T02:00:00Z", "a.pdf", b"one"),
        incoming(2, "<a@x>", "2020-04-03T03:00:00Z", "a.pdf", b"one"),
        incoming(3, "", "2020-04-03T04:00:00Z", "b.pdf", b"two"),
    ])
    .unwrap();
    drop(c);
    // The mailbox rebuilt (a new UIDVALIDITY): every message looks new, none is saved again.
    let mut c = open(dir.path(), 8, &cat);
    assert!(!c.is_known(1));
    c.take(vec![
        incoming(1, "<a@x>", "2020-04-03T02:00:00Z", "a.pdf", b"one"),
        incoming(2, "", "2020-04-03T04:00:00Z", "b.pdf", b"two"),
        incoming(3, "", "2020-04-03T05:00:00Z", "b.pdf", b"two"),
    ])
    .unwrap();
    assert_eq!(c.taken.iter().map(|t| t.copies).sum::<usize>(), 2);
    let files = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(
        files, 4,
        "two files sent twice, one sent again later, and the log"
    );
    let all = receipts::load_all(dir.path());
    let copies = all
        .iter()
        .filter(|r| r.note == Some(Note::Duplicate))
        .count();
    assert_eq!((all.len(), copies), (6, 3));
}
