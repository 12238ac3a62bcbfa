//! Services and their methods.

use nom::combinator::cut;
use nom::Parser;

use super::primitives::{end_decl, ident, keyword, semicolon, sym, try_end_decl, type_name};
use super::{block, options, In, PResult};
use crate::syntax::ast::{Rpc, RpcType, Service, ServiceItem};

/// protoc's `ParseServiceDefinition`.
pub(super) fn service(i: In<'_>) -> PResult<'_, Service> {
    let start = i.current().span;
    let (i, _) = keyword("service")(i)?;
    let (i, name) = cut(ident("a service name", "Expected service name.")).parse(i)?;
    let (i, (_, comments)) = cut(|i| end_decl(i, b'{', true)).parse(i)?;
    let (i, (items, close)) = block(
        i,
        "Reached end of input in service definition (missing '}').",
        "service",
        service_statement,
    )?;
    Ok((
        i,
        Service {
            name,
            items,
            span: start.to(close),
            comments: comments.unwrap_or_default(),
        },
    ))
}

/// protoc's `ParseServiceStatement`.
fn service_statement(i: In<'_>) -> PResult<'_, Option<ServiceItem>> {
    if let Some((rest, _)) = try_end_decl(i, b';', false) {
        Ok((rest, None))
    } else if i.looking_at("option") {
        let (i, option) = options::option_statement(i)?;
        Ok((i, Some(ServiceItem::Option(option))))
    } else {
        let (i, rpc) = rpc(i)?;
        Ok((i, Some(ServiceItem::Rpc(rpc))))
    }
}

/// `( [stream] Type )`
fn rpc_type(i: In<'_>) -> PResult<'_, RpcType> {
    let (i, _) = cut(sym(b'(')).parse(i)?;
    let (i, stream) = if i.looking_at("stream") {
        (i.next(), Some(i.current().span))
    } else {
        (i, None)
    };
    let (i, name) = type_name(i)?;
    let (i, _) = cut(sym(b')')).parse(i)?;
    Ok((i, RpcType { stream, name }))
}

/// protoc's `ParseServiceMethod`.
fn rpc(i: In<'_>) -> PResult<'_, Rpc> {
    let start = i.current().span;
    let (i, _) = cut(keyword("rpc")).parse(i)?;
    let (i, name) = cut(ident("a method name", "Expected method name.")).parse(i)?;
    let (i, input) = rpc_type(i)?;
    let (i, _) = cut(keyword("returns")).parse(i)?;
    let (i, output) = rpc_type(i)?;
    let has_body = i.looking_at_symbol(b'{');
    let (i, (options, end, comments)) = if has_body {
        let (i, (_, comments)) = end_decl(i, b'{', true)?;
        let (i, (options, close)) = block(
            i,
            "Reached end of input in method options (missing '}').",
            "method options",
            |i| {
                if let Some((rest, _)) = try_end_decl(i, b';', false) {
                    return Ok((rest, None));
                }
                let (rest, option) = options::option_statement(i)?;
                Ok((rest, Some(option)))
            },
        )?;
        (i, (options, close, comments))
    } else {
        let (i, (end, comments)) = semicolon(i, "the method")?;
        (i, (Vec::new(), end, comments))
    };
    Ok((
        i,
        Rpc {
            name,
            input,
            output,
            options,
            has_body,
            span: start.to(end),
            comments: comments.unwrap_or_default(),
        },
    ))
}
