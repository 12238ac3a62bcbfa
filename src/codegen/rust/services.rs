//! gRPC services for tonic, as tonic-prost-build 0.14 writes them: a
//! `<service>_client` module with the client and a `<service>_server`
//! module with the trait to implement, its `<Service>Server` and the
//! service name, for unary, server-streaming, client-streaming and
//! bidirectional methods. [`TonicGenerator`] is a [`ServiceGenerator`]
//! like any other, taking prost-build's service model; its settings are
//! tonic-prost-build's `Builder` options ([`TonicOptions`]).

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::messages::ident;
use super::service_model::{Method, Service, ServiceGenerator};

/// tonic-prost-build's service options, with its defaults.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TonicOptions {
    pub build_client: bool,
    pub build_server: bool,
    /// Clients' `connect`, which needs tonic's transport.
    pub build_transport: bool,
    /// `(pattern, attribute)` for the `<service>_server` module, matched
    /// against the package.
    pub server_mod_attributes: Vec<(String, String)>,
    /// For the `<Service>Server` struct, matched against `package.Service`.
    pub server_attributes: Vec<(String, String)>,
    /// For the server trait, matched against the service's Rust name.
    pub trait_attributes: Vec<(String, String)>,
    /// For the `<service>_client` module, matched against the package.
    pub client_mod_attributes: Vec<(String, String)>,
    /// For the `<Service>Client` struct, matched against `package.Service`.
    pub client_attributes: Vec<(String, String)>,
    /// The path from the service modules to the messages (`super`).
    pub proto_path: String,
    /// `bool`, `i32`, ... as request and response types are not paths
    /// (`with_extended_rust_types`).
    pub extended_rust_types: bool,
    pub compile_well_known_types: bool,
    /// Server trait methods take `self: Arc<Self>`.
    pub use_arc_self: bool,
    /// Server trait methods get bodies answering `unimplemented`.
    pub generate_default_stubs: bool,
    /// The codec type of every method.
    pub codec_path: String,
    /// `package.Service` and `package.Service.Method` names without doc
    /// comments (exact names).
    pub disable_comments: Vec<String>,
}

impl Default for TonicOptions {
    fn default() -> TonicOptions {
        TonicOptions {
            build_client: true,
            build_server: true,
            build_transport: true,
            server_mod_attributes: Vec::new(),
            server_attributes: Vec::new(),
            trait_attributes: Vec::new(),
            client_mod_attributes: Vec::new(),
            client_attributes: Vec::new(),
            proto_path: "super".to_owned(),
            extended_rust_types: false,
            compile_well_known_types: false,
            use_arc_self: false,
            generate_default_stubs: false,
            codec_path: "tonic_prost::ProstCodec".to_owned(),
            disable_comments: Vec::new(),
        }
    }
}

impl TonicOptions {
    /// Every attribute and path must be Rust; the error names the first
    /// that is not (tonic-build would panic on it).
    pub fn validate(&self) -> Result<(), String> {
        let all = self
            .server_mod_attributes
            .iter()
            .chain(&self.server_attributes)
            .chain(&self.trait_attributes)
            .chain(&self.client_mod_attributes)
            .chain(&self.client_attributes);
        for (pattern, attribute) in all {
            if parse_attributes(attribute).is_none() {
                return Err(format!(
                    "attribute for `{pattern}` is not a Rust attribute: {attribute}"
                ));
            }
        }
        for (what, path) in [
            ("codec path", &self.codec_path),
            ("proto path", &self.proto_path),
        ] {
            if syn::parse_str::<syn::Path>(path).is_err() {
                return Err(format!("the {what} `{path}` is not a Rust path"));
            }
        }
        Ok(())
    }
}

/// The service generator tonic-prost-build installs.
#[derive(Clone, Debug, Default)]
pub struct TonicGenerator {
    pub options: TonicOptions,
}

impl ServiceGenerator for TonicGenerator {
    fn generate(&mut self, service: Service, buf: &mut String) {
        let mut tokens = TokenStream::new();
        let service = Model::new(&service, &self.options);
        if self.options.build_client {
            tokens.extend(client(&service, &self.options));
        }
        if self.options.build_server {
            tokens.extend(server(&service, &self.options));
        }
        buf.push_str(&super::format(tokens));
    }
}

/// A service with the names its code uses.
struct Model<'a> {
    service: &'a Service,
    /// `package.Service`, as routes spell it.
    full_name: String,
    methods: Vec<MethodModel<'a>>,
}

