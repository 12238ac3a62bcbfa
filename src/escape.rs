//! protoc's C escaping (absl's `CEscape`), one rule for every place that
//! prints bytes as protoc does: bytes defaults in descriptors, strings and
//! bytes in the text format, an unparseable plugin reply.

/// Appends `bytes` C-escaped to `out`: `\n`, `\r`, `\t`, `\"`, `\'` and
/// `\\` by name, every other byte outside printable ASCII as three octal
/// digits.
pub(crate) fn c_escape_into(bytes: &[u8], out: &mut String) {
    for &byte in bytes {
        match byte {
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            b'"' => out.push_str("\\\""),
            b'\'' => out.push_str("\\'"),
            b'\\' => out.push_str("\\\\"),
            0x20..=0x7e => out.push(byte as char),
            _ => {
                out.push('\\');
                out.push((b'0' + (byte >> 6)) as char);
                out.push((b'0' + ((byte >> 3) & 7)) as char);
                out.push((b'0' + (byte & 7)) as char);
            }
        }
    }
}

/// `bytes` C-escaped, as a new string.
pub(crate) fn c_escape(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    c_escape_into(bytes, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_escapes_octal_for_the_rest() {
        assert_eq!(
            c_escape(b"a\n\x08\"'\\\xc3\xa9\x7f\r\t"),
            "a\\n\\010\\\"\\'\\\\\\303\\251\\177\\r\\t"
        );
        assert_eq!(c_escape(b"a\n\x01\"\xff"), "a\\n\\001\\\"\\377");
    }
}
