//! `--grpc_python_out`: grpcio-tools' gRPC generator, which writes a
//! `_pb2_grpc.py` module per file (stubs, servicers, `add_*_to_server` and
//! the experimental static class for every service), byte for byte as
//! grpcio-tools writes it.
//!
//! The parameter is `[VERSION][,PREFIX]`: `grpc_2_0` (the default) writes
//! only `_pb2_grpc.py`; `grpc_1_0` also inserts the deprecated Beta API into
//! `_pb2.py` at its `module_scope` insertion point. `PREFIX` is stripped
//! from the front of every imported module name.
//!
//! grpcio-tools' generator has quirks that the output depends on, kept
//! here on purpose: the output path is the file name less its last six
//! bytes (whatever they are) with `.` turned into `/`, while the module
//! names come from the name less `.proto`; and a method whose message is
//! declared in a file whose name fails the generator's `.proto` check makes
//! it fail without a message.

use std::collections::BTreeMap;
use std::collections::BTreeSet;

use super::printer::Printer;
use super::{alias_of_module, module_name, strip_proto, OutputFile, Pool, GRPC_VERSION};
use crate::descriptors::pb;

/// What protoc reports for a generator that fails without saying why
/// (the caller names the file in front, as protoc does).
const NO_DESCRIPTION: &str = "Code generator returned false but provided no error description.";

/// `FileDescriptorProto.service`, `ServiceDescriptorProto.method`: the
/// source-info path steps to services and methods.
const FILE_SERVICE_FIELD: i32 = 6;
const SERVICE_METHOD_FIELD: i32 = 2;

pub(crate) fn generate(
    pool: &Pool,
    file: &pb::FileDescriptorProto,
    parameter: &str,
) -> Result<Vec<OutputFile>, String> {
    let base = output_base(file.name())
        .ok_or("Invalid proto file name. Proto file must end with .proto")?;
    let options = Options::parse(parameter)?;
    let generator = FileGenerator {
        pool,
        file,
        strip_prefix: options.strip_prefix.as_deref(),
    };
    let mut outputs = vec![OutputFile::whole(
        format!("{base}_pb2_grpc.py"),
        generator.pb2_grpc_module()?,
    )];
    if options.with_beta {
        outputs.push(OutputFile {
            name: format!("{base}_pb2.py"),
            insertion_point: "module_scope".to_owned(),
            content: generator.beta_insertion()?,
        });
    }
    Ok(outputs)
}

/// The generator's parameter, read as grpcio-tools reads it.
#[derive(Debug, PartialEq, Eq)]
struct Options {
    /// `grpc_1_0`: the Beta API goes into `_pb2.py` as well.
    with_beta: bool,
    /// Stripped from the front of imported module names.
    strip_prefix: Option<String>,
}

impl Options {
    fn parse(parameter: &str) -> Result<Options, String> {
        let parts = split_parameter(parameter);
        let (version, strip_prefix) = match parts.as_slice() {
            [""] => ("grpc_2_0", None),
            [version] => (*version, None),
            [version, prefix] => (*version, Some((*prefix).to_owned())),
            _ => {
                return Err(
                    "--grpc_python_out received too many comma-delimited parameters.".to_owned(),
                )
            }
        };
        let with_beta = match version {
            "grpc_2_0" => false,
            "grpc_1_0" => true,
            _ => return Err(format!("Invalid grpc version '{version}'.")),
        };
        Ok(Options {
            with_beta,
            strip_prefix,
        })
    }
}

/// Splits at commas as grpcio-tools does: an empty text is one empty part,
/// and a trailing comma ends the last part without starting another.
fn split_parameter(parameter: &str) -> Vec<&str> {
    if parameter.is_empty() {
        return vec![""];
    }
    parameter
        .strip_suffix(',')
        .unwrap_or(parameter)
        .split(',')
        .collect()
}

/// grpcio-tools' test for a `.proto` name: longer than `.proto` and ending
/// in one of the characters of `.proto` (it means to check the suffix but
/// tests only the last byte).
fn passes_proto_check(name: &str) -> bool {
    name.len() > ".proto".len() && name.ends_with(['.', 'p', 'r', 'o', 't'])
}