struct MethodModel<'a> {
    method: &'a Method,
    input: TokenStream,
    output: TokenStream,
}

impl<'a> Model<'a> {
    fn new(service: &'a Service, options: &TonicOptions) -> Model<'a> {
        let full_name = if service.package.is_empty() {
            service.proto_name.clone()
        } else {
            format!("{}.{}", service.package, service.proto_name)
        };
        let methods = service
            .methods
            .iter()
            .map(|method| MethodModel {
                method,
                input: message_type(&method.input_type, options),
                output: message_type(&method.output_type, options),
            })
            .collect();
        Model {
            service,
            full_name,
            methods,
        }
    }

    fn method_full_name(&self, method: &Method) -> String {
        format!("{}.{}", self.full_name, method.proto_name)
    }

    fn route(&self, method: &Method) -> String {
        format!("/{}/{}", self.full_name, method.proto_name)
    }
}

/// tonic-prost-build's request and response types: a type that is not a
/// path (`()`, and with extended types `bool`, `i32`, ...) or an absolute
/// path as it is, anything else under the proto path.
fn message_type(rust_type: &str, options: &TonicOptions) -> TokenStream {
    const EXTENDED: &[&str] = &["()", "bool", "i32", "i64", "u32", "u64", "f32", "f64"];
    let allowed: &[&str] = if options.extended_rust_types {
        EXTENDED
    } else {
        &EXTENDED[..1]
    };
    let text = if rust_type.starts_with(".google.protobuf") && !options.compile_well_known_types {
        match rust_type {
            ".google.protobuf.Empty" => "()".to_owned(),
            ".google.protobuf.Any" => "::prost_types::Any".to_owned(),
            ".google.protobuf.StringValue" => "::prost::alloc::string::String".to_owned(),
            other => format!(
                "::prost_types::{}",
                other.trim_start_matches(".google.protobuf.")
            ),
        }
    } else if allowed.iter().any(|t| rust_type.ends_with(t))
        || rust_type.starts_with("::")
        || rust_type.starts_with("crate::")
    {
        rust_type.to_owned()
    } else {
        let path = rust_type.replace('.', "::");
        format!("{}::{}", options.proto_path, path.trim_start_matches("::"))
    };
    text.parse().unwrap_or_default()
}

/// tonic-build's pattern match: `.` matches all, a leading `.` matches a
/// prefix of segments, otherwise a suffix of segments.
fn match_name(pattern: &str, path: &str) -> bool {
    if pattern.is_empty() {
        return false;
    }
    if pattern == "." || pattern == path {
        return true;
    }
    let pattern_segments: Vec<&str> = pattern.split('.').collect();
    let path_segments: Vec<&str> = path.split('.').collect();
    if pattern_segments.len() > path_segments.len() {
        return false;
    }
    if pattern.starts_with('.') {
        pattern_segments[..] == path_segments[..pattern_segments.len()]
    } else {
        pattern_segments[..] == path_segments[path_segments.len() - pattern_segments.len()..]
    }
}

/// The attributes an attribute string holds (several may share one), as
/// tonic-build reads them.
fn parse_attributes(attribute: &str) -> Option<Vec<syn::Attribute>> {
    syn::parse_str::<syn::DeriveInput>(&format!("{attribute}\nstruct fake;"))
        .ok()
        .map(|input| input.attrs)
}

fn attributes(list: &[(String, String)], name: &str) -> TokenStream {
    list.iter()
        .filter(|(pattern, _)| match_name(pattern, name))
        .filter_map(|(_, attribute)| parse_attributes(attribute))
        .flatten()
        .map(|attribute| quote!(#attribute))
        .collect()
}

/// tonic-build's doc line: a leading space added when missing.
fn doc_line(line: &str) -> TokenStream {
    let line = if line.starts_with(' ') {
        line.to_owned()
    } else {
        format!(" {line}")
    };
    let literal = Literal::string(&line);
    quote!(#[doc = #literal])
}

/// The doc comment of `name` unless its comments are disabled.
fn docs(options: &TonicOptions, name: &str, lines: &[String]) -> TokenStream {
    if options.disable_comments.iter().any(|d| d == name) {
        return TokenStream::new();
    }
    lines.iter().map(|l| doc_line(l)).collect()
}

/// tonic-build's module names: lower case, `_` before each upper-case
/// letter that follows another character.
fn naive_snake_case(name: &str) -> String {
    let mut out = String::new();
    let mut chars = name.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c.to_ascii_lowercase());
        if chars.peek().is_some_and(|next| next.is_uppercase()) {
            out.push('_');
        }
    }
    out
}

fn codec(options: &TonicOptions) -> TokenStream {
    options.codec_path.parse().unwrap_or_default()
}

fn client(model: &Model<'_>, options: &TonicOptions) -> TokenStream {
    let service = model.service;
    let client = format_ident!("{}Client", service.name);
    let module = format_ident!("{}_client", naive_snake_case(&service.name));
    let doc = docs(options, &model.full_name, &service.comments.leading);
    let mod_attributes = attributes(&options.client_mod_attributes, &service.package);
    let struct_attributes = attributes(&options.client_attributes, &model.full_name);
    let methods: TokenStream = model
        .methods
        .iter()
        .map(|m| client_method(model, m, options))
        .collect();
    // `connect` needs tonic's transport feature.
    let connect = options.build_transport.then(|| {
        quote! {
            impl #client<tonic::transport::Channel> {
                /// Attempt to create a new client by connecting to a given endpoint.
                pub async fn connect<D>(dst: D) -> Result<Self, tonic::transport::Error>
                where
                    D: TryInto<tonic::transport::Endpoint>,
                    D::Error: Into<StdError>,
                {
                    let conn = tonic::transport::Endpoint::new(dst)?.connect().await?;
                    Ok(Self::new(conn))
                }
            }
        }
    });
    quote! {
        /// Generated client implementations.
        #mod_attributes
        pub mod #module {
            #![allow(
                unused_variables,
                dead_code,
                missing_docs,
                clippy::wildcard_imports,
                clippy::let_unit_value,
            )]
            use tonic::codegen::*;
            use tonic::codegen::http::Uri;
            #doc
            #struct_attributes
            #[derive(Debug, Clone)]
            pub struct #client<T> {
                inner: tonic::client::Grpc<T>,
            }
            #connect
            impl<T> #client<T>
            where
                T: tonic::client::GrpcService<tonic::body::Body>,
                T::Error: Into<StdError>,
                T::ResponseBody: Body<Data = Bytes> + std::marker::Send + 'static,
                <T::ResponseBody as Body>::Error: Into<StdError> + std::marker::Send,
            {
                pub fn new(inner: T) -> Self {
                    let inner = tonic::client::Grpc::new(inner);
                    Self { inner }
                }
                pub fn with_origin(inner: T, origin: Uri) -> Self {
                    let inner = tonic::client::Grpc::with_origin(inner, origin);
                    Self { inner }
                }
                pub fn with_interceptor<F>(
                    inner: T,
                    interceptor: F,
                ) -> #client<InterceptedService<T, F>>
                where
                    F: tonic::service::Interceptor,
                    T::ResponseBody: Default,
                    T: tonic::codegen::Service<
                        http::Request<tonic::body::Body>,
                        Response = http::Response<
                            <T as tonic::client::GrpcService<tonic::body::Body>>::ResponseBody,
                        >,
                    >,
                    <T as tonic::codegen::Service<
                        http::Request<tonic::body::Body>,
                    >>::Error: Into<StdError> + std::marker::Send + std::marker::Sync,
                {
                    #client::new(InterceptedService::new(inner, interceptor))
                }
                /// Compress requests with the given encoding.
                ///
                /// This requires the server to support it otherwise it might respond with an
                /// error.
                #[must_use]
                pub fn send_compressed(mut self, encoding: CompressionEncoding) -> Self {
                    self.inner = self.inner.send_compressed(encoding);
                    self
                }
                /// Enable decompressing responses.
                #[must_use]
                pub fn accept_compressed(mut self, encoding: CompressionEncoding) -> Self {
                    self.inner = self.inner.accept_compressed(encoding);
                    self
                }
                /// Limits the maximum size of a decoded message.
                ///
                /// Default: `4MB`
                #[must_use]
                pub fn max_decoding_message_size(mut self, limit: usize) -> Self {
                    self.inner = self.inner.max_decoding_message_size(limit);
                    self
                }
                /// Limits the maximum size of an encoded message.
                ///
                /// Default: `usize::MAX`
                #[must_use]
                pub fn max_encoding_message_size(mut self, limit: usize) -> Self {
                    self.inner = self.inner.max_encoding_message_size(limit);
                    self
                }
                #methods
            }
        }
    }
}

