//! The build-script helper: `protoc_rs::configure()` (or
//! `Builder::new()`) with the option names of `prost_build::Config` and
//! `tonic_prost_build::Builder`, so that moving a `build.rs` over is a
//! matter of changing the crate name:
//!
//! ```no_run
//! fn main() -> std::io::Result<()> {
//!     protoc_rs::configure()
//!         .build_client(true)
//!         .compile_protos(&["protos/service.proto"], &["protos"])
//! }
//! ```
//!
//! It runs the whole pipeline (parse, check, descriptors, Rust) in the
//! build script's process, prints diagnostics to stderr where cargo shows
//! them, emits `cargo:rerun-if-changed` for every input and imported file,
//! and writes nothing unless everything succeeded.

use std::io;
use std::path::{Path, PathBuf};

use crate::codegen;
use crate::compile::{self, output};
use crate::descriptors::SetOptions;
use crate::diagnostics::render::ErrorFormat;

/// A new builder with prost-build's and tonic-prost-build's defaults.
pub fn configure() -> Builder {
    Builder::new()
}

/// Settings for [`Builder::compile_protos`].
#[derive(Clone, Debug)]
pub struct Builder {
    config: codegen::Config,
    out_dir: Option<PathBuf>,
    include_file: Option<PathBuf>,
    file_descriptor_set_path: Option<PathBuf>,
    emit_rerun_if_changed: bool,
}

impl Default for Builder {
    fn default() -> Builder {
        Builder::new()
    }
}

impl Builder {
    pub fn new() -> Builder {
        Builder {
            config: codegen::Config::default(),
            out_dir: None,
            include_file: None,
            file_descriptor_set_path: None,
            emit_rerun_if_changed: true,
        }
    }

    /// Where to write the Rust files (default: `$OUT_DIR`).
    pub fn out_dir(mut self, dir: impl AsRef<Path>) -> Self {
        self.out_dir = Some(dir.as_ref().to_owned());
        self
    }

    /// Also write a file, in the output directory, that `include!`s every
    /// generated file inside nested `pub mod`s named after the packages.
    pub fn include_file(mut self, name: impl AsRef<Path>) -> Self {
        self.include_file = Some(name.as_ref().to_owned());
        self
    }

    /// Use `rust_path` for the protobuf type or package `proto_path`
    /// (fully qualified, leading dot) instead of generating it.
    pub fn extern_path(mut self, proto_path: impl AsRef<str>, rust_path: impl AsRef<str>) -> Self {
        self.config.extern_paths.push((
            proto_path.as_ref().to_owned(),
            rust_path.as_ref().to_owned(),
        ));
        self
    }

    /// An attribute for matching messages, enums and oneofs.
    pub fn type_attribute(mut self, path: impl AsRef<str>, attribute: impl AsRef<str>) -> Self {
        self.config
            .type_attributes
            .push((path.as_ref().to_owned(), attribute.as_ref().to_owned()));
        self
    }

    /// An attribute for matching messages.
    pub fn message_attribute(mut self, path: impl AsRef<str>, attribute: impl AsRef<str>) -> Self {
        self.config
            .message_attributes
            .push((path.as_ref().to_owned(), attribute.as_ref().to_owned()));
        self
    }

    /// An attribute for matching enums and oneofs.
    pub fn enum_attribute(mut self, path: impl AsRef<str>, attribute: impl AsRef<str>) -> Self {
        self.config
            .enum_attributes
            .push((path.as_ref().to_owned(), attribute.as_ref().to_owned()));
        self
    }

    /// An attribute for matching fields (`message.field`).
    pub fn field_attribute(mut self, path: impl AsRef<str>, attribute: impl AsRef<str>) -> Self {
        self.config
            .field_attributes
            .push((path.as_ref().to_owned(), attribute.as_ref().to_owned()));
        self
    }

    /// Generate matching map fields as `BTreeMap`.
    pub fn btree_map(mut self, path: impl AsRef<str>) -> Self {
        self.config.btree_map.push(path.as_ref().to_owned());
        self
    }

    /// Generate matching bytes fields as `bytes::Bytes`.
    pub fn bytes(mut self, path: impl AsRef<str>) -> Self {
        self.config.bytes.push(path.as_ref().to_owned());
        self
    }

