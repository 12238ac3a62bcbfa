//! `protoc-gen-prost-rs`: protoc-rs's Rust generator as a protoc plugin.
//! It answers a `CodeGeneratorRequest` with the files `protoc-rs compile
//! --rust-out` writes for the same files: prost messages and tonic
//! services, one file per package, for every file of the request (imports
//! too, as prost-build generates them).
//!
//! `--prost-rs_out=DIR` runs it under protoc or protoc-rs. Its parameter is
//! a comma-separated list in prost-build's and tonic-prost-build's
//! spelling (commas inside brackets, parentheses or quotes belong to the
//! value):
//!
//! | parameter | what it does (`--rust-out`'s flag) |
//! |---|---|
//! | `extern_path=PROTO=RUST` | use RUST for PROTO (`--extern-path`) |
//! | `type_attribute=PATH=ATTR` | `--type-attribute` |
//! | `message_attribute=PATH=ATTR`, `enum_attribute=PATH=ATTR`, `field_attribute=PATH=ATTR` | prost-build's |
//! | `btree_map=PATH`, `bytes=PATH` | `--btree-map`, `--bytes` |
//! | `boxed=PATH`, `disable_comments=PATH`, `skip_debug=PATH` | prost-build's |
//! | `compile_well_known_types`, `enable_type_names`, `retain_enum_prefix` | prost-build's |
//! | `include_file=NAME` | `--include-file` |
//! | `default_package_filename=NAME` | prost-build's |
//! | `build_server=false`, `build_client=false`, `build_transport=false` | tonic's (`--no-server`, `--no-client`) |

use prost::Message;

use super::{
    CodeGeneratorRequest, CodeGeneratorResponse, ResponseFile, FEATURE_PROTO3_OPTIONAL,
    FEATURE_SUPPORTS_EDITIONS,
};
use crate::codegen::rust::{self as codegen, Config, GeneratedFile, Services, TonicOptions};
use crate::descriptors::pb;

/// The editions it accepts: those protoc-rs's front end accepts, which is
/// what `--rust-out` generates for.
const MINIMUM_EDITION: pb::Edition = pb::Edition::Edition2023;
const MAXIMUM_EDITION: pb::Edition = pb::Edition::Edition2024;

/// The plugin's whole run: standard input to standard output. A request
/// that cannot be read, or a parameter it does not know, is answered with
/// an error in the response, as the protocol asks; only failing to read
/// or write the pipes exits non-zero.
pub fn main() -> std::process::ExitCode {
    use std::io::{Read, Write};
    let mut input = Vec::new();
    if let Err(err) = std::io::stdin().lock().read_to_end(&mut input) {
        eprintln!("protoc-gen-prost-rs: reading the request: {err}");
        return std::process::ExitCode::from(1);
    }
    let response = respond(&input).encode_to_vec();
    let mut stdout = std::io::stdout().lock();
    if let Err(err) = stdout.write_all(&response).and_then(|()| stdout.flush()) {
        eprintln!("protoc-gen-prost-rs: writing the response: {err}");
        return std::process::ExitCode::from(1);
    }
    std::process::ExitCode::SUCCESS
}

/// The response to one encoded request.
pub fn respond(request: &[u8]) -> CodeGeneratorResponse {
    let mut response = CodeGeneratorResponse {
        supported_features: Some(FEATURE_PROTO3_OPTIONAL | FEATURE_SUPPORTS_EDITIONS),
        minimum_edition: Some(MINIMUM_EDITION as i32),
        maximum_edition: Some(MAXIMUM_EDITION as i32),
        ..Default::default()
    };
    match CodeGeneratorRequest::decode(request)
        .map_err(|err| format!("the request is not a CodeGeneratorRequest: {err}"))
        .and_then(|request| generate(&request))
    {
        Ok(files) => {
            response.file = files
                .into_iter()
                .map(|file| ResponseFile {
                    name: Some(file.name.into_bytes()),
                    insertion_point: None,
                    content: Some(file.content.into_bytes()),
                })
                .collect();
        }
        Err(message) => response.error = Some(message.into_bytes()),
    }
    response
}

/// The generator settings a parameter asks for.
struct Settings {
    config: Config,
    tonic: TonicOptions,
    include_file: Option<String>,
}

fn generate(request: &CodeGeneratorRequest) -> Result<Vec<GeneratedFile>, String> {
    let settings = settings(request.parameter.as_deref().unwrap_or_default())?;
    let services = if settings.tonic.build_client || settings.tonic.build_server {
        Services::Tonic(&settings.tonic)
    } else {
        Services::None
    };
    let mut files =
        codegen::generate(&request.proto_file, &settings.config, services).map_err(|errors| {
            errors
                .iter()
                .map(|e| format!("{}: {}", e.file, e.message))
                .collect::<Vec<_>>()
                .join("\n")
        })?;
    if let Some(name) = settings.include_file {
        let content = codegen::include_file(&files);
        files.push(GeneratedFile {
            name,
            module: Vec::new(),
            content,
        });
    }
    Ok(files)
}

