//! protoc's own command line: `protoc-rs <protoc arguments>`, or the binary
//! run under the name `protoc`. It takes protoc 35's flags and behaves as
//! protoc 35 does: the same checks and messages, errors printed as protoc
//! prints them (`file:line:col: message`, or `--error_format=msvs`), exit
//! status 0 or 1. Build systems that run `$PROTOC` (prost-build, Makefiles,
//! Bazel rules) can point at protoc-rs unchanged.

mod args;
pub mod flags;
mod help;
mod outputs;

use std::ffi::OsString;
use std::io::{Read, Write};
use std::process::ExitCode;

use args::{ErrorFormat, Invocation, Mode, Parsed};

use crate::compile::{self, Compilation};
use crate::descriptors::{pb, SetOptions};
use crate::diagnostics::{render, Diagnostic, Severity};
use crate::source::SourceMap;

/// Runs protoc's command line; `argv` starts with the program name.
pub fn main(argv: Vec<OsString>) -> ExitCode {
    let mut args = Vec::with_capacity(argv.len());
    for arg in argv {
        match arg.into_string() {
            Ok(arg) => args.push(arg),
            Err(arg) => {
                eprintln!(
                    "{}: not valid UTF-8: protoc-rs reads arguments and file names as UTF-8 \
                     (descriptors store file names as UTF-8 strings)",
                    arg.to_string_lossy()
                );
                return ExitCode::from(1);
            }
        }
    }
    let executable = args.first().cloned().unwrap_or_else(|| "protoc".to_owned());
    match args::parse(&executable, args.get(1..).unwrap_or_default()) {
        Parsed::Exit(code) => ExitCode::from(code),
        Parsed::Run(invocation) => ExitCode::from(run(&invocation)),
    }
}

/// The run after the arguments: protoc's `Run`.
fn run(invocation: &Invocation) -> u8 {
    if invocation.mode == Mode::Decode && invocation.codec_type.is_empty() {
        return codec(invocation, None);
    }
    let options = compile::Options {
        include_paths: invocation.proto_paths.clone(),
        inputs: invocation.inputs.clone(),
        descriptor_sets: invocation.descriptor_set_in.clone(),
        protoc_include: std::env::var("PROTOC_INCLUDE").ok(),
    };
    let compilation = compile::compile(&options);
    let code = run_compiled(invocation, &compilation);
    // The process ends next: freeing the run's trees one allocation at a
    // time would only make it end later.
    std::mem::forget(compilation);
    code
}

fn run_compiled(invocation: &Invocation, compilation: &Compilation) -> u8 {
    for error in &compilation.run_errors {
        eprintln!("{}", error.protoc);
    }
    print_diagnostics(
        invocation.error_format,
        &compilation.sources,
        &compilation.diagnostics,
    );
    if compilation.has_errors() {
        return 1;
    }
    let warnings = compilation
        .diagnostics
        .iter()
        .any(|d| d.severity == Severity::Warning);
    let set = compilation.file_descriptor_set(SetOptions {
        include_imports: true,
        include_source_info: true,
        retain_options: true,
        given_json_names_only: false,
        codegen_source_info: false,
    });
    let by_name = |name: &str| set.file.iter().find(|f| f.name() == name);
    let inputs: Vec<&pb::FileDescriptorProto> = compilation
        .inputs
        .iter()
        .filter_map(|&id| by_name(compilation.sources.get(id).name()))
        .collect();
    if !input_checks(invocation, &inputs) {
        return 1;
    }
    let mut written = Vec::new();
    if !invocation.outputs.is_empty() {
        use crate::plugins::host;
        let settings = invocation.plugin_settings();
        let mut report = |message: String| eprint!("{message}");
        let Ok(generated) = host::generate(
            &invocation.directives(),
            &settings,
            compilation,
            &mut report,
        ) else {
            return 1;
        };
        if generated.check(&settings, &mut report).is_err() {
            return 1;
        }
        written = generated.output_paths();
        if generated
            .write(host::WriteMode::Always, &mut report)
            .is_err()
        {
            return 1;
        }
    }
    if let Some(path) = &invocation.dependency_out {
        if !outputs::write_dependency_file(invocation, compilation, path, &written) {
            return 1;
        }
    }
    if let Some(path) = &invocation.descriptor_set_out {
        let pieces = compilation.descriptor_set_pieces(SetOptions {
            include_imports: invocation.include_imports,
            include_source_info: invocation.include_source_info,
            retain_options: invocation.retain_options,
            given_json_names_only: false,
            codegen_source_info: false,
        });
        // As protoc: the file is opened and written, not staged.
        let pieces: Vec<&[u8]> = pieces.iter().map(Vec::as_slice).collect();
        let written = std::fs::File::create(path)
            .and_then(|mut file| compile::output::write_pieces(&mut file, &pieces));
        if let Err(err) = written {
            eprintln!("{path}: {}", compile::source_tree::os_error_text(&err));
            return 1;
        }
    }
    if matches!(invocation.mode, Mode::Encode | Mode::Decode) && codec(invocation, Some(&set)) != 0
    {
        return 1;
    }
    if invocation.fatal_warnings && warnings {
        return 1;
    }
    if invocation.mode == Mode::PrintFreeFields {
        for file in &inputs {
            outputs::print_free_field_numbers(file);
        }
    }
    0
}