/// The path of the output files less their `_pb2_grpc.py` / `_pb2.py`
/// suffix: the name without its last six bytes, `-` as `_` and `.` as `/`.
/// `None` when the name fails the `.proto` check, or when cutting six bytes
/// would split a character (grpcio-tools would write a name that is not
/// UTF-8; such a name cannot be returned).
fn output_base(name: &str) -> Option<String> {
    if !passes_proto_check(name) {
        return None;
    }
    let stem = name.get(..name.len() - ".proto".len())?;
    Some(stem.replace('-', "_").replace('.', "/"))
}

/// A method, with what the generated code needs of it.
struct Method<'a> {
    name: &'a str,
    client_streaming: bool,
    server_streaming: bool,
    comments: Vec<String>,
    /// The request and response classes as the generated code names them.
    request: String,
    response: String,
}

impl Method<'_> {
    /// `unary_unary`, `stream_unary`, …: the gRPC call shape.
    fn arity(&self) -> String {
        format!(
            "{}_{}",
            streaming_word(self.client_streaming),
            streaming_word(self.server_streaming)
        )
    }

    /// The request parameter's name.
    fn request_parameter(&self) -> &'static str {
        if self.client_streaming {
            "request_iterator"
        } else {
            "request"
        }
    }
}

fn streaming_word(streaming: bool) -> &'static str {
    if streaming {
        "stream"
    } else {
        "unary"
    }
}

struct Service<'a> {
    name: &'a str,
    /// `pkg.Service`, as in the method paths.
    qualified: String,
    comments: Vec<String>,
    methods: Vec<Method<'a>>,
}

/// One file's generation.
struct FileGenerator<'p, 'a> {
    pool: &'p Pool<'a>,
    file: &'a pb::FileDescriptorProto,
    strip_prefix: Option<&'p str>,
}

