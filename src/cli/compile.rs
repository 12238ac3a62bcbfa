//! `protoc-rs compile [OPTIONS] FILES...`: protoc-rs's own command line,
//! with rustc-style diagnostics, accepting protoc's flag spellings (`-I`,
//! `--proto_path`, `--descriptor_set_out`, ...) and `@FILE` argument files.
//!
//! Exit codes: 0 success (warnings allowed), 1 errors in the input, 2 bad
//! usage.

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use codespan_reporting::term::termcolor::{BufferedStandardStream, ColorChoice};

use crate::compile::{self, report, Compilation};
use crate::diagnostics::render::{self, ErrorFormat};
use crate::diagnostics::Code;

const EXIT_INPUT_ERRORS: u8 = 1;
const EXIT_USAGE: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "protoc-rs",
    version,
    about = "A protobuf compiler written in Rust"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Parse and check .proto files, and write what the options ask for.
    Compile(CompileArgs),
}

#[derive(Debug, Args)]
pub struct CompileArgs {
    /// A directory to search for imports, in order; `VIRTUAL=DIR` and
    /// `DIR1:DIR2` work as in protoc. Defaults to the current directory.
    #[arg(
        short = 'I',
        long = "proto-path",
        visible_alias = "proto_path",
        value_name = "DIR"
    )]
    pub proto_path: Vec<String>,

    /// Write a FileDescriptorSet to FILE.
    #[arg(
        short = 'o',
        long = "descriptor-set-out",
        visible_alias = "descriptor_set_out",
        value_name = "FILE"
    )]
    pub descriptor_set_out: Option<PathBuf>,

    /// Put every imported file in the descriptor set too.
    #[arg(long = "include-imports", visible_alias = "include_imports")]
    pub include_imports: bool,

    /// Keep comments and source positions in the descriptor set.
    #[arg(long = "include-source-info", visible_alias = "include_source_info")]
    pub include_source_info: bool,

    /// Keep options with source retention in the descriptor set.
    #[arg(long = "retain-options", visible_alias = "retain_options")]
    pub retain_options: bool,

    /// Write Rust code (prost messages, tonic services) into DIR.
    #[arg(long = "rust-out", visible_alias = "rust_out", value_name = "DIR")]
    pub rust_out: Option<PathBuf>,

    /// With --rust-out: also write FILE, which includes every generated
    /// file in modules named after the packages.
    #[arg(long = "include-file", value_name = "FILE")]
    pub include_file: Option<String>,

    /// With --rust-out: use RUST_PATH for PROTO_PATH (`.pkg=::crate::pkg`).
    #[arg(long = "extern-path", value_name = "PROTO_PATH=RUST_PATH")]
    pub extern_path: Vec<String>,

    /// With --rust-out: add ATTRIBUTE to types matching PATH.
    #[arg(long = "type-attribute", value_name = "PATH=ATTRIBUTE")]
    pub type_attribute: Vec<String>,

    /// With --rust-out: map fields matching PATH as BTreeMap.
    #[arg(long = "btree-map", value_name = "PATH")]
    pub btree_map: Vec<String>,

    /// With --rust-out: bytes fields matching PATH as bytes::Bytes.
    #[arg(long = "bytes", value_name = "PATH")]
    pub bytes: Vec<String>,

    /// With --rust-out: no tonic servers.
    #[arg(long = "no-server")]
    pub no_server: bool,

    /// With --rust-out: no tonic clients.
    #[arg(long = "no-client")]
    pub no_client: bool,

    /// How to print diagnostics.
    #[arg(
        long = "error-format",
        visible_alias = "error_format",
        value_enum,
        default_value_t = ErrorFormat::Human
    )]
    pub error_format: ErrorFormat,

    /// Read imports (and FILES) from these FileDescriptorSets too, after
    /// the include paths; `:`-separated as in protoc.
    #[arg(
        long = "descriptor-set-in",
        visible_alias = "descriptor_set_in",
        value_name = "FILES"
    )]
    pub descriptor_set_in: Vec<String>,

    /// The .proto files to compile.
    #[arg(required = true, value_name = "FILES")]
    pub files: Vec<String>,
}

