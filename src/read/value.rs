//! From calamine's cells to ours: values bounded to what Excel can hold, dates as text.

use super::*;

pub(super) fn bounded(value: Value, limits: &Limits) -> Cell {
    let mut cut_from = None;
    let value = match value {
        // A string of no more bytes than the limit has no more chars either.
        Value::Text(s) if s.len() > limits.cell_chars => {
            let n = s.chars().count();
            if n > limits.cell_chars {
                cut_from = Some(n);
                Value::Text(s.chars().take(limits.cell_chars).collect())
            } else {
                Value::Text(s)
            }
        }
        v => v,
    };
    Cell {
        value,
        percent: false,
        cut_from,
    }
}

pub(super) fn value_ref(d: &DataRef<'_>) -> Value {
    match d {
        DataRef::Int(i) => Value::Number(*i as f64),
        DataRef::Float(f) if !f.is_finite() => Value::Error("#NUM!".into()),
        DataRef::Float(f) => Value::Number(*f),
        DataRef::String(s) => text_value(s),
        DataRef::SharedString(s) => text_value(s),
        DataRef::Bool(b) => Value::Bool(*b),
        DataRef::DateTime(dt) => Value::Date(dt.to_string()),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Value::Date(s.clone()),
        DataRef::Error(e) => Value::Error(e.to_string()),
        DataRef::Empty => Value::Empty,
    }
}

/// Text that is an error literal (a formula's cached `#REF!` stored as a string, or one
/// typed in) is an error value all the same.
pub(super) fn text_value(s: &str) -> Value {
    const ERRORS: &[&str] = &[
        "#REF!", "#DIV/0!", "#VALUE!", "#N/A", "#NAME?", "#NUM!", "#NULL!",
    ];
    let t = s.trim();
    if !t.starts_with('#') {
        return Value::Text(s.to_string());
    }
    match ERRORS.iter().find(|e| t.eq_ignore_ascii_case(e)) {
        Some(e) => Value::Error(e.to_string()),
        None => Value::Text(s.to_string()),
    }
}

pub(super) fn value_owned(d: &Data) -> Value {
    match d {
        Data::Int(i) => Value::Number(*i as f64),
        // A NaN or infinity only comes from a damaged file; a spreadsheet shows #NUM!.
        Data::Float(f) if !f.is_finite() => Value::Error("#NUM!".into()),
        Data::Float(f) => Value::Number(*f),
        Data::String(s) => text_value(s),
        Data::Bool(b) => Value::Bool(*b),
        Data::DateTime(dt) => Value::Date(dt.to_string()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Value::Date(s.clone()),
        Data::Error(e) => Value::Error(e.to_string()),
        Data::Empty => Value::Empty,
    }
}

/// Sheet cells travel between processes as a list: JSON has no tuple keys.
pub(super) mod cells_as_list {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer, Serializer};

    use super::Cell;

    pub fn serialize<S: Serializer>(
        cells: &BTreeMap<(u32, u32), Cell>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.collect_seq(cells.iter().map(|(&(r, c), cell)| (r, c, cell)))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<BTreeMap<(u32, u32), Cell>, D::Error> {
        let list: Vec<(u32, u32, Cell)> = Vec::deserialize(d)?;
        Ok(list
            .into_iter()
            .map(|(r, c, cell)| ((r, c), cell))
            .collect())
    }
}