impl<'a> FileGenerator<'_, 'a> {
    /// The Python module a .proto file's messages are in, as imports name
    /// it.
    fn module(&self, file_name: &str) -> String {
        let module = module_name(file_name);
        match self.strip_prefix {
            Some(prefix) => module
                .strip_prefix(prefix)
                .map(str::to_owned)
                .unwrap_or(module),
            None => module,
        }
    }

    /// The name the module is imported as: `_` doubled, `.` as `_dot_`.
    fn module_alias(&self, file_name: &str) -> String {
        alias_of_module(&self.module(file_name))
    }

    /// A message as the generated code names it: through its module's
    /// alias, except a message of the file itself in `_pb2.py`.
    fn class_reference(&self, type_name: &str, in_pb2_grpc: bool) -> Result<String, String> {
        let declared = self
            .pool
            .lookup(type_name)
            .ok_or_else(|| format!("method type {type_name} is not among the request's files"))?;
        let declaring_file = declared.file.name();
        if !passes_proto_check(declaring_file) {
            return Err(NO_DESCRIPTION.to_owned());
        }
        let path = declared.path.join(".");
        if in_pb2_grpc || declaring_file != self.file.name() {
            Ok(format!("{}.{path}", self.module_alias(declaring_file)))
        } else {
            Ok(path)
        }
    }

    fn services(&self, in_pb2_grpc: bool) -> Result<Vec<Service<'a>>, String> {
        let package = self.file.package();
        let mut services = Vec::new();
        for (service_index, service) in self.file.service.iter().enumerate() {
            let service_path = [FILE_SERVICE_FIELD, index_step(service_index)];
            let mut methods = Vec::new();
            for (method_index, method) in service.method.iter().enumerate() {
                let method_path = [
                    service_path[0],
                    service_path[1],
                    SERVICE_METHOD_FIELD,
                    index_step(method_index),
                ];
                methods.push(Method {
                    name: method.name(),
                    client_streaming: method.client_streaming(),
                    server_streaming: method.server_streaming(),
                    comments: comments(self.file, &method_path),
                    request: self.class_reference(method.input_type(), in_pb2_grpc)?,
                    response: self.class_reference(method.output_type(), in_pb2_grpc)?,
                });
            }
            services.push(Service {
                name: service.name(),
                qualified: if package.is_empty() {
                    service.name().to_owned()
                } else {
                    format!("{package}.{}", service.name())
                },
                comments: comments(self.file, &service_path),
                methods,
            });
        }
        Ok(services)
    }

    /// `_pb2_grpc.py`.
    fn pb2_grpc_module(&self) -> Result<String, String> {
        let services = self.services(true)?;
        let mut p = Printer::new(4);
        p.print(
            "# Generated by the gRPC Python protocol compiler plugin. DO NOT EDIT!\n\
             \"\"\"Client and server classes corresponding to protobuf-defined services.\"\"\"\n",
        );
        p.print("import grpc\nimport warnings\n\n");
        self.print_imports(&mut p);
        self.print_version_guard(&mut p);
        print_services(&mut p, &services);
        Ok(p.finish())
    }

    /// What `grpc_1_0` inserts into `_pb2.py`: the services again, and the
    /// Beta API, all inside a `try` that gives up if grpc cannot be
    /// imported.
    fn beta_insertion(&self) -> Result<String, String> {
        let services = self.services(false)?;
        let mut p = Printer::new(4);
        p.print("try:\n");
        p.indented(|p| {
            p.print(
                "# THESE ELEMENTS WILL BE DEPRECATED.\n\
                 # Please use the generated *_pb2_grpc.py files instead.\n",
            );
            p.print("import grpc\nimport warnings\n");
            p.print(
                "from grpc.beta import implementations as beta_implementations\n\
                 from grpc.beta import interfaces as beta_interfaces\n\
                 from grpc.framework.common import cardinality\n\
                 from grpc.framework.interfaces.face import utilities as face_utilities\n",
            );
            print_services(p, &services);
            for service in &services {
                print_beta_servicer(p, service);
                print_beta_stub(p, service);
                print_beta_server_factory(p, service);
                print_beta_stub_factory(p, service);
            }
        });
        p.print("except ImportError:\n");
        p.indented(|p| {
            p.print("pass");
        });
        Ok(p.finish())
    }

    /// One import per module the methods' messages come from, sorted by
    /// module name.
    fn print_imports(&self, p: &mut Printer) {
        let mut imports = BTreeSet::new();
        for service in &self.file.service {
            for method in &service.method {
                for type_name in [method.input_type(), method.output_type()] {
                    // A type the pool lacks fails later, in the services.
                    if let Some(declared) = self.pool.lookup(type_name) {
                        let file_name = declared.file.name();
                        imports.insert((self.module(file_name), self.module_alias(file_name)));
                    }
                }
            }
        }
        for (module, alias) in &imports {
            let statement = match module.rsplit_once('.') {
                Some((package, last)) => format!("from {package} import {last}"),
                None => format!("import {module}"),
            };
            p.print_with(
                "$statement$ as $alias$\n",
                &[("statement", &statement), ("alias", alias)],
            );
        }
    }

    /// The check that the installed grpc is at least the generating
    /// version.
    fn print_version_guard(&self, p: &mut Printer) {
        p.print_with(
            "\nGRPC_GENERATED_VERSION = '$version$'\n",
            &[("version", GRPC_VERSION)],
        );
        p.print("GRPC_VERSION = grpc.__version__\n_version_not_supported = False\n\n");
        p.print("try:\n");
        p.indented(|p| {
            p.print(
                "from grpc._utilities import first_version_is_lower\n\
                 _version_not_supported = first_version_is_lower(GRPC_VERSION, GRPC_GENERATED_VERSION)\n",
            );
        });
        p.print("except ImportError:\n");
        p.indented(|p| {
            p.print("_version_not_supported = True\n");
        });
        p.print("\nif _version_not_supported:\n");
        let module_file = strip_proto(self.file.name()).replace('-', "_");
        p.indented(|p| {
            p.print("raise RuntimeError(\n");
            p.indented(|p| {
                p.print_with(
                    "f'The grpc package installed is at version {GRPC_VERSION},'\n\
                     + ' but the generated code in $module$_pb2_grpc.py depends on'\n\
                     + f' grpcio>={GRPC_GENERATED_VERSION}.'\n\
                     + f' Please upgrade your grpc module to grpcio>={GRPC_GENERATED_VERSION}'\n\
                     + f' or downgrade your generated code using grpcio-tools<={GRPC_VERSION}.'\n",
                    &[("module", &module_file)],
                );
            });
            p.print(")\n");
        })
    }
}

