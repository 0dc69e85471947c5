//! The contact lines under the task table (填报人, 联系电话, 审核人), however the clerk
//! laid them out: `标签：值` in one cell, or the label in one cell and the value in the next.

use super::values::phone_ok;
use super::{At, Issues};
use crate::catalog::names::fold;
use crate::domain::codes::Code;
use crate::domain::report::Contact;
use crate::layout::{CONTACT_FILLER, CONTACT_PHONE};
use crate::read::{Cell, Sheet, Value};

/// The field a label names: 0 filler, 1 phone, 2 reviewer.
const CONTACT_LABELS: &[(&str, u8)] = &[
    (CONTACT_FILLER, 0),
    ("联系人", 0),
    (CONTACT_PHONE, 1),
    ("联系方式", 1),
    ("审核人", 2),
    ("分管负责人", 2),
];

fn contact_label(text: &str) -> Option<(u8, String)> {
    // Every text cell below the table is asked: first a look at the first character that
    // folding keeps, then a fold of a short head, and only then of the whole text.
    let first = text.chars().find_map(crate::catalog::names::fold_char)?;
    if !CONTACT_LABELS.iter().any(|(l, _)| l.starts_with(first)) {
        return None;
    }
    let head: String = text.trim_start().chars().take(16).collect();
    let h = fold(&head);
    if !CONTACT_LABELS.iter().any(|(label, _)| h.starts_with(label)) {
        return None;
    }
    let f = fold(text);
    CONTACT_LABELS.iter().find_map(|(label, field)| {
        let rest = f.strip_prefix(label)?;
        // 审核人（分管负责人）：张三 → 张三
        let rest = match rest.strip_prefix('(') {
            Some(r) => r.split_once(')').map_or("", |(_, after)| after),
            None => rest,
        };
        Some((*field, rest.trim_start_matches([':', '：']).to_string()))
    })
}

/// Whether a row holds a contact label: the table ends there.
pub(super) fn is_contact_row(sheet: &Sheet, r: u32) -> bool {
    sheet
        .row(r)
        .any(|(_, c)| matches!(&c.value, Value::Text(t) if contact_label(t).is_some()))
}

/// The contact lines from row `from` down (none when the table has none).
pub(super) fn read(sheet: &Sheet, from: Option<u32>) -> Contact {
    let mut contact = Contact::default();
    let Some(from) = from else {
        return contact;
    };
    for r in sheet.rows().into_iter().filter(|r| *r >= from) {
        read_row(sheet, r, &mut contact);
    }
    contact
}

fn read_row(sheet: &Sheet, r: u32, contact: &mut Contact) {
    let cells: Vec<(u32, &Cell)> = sheet.row(r).filter(|(_, c)| !c.value.is_empty()).collect();
    for (i, (_, cell)) in cells.iter().enumerate() {
        let Value::Text(t) = &cell.value else {
            continue;
        };
        let Some((field, inline)) = contact_label(t) else {
            continue;
        };
        let value = if inline.is_empty() {
            match cells.get(i + 1) {
                Some((_, next)) if !matches!(&next.value, Value::Text(t) if contact_label(t).is_some()) => {
                    next.value.text()
                }
                _ => String::new(),
            }
        } else {
            inline
        };
        let slot = match field {
            0 => &mut contact.filler,
            1 => &mut contact.phone,
            _ => &mut contact.reviewer,
        };
        if slot.is_empty() {
            *slot = value;
        }
    }
}

/// Warns about a missing or malformed phone, at the cell after its label.
pub(super) fn check(sheet: &Sheet, contact: &Contact, issues: &mut Issues) {
    let label_pos = sheet
        .cells
        .iter()
        .find_map(|((r, c), cell)| match &cell.value {
            Value::Text(t) if contact_label(t).is_some_and(|(f, _)| f == 1) => Some((*r, *c)),
            _ => None,
        });
    let at = At {
        sheet: Some(&sheet.name),
        pos: label_pos.map(|(r, c)| (r, c + 1)),
        ..At::default()
    };
    if contact.phone.trim().is_empty() {
        issues.add(Code::PhoneMissing, at, "“联系电话”未填写");
    } else if !phone_ok(&contact.phone) {
        issues.add(
            Code::PhoneInvalid,
            at,
            format!("联系电话“{}”格式不对", contact.phone),
        );
    }
}