/// Reads a parameter: `--rust-out`'s defaults, changed entry by entry.
fn settings(parameter: &str) -> Result<Settings, String> {
    let mut settings = Settings {
        config: Config::rust_out(),
        tonic: TonicOptions {
            build_server: true,
            build_client: true,
            ..Default::default()
        },
        include_file: None,
    };
    for entry in split_parameter(parameter) {
        let (key, value) = match entry.split_once('=') {
            Some((key, value)) => (key.trim(), Some(value)),
            None => (entry.trim(), None),
        };
        let want = |value: Option<&str>| {
            value
                .map(str::to_owned)
                .ok_or_else(|| format!("parameter `{key}` wants a value: `{key}=...`"))
        };
        let pair = |value: Option<&str>| {
            let value = want(value)?;
            value
                .split_once('=')
                .map(|(a, b)| (a.to_owned(), b.to_owned()))
                .ok_or_else(|| format!("parameter `{key}` wants PATH=VALUE, got `{value}`"))
        };
        let flag = |value: Option<&str>| match value {
            None | Some("true") => Ok(true),
            Some("false") => Ok(false),
            Some(other) => Err(format!("parameter `{key}` is true or false, got `{other}`")),
        };
        let config = &mut settings.config;
        match key {
            "" => {}
            "extern_path" => config.extern_paths.push(pair(value)?),
            "type_attribute" => config.type_attributes.push(pair(value)?),
            "message_attribute" => config.message_attributes.push(pair(value)?),
            "enum_attribute" => config.enum_attributes.push(pair(value)?),
            "field_attribute" => config.field_attributes.push(pair(value)?),
            "btree_map" => config.btree_map.push(want(value)?),
            "bytes" => config.bytes.push(want(value)?),
            "boxed" => config.boxed.push(want(value)?),
            "disable_comments" => config.disable_comments.push(want(value)?),
            "skip_debug" => config.skip_debug.push(want(value)?),
            "compile_well_known_types" => {
                config.compile_well_known_types = flag(value)?;
                settings.tonic.compile_well_known_types = config.compile_well_known_types;
            }
            "enable_type_names" => config.enable_type_names = flag(value)?,
            "retain_enum_prefix" => config.strip_enum_prefix = !flag(value)?,
            "default_package_filename" => config.default_package_filename = want(value)?,
            "include_file" => settings.include_file = Some(want(value)?),
            "build_server" => settings.tonic.build_server = flag(value)?,
            "build_client" => settings.tonic.build_client = flag(value)?,
            "build_transport" => settings.tonic.build_transport = flag(value)?,
            other => {
                return Err(format!(
                    "unknown parameter `{other}` (protoc-gen-prost-rs takes prost-build's \
                     option names: extern_path, type_attribute, message_attribute, \
                     enum_attribute, field_attribute, btree_map, bytes, boxed, \
                     disable_comments, skip_debug, compile_well_known_types, \
                     enable_type_names, retain_enum_prefix, default_package_filename, \
                     include_file, build_server, build_client, build_transport)"
                ))
            }
        }
    }
    settings.config.validate()?;
    Ok(settings)
}

/// Splits a parameter at the commas that are not inside brackets,
/// parentheses, braces or a string: `type_attribute=.=#[derive(Eq, Hash)]`
/// is one entry.
fn split_parameter(parameter: &str) -> Vec<&str> {
    let mut entries = Vec::new();
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let mut start = 0;
    for (at, c) in parameter.char_indices() {
        if let Some(q) = quote {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                _ if c == q => quote = None,
                _ => {}
            }
            continue;
        }
        match c {
            '"' | '\'' => quote = Some(c),
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            ',' if depth <= 0 => {
                entries.push(&parameter[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    entries.push(&parameter[start..]);
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commas_inside_attributes_do_not_split() {
        assert_eq!(
            split_parameter("bytes=.,type_attribute=.a=#[derive(Eq, Hash)],build_server=false"),
            [
                "bytes=.",
                "type_attribute=.a=#[derive(Eq, Hash)]",
                "build_server=false"
            ]
        );
        assert_eq!(
            split_parameter(r#"field_attribute=a.b=#[serde(rename = "x,y")]"#),
            [r#"field_attribute=a.b=#[serde(rename = "x,y")]"#]
        );
        assert_eq!(split_parameter(""), [""]);
    }

    #[test]
    fn parameters_set_what_prost_build_calls_them() {
        let settings = settings(
            "extern_path=.a=::a,btree_map=.,build_client=false,include_file=mod.rs,\
             compile_well_known_types",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(settings.config.extern_paths, [(".a".into(), "::a".into())]);
        assert_eq!(settings.config.btree_map, ["."]);
        assert!(settings.config.compile_well_known_types);
        assert!(!settings.tonic.build_client);
        assert!(settings.tonic.build_server);
        assert_eq!(settings.include_file.as_deref(), Some("mod.rs"));
    }

    #[test]
    fn bad_parameters_are_answered_with_an_error() {
        for (parameter, expected) in [
            ("no_such", "unknown parameter `no_such`"),
            ("bytes", "parameter `bytes` wants a value"),
            ("extern_path=.a", "wants PATH=VALUE"),
            ("build_server=maybe", "is true or false"),
            ("type_attribute=.=#[derive(", "not valid Rust"),
        ] {
            let request = CodeGeneratorRequest {
                parameter: Some(parameter.into()),
                ..Default::default()
            };
            let response = respond(&request.encode_to_vec());
            let error = String::from_utf8(response.error.unwrap_or_default()).unwrap();
            assert!(error.contains(expected), "{parameter}: {error}");
            assert!(response.file.is_empty());
        }
        let garbage = respond(b"\xff\xff\xff");
        assert!(garbage.error.is_some());
    }
}
