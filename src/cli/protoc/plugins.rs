//! The plugin host: `--NAME_out` runs `protoc-gen-NAME` (or the
//! `--plugin` executable of that name) exactly as protoc 35 does: a
//! `CodeGeneratorRequest` on its standard input, a `CodeGeneratorResponse`
//! on its standard output, then the response's files written under the
//! output directory, insertion points included. Everything is generated
//! before anything is written.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};

use prost::Message;

use super::args::{plugin_name, Invocation, OutputDirective};
use crate::builtin::PROTOC_VERSION;
use crate::compile::Compilation;
use crate::descriptors::{pb, SetOptions};
use crate::escape::c_escape;

/// `google.protobuf.compiler.CodeGeneratorRequest`, the fields protoc sets.
#[derive(Clone, PartialEq, prost::Message)]
pub struct CodeGeneratorRequest {
    #[prost(string, repeated, tag = "1")]
    pub file_to_generate: Vec<String>,
    #[prost(string, optional, tag = "2")]
    pub parameter: Option<String>,
    #[prost(message, repeated, tag = "15")]
    pub proto_file: Vec<pb::FileDescriptorProto>,
    #[prost(message, repeated, tag = "17")]
    pub source_file_descriptors: Vec<pb::FileDescriptorProto>,
    #[prost(message, optional, tag = "3")]
    pub compiler_version: Option<Version>,
}

/// `google.protobuf.compiler.Version`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Version {
    #[prost(int32, optional, tag = "1")]
    pub major: Option<i32>,
    #[prost(int32, optional, tag = "2")]
    pub minor: Option<i32>,
    #[prost(int32, optional, tag = "3")]
    pub patch: Option<i32>,
    #[prost(string, optional, tag = "4")]
    pub suffix: Option<String>,
}

/// `google.protobuf.compiler.CodeGeneratorResponse`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct CodeGeneratorResponse {
    #[prost(string, optional, tag = "1")]
    pub error: Option<String>,
    #[prost(uint64, optional, tag = "2")]
    pub supported_features: Option<u64>,
    #[prost(int32, optional, tag = "3")]
    pub minimum_edition: Option<i32>,
    #[prost(int32, optional, tag = "4")]
    pub maximum_edition: Option<i32>,
    #[prost(message, repeated, tag = "15")]
    pub file: Vec<ResponseFile>,
}

/// `CodeGeneratorResponse.File`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ResponseFile {
    #[prost(string, optional, tag = "1")]
    pub name: Option<String>,
    #[prost(string, optional, tag = "2")]
    pub insertion_point: Option<String>,
    #[prost(string, optional, tag = "15")]
    pub content: Option<String>,
}

const FEATURE_PROTO3_OPTIONAL: u64 = 1;
const FEATURE_SUPPORTS_EDITIONS: u64 = 2;

/// The files one output location will hold, by name.
#[derive(Default)]
struct OutputDirectory {
    files: BTreeMap<String, String>,
    failed: bool,
}

/// Runs every `--NAME_out`, then writes what they generated. Returns the
/// paths written (for `--dependency_out`).
pub(super) fn run_all(
    invocation: &Invocation,
    compilation: &Compilation,
    set: &pb::FileDescriptorSet,
) -> Result<Vec<String>, ()> {
    let request = request(compilation);
    let mut directories: BTreeMap<String, OutputDirectory> = BTreeMap::new();
    for directive in &invocation.outputs {
        let mut location = directive.location.clone();
        if [".zip", ".jar", ".srcjar"]
            .iter()
            .any(|e| location.ends_with(e))
        {
            eprintln!(
                "{}: not supported by protoc-rs: writing plugin output into a zip or jar \
                 archive ({location}); give a directory.",
                directive.name
            );
            return Err(());
        }
        if !location.ends_with('/') {
            location.push('/');
        }
        let directory = directories.entry(location).or_default();
        if let Err(message) = generate(invocation, directive, request.clone(), set, directory) {
            eprintln!("{}: {message}", directive.name);
            return Err(());
        }
    }
    let mut written = Vec::new();
    for (location, directory) in &directories {
        write_directory(location, directory, invocation.unsafe_allow_out_dir_escape)?;
        for name in directory.files.keys() {
            let path = format!("{location}{name}");
            written.push(path.strip_prefix("./").map(str::to_owned).unwrap_or(path));
        }
    }
    Ok(written)
}

