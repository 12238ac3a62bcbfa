//! tonic-prost-build 0.14's API, for `build.rs`: migrating is a rename of
//! the crate path (`tonic_prost_build::` becomes `protoc_rs::tonic::`), and
//! the files written are tonic-prost-build's byte for byte, with no protoc
//! anywhere.
//!
//! ```no_run
//! fn main() -> std::io::Result<()> {
//!     protoc_rs::tonic::compile_protos("proto/helloworld.proto")
//! }
//! ```
//!
//! As tonic-prost-build: messages through prost-build's code (its
//! `Config` is [`Config`] here), services as tonic clients and servers,
//! comments cleaned up as Markdown, and `compile_protos` marks every type
//! `#[allow(clippy::all)]`.

use std::io;
use std::path::{Path, PathBuf};

pub use super::prost::Config;
use crate::codegen::rust::{TonicGenerator, TonicOptions};
pub use prost_types::FileDescriptorSet;

/// tonic-prost-build's `Builder`, with its defaults.
#[derive(Debug, Clone)]
pub struct Builder {
    tonic: TonicOptions,
    file_descriptor_set_path: Option<PathBuf>,
    skip_protoc_run: bool,
    out_dir: Option<PathBuf>,
    extern_path: Vec<(String, String)>,
    field_attributes: Vec<(String, String)>,
    message_attributes: Vec<(String, String)>,
    enum_attributes: Vec<(String, String)>,
    type_attributes: Vec<(String, String)>,
    boxed: Vec<String>,
    btree_map: Option<Vec<String>>,
    bytes: Option<Vec<String>>,
    protoc_args: Vec<String>,
    include_file: Option<PathBuf>,
    emit_rerun_if_changed: bool,
    skip_debug: Vec<String>,
}

/// Whether this build script has made a tonic builder. A crate that
/// depends on tonic-prost-build gets prost-build's `cleanup-markdown` for
/// every `prost_build::Config` too (cargo unifies the feature); the
/// closest protoc-rs can come is to clean up comments in every `Config` of
/// a build script that uses [`configure`].
pub(crate) static USED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// A builder with tonic-prost-build's defaults.
///
/// ```
/// let dir = std::env::temp_dir().join(format!("protoc-rs-tonic-{}", std::process::id()));
/// std::fs::create_dir_all(dir.join("out")).unwrap();
/// std::fs::write(
///     dir.join("hello.proto"),
///     "syntax = \"proto3\";\npackage hello;\n\
///      message Ping {}\nservice Greeter { rpc Say(Ping) returns (Ping); }\n",
/// )
/// .unwrap();
/// protoc_rs::tonic::configure()
///     .build_client(false)
///     .out_dir(dir.join("out"))
///     .compile_protos(&[dir.join("hello.proto")], &[dir.clone()])
///     .unwrap();
/// let code = std::fs::read_to_string(dir.join("out/hello.rs")).unwrap();
/// assert!(code.contains("pub mod greeter_server") && !code.contains("greeter_client"));
/// assert!(code.contains("#[allow(clippy::all)]"));
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn configure() -> Builder {
    USED.store(true, std::sync::atomic::Ordering::Relaxed);
    Builder {
        tonic: TonicOptions::default(),
        file_descriptor_set_path: None,
        skip_protoc_run: false,
        out_dir: None,
        extern_path: Vec::new(),
        field_attributes: Vec::new(),
        message_attributes: Vec::new(),
        enum_attributes: Vec::new(),
        type_attributes: Vec::new(),
        boxed: Vec::new(),
        btree_map: None,
        bytes: None,
        protoc_args: Vec::new(),
        include_file: None,
        emit_rerun_if_changed: std::env::var_os("CARGO").is_some(),
        skip_debug: Vec::new(),
    }
}

/// Compiles one `.proto` file, its directory the include path, into
/// `$OUT_DIR`.
///
/// ```
/// let dir = std::env::temp_dir().join(format!("protoc-rs-one-{}", std::process::id()));
/// std::fs::create_dir_all(dir.join("out")).unwrap();
/// std::fs::write(dir.join("echo.proto"), "syntax = \"proto3\";\npackage echo;\nmessage Echo {}\n")
///     .unwrap();
/// std::env::set_var("OUT_DIR", dir.join("out")); // cargo sets it for build.rs
/// protoc_rs::tonic::compile_protos(dir.join("echo.proto")).unwrap();
/// assert!(dir.join("out/echo.rs").is_file());
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn compile_protos(proto: impl AsRef<Path>) -> io::Result<()> {
    let proto = proto.as_ref();
    let Some(dir) = proto.parent() else {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "proto file should reside in a directory",
        ));
    };
    configure().compile_protos(&[proto], &[dir])
}