/// A repeated field's index as a source-info path step.
fn index_step(index: usize) -> i32 {
    i32::try_from(index).unwrap_or(i32::MAX)
}

/// The comment lines of the declaration at `path`: its detached comments
/// (each followed by an empty line), then its leading and trailing
/// comments.
fn comments(file: &pb::FileDescriptorProto, path: &[i32]) -> Vec<String> {
    let Some(info) = &file.source_code_info else {
        return Vec::new();
    };
    // protobuf keeps the last location of a path, and ignores one whose
    // span is malformed.
    let Some(location) = info.location.iter().rev().find(|l| l.path == path) else {
        return Vec::new();
    };
    if !matches!(location.span.len(), 3 | 4) {
        return Vec::new();
    }
    let mut lines = Vec::new();
    for detached in &location.leading_detached_comments {
        lines.extend(comment_lines(detached));
        lines.push(String::new());
    }
    lines.extend(comment_lines(location.leading_comments()));
    lines.extend(comment_lines(location.trailing_comments()));
    lines
}

/// A comment's lines, as `std::getline` reads them: a final newline ends
/// the last line rather than starting an empty one.
fn comment_lines(comment: &str) -> impl Iterator<Item = String> + '_ {
    comment.split_terminator('\n').map(str::to_owned)
}

/// A docstring of comment lines (each without its leading spaces), or a
/// stock one when there are none: Python needs a body.
fn print_docstring(p: &mut Printer, comments: &[String]) {
    if comments.is_empty() {
        p.print("\"\"\"Missing associated documentation comment in .proto file.\"\"\"\n");
        return;
    }
    p.print("\"\"\"");
    for line in comments {
        p.raw(line.trim_start_matches(' '));
        p.print("\n");
    }
    p.print("\"\"\"\n");
}

fn print_services(p: &mut Printer, services: &[Service]) {
    for service in services {
        print_stub(p, service);
        print_servicer(p, service);
        print_add_servicer(p, service);
        print_static_class(p, service);
    }
}

fn print_stub(p: &mut Printer, service: &Service) {
    p.print("\n\n");
    p.print_with("class $service$Stub:\n", &[("service", service.name)]);
    p.indented(|p| {
        print_docstring(p, &service.comments);
        p.print("\ndef __init__(self, channel):\n");
        p.indented(|p| {
            p.print("\"\"\"Constructor.\n\nArgs:\n");
            p.indented(|p| {
                p.print("channel: A grpc.Channel.\n");
            });
            p.print("\"\"\"\n");
            for method in &service.methods {
                let arity = method.arity();
                p.print_with(
                    "self.$method$ = channel.$arity$(\n",
                    &[("method", method.name), ("arity", &arity)],
                );
                p.indented(|p| {
                    p.indented(|p| {
                        p.print_with(
                            "'/$service$/$method$',\n\
                             request_serializer=$request$.SerializeToString,\n\
                             response_deserializer=$response$.FromString,\n\
                             _registered_method=True)\n",
                            &[
                                ("service", &service.qualified),
                                ("method", method.name),
                                ("request", &method.request),
                                ("response", &method.response),
                            ],
                        );
                    })
                });
            }
        })
    })
}

fn print_servicer(p: &mut Printer, service: &Service) {
    p.print("\n\n");
    p.print_with("class $service$Servicer:\n", &[("service", service.name)]);
    p.indented(|p| {
        print_docstring(p, &service.comments);
        for method in &service.methods {
            p.print("\n");
            p.print_with(
                "def $method$(self, $request$, context):\n",
                &[
                    ("method", method.name),
                    ("request", method.request_parameter()),
                ],
            );
            p.indented(|p| {
                print_docstring(p, &method.comments);
                p.print(
                    "context.set_code(grpc.StatusCode.UNIMPLEMENTED)\n\
                     context.set_details('Method not implemented!')\n\
                     raise NotImplementedError('Method not implemented!')\n",
                );
            });
        }
    })
}

