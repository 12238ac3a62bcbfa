//! protoc's argument rules, as protoc 35 applies them: how a flag and its
//! value are split, which flags take no value, what each flag accepts, and
//! the checks across flags, each failure in protoc's words.

use std::collections::{BTreeMap, HashSet};

use super::{flags, help};
use crate::compile::source_tree;

/// What the run does besides compiling.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Mode {
    Compile,
    Encode,
    Decode,
    PrintFreeFields,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ErrorFormat {
    Gcc,
    Msvs,
}

/// A `--NAME_out=[PARAMETER:]DIR` for a plugin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct OutputDirective {
    /// The flag, `--NAME_out`.
    pub name: String,
    pub parameter: String,
    pub location: String,
}

/// Everything the arguments ask for.
#[derive(Debug)]
pub(super) struct Invocation {
    pub executable: String,
    /// `-I` values as given (each may hold several directories).
    pub proto_paths: Vec<String>,
    pub inputs: Vec<String>,
    pub descriptor_set_in: Vec<String>,
    pub descriptor_set_out: Option<String>,
    pub dependency_out: Option<String>,
    pub include_imports: bool,
    pub include_source_info: bool,
    pub retain_options: bool,
    pub mode: Mode,
    /// The message type of `--encode`/`--decode`; empty for `--decode_raw`.
    pub codec_type: String,
    pub deterministic_output: bool,
    pub error_format: ErrorFormat,
    pub fatal_warnings: bool,
    pub disallow_services: bool,
    pub experimental_editions: bool,
    pub unsafe_allow_out_dir_escape: bool,
    /// `--enable_codegen_trace`: plugins get `PROTOC_CODEGEN_TRACE=yes`.
    pub codegen_trace: bool,
    pub direct_dependencies: Option<HashSet<String>>,
    pub direct_dependencies_violation_msg: String,
    pub option_dependencies: Option<HashSet<String>>,
    pub option_dependencies_violation_msg: String,
    pub outputs: Vec<OutputDirective>,
    /// `--plugin` executables by plugin name (`protoc-gen-NAME`).
    pub plugins: BTreeMap<String, String>,
    /// `--NAME_opt` values by plugin name, joined with `,`.
    pub plugin_parameters: BTreeMap<String, String>,
}

impl Invocation {
    /// The plugin runs, in command-line order: each `--NAME_out`'s
    /// parameter, then every `--NAME_opt`, joined with `,` as protoc joins
    /// them.
    pub(super) fn directives(&self) -> Vec<crate::plugins::host::Directive> {
        self.outputs
            .iter()
            .map(|output| {
                let mut parameter = output.parameter.clone();
                let takes_options = crate::plugins::builtin::generator_of(&output.name)
                    .is_none_or(crate::plugins::builtin::takes_option_flag);
                if let Some(more) = self
                    .plugin_parameters
                    .get(&plugin_name(&output.name))
                    .filter(|p| takes_options && !p.is_empty())
                {
                    if !parameter.is_empty() {
                        parameter.push(',');
                    }
                    parameter.push_str(more);
                }
                crate::plugins::host::Directive {
                    flag: output.name.clone(),
                    parameter,
                    location: output.location.clone(),
                }
            })
            .collect()
    }

    /// How the host finds and runs plugins.
    pub(super) fn plugin_settings(&self) -> crate::plugins::host::Settings {
        crate::plugins::host::Settings {
            executables: self.plugins.clone(),
            codegen_trace: self.codegen_trace,
            allow_out_dir_escape: self.unsafe_allow_out_dir_escape,
        }
    }
}

/// How parsing the arguments ended.
pub(super) enum Parsed {
    Run(Box<Invocation>),
    /// Done (help, version, notices: 0) or failed (1), messages printed.
    Exit(u8),
}

const DEFAULT_DIRECT_VIOLATION: &str =
    "File is imported but not declared in --direct_dependencies: %s";
const DEFAULT_OPTION_VIOLATION: &str =
    "File is option imported but not declared in --option_dependencies: %s";

