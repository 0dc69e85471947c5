//! Telling a password-protected .xls from a damaged one before calamine parses it.
//!
//! An .xls with an open password carries a FILEPASS record right after the BOF record of
//! its workbook globals (MS-XLS 2.4.117). calamine refuses RC4 and CryptoAPI encryption,
//! but reads on through XOR obfuscation (encryption type 0) and then meets scrambled
//! records: the unit would be told its file is damaged and re-save it, password and all.
//! Any FILEPASS record means the file is encrypted, whatever its method.

/// BOF (MS-XLS 2.4.21), the first record of every substream.
const BOF: u16 = 0x0809;
/// The BOF's substream type of the workbook globals.
const GLOBALS: u16 = 0x0005;
const FILEPASS: u16 = 0x002F;

/// Whether the OLE file's workbook stream starts with BOF followed by FILEPASS.
///
/// Streams start on sector boundaries: 512-byte sectors, or 64-byte mini sectors for a
/// stream under 4 KiB. The globals BOF is looked for at every 64-byte boundary after the
/// header, so no directory needs parsing; a BOF met by chance inside other data would
/// also need a FILEPASS record after it.
pub(super) fn has_filepass(bytes: &[u8]) -> bool {
    let u16_at = |i: usize| -> Option<u16> {
        bytes
            .get(i..i + 2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]))
    };
    (512..bytes.len()).step_by(64).any(|at| {
        let (Some(typ), Some(len), Some(kind)) = (u16_at(at), u16_at(at + 2), u16_at(at + 6))
        else {
            return false;
        };
        typ == BOF
            && (8..=20).contains(&len)
            && kind == GLOBALS
            && u16_at(at + 4 + len as usize) == Some(FILEPASS)
    })
}
