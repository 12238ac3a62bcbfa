//! What `build.rs` users call: the drop-in facades [`prost`] (prost-build's
//! API) and [`tonic`] (tonic-prost-build's), and the machinery they share.
//! Each facade keeps its crate's names, signatures and defaults and turns
//! them into one [`Settings`]; from there the run is the same: compile the
//! `.proto` files in-process (no protoc), hand prost-build's
//! `FileDescriptorSet` to the code generator, write what changed, and tell
//! cargo exactly what was read.
//!
//! What happens where prost-build runs protoc: diagnostics are printed on
//! stderr as rustc prints its own, each warning also as a
//! `cargo:warning=file:line:col: message` line, and the call returns an
//! `io::Error` naming the first error. `cargo:rerun-if-changed` names every
//! file read (the command-line files, their imports, descriptor sets; no
//! directories), `cargo:rerun-if-env-changed` every variable read.

pub mod prost;
pub mod tonic;

use std::io;
use std::path::{Path, PathBuf};

use ::prost::Message;

use crate::codegen::rust::{self as codegen, GeneratedFile, Services};
use crate::compile::{self, output, Compilation};
use crate::descriptors::SetOptions;
use crate::diagnostics::render::{self, ErrorFormat};
use crate::diagnostics::Severity;
use crate::pb;

/// The environment variables a run reads.
const PROTOC_INCLUDE: &str = "PROTOC_INCLUDE";

/// Everything a build-script run is asked to do.
#[derive(Clone, Debug)]
pub(crate) struct Settings {
    pub codegen: codegen::Config,
    pub out_dir: Option<PathBuf>,
    pub include_file: Option<PathBuf>,
    pub file_descriptor_set_path: Option<PathBuf>,
    pub skip_protoc_run: bool,
    pub skip_source_info: bool,
    pub protoc_args: Vec<String>,
    pub emit_rerun_if_changed: bool,
}

impl Settings {
    pub fn new(codegen: codegen::Config) -> Settings {
        Settings {
            codegen,
            out_dir: None,
            include_file: None,
            file_descriptor_set_path: None,
            skip_protoc_run: false,
            skip_source_info: false,
            protoc_args: Vec::new(),
            // As tonic-prost-build: on when cargo runs the build script.
            emit_rerun_if_changed: std::env::var_os("CARGO").is_some(),
        }
    }
}

fn error(kind: io::ErrorKind, message: impl Into<String>) -> io::Error {
    io::Error::new(kind, BuildError(message.into()))
}

/// A build-script error's message. A `build.rs` whose `main` returns the
/// error prints it with `Debug`: this one prints as its text, on one line,
/// not as an escaped string.
struct BuildError(String);

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::fmt::Debug for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BuildError {}

/// The output directory: the one configured, or `$OUT_DIR`; and whether it
/// came from the environment (the include file then names
/// `env!("OUT_DIR")`, as prost-build's does).
fn out_dir(settings: &Settings) -> io::Result<(PathBuf, bool)> {
    match &settings.out_dir {
        Some(dir) => Ok((dir.clone(), false)),
        None => std::env::var_os("OUT_DIR")
            .map(|dir| (PathBuf::from(dir), true))
            .ok_or_else(|| io::Error::other("OUT_DIR environment variable is not set")),
    }
}

/// The `protoc_arg`s protoc-rs understands: include paths, descriptor
/// sets, and flags that change nothing here; anything else is an error
/// naming it.
#[derive(Default)]
struct ProtocArgs {
    include_paths: Vec<String>,
    descriptor_sets: Vec<String>,
    fatal_warnings: bool,
    retain_options: bool,
}