/// Expands `@FILE` arguments into the lines of FILE, as protoc does: one
/// argument per line, empty lines ignored.
pub fn expand_argument_files(args: Vec<OsString>) -> Result<Vec<OsString>, String> {
    let mut expanded = Vec::with_capacity(args.len());
    for (position, arg) in args.into_iter().enumerate() {
        let path = arg
            .to_str()
            .filter(|s| position > 0 && s.len() > 1)
            .and_then(|s| s.strip_prefix('@'));
        match path {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|err| format!("cannot read argument file `{path}`: {err}"))?;
                expanded.extend(
                    text.lines()
                        .map(|line| line.strip_suffix('\r').unwrap_or(line))
                        .filter(|line| !line.is_empty())
                        .map(OsString::from),
                );
            }
            None => expanded.push(arg),
        }
    }
    Ok(expanded)
}

/// The plugins a `compile` command line asks for: protoc's `--NAME_out`,
/// `--NAME_opt` and `--plugin` flags, which clap does not know.
#[derive(Debug, Default)]
pub struct PluginArgs {
    pub directives: Vec<crate::plugins::host::Directive>,
    pub settings: crate::plugins::host::Settings,
}

/// Takes protoc's plugin flags out of `args`, leaving clap the rest: every
/// `--NAME_out`, `--NAME_opt` (value after `=` or in the next argument)
/// and `--plugin` that is not one of `compile`'s own flags. Parameters are
/// joined as protoc joins them.
pub fn take_plugin_args(args: Vec<OsString>) -> Result<(Vec<OsString>, PluginArgs), String> {
    use crate::plugins::host::Directive;
    use clap::CommandFactory;
    let command = Cli::command();
    let known: Vec<String> = command
        .find_subcommand("compile")
        .map(|c| {
            c.get_arguments()
                .flat_map(|a| {
                    a.get_long()
                        .into_iter()
                        .chain(a.get_all_aliases().unwrap_or_default())
                        .map(|l| format!("--{l}"))
                        .collect::<Vec<_>>()
                })
                .collect()
        })
        .unwrap_or_default();
    let mut rest = Vec::with_capacity(args.len());
    let mut outputs: Vec<(String, String)> = Vec::new();
    let mut options: Vec<(String, String)> = Vec::new();
    let mut plugins = PluginArgs::default();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let Some(text) = arg.to_str().filter(|t| t.starts_with("--")) else {
            rest.push(arg);
            continue;
        };
        let (name, inline) = match text.split_once('=') {
            Some((name, value)) => (name.to_owned(), Some(value.to_owned())),
            None => (text.to_owned(), None),
        };
        let is_plugin_flag = name == "--plugin"
            || ((name.ends_with("_out") || name.ends_with("_opt")) && name.len() > 6);
        if !is_plugin_flag || known.contains(&name) {
            rest.push(arg);
            continue;
        }
        let value = match inline {
            Some(value) => value,
            None => args
                .next()
                .and_then(|v| v.into_string().ok())
                .ok_or_else(|| format!("{name} wants a value"))?,
        };
        if name == "--plugin" {
            let (plugin, path) = match value.split_once('=') {
                Some((plugin, path)) => (plugin.to_owned(), path.to_owned()),
                None => {
                    let stem = value.rsplit('/').next().unwrap_or(&value).to_owned();
                    (stem, value.clone())
                }
            };
            plugins.settings.executables.insert(plugin, path);
        } else if name.ends_with("_out") {
            outputs.push((name, value));
        } else {
            options.push((name, value));
        }
    }
    for (flag, _) in &options {
        let plugin = Directive::plugin_name_of(flag);
        if !outputs
            .iter()
            .any(|(o, _)| Directive::plugin_name_of(o) == plugin)
        {
            return Err(format!(
                "{flag} has no {} to go with",
                flag.replace("_opt", "_out")
            ));
        }
    }
    for (flag, value) in outputs {
        let (mut parameter, location) = match value.split_once(':') {
            Some((parameter, location)) => (parameter.to_owned(), location.to_owned()),
            None => (String::new(), value),
        };
        let plugin = Directive::plugin_name_of(&flag);
        for (option, more) in &options {
            if Directive::plugin_name_of(option) == plugin && !more.is_empty() {
                if !parameter.is_empty() {
                    parameter.push(',');
                }
                parameter.push_str(more);
            }
        }
        plugins.directives.push(Directive {
            flag,
            parameter,
            location,
        });
    }
    Ok((rest, plugins))
}

