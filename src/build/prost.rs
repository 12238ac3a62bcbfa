//! prost-build 0.14's API, for `build.rs`: migrating is a rename of the
//! crate path (`prost_build::` becomes `protoc_rs::prost::`), and the files
//! written are prost-build's byte for byte, with no protoc anywhere.
//!
//! ```no_run
//! // build.rs
//! fn main() -> std::io::Result<()> {
//!     protoc_rs::prost::compile_protos(&["protos/items.proto"], &["protos"])
//! }
//! ```
//!
//! As in prost-build, services generate nothing unless a
//! [`ServiceGenerator`] is set, and comments are taken as written (enable
//! this crate's `cleanup-markdown` feature for prost-build's Markdown
//! cleanup). Where prost-build runs protoc, protoc-rs compiles in-process:
//! `protoc_executable` is accepted and has no effect, `protoc_arg` takes
//! the protoc flags that mean something here (`-I`, `--descriptor_set_in`,
//! `--fatal_warnings`, `--retain_options`, and the ones protoc ignores),
//! and `skip_protoc_run` reads `file_descriptor_set_path` as prost-build
//! does.

use std::collections::HashMap;
use std::ffi::OsStr;
use std::fmt;
use std::io::Result;
use std::path::{Path, PathBuf};

use ::prost::Message;

pub use super::super::codegen::rust::{Comments, Method, Service, ServiceGenerator};
use super::Settings;
use crate::codegen::rust::{self as codegen, Services};

/// A Rust module path for a protobuf package (prost-build's `Module`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Module {
    components: Vec<String>,
}

impl Module {
    /// A module path of these parts.
    pub fn from_parts<I>(parts: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        Module {
            components: parts.into_iter().map(Into::into).collect(),
        }
    }

    /// The module of a protobuf package, its parts in snake case.
    pub fn from_protobuf_package_name(name: &str) -> Self {
        Module {
            components: name
                .split('.')
                .filter(|s| !s.is_empty())
                .map(codegen::names::to_snake)
                .collect(),
        }
    }

    pub fn parts(&self) -> impl Iterator<Item = &str> {
        self.components.iter().map(String::as_str)
    }

    /// The file name of the module's code: its parts joined by `.`, or
    /// `default` for the empty module, then `.rs`.
    pub fn to_file_name_or(&self, default: &str) -> String {
        let root = if self.components.is_empty() {
            default.to_owned()
        } else {
            self.components.join(".")
        };
        format!("{root}.rs")
    }

    pub fn len(&self) -> usize {
        self.components.len()
    }

    pub fn is_empty(&self) -> bool {
        self.components.is_empty()
    }
}

impl fmt::Display for Module {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.components.join("::"))
    }
}

/// prost-build's `Config`: every option, with prost-build's defaults.
///
/// ```
/// let dir = std::env::temp_dir().join(format!("protoc-rs-config-{}", std::process::id()));
/// std::fs::create_dir_all(dir.join("out")).unwrap();
/// std::fs::write(
///     dir.join("shop.proto"),
///     "syntax = \"proto3\";\npackage shop;\n\
///      message Cart { map<string, int32> items = 1; bytes token = 2; }\n",
/// )
/// .unwrap();
/// let mut config = protoc_rs::prost::Config::new();
/// config
///     .out_dir(dir.join("out"))
///     .btree_map(["."])
///     .bytes([".shop.Cart.token"])
///     .type_attribute(".shop.Cart", "#[derive(Eq)]");
/// config.compile_protos(&[dir.join("shop.proto")], &[&dir]).unwrap();
/// let code = std::fs::read_to_string(dir.join("out/shop.rs")).unwrap();
/// assert!(code.contains("BTreeMap") && code.contains("::prost::bytes::Bytes"));
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub struct Config {
    pub(crate) settings: Settings,
    pub(crate) service_generator: Option<ServiceCode>,
}

/// Who writes the services' code.
pub(crate) enum ServiceCode {
    /// tonic-prost-build's generator, set by [`super::tonic`].
    Tonic(codegen::TonicOptions),
    Custom(Box<dyn ServiceGenerator>),
}

impl Default for Config {
    fn default() -> Config {
        let codegen = codegen::Config {
            cleanup_markdown: cfg!(feature = "cleanup-markdown"),
            header: codegen::PROST_BUILD_HEADER,
            ..codegen::Config::default()
        };
        Config {
            settings: Settings::new(codegen),
            service_generator: None,
        }
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("settings", &self.settings)
            .field("service_generator", &self.service_generator.is_some())
            .finish()
    }
}

