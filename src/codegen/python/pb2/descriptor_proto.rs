//! placeholder
use super::super::printer::Printer;
use super::super::Pool;
use crate::descriptors::pb;

pub(super) fn is_descriptor_proto(name: &str) -> bool {
    name == "google/protobuf/descriptor.proto"
}

pub(super) fn file_descriptor(_file: &pb::FileDescriptorProto, _escaped: &str, _out: &mut Printer) {}

pub(super) fn python_descriptors(_pool: &Pool, _file: &pb::FileDescriptorProto, _out: &mut Printer) {}