/// The flags that never take a value: every other flag takes the next
/// argument when it has no `=value`.
const NO_VALUE_FLAGS: &[&str] = &[
    "-h",
    "--help",
    "--disallow_services",
    "--include_imports",
    "--include_source_info",
    "--retain_options",
    "--version",
    "--decode_raw",
    "--notices",
    "--experimental_editions",
    "--print_free_field_numbers",
    "--experimental_allow_proto3_optional",
    "--deterministic_output",
    "--unsafe_allow_out_dir_escape",
    "--fatal_warnings",
];

/// `protoc-gen-NAME` for a `--NAME_out` or `--NAME_opt` flag.
pub(super) fn plugin_name(flag: &str) -> String {
    crate::plugins::host::Directive::plugin_name_of(flag)
}

/// Splits one argument into a flag name and value. Returns whether the
/// next argument is the value.
fn split_argument(arg: &str) -> (String, String, bool) {
    if !arg.starts_with('-') || arg == "-" {
        // A file name ("-" too: protoc then fails to find it).
        return (String::new(), arg.to_owned(), false);
    }
    if let Some(rest) = arg.strip_prefix("--") {
        return match rest.split_once('=') {
            Some((name, value)) => (format!("--{name}"), value.to_owned(), false),
            None => (
                arg.to_owned(),
                String::new(),
                !NO_VALUE_FLAGS.contains(&arg),
            ),
        };
    }
    // One dash: a one-letter name, the rest is the value.
    let split = arg.char_indices().nth(2).map_or(arg.len(), |(i, _)| i);
    let (name, value) = arg.split_at(split);
    let wants_next = value.is_empty() && !NO_VALUE_FLAGS.contains(&name);
    (name.to_owned(), value.to_owned(), wants_next)
}

/// Expands `@FILE` arguments: each line of FILE is one argument, as protoc
/// reads it (no shell expansion, empty lines kept).
pub(super) fn expand_argument_files(args: &[String]) -> Result<Vec<String>, String> {
    let mut out = Vec::with_capacity(args.len());
    for arg in args {
        match arg.strip_prefix('@') {
            Some(path) => {
                let text = std::fs::read(path)
                    .map_err(|_| format!("Failed to open argument file: {path}"))?;
                let text = String::from_utf8_lossy(&text);
                let mut lines: Vec<&str> = text.split('\n').collect();
                if text.ends_with('\n') {
                    lines.pop();
                }
                out.extend(lines.into_iter().map(str::to_owned));
            }
            None => out.push(arg.clone()),
        }
    }
    Ok(out)
}

/// Parses protoc's arguments (`argv` without the program name).
pub(super) fn parse(executable: &str, argv: &[String]) -> Parsed {
    let arguments = match expand_argument_files(argv) {
        Ok(arguments) => arguments,
        Err(message) => {
            eprintln!("{message}");
            return Parsed::Exit(1);
        }
    };
    if arguments.is_empty() {
        help::print(executable);
        return Parsed::Exit(0);
    }
    let mut invocation = Invocation {
        executable: executable.to_owned(),
        proto_paths: Vec::new(),
        inputs: Vec::new(),
        descriptor_set_in: Vec::new(),
        descriptor_set_out: None,
        dependency_out: None,
        include_imports: false,
        include_source_info: false,
        retain_options: false,
        mode: Mode::Compile,
        codec_type: String::new(),
        deterministic_output: false,
        error_format: ErrorFormat::Gcc,
        fatal_warnings: false,
        disallow_services: false,
        experimental_editions: false,
        unsafe_allow_out_dir_escape: false,
        codegen_trace: false,
        direct_dependencies: None,
        direct_dependencies_violation_msg: DEFAULT_DIRECT_VIOLATION.to_owned(),
        option_dependencies: None,
        option_dependencies_violation_msg: DEFAULT_OPTION_VIOLATION.to_owned(),
        outputs: Vec::new(),
        plugins: BTreeMap::new(),
        plugin_parameters: BTreeMap::new(),
    };
    let mut i = 0;
    while i < arguments.len() {
        let (name, mut value, wants_next) = split_argument(&arguments[i]);
        if wants_next {
            match arguments.get(i + 1) {
                Some(next) if !next.starts_with('-') => {
                    value = next.clone();
                    i += 1;
                }
                _ => {
                    eprintln!("Missing value for flag: {name}");
                    if name == "--decode" {
                        eprintln!("To decode an unknown message, use --decode_raw.");
                    }
                    return Parsed::Exit(1);
                }
            }
        }
        if let Some(exit) = invocation.interpret(&name, &value) {
            return Parsed::Exit(exit);
        }
        i += 1;
    }
    match invocation.check() {
        Ok(()) => Parsed::Run(Box::new(invocation)),
        Err(()) => Parsed::Exit(1),
    }
}

