//! Zip archives of returns, read as folders: units often send their workbook (or several)
//! zipped, and Chinese Windows' built-in zip and 7-Zip store member names in GBK without the
//! UTF-8 flag.
//!
//! A member's name is the Info-ZIP Unicode Path when the archive has one (the zip crate puts
//! it in place of the raw name), else the raw name as strict UTF-8 (the UTF-8 flag, or plain
//! ASCII), else GB18030 (a superset of GBK). The archive and every member are bounded like
//! any return: bytes on disk, bytes inflated, entries.

use std::io::{Cursor, Read};

use super::{Limits, ReadError};

/// One entry of an archive.
#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    pub index: usize,
    /// The name as the sender's system wrote it, decoded (`材料/区科技局报表.xlsx`).
    pub name: String,
    /// Declared inflated size.
    pub size: u64,
    /// The entry's time, as the zip records it (local time of the machine that zipped it).
    pub modified: Option<jiff::civil::DateTime>,
    pub encrypted: bool,
}

/// A member name's bytes as a string: UTF-8 when they are valid UTF-8, else GB18030.
///
/// ```
/// use duban::read::archive::decode_name;
/// let (gbk, _, _) = encoding_rs::GBK.encode("区科技局报表.xlsx");
/// assert_eq!(decode_name(&gbk), "区科技局报表.xlsx");
/// assert_eq!(decode_name("区科技局.xlsx".as_bytes()), "区科技局.xlsx");
/// ```
pub fn decode_name(raw: &[u8]) -> String {
    match std::str::from_utf8(raw) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GB18030
            .decode_without_bom_handling(raw)
            .0
            .into_owned(),
    }
}

/// The entries of an archive, refusing one with too many entries or that would inflate
/// beyond the limit. Folders are left out.
pub fn members(bytes: &[u8], limits: &Limits) -> Result<Vec<Member>, ReadError> {
    let mut zip = super::open_zip(bytes, limits)?;
    let mut out = Vec::with_capacity(zip.len());
    for index in 0..zip.len() {
        let entry = zip
            .by_index_raw(index)
            .map_err(|e| ReadError::corrupt(None, e))?;
        if entry.is_dir() {
            continue;
        }
        let modified = entry.last_modified().and_then(|t| {
            jiff::civil::DateTime::new(
                t.year() as i16,
                t.month() as i8,
                t.day() as i8,
                t.hour() as i8,
                t.minute() as i8,
                t.second() as i8,
                0,
            )
            .ok()
        });
        out.push(Member {
            index,
            name: decode_name(entry.name_raw()).replace('\\', "/"),
            size: entry.size(),
            modified,
            encrypted: entry.encrypted(),
        });
    }
    Ok(out)
}

/// The inflated bytes of one member, at most `limits.file_bytes` whatever its header
/// claims.
pub fn member_bytes(bytes: &[u8], index: usize, limits: &Limits) -> Result<Vec<u8>, ReadError> {
    let mut zip =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| ReadError::corrupt(None, e))?;
    let entry = zip.by_index(index).map_err(|e| match e {
        zip::result::ZipError::UnsupportedArchive(m) if m.contains("assword") => {
            ReadError::Encrypted
        }
        e => ReadError::corrupt(None, e),
    })?;
    if entry.size() > limits.file_bytes {
        return Err(ReadError::TooLarge {
            size: entry.size(),
            limit: limits.file_bytes,
        });
    }
    let mut out = Vec::with_capacity(entry.size() as usize);
    entry
        .take(limits.file_bytes + 1)
        .read_to_end(&mut out)
        .map_err(|e| ReadError::corrupt(None, e))?;
    if out.len() as u64 > limits.file_bytes {
        return Err(ReadError::TooLarge {
            size: out.len() as u64,
            limit: limits.file_bytes,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, data) in entries {
            w.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn names_and_limits() {
        let bytes = zip_of(&[("材料/区科技局.xlsx", b"x")]);
        let m = members(&bytes, &Limits::default()).unwrap();
        assert_eq!(m[0].name, "材料/区科技局.xlsx");
        assert_eq!(member_bytes(&bytes, 0, &Limits::default()).unwrap(), b"x");
        let small = Limits {
            file_bytes: 0,
            ..Limits::default()
        };
        assert!(matches!(
            member_bytes(&bytes, 0, &small),
            Err(ReadError::TooLarge { .. })
        ));
        let few = Limits {
            zip_entries: 0,
            ..Limits::default()
        };
        assert!(matches!(
            members(&bytes, &few),
            Err(ReadError::TooManyEntries { count: 1, limit: 0 })
        ));
    }
}