fn strings<I, S>(paths: I) -> Vec<String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    paths.into_iter().map(|p| p.as_ref().to_owned()).collect()
}

impl Config {
    /// A configuration with prost-build's defaults.
    pub fn new() -> Config {
        Config::default()
    }

    /// Map fields matching `paths` become `BTreeMap`s (replacing earlier
    /// paths, as in prost-build).
    pub fn btree_map<I, S>(&mut self, paths: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.settings.codegen.btree_map = strings(paths);
        self
    }

    /// Bytes fields matching `paths` become `bytes::Bytes` (replacing
    /// earlier paths).
    pub fn bytes<I, S>(&mut self, paths: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.settings.codegen.bytes = strings(paths);
        self
    }

    /// An attribute for matching fields, oneof variants and enum variants.
    pub fn field_attribute<P, A>(&mut self, path: P, attribute: A) -> &mut Self
    where
        P: AsRef<str>,
        A: AsRef<str>,
    {
        self.settings
            .codegen
            .field_attributes
            .push((path.as_ref().to_owned(), attribute.as_ref().to_owned()));
        self
    }

    /// An attribute for matching messages, enums and oneofs.
    pub fn type_attribute<P, A>(&mut self, path: P, attribute: A) -> &mut Self
    where
        P: AsRef<str>,
        A: AsRef<str>,
    {
        self.settings
            .codegen
            .type_attributes
            .push((path.as_ref().to_owned(), attribute.as_ref().to_owned()));
        self
    }

    /// An attribute for matching messages.
    pub fn message_attribute<P, A>(&mut self, path: P, attribute: A) -> &mut Self
    where
        P: AsRef<str>,
        A: AsRef<str>,
    {
        self.settings
            .codegen
            .message_attributes
            .push((path.as_ref().to_owned(), attribute.as_ref().to_owned()));
        self
    }

    /// An attribute for matching enums and oneofs.
    pub fn enum_attribute<P, A>(&mut self, path: P, attribute: A) -> &mut Self
    where
        P: AsRef<str>,
        A: AsRef<str>,
    {
        self.settings
            .codegen
            .enum_attributes
            .push((path.as_ref().to_owned(), attribute.as_ref().to_owned()));
        self
    }

    /// Box matching message fields.
    pub fn boxed<P>(&mut self, path: P) -> &mut Self
    where
        P: AsRef<str>,
    {
        self.settings.codegen.boxed.push(path.as_ref().to_owned());
        self
    }

    /// Generate services with `service_generator`.
    pub fn service_generator(&mut self, service_generator: Box<dyn ServiceGenerator>) -> &mut Self {
        self.service_generator = Some(ServiceCode::Custom(service_generator));
        self
    }

    /// Generate the `google.protobuf` types instead of using prost-types.
    pub fn compile_well_known_types(&mut self) -> &mut Self {
        self.settings.codegen.compile_well_known_types = true;
        self
    }

    /// Leave out the doc comments of matching paths (replacing earlier
    /// paths).
    pub fn disable_comments<I, S>(&mut self, paths: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.settings.codegen.disable_comments = strings(paths);
        self
    }

    /// Derive no `Debug` for matching messages, enums and oneofs
    /// (replacing earlier paths).
    pub fn skip_debug<I, S>(&mut self, paths: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.settings.codegen.skip_debug = strings(paths);
        self
    }

    /// Use `rust_path` for the protobuf package or type `proto_path`
    /// (fully qualified) instead of generating it.
    pub fn extern_path<P1, P2>(&mut self, proto_path: P1, rust_path: P2) -> &mut Self
    where
        P1: Into<String>,
        P2: Into<String>,
    {
        self.settings
            .codegen
            .extern_paths
            .push((proto_path.into(), rust_path.into()));
        self
    }

    /// Also write the descriptor set (imports and source info included) to
    /// `path`; with `skip_protoc_run`, read it from there.
    pub fn file_descriptor_set_path<P>(&mut self, path: P) -> &mut Self
    where
        P: Into<PathBuf>,
    {
        self.settings.file_descriptor_set_path = Some(path.into());
        self
    }

    /// Compile nothing: generate from the set at `file_descriptor_set_path`.
    pub fn skip_protoc_run(&mut self) -> &mut Self {
        self.settings.skip_protoc_run = true;
        self
    }

