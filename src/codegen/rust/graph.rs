//! Every message of a run and which ones contain which, as prost-build
//! decides boxing and derives from them: a singular message field whose
//! type leads back to its container is boxed, and neither `Copy` nor `Eq`
//! can be derived through it.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::pb::features::{file_edition, ResolvedFeatures};
use crate::pb::{field_descriptor_proto::Label, field_descriptor_proto::Type};
use crate::pb::{DescriptorProto, Edition, FieldDescriptorProto, FileDescriptorProto};

use super::features::{self, FieldShape};

pub struct MessageGraph<'a> {
    /// Messages by full name with a leading dot.
    messages: HashMap<String, &'a DescriptorProto>,
    /// The message types of each message's singular message fields.
    edges: HashMap<String, Vec<String>>,
    /// The numbers of each message's delimited message fields (editions'
    /// groups), which prost-build's rules treat as groups.
    delimited: HashMap<String, HashSet<i32>>,
}

impl<'a> MessageGraph<'a> {
    pub fn new(files: &'a [FileDescriptorProto]) -> MessageGraph<'a> {
        let mut graph = MessageGraph {
            messages: HashMap::default(),
            edges: HashMap::default(),
            delimited: HashMap::default(),
        };
        for file in files {
            let package = match file.package.as_deref() {
                Some(package) => format!(".{package}"),
                None => String::new(),
            };
            let edition = file_edition(file);
            let scope = ResolvedFeatures::of_file(file);
            for message in &file.message_type {
                graph.add(edition, scope, &package, message);
            }
        }
        graph
    }

    fn add(
        &mut self,
        edition: Edition,
        scope: ResolvedFeatures,
        parent: &str,
        message: &'a DescriptorProto,
    ) {
        let name = format!("{parent}.{}", message.name());
        let scope = features::message(scope, message);
        let is_map_entry = message
            .options
            .as_ref()
            .and_then(|o| o.known.map_entry)
            .unwrap_or(false);
        let mut targets = Vec::new();
        for field in &message.field {
            if field.r#type() != Type::Message || field.label() == Label::Repeated {
                continue;
            }
            let features = features::field(edition, scope, message, field);
            if !is_map_entry && FieldShape::of(field, features).ty == Type::Group {
                self.delimited
                    .entry(name.clone())
                    .or_default()
                    .insert(field.number());
            } else {
                targets.push(field.type_name().to_owned());
            }
        }
        self.edges.insert(name.clone(), targets);
        self.messages.insert(name.clone(), message);
        for nested in &message.nested_type {
            self.add(edition, scope, &name, nested);
        }
    }

    /// The type of a field of `message` as prost-build would see it: a
    /// delimited message field is a group.
    pub fn field_type(&self, message: &str, field: &FieldDescriptorProto) -> Type {
        match field.r#type() {
            Type::Message
                if self
                    .delimited
                    .get(message)
                    .is_some_and(|numbers| numbers.contains(&field.number())) =>
            {
                Type::Group
            }
            ty => ty,
        }
    }

    pub fn message(&self, name: &str) -> Option<&'a DescriptorProto> {
        self.messages.get(name).copied()
    }

    /// Whether `inner` is reachable from `outer` through singular message
    /// fields (a message reaches itself).
    pub fn is_nested(&self, outer: &str, inner: &str) -> bool {
        if !self.edges.contains_key(outer) || !self.edges.contains_key(inner) {
            return false;
        }
        let mut seen = HashSet::default();
        let mut stack = vec![outer];
        while let Some(name) = stack.pop() {
            if name == inner {
                return true;
            }
            if !seen.insert(name) {
                continue;
            }
            stack.extend(
                self.edges
                    .get(name)
                    .into_iter()
                    .flatten()
                    .map(String::as_str),
            );
        }
        false
    }

    /// prost-build's boxing rule for a field of `message`.
    pub fn should_box(&self, message: &str, field: &FieldDescriptorProto) -> bool {
        field.label() != Label::Repeated
            && matches!(self.field_type(message, field), Type::Message | Type::Group)
            && self.is_nested(field.type_name(), message)
    }

    pub fn can_message_derive_copy(&self, message: &str) -> bool {
        self.message(message).is_some_and(|m| {
            m.field
                .iter()
                .all(|field| self.can_field_derive_copy(message, field))
        })
    }

    pub fn can_field_derive_copy(&self, message: &str, field: &FieldDescriptorProto) -> bool {
        if field.label() == Label::Repeated {
            return false;
        }
        match self.field_type(message, field) {
            Type::Message => {
                !self.is_nested(field.type_name(), message)
                    && self.can_message_derive_copy(field.type_name())
            }
            Type::String | Type::Bytes | Type::Group => false,
            _ => true,
        }
    }

    pub fn can_message_derive_eq(&self, message: &str) -> bool {
        self.message(message).is_some_and(|m| {
            m.field
                .iter()
                .all(|field| self.can_field_derive_eq(message, field))
        })
    }

    pub fn can_field_derive_eq(&self, message: &str, field: &FieldDescriptorProto) -> bool {
        match self.field_type(message, field) {
            Type::Message => {
                field.label() != Label::Repeated
                    && !self.is_nested(field.type_name(), message)
                    && self.can_message_derive_eq(field.type_name())
            }
            Type::Float | Type::Double | Type::Group => false,
            _ => true,
        }
    }
}