fn client_method(model: &Model<'_>, m: &MethodModel<'_>, options: &TonicOptions) -> TokenStream {
    let method = m.method;
    let name = ident(&method.name);
    let doc = docs(
        options,
        &model.method_full_name(method),
        &method.comments.leading,
    );
    let deprecated = method.options.deprecated().then(|| quote!(#[deprecated]));
    let (input, output) = (&m.input, &m.output);
    let route = model.route(method);
    let service_name = model.full_name.as_str();
    let proto_name = method.proto_name.as_str();
    let codec = codec(options);
    let request = if method.client_streaming {
        quote!(request: impl tonic::IntoStreamingRequest<Message = #input>)
    } else {
        quote!(request: impl tonic::IntoRequest<#input>)
    };
    let response = if method.server_streaming {
        quote!(tonic::Response<tonic::codec::Streaming<#output>>)
    } else {
        quote!(tonic::Response<#output>)
    };
    let into_request = if method.client_streaming {
        quote!(into_streaming_request)
    } else {
        quote!(into_request)
    };
    let call = match (method.client_streaming, method.server_streaming) {
        (false, false) => quote!(unary),
        (false, true) => quote!(server_streaming),
        (true, false) => quote!(client_streaming),
        (true, true) => quote!(streaming),
    };
    quote! {
        #doc
        #deprecated
        pub async fn #name(
            &mut self,
            #request,
        ) -> std::result::Result<#response, tonic::Status> {
            self.inner
                .ready()
                .await
                .map_err(|e| {
                    tonic::Status::unknown(
                        format!("Service was not ready: {}", e.into()),
                    )
                })?;
            let codec = #codec::default();
            let path = http::uri::PathAndQuery::from_static(#route);
            let mut req = request.#into_request();
            req.extensions_mut().insert(GrpcMethod::new(#service_name, #proto_name));
            self.inner.#call(req, path, codec).await
        }
    }
}

fn server(model: &Model<'_>, options: &TonicOptions) -> TokenStream {
    let service = model.service;
    let server = format_ident!("{}Server", service.name);
    let service_trait = ident(&service.name);
    let module = format_ident!("{}_server", naive_snake_case(&service.name));
    let doc = docs(options, &model.full_name, &service.comments.leading);
    let mod_attributes = attributes(&options.server_mod_attributes, &service.package);
    let struct_attributes = attributes(&options.server_attributes, &model.full_name);
    let trait_attributes = attributes(&options.trait_attributes, &service.name);
    let trait_doc = doc_line(&format!(
        " Generated trait containing gRPC methods that should be implemented for use with \
         {}Server.",
        service.name
    ));
    let trait_methods: TokenStream = model
        .methods
        .iter()
        .map(|m| trait_method(model, m, options))
        .collect();
    let routes: TokenStream = model
        .methods
        .iter()
        .map(|m| server_route(model, &service_trait, m, options))
        .collect();
    let service_name = model.full_name.as_str();
    quote! {
        /// Generated server implementations.
        #mod_attributes
        pub mod #module {
            #![allow(
                unused_variables,
                dead_code,
                missing_docs,
                clippy::wildcard_imports,
                clippy::let_unit_value,
            )]
            use tonic::codegen::*;
            #trait_doc
            #trait_attributes
            #[async_trait]
            pub trait #service_trait: std::marker::Send + std::marker::Sync + 'static {
                #trait_methods
            }
            #doc
            #struct_attributes
            #[derive(Debug)]
            pub struct #server<T> {
                inner: Arc<T>,
                accept_compression_encodings: EnabledCompressionEncodings,
                send_compression_encodings: EnabledCompressionEncodings,
                max_decoding_message_size: Option<usize>,
                max_encoding_message_size: Option<usize>,
            }
            impl<T> #server<T> {
                pub fn new(inner: T) -> Self {
                    Self::from_arc(Arc::new(inner))
                }
                pub fn from_arc(inner: Arc<T>) -> Self {
                    Self {
                        inner,
                        accept_compression_encodings: Default::default(),
                        send_compression_encodings: Default::default(),
                        max_decoding_message_size: None,
                        max_encoding_message_size: None,
                    }
                }
                pub fn with_interceptor<F>(
                    inner: T,
                    interceptor: F,
                ) -> InterceptedService<Self, F>
                where
                    F: tonic::service::Interceptor,
                {
                    InterceptedService::new(Self::new(inner), interceptor)
                }
                /// Enable decompressing requests with the given encoding.
                #[must_use]
                pub fn accept_compressed(mut self, encoding: CompressionEncoding) -> Self {
                    self.accept_compression_encodings.enable(encoding);
                    self
                }
                /// Compress responses with the given encoding, if the client supports it.
                #[must_use]
                pub fn send_compressed(mut self, encoding: CompressionEncoding) -> Self {
                    self.send_compression_encodings.enable(encoding);
                    self
                }
                /// Limits the maximum size of a decoded message.
                ///
                /// Default: `4MB`
                #[must_use]
                pub fn max_decoding_message_size(mut self, limit: usize) -> Self {
                    self.max_decoding_message_size = Some(limit);
                    self
                }
                /// Limits the maximum size of an encoded message.
                ///
                /// Default: `usize::MAX`
                #[must_use]
                pub fn max_encoding_message_size(mut self, limit: usize) -> Self {
                    self.max_encoding_message_size = Some(limit);
                    self
                }
            }
            impl<T, B> tonic::codegen::Service<http::Request<B>> for #server<T>
            where
                T: #service_trait,
                B: Body + std::marker::Send + 'static,
                B::Error: Into<StdError> + std::marker::Send + 'static,
            {
                type Response = http::Response<tonic::body::Body>;
                type Error = std::convert::Infallible;
                type Future = BoxFuture<Self::Response, Self::Error>;
                fn poll_ready(
                    &mut self,
                    _cx: &mut Context<'_>,
                ) -> Poll<std::result::Result<(), Self::Error>> {
                    Poll::Ready(Ok(()))
                }
                fn call(&mut self, req: http::Request<B>) -> Self::Future {
                    match req.uri().path() {
                        #routes
                        _ => Box::pin(async move {
                            let mut response = http::Response::new(tonic::body::Body::default());
                            let headers = response.headers_mut();
                            headers.insert(tonic::Status::GRPC_STATUS, (tonic::Code::Unimplemented as i32).into());
                            headers.insert(http::header::CONTENT_TYPE, tonic::metadata::GRPC_CONTENT_TYPE);
                            Ok(response)
                        }),
                    }
                }
            }
            impl<T> Clone for #server<T> {
                fn clone(&self) -> Self {
                    let inner = self.inner.clone();
                    Self {
                        inner,
                        accept_compression_encodings: self.accept_compression_encodings,
                        send_compression_encodings: self.send_compression_encodings,
                        max_decoding_message_size: self.max_decoding_message_size,
                        max_encoding_message_size: self.max_encoding_message_size,
                    }
                }
            }
            /// Generated gRPC service name
            pub const SERVICE_NAME: &str = #service_name;
            impl<T> tonic::server::NamedService for #server<T> {
                const NAME: &'static str = SERVICE_NAME;
            }
        }
    }
}