impl Invocation {
    /// Applies one flag; `Some(code)` ends the run (messages printed).
    fn interpret(&mut self, name: &str, value: &str) -> Option<u8> {
        let fail = |message: String| {
            eprintln!("{message}");
            Some(1)
        };
        let once = |name: &str| format!("{name} may only be passed once.");
        let non_empty = |name: &str| format!("{name} requires a non-empty value.");
        match name {
            "" => {
                if value.is_empty() {
                    return fail(format!(
                        "You seem to have passed an empty string as one of the arguments to \
                         {}.  This is actually sort of hard to do.  Congrats.  Unfortunately \
                         it is not valid input so the program is going to die now.",
                        self.executable
                    ));
                }
                self.inputs.push(value.to_owned());
            }
            "-I" | "--proto_path" => {
                for part in source_tree::proto_path_parts(value) {
                    if part.disk_path.is_empty() {
                        return fail(
                            "--proto_path passed empty directory name.  (Use \".\" for current \
                             directory.)"
                                .to_owned(),
                        );
                    }
                    if part.missing {
                        eprintln!("{}: warning: directory does not exist.", part.disk_path);
                    }
                }
                self.proto_paths.push(value.to_owned());
            }
            "--direct_dependencies" | "--option_dependencies" => {
                let (set, what) = if name == "--direct_dependencies" {
                    (&mut self.direct_dependencies, "direct dependencies")
                } else {
                    (&mut self.option_dependencies, "option dependencies")
                };
                if set.is_some() {
                    return fail(format!(
                        "{name} may only be passed once. To specify multiple {what}, pass them \
                         all as a single parameter separated by ':'."
                    ));
                }
                *set = Some(
                    value
                        .split(':')
                        .filter(|d| !d.is_empty())
                        .map(str::to_owned)
                        .collect(),
                );
            }
            "--direct_dependencies_violation_msg" => {
                self.direct_dependencies_violation_msg = value.to_owned();
            }
            "--option_dependencies_violation_msg" => {
                self.option_dependencies_violation_msg = value.to_owned();
            }
            "--descriptor_set_in" => {
                if !self.descriptor_set_in.is_empty() {
                    return fail(format!(
                        "{name} may only be passed once. To specify multiple descriptor sets, \
                         pass them all as a single parameter separated by '{}'.",
                        source_tree::PATH_LIST_SEPARATOR
                    ));
                }
                if value.is_empty() {
                    return fail(non_empty(name));
                }
                if self.dependency_out.is_some() {
                    return fail(format!("{name} cannot be used with --dependency_out."));
                }
                self.descriptor_set_in = source_tree::split_path_list(value);
            }
            "-o" | "--descriptor_set_out" => {
                if self.descriptor_set_out.is_some() {
                    return fail(once(name));
                }
                if value.is_empty() {
                    return fail(non_empty(name));
                }
                if self.mode != Mode::Compile {
                    return fail(
                        "Cannot use --encode or --decode and generate descriptors at the same \
                         time."
                            .to_owned(),
                    );
                }
                self.descriptor_set_out = Some(value.to_owned());
            }
            "--dependency_out" => {
                if self.dependency_out.is_some() {
                    return fail(once(name));
                }
                if value.is_empty() {
                    return fail(non_empty(name));
                }
                if !self.descriptor_set_in.is_empty() {
                    return fail(format!("{name} cannot be used with --descriptor_set_in."));
                }
                self.dependency_out = Some(value.to_owned());
            }
            "--include_imports"
            | "--include_source_info"
            | "--retain_options"
            | "--fatal_warnings" => {
                let flag = match name {
                    "--include_imports" => &mut self.include_imports,
                    "--include_source_info" => &mut self.include_source_info,
                    "--retain_options" => &mut self.retain_options,
                    _ => &mut self.fatal_warnings,
                };
                if *flag {
                    return fail(once(name));
                }
                *flag = true;
            }
            "-h" | "--help" => {
                help::print(&self.executable);
                return Some(0);
            }
            "--version" => {
                println!("{}", help::version_line());
                return Some(0);
            }
            "--notices" => {
                println!("{}", help::NOTICES);
                return Some(0);
            }
            "--disallow_services" => self.disallow_services = true,
            "--unsafe_allow_out_dir_escape" => self.unsafe_allow_out_dir_escape = true,
            // No longer observed by protoc 35; accepted for old scripts.
            "--experimental_allow_proto3_optional" => {}
            "--experimental_editions" => self.experimental_editions = true,
            "--encode" | "--decode" | "--decode_raw" => {
                if self.mode != Mode::Compile {
                    return fail("Only one of --encode and --decode can be specified.".to_owned());
                }
                if !self.outputs.is_empty() || self.descriptor_set_out.is_some() {
                    return fail(format!(
                        "Cannot use {name} and generate code or descriptors at the same time."
                    ));
                }
                self.mode = if name == "--encode" {
                    Mode::Encode
                } else {
                    Mode::Decode
                };
                if value.is_empty() && name != "--decode_raw" {
                    eprintln!("Type name for {name} cannot be blank.");
                    if name == "--decode" {
                        eprintln!("To decode an unknown message, use --decode_raw.");
                    }
                    return Some(1);
                }
                if !value.is_empty() && name == "--decode_raw" {
                    return fail("--decode_raw does not take a parameter.".to_owned());
                }
                self.codec_type = value.to_owned();
            }
            "--deterministic_output" => self.deterministic_output = true,
            "--error_format" => match value {
                "gcc" => self.error_format = ErrorFormat::Gcc,
                "msvs" => self.error_format = ErrorFormat::Msvs,
                _ => return fail(format!("Unknown error format: {value}")),
            },
            "--print_free_field_numbers" => {
                if self.mode != Mode::Compile {
                    return fail(format!(
                        "Cannot use {name} and use --encode, --decode or print other info at \
                         the same time."
                    ));
                }
                if !self.outputs.is_empty() || self.descriptor_set_out.is_some() {
                    return fail(format!(
                        "Cannot use {name} and generate code or descriptors at the same time."
                    ));
                }
                self.mode = Mode::PrintFreeFields;
            }
            "--plugin" => {
                let (plugin, path) = match value.split_once('=') {
                    Some((plugin, path)) => (plugin.to_owned(), path.to_owned()),
                    None => {
                        let base = value.rsplit('/').next().unwrap_or(value);
                        (base.to_owned(), value.to_owned())
                    }
                };
                self.plugins.insert(plugin, path);
            }
            "--edition_defaults_out"
            | "--edition_defaults_minimum"
            | "--edition_defaults_maximum" => {
                return fail(format!(
                    "{name}: not supported by protoc-rs: it does not write FeatureSetDefaults."
                ));
            }
            // Plugins read it from their environment, as protoc's do.
            "--enable_codegen_trace" => self.codegen_trace = true,
            _ => return self.generator_flag(name, value),
        }
        None
    }

