//! The plugin host: each `--NAME_out` runs `protoc-gen-NAME` (or the
//! `--plugin` executable of that name) as protoc 35 does: a
//! `CodeGeneratorRequest` on its standard input, a `CodeGeneratorResponse`
//! on its standard output, the response's files kept per output location
//! (a directory, or a `.zip`, `.jar` or `.srcjar` archive), insertion
//! points applied in command-line order.
//!
//! Where protoc-rs differs from protoc, on purpose:
//! - every plugin of a run starts at once, each on its own thread; their
//!   responses are still applied, checked and reported in command-line
//!   order, so the outcome and the messages are protoc's (protoc runs them
//!   one after another, and stops starting them after the first failure);
//! - nothing is written unless every plugin succeeded and every output
//!   location is usable, and each file is written atomically (protoc
//!   truncates and rewrites files in place, directory by directory).
//!
//! A plugin that never answers is waited for, as protoc waits: there is no
//! time limit in protoc either, and a slow generator on a large input is
//! not a hung one.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use prost::Message;

use super::{builtin, zip, FEATURE_SUPPORTS_EDITIONS};
use super::{CodeGeneratorResponse, RequestBase, FEATURE_PROTO3_OPTIONAL};
use crate::codegen::python::Generator;
use crate::compile::Compilation;
use crate::descriptors::pb;
use crate::escape::c_escape;

/// One `--NAME_out=[PARAMETER:]LOCATION`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    /// The flag as given, `--NAME_out`: protoc's messages start with it.
    pub flag: String,
    /// The parameter of the flag and of every `--NAME_opt`, joined with `,`.
    pub parameter: String,
    /// A directory, or a `.zip`, `.jar` or `.srcjar` file.
    pub location: String,
}

impl Directive {
    /// `protoc-gen-NAME`, the plugin a `--NAME_out` or `--NAME_opt` flag
    /// names: the flag's text between `--` and its last `_`.
    pub fn plugin_name_of(flag: &str) -> String {
        let stem = flag.strip_prefix("--").unwrap_or(flag);
        let stem = stem.rfind('_').map_or(stem, |at| &stem[..at]);
        format!("protoc-gen-{stem}")
    }

    pub fn plugin(&self) -> String {
        Directive::plugin_name_of(&self.flag)
    }
}

/// How plugins are found and run.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// `--plugin=protoc-gen-NAME=PATH` executables, by plugin name.
    pub executables: BTreeMap<String, String>,
    /// `--enable_codegen_trace`: plugins get `PROTOC_CODEGEN_TRACE=yes`.
    pub codegen_trace: bool,
    /// `--unsafe_allow_out_dir_escape`: names may contain `..`.
    pub allow_out_dir_escape: bool,
}

/// A plugin run failed; why has been reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Failed;

/// What the plugins of a run generated, by output location, not yet
/// written.
#[derive(Default)]
pub struct Generated {
    locations: BTreeMap<String, Location>,
}

/// The files one output location will hold, by name.
#[derive(Default)]
struct Location {
    files: BTreeMap<Vec<u8>, Vec<u8>>,
    failed: bool,
}

