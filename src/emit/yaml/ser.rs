//! `T: Serialize` → [`Node`] directly, without building a `serde_yaml::Value`.
//!
//! The result is the node [`Node::from`] makes of `serde_yaml::to_value(t)`,
//! decision by decision from serde_yaml 0.9's value serializer:
//! - integers as `itoa` writes them (Rust's decimal form); an `i128` or
//!   `u128` that fits neither `u64` nor `i64` becomes a string;
//! - floats (an `f32` widened to `f64`) as `ryu` writes finite ones, else
//!   `.nan`, `.inf`, `-.inf`;
//! - a newtype, tuple or struct enum variant with data is a one-entry map
//!   keyed `!VARIANT` (serde_yaml's tag, put back as a map as [`Node::from`]
//!   does); so is a one-entry map whose key, written through `collect_str`,
//!   writes `!` and then more as separate pieces (serde_yaml's own
//!   `TaggedValue`); an empty variant name is an error;
//! - keys stay in serialization order; a key equal to an earlier one
//!   replaces that entry's value in place, as `IndexMap::insert` does, with
//!   serde_yaml's equality (floats compare as numbers: `-0.0` equals `0.0`,
//!   NaN equals NaN; maps compare without order).
//!
//! One difference is left: serde_yaml keeps a tag apart from a map, so a
//! tagged key and an equal one-entry map key are two keys there and one
//! here. No Kubernetes object has a map or a tag as a key.

use std::collections::HashMap;
use std::fmt::{self, Display};
use std::hash::{DefaultHasher, Hash, Hasher};

use serde::ser::{self, Serialize};

use super::Node;

/// Why a value did not serialize: its own `Serialize` failed, or it has an
/// enum variant with an empty name (which has no YAML tag).
#[derive(Debug)]
pub struct Error(String);

impl Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
}

type Result<T, E = Error> = std::result::Result<T, E>;

/// `value` as a [`Node`].
pub fn to_node<T: ?Sized + Serialize>(value: &T) -> Result<Node> {
    value.serialize(Serializer { tag: None })
}

/// The serializer. `tag` is set only while a one-entry map's key is
/// serialized: `collect_str` then reports a tag there instead of returning
/// a string (serde_yaml's `CheckForTag`), and nothing nested sees it.
struct Serializer<'a> {
    tag: Option<&'a mut Option<String>>,
}

fn nested() -> Serializer<'static> {
    Serializer { tag: None }
}

/// `!VARIANT`, as serde_yaml writes the tag `Tag::new(variant)`.
fn tag_key(variant: &str) -> Result<Node> {
    if variant.is_empty() {
        return Err(Error("empty YAML tag is not allowed".into()));
    }
    Ok(Node::String(tag_text(variant)))
}

/// `Tag::to_string`: `!` and the tag without one leading `!` (unless that
/// `!` is all of it).
fn tag_text(tag: &str) -> String {
    let bare = match tag.strip_prefix('!') {
        Some("") | None => tag,
        Some(bare) => bare,
    };
    let mut text = String::with_capacity(bare.len() + 1);
    text.push('!');
    text.push_str(bare);
    text
}

/// An integer as serde_yaml writes it (`itoa`, the same text as `Display`).
fn integer(n: impl Display) -> Node {
    Node::Number(n.to_string())
}

/// A float as serde_yaml's `Number` displays it.
fn float(f: f64) -> Node {
    Node::Number(serde_yaml::Number::from(f).to_string())
}

impl<'a> ser::Serializer for Serializer<'a> {
    type Ok = Node;
    type Error = Error;
    type SerializeSeq = Sequence;
    type SerializeTuple = Sequence;
    type SerializeTupleStruct = Sequence;
    type SerializeTupleVariant = TaggedSequence;
    type SerializeMap = Map;
    type SerializeStruct = Struct;
    type SerializeStructVariant = TaggedStruct;