fn print_add_servicer(p: &mut Printer, service: &Service) {
    p.print("\n\n");
    p.print_with(
        "def add_$service$Servicer_to_server(servicer, server):\n",
        &[("service", service.name)],
    );
    p.indented(|p| {
        p.print("rpc_method_handlers = {\n");
        p.indented(|p| {
            p.indented(|p| {
                for method in &service.methods {
                    let arity = method.arity();
                    p.print_with(
                        "'$method$': grpc.$arity$_rpc_method_handler(\n",
                        &[("method", method.name), ("arity", &arity)],
                    );
                    p.indented(|p| {
                        p.indented(|p| {
                            p.print_with(
                                "servicer.$method$,\n\
                                 request_deserializer=$request$.FromString,\n\
                                 response_serializer=$response$.SerializeToString,\n",
                                &[
                                    ("method", method.name),
                                    ("request", &method.request),
                                    ("response", &method.response),
                                ],
                            );
                        })
                    });
                    p.print("),\n");
                }
            })
        });
        p.print("}\n");
        p.print("generic_handler = grpc.method_handlers_generic_handler(\n");
        p.indented(|p| {
            p.indented(|p| {
                p.print_with(
                    "'$service$', rpc_method_handlers)\n",
                    &[("service", &service.qualified)],
                );
            })
        });
        p.print("server.add_generic_rpc_handlers((generic_handler,))\n");
        p.print_with(
            "server.add_registered_method_handlers('$service$', rpc_method_handlers)\n",
            &[("service", &service.qualified)],
        );
    })
}

/// The class named as the service, whose static methods make one call
/// each (grpc's experimental API).
fn print_static_class(p: &mut Printer, service: &Service) {
    p.print("\n\n");
    p.print(" # This class is part of an EXPERIMENTAL API.\n");
    p.print_with("class $service$:\n", &[("service", service.name)]);
    p.indented(|p| {
        print_docstring(p, &service.comments);
        for method in &service.methods {
            p.print("\n@staticmethod\n");
            p.print_with("def $method$(", &[("method", method.name)]);
            let request = method.request_parameter();
            p.indented(|p| {
                p.indented(|p| {
                    p.print_with("$request$,\n", &[("request", request)]);
                    p.print(
                        "target,\n\
                         options=(),\n\
                         channel_credentials=None,\n\
                         call_credentials=None,\n\
                         insecure=False,\n\
                         compression=None,\n\
                         wait_for_ready=None,\n\
                         timeout=None,\n\
                         metadata=None):\n",
                    );
                })
            });
            let arity = method.arity();
            p.indented(|p| {
                p.print_with("return grpc.experimental.$arity$(\n", &[("arity", &arity)]);
                p.indented(|p| {
                    p.print_with(
                        "$request$,\n\
                         target,\n\
                         '/$service$/$method$',\n",
                        &[
                            ("request", request),
                            ("service", &service.qualified),
                            ("method", method.name),
                        ],
                    );
                    p.print_with(
                        "$request_class$.SerializeToString,\n\
                         $response_class$.FromString,\n",
                        &[
                            ("request_class", &method.request),
                            ("response_class", &method.response),
                        ],
                    );
                    p.print(
                        "options,\n\
                         channel_credentials,\n\
                         insecure,\n\
                         call_credentials,\n\
                         compression,\n\
                         wait_for_ready,\n\
                         timeout,\n\
                         metadata,\n\
                         _registered_method=True)\n",
                    );
                })
            });
        }
    })
}

/// The docstring every Beta class opens with.
const BETA_CLASS_DOCSTRING: &str = "\"\"\"The Beta API is deprecated for 0.15.0 and later.\n\
    \n\
    It is recommended to use the GA API (classes and functions in this\n\
    file not marked beta) for all further purposes. This class was generated\n\
    only to ease transition from grpcio<0.15.0 to grpcio>=0.15.0.\"\"\"\n";

/// The docstring every Beta factory function opens with.
const BETA_FUNCTION_DOCSTRING: &str = "\"\"\"The Beta API is deprecated for 0.15.0 and later.\n\
    \n\
    It is recommended to use the GA API (classes and functions in this\n\
    file not marked beta) for all further purposes. This function was\n\
    generated only to ease transition from grpcio<0.15.0 to grpcio>=0.15.0\"\"\"\n";