/// Runs every directive's plugin and keeps what they generate. Messages go
/// to `report`, in protoc's words and order, each with the line end protoc
/// prints (a few of protoc's have none); `Err` means the run failed.
pub fn generate(
    directives: &[Directive],
    settings: &Settings,
    compilation: &Compilation,
    report: &mut dyn FnMut(String),
) -> Result<Generated, Failed> {
    let base = RequestBase::new(compilation);
    let builtins: Vec<Option<Generator>> = directives
        .iter()
        .map(|d| builtin::generator_of(&d.flag))
        .collect();
    let builtin_files = if builtins.iter().any(Option::is_some) {
        base.builtin_files()
    } else {
        Vec::new()
    };
    let requests: Vec<Option<Vec<u8>>> = directives
        .iter()
        .zip(&builtins)
        .map(|(d, builtin)| {
            builtin
                .is_none()
                .then(|| base.request(&d.parameter).encode_to_vec())
        })
        .collect();
    // Every generator at once; each answer is looked at in command-line
    // order.
    let answers: Vec<Ran> = std::thread::scope(|scope| {
        let running: Vec<_> = directives
            .iter()
            .zip(requests)
            .zip(&builtins)
            .map(|((directive, request), builtin)| {
                let plugin = directive.plugin();
                let (files, names) = (&builtin_files, base.names_to_generate());
                scope.spawn(move || match (builtin, request) {
                    (Some(generator), _) => Ran {
                        answer: Ok(builtin::run(*generator, files, names, &directive.parameter)),
                        stderr: Vec::new(),
                    },
                    (None, request) => communicate(settings, &plugin, request.unwrap_or_default()),
                })
            })
            .collect();
        running
            .into_iter()
            .map(|thread| {
                thread.join().unwrap_or_else(|_| Ran {
                    answer: Err(("generator thread panicked".to_owned(), None)),
                    stderr: Vec::new(),
                })
            })
            .collect()
    });
    let to_generate: Vec<&pb::FileDescriptorProto> = base.files_to_generate().collect();
    let mut generated = Generated::default();
    for ((directive, ran), builtin) in directives.iter().zip(answers).zip(&builtins) {
        // A closed stderr must not change the outcome.
        let _ = std::io::stderr().write_all(&ran.stderr);
        let answer = ran.answer;
        let location = generated
            .locations
            .entry(location_key(&directive.location))
            .or_default();
        // protoc names a built-in generator by its flag, a plugin by its
        // program name.
        let name = match builtin {
            Some(_) => directive.flag.clone(),
            None => directive.plugin(),
        };
        let response = match answer {
            Ok(response) => response,
            Err((message, printed)) => {
                if let Some(printed) = printed {
                    report(printed);
                }
                report(format!("{}: {name}: {message}\n", directive.flag));
                return Err(Failed);
            }
        };
        let outcome = match builtin {
            Some(_) => apply_builtin(&name, &response, &to_generate, location, report),
            None => apply_plugin(&name, &response, &to_generate, location, report),
        };
        if let Err(message) = outcome {
            report(format!("{}: {message}\n", directive.flag));
            return Err(Failed);
        }
    }
    Ok(generated)
}

/// A plugin's response, as protoc takes it: files first (even when the
/// response reports an error), then the feature checks, then the error.
/// `Err` is the message after the flag.
fn apply_plugin(
    plugin: &str,
    response: &CodeGeneratorResponse,
    to_generate: &[&pb::FileDescriptorProto],
    location: &mut Location,
    report: &mut dyn FnMut(String),
) -> Result<(), String> {
    apply(plugin, response, location, report)?;
    let ok = checks(plugin, response, to_generate, report);
    match response.error.as_ref().filter(|e| !e.is_empty()) {
        Some(error) => Err(String::from_utf8_lossy(error).into_owned()),
        // protoc prints the flag with an empty message here.
        None if !ok => Err(String::new()),
        None => Ok(()),
    }
}

/// A built-in generator's response, as protoc's `GenerateBuiltInOutput`
/// takes it: the feature checks come before generating, and a failed
/// generator writes nothing.
fn apply_builtin(
    flag: &str,
    response: &CodeGeneratorResponse,
    to_generate: &[&pb::FileDescriptorProto],
    location: &mut Location,
    report: &mut dyn FnMut(String),
) -> Result<(), String> {
    if !checks(flag, response, to_generate, report) {
        return Err(String::new());
    }
    if let Some(error) = response.error.as_ref().filter(|e| !e.is_empty()) {
        return Err(String::from_utf8_lossy(error).into_owned());
    }
    apply(flag, response, location, report)
}

/// protoc's key for an output location: a directory with a trailing `/`,
/// an archive as given.
fn location_key(location: &str) -> String {
    if is_archive(location) || location.ends_with('/') {
        location.to_owned()
    } else {
        format!("{location}/")
    }
}

fn is_archive(location: &str) -> bool {
    [".zip", ".jar", ".srcjar"]
        .iter()
        .any(|e| location.ends_with(e))
}

/// protoc's checks of what a plugin says it supports against the files it
/// was asked to generate. Reports each problem; `false` if there was one.
fn checks(
    plugin: &str,
    response: &CodeGeneratorResponse,
    inputs: &[&pb::FileDescriptorProto],
    report: &mut dyn FnMut(String),
) -> bool {
    let features = response.supported_features.unwrap_or(0);
    let mut ok = true;
    if features & FEATURE_PROTO3_OPTIONAL == 0 {
        for file in inputs {
            if file.syntax() == "proto3" && has_proto3_optional(file) {
                report(format!(
                    "{}: is a proto3 file that contains optional fields, but code generator \
                     {plugin} hasn't been updated to support optional fields in proto3. Please \
                     ask the owner of this code generator to support proto3 optional.\n",
                    file.name()
                ));
                ok = false;
            }
        }
    }
    ok && editions_supported(plugin, response, features, inputs, report)
}

