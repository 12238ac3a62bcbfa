//! What the resolved edition features of a field mean for prost's
//! attributes. prost-build knows only proto2 and proto3, so each feature
//! is mapped onto the proto2/proto3 construct that means the same:
//! LEGACY_REQUIRED is `required`, DELIMITED is a group, EXPLICIT presence
//! of a scalar is an `Option`, EXPANDED is `packed = "false"`.
//!
//! The features themselves come from `pb::features`, the resolver the
//! semantics stage validates with; nothing here knows an edition's
//! defaults.

use crate::pb::feature_set::{
    EnumType, FieldPresence, MessageEncoding, RepeatedFieldEncoding, Utf8Validation,
};
use crate::pb::features::{file_edition, ResolvedFeatures};
use crate::pb::field_descriptor_proto::{Label, Type};
use crate::pb::{
    DescriptorProto, Edition, EnumDescriptorProto, FeatureSet, FieldDescriptorProto,
    FileDescriptorProto,
};

use super::{CodegenError, CodegenErrorKind};

/// The features an options message sets itself.
pub(super) fn own<O>(options: Option<&crate::pb::WithUnknown<O>>) -> Option<&FeatureSet>
where
    O: HasFeatures,
{
    options.and_then(|o| o.known.features()).map(|f| &f.known)
}

/// Options messages that carry `features`.
pub(super) trait HasFeatures {
    fn features(&self) -> Option<&crate::pb::WithUnknown<FeatureSet>>;
}

macro_rules! has_features {
    ($($ty:ident),*) => {
        $(impl HasFeatures for crate::pb::$ty {
            fn features(&self) -> Option<&crate::pb::WithUnknown<FeatureSet>> {
                self.features.as_ref()
            }
        })*
    };
}

has_features!(
    FileOptions,
    MessageOptions,
    FieldOptions,
    OneofOptions,
    EnumOptions
);

/// The features of a message declared in a scope with `scope`'s features.
pub(super) fn message(scope: ResolvedFeatures, message: &DescriptorProto) -> ResolvedFeatures {
    scope.merged(own(message.options.as_deref()))
}

/// The features of a field of `message` (whose features are `scope`): a
/// oneof member inherits its oneof's.
pub(super) fn field(
    edition: Edition,
    scope: ResolvedFeatures,
    message: &DescriptorProto,
    field: &FieldDescriptorProto,
) -> ResolvedFeatures {
    let oneof = field
        .oneof_index
        .and_then(|i| message.oneof_decl.get(usize::try_from(i).ok()?));
    let parent = match oneof {
        Some(oneof) => scope.merged(own(oneof.options.as_deref())),
        None => scope,
    };
    parent.field(edition, field)
}

/// How a field is encoded, in proto2/proto3 terms.
#[derive(Clone, Copy, Debug)]
pub(super) struct FieldShape {
    /// The type, TYPE_GROUP for a delimited message field.
    pub ty: Type,
    pub repeated: bool,
    pub required: bool,
    /// A singular field whose presence is tracked.
    pub explicit: bool,
    pub packed: bool,
}

impl FieldShape {
    /// The shape of `field` (not a map field: those are maps, whatever
    /// their features) with its resolved `features`.
    pub fn of(field: &FieldDescriptorProto, features: ResolvedFeatures) -> FieldShape {
        let delimited = features.message_encoding() == MessageEncoding::Delimited;
        let ty = match field.r#type() {
            Type::Message if delimited => Type::Group,
            ty => ty,
        };
        let repeated = field.label() == Label::Repeated;
        let presence = features.field_presence();
        FieldShape {
            ty,
            repeated,
            required: !repeated && presence == FieldPresence::LegacyRequired,
            explicit: !repeated && presence == FieldPresence::Explicit,
            packed: features.repeated_field_encoding() == RepeatedFieldEncoding::Packed,
        }
    }
}

/// The elements of one editions file whose features prost cannot honour.
#[derive(Default)]
struct Unfaithful {
    /// Full names and name location paths of closed enums.
    closed_enums: Vec<(String, Vec<i32>)>,
    /// Full names and name location paths of string fields not validated.
    unchecked_strings: Vec<(String, Vec<i32>)>,
}