fn print_beta_servicer(p: &mut Printer, service: &Service) {
    p.print("\n\n");
    p.print_with(
        "class Beta$service$Servicer:\n",
        &[("service", service.name)],
    );
    p.indented(|p| {
        p.print(BETA_CLASS_DOCSTRING);
        print_docstring(p, &service.comments);
        for method in &service.methods {
            p.print_with(
                "def $method$(self, $request$, context):\n",
                &[
                    ("method", method.name),
                    ("request", method.request_parameter()),
                ],
            );
            p.indented(|p| {
                print_docstring(p, &method.comments);
                p.print("context.code(beta_interfaces.StatusCode.UNIMPLEMENTED)\n");
            });
        }
    })
}

fn print_beta_stub(p: &mut Printer, service: &Service) {
    p.print("\n\n");
    p.print_with("class Beta$service$Stub:\n", &[("service", service.name)]);
    p.indented(|p| {
        p.print(BETA_CLASS_DOCSTRING);
        print_docstring(p, &service.comments);
        for method in &service.methods {
            p.print_with(
                "def $method$(self, $request$, timeout, metadata=None, with_call=False, protocol_options=None):\n",
                &[
                    ("method", method.name),
                    ("request", method.request_parameter()),
                ],
            );
            p.indented(|p| {
                print_docstring(p, &method.comments);
                p.print("raise NotImplementedError()\n");
            });
            if !method.server_streaming {
                p.print_with("$method$.future = None\n", &[("method", method.name)]);
            }
        }
    })
}

/// The methods by name, as the Beta factories list them.
fn methods_by_name<'s, 'a>(service: &'s Service<'a>) -> BTreeMap<&'a str, &'s Method<'a>> {
    let mut by_name = BTreeMap::new();
    for method in &service.methods {
        // The first of two methods of one name wins (protoc rejects that).
        by_name.entry(method.name).or_insert(method);
    }
    by_name
}

/// One `dict` of the Beta factories: an entry per method, by name.
fn print_beta_dict(
    p: &mut Printer,
    opening: &str,
    methods: &BTreeMap<&str, &Method>,
    entry: impl Fn(&Method) -> String,
) {
    p.print(opening);
    for method in methods.values() {
        let text = entry(method);
        p.indented(|p| {
            p.print(&text);
        });
    }
    p.print("}\n");
}

fn print_beta_server_factory(p: &mut Printer, service: &Service) {
    p.print("\n\n");
    p.print_with(
        "def beta_create_$service$_server(servicer, pool=None, pool_size=None, default_timeout=None, maximum_timeout=None):\n",
        &[("service", service.name)],
    );
    let methods = methods_by_name(service);
    let key = |method: &Method| format!("('{}', '{}')", service.qualified, method.name);
    p.indented(|p| {
        p.print(BETA_FUNCTION_DOCSTRING);
        print_beta_dict(p, "request_deserializers = {\n", &methods, |method| {
            format!("{}: {}.FromString,\n", key(method), method.request)
        });
        print_beta_dict(p, "response_serializers = {\n", &methods, |method| {
            format!("{}: {}.SerializeToString,\n", key(method), method.response)
        });
        print_beta_dict(p, "method_implementations = {\n", &methods, |method| {
            format!(
                "{}: face_utilities.{}_inline(servicer.{}),\n",
                key(method),
                method.arity(),
                method.name
            )
        });
        p.print(
            "server_options = beta_implementations.server_options(\
             request_deserializers=request_deserializers, \
             response_serializers=response_serializers, \
             thread_pool=pool, thread_pool_size=pool_size, \
             default_timeout=default_timeout, \
             maximum_timeout=maximum_timeout)\n",
        );
        p.print(
            "return beta_implementations.server(method_implementations, options=server_options)\n",
        );
    })
}