fn has_proto3_optional(file: &pb::FileDescriptorProto) -> bool {
    fn message(m: &pb::DescriptorProto) -> bool {
        m.field.iter().any(|f| f.proto3_optional()) || m.nested_type.iter().any(message)
    }
    file.message_type.iter().any(message) || file.extension.iter().any(|f| f.proto3_optional())
}

/// protoc's check that a plugin supports the editions of the files it is
/// asked to generate (protobuf's own files are exempt).
fn editions_supported(
    plugin: &str,
    response: &CodeGeneratorResponse,
    features: u64,
    inputs: &[&pb::FileDescriptorProto],
    report: &mut dyn FnMut(String),
) -> bool {
    // protoc's short edition names: `2024`, `PROTO2`; nothing for numbers
    // that name no edition.
    let name = |number: i32| {
        pb::Edition::try_from(number)
            .map(|e| e.as_str_name().trim_start_matches("EDITION_").to_owned())
            .unwrap_or_default()
    };
    for file in inputs {
        if file.syntax() != "editions" || file.name().starts_with("google/protobuf/") {
            continue;
        }
        let edition = file.edition.unwrap_or_default();
        if features & FEATURE_SUPPORTS_EDITIONS == 0 {
            report(format!(
                "{}: is an editions file, but code generator {plugin} hasn't been updated to \
                 support editions yet.  Please ask the owner of this code generator to add \
                 support or switch back to proto2/proto3.\n\nSee \
                 https://protobuf.dev/editions/overview/ for more information.",
                file.name()
            ));
            return false;
        }
        let minimum = response.minimum_edition.unwrap_or(0);
        let maximum = response.maximum_edition.unwrap_or(0);
        if edition < minimum {
            report(format!(
                "{}: is a file using edition {}, which isn't supported by code generator \
                 {plugin}.  Please upgrade your file to at least edition {}.",
                file.name(),
                name(edition),
                name(minimum)
            ));
            return false;
        }
        if edition > maximum {
            report(format!(
                "{}: is a file using edition {}, which isn't supported by code generator \
                 {plugin}.  Please ask the owner of this code generator to add support or \
                 switch back to a maximum of edition {}.",
                file.name(),
                name(edition),
                name(maximum)
            ));
            return false;
        }
    }
    true
}

/// A plugin's answer, or why there is none: protoc's message after the
/// plugin's name, and what protoc prints before it (the exec failure).
type Answer = Result<CodeGeneratorResponse, (String, Option<String>)>;

/// What running one plugin gave: its answer and what it wrote to its
/// standard error, which is passed on when its turn comes, so that plugins
/// running at once do not mix their messages, and a plugin protoc would
/// not have started (after an earlier one failed) says nothing.
struct Ran {
    answer: Answer,
    stderr: Vec<u8>,
}

/// Starts the plugin, writes the request, reads the response: protoc's
/// `Subprocess`, with its messages.
fn communicate(settings: &Settings, plugin: &str, request: Vec<u8>) -> Ran {
    let registered = settings.executables.get(plugin);
    let program = match registered {
        // A registered path is run as given, never searched for on PATH.
        Some(path) if !path.contains('/') => format!("./{path}"),
        Some(path) => path.clone(),
        None => plugin.to_owned(),
    };
    let mut command = Command::new(&program);
    {
        use std::os::unix::process::CommandExt;
        command.arg0(registered.map_or(plugin, String::as_str));
    }
    if settings.codegen_trace {
        command.env("PROTOC_CODEGEN_TRACE", "yes");
    }
    let spawned = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match spawned {
        Ok(child) => child,
        // protoc's child prints this when exec fails, then exits with 1.
        Err(_) => {
            return Ran {
                answer: Err((
                    "Plugin failed with status code 1.".to_owned(),
                    Some(format!(
                        "{program}: program not found or is not executable\nPlease specify a \
                         program using absolute path or make sure the program is available in \
                         your PATH system variable\n"
                    )),
                )),
                stderr: Vec::new(),
            }
        }
    };
    let mut stdin = child.stdin.take();
    // Written on a thread while the response and the messages are read,
    // so that no side blocks on a full pipe.
    let writer = std::thread::spawn(move || {
        if let Some(stdin) = stdin.as_mut() {
            // A plugin that exits early closes the pipe; its status says why.
            let _ = stdin.write_all(&request);
        }
    });
    let mut child_stderr = child.stderr.take();
    let messages = std::thread::spawn(move || {
        let mut text = Vec::new();
        if let Some(stderr) = child_stderr.as_mut() {
            let _ = stderr.read_to_end(&mut text);
        }
        text
    });
    let mut output = Vec::new();
    if let Some(mut stdout) = child.stdout.take() {
        let _ = stdout.read_to_end(&mut output);
    }
    let _ = writer.join();
    let stderr = messages.join().unwrap_or_default();
    let answer = match child.wait() {
        Err(err) => Err((format!("waitpid: {err}"), None)),
        Ok(status) => match status.code() {
            Some(0) => CodeGeneratorResponse::decode(output.as_slice()).map_err(|_| {
                (
                    format!("Plugin output is unparseable: {}", c_escape(&output)),
                    None,
                )
            }),
            Some(code) => Err((format!("Plugin failed with status code {code}."), None)),
            None => {
                use std::os::unix::process::ExitStatusExt;
                let signal = status.signal().unwrap_or(0);
                Err((format!("Plugin killed by signal {signal}."), None))
            }
        },
    };
    Ran { answer, stderr }
}