/// A method of the server trait: a declaration, or with default stubs a
/// body answering `unimplemented`; server-streaming declarations also
/// declare their stream type.
fn trait_method(model: &Model<'_>, m: &MethodModel<'_>, options: &TonicOptions) -> TokenStream {
    let method = m.method;
    let name = ident(&method.name);
    let doc = docs(
        options,
        &model.method_full_name(method),
        &method.comments.leading,
    );
    let (input, output) = (&m.input, &m.output);
    let receiver = if options.use_arc_self {
        quote!(self: std::sync::Arc<Self>)
    } else {
        quote!(&self)
    };
    let request = if method.client_streaming {
        quote!(tonic::Request<tonic::Streaming<#input>>)
    } else {
        quote!(tonic::Request<#input>)
    };
    if options.generate_default_stubs {
        let response = if method.server_streaming {
            quote!(tonic::Response<BoxStream<#output>>)
        } else {
            quote!(tonic::Response<#output>)
        };
        return quote! {
            #doc
            async fn #name(
                #receiver,
                request: #request,
            ) -> std::result::Result<#response, tonic::Status> {
                Err(tonic::Status::unimplemented("Not yet implemented"))
            }
        };
    }
    if !method.server_streaming {
        return quote! {
            #doc
            async fn #name(
                #receiver,
                request: #request,
            ) -> std::result::Result<tonic::Response<#output>, tonic::Status>;
        };
    }
    let stream = format_ident!("{}Stream", method.proto_name);
    let stream_doc = doc_line(&format!(
        " Server streaming response type for the {} method.",
        method.proto_name
    ));
    quote! {
        #stream_doc
        type #stream: tonic::codegen::tokio_stream::Stream<
                Item = std::result::Result<#output, tonic::Status>,
            >
            + std::marker::Send
            + 'static;
        #doc
        async fn #name(
            #receiver,
            request: #request,
        ) -> std::result::Result<tonic::Response<Self::#stream>, tonic::Status>;
    }
}