    fn serialize_bool(self, v: bool) -> Result<Node> {
        Ok(Node::Bool(v))
    }
    fn serialize_i8(self, v: i8) -> Result<Node> {
        Ok(integer(v))
    }
    fn serialize_i16(self, v: i16) -> Result<Node> {
        Ok(integer(v))
    }
    fn serialize_i32(self, v: i32) -> Result<Node> {
        Ok(integer(v))
    }
    fn serialize_i64(self, v: i64) -> Result<Node> {
        Ok(integer(v))
    }
    fn serialize_i128(self, v: i128) -> Result<Node> {
        Ok(if let Ok(v) = u64::try_from(v) {
            integer(v)
        } else if let Ok(v) = i64::try_from(v) {
            integer(v)
        } else {
            Node::String(v.to_string())
        })
    }
    fn serialize_u8(self, v: u8) -> Result<Node> {
        Ok(integer(v))
    }
    fn serialize_u16(self, v: u16) -> Result<Node> {
        Ok(integer(v))
    }
    fn serialize_u32(self, v: u32) -> Result<Node> {
        Ok(integer(v))
    }
    fn serialize_u64(self, v: u64) -> Result<Node> {
        Ok(integer(v))
    }
    fn serialize_u128(self, v: u128) -> Result<Node> {
        Ok(match u64::try_from(v) {
            Ok(v) => integer(v),
            Err(_) => Node::String(v.to_string()),
        })
    }
    fn serialize_f32(self, v: f32) -> Result<Node> {
        Ok(float(f64::from(v)))
    }
    fn serialize_f64(self, v: f64) -> Result<Node> {
        Ok(float(v))
    }
    fn serialize_char(self, v: char) -> Result<Node> {
        Ok(Node::String(v.to_string()))
    }
    fn serialize_str(self, v: &str) -> Result<Node> {
        Ok(Node::String(v.to_owned()))
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<Node> {
        Ok(Node::Sequence(v.iter().map(|&b| integer(b)).collect()))
    }
    fn serialize_none(self) -> Result<Node> {
        Ok(Node::Null)
    }
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<Node> {
        value.serialize(nested())
    }
    fn serialize_unit(self) -> Result<Node> {
        Ok(Node::Null)
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<Node> {
        Ok(Node::Null)
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Node> {
        Ok(Node::String(variant.to_owned()))
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<Node> {
        value.serialize(nested())
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Node> {
        let key = tag_key(variant)?;
        Ok(Node::Mapping(vec![(key, to_node(value)?)]))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Sequence> {
        Ok(Sequence(Vec::with_capacity(len.unwrap_or(0))))
    }
    fn serialize_tuple(self, len: usize) -> Result<Sequence> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Sequence> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<TaggedSequence> {
        Ok(TaggedSequence {
            tag: tag_key(variant)?,
            items: Vec::with_capacity(len),
        })
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Map> {
        Ok(Map {
            entries: Entries::with_capacity(len.unwrap_or(0)),
            next_key: None,
            check_for_tag: len == Some(1),
        })
    }
    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<Struct> {
        Ok(Struct(Entries::with_capacity(len)))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<TaggedStruct> {
        Ok(TaggedStruct {
            tag: tag_key(variant)?,
            fields: Struct(Entries::with_capacity(len)),
        })
    }

    fn collect_str<T: ?Sized + Display>(self, value: &T) -> Result<Node> {
        let Some(tag) = self.tag else {
            return Ok(Node::String(value.to_string()));
        };
        let mut check = CheckForTag::Empty;
        fmt::write(&mut check, format_args!("{value}")).map_err(ser::Error::custom)?;
        Ok(Node::String(match check {
            CheckForTag::Empty => String::new(),
            CheckForTag::Bang => "!".to_owned(),
            CheckForTag::Tag(found) => {
                *tag = Some(found);
                return Ok(Node::Null);
            }
            CheckForTag::NotTag(text) => text,
        }))
    }
}

/// serde_yaml's `check_for_tag`: a tag is a first piece `!` followed by
/// exactly one more piece; anything after that makes it text again, without
/// the `!`.
enum CheckForTag {
    Empty,
    Bang,
    Tag(String),
    NotTag(String),
}

impl fmt::Write for CheckForTag {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        if s.is_empty() {
            return Ok(());
        }
        *self = match std::mem::replace(self, CheckForTag::Empty) {
            CheckForTag::Empty if s == "!" => CheckForTag::Bang,
            CheckForTag::Empty => CheckForTag::NotTag(s.to_owned()),
            CheckForTag::Bang => CheckForTag::Tag(s.to_owned()),
            CheckForTag::Tag(mut text) | CheckForTag::NotTag(mut text) => {
                text.push_str(s);
                CheckForTag::NotTag(text)
            }
        };
        Ok(())
    }
}

pub struct Sequence(Vec<Node>);

impl ser::SerializeSeq for Sequence {
    type Ok = Node;
    type Error = Error;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        self.0.push(to_node(value)?);
        Ok(())
    }
    fn end(self) -> Result<Node> {
        Ok(Node::Sequence(self.0))
    }
}

impl ser::SerializeTuple for Sequence {
    type Ok = Node;
    type Error = Error;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<Node> {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleStruct for Sequence {
    type Ok = Node;
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<Node> {
        ser::SerializeSeq::end(self)
    }
}

pub struct TaggedSequence {
    tag: Node,
    items: Vec<Node>,
}

impl ser::SerializeTupleVariant for TaggedSequence {
    type Ok = Node;
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        self.items.push(to_node(value)?);
        Ok(())
    }
    fn end(self) -> Result<Node> {
        Ok(Node::Mapping(vec![(self.tag, Node::Sequence(self.items))]))
    }
}

pub struct Struct(Entries);

impl ser::SerializeStruct for Struct {
    type Ok = Node;
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<()> {
        self.0.insert(Node::String(key.to_owned()), to_node(value)?);
        Ok(())
    }
    fn end(self) -> Result<Node> {
        Ok(Node::Mapping(self.0.entries))
    }
}

pub struct TaggedStruct {
    tag: Node,
    fields: Struct,
}

impl ser::SerializeStructVariant for TaggedStruct {
    type Ok = Node;
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<()> {
        ser::SerializeStruct::serialize_field(&mut self.fields, key, value)
    }
    fn end(self) -> Result<Node> {
        Ok(Node::Mapping(vec![(
            self.tag,
            Node::Mapping(self.fields.0.entries),
        )]))
    }
}

pub struct Map {
    entries: Entries,
    next_key: Option<Node>,
    /// Declared with one entry and none serialized yet: the first entry's
    /// key, if written with `serialize_entry`, may be a tag.
    check_for_tag: bool,
}

impl ser::SerializeMap for Map {
    type Ok = Node;
    type Error = Error;
    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result<()> {
        self.check_for_tag = false;
        self.next_key = Some(to_node(key)?);
        Ok(())
    }
    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        let key = self
            .next_key
            .take()
            .expect("serialize_value called before serialize_key");
        self.entries.insert(key, to_node(value)?);
        Ok(())
    }
    fn serialize_entry<K: ?Sized + Serialize, V: ?Sized + Serialize>(
        &mut self,
        key: &K,
        value: &V,
    ) -> Result<()> {
        let key = if std::mem::take(&mut self.check_for_tag) {
            let mut tag = None;
            let key = key.serialize(Serializer {
                tag: Some(&mut tag),
            })?;
            match tag {
                // A tagged value, which becomes a map keyed by its tag
                // (alone, or with the entries that follow).
                Some(tag) => Node::String(tag_text(&tag)),
                None => key,
            }
        } else {
            to_node(key)?
        };
        self.entries.insert(key, to_node(value)?);
        Ok(())
    }
    fn end(self) -> Result<Node> {
        Ok(Node::Mapping(self.entries.entries))
    }
}

/// A mapping's entries as `IndexMap::insert` keeps them: a key equal to an
/// earlier one replaces that entry's value in place.
struct Entries {
    entries: Vec<(Node, Node)>,
    /// For large maps, entry indices by [`key_hash`], so each insertion
    /// compares with few keys.
    index: Option<HashMap<u64, Vec<usize>>>,
}

/// Above this many entries a map looks keys up by hash.
const LINEAR: usize = 16;

impl Entries {
    fn with_capacity(capacity: usize) -> Entries {
        Entries {
            entries: Vec::with_capacity(capacity),
            index: None,
        }
    }

    fn insert(&mut self, key: Node, value: Node) {
        let found = match &self.index {
            Some(index) => index.get(&key_hash(&key)).and_then(|slots| {
                slots
                    .iter()
                    .copied()
                    .find(|&i| same_key(&self.entries[i].0, &key))
            }),
            None => self.entries.iter().position(|(k, _)| same_key(k, &key)),
        };
        if let Some(i) = found {
            self.entries[i].1 = value;
            return;
        }
        if let Some(index) = &mut self.index {
            index
                .entry(key_hash(&key))
                .or_default()
                .push(self.entries.len());
        }
        self.entries.push((key, value));
        if self.index.is_none() && self.entries.len() > LINEAR {
            let mut index: HashMap<u64, Vec<usize>> = HashMap::new();
            for (i, (k, _)) in self.entries.iter().enumerate() {
                index.entry(key_hash(k)).or_default().push(i);
            }
            self.index = Some(index);
        }
    }
}

/// A hash that keys equal under [`same_key`] share.
fn key_hash(key: &Node) -> u64 {
    let mut hasher = DefaultHasher::new();
    match key {
        Node::Null => 0u8.hash(&mut hasher),
        Node::Bool(b) => (1u8, b).hash(&mut hasher),
        Node::String(s) => (2u8, s).hash(&mut hasher),
        Node::Number(n) if float_value(n).is_none() => (3u8, n).hash(&mut hasher),
        Node::Number(_) => 4u8.hash(&mut hasher),
        Node::Sequence(items) => (5u8, items.len()).hash(&mut hasher),
        Node::Mapping(entries) => (6u8, entries.len()).hash(&mut hasher),
    }
    hasher.finish()
}

/// The value of a number written as a float (`1.0`, `1e20`, `.inf`, `.nan`),
/// `None` for an integer.
fn float_value(number: &str) -> Option<f64> {
    match number {
        ".nan" => Some(f64::NAN),
        ".inf" => Some(f64::INFINITY),
        "-.inf" => Some(f64::NEG_INFINITY),
        _ if number.contains(['.', 'e', 'E']) => number.parse().ok(),
        _ => None,
    }
}

/// serde_yaml's `Value` equality, on nodes.
fn same_key(a: &Node, b: &Node) -> bool {
    match (a, b) {
        (Node::String(a), Node::String(b)) => a == b,
        (Node::Number(x), Node::Number(y)) => match (float_value(x), float_value(y)) {
            (Some(f), Some(g)) => f == g || (f.is_nan() && g.is_nan()),
            (None, None) => x == y,
            _ => false,
        },
        (Node::Sequence(x), Node::Sequence(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same_key(a, b))
        }
        (Node::Mapping(x), Node::Mapping(y)) => {
            x.len() == y.len()
                && x.iter().all(|(k, v)| {
                    y.iter()
                        .find(|(k2, _)| same_key(k, k2))
                        .is_some_and(|(_, v2)| same_key(v, v2))
                })
        }
        _ => a == b,
    }
}

#[cfg(test)]
pub(super) mod tests {
    //! The direct path against `serde_yaml::to_value` on generated values
    //! that use every part of the serde data model.

    use super::{Node, to_node};
    use proptest::prelude::*;
    use serde::ser::{
        SerializeMap, SerializeSeq, SerializeStruct, SerializeStructVariant, SerializeTuple,
        SerializeTupleStruct, SerializeTupleVariant,
    };
    use serde::{Serialize, Serializer};

    /// Names for fields and variants; `""` is an error as a variant, `!` and
    /// `!!x` probe the tag's leading `!`.
    const NAMES: &[&str] = &["a", "b", "apiVersion", "", "!", "!x", "!!x", "x!"];

    /// A value of the serde data model, serialized as its variant says.
    #[derive(Clone, Debug)]
    pub(in crate::emit::yaml) enum Gen {
        Bool(bool),
        I8(i8),
        I16(i16),
        I32(i32),
        I64(i64),
        I128(i128),
        U8(u8),
        U16(u16),
        U32(u32),
        U64(u64),
        U128(u128),
        F32(f32),
        F64(f64),
        Char(char),
        Str(String),
        Bytes(Vec<u8>),
        None,
        Some(Box<Gen>),
        Unit,
        UnitStruct,
        UnitVariant(&'static str),
        NewtypeStruct(Box<Gen>),
        NewtypeVariant(&'static str, Box<Gen>),
        Seq(Vec<Gen>, bool),
        Tuple(Vec<Gen>),
        TupleStruct(Vec<Gen>),
        TupleVariant(&'static str, Vec<Gen>),
        /// Entries (keys may repeat), the declared length (`None`, the real
        /// one, or one), and whether keys and values are sent apart.
        Map(Vec<(Gen, Gen)>, Option<usize>, bool),
        Struct(Vec<(&'static str, Gen)>),
        StructVariant(&'static str, Vec<(&'static str, Gen)>),
        /// `collect_str` of a value whose `Display` writes these pieces.
        Pieces(Vec<String>),
        /// serde_yaml's own tagged value, which serializes as a one-entry map.
        Tagged(String, Box<Gen>),
    }

    struct Pieces<'a>(&'a [String]);

    impl std::fmt::Display for Pieces<'_> {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            self.0.iter().try_for_each(|p| f.write_str(p))
        }
    }

    impl Serialize for Gen {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            match self {
                Gen::Bool(v) => s.serialize_bool(*v),
                Gen::I8(v) => s.serialize_i8(*v),
                Gen::I16(v) => s.serialize_i16(*v),
                Gen::I32(v) => s.serialize_i32(*v),
                Gen::I64(v) => s.serialize_i64(*v),
                Gen::I128(v) => s.serialize_i128(*v),
                Gen::U8(v) => s.serialize_u8(*v),
                Gen::U16(v) => s.serialize_u16(*v),
                Gen::U32(v) => s.serialize_u32(*v),
                Gen::U64(v) => s.serialize_u64(*v),
                Gen::U128(v) => s.serialize_u128(*v),
                Gen::F32(v) => s.serialize_f32(*v),
                Gen::F64(v) => s.serialize_f64(*v),
                Gen::Char(v) => s.serialize_char(*v),
                Gen::Str(v) => s.serialize_str(v),
                Gen::Bytes(v) => s.serialize_bytes(v),
                Gen::None => s.serialize_none(),
                Gen::Some(v) => s.serialize_some(v),
                Gen::Unit => s.serialize_unit(),
                Gen::UnitStruct => s.serialize_unit_struct("U"),
                Gen::UnitVariant(name) => s.serialize_unit_variant("E", 0, name),
                Gen::NewtypeStruct(v) => s.serialize_newtype_struct("N", v),
                Gen::NewtypeVariant(name, v) => s.serialize_newtype_variant("E", 1, name, v),
                Gen::Seq(items, known) => {
                    let mut seq = s.serialize_seq(known.then_some(items.len()))?;
                    items.iter().try_for_each(|i| seq.serialize_element(i))?;
                    seq.end()
                }
                Gen::Tuple(items) => {
                    let mut seq = s.serialize_tuple(items.len())?;
                    items.iter().try_for_each(|i| seq.serialize_element(i))?;
                    seq.end()
                }
                Gen::TupleStruct(items) => {
                    let mut seq = s.serialize_tuple_struct("T", items.len())?;
                    items.iter().try_for_each(|i| seq.serialize_field(i))?;
                    seq.end()
                }
                Gen::TupleVariant(name, items) => {
                    let mut seq = s.serialize_tuple_variant("E", 2, name, items.len())?;
                    items.iter().try_for_each(|i| seq.serialize_field(i))?;
                    seq.end()
                }
                Gen::Map(entries, len, apart) => {
                    let mut map = s.serialize_map(*len)?;
                    for (k, v) in entries {
                        if *apart {
                            map.serialize_key(k)?;
                            map.serialize_value(v)?;
                        } else {
                            map.serialize_entry(k, v)?;
                        }
                    }
                    map.end()
                }
                Gen::Struct(fields) => {
                    let mut st = s.serialize_struct("S", fields.len())?;
                    for (k, v) in fields {
                        st.serialize_field(k, v)?;
                    }
                    st.end()
                }
                Gen::StructVariant(name, fields) => {
                    let mut st = s.serialize_struct_variant("E", 3, name, fields.len())?;
                    for (k, v) in fields {
                        st.serialize_field(k, v)?;
                    }
                    st.end()
                }
                Gen::Pieces(pieces) => s.collect_str(&Pieces(pieces)),
                Gen::Tagged(tag, v) => serde_yaml::value::TaggedValue {
                    tag: serde_yaml::value::Tag::new(tag.clone()),
                    value: serde_yaml::to_value(v).map_err(serde::ser::Error::custom)?,
                }
                .serialize(s),
            }
        }
    }

    fn name() -> impl Strategy<Value = &'static str> + Clone {
        prop::sample::select(NAMES)
    }

    fn text() -> impl Strategy<Value = String> {
        prop_oneof!["[a-c!]{0,3}", any::<String>()]
    }

    fn scalar() -> impl Strategy<Value = Gen> {
        prop_oneof![
            any::<bool>().prop_map(Gen::Bool),
            any::<i8>().prop_map(Gen::I8),
            any::<i16>().prop_map(Gen::I16),
            any::<i32>().prop_map(Gen::I32),
            any::<i64>().prop_map(Gen::I64),
            prop_oneof![
                any::<i128>(),
                (-3i128..3),
                Just(i128::from(u64::MAX) + 1),
                Just(i128::from(i64::MIN) - 1)
            ]
            .prop_map(Gen::I128),
            any::<u8>().prop_map(Gen::U8),
            any::<u16>().prop_map(Gen::U16),
            any::<u32>().prop_map(Gen::U32),
            any::<u64>().prop_map(Gen::U64),
            prop_oneof![any::<u128>(), (0u128..3), Just(u128::from(u64::MAX) + 1)]
                .prop_map(Gen::U128),
            any::<f32>().prop_map(Gen::F32),
            prop_oneof![
                any::<f64>(),
                Just(0.0),
                Just(-0.0),
                Just(f64::NAN),
                Just(-f64::NAN),
                Just(f64::INFINITY),
                Just(f64::NEG_INFINITY),
                Just(1e20),
                Just(1.0),
                Just(0.1)
            ]
            .prop_map(Gen::F64),
            any::<char>().prop_map(Gen::Char),
            text().prop_map(Gen::Str),
            prop::collection::vec(any::<u8>(), 0..3).prop_map(Gen::Bytes),
            Just(Gen::None),
            Just(Gen::Unit),
            Just(Gen::UnitStruct),
            name().prop_map(Gen::UnitVariant),
            prop::collection::vec("!|[a!]{0,2}", 0..4).prop_map(Gen::Pieces),
        ]
    }

    /// Keys: scalars, and sequences and maps of them (never a tag, the one
    /// case left different; see the module's docs). Few distinct ones, so
    /// they repeat.
    fn key() -> impl Strategy<Value = Gen> {
        let simple = prop_oneof![
            prop_oneof![Just("a"), Just("b"), Just("!a")].prop_map(|s| Gen::Str(s.into())),
            (0i64..3).prop_map(Gen::I64),
            (0u8..3).prop_map(Gen::U8),
            prop_oneof![Just(0.0), Just(-0.0), Just(1.0), Just(f64::NAN)].prop_map(Gen::F64),
            any::<bool>().prop_map(Gen::Bool),
            Just(Gen::Unit),
        ];
        prop_oneof![
            4 => simple.clone(),
            1 => prop::collection::vec(simple.clone(), 0..3).prop_map(|v| Gen::Seq(v, true)),
            1 => prop::collection::vec((simple.clone(), simple), 0..3)
                .prop_map(|e| Gen::Map(e, None, false)),
        ]
    }

    pub(in crate::emit::yaml) fn tree() -> impl Strategy<Value = Gen> {
        scalar().prop_recursive(4, 64, 5, |inner| {
            let items = prop::collection::vec(inner.clone(), 0..4);
            let fields = prop::collection::vec((name(), inner.clone()), 0..4);
            prop_oneof![
                inner.clone().prop_map(|v| Gen::Some(Box::new(v))),
                inner.clone().prop_map(|v| Gen::NewtypeStruct(Box::new(v))),
                (name(), inner.clone()).prop_map(|(n, v)| Gen::NewtypeVariant(n, Box::new(v))),
                (items.clone(), any::<bool>()).prop_map(|(v, k)| Gen::Seq(v, k)),
                items.clone().prop_map(Gen::Tuple),
                items.clone().prop_map(Gen::TupleStruct),
                (name(), items).prop_map(|(n, v)| Gen::TupleVariant(n, v)),
                (
                    prop::collection::vec(
                        (prop_oneof![3 => key(), 1 => scalar()], inner.clone()),
                        0..4
                    ),
                    prop_oneof![Just(None), Just(Some(1)), Just(Some(usize::MAX))],
                    any::<bool>()
                )
                    .prop_map(|(entries, len, apart)| {
                        let len = len.map(|l| if l == usize::MAX { entries.len() } else { l });
                        Gen::Map(entries, len, apart)
                    }),
                fields.clone().prop_map(Gen::Struct),
                (name(), fields).prop_map(|(n, f)| Gen::StructVariant(n, f)),
                ("[a!]{1,3}", inner).prop_map(|(t, v)| Gen::Tagged(t, Box::new(v))),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            rng_seed: proptest::test_runner::RngSeed::Fixed(0x5e7d_0de5),
            ..ProptestConfig::with_cases(4000)
        })]

        /// The direct path gives the node of `serde_yaml::to_value`, and
        /// fails where it fails.
        #[test]
        fn same_node_as_through_serde_yaml_value(value in tree()) {
            let direct = to_node(&value);
            let through = serde_yaml::to_value(&value);
            match (direct, through) {
                (Ok(direct), Ok(through)) => prop_assert_eq!(direct, Node::from(through)),
                (Err(_), Err(_)) => {}
                (direct, through) => prop_assert!(false, "{:?} vs {:?}", direct, through),
            }
        }
    }

    #[test]
    fn numbers_are_written_as_serde_yaml_writes_them() {
        let number = |g: Gen| match to_node(&g).expect("serializes") {
            Node::Number(n) => n,
            other => panic!("{other:?}"),
        };
        assert_eq!(number(Gen::F64(1e20)), "1e20");
        assert_eq!(number(Gen::F64(1.0)), "1.0");
        assert_eq!(number(Gen::F32(0.1)), "0.10000000149011612");
        assert_eq!(number(Gen::F64(-f64::NAN)), ".nan");
        assert_eq!(number(Gen::F64(f64::NEG_INFINITY)), "-.inf");
        assert_eq!(number(Gen::I64(-7)), "-7");
        assert_eq!(number(Gen::I128(-1)), "-1");
        assert_eq!(
            to_node(&Gen::U128(u128::MAX)).expect("serializes"),
            Node::String(u128::MAX.to_string())
        );
    }

    /// Past [`super::LINEAR`] entries keys are looked up by hash: repeats of
    /// every kind are still found.
    #[test]
    fn a_large_map_with_repeated_keys_is_serde_yaml_s() {
        let keys = |i: usize| match i % 6 {
            0 => Gen::Str(format!("k{}", i % 40)),
            1 => Gen::I64((i % 5) as i64),
            2 => Gen::F64(if i % 4 == 1 { -0.0 } else { (i % 3) as f64 }),
            3 => Gen::F64(f64::NAN),
            4 => Gen::Seq(vec![Gen::U8((i % 2) as u8)], true),
            _ => Gen::Map(
                vec![
                    (Gen::Str("x".into()), Gen::Bool(i.is_multiple_of(2))),
                    (Gen::Str("y".into()), Gen::Unit),
                ]
                .into_iter()
                .cycle()
                .skip(i % 2)
                .take(2)
                .collect(),
                None,
                false,
            ),
        };
        let map = Gen::Map(
            (0..200).map(|i| (keys(i), Gen::U64(i as u64))).collect(),
            None,
            false,
        );
        let node = to_node(&map).expect("serializes");
        let Node::Mapping(entries) = &node else {
            panic!("{node:?}")
        };
        assert!(entries.len() > super::LINEAR, "{}", entries.len());
        assert_eq!(
            node,
            Node::from(serde_yaml::to_value(&map).expect("serializes"))
        );
    }

    #[test]
    fn a_repeated_key_keeps_its_place_and_takes_the_last_value() {
        let map = Gen::Map(
            vec![
                (Gen::F64(0.0), Gen::I8(1)),
                (Gen::Str("b".into()), Gen::I8(2)),
                (Gen::F64(-0.0), Gen::I8(3)),
            ],
            None,
            false,
        );
        assert_eq!(
            to_node(&map).expect("serializes"),
            Node::Mapping(vec![
                (Node::Number("0.0".into()), Node::Number("3".into())),
                (Node::String("b".into()), Node::Number("2".into())),
            ])
        );
    }
}
