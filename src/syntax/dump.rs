//! A compact, stable text dump of a syntax tree, one node per line, for
//! snapshot tests and `protoc-rs parse --dump`-style debugging. Spans are
//! shown as `line:col` (1-based, protoc's convention) of their start.

use std::fmt::Write;

use super::ast::*;
use super::comments::Comment;
use crate::source::{SourceFile, Span};

pub fn dump(source: &SourceFile, file: &File) -> String {
    let mut printer = Printer {
        source,
        out: String::new(),
        depth: 0,
    };
    printer.file(file);
    printer.out
}

struct Printer<'a> {
    source: &'a SourceFile,
    out: String,
    depth: usize,
}

impl Printer<'_> {
    fn text(&self, span: Span) -> String {
        self.source.text(span).into_owned()
    }

    fn pos(&self, span: Span) -> String {
        let pos = self.source.line_col(span.start);
        format!("{}:{}", pos.line + 1, pos.column + 1)
    }

    fn line(&mut self, span: Span, text: impl AsRef<str>) {
        let pos = self.pos(span);
        let _ = writeln!(
            self.out,
            "{:indent$}{} @{}",
            "",
            text.as_ref(),
            pos,
            indent = self.depth * 2
        );
    }

    fn nested(&mut self, body: impl FnOnce(&mut Self)) {
        self.depth += 1;
        body(self);
        self.depth -= 1;
    }

    fn comments(&mut self, comments: &Comments) {
        let show = |c: &Comment, s: &Self| format!("{:?}", c.text(s.source.bytes()));
        if let Some(c) = &comments.leading {
            let text = show(c, self);
            self.nested(|p| p.line(c.span, format!("leading {text}")));
        }
        if let Some(c) = &comments.trailing {
            let text = show(c, self);
            self.nested(|p| p.line(c.span, format!("trailing {text}")));
        }
        for c in &comments.detached {
            let text = show(c, self);
            self.nested(|p| p.line(c.span, format!("detached {text}")));
        }
    }

    fn full_ident(&self, name: &FullIdent) -> String {
        let parts: Vec<String> = name.parts.iter().map(|p| self.text(p.span)).collect();
        let dot = if name.leading_dot.is_some() { "." } else { "" };
        format!("{dot}{}", parts.join("."))
    }

    fn string(&self, lit: &StrLit) -> String {
        format!("{:?}", String::from_utf8_lossy(&lit.value))
    }

    fn int(&self, lit: &IntLit) -> String {
        format!("{}{}", if lit.negative { "-" } else { "" }, lit.magnitude)
    }

    fn file(&mut self, file: &File) {
        match &file.syntax_decl {
            Some(decl) => {
                self.line(decl.span, format!("syntax {:?}", decl.syntax));
                self.comments(&decl.comments);
            }
            None => self.line(Span::point(0), "syntax (none: proto2)"),
        }
        for item in &file.items {
            match item {
                Item::Package(p) => {
                    let name = self.full_ident(&p.name);
                    self.line(p.span, format!("package {name}"));
                    self.comments(&p.comments);
                }
                Item::Import(i) => {
                    let path = self.string(&i.path);
                    self.line(i.span, format!("import {:?} {path}", i.kind));
                    self.comments(&i.comments);
                }
                Item::Option(o) => self.option(o, "option"),
                Item::Message(m) => self.message(m),
                Item::Enum(e) => self.enumeration(e),
                Item::Service(s) => self.service(s),
                Item::Extend(e) => self.extend(e),
            }
        }
    }

    fn option_name(&self, name: &OptionName) -> String {
        let parts: Vec<String> = name
            .parts
            .iter()
            .map(|part| match part {
                OptionNamePart::Field(ident) => self.text(ident.span),
                OptionNamePart::Extension(name, _) => format!("({})", self.full_ident(name)),
            })
            .collect();
        parts.join(".")
    }

    fn option(&mut self, option: &OptionDecl, keyword: &str) {
        let name = self.option_name(&option.name);
        let value = match &option.value.kind {
            ValueKind::Ident(ident) => format!("ident {}", self.text(ident.span)),
            ValueKind::Int(lit) => format!("int {}", self.int(lit)),
            ValueKind::Float(value) => format!("float {value:?}"),
            ValueKind::Str(lit) => format!("string {}", self.string(lit)),
            ValueKind::Aggregate(_) => "aggregate".into(),
        };
        self.line(option.span, format!("{keyword} {name} = {value}"));
        self.comments(&option.comments);
        if let ValueKind::Aggregate(aggregate) = &option.value.kind {
            self.nested(|p| p.aggregate(aggregate));
        }
    }

    fn aggregate(&mut self, aggregate: &Aggregate) {
        for field in &aggregate.fields {
            let name = match &field.name {
                AggregateName::Field(ident) => self.text(ident.span),
                AggregateName::Extension {
                    name, url_prefix, ..
                } => match url_prefix {
                    Some(prefix) => format!("[{}/{}]", self.text(*prefix), self.full_ident(name)),
                    None => format!("[{}]", self.full_ident(name)),
                },
            };
            self.line(field.span, format!("field {name}"));
            self.nested(|p| p.aggregate_value(&field.value));
        }
    }

    fn aggregate_value(&mut self, value: &AggregateValue) {
        match value {
            AggregateValue::Scalar(scalar) => {
                let text = match &scalar.kind {
                    ScalarKind::Str(lit) => self.string(lit),
                    ScalarKind::Ident(ident) => self.text(ident.span),
                    ScalarKind::Int(span) | ScalarKind::Float(span) => self.text(*span),
                };
                let sign = if scalar.negative { "-" } else { "" };
                self.line(scalar.span, format!("scalar {sign}{text}"));
            }
            AggregateValue::Message(message) => {
                self.line(message.span, "message");
                self.nested(|p| p.aggregate(message));
            }
            AggregateValue::List(values, span) => {
                self.line(*span, "list");
                self.nested(|p| values.iter().for_each(|v| p.aggregate_value(v)));
            }
        }
    }

    fn field_type(&self, ty: &FieldType) -> String {
        match ty {
            FieldType::Scalar(scalar, _) => scalar.name().into(),
            FieldType::Named(name) => self.full_ident(name),
            FieldType::Map(map) => format!(
                "map<{}, {}>",
                self.field_type(&map.key),
                self.field_type(&map.value)
            ),
        }
    }

    fn field_options(&mut self, options: &FieldOptions) {
        self.nested(|p| {
            if let Some(default) = &options.default {
                let value = match &default.kind {
                    DefaultKind::Int(lit) => p.int(lit),
                    DefaultKind::Float(v) => format!("{v:?}"),
                    DefaultKind::Bool(b) => b.to_string(),
                    DefaultKind::Str(lit) => p.string(lit),
                    DefaultKind::Token(span) => p.text(*span),
                };
                p.line(default.span, format!("default {value}"));
            }
            if let Some((json_name, span)) = options.json_name.as_deref() {
                let value = p.string(json_name);
                p.line(*span, format!("json_name {value}"));
            }
            for option in &options.options {
                p.option(option, "option");
            }
        });
    }

    fn label(label: &Option<(Label, Span)>) -> String {
        label.map_or(String::new(), |(l, _)| format!("{l:?} ").to_lowercase())
    }

    fn field(&mut self, field: &Field) {
        let ty = self.field_type(&field.ty);
        let name = self.text(field.name.span);
        self.line(
            field.span,
            format!(
                "field {}{ty} {name} = {}",
                Self::label(&field.label),
                self.int(&field.number)
            ),
        );
        self.comments(&field.comments);
        self.field_options(&field.options);
    }

    fn group(&mut self, group: &Group) {
        let name = self.text(group.name.span);
        self.line(
            group.span,
            format!(
                "group {}{name} = {}",
                Self::label(&group.label),
                self.int(&group.number)
            ),
        );
        self.comments(&group.comments);
        self.field_options(&group.options);
        self.nested(|p| p.message_items(&group.body.items));
    }

    fn message(&mut self, message: &Message) {
        let name = self.text(message.name.span);
        let visibility = message
            .visibility
            .map_or(String::new(), |(v, _)| format!("{v:?} ").to_lowercase());
        self.line(message.span, format!("{visibility}message {name}"));
        self.comments(&message.comments);
        self.nested(|p| p.message_items(&message.body.items));
    }

    fn message_items(&mut self, items: &[MessageItem]) {
        for item in items {
            match item {
                MessageItem::Field(f) => self.field(f),
                MessageItem::Group(g) => self.group(g),
                MessageItem::Oneof(o) => {
                    let name = self.text(o.name.span);
                    self.line(o.span, format!("oneof {name}"));
                    self.comments(&o.comments);
                    self.nested(|p| {
                        for item in &o.items {
                            match item {
                                OneofItem::Field(f) => p.field(f),
                                OneofItem::Group(g) => p.group(g),
                                OneofItem::Option(opt) => p.option(opt, "option"),
                            }
                        }
                    });
                }
                MessageItem::Message(m) => self.message(m),
                MessageItem::Enum(e) => self.enumeration(e),
                MessageItem::Extend(e) => self.extend(e),
                MessageItem::Extensions(e) => {
                    let ranges = self.ranges(&e.ranges);
                    self.line(e.span, format!("extensions {ranges}"));
                    self.comments(&e.comments);
                    self.nested(|p| e.options.iter().for_each(|o| p.option(o, "option")));
                }
                MessageItem::Reserved(r) => self.reserved(r),
                MessageItem::Option(o) => self.option(o, "option"),
            }
        }
    }

    fn ranges(&self, ranges: &[Range]) -> String {
        let parts: Vec<String> = ranges
            .iter()
            .map(|r| match r.end {
                RangeEnd::Single => self.int(&r.start),
                RangeEnd::Int(end) => format!("{} to {}", self.int(&r.start), self.int(&end)),
                RangeEnd::Max(_) => format!("{} to max", self.int(&r.start)),
            })
            .collect();
        parts.join(", ")
    }

    fn reserved(&mut self, reserved: &Reserved) {
        let what = match &reserved.kind {
            ReservedKind::Ranges(ranges) => self.ranges(ranges),
            ReservedKind::Strings(names) => names
                .iter()
                .map(|n| self.string(n))
                .collect::<Vec<_>>()
                .join(", "),
            ReservedKind::Idents(names) => names
                .iter()
                .map(|n| self.text(n.span))
                .collect::<Vec<_>>()
                .join(", "),
        };
        self.line(reserved.span, format!("reserved {what}"));
        self.comments(&reserved.comments);
    }

    fn enumeration(&mut self, enumeration: &Enum) {
        let name = self.text(enumeration.name.span);
        let visibility = enumeration
            .visibility
            .map_or(String::new(), |(v, _)| format!("{v:?} ").to_lowercase());
        self.line(enumeration.span, format!("{visibility}enum {name}"));
        self.comments(&enumeration.comments);
        self.nested(|p| {
            for item in &enumeration.items {
                match item {
                    EnumItem::Value(v) => {
                        let name = p.text(v.name.span);
                        p.line(v.span, format!("value {name} = {}", p.int(&v.number)));
                        p.comments(&v.comments);
                        p.nested(|p| v.options.iter().for_each(|o| p.option(o, "option")));
                    }
                    EnumItem::Option(o) => p.option(o, "option"),
                    EnumItem::Reserved(r) => p.reserved(r),
                }
            }
        });
    }

    fn service(&mut self, service: &Service) {
        let name = self.text(service.name.span);
        self.line(service.span, format!("service {name}"));
        self.comments(&service.comments);
        self.nested(|p| {
            for item in &service.items {
                match item {
                    ServiceItem::Option(o) => p.option(o, "option"),
                    ServiceItem::Rpc(rpc) => {
                        let side = |t: &RpcType, p: &Self| {
                            let stream = if t.stream.is_some() { "stream " } else { "" };
                            format!("{stream}{}", p.full_ident(&t.name))
                        };
                        let name = p.text(rpc.name.span);
                        let input = side(&rpc.input, p);
                        let output = side(&rpc.output, p);
                        p.line(rpc.span, format!("rpc {name}({input}) returns ({output})"));
                        p.comments(&rpc.comments);
                        p.nested(|p| rpc.options.iter().for_each(|o| p.option(o, "option")));
                    }
                }
            }
        });
    }

    fn extend(&mut self, extend: &Extend) {
        let name = self.full_ident(&extend.extendee);
        self.line(extend.span, format!("extend {name}"));
        self.comments(&extend.comments);
        self.nested(|p| {
            for item in &extend.items {
                match item {
                    ExtendItem::Field(f) => p.field(f),
                    ExtendItem::Group(g) => p.group(g),
                }
            }
        });
    }
}
