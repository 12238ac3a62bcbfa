//! The types option values can refer to while a descriptor is printed:
//! the messages, enums and extensions of every file that arrives as a
//! descriptor (the built-in files first, then the descriptor sets).

use std::collections::HashMap;

use crate::pb;

/// Messages, enums and extensions by full name (with the leading dot, as
/// type names are written in descriptors).
#[derive(Default)]
pub struct Universe<'f> {
    messages: HashMap<String, &'f pb::DescriptorProto>,
    enums: HashMap<String, &'f pb::EnumDescriptorProto>,
    /// By extendee and number: the extension's full name (no leading dot)
    /// and its field.
    extensions: HashMap<(String, i32), (String, &'f pb::FieldDescriptorProto)>,
}

impl<'f> Universe<'f> {
    /// Indexes `files`; where two define the same name, the first wins.
    pub fn new(files: impl IntoIterator<Item = &'f pb::FileDescriptorProto>) -> Universe<'f> {
        let mut universe = Universe::default();
        for file in files {
            let scope = match file.package() {
                "" => String::new(),
                package => format!(".{package}"),
            };
            universe.scope(&scope, &file.message_type, &file.enum_type, &file.extension);
        }
        universe
    }

    fn scope(
        &mut self,
        scope: &str,
        messages: &'f [pb::DescriptorProto],
        enums: &'f [pb::EnumDescriptorProto],
        extensions: &'f [pb::FieldDescriptorProto],
    ) {
        for e in enums {
            self.enums
                .entry(format!("{scope}.{}", e.name()))
                .or_insert(e);
        }
        for extension in extensions {
            let name = format!("{scope}.{}", extension.name());
            let key = (extension.extendee().to_owned(), extension.number());
            self.extensions
                .entry(key)
                .or_insert_with(|| (name[1..].to_owned(), extension));
        }
        for message in messages {
            let name = format!("{scope}.{}", message.name());
            self.scope(
                &name,
                &message.nested_type,
                &message.enum_type,
                &message.extension,
            );
            self.messages.entry(name).or_insert(message);
        }
    }

    pub fn message(&self, full_name: &str) -> Option<&'f pb::DescriptorProto> {
        self.messages.get(full_name).copied()
    }

    pub fn enumeration(&self, full_name: &str) -> Option<&'f pb::EnumDescriptorProto> {
        self.enums.get(full_name).copied()
    }

    /// The extension of `extendee` (full name, leading dot) numbered
    /// `number`: its full name and field.
    pub fn extension(
        &self,
        extendee: &str,
        number: i32,
    ) -> Option<(&str, &'f pb::FieldDescriptorProto)> {
        let (name, field) = self.extensions.get(&(extendee.to_owned(), number))?;
        Some((name, field))
    }
}
