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
    /// Each message's strongly connected component of `edges`: a message
    /// reaches the type of one of its singular message fields back
    /// exactly when the two share a component.
    component: HashMap<String, usize>,
    /// Whether each message can derive `Copy`, and `Eq`.
    copy: HashMap<String, bool>,
    eq: HashMap<String, bool>,
}

impl<'a> MessageGraph<'a> {
    pub fn new(files: &'a [FileDescriptorProto]) -> MessageGraph<'a> {
        let mut graph = MessageGraph {
            messages: HashMap::default(),
            edges: HashMap::default(),
            delimited: HashMap::default(),
            component: HashMap::default(),
            copy: HashMap::default(),
            eq: HashMap::default(),
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
        graph.derives();
        graph
    }

    /// The components (Tarjan's algorithm, with an explicit stack: a chain
    /// of messages can be as long as the input), then `Copy` and `Eq` for
    /// every message, each component after those it points to, which
    /// Tarjan's algorithm finishes first. Linear in the graph: asking
    /// reachability per field made long chains cost cubic time.
    fn derives(&mut self) {
        let names: Vec<&str> = self.edges.keys().map(String::as_str).collect();
        let index_of: HashMap<&str, usize> =
            names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
        let targets: Vec<Vec<usize>> = names
            .iter()
            .map(|name| {
                self.edges[*name]
                    .iter()
                    .filter_map(|t| index_of.get(t.as_str()).copied())
                    .collect()
            })
            .collect();
        let components = strongly_connected(&targets);
        let mut component = vec![0; names.len()];
        for (c, members) in components.iter().enumerate() {
            for &m in members {
                component[m] = c;
            }
        }
        let mut copy: HashMap<String, bool> = HashMap::default();
        let mut eq: HashMap<String, bool> = HashMap::default();
        for members in &components {
            for &m in members {
                let name = names[m];
                let Some(message) = self.messages.get(name) else {
                    continue;
                };
                let field_ok = |field: &FieldDescriptorProto, derives: &HashMap<String, bool>| {
                    let same_component = index_of
                        .get(field.type_name())
                        .is_some_and(|&t| component[t] == component[m]);
                    !same_component && derives.get(field.type_name()).copied().unwrap_or(false)
                };
                let can_copy = message.field.iter().all(|field| {
                    field.label() != Label::Repeated
                        && match self.field_type(name, field) {
                            Type::Message => field_ok(field, &copy),
                            Type::String | Type::Bytes | Type::Group => false,
                            _ => true,
                        }
                });
                let can_eq = message
                    .field
                    .iter()
                    .all(|field| match self.field_type(name, field) {
                        Type::Message => field.label() != Label::Repeated && field_ok(field, &eq),
                        Type::Float | Type::Double | Type::Group => false,
                        _ => true,
                    });
                copy.insert(name.to_owned(), can_copy);
                eq.insert(name.to_owned(), can_eq);
            }
        }
        self.component = names
            .iter()
            .enumerate()
            .map(|(i, n)| ((*n).to_owned(), component[i]))
            .collect();
        self.copy = copy;
        self.eq = eq;
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

    /// Whether `inner` is reachable from `outer` through singular message
    /// fields (a message reaches itself). Only groups need the walk: for a
    /// field with an edge to its type, sharing a component is the answer.
    pub fn is_nested(&self, outer: &str, inner: &str) -> bool {
        if !self.edges.contains_key(outer) || !self.edges.contains_key(inner) {
            return false;
        }
        if self.component.get(outer) == self.component.get(inner) {
            return true;
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
            && match self.field_type(message, field) {
                // The field is an edge: a way back is a shared component.
                Type::Message => self.shares_component(field.type_name(), message),
                Type::Group => self.is_nested(field.type_name(), message),
                _ => false,
            }
    }

    fn shares_component(&self, a: &str, b: &str) -> bool {
        matches!((self.component.get(a), self.component.get(b)), (Some(x), Some(y)) if x == y)
    }

    pub fn can_message_derive_copy(&self, message: &str) -> bool {
        self.copy.get(message).copied().unwrap_or(false)
    }

    pub fn can_field_derive_copy(&self, message: &str, field: &FieldDescriptorProto) -> bool {
        if field.label() == Label::Repeated {
            return false;
        }
        match self.field_type(message, field) {
            Type::Message => {
                !self.shares_component(field.type_name(), message)
                    && self.can_message_derive_copy(field.type_name())
            }
            Type::String | Type::Bytes | Type::Group => false,
            _ => true,
        }
    }

    pub fn can_message_derive_eq(&self, message: &str) -> bool {
        self.eq.get(message).copied().unwrap_or(false)
    }

    pub fn can_field_derive_eq(&self, message: &str, field: &FieldDescriptorProto) -> bool {
        match self.field_type(message, field) {
            Type::Message => {
                field.label() != Label::Repeated
                    && !self.shares_component(field.type_name(), message)
                    && self.can_message_derive_eq(field.type_name())
            }
            Type::Float | Type::Double | Type::Group => false,
            _ => true,
        }
    }
}

/// The strongly connected components of a graph given as each node's
/// targets, in the order Tarjan's algorithm completes them: a component
/// comes after every component it points to. Iterative.
fn strongly_connected(targets: &[Vec<usize>]) -> Vec<Vec<usize>> {
    const UNSEEN: usize = usize::MAX;
    let n = targets.len();
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut components = Vec::new();
    let mut next_index = 0;
    // (node, how many of its targets are done)
    let mut frames: Vec<(usize, usize)> = Vec::new();
    for root in 0..n {
        if index[root] != UNSEEN {
            continue;
        }
        frames.push((root, 0));
        index[root] = next_index;
        low[root] = next_index;
        next_index += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (node, ref mut done)) = frames.last_mut() {
            if let Some(&target) = targets[node].get(*done) {
                *done += 1;
                if index[target] == UNSEEN {
                    index[target] = next_index;
                    low[target] = next_index;
                    next_index += 1;
                    stack.push(target);
                    on_stack[target] = true;
                    frames.push((target, 0));
                } else if on_stack[target] {
                    low[node] = low[node].min(index[target]);
                }
                continue;
            }
            frames.pop();
            if let Some(&(parent, _)) = frames.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == index[node] {
                let mut component = Vec::new();
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component.push(member);
                    if member == node {
                        break;
                    }
                }
                components.push(component);
            }
        }
    }
    components
}