    /// Leave SourceCodeInfo (and so doc comments) out of the descriptor set.
    pub fn skip_source_info(&mut self) -> &mut Self {
        self.settings.skip_source_info = true;
        self
    }

    /// Keep the enum's name as a prefix of its variants.
    pub fn retain_enum_prefix(&mut self) -> &mut Self {
        self.settings.codegen.strip_enum_prefix = false;
        self
    }

    /// Where the Rust files go (default: `$OUT_DIR`).
    pub fn out_dir<P>(&mut self, path: P) -> &mut Self
    where
        P: Into<PathBuf>,
    {
        self.settings.out_dir = Some(path.into());
        self
    }

    /// The file name (without `.rs`) of code with no package (default `_`).
    pub fn default_package_filename<S>(&mut self, filename: S) -> &mut Self
    where
        S: Into<String>,
    {
        self.settings.codegen.default_package_filename = filename.into();
        self
    }

    /// `impl prost::Name` for every message.
    pub fn enable_type_names(&mut self) -> &mut Self {
        self.settings.codegen.enable_type_names = true;
        self
    }

    /// The type URL domain of matching messages (with `enable_type_names`).
    pub fn type_name_domain<I, S, D>(&mut self, paths: I, domain: D) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
        D: AsRef<str>,
    {
        for path in paths {
            self.settings
                .codegen
                .type_name_domains
                .push((path.as_ref().to_owned(), domain.as_ref().to_owned()));
        }
        self
    }

    /// The path of the prost crate in generated code.
    pub fn prost_path<S>(&mut self, path: S) -> &mut Self
    where
        S: Into<String>,
    {
        self.settings.codegen.prost_path = path.into();
        self.settings.codegen.prost_path_attribute = true;
        self
    }

    /// The path of prost-types (the well-known types) in generated code.
    pub fn prost_types_path<S>(&mut self, path: S) -> &mut Self
    where
        S: Into<String>,
    {
        self.settings.codegen.prost_types_path = path.into();
        self
    }

    /// A protoc flag: protoc-rs takes `-I`/`--proto_path`,
    /// `--descriptor_set_in`, `--fatal_warnings`, `--retain_options` and
    /// the flags protoc ignores; any other is an error when compiling.
    pub fn protoc_arg<S>(&mut self, arg: S) -> &mut Self
    where
        S: AsRef<OsStr>,
    {
        self.settings
            .protoc_args
            .push(arg.as_ref().to_string_lossy().into_owned());
        self
    }

    /// Accepted for compatibility; protoc-rs runs no protoc.
    pub fn protoc_executable<S>(&mut self, executable: S) -> &mut Self
    where
        S: Into<PathBuf>,
    {
        let _ = executable.into();
        self
    }

    /// Also write `path` (in the output directory), which `include!`s every
    /// generated file inside modules named after the packages.
    pub fn include_file<P>(&mut self, path: P) -> &mut Self
    where
        P: Into<PathBuf>,
    {
        self.settings.include_file = Some(path.into());
        self
    }

    /// Format the code with prettyplease (default: on). protoc-rs always
    /// formats: its unformatted text would not be prost-build's.
    pub fn format(&mut self, enabled: bool) -> &mut Self {
        let _ = enabled;
        self
    }

    /// prost-build's `cleanup-markdown`: this crate's feature, or a tonic
    /// builder in the same build script (see [`super::tonic`]).
    fn settings(&self) -> Settings {
        let mut settings = self.settings.clone();
        if super::tonic::USED.load(std::sync::atomic::Ordering::Relaxed) {
            settings.codegen.cleanup_markdown = true;
        }
        settings
    }

