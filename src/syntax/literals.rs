//! Decoding literal tokens the way protoc decodes them. These run on tokens
//! the lexer produced, errors and all, and never fail: the lexer has
//! already reported what is wrong with a malformed literal.

/// protoc's `ParseInteger`: decimal, `0x` hex or leading-zero octal, at
/// most `max`. `None` when out of range or malformed.
pub fn parse_integer(text: &[u8], max: u64) -> Option<u64> {
    let (digits, base): (&[u8], u32) = match text {
        [b'0', b'x' | b'X', rest @ ..] => (rest, 16),
        [b'0', rest @ ..] if !rest.is_empty() => (rest, 8),
        _ => (text, 10),
    };
    let mut value: u64 = 0;
    for &byte in digits {
        let digit = (byte as char).to_digit(base)?;
        value = value.checked_mul(base as u64)?.checked_add(digit as u64)?;
    }
    (value <= max).then_some(value)
}

/// protoc's float parsing (`strtod` on the token text). The lexer only
/// passes `1.`, `.5`, `1e5` and the like; a malformed token reads as far
/// as it is a number.
pub fn parse_float(text: &[u8]) -> f64 {
    let text = std::str::from_utf8(text).unwrap_or("");
    if let Ok(value) = text.parse::<f64>() {
        return value;
    }
    // "1e" or "1e+": the lexer reported the missing exponent.
    let trimmed = text.trim_end_matches(['e', 'E', '+', '-']);
    trimmed.parse::<f64>().unwrap_or(0.0)
}

fn hex_value(byte: u8) -> Option<u32> {
    (byte as char).to_digit(16)
}

/// Appends the decoded bytes of one string token (quotes included) to
/// `out`, following protoc's `ParseStringAppend`.
pub fn unescape_into(token: &[u8], out: &mut Vec<u8>) {
    let Some((&quote, body)) = token.split_first() else {
        return;
    };
    // The closing quote is absent when the string was unterminated.
    let body = match body.split_last() {
        Some((&last, inner)) if last == quote => inner,
        _ => body,
    };
    let mut i = 0;
    while i < body.len() {
        let byte = body[i];
        if byte != b'\\' || i + 1 >= body.len() {
            out.push(byte);
            i += 1;
            continue;
        }
        i += 1;
        let escape = body[i];
        match escape {
            b'0'..=b'7' => {
                let mut code = (escape - b'0') as u32;
                for _ in 0..2 {
                    match body.get(i + 1) {
                        Some(&d @ b'0'..=b'7') => {
                            code = code * 8 + (d - b'0') as u32;
                            i += 1;
                        }
                        _ => break,
                    }
                }
                out.push(code as u8);
                i += 1;
            }
            b'x' | b'X' => {
                let mut code = 0u32;
                for _ in 0..2 {
                    match body.get(i + 1).and_then(|&d| hex_value(d)) {
                        Some(digit) => {
                            code = code * 16 + digit;
                            i += 1;
                        }
                        None => break,
                    }
                }
                out.push(code as u8);
                i += 1;
            }
            b'u' | b'U' => match unicode_escape(body, i) {
                Some((code_point, next)) => {
                    append_utf8(code_point, out);
                    i = next;
                }
                None => {
                    out.push(escape);
                    i += 1;
                }
            },
            _ => {
                out.push(match escape {
                    b'a' => 0x07,
                    b'b' => 0x08,
                    b'f' => 0x0c,
                    b'n' => b'\n',
                    b'r' => b'\r',
                    b't' => b'\t',
                    b'v' => 0x0b,
                    b'\\' | b'?' | b'\'' | b'"' => escape,
                    _ => b'?',
                });
                i += 1;
            }
        }
    }
}

fn read_hex(bytes: &[u8], start: usize, len: usize) -> Option<u32> {
    let digits = bytes.get(start..start + len)?;
    digits
        .iter()
        .try_fold(0u32, |acc, &d| Some((acc << 4) + hex_value(d)?))
}

/// Decodes `\uXXXX` or `\UXXXXXXXX` at `at` (the `u`), joining a UTF-16
/// surrogate pair as protoc does. Returns the code point and the index
/// after the escape.
fn unicode_escape(body: &[u8], at: usize) -> Option<(u32, usize)> {
    let len = if body[at] == b'u' { 4 } else { 8 };
    let mut code_point = read_hex(body, at + 1, len)?;
    let mut next = at + 1 + len;
    let is_head = (0xd800..0xdc00).contains(&code_point);
    if is_head && body.get(next) == Some(&b'\\') && body.get(next + 1) == Some(&b'u') {
        if let Some(trail) = read_hex(body, next + 2, 4) {
            if (0xdc00..0xe000).contains(&trail) {
                code_point = 0x10000 + (((code_point - 0xd800) << 10) | (trail - 0xdc00));
                next += 6;
            }
        }
    }
    Some((code_point, next))
}

/// protoc's `AppendUTF8`: surrogates are encoded as they are, and code
/// points past 0x10ffff are written back as an escape.
fn append_utf8(code_point: u32, out: &mut Vec<u8>) {
    match code_point {
        0..=0x7f => out.push(code_point as u8),
        0x80..=0x7ff => {
            out.push(0xc0 | (code_point >> 6) as u8);
            out.push(0x80 | (code_point & 0x3f) as u8);
        }
        0x800..=0xffff => {
            out.push(0xe0 | (code_point >> 12) as u8);
            out.push(0x80 | ((code_point >> 6) & 0x3f) as u8);
            out.push(0x80 | (code_point & 0x3f) as u8);
        }
        0x10000..=0x10ffff => {
            out.push(0xf0 | (code_point >> 18) as u8);
            out.push(0x80 | ((code_point >> 12) & 0x3f) as u8);
            out.push(0x80 | ((code_point >> 6) & 0x3f) as u8);
            out.push(0x80 | (code_point & 0x3f) as u8);
        }
        _ => out.extend_from_slice(format!("\\U{code_point:08x}").as_bytes()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(token: &str) -> Vec<u8> {
        let mut out = Vec::new();
        unescape_into(token.as_bytes(), &mut out);
        out
    }

    #[test]
    fn integers() {
        assert_eq!(parse_integer(b"0x1f", u64::MAX), Some(31));
        assert_eq!(parse_integer(b"017", u64::MAX), Some(15));
        assert_eq!(parse_integer(b"0", u64::MAX), Some(0));
        assert_eq!(parse_integer(b"2147483648", i32::MAX as u64), None);
        assert_eq!(
            parse_integer(b"18446744073709551615", u64::MAX),
            Some(u64::MAX)
        );
        assert_eq!(parse_integer(b"18446744073709551616", u64::MAX), None);
        assert_eq!(parse_integer(b"09", u64::MAX), None);
    }

    #[test]
    fn escapes() {
        assert_eq!(decode(r#""a\nb""#), b"a\nb");
        assert_eq!(decode(r#"'\x41\101\0'"#), b"AA\0");
        assert_eq!(decode(r#""\u00e9""#), "é".as_bytes());
        assert_eq!(decode(r#""\ud83d\ude00""#), "😀".as_bytes());
        assert_eq!(decode(r#""\U0001F600""#), "😀".as_bytes());
    }

    #[test]
    fn floats() {
        assert_eq!(parse_float(b"1."), 1.0);
        assert_eq!(parse_float(b".5"), 0.5);
        assert_eq!(parse_float(b"1e3"), 1000.0);
    }
}
