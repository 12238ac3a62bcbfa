//! The generators built into protoc-rs, as grpcio-tools' protoc has them
//! built in: `--python_out`, `--pyi_out` and `--grpc_python_out`. They run
//! in-process, but protoc 35 runs its built-in generators through the
//! plugin protocol too (it builds a `CodeGeneratorRequest` and hands it to
//! the generator), so they get the same request a plugin would, with one
//! difference (`RequestBase::builtin_files`), and answer with a response
//! that the host applies and checks like a plugin's.

use super::{CodeGeneratorResponse, ResponseFile};
use crate::codegen::python::Generator;
use crate::descriptors::pb;

/// The built-in generator a `--NAME_out` flag names, if any. Such a flag
/// never runs a plugin, whatever `--plugin` says, as in protoc.
pub fn generator_of(flag: &str) -> Option<Generator> {
    flag.ends_with("_out")
        .then(|| Generator::of_flag(flag))
        .flatten()
}

/// Whether `--NAME_opt` adds to a built-in generator's parameter. protoc
/// registers `--python_opt` and `--grpc_python_opt`, but `--pyi_out` has
/// no option flag: `--pyi_opt` is a plugin's and never reaches it.
pub fn takes_option_flag(generator: Generator) -> bool {
    generator != Generator::Pyi
}

/// Runs `generator` as protoc's `GenerateCode` runs a built-in one.
pub fn run(
    generator: Generator,
    files: &[pb::FileDescriptorProto],
    to_generate: &[String],
    parameter: &str,
) -> CodeGeneratorResponse {
    let (features, minimum, maximum) = generator.supports();
    let mut response = CodeGeneratorResponse {
        error: None,
        supported_features: Some(features),
        minimum_edition: Some(minimum),
        maximum_edition: Some(maximum),
        file: Vec::new(),
    };
    match generator.generate(files, to_generate, parameter) {
        Ok(outputs) => {
            response.file = outputs
                .into_iter()
                .map(|output| ResponseFile {
                    name: Some(output.name.into_bytes()),
                    insertion_point: (!output.insertion_point.is_empty())
                        .then(|| output.insertion_point.into_bytes()),
                    content: Some(output.content.into_bytes()),
                })
                .collect();
        }
        Err(message) => response.error = Some(message.into_bytes()),
    }
    response
}
