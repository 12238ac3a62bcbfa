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

/// `bytes` hex-escaped as absl's `CHexEscape` does it (protoc's Python
/// generator embeds serialized descriptors with it): the named escapes as
/// in [`c_escape`], other bytes outside printable ASCII as `\xHH`, and a
/// hex digit right after such an escape escaped too, so that no escape
/// reads on into the next character.
#[cfg(feature = "cli")]
pub(crate) fn c_hex_escape(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    let mut after_hex = false;
    for &byte in bytes {
        let named = match byte {
            b'\n' => Some("\\n"),
            b'\r' => Some("\\r"),
            b'\t' => Some("\\t"),
            b'"' => Some("\\\""),
            b'\'' => Some("\\'"),
            b'\\' => Some("\\\\"),
            _ => None,
        };
        if let Some(named) = named {
            out.push_str(named);
            after_hex = false;
        } else if !(0x20..=0x7e).contains(&byte) || (after_hex && byte.is_ascii_hexdigit()) {
            out.push_str("\\x");
            out.push(HEX[usize::from(byte >> 4)] as char);
            out.push(HEX[usize::from(byte & 15)] as char);
            after_hex = true;
        } else {
            out.push(byte as char);
            after_hex = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(feature = "cli")]
    fn hex_escapes_guard_a_following_hex_digit() {
        assert_eq!(
            c_hex_escape(b"\x03ADD\x08SUB"),
            "\\x03\\x41\\x44\\x44\\x08SUB"
        );
        assert_eq!(c_hex_escape(b"\n\"'\\\x90z"), "\\n\\\"\\'\\\\\\x90z");
        assert_eq!(c_hex_escape(b"\x00\ng"), "\\x00\\ng");
    }

    #[test]
    fn named_escapes_octal_for_the_rest() {
        assert_eq!(
            c_escape(b"a\n\x08\"'\\\xc3\xa9\x7f\r\t"),
            "a\\n\\010\\\"\\'\\\\\\303\\251\\177\\r\\t"
        );
        assert_eq!(c_escape(b"a\n\x01\"\xff"), "a\\n\\001\\\"\\377");
    }
}
