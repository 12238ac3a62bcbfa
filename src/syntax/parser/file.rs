//! The file level: the syntax or edition statement, then top-level
//! statements (`package`, `import`, `option`, `message`, `enum`, `service`,
//! `extend`).

use nom::combinator::cut;
use nom::Parser;

use super::primitives::{
    error_here, fail_with, ident, keyword, report, semicolon, string_lit, sym, try_consume,
};
use super::{
    enums, message, options, report_failure, service, skip_statement, Ctx, In, PResult,
    MAX_MESSAGE_NESTING,
};
use crate::diagnostics::{Code, Diagnostic};
use crate::syntax::ast::{
    Edition, File, FullIdent, Ident, Import, ImportKind, Item, Package, Syntax, SyntaxDecl,
    Visibility,
};

/// The whole file: protoc's `Parser::Parse`.
pub(super) fn file(ctx: &Ctx<'_>) -> File {
    ctx.collect_at_start();
    let mut i = In::new(ctx);
    let file_span = crate::source::Span::new(0, ctx.src.len() as u32);
    let tokens = token_extent(ctx);
    let mut syntax_decl = None;
    if i.looking_at("syntax") || i.looking_at("edition") {
        match syntax_statement(i) {
            Ok((rest, decl)) => {
                ctx.syntax.set(decl.syntax);
                check_edition_supported(ctx, &decl);
                syntax_decl = Some(decl);
                i = rest;
            }
            Err(err) => {
                // protoc does not parse a file whose syntax it does not know.
                report_failure(ctx, err);
                return File {
                    syntax_decl: None,
                    items: Vec::new(),
                    span: file_span,
                    tokens,
                };
            }
        }
    } else {
        warn_missing_syntax(i);
    }

    let mut items = Vec::new();
    while !i.at_eof() {
        ctx.depth_left.set(MAX_MESSAGE_NESTING);
        match top_level_statement(i) {
            Ok((rest, item)) => {
                items.extend(item);
                i = rest;
            }
            Err(err) => {
                let at = report_failure(ctx, err);
                i = i.at(skip_statement(ctx, at));
                if i.looking_at_symbol(b'}') {
                    let diagnostic = error_here(
                        i,
                        Code::UnmatchedCloseBrace,
                        "unmatched `}`",
                        "Unmatched \"}\".",
                    )
                    .label("this `}` closes nothing");
                    report(i, diagnostic);
                    ctx.collect_after(i.idx, false, false);
                    i = i.next();
                }
            }
        }
    }
    File {
        syntax_decl,
        items: super::exact(items),
        span: file_span,
        tokens,
    }
}

/// From the start of the first token to the end of the last.
fn token_extent(ctx: &Ctx<'_>) -> crate::source::Span {
    let is_real = |t: &&crate::syntax::token::Token| t.kind != crate::syntax::token::TokenKind::Eof;
    match (
        ctx.tokens.iter().find(is_real),
        ctx.tokens.iter().rev().find(is_real),
    ) {
        (Some(first), Some(last)) => first.span.to(last.span),
        _ => crate::source::Span::new(0, 0),
    }
}

fn warn_missing_syntax(i: In<'_>) {
    let span = crate::source::Span::point(i.current().span.start);
    let diagnostic = Diagnostic::warning(
        Code::MissingSyntax,
        i.ctx.file,
        span,
        "no syntax or edition statement; defaulting to proto2",
    )
    .protoc(
        "No edition or syntax specified for the proto file. \
         Please use 'edition = \"YYYY\";' to specify a valid edition version. \
         (Defaulted to \"syntax = \"proto2\";\".)",
    )
    .help("start the file with `syntax = \"proto3\";` or `edition = \"2023\";`")
    .fix(span, "syntax = \"proto2\";\n");
    report(i, diagnostic);
}

