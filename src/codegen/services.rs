//! gRPC services for tonic, as tonic-prost-build 0.14 writes them with its
//! defaults: a `<service>_client` module with the client, and a
//! `<service>_server` module with the trait to implement, its
//! `<Service>Server` and the service name, for unary, server-streaming,
//! client-streaming and bidirectional methods, with `tonic_prost::ProstCodec`.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

use super::messages::ident;

/// One method, with everything the generated code names.
pub struct MethodModel {
    /// The method's name in Rust (`get_subjects`).
    pub name: String,
    /// The name in the .proto file (`GetSubjects`).
    pub proto_name: String,
    pub doc: Vec<String>,
    pub deprecated: bool,
    /// The request and response types as seen from the service modules.
    pub input: TokenStream,
    pub output: TokenStream,
    pub client_streaming: bool,
    pub server_streaming: bool,
}

/// One service.
pub struct ServiceModel {
    /// The Rust name (`Demo`).
    pub name: String,
    /// `package.Service`, as routes spell it.
    pub full_name: String,
    pub doc: Vec<String>,
    pub methods: Vec<MethodModel>,
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

fn doc_lines(lines: &[String]) -> TokenStream {
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

/// The client and server modules of a service, as `config` asks.
pub fn service(service: &ServiceModel, config: &super::Config) -> TokenStream {
    let mut out = TokenStream::new();
    if config.build_client {
        out.extend(client(service, config.build_transport));
    }
    if config.build_server {
        out.extend(server(service));
    }
    out
}

fn route(service: &ServiceModel, method: &MethodModel) -> String {
    format!("/{}/{}", service.full_name, method.proto_name)
}

fn client(service: &ServiceModel, build_transport: bool) -> TokenStream {
    let client = format_ident!("{}Client", service.name);
    let module = format_ident!("{}_client", naive_snake_case(&service.name));
    let doc = doc_lines(&service.doc);
    let methods: TokenStream = service
        .methods
        .iter()
        .map(|m| client_method(service, m))
        .collect();
    // `connect` needs tonic's transport feature.
    let connect = build_transport.then(|| {
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

fn client_method(service: &ServiceModel, method: &MethodModel) -> TokenStream {
    let name = ident(&method.name);
    let doc = doc_lines(&method.doc);
    let deprecated = method.deprecated.then(|| quote!(#[deprecated]));
    let (input, output) = (&method.input, &method.output);
    let route = route(service, method);
    let service_name = service.full_name.as_str();
    let proto_name = method.proto_name.as_str();
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
            let codec = tonic_prost::ProstCodec::default();
            let path = http::uri::PathAndQuery::from_static(#route);
            let mut req = request.#into_request();
            req.extensions_mut().insert(GrpcMethod::new(#service_name, #proto_name));
            self.inner.#call(req, path, codec).await
        }
    }
}

fn server(service: &ServiceModel) -> TokenStream {
    let server = format_ident!("{}Server", service.name);
    let service_trait = ident(&service.name);
    let module = format_ident!("{}_server", naive_snake_case(&service.name));
    let doc = doc_lines(&service.doc);
    let trait_doc = doc_line(&format!(
        " Generated trait containing gRPC methods that should be implemented for use with \
         {}Server.",
        service.name
    ));
    let trait_methods: TokenStream = service.methods.iter().map(trait_method).collect();
    let routes: TokenStream = service
        .methods
        .iter()
        .map(|m| server_route(service, &service_trait, m))
        .collect();
    let service_name = service.full_name.as_str();
    quote! {
        /// Generated server implementations.
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
            #[async_trait]
            pub trait #service_trait: std::marker::Send + std::marker::Sync + 'static {
                #trait_methods
            }
            #doc
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

/// A method of the server trait; server-streaming methods also declare
/// their stream type.
fn trait_method(method: &MethodModel) -> TokenStream {
    let name = ident(&method.name);
    let doc = doc_lines(&method.doc);
    let (input, output) = (&method.input, &method.output);
    let request = if method.client_streaming {
        quote!(tonic::Request<tonic::Streaming<#input>>)
    } else {
        quote!(tonic::Request<#input>)
    };
    if !method.server_streaming {
        return quote! {
            #doc
            async fn #name(
                &self,
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
            &self,
            request: #request,
        ) -> std::result::Result<tonic::Response<Self::#stream>, tonic::Status>;
    }
}

/// One arm of the server's `call`: a service struct for the method, and
/// the future that runs it with the server's settings.
fn server_route(
    service: &ServiceModel,
    service_trait: &Ident,
    method: &MethodModel,
) -> TokenStream {
    let route = route(service, method);
    let name = ident(&method.name);
    let svc = format_ident!("{}Svc", method.proto_name);
    let (input, output) = (&method.input, &method.output);
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
        let stream = format_ident!("{}Stream", method.proto_name);
        quote! {
            type Response = #output;
            type ResponseStream = T::#stream;
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
                        <T as #service_trait>::#name(&inner, request).await
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
                let codec = tonic_prost::ProstCodec::default();
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
