//! Reading protobuf wire format field by field, without a schema: what
//! code that walks encoded messages generically (options messages printed
//! back as text) needs.

/// One field's value as it is on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Value<'a> {
    Varint(u64),
    Fixed64(u64),
    LengthDelimited(&'a [u8]),
    /// The bytes between a start-group tag and its end-group tag.
    Group(&'a [u8]),
    Fixed32(u32),
}

/// Why bytes are not a well-formed message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Malformed;

/// Reads a varint at the front of `bytes`.
pub fn varint(bytes: &mut &[u8]) -> Result<u64, Malformed> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let (&byte, rest) = bytes.split_first().ok_or(Malformed)?;
        *bytes = rest;
        value |= u64::from(byte & 0x7f) << shift;
        if byte < 0x80 {
            return Ok(value);
        }
    }
    Err(Malformed)
}

fn take<'a>(bytes: &mut &'a [u8], n: usize) -> Result<&'a [u8], Malformed> {
    if bytes.len() < n {
        return Err(Malformed);
    }
    let (head, rest) = bytes.split_at(n);
    *bytes = rest;
    Ok(head)
}

/// Reads one field (number and value) at the front of `bytes`.
pub fn field<'a>(bytes: &mut &'a [u8]) -> Result<(u32, Value<'a>), Malformed> {
    let tag = varint(bytes)?;
    let number = u32::try_from(tag >> 3).map_err(|_| Malformed)?;
    if number == 0 {
        return Err(Malformed);
    }
    let value = match tag & 7 {
        0 => Value::Varint(varint(bytes)?),
        1 => {
            let raw = take(bytes, 8)?;
            Value::Fixed64(u64::from_le_bytes(raw.try_into().map_err(|_| Malformed)?))
        }
        2 => {
            let len = usize::try_from(varint(bytes)?).map_err(|_| Malformed)?;
            Value::LengthDelimited(take(bytes, len)?)
        }
        3 => Value::Group(group_body(bytes, number, 0)?),
        5 => {
            let raw = take(bytes, 4)?;
            Value::Fixed32(u32::from_le_bytes(raw.try_into().map_err(|_| Malformed)?))
        }
        _ => return Err(Malformed),
    };
    Ok((number, value))
}

/// The body of a group whose start tag was just read: everything up to
/// its end tag, which is consumed.
fn group_body<'a>(bytes: &mut &'a [u8], number: u32, depth: u32) -> Result<&'a [u8], Malformed> {
    if depth > 100 {
        return Err(Malformed);
    }
    let start = *bytes;
    loop {
        let before = bytes.len();
        let tag = varint(bytes)?;
        match tag & 7 {
            4 if (tag >> 3) == u64::from(number) => {
                let body_len = start.len() - before;
                return Ok(&start[..body_len]);
            }
            4 => return Err(Malformed),
            3 => {
                let inner = u32::try_from(tag >> 3).map_err(|_| Malformed)?;
                group_body(bytes, inner, depth + 1)?;
            }
            0 => {
                varint(bytes)?;
            }
            1 => {
                take(bytes, 8)?;
            }
            2 => {
                let len = usize::try_from(varint(bytes)?).map_err(|_| Malformed)?;
                take(bytes, len)?;
            }
            5 => {
                take(bytes, 4)?;
            }
            _ => return Err(Malformed),
        }
    }
}

/// Every field of a message, in order.
pub fn fields(mut bytes: &[u8]) -> Result<Vec<(u32, Value<'_>)>, Malformed> {
    let mut out = Vec::new();
    while !bytes.is_empty() {
        out.push(field(&mut bytes)?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_each_wire_type() {
        // 1: varint 150; 2: "hi"; 3: group { 1: 1 }; 4: fixed32; 5: fixed64.
        let bytes = [
            0x08, 0x96, 0x01, 0x12, 0x02, b'h', b'i', 0x1b, 0x08, 0x01, 0x1c, 0x25, 1, 0, 0, 0,
            0x29, 2, 0, 0, 0, 0, 0, 0, 0,
        ];
        assert_eq!(
            fields(&bytes),
            Ok(vec![
                (1, Value::Varint(150)),
                (2, Value::LengthDelimited(b"hi")),
                (3, Value::Group(&[0x08, 0x01])),
                (4, Value::Fixed32(1)),
                (5, Value::Fixed64(2)),
            ])
        );
    }

    #[test]
    fn truncated_and_mismatched_input_is_malformed() {
        assert_eq!(fields(&[0x12, 0x05, b'a']), Err(Malformed));
        assert_eq!(fields(&[0x1b, 0x24]), Err(Malformed));
        assert_eq!(fields(&[0x08]), Err(Malformed));
        assert_eq!(fields(&[0x00, 0x00]), Err(Malformed));
    }
}