/// Runs `protoc-rs compile ...`; `args` starts with the program name.
pub fn main(args: Vec<OsString>) -> ExitCode {
    let args = match expand_argument_files(args) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let (args, plugins) = match take_plugin_args(args) {
        Ok(split) => split,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(err) => {
            // clap prints help and version to stdout with exit code 0.
            let _ = err.print();
            return ExitCode::from(err.exit_code() as u8);
        }
    };
    match cli.command {
        Command::Compile(args) => compile_command(&args, &plugins),
    }
}

/// Standard error through a buffer: a large run's warnings are rendered in
/// many small pieces (googleapis: 55,688 writes unbuffered). Whoever writes
/// through it flushes before anything else reaches standard error.
pub(super) fn stderr() -> BufferedStandardStream {
    let choice = if std::io::stderr().is_terminal() {
        ColorChoice::Auto
    } else {
        ColorChoice::Never
    };
    BufferedStandardStream::stderr(choice)
}

fn compile_command(args: &CompileArgs, plugins: &PluginArgs) -> ExitCode {
    let options = compile::Options {
        include_paths: args.proto_path.clone(),
        inputs: args.files.clone(),
        descriptor_sets: args
            .descriptor_set_in
            .iter()
            .flat_map(|value| crate::compile::source_tree::split_path_list(value))
            .collect(),
        protoc_include: std::env::var("PROTOC_INCLUDE").ok(),
    };
    let mut compilation = compile::compile(&options);
    let code = report_and_write(args, plugins, &mut compilation);
    // The process ends next: freeing the run's trees and tables one
    // allocation at a time would only make it end later.
    std::mem::forget(compilation);
    code
}