/// The request protoc sends every plugin: the command-line files to
/// generate, every file they need (json names and source info included;
/// dependencies with all options, the files to generate without
/// source-retention options, which `source_file_descriptors` keep).
fn request(compilation: &Compilation) -> CodeGeneratorRequest {
    let retained = compilation.file_descriptor_set(SetOptions {
        include_imports: true,
        include_source_info: true,
        retain_options: true,
    });
    let stripped = compilation.file_descriptor_set(SetOptions {
        include_imports: true,
        include_source_info: true,
        retain_options: false,
    });
    let to_generate: Vec<String> = compilation
        .inputs
        .iter()
        .map(|&id| compilation.sources.get(id).name().to_owned())
        .collect();
    let mut request = CodeGeneratorRequest {
        file_to_generate: to_generate.clone(),
        parameter: None,
        proto_file: Vec::new(),
        source_file_descriptors: Vec::new(),
        compiler_version: Some(version()),
    };
    for (full, without) in retained.file.into_iter().zip(stripped.file) {
        if to_generate.iter().any(|n| n == full.name()) {
            request.source_file_descriptors.push(full);
            request.proto_file.push(without);
        } else {
            request.proto_file.push(full);
        }
    }
    request
}

/// The protoc release protoc-rs follows, as plugins are told.
fn version() -> Version {
    let mut parts = PROTOC_VERSION
        .split('.')
        .map(|p| p.parse::<i32>().unwrap_or(0));
    Version {
        major: Some(parts.next().unwrap_or(0)),
        minor: Some(parts.next().unwrap_or(0)),
        patch: Some(parts.next().unwrap_or(0)),
        suffix: Some(String::new()),
    }
}

/// Runs one plugin and keeps its files in `directory`.
fn generate(
    invocation: &Invocation,
    directive: &OutputDirective,
    mut request: CodeGeneratorRequest,
    set: &pb::FileDescriptorSet,
    directory: &mut OutputDirectory,
) -> Result<(), String> {
    let plugin = plugin_name(&directive.name);
    let mut parameter = directive.parameter.clone();
    if let Some(more) = invocation
        .plugin_parameters
        .get(&plugin)
        .filter(|p| !p.is_empty())
    {
        if !parameter.is_empty() {
            parameter.push(',');
        }
        parameter.push_str(more);
    }
    request.parameter = (!parameter.is_empty()).then_some(parameter);
    let response = communicate(invocation, &plugin, &request.encode_to_vec())
        .map_err(|message| format!("{plugin}: {message}"))?;
    // Files are kept even when the plugin reports an error, as protoc does.
    keep_files(&plugin, &response, directory)?;
    let features = response.supported_features.unwrap_or(0);
    let inputs: Vec<&pb::FileDescriptorProto> = set
        .file
        .iter()
        .filter(|f| request.file_to_generate.iter().any(|n| n == f.name()))
        .collect();
    let mut ok = true;
    if features & FEATURE_PROTO3_OPTIONAL == 0 {
        for file in &inputs {
            if file.syntax() == "proto3" && has_proto3_optional(file) {
                eprintln!(
                    "{}: is a proto3 file that contains optional fields, but code generator \
                     {plugin} hasn't been updated to support optional fields in proto3. Please \
                     ask the owner of this code generator to support proto3 optional.",
                    file.name()
                );
                ok = false;
            }
        }
    }
    if ok {
        ok = editions_supported(&plugin, &response, features, &inputs);
    }
    match response.error.filter(|e| !e.is_empty()) {
        Some(error) => Err(error),
        None if ok => Ok(()),
        // protoc prints the flag with an empty message here.
        None => Err(String::new()),
    }
}

fn has_proto3_optional(file: &pb::FileDescriptorProto) -> bool {
    fn message(m: &pb::DescriptorProto) -> bool {
        m.field.iter().any(|f| f.proto3_optional()) || m.nested_type.iter().any(message)
    }
    file.message_type.iter().any(message) || file.extension.iter().any(|f| f.proto3_optional())
}

