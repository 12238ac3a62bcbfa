//! Wire-format primitives as protoc's parser reads them, and unknown
//! field sets (protoc's UnknownFieldSet): parsed for `--decode_raw` and
//! for printing length-delimited unknown fields that look like messages,
//! and written back out.
//!
//! What protoc accepts, found by experiment: a tag is a varint of at most
//! 5 bytes whose bits past 32 are dropped; other varints take at most 10
//! bytes, bits past 64 dropped; a length takes at most 5 bytes and must
//! fit in what is left; field number 0, wire types 6 and 7, an end-group
//! tag that closes nothing or the wrong group, and a group left open are
//! all errors. Groups (and, for typed messages, sub-messages) nest at most
//! 100 deep.

use super::value::Unknown;

/// Nesting protoc's binary parser allows: messages and groups.
pub(crate) const RECURSION_LIMIT: i32 = 100;

/// The input is not a valid message; the reason is ours, for debugging.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    reason: &'static str,
}

impl DecodeError {
    pub(crate) fn new(reason: &'static str) -> DecodeError {
        DecodeError { reason }
    }

    /// Why the input was rejected (our words; protoc only says "Failed to
    /// parse input.").
    pub fn reason(&self) -> &str {
        self.reason
    }
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "invalid wire format: {}", self.reason)
    }
}

impl std::error::Error for DecodeError {}

pub(crate) type Result<T> = std::result::Result<T, DecodeError>;

pub(crate) const VARINT: u32 = 0;
pub(crate) const FIXED64: u32 = 1;
pub(crate) const LENGTH_DELIMITED: u32 = 2;
pub(crate) const START_GROUP: u32 = 3;
pub(crate) const END_GROUP: u32 = 4;
pub(crate) const FIXED32: u32 = 5;

pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes, pos: 0 }
    }

    pub fn at_end(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    fn byte(&mut self) -> Result<u8> {
        let byte = *self
            .bytes
            .get(self.pos)
            .ok_or(DecodeError::new("truncated varint"))?;
        self.pos += 1;
        Ok(byte)
    }

    /// A varint of at most `max_bytes` bytes; bits past 64 are dropped.
    fn varint_of(&mut self, max_bytes: u32) -> Result<u64> {
        let mut value = 0u64;
        for i in 0..max_bytes {
            let byte = self.byte()?;
            if i < 10 {
                value |= ((byte & 0x7f) as u64).wrapping_shl(7 * i);
            }
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(DecodeError::new("varint too long"))
    }

    pub fn varint(&mut self) -> Result<u64> {
        self.varint_of(10)
    }

    /// A tag: field number and wire type.
    pub fn tag(&mut self) -> Result<(u32, u32)> {
        let tag = self.varint_of(5)? as u32;
        Ok((tag >> 3, tag & 7))
    }

    pub fn fixed32(&mut self) -> Result<u32> {
        let bytes = self.take(4)?;
        Ok(u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
    }

    pub fn fixed64(&mut self) -> Result<u64> {
        let bytes = self.take(8)?;
        let mut array = [0u8; 8];
        array.copy_from_slice(bytes);
        Ok(u64::from_le_bytes(array))
    }

    pub fn take(&mut self, len: usize) -> Result<&'a [u8]> {
        let end = self
            .pos
            .checked_add(len)
            .filter(|&end| end <= self.bytes.len())
            .ok_or(DecodeError::new("truncated field"))?;
        let bytes = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(bytes)
    }

    /// A length prefix and the bytes it covers.
    pub fn length_delimited(&mut self) -> Result<&'a [u8]> {
        let len = self.varint_of(5)?;
        let len = usize::try_from(len).map_err(|_| DecodeError::new("length too large"))?;
        self.take(len)
    }
}

/// One unknown field's value after its tag; a group is read through its
/// end tag, within `budget` further levels of nesting.
pub(crate) fn read_unknown(
    reader: &mut Reader,
    number: u32,
    wire_type: u32,
    budget: i32,
) -> Result<Unknown> {
    Ok(match wire_type {
        VARINT => Unknown::Varint(number, reader.varint()?),
        FIXED64 => Unknown::Fixed64(number, reader.fixed64()?),
        LENGTH_DELIMITED => Unknown::LengthDelimited(number, reader.length_delimited()?.to_vec()),
        START_GROUP => {
            if budget <= 0 {
                return Err(DecodeError::new("groups nested too deeply"));
            }
            Unknown::Group(number, parse_fields(reader, budget - 1, Some(number))?)
        }
        FIXED32 => Unknown::Fixed32(number, reader.fixed32()?),
        _ => return Err(DecodeError::new("invalid wire type")),
    })
}