/// One arm of the server's `call`: a service struct for the method, and
/// the future that runs it with the server's settings.
fn server_route(
    model: &Model<'_>,
    service_trait: &proc_macro2::Ident,
    m: &MethodModel<'_>,
    options: &TonicOptions,
) -> TokenStream {
    let method = m.method;
    let route = model.route(method);
    let name = ident(&method.name);
    let svc = format_ident!("{}Svc", method.proto_name);
    let (input, output) = (&m.input, &m.output);
    let codec = codec(options);
    let inner = if options.use_arc_self {
        quote!(inner)
    } else {
        quote!(&inner)
    };
    let request = if method.client_streaming {
        quote!(tonic::Request<tonic::Streaming<#input>>)
    } else {
        quote!(tonic::Request<#input>)
    };
    let (kind, call) = match (method.client_streaming, method.server_streaming) {
        (false, false) => (quote!(UnaryService), quote!(unary)),
        (false, true) => (quote!(ServerStreamingService), quote!(server_streaming)),
        (true, false) => (quote!(ClientStreamingService), quote!(client_streaming)),
        (true, true) => (quote!(StreamingService), quote!(streaming)),
    };
    let stream_types = if method.server_streaming {
        let stream = if options.generate_default_stubs {
            quote!(BoxStream<#output>)
        } else {
            let stream = format_ident!("{}Stream", method.proto_name);
            quote!(T::#stream)
        };
        quote! {
            type Response = #output;
            type ResponseStream = #stream;
            type Future = BoxFuture<
                tonic::Response<Self::ResponseStream>,
                tonic::Status,
            >;
        }
    } else {
        quote! {
            type Response = #output;
            type Future = BoxFuture<
                tonic::Response<Self::Response>,
                tonic::Status,
            >;
        }
    };
    quote! {
        #route => {
            #[allow(non_camel_case_types)]
            struct #svc<T: #service_trait>(pub Arc<T>);
            impl<T: #service_trait> tonic::server::#kind<#input>
            for #svc<T> {
                #stream_types
                fn call(
                    &mut self,
                    request: #request,
                ) -> Self::Future {
                    let inner = Arc::clone(&self.0);
                    let fut = async move {
                        <T as #service_trait>::#name(#inner, request).await
                    };
                    Box::pin(fut)
                }
            }
            let accept_compression_encodings = self.accept_compression_encodings;
            let send_compression_encodings = self.send_compression_encodings;
            let max_decoding_message_size = self.max_decoding_message_size;
            let max_encoding_message_size = self.max_encoding_message_size;
            let inner = self.inner.clone();
            let fut = async move {
                let method = #svc(inner);
                let codec = #codec::default();
                let mut grpc = tonic::server::Grpc::new(codec)
                    .apply_compression_config(
                        accept_compression_encodings,
                        send_compression_encodings,
                    )
                    .apply_max_message_size_config(
                        max_decoding_message_size,
                        max_encoding_message_size,
                    );
                let res = grpc.#call(method, req).await;
                Ok(res)
            };
            Box::pin(fut)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_as_tonic_build_matches_them() {
        assert!(match_name(".", ".my.protos"));
        assert!(match_name(".my", ".my.protos"));
        assert!(match_name("Service", ".my.protos.Service"));
        assert!(match_name("protos.Service", "my.protos.Service"));
        assert!(!match_name(".m", ".my.protos"));
        assert!(!match_name(".my", "my.protos"));
        assert!(!match_name("service", ".my.protos.Service"));
        assert!(!match_name("", "x"));
    }

    #[test]
    fn request_types_as_tonic_prost_build_writes_them() {
        let options = TonicOptions::default();
        let text = |t: &str, o: &TonicOptions| message_type(t, o).to_string();
        assert_eq!(text("HelloRequest", &options), "super :: HelloRequest");
        assert_eq!(text("()", &options), "()");
        assert_eq!(
            text("::prost_types::Timestamp", &options),
            ":: prost_types :: Timestamp"
        );
        assert_eq!(text("i32", &options), "super :: i32");
        let extended = TonicOptions {
            extended_rust_types: true,
            proto_path: "crate::pb".into(),
            ..TonicOptions::default()
        };
        assert_eq!(text("i32", &extended), "i32");
        assert_eq!(text("a::B", &extended), "crate :: pb :: a :: B");
    }
}