/// protoc's check that a plugin supports the editions of the files it is
/// asked to generate.
fn editions_supported(
    plugin: &str,
    response: &CodeGeneratorResponse,
    features: u64,
    inputs: &[&pb::FileDescriptorProto],
) -> bool {
    let name = |number: i32| {
        pb::Edition::try_from(number)
            .map(|e| e.as_str_name().to_owned())
            .unwrap_or_else(|_| number.to_string())
    };
    for file in inputs {
        if file.syntax() != "editions" || file.name().starts_with("google/protobuf/") {
            continue;
        }
        let edition = file.edition.unwrap_or_default();
        if features & FEATURE_SUPPORTS_EDITIONS == 0 {
            eprintln!(
                "{}: is an editions file, but code generator {plugin} hasn't been updated to \
                 support editions yet.  Please ask the owner of this code generator to add \
                 support or switch back to proto2/proto3.\n\nSee \
                 https://protobuf.dev/editions/overview/ for more information.",
                file.name()
            );
            return false;
        }
        let minimum = response.minimum_edition.unwrap_or(0);
        let maximum = response.maximum_edition.unwrap_or(0);
        if edition < minimum {
            eprintln!(
                "{}: is a file using edition {}, which isn't supported by code generator \
                 {plugin}.  Please upgrade your file to at least edition {}.",
                file.name(),
                name(edition),
                name(minimum)
            );
            return false;
        }
        if edition > maximum {
            eprintln!(
                "{}: is a file using edition {}, which isn't supported by code generator \
                 {plugin}.  Please ask the owner of this code generator to add support or \
                 switch back to a maximum of edition {}.",
                file.name(),
                name(edition),
                name(maximum)
            );
            return false;
        }
    }
    true
}

/// Starts the plugin, writes the request, reads the response: protoc's
/// `Subprocess`, with its messages.
fn communicate(
    invocation: &Invocation,
    plugin: &str,
    request: &[u8],
) -> Result<CodeGeneratorResponse, String> {
    let program = match invocation.plugins.get(plugin) {
        // An exact name is not searched for on PATH.
        Some(path) if !path.contains('/') => format!("./{path}"),
        Some(path) => path.clone(),
        None => plugin.to_owned(),
    };
    let mut command = Command::new(&program);
    {
        use std::os::unix::process::CommandExt;
        command.arg0(
            invocation
                .plugins
                .get(plugin)
                .map_or(plugin, String::as_str),
        );
    }
    if invocation.codegen_trace {
        command.env("PROTOC_CODEGEN_TRACE", "yes");
    }
    let spawned = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn();
    let mut child = match spawned {
        Ok(child) => child,
        Err(_) => {
            eprintln!(
                "{program}: program not found or is not executable\nPlease specify a program \
                 using absolute path or make sure the program is available in your PATH \
                 system variable"
            );
            return Err("Plugin failed with status code 1.".to_owned());
        }
    };
    let mut stdin = child.stdin.take();
    let request = request.to_vec();
    // Written on a thread while the response is read, so that neither side
    // blocks on a full pipe.
    let writer = std::thread::spawn(move || {
        if let Some(stdin) = stdin.as_mut() {
            // A plugin that exits early closes the pipe; its status says why.
            let _ = stdin.write_all(&request);
        }
    });
    let mut output = Vec::new();
    if let Some(mut stdout) = child.stdout.take() {
        let _ = stdout.read_to_end(&mut output);
    }
    let _ = writer.join();
    let status = child.wait().map_err(|err| format!("waitpid: {err}"))?;
    if let Some(code) = status.code() {
        if code != 0 {
            return Err(format!("Plugin failed with status code {code}."));
        }
    } else {
        use std::os::unix::process::ExitStatusExt;
        let signal = status.signal().unwrap_or(0);
        return Err(format!("Plugin killed by signal {signal}."));
    }
    CodeGeneratorResponse::decode(output.as_slice())
        .map_err(|_| format!("Plugin output is unparseable: {}", c_escape(&output)))
}

/// Puts a response's files into `directory`: new files, and chunks for an
/// insertion point, indented like the line that holds it.
fn keep_files(
    plugin: &str,
    response: &CodeGeneratorResponse,
    directory: &mut OutputDirectory,
) -> Result<(), String> {
    let mut current: Option<String> = None;
    for file in &response.file {
        let content = file.content.clone().unwrap_or_default();
        let name = file.name.clone().filter(|n| !n.is_empty());
        let point = file.insertion_point.clone().filter(|p| !p.is_empty());
        match (name, point) {
            (Some(name), Some(point)) => {
                insert(directory, &name, &point, content);
                current = Some(name);
            }
            (Some(name), None) => {
                if directory.files.contains_key(&name) {
                    eprintln!("{name}: Tried to write the same file twice.");
                    directory.failed = true;
                } else {
                    directory.files.insert(name.clone(), content);
                }
                current = Some(name);
            }
            (None, _) => match &current {
                Some(name) => {
                    if let Some(text) = directory.files.get_mut(name) {
                        text.push_str(&content);
                    }
                }
                None => {
                    return Err(format!(
                        "{plugin}: First file chunk returned by plugin did not specify a file \
                         name."
                    ))
                }
            },
        }
    }
    Ok(())
}

