//! The fourth stage: descriptors become source code, one folder per target
//! language.
//!
//! - [`rust`]: prost messages and tonic services, as prost-build and
//!   tonic-prost-build write them;
//! - [`python`]: the `_pb2.py`, `.pyi` and `_pb2_grpc.py` modules that
//!   grpcio-tools' protoc writes.
//!
//! Architecture invariant: the languages share the descriptor model
//! (`FileDescriptorProto`s, as a plugin sees them) and nothing else; neither
//! folder imports the other. Python is the command line's only (the `cli`
//! feature): a build script compiles the Rust generator alone.

#[cfg(feature = "cli")]
pub mod python;
pub mod rust;