/// protoc's checks of each command-line file once it is built:
/// `--disallow_services`, `--direct_dependencies`, `--option_dependencies`.
fn input_checks(invocation: &Invocation, inputs: &[&pb::FileDescriptorProto]) -> bool {
    for file in inputs {
        if invocation.disallow_services && !file.service.is_empty() {
            eprintln!(
                "{}: This file contains services, but --disallow_services was used.",
                file.name()
            );
            return false;
        }
        for (allowed, message, names) in [
            (
                &invocation.direct_dependencies,
                &invocation.direct_dependencies_violation_msg,
                &file.dependency,
            ),
            (
                &invocation.option_dependencies,
                &invocation.option_dependencies_violation_msg,
                &file.option_dependency,
            ),
        ] {
            let Some(allowed) = allowed else { continue };
            let mut violated = false;
            for name in names.iter().filter(|n| !allowed.contains(*n)) {
                eprintln!("{}: {}", file.name(), message.replace("%s", name));
                violated = true;
            }
            if violated {
                return false;
            }
        }
    }
    true
}

/// Prints diagnostics as protoc prints them, in `format`.
fn print_diagnostics(format: ErrorFormat, sources: &SourceMap, diagnostics: &[Diagnostic]) {
    // Buffered: standard error is not, and a line is written in pieces.
    let mut out = std::io::BufWriter::new(std::io::stderr().lock());
    // protoc's lines exactly: none that protoc stops before.
    for diagnostic in diagnostics.iter().filter(|d| !d.beyond_protoc) {
        let line = match format {
            ErrorFormat::Gcc => render::protoc_line(sources, diagnostic),
            ErrorFormat::Msvs => msvs_line(sources, diagnostic),
        };
        // A closed stderr must not change the outcome.
        let _ = writeln!(out, "{line}");
    }
    let _ = out.flush();
}

/// protoc's Visual Studio format: `path(line) : error in column=col: message`.
fn msvs_line(sources: &SourceMap, diagnostic: &Diagnostic) -> String {
    let file = sources.get(diagnostic.file());
    let path = diagnostic
        .protoc_path
        .as_deref()
        .unwrap_or_else(|| file.display_path());
    let kind = match diagnostic.severity {
        Severity::Warning => "warning",
        Severity::Error => "error",
    };
    let position = diagnostic.protoc_offset.map_or(String::new(), |offset| {
        let at = file.line_col(offset);
        format!("({}) : {kind} in column={}", at.line + 1, at.column + 1)
    });
    let warning = if diagnostic.severity == Severity::Warning {
        "warning: "
    } else {
        ""
    };
    format!("{path}{position}: {warning}{}", diagnostic.protoc_message)
}

/// A text parsing problem, as protoc's error printer shows one (the file is
/// called `input`).
fn text_error_line(format: ErrorFormat, error: &crate::textformat::TextError) -> String {
    let kind = if error.warning { "warning" } else { "error" };
    let position = match format {
        ErrorFormat::Gcc => format!(":{}:{}", error.line + 1, error.column + 1),
        ErrorFormat::Msvs => format!(
            "({}) : {kind} in column={}",
            error.line + 1,
            error.column + 1
        ),
    };
    let warning = if error.warning { "warning: " } else { "" };
    format!("input{position}: {warning}{}", error.message)
}

/// `--encode`, `--decode` and `--decode_raw` (with no set): standard input
/// to standard output.
fn codec(invocation: &Invocation, set: Option<&pb::FileDescriptorSet>) -> u8 {
    use crate::textformat;
    let mut input = Vec::new();
    if let Err(err) = std::io::stdin().lock().read_to_end(&mut input) {
        eprintln!("input: {}", compile::source_tree::os_error_text(&err));
        return 1;
    }
    let pool = set.map(|set| textformat::Pool::new(&set.file));
    if let Some(pool) = &pool {
        if !pool.contains_message(&invocation.codec_type) {
            eprintln!("Type not defined: {}", invocation.codec_type);
            return 1;
        }
    }
    let missing_required = |missing: &[String]| {
        if !missing.is_empty() {
            eprintln!(
                "warning:  Input message is missing required fields:  {}",
                missing.join(", ")
            );
        }
    };
    let output = match (invocation.mode, &pool) {
        (Mode::Encode, Some(pool)) => {
            let encode = if invocation.deterministic_output {
                textformat::encode_deterministic
            } else {
                textformat::encode
            };
            match encode(pool, &invocation.codec_type, &input) {
                Ok(encoded) => {
                    for warning in &encoded.warnings {
                        eprintln!("{}", text_error_line(invocation.error_format, warning));
                    }
                    missing_required(&encoded.missing_required);
                    encoded.bytes
                }
                Err(errors) => {
                    for error in &errors {
                        eprintln!("{}", text_error_line(invocation.error_format, error));
                    }
                    eprintln!("Failed to parse input.");
                    return 1;
                }
            }
        }
        (_, Some(pool)) => match textformat::decode(pool, &invocation.codec_type, &input) {
            Ok(decoded) => {
                missing_required(&decoded.missing_required);
                decoded.text.into_bytes()
            }
            Err(_) => {
                eprintln!("Failed to parse input.");
                return 1;
            }
        },
        (_, None) => match textformat::decode_raw(&input) {
            Ok(text) => text.into_bytes(),
            Err(_) => {
                eprintln!("Failed to parse input.");
                return 1;
            }
        },
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if out.write_all(&output).and_then(|()| out.flush()).is_err() {
        eprintln!("output: I/O error.");
        return 1;
    }
    0
}