/// protoc's insertion: before the line holding `@@protoc_insertion_point(point)`
/// (or right before an inline `/* @@protoc_insertion_point(point) */`),
/// every line indented as that line is.
fn insert(directory: &mut OutputDirectory, name: &str, point: &str, mut data: String) {
    if !data.is_empty() && !data.ends_with('\n') {
        data.push('\n');
    }
    let Some(target) = directory.files.get_mut(name) else {
        eprintln!("{name}: Tried to insert into file that doesn't exist.");
        directory.failed = true;
        return;
    };
    let magic = format!("@@protoc_insertion_point({point})");
    let Some(found) = target.find(&magic) else {
        eprintln!("{name}: insertion point \"{point}\" not found.");
        directory.failed = true;
        return;
    };
    let inline = found > 3 && target.get(found - 3..found - 1) == Some("/*");
    let at = if inline {
        found - 3
    } else {
        target[..found].rfind('\n').map_or(0, |newline| newline + 1)
    };
    let indent_len = target[at..]
        .find(|c| c != ' ' && c != '\t')
        .unwrap_or(target.len() - at);
    let indent = target[at..at + indent_len].to_owned();
    let mut text = String::with_capacity(data.len());
    for line in data.split_inclusive('\n') {
        text.push_str(&indent);
        text.push_str(line);
    }
    target.insert_str(at, &text);
}

/// Writes one output directory, as protoc does: it must exist, names may
/// not climb out of it, parent directories are made.
fn write_directory(
    location: &str,
    directory: &OutputDirectory,
    allow_escape: bool,
) -> Result<(), ()> {
    if directory.failed {
        return Err(());
    }
    let prefix = location;
    if !prefix.is_empty() && !Path::new(prefix).exists() {
        eprintln!("{prefix}: No such file or directory");
        return Err(());
    }
    for (name, content) in &directory.files {
        if !allow_escape && name.contains("..") {
            eprintln!(
                "Output file names must never have a relative path. ({name}). Use \
                 --unsafe_allow_out_dir_escape to disable this error if intentional."
            );
            return Err(());
        }
        let path = format!("{prefix}{name}");
        if let Some(parent) = Path::new(&path).parent() {
            if let Err(err) = std::fs::create_dir_all(parent) {
                eprintln!(
                    "{name}: while trying to create directory {}: {}",
                    parent.display(),
                    crate::compile::source_tree::os_error_text(&err)
                );
                return Err(());
            }
        }
        if let Err(err) = std::fs::write(&path, content) {
            eprintln!(
                "{path}: {}",
                crate::compile::source_tree::os_error_text(&err)
            );
            return Err(());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insertions_go_before_the_marker_line_with_its_indent() {
        let mut directory = OutputDirectory::default();
        directory.files.insert(
            "a.txt".into(),
            "top\n    // @@protoc_insertion_point(here)\nend\n".into(),
        );
        insert(&mut directory, "a.txt", "here", "one\ntwo".into());
        insert(&mut directory, "a.txt", "here", "three\n".into());
        assert_eq!(
            directory.files["a.txt"],
            "top\n    one\n    two\n    three\n    // @@protoc_insertion_point(here)\nend\n"
        );
        insert(&mut directory, "a.txt", "nowhere", "x".into());
        assert!(directory.failed);
    }

    #[test]
    fn inline_markers_take_the_text_right_before_them() {
        let mut directory = OutputDirectory::default();
        directory.files.insert(
            "b.txt".into(),
            "f(/* @@protoc_insertion_point(args) */);\n".into(),
        );
        insert(&mut directory, "b.txt", "args", "x".into());
        assert_eq!(
            directory.files["b.txt"],
            "f(x\n/* @@protoc_insertion_point(args) */);\n"
        );
    }
}