/// Reads unknown fields to the end of the input, or through the end tag
/// of group `end_group`.
fn parse_fields(reader: &mut Reader, budget: i32, end_group: Option<u32>) -> Result<Vec<Unknown>> {
    let mut fields = Vec::new();
    loop {
        if reader.at_end() {
            return match end_group {
                Some(_) => Err(DecodeError::new("unterminated group")),
                None => Ok(fields),
            };
        }
        let (number, wire_type) = reader.tag()?;
        if number == 0 {
            return Err(DecodeError::new("field number 0"));
        }
        if wire_type == END_GROUP {
            return match end_group {
                Some(open) if open == number => Ok(fields),
                _ => Err(DecodeError::new("unmatched end-group tag")),
            };
        }
        fields.push(read_unknown(reader, number, wire_type, budget)?);
    }
}

/// Parses bytes as a message of unknown fields, groups nesting at most
/// `budget` deep.
pub(crate) fn parse_unknown_set(bytes: &[u8], budget: i32) -> Result<Vec<Unknown>> {
    parse_fields(&mut Reader::new(bytes), budget, None)
}

pub(crate) fn write_varint(mut value: u64, out: &mut Vec<u8>) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

pub(crate) fn write_tag(number: u32, wire_type: u32, out: &mut Vec<u8>) {
    write_varint(((number as u64) << 3) | wire_type as u64, out);
}

pub(crate) fn write_length_delimited(number: u32, bytes: &[u8], out: &mut Vec<u8>) {
    write_tag(number, LENGTH_DELIMITED, out);
    write_varint(bytes.len() as u64, out);
    out.extend_from_slice(bytes);
}

/// Writes unknown fields back in wire format, in order.
pub(crate) fn write_unknown(fields: &[Unknown], out: &mut Vec<u8>) {
    for field in fields {
        match field {
            Unknown::Varint(number, value) => {
                write_tag(*number, VARINT, out);
                write_varint(*value, out);
            }
            Unknown::Fixed32(number, value) => {
                write_tag(*number, FIXED32, out);
                out.extend_from_slice(&value.to_le_bytes());
            }
            Unknown::Fixed64(number, value) => {
                write_tag(*number, FIXED64, out);
                out.extend_from_slice(&value.to_le_bytes());
            }
            Unknown::LengthDelimited(number, bytes) => write_length_delimited(*number, bytes, out),
            Unknown::Group(number, fields) => {
                write_tag(*number, START_GROUP, out);
                write_unknown(fields, out);
                write_tag(*number, END_GROUP, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_drop_overflow_bits() {
        let mut r = Reader::new(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02]);
        assert_eq!(r.varint(), Ok(u64::MAX >> 1));
        let mut r = Reader::new(&[0xff; 11]);
        assert!(r.varint().is_err());
    }

    #[test]
    fn tags_take_five_bytes_at_most() {
        assert_eq!(
            Reader::new(&[0xf8, 0xff, 0xff, 0xff, 0x7f]).tag(),
            Ok((0x1fff_ffff, 0))
        );
        assert!(Reader::new(&[0x88, 0x80, 0x80, 0x80, 0x80, 0x00])
            .tag()
            .is_err());
    }

    #[test]
    fn groups_nest_within_budget() {
        let nested = |depth: usize| {
            let mut bytes = vec![0x0b; depth];
            bytes.extend(vec![0x0c; depth]);
            bytes
        };
        assert!(parse_unknown_set(&nested(100), RECURSION_LIMIT).is_ok());
        assert!(parse_unknown_set(&nested(101), RECURSION_LIMIT).is_err());
        assert!(parse_unknown_set(&[0x0c], RECURSION_LIMIT).is_err());
        assert!(parse_unknown_set(&[0x0b], RECURSION_LIMIT).is_err());
    }

    #[test]
    fn round_trips() {
        let bytes = [
            0x08, 0x96, 0x01, 0x1a, 0x01, 0x61, 0x0b, 0x15, 1, 2, 3, 4, 0x0c,
        ];
        let fields = parse_unknown_set(&bytes, RECURSION_LIMIT).unwrap_or_default();
        let mut out = Vec::new();
        write_unknown(&fields, &mut out);
        assert_eq!(out, bytes);
    }
}
