//! A plain prost crate: messages only, with a hand-written type standing in
//! for one of the protos' messages.

pub mod money {
    /// The Rust type build.rs maps `.acme.common.Money` to.
    #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
    pub struct Money {
        #[prost(string, tag = "1")]
        pub currency: String,
        #[prost(int64, tag = "2")]
        pub minor_units: i64,
    }

    impl Money {
        pub fn new(currency: &str, minor_units: i64) -> Self {
            Money {
                currency: currency.to_string(),
                minor_units,
            }
        }
    }
}

// Every generated package, through the include file build.rs asked for.
include!(concat!(env!("OUT_DIR"), "/_includes.rs"));

/// The descriptor set written by build.rs next to the generated code.
pub const DESCRIPTOR_SET: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/inventory_descriptor.bin"));

#[cfg(test)]
mod tests {
    use super::acme::inventory::v1::{item, Item, StockUpdate};
    use super::acme::legacy::{customer_record, CustomerRecord, Note};
    use super::money::Money;
    use bytes::Bytes;
    use prost::{Message, Name};
    use std::collections::BTreeMap;

    fn sample_item() -> Item {
        Item {
            sku: "bolt-m8".into(),
            name: "M8 bolt".into(),
            condition: item::Condition::New as i32,
            locations: vec![item::Location {
                warehouse: "north".into(),
                bin: "A-03-2".into(),
                quantity: 500,
            }],
            attributes: BTreeMap::from([
                ("thread".to_string(), "metric".to_string()),
                ("finish".to_string(), "zinc".to_string()),
            ]),
            thumbnails: [("front".to_string(), Bytes::from_static(b"\x89PNG"))].into(),
            barcode_png: Bytes::from_static(b"\x89PNG\r\n"),
            unit_cost: Some(Money::new("EUR", 12)),
            list_price: Some(Money::new("EUR", 30)),
            last_counted: Some(prost_types::Timestamp {
                seconds: 1_700_000_000,
                nanos: 5,
            }),
            shelf_life: Some(prost_types::Duration {
                seconds: 3600,
                nanos: 0,
            }),
            reorder_point: Some(100),
            signature: Some(b"sig".to_vec()),
            source: Some(item::Source::WorkOrder(77)),
            hazardous: Some(false),
            weight_kg: Some(0.012),
            deltas: vec![-3, 4],
            serials: vec![1, u64::MAX],
            ..Default::default()
        }
    }

    #[test]
    fn item_round_trips() {
        let item = sample_item();
        let back = Item::decode(item.encode_to_vec().as_slice()).unwrap();
        assert_eq!(back, item);
        // btree_map: keys come back sorted.
        let keys: Vec<_> = back.attributes.keys().cloned().collect();
        assert_eq!(keys, ["finish", "thread"]);
        assert_eq!(Item::full_name(), "acme.inventory.v1.Item");
    }

    #[test]
    fn stock_update_round_trips() {
        let update = StockUpdate {
            items: BTreeMap::from([("bolt-m8".to_string(), sample_item())]),
            update_mask: Some(prost_types::FieldMask {
                paths: vec!["locations".into()],
            }),
            reason: "recount".into(),
        };
        let back = StockUpdate::decode(update.encode_to_vec().as_slice()).unwrap();
        assert_eq!(back, update);
    }

    #[test]
    fn proto2_defaults_and_groups() {
        let record = CustomerRecord::decode(&[0x08, 0x2a][..]).unwrap();
        assert_eq!(record.id, 42);
        assert_eq!(record.tier(), customer_record::Tier::Silver);
        assert!(record.active());
        assert_eq!(record.locale(), "en-GB");
        assert_eq!(record.credit_limit(), 250.5);

        let full = CustomerRecord {
            id: 7,
            full_name: Some("Ada".into()),
            address: Some(customer_record::Address {
                street: Some("1 Main St".into()),
                city: None,
            }),
            notes: vec![Note {
                author: Some("ops".into()),
                text: Some("called".into()),
                written_at_ms: Some(1),
            }],
            legacy_codes: vec![1, 2, 3],
            ..Default::default()
        };
        let back = CustomerRecord::decode(full.encode_to_vec().as_slice()).unwrap();
        assert_eq!(back, full);
    }

    #[test]
    fn descriptor_set_keeps_custom_options() {
        let set = prost_types::FileDescriptorSet::decode(super::DESCRIPTOR_SET).unwrap();
        let record = set
            .file
            .iter()
            .find(|f| f.name() == "acme/legacy/record.proto")
            .expect("record.proto in the set");
        let message = &record.message_type[0];
        assert_eq!(message.name(), "CustomerRecord");
        // The custom options travel as unknown fields of FieldOptions, which
        // prost-types drops, but the options message itself is present.
        assert!(message.field[1].options.is_some());
        assert!(set
            .file
            .iter()
            .any(|f| f.name() == "google/protobuf/descriptor.proto"));
    }
}
