//! Lookups over the files of a run, as the Python generators need them:
//! files by name, and every message and enum by full name with the file
//! that declares it and its path of enclosing messages.

use std::collections::HashMap;

use crate::descriptors::pb;

/// A message or an enum, found by its full name.
#[derive(Clone, Copy)]
pub enum Type<'a> {
    Message(&'a pb::DescriptorProto),
    Enum(&'a pb::EnumDescriptorProto),
}

/// Where a type is declared.
#[derive(Clone)]
pub struct Declared<'a> {
    pub file: &'a pb::FileDescriptorProto,
    pub ty: Type<'a>,
    /// The names from the file's top level down to the type itself:
    /// `["Outer", "Inner"]` for `pkg.Outer.Inner`.
    pub path: Vec<&'a str>,
}

/// The files of a run.
pub struct Pool<'a> {
    files: Vec<&'a pb::FileDescriptorProto>,
    by_name: HashMap<&'a str, usize>,
    /// Keyed by full name without the leading dot: `pkg.Outer.Inner`.
    types: HashMap<String, Declared<'a>>,
}

impl<'a> Pool<'a> {
    pub fn new(files: &'a [pb::FileDescriptorProto]) -> Pool<'a> {
        let mut pool = Pool {
            files: files.iter().collect(),
            by_name: HashMap::new(),
            types: HashMap::new(),
        };
        for (index, file) in files.iter().enumerate() {
            pool.by_name.insert(file.name(), index);
            let scope = file.package().to_owned();
            for message in &file.message_type {
                pool.add_message(file, &scope, &[], message);
            }
            for e in &file.enum_type {
                pool.add_enum(file, &scope, &[], e);
            }
        }
        pool
    }

    fn add_message(
        &mut self,
        file: &'a pb::FileDescriptorProto,
        scope: &str,
        outer: &[&'a str],
        message: &'a pb::DescriptorProto,
    ) {
        let full = join(scope, message.name());
        let mut path = outer.to_vec();
        path.push(message.name());
        for nested in &message.nested_type {
            self.add_message(file, &full, &path, nested);
        }
        for e in &message.enum_type {
            self.add_enum(file, &full, &path, e);
        }
        self.types.insert(
            full,
            Declared {
                file,
                ty: Type::Message(message),
                path,
            },
        );
    }

    fn add_enum(
        &mut self,
        file: &'a pb::FileDescriptorProto,
        scope: &str,
        outer: &[&'a str],
        e: &'a pb::EnumDescriptorProto,
    ) {
        let mut path = outer.to_vec();
        path.push(e.name());
        self.types.insert(
            join(scope, e.name()),
            Declared {
                file,
                ty: Type::Enum(e),
                path,
            },
        );
    }

    /// Every file, imports before the files that import them.
    pub fn files(&self) -> &[&'a pb::FileDescriptorProto] {
        &self.files
    }

    pub fn file(&self, name: &str) -> Option<&'a pb::FileDescriptorProto> {
        self.by_name.get(name).map(|&i| self.files[i])
    }

    /// A type by full name, with or without the leading dot (descriptors
    /// write field and method types with it).
    pub fn lookup(&self, full_name: &str) -> Option<&Declared<'a>> {
        self.types
            .get(full_name.strip_prefix('.').unwrap_or(full_name))
    }
}

fn join(scope: &str, name: &str) -> String {
    if scope.is_empty() {
        name.to_owned()
    } else {
        format!("{scope}.{name}")
    }
}