/// Generates the code of a descriptor set into `$OUT_DIR`.
///
/// ```
/// use prost_types::{FileDescriptorProto, FileDescriptorSet};
/// let out = std::env::temp_dir().join(format!("protoc-rs-tfds-{}", std::process::id()));
/// std::fs::create_dir_all(&out).unwrap();
/// std::env::set_var("OUT_DIR", &out);
/// let set = FileDescriptorSet {
///     file: vec![FileDescriptorProto {
///         name: Some("e.proto".into()),
///         package: Some("e".into()),
///         enum_type: vec![prost_types::EnumDescriptorProto {
///             name: Some("Kind".into()),
///             value: vec![prost_types::EnumValueDescriptorProto {
///                 name: Some("KIND_UNSPECIFIED".into()),
///                 number: Some(0),
///                 ..Default::default()
///             }],
///             ..Default::default()
///         }],
///         ..Default::default()
///     }],
/// };
/// protoc_rs::tonic::compile_fds(set).unwrap();
/// assert!(std::fs::read_to_string(out.join("e.rs")).unwrap().contains("pub enum Kind"));
/// # std::fs::remove_dir_all(&out).unwrap();
/// ```
pub fn compile_fds(fds: FileDescriptorSet) -> io::Result<()> {
    configure().compile_fds(fds)
}

impl Builder {
    /// Generate clients (default: yes).
    pub fn build_client(mut self, enable: bool) -> Self {
        self.tonic.build_client = enable;
        self
    }

    /// Generate servers (default: yes).
    pub fn build_server(mut self, enable: bool) -> Self {
        self.tonic.build_server = enable;
        self
    }

    /// Generate clients' `connect`, which needs tonic's transport (default:
    /// yes).
    pub fn build_transport(mut self, enable: bool) -> Self {
        self.tonic.build_transport = enable;
        self
    }

    /// Where the Rust files go (default: `$OUT_DIR`).
    pub fn out_dir(mut self, out_dir: impl AsRef<Path>) -> Self {
        self.out_dir = Some(out_dir.as_ref().to_path_buf());
        self
    }

    /// Use `rust_path` for `proto_path` instead of generating it.
    pub fn extern_path(mut self, proto_path: impl AsRef<str>, rust_path: impl AsRef<str>) -> Self {
        self.extern_path.push((
            proto_path.as_ref().to_owned(),
            rust_path.as_ref().to_owned(),
        ));
        self
    }

    /// An attribute for matching fields.
    pub fn field_attribute<P: AsRef<str>, A: AsRef<str>>(mut self, path: P, attribute: A) -> Self {
        self.field_attributes
            .push((path.as_ref().to_owned(), attribute.as_ref().to_owned()));
        self
    }

    /// An attribute for matching messages.
    pub fn message_attribute<P: AsRef<str>, A: AsRef<str>>(
        mut self,
        path: P,
        attribute: A,
    ) -> Self {
        self.message_attributes
            .push((path.as_ref().to_owned(), attribute.as_ref().to_owned()));
        self
    }

    /// An attribute for matching enums and oneofs.
    pub fn enum_attribute<P: AsRef<str>, A: AsRef<str>>(mut self, path: P, attribute: A) -> Self {
        self.enum_attributes
            .push((path.as_ref().to_owned(), attribute.as_ref().to_owned()));
        self
    }

    /// An attribute for matching messages, enums and oneofs.
    pub fn type_attribute<P: AsRef<str>, A: AsRef<str>>(mut self, path: P, attribute: A) -> Self {
        self.type_attributes
            .push((path.as_ref().to_owned(), attribute.as_ref().to_owned()));
        self
    }

    /// Box matching message fields.
    pub fn boxed<P: AsRef<str>>(mut self, path: P) -> Self {
        self.boxed.push(path.as_ref().to_owned());
        self
    }

    /// Map fields matching `path` become `BTreeMap`s.
    pub fn btree_map<P: AsRef<str>>(mut self, path: P) -> Self {
        self.btree_map
            .get_or_insert_with(Vec::new)
            .push(path.as_ref().to_owned());
        self
    }