    fn services(&mut self) -> Services<'_> {
        match &mut self.service_generator {
            Some(ServiceCode::Tonic(options)) => Services::Tonic(options),
            Some(ServiceCode::Custom(generator)) => Services::Custom(generator.as_mut()),
            None => Services::None,
        }
    }

    /// Generates the Rust code of `fds` and writes it.
    pub fn compile_fds(&mut self, fds: prost_types::FileDescriptorSet) -> Result<()> {
        let bytes = super::encode_fds(&fds);
        let settings = self.settings();
        super::compile_fds(&settings, &bytes, self.services())
    }

    /// Compiles `protos` (with `includes` as include paths) to a descriptor
    /// set, imports and source info included, as protoc would.
    pub fn load_fds(
        &mut self,
        protos: &[impl AsRef<Path>],
        includes: &[impl AsRef<Path>],
    ) -> Result<prost_types::FileDescriptorSet> {
        let protos: Vec<&Path> = protos.iter().map(AsRef::as_ref).collect();
        let includes: Vec<&Path> = includes.iter().map(AsRef::as_ref).collect();
        super::decode_fds(&super::load_fds(&self.settings, &protos, &includes)?)
    }

    /// Compiles `protos` and writes their Rust code.
    pub fn compile_protos(
        &mut self,
        protos: &[impl AsRef<Path>],
        includes: &[impl AsRef<Path>],
    ) -> Result<()> {
        let fds = self.load_fds(protos, includes)?;
        self.compile_fds(fds)
    }

    /// The code of each module, header included, without writing anything.
    pub fn generate(
        &mut self,
        requests: Vec<(Module, prost_types::FileDescriptorProto)>,
    ) -> Result<HashMap<Module, String>> {
        let (modules, files): (Vec<Module>, Vec<prost_types::FileDescriptorProto>) =
            requests.into_iter().unzip();
        let set = prost_types::FileDescriptorSet { file: files };
        let files = crate::pb::FileDescriptorSet::decode(set.encode_to_vec().as_slice())
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e.to_string()))?
            .file;
        let parts: Vec<Vec<String>> = modules.iter().map(|m| m.components.clone()).collect();
        let settings = self.settings();
        settings
            .codegen
            .validate()
            .map_err(|m| std::io::Error::new(std::io::ErrorKind::InvalidInput, m))?;
        let generated =
            codegen::generate_modules(&files, &parts, &settings.codegen, self.services()).map_err(
                |errors| {
                    let message: Vec<String> = errors
                        .iter()
                        .map(|e| format!("{}: {}", e.file, e.message))
                        .collect();
                    std::io::Error::new(std::io::ErrorKind::InvalidData, message.join("\n"))
                },
            )?;
        Ok(generated
            .into_iter()
            .map(|file| (Module::from_parts(file.module), file.content))
            .collect())
    }
}

/// prost-build's `compile_protos`: `Config::new().compile_protos(...)`,
/// writing into `$OUT_DIR`.
///
/// ```
/// let dir = std::env::temp_dir().join(format!("protoc-rs-prost-{}", std::process::id()));
/// std::fs::create_dir_all(dir.join("out")).unwrap();
/// std::fs::write(
///     dir.join("items.proto"),
///     "syntax = \"proto3\";\npackage items;\nmessage Item { string name = 1; }\n",
/// )
/// .unwrap();
/// std::env::set_var("OUT_DIR", dir.join("out")); // cargo sets it for build.rs
/// protoc_rs::prost::compile_protos(&[dir.join("items.proto")], &[&dir]).unwrap();
/// let code = std::fs::read_to_string(dir.join("out/items.rs")).unwrap();
/// assert!(code.starts_with("// This file is @generated by prost-build."));
/// assert!(code.contains("pub struct Item"));
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn compile_protos(protos: &[impl AsRef<Path>], includes: &[impl AsRef<Path>]) -> Result<()> {
    Config::new().compile_protos(protos, includes)
}

/// prost-build's `compile_fds`: `Config::new().compile_fds(...)`, for a set
/// made elsewhere.
///
/// ```
/// use prost_types::{DescriptorProto, FileDescriptorProto, FileDescriptorSet};
/// let out = std::env::temp_dir().join(format!("protoc-rs-fds-{}", std::process::id()));
/// std::fs::create_dir_all(&out).unwrap();
/// std::env::set_var("OUT_DIR", &out);
/// let set = FileDescriptorSet {
///     file: vec![FileDescriptorProto {
///         name: Some("empty.proto".into()),
///         package: Some("empty".into()),
///         message_type: vec![DescriptorProto {
///             name: Some("Nothing".into()),
///             ..Default::default()
///         }],
///         ..Default::default()
///     }],
/// };
/// protoc_rs::prost::compile_fds(set).unwrap();
/// assert!(std::fs::read_to_string(out.join("empty.rs")).unwrap().contains("pub struct Nothing"));
/// # std::fs::remove_dir_all(&out).unwrap();
/// ```
pub fn compile_fds(fds: prost_types::FileDescriptorSet) -> Result<()> {
    Config::new().compile_fds(fds)
}