    /// A flag protoc looks up among its generators: a built-in one protoc-rs
    /// does not have (refused), a plugin's `--NAME_out`, or its `--NAME_opt`.
    fn generator_flag(&mut self, name: &str, value: &str) -> Option<u8> {
        if let Some(refusal) = flags::refusal(name) {
            eprintln!("{refusal}");
            return Some(1);
        }
        if name.starts_with("--") && name.ends_with("_out") {
            if self.mode != Mode::Compile {
                eprintln!(
                    "Cannot use --encode, --decode or print .proto info and generate code at \
                     the same time."
                );
                return Some(1);
            }
            let (parameter, location) = match value.split_once(':') {
                Some((parameter, location)) => (parameter.to_owned(), location.to_owned()),
                None => (String::new(), value.to_owned()),
            };
            self.outputs.push(OutputDirective {
                name: name.to_owned(),
                parameter,
                location,
            });
            return None;
        }
        if name.starts_with("--") && name.ends_with("_opt") {
            let parameters = self.plugin_parameters.entry(plugin_name(name)).or_default();
            if !parameters.is_empty() {
                parameters.push(',');
            }
            parameters.push_str(value);
            return None;
        }
        eprintln!("Unknown flag: {name}");
        Some(1)
    }

    /// protoc's checks across flags, after all are read.
    fn check(&mut self) -> Result<(), ()> {
        let fail = |message: &str| {
            eprintln!("{message}");
            Err(())
        };
        for plugin in self.plugin_parameters.keys() {
            let matched = self.plugins.contains_key(plugin)
                || self.outputs.iter().any(|o| plugin_name(&o.name) == *plugin);
            if !matched {
                let stem = plugin.strip_prefix("protoc-gen-").unwrap_or(plugin);
                return fail(&format!("Unknown flag: --{stem}_opt"));
            }
        }
        if self.proto_paths.is_empty() && self.descriptor_set_in.is_empty() {
            self.proto_paths.push(".".to_owned());
        }
        let missing_input = match self.mode {
            Mode::Compile => self.inputs.is_empty(),
            Mode::Decode if self.codec_type.is_empty() => {
                if !self.inputs.is_empty() || !self.descriptor_set_in.is_empty() {
                    return fail("When using --decode_raw, no input files should be given.");
                }
                false
            }
            _ => self.inputs.is_empty() && self.descriptor_set_in.is_empty(),
        };
        if missing_input {
            return fail("Missing input file.");
        }
        if self.mode == Mode::Compile
            && self.outputs.is_empty()
            && self.descriptor_set_out.is_none()
        {
            return fail("Missing output directives.");
        }
        if self.mode != Mode::Compile && self.dependency_out.is_some() {
            return fail("Can only use --dependency_out=FILE when generating code.");
        }
        if self.mode != Mode::Encode && self.deterministic_output {
            return fail("Can only use --deterministic_output with --encode.");
        }
        if self.dependency_out.is_some() && self.inputs.len() > 1 {
            return fail("Can only process one input file when using --dependency_out=FILE.");
        }
        for (set, flag) in [
            (self.include_imports, "--include_imports"),
            (self.include_source_info, "--include_source_info"),
            (self.retain_options, "--retain_options"),
        ] {
            if set && self.descriptor_set_out.is_none() {
                eprintln!("{flag} only makes sense when combined with --descriptor_set_out.");
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_split_as_protoc_splits_them() {
        assert_eq!(split_argument("-Ifoo"), ("-I".into(), "foo".into(), false));
        assert_eq!(split_argument("-I"), ("-I".into(), "".into(), true));
        assert_eq!(split_argument("-h"), ("-h".into(), "".into(), false));
        assert_eq!(
            split_argument("--proto_path=a=b"),
            ("--proto_path".into(), "a=b".into(), false)
        );
        assert_eq!(
            split_argument("--include_imports"),
            ("--include_imports".into(), "".into(), false)
        );
        assert_eq!(
            split_argument("--encode"),
            ("--encode".into(), "".into(), true)
        );
        assert_eq!(
            split_argument("a.proto"),
            ("".into(), "a.proto".into(), false)
        );
        assert_eq!(split_argument("-"), ("".into(), "-".into(), false));
    }

    #[test]
    fn plugin_names_come_from_the_flag() {
        assert_eq!(plugin_name("--prost_out"), "protoc-gen-prost");
        assert_eq!(plugin_name("--grpc_python_opt"), "protoc-gen-grpc_python");
    }
}
