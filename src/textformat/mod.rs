//! Placeholder until the text format module lands.
#![allow(missing_docs, dead_code)]
use crate::pb;
pub struct Pool;
impl Pool {
    pub fn new(_files: &[pb::FileDescriptorProto]) -> Pool {
        Pool
    }
    pub fn contains_message(&self, _name: &str) -> bool {
        false
    }
}
pub struct TextError {
    pub line: u32,
    pub column: u32,
    pub message: String,
    pub warning: bool,
}
pub struct Encoded {
    pub bytes: Vec<u8>,
    pub warnings: Vec<TextError>,
    pub missing_required: Vec<String>,
}
pub struct Decoded {
    pub text: String,
    pub missing_required: Vec<String>,
}
pub struct DecodeError;
pub fn encode(_p: &Pool, _t: &str, _x: &[u8]) -> Result<Encoded, Vec<TextError>> {
    Err(Vec::new())
}
pub fn decode(_p: &Pool, _t: &str, _x: &[u8]) -> Result<Decoded, DecodeError> {
    Err(DecodeError)
}
pub fn decode_raw(_x: &[u8]) -> Result<String, DecodeError> {
    Err(DecodeError)
}