fn protoc_args(args: &[String]) -> io::Result<ProtocArgs> {
    let mut out = ProtocArgs::default();
    let mut i = 0;
    while i < args.len() {
        let arg = args[i].as_str();
        let value = |prefix: &str| arg.strip_prefix(prefix).map(str::to_owned);
        let next = || args.get(i + 1).cloned();
        if arg == "-I" || arg == "--proto_path" || arg == "--descriptor_set_in" {
            let Some(value) = next() else {
                return Err(error(
                    io::ErrorKind::InvalidInput,
                    format!("protoc_arg `{arg}` needs a value (the next protoc_arg)"),
                ));
            };
            if arg == "--descriptor_set_in" {
                out.descriptor_sets
                    .extend(compile::source_tree::split_path_list(&value));
            } else {
                out.include_paths.push(value);
            }
            i += 2;
            continue;
        }
        if let Some(path) = value("--proto_path=").or_else(|| value("-I")) {
            out.include_paths.push(path);
        } else if let Some(sets) = value("--descriptor_set_in=") {
            out.descriptor_sets
                .extend(compile::source_tree::split_path_list(&sets));
        } else {
            match arg {
                "--fatal_warnings" => out.fatal_warnings = true,
                "--retain_options" => out.retain_options = true,
                // What prost-build asks of protoc anyway, or what protoc 35
                // ignores.
                "--experimental_allow_proto3_optional"
                | "--include_imports"
                | "--include_source_info" => {}
                _ => {
                    return Err(error(
                        io::ErrorKind::InvalidInput,
                        format!(
                            "protoc_arg `{arg}`: protoc-rs runs no protoc and does not support \
                             this flag in a build script (supported: -I/--proto_path, \
                             --descriptor_set_in, --fatal_warnings, --retain_options, \
                             --experimental_allow_proto3_optional)"
                        ),
                    ))
                }
            }
        }
        i += 1;
    }
    Ok(out)
}

/// prost-build's `load_fds`: the descriptor set of `protos` with their
/// imports and, unless `skip_source_info`, their source info; written to
/// `file_descriptor_set_path` when one is set. With `skip_protoc_run`, the
/// set is read from that path instead.
pub(crate) fn load_fds<P: AsRef<Path>>(
    settings: &Settings,
    protos: &[P],
    includes: &[P],
) -> io::Result<Vec<u8>> {
    if settings.skip_protoc_run {
        let Some(path) = &settings.file_descriptor_set_path else {
            return Err(io::Error::other(
                "file_descriptor_set_path is required with skip_protoc_run",
            ));
        };
        if settings.emit_rerun_if_changed {
            println!("cargo:rerun-if-changed={}", path.display());
        }
        let bytes = std::fs::read(path).map_err(|e| {
            error(
                e.kind(),
                format!(
                    "unable to open file_descriptor_set_path: {}, OS: {e}",
                    path.display()
                ),
            )
        })?;
        pb::FileDescriptorSet::decode(bytes.as_slice()).map_err(|e| {
            error(
                io::ErrorKind::InvalidInput,
                format!("invalid FileDescriptorSet: {e}"),
            )
        })?;
        return Ok(bytes);
    }
    let extra = protoc_args(&settings.protoc_args)?;
    let path_text = |p: &P| p.as_ref().to_string_lossy().into_owned();
    // prost-build passes only include directories that exist.
    let mut include_paths: Vec<String> = includes
        .iter()
        .filter(|p| p.as_ref().exists())
        .map(path_text)
        .collect();
    include_paths.extend(extra.include_paths.iter().cloned());
    let protoc_include = std::env::var(PROTOC_INCLUDE).ok();
    let compilation = compile::compile(&compile::Options {
        include_paths,
        inputs: protos.iter().map(path_text).collect(),
        descriptor_sets: extra.descriptor_sets.clone(),
        protoc_include,
    });
    if settings.emit_rerun_if_changed {
        emit_rerun_lines(&compilation);
    }
    report(&compilation, extra.fatal_warnings)?;
    let bytes = compilation.descriptor_set_with(SetOptions {
        include_imports: true,
        include_source_info: !settings.skip_source_info,
        retain_options: extra.retain_options,
        given_json_names_only: false,
        codegen_source_info: false,
    });
    if let Some(path) = &settings.file_descriptor_set_path {
        std::fs::write(path, &bytes)?;
    }
    // The process ends soon after a build script's call: freeing the run's
    // trees one allocation at a time would only make it end later.
    std::mem::forget(compilation);
    Ok(bytes)
}

/// The files cargo must watch, and the variables.
fn emit_rerun_lines(compilation: &Compilation) {
    let mut paths = compilation.disk_paths();
    paths.sort();
    paths.dedup();
    for path in paths {
        println!("cargo:rerun-if-changed={path}");
    }
    println!("cargo:rerun-if-env-changed={PROTOC_INCLUDE}");
}