    /// Box matching message fields.
    pub fn boxed(mut self, path: impl AsRef<str>) -> Self {
        self.config.boxed.push(path.as_ref().to_owned());
        self
    }

    /// Generate tonic servers (default: yes).
    pub fn build_server(mut self, enable: bool) -> Self {
        self.config.build_server = enable;
        self
    }

    /// Generate tonic clients (default: yes).
    pub fn build_client(mut self, enable: bool) -> Self {
        self.config.build_client = enable;
        self
    }

    /// Generate clients' `connect`, which needs tonic's transport
    /// (default: yes).
    pub fn build_transport(mut self, enable: bool) -> Self {
        self.config.build_transport = enable;
        self
    }

    /// Generate the `google.protobuf` types instead of using prost-types.
    pub fn compile_well_known_types(mut self, enable: bool) -> Self {
        self.config.compile_well_known_types = enable;
        self
    }

    /// Leave out the comments of matching paths (`.` for all).
    pub fn disable_comments<I, S>(mut self, paths: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.config
            .disable_comments
            .extend(paths.into_iter().map(|p| p.as_ref().to_owned()));
        self
    }

    /// Also write the descriptor set (imports and source info included).
    pub fn file_descriptor_set_path(mut self, path: impl AsRef<Path>) -> Self {
        self.file_descriptor_set_path = Some(path.as_ref().to_owned());
        self
    }

    /// Print `cargo:rerun-if-changed` lines (default: yes).
    pub fn emit_rerun_if_changed(mut self, enable: bool) -> Self {
        self.emit_rerun_if_changed = enable;
        self
    }

    /// Compiles `protos` with `includes` as include paths and writes the
    /// Rust code. Errors are printed as diagnostics on stderr and returned.
    pub fn compile_protos<P: AsRef<Path>>(self, protos: &[P], includes: &[P]) -> io::Result<()> {
        self.config
            .validate()
            .map_err(|message| io::Error::new(io::ErrorKind::InvalidInput, message))?;
        let out_dir = match &self.out_dir {
            Some(dir) => dir.clone(),
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or_else(|| {
                    io::Error::new(
                        io::ErrorKind::NotFound,
                        "OUT_DIR is not set; call out_dir()",
                    )
                })?,
        };
        let path_text = |p: &P| p.as_ref().to_string_lossy().into_owned();
        let compilation = compile::compile(&compile::Options {
            include_paths: includes.iter().map(path_text).collect(),
            inputs: protos.iter().map(path_text).collect(),
            protoc_include: std::env::var("PROTOC_INCLUDE").ok(),
            ..Default::default()
        });
        if self.emit_rerun_if_changed {
            for path in compilation.disk_paths() {
                println!("cargo:rerun-if-changed={path}");
            }
        }
        let mut stderr = codespan_reporting::term::termcolor::StandardStream::stderr(
            codespan_reporting::term::termcolor::ColorChoice::Never,
        );
        let _ = compile::report(&mut stderr, &compilation, ErrorFormat::Human);
        if compilation.has_errors() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "protoc-rs: the .proto files have errors (see above)",
            ));
        }
        let mut files = match compilation.rust_code(&self.config) {
            Ok(files) => files,
            Err(diagnostics) => {
                let _ = crate::diagnostics::render::emit(
                    &mut stderr,
                    &compilation.sources,
                    &diagnostics,
                    ErrorFormat::Human,
                );
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "protoc-rs: names collide in the generated Rust (see above)",
                ));
            }
        };
        if let Some(name) = &self.include_file {
            files.push(codegen::GeneratedFile {
                name: name.to_string_lossy().into_owned(),
                content: codegen::include_file(&files),
            });
        }
        output::write_files(&out_dir, &files)?;
        if let Some(path) = &self.file_descriptor_set_path {
            let set = compilation.file_descriptor_set(SetOptions {
                include_imports: true,
                include_source_info: true,
                retain_options: false,
            });
            let bytes = prost::Message::encode_to_vec(&set);
            output::write_bytes_if_changed(path, &bytes)?;
        }
        Ok(())
    }
}