/// Puts a response's files into `location`, as protoc's generator context
/// does, even when the response reports an error: new files, and chunks
/// for an insertion point. Problems with one file are reported and fail
/// the location; a chunk with no file to belong to fails the plugin.
fn apply(
    plugin: &str,
    response: &CodeGeneratorResponse,
    location: &mut Location,
    report: &mut dyn FnMut(String),
) -> Result<(), String> {
    let nonempty = |v: &Option<Vec<u8>>| v.clone().filter(|v| !v.is_empty());
    // The file the chunks without a name go on: a new file, or an insertion.
    let mut current: Option<(Vec<u8>, Option<Vec<u8>>)> = None;
    let mut pending: Vec<u8> = Vec::new();
    let finish = |current: &mut Option<(Vec<u8>, Option<Vec<u8>>)>,
                  pending: &mut Vec<u8>,
                  location: &mut Location,
                  report: &mut dyn FnMut(String)| {
        if let Some((name, point)) = current.take() {
            let data = std::mem::take(pending);
            match point {
                Some(point) => insert(location, &name, &point, data, report),
                None => open(location, name, data, report),
            }
        }
    };
    for file in &response.file {
        let content = file.content.as_deref().unwrap_or_default();
        match (nonempty(&file.name), nonempty(&file.insertion_point)) {
            (name, Some(point)) => {
                finish(&mut current, &mut pending, location, report);
                current = Some((name.unwrap_or_default(), Some(point)));
            }
            (Some(name), None) => {
                finish(&mut current, &mut pending, location, report);
                current = Some((name, None));
            }
            (None, None) if current.is_none() => {
                return Err(format!(
                    "{plugin}: First file chunk returned by plugin did not specify a file name."
                ));
            }
            (None, None) => {}
        }
        pending.extend_from_slice(content);
    }
    finish(&mut current, &mut pending, location, report);
    Ok(())
}

/// A plugin's encoded response taken as [`generate`] takes one, into an
/// empty directory location: how many files it holds, or why it failed.
/// For the fuzz target over plugin responses; protoc's checks against the
/// request are left out, since there is none.
#[doc(hidden)]
pub fn apply_encoded_response(plugin: &str, bytes: &[u8]) -> Result<usize, String> {
    let response = CodeGeneratorResponse::decode(bytes).map_err(|e| e.to_string())?;
    let mut location = Location::default();
    let mut messages = Vec::new();
    let mut report = |message: String| messages.push(message);
    apply_plugin(plugin, &response, &[], &mut location, &mut report)?;
    Ok(location.files.len())
}

/// A new file: protoc's `Open`, closed.
fn open(location: &mut Location, name: Vec<u8>, data: Vec<u8>, report: &mut dyn FnMut(String)) {
    match location.files.entry(name) {
        std::collections::btree_map::Entry::Occupied(existing) => {
            report(format!(
                "{}: Tried to write the same file twice.\n",
                String::from_utf8_lossy(existing.key())
            ));
            location.failed = true;
        }
        std::collections::btree_map::Entry::Vacant(slot) => {
            slot.insert(data);
        }
    }
}