/// Prints the run's diagnostics and turns errors into an `io::Error`
/// naming the first one.
fn report(compilation: &Compilation, fatal_warnings: bool) -> io::Result<()> {
    // Buffered, as standard error is not; `compile::report` flushes it.
    let mut stderr = codespan_reporting::term::termcolor::BufferedStandardStream::stderr(
        codespan_reporting::term::termcolor::ColorChoice::Never,
    );
    // A closed stderr must not change the outcome.
    let _ = compile::report(&mut stderr, compilation, ErrorFormat::Human);
    for warning in compilation
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
    {
        println!(
            "cargo:warning={}",
            render::protoc_line(&compilation.sources, warning)
        );
    }
    let warned = compilation
        .diagnostics
        .iter()
        .any(|d| d.severity == Severity::Warning);
    let failed = compilation.has_errors() || (fatal_warnings && warned);
    if !failed {
        return Ok(());
    }
    let first = compilation
        .run_errors
        .first()
        .map(|e| e.protoc.clone())
        .or_else(|| {
            compilation
                .diagnostics
                .iter()
                .find(|d| d.is_error() || fatal_warnings)
                .map(|d| render::protoc_line(&compilation.sources, d))
        })
        .unwrap_or_default();
    Err(error(
        io::ErrorKind::InvalidData,
        format!("protoc-rs could not compile the .proto files: {first}"),
    ))
}

/// prost-build's `generate`: the Rust code of a set, module by module.
pub(crate) fn generate(
    settings: &Settings,
    set_bytes: &[u8],
    services: Services<'_>,
) -> io::Result<Vec<GeneratedFile>> {
    let set = pb::FileDescriptorSet::decode(set_bytes).map_err(|e| {
        error(
            io::ErrorKind::InvalidInput,
            format!("invalid FileDescriptorSet: {e}"),
        )
    })?;
    settings
        .codegen
        .validate()
        .map_err(|m| error(io::ErrorKind::InvalidInput, m))?;
    // Only editions files can have these; cargo shows them to the user.
    for warning in codegen::feature_warnings(&set.file) {
        let (line, column) = warning.position.unwrap_or_default();
        println!(
            "cargo:warning={}:{}:{}: {}",
            warning.file,
            line + 1,
            column + 1,
            warning.message
        );
    }
    codegen::generate(&set.file, &settings.codegen, services).map_err(|errors| {
        // Every error on stderr, the first in the returned error's one line.
        for e in &errors {
            eprintln!("error: {}: {}", e.file, e.message);
        }
        let first = errors
            .first()
            .map(|e| format!("{}: {}", e.file, e.message))
            .unwrap_or_default();
        let more = match errors.len() {
            0 | 1 => String::new(),
            n => format!(" (and {} more)", n - 1),
        };
        error(
            io::ErrorKind::InvalidData,
            format!("protoc-rs could not generate Rust code: {first}{more}"),
        )
    })
}

/// prost-build's `compile_fds`: generates and writes the modules, and the
/// include file when one is asked for.
pub(crate) fn compile_fds(
    settings: &Settings,
    set_bytes: &[u8],
    services: Services<'_>,
) -> io::Result<()> {
    let (dir, from_env) = out_dir(settings)?;
    let mut files = generate(settings, set_bytes, services)?;
    if let Some(name) = &settings.include_file {
        let content = codegen::include_file_with(&files, settings.codegen.header, from_env);
        files.push(GeneratedFile {
            name: name.to_string_lossy().into_owned(),
            module: Vec::new(),
            content,
        });
    }
    output::write_files(&dir, &files)?;
    Ok(())
}

/// A `prost_types::FileDescriptorSet` as the bytes the pipeline reads.
pub(crate) fn encode_fds(fds: &prost_types::FileDescriptorSet) -> Vec<u8> {
    fds.encode_to_vec()
}

/// The bytes of a set as `prost_types`, as prost-build's `load_fds`
/// returns it.
pub(crate) fn decode_fds(bytes: &[u8]) -> io::Result<prost_types::FileDescriptorSet> {
    prost_types::FileDescriptorSet::decode(bytes).map_err(|e| {
        error(
            io::ErrorKind::InvalidInput,
            format!("invalid FileDescriptorSet: {e}"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protoc_args_protoc_rs_can_honour_are_taken() {
        let args: Vec<String> = ["-Ia", "--proto_path=b", "-I", "c", "--fatal_warnings"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        let parsed = protoc_args(&args).unwrap();
        assert_eq!(parsed.include_paths, ["a", "b", "c"]);
        assert!(parsed.fatal_warnings);
        let unsupported = protoc_args(&["--cpp_out=x".to_owned()]).err().unwrap();
        assert!(
            unsupported.to_string().contains("`--cpp_out=x`"),
            "{unsupported}"
        );
        assert!(protoc_args(&["--experimental_allow_proto3_optional".to_owned()]).is_ok());
    }
}