fn print_beta_stub_factory(p: &mut Printer, service: &Service) {
    p.print("\n\n");
    p.print_with(
        "def beta_create_$service$_stub(channel, host=None, metadata_transformer=None, pool=None, pool_size=None):\n",
        &[("service", service.name)],
    );
    let methods = methods_by_name(service);
    let key = |method: &Method| format!("('{}', '{}')", service.qualified, method.name);
    p.indented(|p| {
        p.print(BETA_FUNCTION_DOCSTRING);
        print_beta_dict(p, "request_serializers = {\n", &methods, |method| {
            format!("{}: {}.SerializeToString,\n", key(method), method.request)
        });
        print_beta_dict(p, "response_deserializers = {\n", &methods, |method| {
            format!("{}: {}.FromString,\n", key(method), method.response)
        });
        print_beta_dict(p, "cardinalities = {\n", &methods, |method| {
            format!(
                "'{}': cardinality.Cardinality.{},\n",
                method.name,
                method.arity().to_uppercase()
            )
        });
        p.print(
            "stub_options = beta_implementations.stub_options(\
             host=host, metadata_transformer=metadata_transformer, \
             request_serializers=request_serializers, \
             response_deserializers=response_deserializers, \
             thread_pool=pool, thread_pool_size=pool_size)\n",
        );
        p.print_with(
            "return beta_implementations.dynamic_stub(channel, '$service$', cardinalities, options=stub_options)\n",
            &[("service", &service.qualified)],
        );
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(parameter: &str) -> Result<Options, String> {
        Options::parse(parameter)
    }

    #[test]
    fn parameters_as_grpcio_tools_reads_them() {
        let plain = Options {
            with_beta: false,
            strip_prefix: None,
        };
        assert_eq!(options(""), Ok(plain));
        assert_eq!(options(",").map(|o| o.with_beta), Ok(false));
        assert_eq!(options("grpc_2_0,").map(|o| o.strip_prefix), Ok(None));
        assert_eq!(
            options("grpc_1_0,pkg."),
            Ok(Options {
                with_beta: true,
                strip_prefix: Some("pkg.".to_owned()),
            })
        );
        assert_eq!(
            options(",,"),
            Err("Invalid grpc version ''.".to_owned()),
            "two empty parts: an empty version"
        );
        assert_eq!(
            options("grpc_3_0"),
            Err("Invalid grpc version 'grpc_3_0'.".to_owned())
        );
        assert_eq!(
            options("a,b,c"),
            Err("--grpc_python_out received too many comma-delimited parameters.".to_owned())
        );
    }

    #[test]
    fn output_paths_cut_six_bytes() {
        assert_eq!(output_base("a/b-c.proto").as_deref(), Some("a/b_c"));
        assert_eq!(
            output_base("dotted.name.proto").as_deref(),
            Some("dotted/name")
        );
        // Only the last byte is checked, and six bytes go whatever they are.
        assert_eq!(output_base("xyz.a.to").as_deref(), Some("xy"));
        assert_eq!(output_base("x.a.to"), None);
        assert_eq!(output_base("legacy.protodevel"), None);
    }

    #[test]
    fn comment_lines_as_getline_reads_them() {
        let lines = |text: &str| comment_lines(text).collect::<Vec<_>>();
        assert_eq!(lines(""), Vec::<String>::new());
        assert_eq!(lines("\n"), vec![""]);
        assert_eq!(lines(" a\n\n b\n"), vec![" a", "", " b"]);
        assert_eq!(lines(" no newline"), vec![" no newline"]);
    }

    #[test]
    fn printer_indents_lines_with_text() {
        let mut p = Printer::new(4);
        p.print("class A:\n");
        p.indent();
        p.print("\"\"\"");
        p.raw("first");
        p.print("\n\n");
        p.raw("second");
        p.print("\n");
        p.print_with("x = $value$\n", &[("value", "a\nb")]);
        p.outdent();
        p.print("end\n");
        assert_eq!(
            p.finish(),
            "class A:\n    \"\"\"first\n\n    second\n    x = a\nb\nend\n"
        );
    }

    #[test]
    fn docstrings_drop_leading_spaces_only() {
        let mut p = Printer::new(4);
        p.indent();
        print_docstring(
            &mut p,
            &[" one".to_owned(), "   ".to_owned(), "\ttab".to_owned()],
        );
        print_docstring(&mut p, &[]);
        assert_eq!(
            p.finish(),
            "    \"\"\"one\n\n    \ttab\n    \"\"\"\n    \
             \"\"\"Missing associated documentation comment in .proto file.\"\"\"\n"
        );
    }

    fn message(name: &str) -> pb::DescriptorProto {
        pb::DescriptorProto {
            name: Some(name.to_owned()),
            ..Default::default()
        }
    }

    fn method(
        name: &str,
        input: &str,
        output: &str,
        streaming: (bool, bool),
    ) -> pb::MethodDescriptorProto {
        pb::MethodDescriptorProto {
            name: Some(name.to_owned()),
            input_type: Some(input.to_owned()),
            output_type: Some(output.to_owned()),
            client_streaming: Some(streaming.0),
            server_streaming: Some(streaming.1),
            ..Default::default()
        }
    }

    fn files() -> Vec<pb::FileDescriptorProto> {
        let dependency = pb::FileDescriptorProto {
            name: Some("dep/other-file.proto".to_owned()),
            package: Some("dep".to_owned()),
            message_type: vec![pb::DescriptorProto {
                nested_type: vec![message("Inner")],
                ..message("Outer")
            }],
            ..Default::default()
        };
        let main = pb::FileDescriptorProto {
            name: Some("svc.proto".to_owned()),
            package: Some("pkg".to_owned()),
            dependency: vec!["dep/other-file.proto".to_owned()],
            message_type: vec![message("Local")],
            service: vec![pb::ServiceDescriptorProto {
                name: Some("Svc".to_owned()),
                method: vec![
                    method("Get", ".dep.Outer.Inner", ".pkg.Local", (false, false)),
                    method("Watch", ".pkg.Local", ".pkg.Local", (true, true)),
                ],
                ..Default::default()
            }],
            source_code_info: Some(pb::SourceCodeInfo {
                location: vec![pb::source_code_info::Location {
                    path: vec![6, 0, 2, 1],
                    span: vec![1, 2, 3],
                    leading_comments: Some(" Watches.\n".to_owned()),
                    ..Default::default()
                }],
            }),
            ..Default::default()
        };
        vec![dependency, main]
    }

    #[test]
    fn a_module_with_imports_paths_and_comments() {
        let files = files();
        let pool = Pool::new(&files);
        let file = pool.file("svc.proto").expect("the test's file");
        let outputs = generate(&pool, file, "").expect("generates");
        assert_eq!(outputs.len(), 1);
        assert_eq!(outputs[0].name, "svc_pb2_grpc.py");
        let module = &outputs[0].content;
        assert!(module.contains(
            "import warnings\n\n\
             from dep import other_file_pb2 as dep_dot_other__file__pb2\n\
             import svc_pb2 as svc__pb2\n\n\
             GRPC_GENERATED_VERSION = '1.85.1'\n"
        ));
        assert!(module.contains("'/pkg.Svc/Get',\n"));
        assert!(module.contains(
            "request_serializer=dep_dot_other__file__pb2.Outer.Inner.SerializeToString,\n"
        ));
        assert!(module.contains(
            "    def Watch(self, request_iterator, context):\n        \"\"\"Watches.\n        \"\"\"\n"
        ));
        assert!(module.contains("generated code in svc_pb2_grpc.py depends on"));
    }

    #[test]
    fn beta_insertion_names_the_files_own_types_bare() {
        let files = files();
        let pool = Pool::new(&files);
        let file = pool.file("svc.proto").expect("the test's file");
        let outputs = generate(&pool, file, "grpc_1_0,dep.").expect("generates");
        assert_eq!(outputs.len(), 2);
        assert_eq!(outputs[1].name, "svc_pb2.py");
        assert_eq!(outputs[1].insertion_point, "module_scope");
        let insertion = &outputs[1].content;
        assert!(insertion.starts_with("try:\n    # THESE ELEMENTS WILL BE DEPRECATED.\n"));
        assert!(insertion.ends_with("except ImportError:\n    pass"));
        assert!(
            insertion.contains("request_deserializer=other__file__pb2.Outer.Inner.FromString,\n")
        );
        assert!(insertion.contains("response_serializer=Local.SerializeToString,\n"));
        assert!(insertion.contains("'Watch': cardinality.Cardinality.STREAM_STREAM,\n"));
        // The prefix goes from imports too.
        assert!(outputs[0]
            .content
            .contains("import other_file_pb2 as other__file__pb2\n"));
    }

    #[test]
    fn a_message_in_a_file_failing_the_name_check_fails_silently() {
        let mut files = files();
        files[0].name = Some("dep/other.pb".to_owned());
        files[1].dependency = vec!["dep/other.pb".to_owned()];
        let pool = Pool::new(&files);
        let file = pool.file("svc.proto").expect("the test's file");
        assert_eq!(generate(&pool, file, ""), Err(NO_DESCRIPTION.to_owned()));
    }
}