/// protoc's insertion: before the line holding
/// `@@protoc_insertion_point(point)` (or right before an inline
/// `/* @@protoc_insertion_point(point) */`), every line indented as that
/// line is.
fn insert(
    location: &mut Location,
    name: &[u8],
    point: &[u8],
    mut data: Vec<u8>,
    report: &mut dyn FnMut(String),
) {
    let shown = String::from_utf8_lossy(name).into_owned();
    if !data.is_empty() && !data.ends_with(b"\n") {
        data.push(b'\n');
    }
    let Some(target) = location.files.get_mut(name) else {
        report(format!(
            "{shown}: Tried to insert into file that doesn't exist.\n"
        ));
        // protoc has made the file, empty, by now: a plugin that writes it
        // later is told it wrote it twice.
        location.files.insert(name.to_vec(), Vec::new());
        location.failed = true;
        return;
    };
    let mut magic = b"@@protoc_insertion_point(".to_vec();
    magic.extend_from_slice(point);
    magic.push(b')');
    let Some(found) = target
        .windows(magic.len())
        .position(|w| w == magic.as_slice())
    else {
        report(format!(
            "{shown}: insertion point \"{}\" not found.\n",
            String::from_utf8_lossy(point)
        ));
        location.failed = true;
        return;
    };
    let inline = found > 3 && &target[found - 3..found - 1] == b"/*";
    let at = if inline {
        found - 3
    } else {
        target[..found]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |newline| newline + 1)
    };
    let indent_len = target[at..]
        .iter()
        .position(|&b| b != b' ' && b != b'\t')
        .unwrap_or(target.len() - at);
    let indent = target[at..at + indent_len].to_vec();
    let mut text = Vec::with_capacity(data.len());
    for line in data.split_inclusive(|&b| b == b'\n') {
        // Every line, empty ones too, as protoc does.
        text.extend_from_slice(&indent);
        text.extend_from_slice(line);
    }
    target.splice(at..at, text);
}

/// How files are written: [`crate::compile::output::WriteMode`].
pub use crate::compile::output::WriteMode;

impl Generated {
    /// Every output's path, as protoc lists them for `--dependency_out`:
    /// the location followed by the name, without a leading `./`.
    pub fn output_paths(&self) -> Vec<String> {
        let mut paths = Vec::new();
        for (location, contents) in &self.locations {
            for name in contents.files.keys() {
                let path = format!("{location}{}", String::from_utf8_lossy(name));
                paths.push(path.strip_prefix("./").map(str::to_owned).unwrap_or(path));
            }
        }
        paths
    }

    /// protoc's checks of each output location before it is written: a
    /// failed location, a directory that does not exist, a name with `..`
    /// (a warning for archives). All are checked before anything is
    /// written.
    pub fn check(&self, settings: &Settings, report: &mut dyn FnMut(String)) -> Result<(), Failed> {
        for (location, contents) in &self.locations {
            if contents.failed {
                return Err(Failed);
            }
            let archive = !location.ends_with('/');
            if !archive && !Path::new(location).is_dir() {
                report(format!("{location}: No such file or directory\n"));
                return Err(Failed);
            }
            for name in contents.files.keys() {
                if settings.allow_out_dir_escape || !name.windows(2).any(|w| w == b"..") {
                    continue;
                }
                // protoc 35 checks names only for directories.
                if !archive {
                    report(format!(
                        "Output file names must never have a relative path. ({}). Use \
                         --unsafe_allow_out_dir_escape to disable this error if intentional.\n",
                        String::from_utf8_lossy(name)
                    ));
                    return Err(Failed);
                }
            }
        }
        Ok(())
    }

    /// Every file to write, as (path, content): a directory's files under
    /// it, an archive as protoc's zip writer makes it (a `.jar` with
    /// protoc's manifest). Call [`Generated::check`] first.
    pub fn into_outputs(self) -> Vec<(PathBuf, Vec<u8>)> {
        let mut outputs = Vec::new();
        for (location, mut contents) in self.locations {
            if !location.ends_with('/') {
                if location.ends_with(".jar") {
                    contents
                        .files
                        .entry(b"META-INF/MANIFEST.MF".to_vec())
                        .or_insert_with(|| {
                            b"Manifest-Version: 1.0\nCreated-By: 1.6.0 (protoc)\n\n".to_vec()
                        });
                }
                outputs.push((PathBuf::from(location), zip::archive(&contents.files)));
                continue;
            }
            for (name, content) in contents.files {
                let path = PathBuf::from(format!("{location}{}", String::from_utf8_lossy(&name)));
                outputs.push((path, content));
            }
        }
        outputs
    }

