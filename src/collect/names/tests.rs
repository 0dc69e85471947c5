//! One test per name form seen from Chinese mail clients. Each builds the exact header
//! bytes; tests/imap/seed.py puts the same forms through a real Dovecot (tests/collect.rs).

use base64::Engine as _;

use super::*;

const N1: &str = "2020年第一季度_区科技局_任务进展填报表.xlsx";
const N2: &str = "区发改局报送（修改）.xlsx";
const N3: &str = "区教育局_2020年第二季度督办事项进展情况表（终稿）.xlsx";
const N4: &str = "区卫健委填报表.xlsx";
const N5: &str = "区人社局_王䶮_任务进展.xlsx"; // 䶮: four bytes in GB18030, not in GBK

fn gbk(s: &str) -> Vec<u8> {
    let (b, _, unmappable) = encoding_rs::GBK.encode(s);
    assert!(!unmappable, "{s} is not GBK");
    b.into_owned()
}
fn gb18030(s: &str) -> Vec<u8> {
    encoding_rs::GB18030.encode(s).0.into_owned()
}
fn pct(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'_' | b'-' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
fn word(charset: &str, bytes: &[u8]) -> String {
    format!(
        "=?{charset}?B?{}?=",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}
fn find(hay: &[u8], needle: &[u8]) -> usize {
    hay.windows(needle.len())
        .position(|w| w == needle)
        .expect("needle")
}

/// Parses a one-part message with these header lines; returns the attachment's name.
fn name_of(headers: &[u8]) -> Option<String> {
    let msg = [headers, b"\r\n\r\nUEsDBA==\r\n"].concat();
    let parsed = mailparse::parse_mail(&msg).expect("parse");
    attachment_name(&parsed).expect("is an attachment")
}
fn cd(param: &[u8]) -> Vec<u8> {
    [
        b"Content-Type: application/octet-stream\r\nContent-Disposition: attachment; ",
        param,
    ]
    .concat()
}
#[track_caller]
fn check(headers: &[u8], expected: &str) {
    let got = name_of(headers).expect("has a name");
    let shown = String::from_utf8_lossy(headers);
    assert_eq!(got, expected, "headers: {shown}");
}

// -- RFC 2231 -----------------------------------------------------------------------------

#[test]
fn rfc2231_utf8() {
    check(
        &cd(format!("filename*=utf-8''{}", pct(N1.as_bytes())).as_bytes()),
        N1,
    );
}

#[test]
fn rfc2231_gb18030() {
    check(
        &cd(format!("filename*=gb18030''{}", pct(&gb18030(N2))).as_bytes()),
        N2,
    );
    check(
        &cd(format!("filename*=gb18030''{}", pct(&gb18030(N5))).as_bytes()),
        N5,
    );
}

#[test]
fn rfc2231_continuation_split_inside_utf8_char() {
    let b = N3.as_bytes();
    let cut = N3.find('督').unwrap() + 1; // one byte into a 3-byte character
    let h = format!(
        "\r\n filename*0*=utf-8''{};\r\n filename*1*={}",
        pct(&b[..cut]),
        pct(&b[cut..])
    );
    check(&cd(h.as_bytes()), N3);
}

#[test]
fn rfc2231_continuation_split_inside_gbk_char_with_language() {
    let b = gbk(N3);
    let cut = find(&b, &gbk("督")) + 1;
    let h = format!(
        "\r\n filename*0*=gbk'zh-cn'{};\r\n filename*1*={}",
        pct(&b[..cut]),
        pct(&b[cut..])
    );
    check(&cd(h.as_bytes()), N3);
}

#[test]
fn rfc2231_sections_out_of_order_and_mixed_plain_sections() {
    let b = N1.as_bytes();
    let cut = N1.find('科').unwrap() + 2;
    let h = format!(
        "filename*2=\"_v2.xlsx\"; filename*1*={}; filename*0*=UTF-8''{}",
        pct(&b[cut..b.len() - 5]),
        pct(&b[..cut])
    );
    check(
        &cd(h.as_bytes()),
        &format!("{}_v2.xlsx", &N1[..N1.len() - 5]),
    );
}

#[test]
fn rfc2231_wins_over_plain_filename() {
    // mailparse 0.18 keeps the plain value here.
    let h = format!(
        "filename=\"{}\";\r\n filename*=utf-8''{}",
        word("UTF-8", "错误的名字.xlsx".as_bytes()),
        pct(N2.as_bytes())
    );
    check(&cd(h.as_bytes()), N2);
}

#[test]
fn rfc2231_continuations_beside_plain_filename() {
    // mailparse 0.18 decodes each section alone here, losing the split character.
    let b = N3.as_bytes();
    let cut = N3.find('督').unwrap() + 1;
    let h = format!(
        "filename=\"x.xlsx\"; filename*0*=utf-8''{}; filename*1*={}",
        pct(&b[..cut]),
        pct(&b[cut..])
    );
    check(&cd(h.as_bytes()), N3);
}

#[test]
fn rfc2231_quoted_extended_value() {
    let h = format!("filename*=\"utf-8''{}\"", pct(N4.as_bytes()));
    check(&cd(h.as_bytes()), N4);
}

// -- RFC 2047 -----------------------------------------------------------------------------

#[test]
fn rfc2047_gbk_word_in_quotes() {
    check(
        &cd(format!("filename=\"{}\"", word("GBK", &gbk(N1))).as_bytes()),
        N1,
    );
}

#[test]
fn rfc2047_gbk_word_unquoted() {
    // mailparse 0.18 leaves `filename==?GBK?B?…?=` undecoded.
    check(
        &cd(format!("filename={}", word("GBK", &gbk(N2))).as_bytes()),
        N2,
    );
}

#[test]
fn rfc2047_gbk_q_word() {
    let q: String = gbk(N4).iter().map(|b| format!("={b:02X}")).collect();
    check(&cd(format!("filename=\"=?GBK?Q?{q}?=\"").as_bytes()), N4);
}

#[test]
fn rfc2047_two_adjacent_gb2312_words_no_space() {
    // mailparse 0.18 leaves both words undecoded.
    let b = gbk(N2);
    let half = find(&b, &gbk("报"));
    let h = format!(
        "filename=\"{}{}\"",
        word("gb2312", &b[..half]),
        word("gb2312", &b[half..])
    );
    check(&cd(h.as_bytes()), N2);
}

#[test]
fn rfc2047_two_words_folded() {
    let b = gbk(N2);
    let half = find(&b, &gbk("报"));
    let h = format!(
        "filename=\"{}\r\n {}\"",
        word("GB2312", &b[..half]),
        word("GB2312", &b[half..])
    );
    check(&cd(h.as_bytes()), N2);
}

#[test]
fn rfc2047_words_split_inside_one_gbk_char() {
    // Against RFC 2047 (a word must hold whole characters) but seen in the wild.
    let b = gbk(N2);
    let cut = find(&b, &gbk("报")) + 1;
    for sep in ["", " ", "\r\n "] {
        let h = format!(
            "filename=\"{}{sep}{}\"",
            word("GBK", &b[..cut]),
            word("gbk", &b[cut..])
        );
        check(&cd(h.as_bytes()), N2);
    }
}

#[test]
fn rfc2047_gb18030_word() {
    check(
        &cd(format!("filename=\"{}\"", word("GB18030", &gb18030(N5))).as_bytes()),
        N5,
    );
}

#[test]
fn rfc2047_gb2312_label_with_gb18030_bytes() {
    // Clients label GBK/GB18030 bytes "gb2312"; encoding_rs decodes that label as GB18030.
    check(
        &cd(format!("filename=\"{}\"", word("gb2312", &gb18030(N5))).as_bytes()),
        N5,
    );
}

#[test]
fn rfc2047_words_with_text_around_them() {
    let h = format!("filename=\"{}_v2.xlsx\"", word("GBK", &gbk("区发改局")));
    check(&cd(h.as_bytes()), "区发改局_v2.xlsx");
}

// -- raw 8-bit ----------------------------------------------------------------------------

#[test]
fn raw_8bit_gbk() {
    check(
        &cd(&[b"filename=\"".as_slice(), &gbk(N1), b"\""].concat()),
        N1,
    );
}

#[test]
fn raw_8bit_gb18030_four_byte_char() {
    check(
        &cd(&[b"filename=\"".as_slice(), &gb18030(N5), b"\""].concat()),
        N5,
    );
}

#[test]
fn raw_8bit_utf8() {
    check(
        &cd(&[b"filename=\"".as_slice(), N2.as_bytes(), b"\""].concat()),
        N2,
    );
}

#[test]
fn raw_8bit_gbk_unquoted() {
    check(&cd(&[b"filename=".as_slice(), &gbk(N2)].concat()), N2);
}

#[test]
fn raw_8bit_gbk_second_byte_is_a_backslash() {
    // 乗 is 0x81 0x5C in GBK. mailparse 0.18 takes the 0x5C for an escape and drops it.
    let name = "区乗务局.xlsx";
    check(
        &cd(&[b"filename=\"".as_slice(), &gbk(name), b"\""].concat()),
        name,
    );
}

#[test]
fn raw_8bit_each_value_decided_alone() {
    // A UTF-8 name next to a GBK value in the same header: each value gets its own charset.
    let h = [
        b"filename=\"".as_slice(),
        N2.as_bytes(),
        b"\"; x-note=\"",
        &gbk("区"),
        b"\"",
    ]
    .concat();
    check(&cd(&h), N2);
}

#[test]
fn raw_8bit_gbk_in_content_type_name_only() {
    let h = [
        b"Content-Type: application/octet-stream; name=\"".as_slice(),
        &gbk(N2),
        b"\"",
    ]
    .concat();
    check(&h, N2);
}

// -- which parameter, which part ----------------------------------------------------------

#[test]
fn content_type_name_when_no_disposition() {
    let h = format!(
        "Content-Type: application/octet-stream; name=\"{}\"",
        word("GBK", &gbk(N4))
    );
    check(h.as_bytes(), N4);
}

#[test]
fn filename_wins_over_name() {
    let h = format!(
        "Content-Type: application/octet-stream; name=\"other.xlsx\"\r\n\
         Content-Disposition: attachment; filename=\"{}\"",
        word("GBK", &gbk(N4))
    );
    check(h.as_bytes(), N4);
}

#[test]
fn latin1_name_in_rfc2231_is_left_alone() {
    let name = "Résumé_café.xlsx";
    check(
        &cd(format!("filename*=utf-8''{}", pct(name.as_bytes())).as_bytes()),
        name,
    );
}

#[test]
fn ascii_name_with_escaped_quote() {
    check(
        &cd(b"filename=\"report \\\"Q1\\\".xlsx\""),
        "report \"Q1\".xlsx",
    );
}

#[test]
fn attachment_without_a_name() {
    let msg = [cd(b"size=3").as_slice(), b"\r\n\r\nabc\r\n"].concat();
    let parsed = mailparse::parse_mail(&msg).unwrap();
    assert_eq!(attachment_name(&parsed), Some(None));
}

#[test]
fn body_text_is_not_an_attachment() {
    let parsed =
        mailparse::parse_mail(b"Content-Type: text/plain; charset=GBK\r\n\r\nhi\r\n").unwrap();
    assert_eq!(attachment_name(&parsed), None);
}

// -- unstructured headers -----------------------------------------------------------------

#[test]
fn subject_forms() {
    let s = "回复：督办事项填报（区发改局）";
    assert_eq!(header_text(&gbk(s)), s);
    assert_eq!(header_text(word("GBK", &gbk(s)).as_bytes()), s);
    let b = gbk(s);
    let two = format!("{}\r\n {}", word("GBK", &b[..5]), word("GBK", &b[5..]));
    assert_eq!(header_text(two.as_bytes()), s);
    assert_eq!(
        header_text(format!("Re: {} ok", word("GBK", &gbk("区"))).as_bytes()),
        "Re: 区 ok"
    );
    assert_eq!(header_text(b"plain  ascii"), "plain  ascii");
}

#[test]
fn not_an_encoded_word() {
    for s in [
        "=?",
        "=?GBK?",
        "=?GBK?X?abc?=",
        "a =?GBK?B?x y?= b",
        "=??B?abc?=",
    ] {
        assert_eq!(decode_encoded_words(s), s);
    }
}

#[test]
fn decode_unlabelled_prefers_utf8() {
    assert_eq!(decode_unlabelled("区".as_bytes()), "区");
    assert_eq!(decode_unlabelled(&gbk("区")), "区");
    // Bytes valid as both: UTF-8 wins (the GBK reading of 区's UTF-8 bytes is 鍖?).
    assert_eq!(decode_unlabelled("区局".as_bytes()), "区局");
}
