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
    /// Each message's node, by full name with a leading dot. The names are
    /// the only strings: a large run has hundreds of thousands of messages,
    /// and one table of indexes costs a fraction of a table per property.
    index: HashMap<String, u32>,
    nodes: Vec<Node<'a>>,
}

struct Node<'a> {
    message: &'a DescriptorProto,
    /// The messages of its singular message fields that are in the run.
    edges: Vec<u32>,
    /// The numbers of its delimited message fields (editions' groups),
    /// which prost-build's rules treat as groups.
    delimited: Vec<i32>,
    /// Its strongly connected component of `edges`: a message reaches the
    /// type of one of its singular message fields back exactly when the
    /// two share a component.
    component: u32,
    /// Whether it can derive `Copy`, and `Eq`.
    copy: bool,
    eq: bool,
}

impl<'a> MessageGraph<'a> {
    pub fn new(files: &'a [FileDescriptorProto]) -> MessageGraph<'a> {
        let mut graph = MessageGraph {
            index: HashMap::default(),
            nodes: Vec::new(),
        };
        // Each node's singular message field types, as written, until every
        // message has its index.
        let mut targets: Vec<Vec<&'a str>> = Vec::new();
        for file in files {
            let package = match file.package.as_deref() {
                Some(package) => format!(".{package}"),
                None => String::new(),
            };
            let edition = file_edition(file);
            let scope = ResolvedFeatures::of_file(file);
            for message in &file.message_type {
                graph.add(edition, scope, &package, message, &mut targets);
            }
        }
        for (node, names) in graph.nodes.iter_mut().zip(targets) {
            node.edges = names
                .into_iter()
                .filter_map(|name| graph.index.get(name).copied())
                .collect();
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
        let edges: Vec<&[u32]> = self.nodes.iter().map(|n| n.edges.as_slice()).collect();
        let components = strongly_connected(&edges);
        for (c, members) in components.iter().enumerate() {
            for &m in members {
                self.nodes[m].component = c as u32;
            }
        }
        for members in &components {
            for &m in members {
                let (can_copy, can_eq) = {
                    let node = &self.nodes[m];
                    let field_ok = |field: &FieldDescriptorProto, derives: fn(&Node) -> bool| {
                        self.node(field.type_name()).is_some_and(|target| {
                            target.component != node.component && derives(target)
                        })
                    };
                    let can_copy = node.message.field.iter().all(|field| {
                        field.label() != Label::Repeated
                            && match node.field_type(field) {
                                Type::Message => field_ok(field, |n| n.copy),
                                Type::String | Type::Bytes | Type::Group => false,
                                _ => true,
                            }
                    });
                    let can_eq =
                        node.message
                            .field
                            .iter()
                            .all(|field| match node.field_type(field) {
                                Type::Message => {
                                    field.label() != Label::Repeated && field_ok(field, |n| n.eq)
                                }
                                Type::Float | Type::Double | Type::Group => false,
                                _ => true,
                            });
                    (can_copy, can_eq)
                };
                self.nodes[m].copy = can_copy;
                self.nodes[m].eq = can_eq;
            }
        }
    }

    fn add(
        &mut self,
        edition: Edition,
        scope: ResolvedFeatures,
        parent: &str,
        message: &'a DescriptorProto,
        targets: &mut Vec<Vec<&'a str>>,
    ) {
        let name = format!("{parent}.{}", message.name());
        let scope = features::message(scope, message);
        let is_map_entry = message
            .options
            .as_ref()
            .and_then(|o| o.known.map_entry)
            .unwrap_or(false);
        let mut node = Node {
            message,
            edges: Vec::new(),
            delimited: Vec::new(),
            component: 0,
            copy: false,
            eq: false,
        };
        let mut names = Vec::new();
        for field in &message.field {
            if field.r#type() != Type::Message || field.label() == Label::Repeated {
                continue;
            }
            let features = features::field(edition, scope, message, field);
            if !is_map_entry && FieldShape::of(field, features).ty == Type::Group {
                node.delimited.push(field.number());
            } else {
                names.push(field.type_name());
            }
        }
        self.index.insert(name.clone(), self.nodes.len() as u32);
        self.nodes.push(node);
        targets.push(names);
        for nested in &message.nested_type {
            self.add(edition, scope, &name, nested, targets);
        }
    }

    fn node(&self, name: &str) -> Option<&Node<'a>> {
        self.nodes.get(*self.index.get(name)? as usize)
    }

    /// The type of a field of `message` as prost-build would see it: a
    /// delimited message field is a group.
    pub fn field_type(&self, message: &str, field: &FieldDescriptorProto) -> Type {
        match self.node(message) {
            Some(node) => node.field_type(field),
            None => field.r#type(),
        }
    }

    /// Whether `inner` is reachable from `outer` through singular message
    /// fields (a message reaches itself). Only groups need the walk: for a
    /// field with an edge to its type, sharing a component is the answer.
    pub fn is_nested(&self, outer: &str, inner: &str) -> bool {
        let (Some(&outer), Some(&inner)) = (self.index.get(outer), self.index.get(inner)) else {
            return false;
        };
        if self.nodes[outer as usize].component == self.nodes[inner as usize].component {
            return true;
        }
        let mut seen = HashSet::default();
        let mut stack = vec![outer];
        while let Some(node) = stack.pop() {
            if node == inner {
                return true;
            }
            if seen.insert(node) {
                stack.extend(&self.nodes[node as usize].edges);
            }
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
        matches!((self.node(a), self.node(b)), (Some(x), Some(y)) if x.component == y.component)
    }

    pub fn can_message_derive_copy(&self, message: &str) -> bool {
        self.node(message).is_some_and(|n| n.copy)
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
        self.node(message).is_some_and(|n| n.eq)
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

impl Node<'_> {
    /// See [`MessageGraph::field_type`].
    fn field_type(&self, field: &FieldDescriptorProto) -> Type {
        match field.r#type() {
            Type::Message if self.delimited.contains(&field.number()) => Type::Group,
            ty => ty,
        }
    }
}

/// The strongly connected components of a graph given as each node's
/// targets, in the order Tarjan's algorithm completes them: a component
/// comes after every component it points to. Iterative.
fn strongly_connected(targets: &[&[u32]]) -> Vec<Vec<usize>> {
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
                let target = target as usize;
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