    /// Bytes fields matching `path` become `bytes::Bytes`.
    pub fn bytes<P: AsRef<str>>(mut self, path: P) -> Self {
        self.bytes
            .get_or_insert_with(Vec::new)
            .push(path.as_ref().to_owned());
        self
    }

    /// An attribute for the server module of services in matching packages.
    pub fn server_mod_attribute<P: AsRef<str>, A: AsRef<str>>(
        mut self,
        path: P,
        attribute: A,
    ) -> Self {
        self.tonic
            .server_mod_attributes
            .push((path.as_ref().to_owned(), attribute.as_ref().to_owned()));
        self
    }

    /// An attribute for matching servers (`package.Service`).
    pub fn server_attribute<P: AsRef<str>, A: AsRef<str>>(mut self, path: P, attribute: A) -> Self {
        self.tonic
            .server_attributes
            .push((path.as_ref().to_owned(), attribute.as_ref().to_owned()));
        self
    }

    /// An attribute for matching server traits (the service's Rust name).
    pub fn trait_attribute<P: AsRef<str>, A: AsRef<str>>(mut self, path: P, attribute: A) -> Self {
        self.tonic
            .trait_attributes
            .push((path.as_ref().to_owned(), attribute.as_ref().to_owned()));
        self
    }

    /// An attribute for the client module of services in matching packages.
    pub fn client_mod_attribute<P: AsRef<str>, A: AsRef<str>>(
        mut self,
        path: P,
        attribute: A,
    ) -> Self {
        self.tonic
            .client_mod_attributes
            .push((path.as_ref().to_owned(), attribute.as_ref().to_owned()));
        self
    }

    /// An attribute for matching clients (`package.Service`).
    pub fn client_attribute<P: AsRef<str>, A: AsRef<str>>(mut self, path: P, attribute: A) -> Self {
        self.tonic
            .client_attributes
            .push((path.as_ref().to_owned(), attribute.as_ref().to_owned()));
        self
    }

    /// The path from the service modules to the messages (default `super`).
    pub fn proto_path(mut self, proto_path: impl AsRef<str>) -> Self {
        self.tonic.proto_path = proto_path.as_ref().to_owned();
        self
    }

    /// Generate the `google.protobuf` types instead of using prost-types.
    pub fn compile_well_known_types(mut self, enable: bool) -> Self {
        self.tonic.compile_well_known_types = enable;
        self
    }

    /// `bool`, `i32`, ... may be request and response types.
    pub fn with_extended_rust_types(mut self, enable: bool) -> Self {
        self.tonic.extended_rust_types = enable;
        self
    }

    /// Accepted for compatibility: tonic-prost-build 0.14 always names the
    /// package in routes, and so does protoc-rs.
    pub fn emit_package(self, enable: bool) -> Self {
        let _ = enable;
        self
    }

    /// Also write the descriptor set (imports and source info included).
    pub fn file_descriptor_set_path(mut self, path: impl AsRef<Path>) -> Self {
        self.file_descriptor_set_path = Some(path.as_ref().to_path_buf());
        self
    }

    /// Generate from the set at `file_descriptor_set_path` without
    /// compiling.
    pub fn skip_protoc_run(mut self) -> Self {
        self.skip_protoc_run = true;
        self
    }

    /// A protoc flag (see [`Config::protoc_arg`]).
    pub fn protoc_arg<A: AsRef<str>>(mut self, arg: A) -> Self {
        self.protoc_args.push(arg.as_ref().to_owned());
        self
    }

    /// Also write a file that `include!`s every generated file.
    pub fn include_file(mut self, path: impl AsRef<Path>) -> Self {
        self.include_file = Some(path.as_ref().to_path_buf());
        self
    }

    /// Print `cargo:rerun-if-changed` and `rerun-if-env-changed` lines for
    /// everything read (default: when cargo runs the build script).
    pub fn emit_rerun_if_changed(mut self, enable: bool) -> Self {
        self.emit_rerun_if_changed = enable;
        self
    }

    /// No doc comments on these services and methods (`package.Service`,
    /// `package.Service.Method`, exact names).
    pub fn disable_comments<I, S>(mut self, path: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.tonic
            .disable_comments
            .extend(path.into_iter().map(|s| s.as_ref().to_owned()));
        self
    }

    /// Server trait methods take `self: Arc<Self>`.
    pub fn use_arc_self(mut self, enable: bool) -> Self {
        self.tonic.use_arc_self = enable;
        self
    }