/// Prints the diagnostics of `compilation`, then writes what `args` ask
/// for, if it has no errors.
fn report_and_write(
    args: &CompileArgs,
    plugins: &PluginArgs,
    compilation: &mut Compilation,
) -> ExitCode {
    let mut out = stderr();
    let format = args.error_format;
    // An error about the run, in the run's error format.
    let run_error = |code: Code, file: &str, message: String, protoc: String| {
        eprintln!(
            "{}",
            render::run_error_line(
                format,
                code,
                (!file.is_empty()).then_some(file),
                &message,
                &protoc
            )
        );
    };
    // A closed stderr must not turn a successful compile into a failure.
    let _ = report(&mut out, compilation, args.error_format);
    if compilation.has_errors() {
        return ExitCode::from(EXIT_INPUT_ERRORS);
    }
    // Everything is generated before anything is written.
    let rust_files = match &args.rust_out {
        Some(_) => match rust_files(args, compilation) {
            Ok((files, warnings)) => {
                let _ = render::emit(&mut out, &compilation.sources, &warnings, args.error_format);
                let _ = out.flush();
                Some(files)
            }
            Err(Failure::Usage(message)) => {
                run_error(Code::InvalidArgument, "", message.clone(), message);
                return ExitCode::from(EXIT_USAGE);
            }
            Err(Failure::Input(diagnostics)) => {
                let _ = render::emit(
                    &mut out,
                    &compilation.sources,
                    &diagnostics,
                    args.error_format,
                );
                let _ = out.flush();
                return ExitCode::from(EXIT_INPUT_ERRORS);
            }
        },
        None => None,
    };
    // protoc's messages, one per line; its bare `--NAME_out: ` after a
    // reported problem says nothing more.
    let mut report = |message: String| {
        for line in message.lines() {
            if !line.ends_with("_out: ") {
                run_error(Code::GeneratorFailed, "", line.to_owned(), line.to_owned());
            }
        }
    };
    let plugin_files = match run_plugins(plugins, compilation, &mut report) {
        Ok(generated) => generated,
        Err(_) => return ExitCode::from(EXIT_INPUT_ERRORS),
    };
    // Every output of the run, written all together or not at all.
    // Each output's content in pieces (a descriptor set's are its files).
    let mut outputs: Vec<(PathBuf, Vec<Vec<u8>>)> = Vec::new();
    if let Some(path) = &args.descriptor_set_out {
        let pieces = compilation.descriptor_set_pieces(crate::descriptors::SetOptions {
            include_imports: args.include_imports,
            include_source_info: args.include_source_info,
            retain_options: args.retain_options,
            given_json_names_only: false,
            codegen_source_info: false,
        });
        outputs.push((path.clone(), pieces));
    }
    if let (Some(dir), Some(files)) = (&args.rust_out, rust_files) {
        outputs.extend(
            files
                .into_iter()
                .map(|file| (dir.join(&file.name), vec![file.content.into_bytes()])),
        );
    }
    if let Some(generated) = plugin_files {
        outputs.extend(
            generated
                .into_outputs()
                .into_iter()
                .map(|(path, content)| (path, vec![content])),
        );
    }
    let pieces: Vec<Vec<&[u8]>> = outputs
        .iter()
        .map(|(_, pieces)| pieces.iter().map(Vec::as_slice).collect())
        .collect();
    let borrowed: Vec<(PathBuf, compile::output::Content<'_>)> = outputs
        .iter()
        .zip(&pieces)
        .map(|((path, _), pieces)| (path.clone(), pieces.as_slice()))
        .collect();
    if let Err(error) =
        compile::output::write_all_pieces(&borrowed, compile::output::WriteMode::IfChanged)
    {
        let path = error.path.display().to_string();
        let line = error.to_string();
        run_error(Code::CannotWriteOutput, &path, line.clone(), line);
        return ExitCode::from(EXIT_INPUT_ERRORS);
    }
    ExitCode::SUCCESS
}

/// Runs the plugins the command line names and checks where their files
/// go, writing nothing yet.
fn run_plugins(
    plugins: &PluginArgs,
    compilation: &Compilation,
    report: &mut dyn FnMut(String),
) -> Result<Option<crate::plugins::host::Generated>, crate::plugins::host::Failed> {
    use crate::plugins::host;
    if plugins.directives.is_empty() {
        return Ok(None);
    }
    let generated = host::generate(&plugins.directives, &plugins.settings, compilation, report)?;
    generated.check(&plugins.settings, report)?;
    Ok(Some(generated))
}

/// Why Rust code could not be generated.
enum Failure {
    Usage(String),
    Input(Vec<crate::diagnostics::Diagnostic>),
}

/// The Rust files `--rust-out` asks for, the include file included, with
/// warnings about features prost cannot honour.
fn rust_files(
    args: &CompileArgs,
    compilation: &mut Compilation,
) -> Result<
    (
        Vec<crate::codegen::rust::GeneratedFile>,
        Vec<crate::diagnostics::Diagnostic>,
    ),
    Failure,
> {
    let config = codegen_config(args).map_err(Failure::Usage)?;
    let tonic = crate::codegen::rust::TonicOptions {
        build_server: !args.no_server,
        build_client: !args.no_client,
        ..Default::default()
    };
    let services = if tonic.build_client || tonic.build_server {
        crate::codegen::rust::Services::Tonic(&tonic)
    } else {
        crate::codegen::rust::Services::None
    };
    // Like prost-build, the code of every import too.
    let (mut files, warnings) = compilation
        .rust_code(&config, services)
        .map_err(Failure::Input)?;
    if let Some(name) = &args.include_file {
        let content = crate::codegen::rust::include_file(&files);
        files.push(crate::codegen::rust::GeneratedFile {
            name: name.clone(),
            module: Vec::new(),
            content,
        });
    }
    Ok((files, warnings))
}

/// The code generation settings the flags ask for.
fn codegen_config(args: &CompileArgs) -> Result<crate::codegen::rust::Config, String> {
    let pair = |flag: &str, text: &str| {
        text.split_once('=')
            .map(|(a, b)| (a.to_owned(), b.to_owned()))
            .ok_or_else(|| format!("--{flag} wants PATH=VALUE, got `{text}`"))
    };
    let mut config = crate::codegen::rust::Config::rust_out();
    config.extern_paths = args
        .extern_path
        .iter()
        .map(|t| pair("extern-path", t))
        .collect::<Result<_, _>>()?;
    for text in &args.type_attribute {
        config.type_attributes.push(pair("type-attribute", text)?);
    }
    config.btree_map = args.btree_map.clone();
    config.bytes = args.bytes.clone();
    config.validate()?;
    Ok(config)
}
