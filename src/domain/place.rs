//! Where a problem is: a cell's A1 name from its (row, column) and back. Issues keep
//! 1-based numbers; the A1 text is made for output only.

/// "H5" for (4, 7).
pub fn a1(row: u32, col: u32) -> String {
    let mut name = String::new();
    let mut c = col + 1;
    while c > 0 {
        let rem = (c - 1) % 26;
        name.insert(0, (b'A' + rem as u8) as char);
        c = (c - 1) / 26;
    }
    format!("{name}{}", row + 1)
}

/// The 1-based column of an A1 reference ("H5" → 8).
pub fn column_of(cell: &str) -> Option<u32> {
    let letters: Vec<u8> = cell
        .bytes()
        .take_while(|b| b.is_ascii_alphabetic())
        .map(|b| b.to_ascii_uppercase())
        .collect();
    if letters.is_empty() || letters.len() > 3 {
        return None;
    }
    Some(
        letters
            .iter()
            .fold(0u32, |n, b| n * 26 + u32::from(b - b'A' + 1)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a1_names_columns_and_back() {
        assert_eq!(a1(0, 0), "A1");
        assert_eq!(a1(4, 7), "H5");
        assert_eq!(a1(0, 26), "AA1");
        assert_eq!(a1(1_048_575, 16_383), "XFD1048576");
        assert_eq!(column_of("AA12"), Some(27));
        assert_eq!(column_of("h5"), Some(8));
        assert_eq!(column_of("12"), None);
    }
}