    /// Server trait methods answer `unimplemented` unless implemented.
    pub fn generate_default_stubs(mut self, enable: bool) -> Self {
        self.tonic.generate_default_stubs = enable;
        self
    }

    /// The codec of generated services (default `tonic_prost::ProstCodec`).
    pub fn codec_path(mut self, path: impl AsRef<str>) -> Self {
        self.tonic.codec_path = path.as_ref().to_owned();
        self
    }

    /// Derive no `Debug` for matching messages, enums and oneofs.
    pub fn skip_debug<I, S>(mut self, paths: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.skip_debug
            .extend(paths.into_iter().map(|s| s.as_ref().to_owned()));
        self
    }

    /// Compiles `protos` and writes their code.
    pub fn compile_protos<P>(self, protos: &[P], includes: &[P]) -> io::Result<()>
    where
        P: AsRef<Path>,
    {
        self.compile_with_config(Config::new(), protos, includes)
    }

    /// Compiles `protos` with the messages configured by `config` too.
    pub fn compile_with_config<P>(
        self,
        mut config: Config,
        protos: &[P],
        includes: &[P],
    ) -> io::Result<()>
    where
        P: AsRef<Path>,
    {
        let emit = self.emit_rerun_if_changed;
        self.configure(&mut config, true)?;
        config.settings.emit_rerun_if_changed = emit;
        config.compile_protos(protos, includes)
    }

    /// Generates the code of a descriptor set.
    pub fn compile_fds(self, fds: FileDescriptorSet) -> io::Result<()> {
        self.compile_fds_with_config(fds, Config::new())
    }

    /// Generates the code of a descriptor set, messages configured by
    /// `config` too. (As in tonic-prost-build, no `#[allow(clippy::all)]`
    /// here.)
    pub fn compile_fds_with_config(
        self,
        fds: FileDescriptorSet,
        mut config: Config,
    ) -> io::Result<()> {
        self.configure(&mut config, false)?;
        config.compile_fds(fds)
    }

    /// This builder's services as a generator for [`Config::service_generator`].
    pub fn service_generator(self) -> Box<dyn super::prost::ServiceGenerator> {
        Box::new(TonicGenerator {
            options: self.tonic,
        })
    }

    /// Applies the builder to `config`, in tonic-prost-build's order.
    fn configure(self, config: &mut Config, allow_clippy: bool) -> io::Result<()> {
        self.tonic
            .validate()
            .map_err(|m| io::Error::new(io::ErrorKind::InvalidInput, m))?;
        let out_dir = match &self.out_dir {
            Some(dir) => dir.clone(),
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or_else(|| io::Error::other("OUT_DIR environment variable is not set"))?,
        };
        // tonic-prost-build turns on prost-build's `cleanup-markdown`.
        config.settings.codegen.cleanup_markdown = true;
        config.out_dir(out_dir);
        if allow_clippy {
            config.type_attribute(".", "#[allow(clippy::all)]");
        }
        for (proto_path, rust_path) in &self.extern_path {
            config.extern_path(proto_path, rust_path);
        }
        for (path, attribute) in &self.field_attributes {
            config.field_attribute(path, attribute);
        }
        for (path, attribute) in &self.message_attributes {
            config.message_attribute(path, attribute);
        }
        for (path, attribute) in &self.enum_attributes {
            config.enum_attribute(path, attribute);
        }
        for (path, attribute) in &self.type_attributes {
            config.type_attribute(path, attribute);
        }
        for path in &self.boxed {
            config.boxed(path);
        }
        if let Some(paths) = &self.btree_map {
            config.btree_map(paths);
        }
        if let Some(paths) = &self.bytes {
            config.bytes(paths);
        }
        if self.tonic.compile_well_known_types {
            config.compile_well_known_types();
        }
        for arg in &self.protoc_args {
            config.protoc_arg(arg);
        }
        if let Some(path) = &self.include_file {
            config.include_file(path);
        }
        if !self.skip_debug.is_empty() {
            config.skip_debug(&self.skip_debug);
        }
        if let Some(path) = &self.file_descriptor_set_path {
            config.file_descriptor_set_path(path);
        }
        if self.skip_protoc_run {
            config.skip_protoc_run();
        }
        if self.tonic.build_client || self.tonic.build_server {
            config.service_generator = Some(super::prost::ServiceCode::Tonic(self.tonic));
        }
        Ok(())
    }
}