/// protoc's `ParseSyntaxIdentifier`.
fn syntax_statement(i: In<'_>) -> PResult<'_, SyntaxDecl> {
    let keyword_token = i.current().span;
    let is_edition = i.looking_at("edition");
    let i = i.next();
    let (i, _) = cut(sym(b'=')).parse(i)?;
    let value_at = i;
    let (i, value) = cut(string_lit(
        "a syntax identifier",
        "Expected syntax identifier.",
    ))
    .parse(i)?;
    let (i, (end, comments)) = semicolon(i, "the syntax statement")?;
    let syntax = if is_edition {
        match Edition::from_name(&value.value) {
            Some(edition) => Syntax::Editions(edition),
            None => {
                let name = String::from_utf8_lossy(&value.value);
                let diagnostic = error_here(
                    value_at,
                    Code::UnknownEdition,
                    &format!("unknown edition \"{name}\""),
                    &format!("Unknown edition \"{name}\"."),
                )
                .label("not an edition")
                .help("the supported editions are \"2023\" and \"2024\"");
                return Err(fail_with(i, diagnostic));
            }
        }
    } else {
        match value.value.as_slice() {
            b"proto2" => Syntax::Proto2,
            b"proto3" => Syntax::Proto3,
            other => {
                let name = String::from_utf8_lossy(other);
                let mut diagnostic = error_here(
                    value_at,
                    Code::UnknownSyntax,
                    &format!("unknown syntax \"{name}\""),
                    &format!(
                        "Unrecognized syntax identifier \"{name}\".  This parser only \
                         recognizes \"proto2\" and \"proto3\"."
                    ),
                )
                .label("expected \"proto2\" or \"proto3\"");
                if Edition::from_name(other).is_some() {
                    diagnostic = diagnostic.help(format!(
                        "editions are declared with `edition = \"{name}\";`"
                    ));
                }
                return Err(fail_with(i, diagnostic));
            }
        }
    };
    Ok((
        i,
        SyntaxDecl {
            keyword: Ident {
                span: keyword_token,
            },
            value,
            syntax,
            span: keyword_token.to(end),
            comments: comments.unwrap_or_default(),
        },
    ))
}

/// protoc 35 builds files of editions PROTO2 to 2024 only. (UNSTABLE is
/// the driver's business: protoc allows it in its own files.)
fn check_edition_supported(ctx: &Ctx<'_>, decl: &SyntaxDecl) {
    let Syntax::Editions(edition) = decl.syntax else {
        return;
    };
    let name = edition.name();
    let (message, protoc, label) = match edition {
        Edition::E2023 | Edition::E2024 | Edition::Unstable => return,
        Edition::Legacy | Edition::Test1 | Edition::Test2 => (
            format!("edition {name} is earlier than the earliest supported edition"),
            format!("Edition {name} is earlier than the minimum supported edition PROTO2"),
            "too early",
        ),
        _ => (
            format!("edition {name} is later than the latest supported edition 2024"),
            format!("Edition {name} is later than the maximum supported edition 2024"),
            "too late",
        ),
    };
    let diagnostic =
        Diagnostic::error(Code::UnsupportedEdition, ctx.file, decl.value.span, message)
            .protoc(protoc)
            .protoc_at(decl.keyword.span.start)
            .label(label)
            .help("the supported editions are \"2023\" and \"2024\"");
    ctx.report_late(diagnostic);
}

/// protoc's `ParseTopLevelStatement`. `Ok(None)` for an empty statement.
fn top_level_statement(i: In<'_>) -> PResult<'_, Option<Item>> {
    if let Some((rest, _)) = super::primitives::try_end_decl(i, b';', false) {
        return Ok((rest, None));
    }
    let (i, visibility) = visibility(i)?;
    if i.looking_at("message") {
        let (i, m) = message::message(i, visibility)?;
        Ok((i, Some(Item::Message(m))))
    } else if i.looking_at("enum") {
        let (i, e) = enums::enumeration(i, visibility)?;
        Ok((i, Some(Item::Enum(e))))
    } else if i.looking_at("service") {
        let (i, s) = service::service(i)?;
        Ok((i, Some(Item::Service(s))))
    } else if i.looking_at("extend") {
        let (i, e) = message::extend(i)?;
        Ok((i, Some(Item::Extend(e))))
    } else if i.looking_at("import") {
        let (i, import) = import(i)?;
        Ok((i, Some(Item::Import(import))))
    } else if i.looking_at("package") {
        let (i, package) = package(i)?;
        Ok((i, Some(Item::Package(package))))
    } else if i.looking_at("option") {
        let (i, option) = options::option_statement(i)?;
        Ok((i, Some(Item::Option(option))))
    } else {
        let mut diagnostic = super::primitives::unexpected(
            i.ctx,
            i.idx,
            "a top-level statement",
            "Expected top-level statement (e.g. \"message\").",
        )
        .label("expected `message`, `enum`, `service`, `extend`, `import`, `package` or `option`");
        diagnostic.code = Code::ExpectedTopLevelStatement;
        if i.looking_at("syntax") || i.looking_at("edition") {
            diagnostic = diagnostic
                .note("the syntax or edition statement must come first in the file")
                .help("move this statement to the top of the file");
        }
        Err(fail_with(i, diagnostic))
    }
}

/// protoc's `ParseVisibility`: `export` or `local`, from edition 2024 on.
pub(super) fn visibility(i: In<'_>) -> PResult<'_, Option<(Visibility, crate::source::Span)>> {
    if !(i.looking_at("export") || i.looking_at("local")) || i.ctx.edition_number() <= 1000 {
        return Ok((i, None));
    }
    let kind = if i.looking_at("export") {
        Visibility::Export
    } else {
        Visibility::Local
    };
    let span = i.current().span;
    let i = i.next();
    if !i.looking_at("message") && !i.looking_at("enum") {
        let diagnostic = error_here(
            i,
            Code::MisplacedVisibility,
            "`export` and `local` apply only to messages and enums",
            "'local' and 'export' visibility modifiers are valid only on 'message' and 'enum'",
        )
        .secondary(span, "visibility modifier");
        return Err(fail_with(i, diagnostic));
    }
    Ok((i, Some((kind, span))))
}

/// protoc's `ParsePackage`.
fn package(i: In<'_>) -> PResult<'_, Package> {
    if i.ctx.saw_package.replace(true) {
        let diagnostic = error_here(
            i,
            Code::MultiplePackages,
            "a file can have only one package statement",
            "Multiple package definitions.",
        )
        .label("second package statement");
        report(i, diagnostic);
    }
    let start = i.current().span;
    let (i, _) = keyword("package")(i)?;
    let (mut i, first) = cut(ident("an identifier", "Expected identifier.")).parse(i)?;
    let mut parts = vec![first];
    while i.looking_at_symbol(b'.') {
        let (rest, part) = cut(ident("an identifier", "Expected identifier.")).parse(i.next())?;
        parts.push(part);
        i = rest;
    }
    let name_span = first.span.to(parts.last().map_or(first.span, |p| p.span));
    let (i, (end, comments)) = semicolon(i, "the package name")?;
    Ok((
        i,
        Package {
            name: FullIdent {
                leading_dot: None,
                parts,
                span: name_span,
            },
            span: start.to(end),
            comments: comments.unwrap_or_default(),
        },
    ))
}

const IMPORT_PATH: &str = "Expected a string naming the file to import.";

/// protoc's `ParseImport`.
fn import(i: In<'_>) -> PResult<'_, Import> {
    let start = i.current().span;
    let (i, _) = keyword("import")(i)?;
    let ctx = i.ctx;
    let (i, kind, modifier) = if i.looking_at("option") {
        if ctx.edition_number() < 1001 {
            report(
                i,
                error_here(
                    i,
                    Code::InvalidImport,
                    "`import option` needs edition 2024 or later",
                    "option import is not supported before edition 2024.",
                ),
            );
        }
        ctx.saw_option_import.set(true);
        (i.next(), ImportKind::Option, Some(i.current().span))
    } else {
        if ctx.saw_option_import.get() {
            report(
                i,
                error_here(
                    i,
                    Code::InvalidImport,
                    "plain imports must come before option imports",
                    "imports should precede any option imports to ensure proto files can \
                     roundtrip.",
                ),
            );
        }
        let (after, public) = try_consume(i, "public");
        if let Some(span) = public {
            (after, ImportKind::Public, Some(span))
        } else if i.looking_at("weak") {
            if ctx.edition_number() >= 1001 {
                report(
                    i,
                    error_here(
                        i,
                        Code::InvalidImport,
                        "`import weak` is not supported from edition 2024 on",
                        "weak import is not supported in edition 2024 and above. Consider \
                         using option import instead.",
                    )
                    .help("use `import option` instead"),
                );
            }
            (i.next(), ImportKind::Weak, Some(i.current().span))
        } else {
            (i, ImportKind::Default, None)
        }
    };
    let (i, path) = cut(string_lit(
        "a string naming the file to import",
        IMPORT_PATH,
    ))
    .parse(i)?;
    let (i, (end, comments)) = semicolon(i, "the import")?;
    Ok((
        i,
        Import {
            kind,
            modifier,
            path,
            span: start.to(end),
            comments: comments.unwrap_or_default(),
        },
    ))
}