    /// Writes every output, or none if one cannot be written (see
    /// [`crate::compile::output`]). Call [`Generated::check`] first.
    pub fn write(self, mode: WriteMode, report: &mut dyn FnMut(String)) -> Result<(), Failed> {
        let outputs = self.into_outputs();
        let borrowed: Vec<(PathBuf, &[u8])> = outputs
            .iter()
            .map(|(path, content)| (path.clone(), content.as_slice()))
            .collect();
        crate::compile::output::write_all(&borrowed, mode)
            .map(|_| ())
            .map_err(|error| {
                report(format!("{error}\n"));
                Failed
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn location_with(name: &str, text: &str) -> Location {
        let mut location = Location::default();
        location
            .files
            .insert(name.as_bytes().to_vec(), text.as_bytes().to_vec());
        location
    }

    fn text(location: &Location, name: &str) -> String {
        String::from_utf8(location.files[name.as_bytes()].clone()).unwrap()
    }

    #[test]
    fn insertions_go_before_the_marker_line_with_its_indent() {
        let mut location =
            location_with("a.txt", "top\n    // @@protoc_insertion_point(here)\nend\n");
        let mut messages = Vec::new();
        let mut report = |m: String| messages.push(m);
        insert(
            &mut location,
            b"a.txt",
            b"here",
            b"one\n\ntwo".to_vec(),
            &mut report,
        );
        insert(
            &mut location,
            b"a.txt",
            b"here",
            b"three\n".to_vec(),
            &mut report,
        );
        assert_eq!(
            text(&location, "a.txt"),
            "top\n    one\n    \n    two\n    three\n    // @@protoc_insertion_point(here)\nend\n"
        );
        assert!(!location.failed);
        insert(
            &mut location,
            b"a.txt",
            b"nowhere",
            b"x".to_vec(),
            &mut report,
        );
        assert!(location.failed);
        assert_eq!(
            messages,
            ["a.txt: insertion point \"nowhere\" not found.\n"]
        );
    }

    #[test]
    fn inline_markers_take_the_text_right_before_them() {
        let mut location = location_with("b.txt", "f(/* @@protoc_insertion_point(args) */);\n");
        insert(&mut location, b"b.txt", b"args", b"x".to_vec(), &mut |_| {});
        assert_eq!(
            text(&location, "b.txt"),
            "f(x\n/* @@protoc_insertion_point(args) */);\n"
        );
    }

    #[test]
    fn chunks_without_a_name_continue_the_file_before_them() {
        let file = |name: &str, point: &str, content: &str| super::super::ResponseFile {
            name: (!name.is_empty()).then(|| name.as_bytes().to_vec()),
            insertion_point: (!point.is_empty()).then(|| point.as_bytes().to_vec()),
            content: Some(content.as_bytes().to_vec()),
        };
        let response = CodeGeneratorResponse {
            file: vec![
                file("a.txt", "", "x\n// @@protoc_insertion_point(p)\n"),
                file("", "", "more\n"),
                file("a.txt", "p", "in"),
                file("", "", "serted"),
                file("a.txt", "", "again"),
            ],
            ..Default::default()
        };
        let mut location = Location::default();
        let mut messages = Vec::new();
        apply("protoc-gen-t", &response, &mut location, &mut |m| {
            messages.push(m)
        })
        .unwrap();
        assert_eq!(
            text(&location, "a.txt"),
            "x\ninserted\n// @@protoc_insertion_point(p)\nmore\n"
        );
        assert_eq!(messages, ["a.txt: Tried to write the same file twice.\n"]);
        assert!(location.failed);
        let orphan = CodeGeneratorResponse {
            file: vec![file("", "", "text")],
            ..Default::default()
        };
        let error = apply(
            "protoc-gen-t",
            &orphan,
            &mut Location::default(),
            &mut |_| {},
        );
        assert_eq!(
            error.unwrap_err(),
            "protoc-gen-t: First file chunk returned by plugin did not specify a file name."
        );
    }

    #[test]
    fn plugin_names_are_the_flag_up_to_its_last_underscore() {
        assert_eq!(Directive::plugin_name_of("--go_out"), "protoc-gen-go");
        assert_eq!(
            Directive::plugin_name_of("--grpc_python_opt"),
            "protoc-gen-grpc_python"
        );
        assert_eq!(
            Directive::plugin_name_of("--prost-rs_out"),
            "protoc-gen-prost-rs"
        );
    }

    #[test]
    fn locations_are_directories_with_a_slash_or_archives() {
        assert_eq!(location_key("out"), "out/");
        assert_eq!(location_key("out/"), "out/");
        assert_eq!(location_key("a.zip"), "a.zip");
        assert_eq!(location_key("a.srcjar"), "a.srcjar");
    }
}