/// See [`super::feature_warnings`].
pub(super) fn warnings(file: &FileDescriptorProto) -> Vec<CodegenError> {
    let edition = file_edition(file);
    if matches!(edition, Edition::Proto2 | Edition::Proto3) {
        return Vec::new();
    }
    let scope = ResolvedFeatures::of_file(file);
    let package = match file.package() {
        "" => String::new(),
        package => format!("{package}."),
    };
    let mut found = Unfaithful::default();
    for (i, e) in file.enum_type.iter().enumerate() {
        visit_enum(scope, &package, e, vec![5, i as i32], &mut found);
    }
    for (i, m) in file.message_type.iter().enumerate() {
        visit_message(edition, scope, &package, m, vec![4, i as i32], &mut found);
    }
    let position = |path: &[i32]| {
        let path = [path, &[1]].concat();
        let location = file
            .source_code_info
            .as_ref()?
            .location
            .iter()
            .find(|l| l.path == path)?;
        Some((
            u32::try_from(*location.span.first()?).ok()?,
            u32::try_from(*location.span.get(1)?).ok()?,
        ))
    };
    let others = |n: usize, what: &str| match n {
        0 => String::new(),
        1 => format!(" (and 1 more {what} in this file)"),
        n => format!(" (and {n} more {what}s in this file)"),
    };
    let mut out = Vec::new();
    if let Some((name, path)) = found.closed_enums.first() {
        out.push(CodegenError {
            kind: CodegenErrorKind::ClosedEnum,
            file: file.name().to_owned(),
            position: position(path),
            message: format!(
                "`{name}` is a closed enum, but prost's enums are open{}",
                others(found.closed_enums.len() - 1, "closed enum")
            ),
            first_position: None,
            help: "a field of it keeps any number it reads, where protobuf would put \
                   unknown numbers in the unknown fields; check values with \
                   `TryFrom<i32>` before use"
                .to_owned(),
            paths: (path.clone(), None),
        });
    }
    if let Some((name, path)) = found.unchecked_strings.first() {
        out.push(CodegenError {
            kind: CodegenErrorKind::Utf8Unchecked,
            file: file.name().to_owned(),
            position: position(path),
            message: format!(
                "`{name}` has `utf8_validation = NONE`, but prost's `String` rejects \
                 invalid UTF-8{}",
                others(found.unchecked_strings.len() - 1, "such field")
            ),
            first_position: None,
            help: "decoding a message whose string is not UTF-8 fails; declare the field \
                   `bytes` to accept any bytes"
                .to_owned(),
            paths: (path.clone(), None),
        });
    }
    out
}

fn visit_enum(
    scope: ResolvedFeatures,
    prefix: &str,
    e: &EnumDescriptorProto,
    path: Vec<i32>,
    found: &mut Unfaithful,
) {
    if scope.merged(own(e.options.as_deref())).enum_type() == EnumType::Closed {
        found
            .closed_enums
            .push((format!("{prefix}{}", e.name()), path));
    }
}

fn visit_message(
    edition: Edition,
    scope: ResolvedFeatures,
    prefix: &str,
    m: &DescriptorProto,
    path: Vec<i32>,
    found: &mut Unfaithful,
) {
    let scope = message(scope, m);
    let name = format!("{prefix}{}", m.name());
    let inner = format!("{name}.");
    for (i, f) in m.field.iter().enumerate() {
        if f.r#type() == Type::String
            && field(edition, scope, m, f).utf8_validation() == Utf8Validation::None
        {
            let field_path = [path.as_slice(), &[2, i as i32]].concat();
            found
                .unchecked_strings
                .push((format!("{inner}{}", f.name()), field_path));
        }
    }
    for (i, e) in m.enum_type.iter().enumerate() {
        visit_enum(
            scope,
            &inner,
            e,
            [path.as_slice(), &[4, i as i32]].concat(),
            found,
        );
    }
    for (i, nested) in m.nested_type.iter().enumerate() {
        visit_message(
            edition,
            scope,
            &inner,
            nested,
            [path.as_slice(), &[3, i as i32]].concat(),
            found,
        );
    }
}
