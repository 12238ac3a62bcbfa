//! What the resolved edition features of a field mean for prost's
//! attributes. prost-build knows only proto2 and proto3, so each feature
//! is mapped onto the proto2/proto3 construct that means the same:
//! LEGACY_REQUIRED is `required`, DELIMITED is a group, EXPLICIT presence
//! of a scalar is an `Option`, EXPANDED is `packed = "false"`.
//!
//! The features themselves come from `pb::features`, the resolver the
//! semantics stage validates with; nothing here knows an edition's
//! defaults.

use crate::pb::feature_set::{FieldPresence, MessageEncoding, RepeatedFieldEncoding};
use crate::pb::features::ResolvedFeatures;
use crate::pb::field_descriptor_proto::{Label, Type};
use crate::pb::{DescriptorProto, Edition, FeatureSet, FieldDescriptorProto};

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
    scope.merged(own(message.options.as_ref()))
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
        Some(oneof) => scope.merged(own(oneof.options.as_ref())),
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
