//! Plugin output into a `.zip`, `.jar` or `.srcjar`, as protoc writes
//! one: entries in name order, stored (no compression), every entry dated
//! 1980-01-01 00:00 so that the archive depends on nothing but its files,
//! then the central directory and its end record (PKWARE's APPNOTE).

use std::collections::BTreeMap;

const LOCAL_HEADER: u32 = 0x0403_4b50;
const CENTRAL_HEADER: u32 = 0x0201_4b50;
const END_OF_CENTRAL_DIRECTORY: u32 = 0x0605_4b50;
/// Version 1.0: stored entries only.
const VERSION: u16 = 10;
/// 1980-01-01 in DOS date form (years since 1980, month, day).
const DOS_DATE: u16 = (1 << 5) | 1;

/// The archive holding `files`. Sizes and offsets are 32-bit and the entry
/// count 16-bit, as in protoc's writer (no Zip64): larger values wrap.
pub(super) fn archive(files: &BTreeMap<Vec<u8>, Vec<u8>>) -> Vec<u8> {
    let mut out = Vec::new();
    let mut entries = Vec::with_capacity(files.len());
    for (name, content) in files {
        let entry = Entry {
            offset: out.len() as u32,
            crc: crc32(content),
            size: content.len() as u32,
        };
        put32(&mut out, LOCAL_HEADER);
        put16(&mut out, VERSION);
        put16(&mut out, 0); // flags
        put16(&mut out, 0); // stored
        put16(&mut out, 0); // time
        put16(&mut out, DOS_DATE);
        put32(&mut out, entry.crc);
        put32(&mut out, entry.size); // compressed
        put32(&mut out, entry.size);
        put16(&mut out, name.len() as u16);
        put16(&mut out, 0); // extra field
        out.extend_from_slice(name);
        out.extend_from_slice(content);
        entries.push(entry);
    }
    let directory_start = out.len();
    for ((name, _), entry) in files.iter().zip(&entries) {
        put32(&mut out, CENTRAL_HEADER);
        put16(&mut out, VERSION); // made by
        put16(&mut out, VERSION); // needed
        put16(&mut out, 0); // flags
        put16(&mut out, 0); // stored
        put16(&mut out, 0); // time
        put16(&mut out, DOS_DATE);
        put32(&mut out, entry.crc);
        put32(&mut out, entry.size);
        put32(&mut out, entry.size);
        put16(&mut out, name.len() as u16);
        put16(&mut out, 0); // extra field
        put16(&mut out, 0); // comment
        put16(&mut out, 0); // disk
        put16(&mut out, 0); // internal attributes
        put32(&mut out, 0); // external attributes
        put32(&mut out, entry.offset);
        out.extend_from_slice(name);
    }
    let directory_size = out.len() - directory_start;
    put32(&mut out, END_OF_CENTRAL_DIRECTORY);
    put16(&mut out, 0); // this disk
    put16(&mut out, 0); // the directory's disk
    put16(&mut out, entries.len() as u16);
    put16(&mut out, entries.len() as u16);
    put32(&mut out, directory_size as u32);
    put32(&mut out, directory_start as u32);
    put16(&mut out, 0); // comment
    out
}

struct Entry {
    offset: u32,
    crc: u32,
    size: u32,
}

fn put16(out: &mut Vec<u8>, value: u16) {
    out.extend_from_slice(&value.to_le_bytes());
}

fn put32(out: &mut Vec<u8>, value: u32) {
    out.extend_from_slice(&value.to_le_bytes());
}

/// CRC-32 as zip uses it (IEEE 802.3, reflected polynomial 0xEDB88320),
/// a byte at a time from a table built on first use.
fn crc32(data: &[u8]) -> u32 {
    static TABLE: std::sync::OnceLock<[u32; 256]> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut table = [0u32; 256];
        for (byte, slot) in table.iter_mut().enumerate() {
            let mut value = byte as u32;
            for _ in 0..8 {
                value = if value & 1 == 1 {
                    (value >> 1) ^ 0xEDB8_8320
                } else {
                    value >> 1
                };
            }
            *slot = value;
        }
        table
    });
    !data.iter().fold(!0u32, |crc, &byte| {
        table[((crc ^ u32::from(byte)) & 0xff) as usize] ^ (crc >> 8)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_has_the_standard_check_value() {
        // The check value of CRC-32/ISO-HDLC: the CRC of "123456789".
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn an_archive_lists_each_entry_once_in_its_directory() {
        let mut files = BTreeMap::new();
        files.insert(b"b.txt".to_vec(), b"bee".to_vec());
        files.insert(b"a/a.txt".to_vec(), b"ay".to_vec());
        let bytes = archive(&files);
        // The end record says two entries, and where the directory starts.
        let end = bytes.len() - 22;
        assert_eq!(
            &bytes[end..end + 4],
            &END_OF_CENTRAL_DIRECTORY.to_le_bytes()
        );
        assert_eq!(u16::from_le_bytes([bytes[end + 10], bytes[end + 11]]), 2);
        let start = u32::from_le_bytes(bytes[end + 16..end + 20].try_into().unwrap()) as usize;
        assert_eq!(&bytes[start..start + 4], &CENTRAL_HEADER.to_le_bytes());
        // Entries in name order, the first at offset 0.
        assert_eq!(&bytes[30..37], b"a/a.txt");
        assert_eq!(&bytes[37..39], b"ay");
    }
}
