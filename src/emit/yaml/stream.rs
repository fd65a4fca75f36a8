//! `T: Serialize` → YAML text as it serializes, without building a [`Node`].
//!
//! The text is what [`super::write`] writes for [`Node::from_serialize`], made
//! by the same emitter calls in the same order: a scalar is written where the
//! node path would write it, and what the node path decides by looking at a
//! whole collection is decided when the collection's first element arrives
//! (nothing is written in between, so the emitter's state is the same) or at
//! its end (an empty one is `[]` or `{}`).
//!
//! What the node path can only do with the whole node, or that no object of
//! ours has, makes [`write`] give up and leave `out` as it was, so the caller
//! takes the node path: a key that is not a scalar (or is a float: `0.0` and
//! `-0.0` are one key), a key equal to an earlier one in its map (a later
//! value replaces an earlier one in place), a map of more than [`MAX_KEYS`]
//! keys (repeats are looked for one by one), an enum variant with data or a
//! key that may be a tag (both become tagged maps), and any error.

use std::fmt::{self, Display};

use serde::ser::{self, Impossible, Serialize};

#[cfg(doc)]
use super::Node;
use super::{Analysis, Emitter, Position, Style, requested_style};

/// Past this many keys a map takes the node path.
const MAX_KEYS: usize = 64;

/// Why [`write`] gave up.
#[derive(Debug)]
pub enum Error {
    /// The node path must write this value.
    NodePath,
    /// The value's own `Serialize` failed.
    Custom,
}

impl Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Error::NodePath => "the value needs the node path",
            Error::Custom => "the value failed to serialize",
        })
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: Display>(_: T) -> Self {
        Error::Custom
    }
}

type Result<T = (), E = Error> = std::result::Result<T, E>;

/// Appends the document of `value` to `out` and returns `true`; or returns
/// `false` with `out` as it was, when the node path must write it.
pub fn write<T: ?Sized + Serialize>(value: &T, out: &mut String) -> bool {
    let start = out.len();
    let mut state = State {
        emitter: Emitter::new(out),
        keys: Vec::new(),
    };
    let written = value
        .serialize(Stream {
            state: &mut state,
            at: Position::default(),
        })
        .is_ok();
    if written {
        state.emitter.end_document();
    } else {
        state.emitter.out.truncate(start);
    }
    written
}

struct State<'a> {
    emitter: Emitter<'a>,
    /// Where the keys of the open maps were written (byte ranges of `out`),
    /// innermost map last, to find a repeated key.
    keys: Vec<(usize, usize)>,
}

/// A value at position `at`.
struct Stream<'s, 'a> {
    state: &'s mut State<'a>,
    at: Position,
}

impl Stream<'_, '_> {
    fn scalar(self, text: &str, requested: Style) -> Result {
        self.state.emitter.scalar(text, requested, self.at);
        Ok(())
    }

    fn string(self, text: &str) -> Result {
        self.scalar(text, requested_style(text))
    }
}

/// Decimal digits of an integer, without allocating.
struct Digits {
    buf: [u8; 20],
    start: usize,
}

impl Digits {
    fn new(negative: bool, mut n: u64) -> Digits {
        let mut digits = Digits {
            buf: [0; 20],
            start: 20,
        };
        loop {
            digits.start -= 1;
            digits.buf[digits.start] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        if negative {
            digits.start -= 1;
            digits.buf[digits.start] = b'-';
        }
        digits
    }

    fn unsigned(n: u64) -> Digits {
        Digits::new(false, n)
    }

    fn signed(n: i64) -> Digits {
        Digits::new(n < 0, n.unsigned_abs())
    }

    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[self.start..]).expect("digits are ASCII")
    }
}

/// A wide integer as [`super::ser`] has it: a number when it fits `u64` or
/// `i64`, else its digits as a string.
enum Wide {
    Number(Digits),
    Text(String),
}

fn wide_signed(v: i128) -> Wide {
    if let Ok(v) = u64::try_from(v) {
        Wide::Number(Digits::unsigned(v))
    } else if let Ok(v) = i64::try_from(v) {
        Wide::Number(Digits::signed(v))
    } else {
        Wide::Text(v.to_string())
    }
}

fn wide_unsigned(v: u128) -> Wide {
    match u64::try_from(v) {
        Ok(v) => Wide::Number(Digits::unsigned(v)),
        Err(_) => Wide::Text(v.to_string()),
    }
}

impl<'s, 'a> ser::Serializer for Stream<'s, 'a> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Seq<'s, 'a>;
    type SerializeTuple = Seq<'s, 'a>;
    type SerializeTupleStruct = Seq<'s, 'a>;
    type SerializeTupleVariant = Impossible<(), Error>;
    type SerializeMap = Map<'s, 'a>;
    type SerializeStruct = Map<'s, 'a>;
    type SerializeStructVariant = Impossible<(), Error>;

    fn serialize_bool(self, v: bool) -> Result {
        self.scalar(if v { "true" } else { "false" }, Style::Plain)
    }
    fn serialize_i8(self, v: i8) -> Result {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(self, v: i64) -> Result {
        self.scalar(Digits::signed(v).as_str(), Style::Plain)
    }
    fn serialize_i128(self, v: i128) -> Result {
        match wide_signed(v) {
            Wide::Number(digits) => self.scalar(digits.as_str(), Style::Plain),
            Wide::Text(text) => self.string(&text),
        }
    }
    fn serialize_u8(self, v: u8) -> Result {
        self.serialize_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result {
        self.serialize_u64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result {
        self.serialize_u64(v.into())
    }
    fn serialize_u64(self, v: u64) -> Result {
        self.scalar(Digits::unsigned(v).as_str(), Style::Plain)
    }
    fn serialize_u128(self, v: u128) -> Result {
        match wide_unsigned(v) {
            Wide::Number(digits) => self.scalar(digits.as_str(), Style::Plain),
            Wide::Text(text) => self.string(&text),
        }
    }
    fn serialize_f32(self, v: f32) -> Result {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> Result {
        self.scalar(&serde_yaml::Number::from(v).to_string(), Style::Plain)
    }
    fn serialize_char(self, v: char) -> Result {
        self.string(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result {
        self.string(v)
    }
    fn serialize_bytes(self, v: &[u8]) -> Result {
        use ser::SerializeSeq;
        let mut seq = self.serialize_seq(Some(v.len()))?;
        v.iter().try_for_each(|b| seq.serialize_element(b))?;
        seq.end()
    }
    fn serialize_none(self) -> Result {
        self.scalar("null", Style::Plain)
    }
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result {
        self.scalar("null", Style::Plain)
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result {
        self.scalar("null", Style::Plain)
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result {
        self.string(variant)
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result {
        Err(Error::NodePath)
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Seq<'s, 'a>> {
        Ok(Seq {
            state: self.state,
            at: self.at,
            outer: 0,
            items: 0,
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<Seq<'s, 'a>> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Seq<'s, 'a>> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Impossible<(), Error>> {
        Err(Error::NodePath)
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Map<'s, 'a>> {
        let first_key = self.state.keys.len();
        Ok(Map {
            state: self.state,
            outer: 0,
            started: false,
            first_key,
            check_for_tag: len == Some(1),
        })
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Map<'s, 'a>> {
        self.serialize_map(None)
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Impossible<(), Error>> {
        Err(Error::NodePath)
    }
}

/// A block sequence, as `Emitter::block_sequence` writes it.
struct Seq<'s, 'a> {
    state: &'s mut State<'a>,
    at: Position,
    /// The indentation outside the sequence, once it has an item.
    outer: isize,
    items: usize,
}

impl ser::SerializeSeq for Seq<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result {
        let emitter = &mut self.state.emitter;
        if self.items == 0 {
            self.outer = emitter.indent;
            let indentless = self.at.mapping && !emitter.indention;
            emitter.increase_indent(false, indentless);
        }
        self.items += 1;
        emitter.write_indent();
        emitter.indicator("-", true, false, true);
        value.serialize(Stream {
            state: &mut *self.state,
            at: Position::default(),
        })
    }
    fn end(self) -> Result {
        let emitter = &mut self.state.emitter;
        if self.items == 0 {
            emitter.empty_flow("[", "]");
        } else {
            emitter.indent = self.outer;
        }
        Ok(())
    }
}

impl ser::SerializeTuple for Seq<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleStruct for Seq<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> Result {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result {
        ser::SerializeSeq::end(self)
    }
}

/// A block mapping (a map or a struct), as `Emitter::block_mapping` writes
/// it.
struct Map<'s, 'a> {
    state: &'s mut State<'a>,
    /// The indentation outside the mapping, once it has a key.
    outer: isize,
    started: bool,
    /// Where this map's keys start in `State::keys`.
    first_key: usize,
    /// Declared with one entry: its key, written with `serialize_entry`, may
    /// be a tag.
    check_for_tag: bool,
}

const KEY: Position = Position {
    mapping: true,
    simple_key: true,
};
const VALUE: Position = Position {
    mapping: true,
    simple_key: false,
};

impl Map<'_, '_> {
    /// Writes a scalar key and its `:`.
    fn key(&mut self, text: &str, requested: Style) -> Result {
        let State { emitter, keys } = &mut *self.state;
        if !self.started {
            self.started = true;
            self.outer = emitter.indent;
            emitter.increase_indent(false, false);
        }
        if keys.len() - self.first_key >= MAX_KEYS {
            return Err(Error::NodePath);
        }
        emitter.write_indent();
        let start = emitter.out.len();
        let analysis = Analysis::of(text);
        // `is_simple_key` for a scalar.
        let simple = !analysis.multiline && text.len() <= 128;
        if simple {
            emitter.analysed_scalar(text, &analysis, requested, KEY);
        } else {
            emitter.indicator("?", true, false, true);
            emitter.analysed_scalar(text, &analysis, requested, VALUE);
        }
        // Equal scalar keys are written alike and, as every text reads back
        // as its value, different ones differently.
        let written = &emitter.out[start..];
        if keys[self.first_key..]
            .iter()
            .any(|&(from, to)| emitter.out[from..to] == *written)
        {
            return Err(Error::NodePath);
        }
        keys.push((start, emitter.out.len()));
        if simple {
            emitter.indicator(":", false, false, false);
        } else {
            emitter.write_indent();
            emitter.indicator(":", true, false, true);
        }
        Ok(())
    }

    fn value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result {
        value.serialize(Stream {
            state: &mut *self.state,
            at: VALUE,
        })
    }

    fn finish(self) -> Result {
        let State { emitter, keys } = self.state;
        if self.started {
            emitter.indent = self.outer;
            keys.truncate(self.first_key);
        } else {
            emitter.empty_flow("{", "}");
        }
        Ok(())
    }
}

impl ser::SerializeMap for Map<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result {
        self.check_for_tag = false;
        key.serialize(Key {
            map: self,
            check_for_tag: false,
        })
    }
    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result {
        self.value(value)
    }
    fn serialize_entry<K: ?Sized + Serialize, V: ?Sized + Serialize>(
        &mut self,
        key: &K,
        value: &V,
    ) -> Result {
        let check_for_tag = std::mem::take(&mut self.check_for_tag);
        key.serialize(Key {
            map: self,
            check_for_tag,
        })?;
        self.value(value)
    }
    fn end(self) -> Result {
        self.finish()
    }
}

impl ser::SerializeStruct for Map<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) -> Result {
        self.key(key, requested_style(key))?;
        self.value(value)
    }
    fn end(self) -> Result {
        self.finish()
    }
}

/// A map's key: scalars only.
struct Key<'m, 's, 'a> {
    map: &'m mut Map<'s, 'a>,
    /// The key of a map declared with one entry: `collect_str` may give a tag.
    check_for_tag: bool,
}

impl Key<'_, '_, '_> {
    fn string(self, text: &str) -> Result {
        self.map.key(text, requested_style(text))
    }

    fn wide(self, wide: Wide) -> Result {
        match wide {
            Wide::Number(digits) => self.map.key(digits.as_str(), Style::Plain),
            Wide::Text(text) => self.string(&text),
        }
    }
}

impl ser::Serializer for Key<'_, '_, '_> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Impossible<(), Error>;
    type SerializeTuple = Impossible<(), Error>;
    type SerializeTupleStruct = Impossible<(), Error>;
    type SerializeTupleVariant = Impossible<(), Error>;
    type SerializeMap = Impossible<(), Error>;
    type SerializeStruct = Impossible<(), Error>;
    type SerializeStructVariant = Impossible<(), Error>;

    fn serialize_bool(self, v: bool) -> Result {
        self.map.key(if v { "true" } else { "false" }, Style::Plain)
    }
    fn serialize_i8(self, v: i8) -> Result {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(self, v: i64) -> Result {
        self.map.key(Digits::signed(v).as_str(), Style::Plain)
    }
    fn serialize_i128(self, v: i128) -> Result {
        self.wide(wide_signed(v))
    }
    fn serialize_u8(self, v: u8) -> Result {
        self.serialize_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result {
        self.serialize_u64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result {
        self.serialize_u64(v.into())
    }
    fn serialize_u64(self, v: u64) -> Result {
        self.map.key(Digits::unsigned(v).as_str(), Style::Plain)
    }
    fn serialize_u128(self, v: u128) -> Result {
        self.wide(wide_unsigned(v))
    }
    fn serialize_f32(self, _v: f32) -> Result {
        Err(Error::NodePath)
    }
    fn serialize_f64(self, _v: f64) -> Result {
        Err(Error::NodePath)
    }
    fn serialize_char(self, v: char) -> Result {
        self.string(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result {
        self.string(v)
    }
    fn serialize_bytes(self, _v: &[u8]) -> Result {
        Err(Error::NodePath)
    }
    fn serialize_none(self) -> Result {
        self.map.key("null", Style::Plain)
    }
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result {
        value.serialize(Key {
            map: self.map,
            check_for_tag: false,
        })
    }
    fn serialize_unit(self) -> Result {
        self.map.key("null", Style::Plain)
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result {
        self.map.key("null", Style::Plain)
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result {
        self.string(variant)
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result {
        value.serialize(Key {
            map: self.map,
            check_for_tag: false,
        })
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result {
        Err(Error::NodePath)
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Impossible<(), Error>> {
        Err(Error::NodePath)
    }
    fn serialize_tuple(self, _len: usize) -> Result<Impossible<(), Error>> {
        Err(Error::NodePath)
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Impossible<(), Error>> {
        Err(Error::NodePath)
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Impossible<(), Error>> {
        Err(Error::NodePath)
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Impossible<(), Error>> {
        Err(Error::NodePath)
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Impossible<(), Error>> {
        Err(Error::NodePath)
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Impossible<(), Error>> {
        Err(Error::NodePath)
    }
    fn collect_str<T: ?Sized + Display>(self, value: &T) -> Result {
        if self.check_for_tag {
            return Err(Error::NodePath);
        }
        self.string(&value.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::super::ser::tests::{Gen, tree};
    use super::super::{to_string, write_serialize};
    use super::write;
    use proptest::prelude::*;

    /// What the node path writes for `value`, or `None` when it fails.
    fn through_node(value: &Gen) -> Option<String> {
        super::super::ser::to_node(value)
            .ok()
            .map(|node| to_string(&node))
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            rng_seed: proptest::test_runner::RngSeed::Fixed(0x057e_a4ed),
            ..ProptestConfig::with_cases(4000)
        })]

        /// Streamed text is the node path's text to the byte; when streaming
        /// gives up, `out` is left as it was.
        #[test]
        fn streams_what_the_node_path_writes(value in tree()) {
            let mut out = String::from("before\n");
            let streamed = write(&value, &mut out);
            match through_node(&value) {
                Some(text) if streamed => prop_assert_eq!(&out["before\n".len()..], text.as_str()),
                Some(text) => {
                    prop_assert_eq!(out.as_str(), "before\n");
                    let mut all = String::new();
                    write_serialize(&value, &mut all);
                    prop_assert_eq!(all, text);
                }
                None => prop_assert!(!streamed, "streamed a value that fails to serialize"),
            }
        }
    }

    /// The values with the node path's exceptions stream, to the byte.
    #[test]
    fn plain_structures_stream() {
        let value = Gen::Struct(vec![
            ("a", Gen::Seq(vec![], true)),
            ("b", Gen::Map(vec![], Some(1), false)),
            (
                "apiVersion",
                Gen::Seq(
                    vec![
                        Gen::Map(
                            vec![
                                (Gen::Str("k\nl".into()), Gen::Str("x\n".into())),
                                (Gen::Str("k".repeat(130)), Gen::I128(i128::MAX)),
                                (Gen::U128(u128::MAX), Gen::F64(-0.0)),
                            ],
                            None,
                            false,
                        ),
                        Gen::Seq(vec![Gen::Bytes(vec![1, 2]), Gen::Char('\u{2028}')], false),
                    ],
                    true,
                ),
            ),
        ]);
        let mut out = String::new();
        assert!(write(&value, &mut out));
        assert_eq!(Some(out), through_node(&value));
    }

    /// Each of the exceptions takes the node path.
    #[test]
    fn what_only_the_node_path_can_write_takes_it() {
        let map = |entries: Vec<(Gen, Gen)>| Gen::Map(entries, None, false);
        let cases = [
            map(vec![(Gen::Seq(vec![], true), Gen::Unit)]),
            map(vec![(Gen::F64(0.0), Gen::Unit)]),
            map(vec![
                (Gen::Str("a".into()), Gen::Unit),
                (Gen::Str("a".into()), Gen::I8(1)),
            ]),
            map(vec![(Gen::U8(1), Gen::Unit), (Gen::I64(1), Gen::I8(1))]),
            map((0..=super::MAX_KEYS)
                .map(|i| (Gen::U64(i as u64), Gen::Unit))
                .collect()),
            Gen::NewtypeVariant("x", Box::new(Gen::Unit)),
            Gen::Map(
                vec![(Gen::Pieces(vec!["!".into(), "t".into()]), Gen::Unit)],
                Some(1),
                false,
            ),
        ];
        for value in cases {
            let mut out = String::new();
            assert!(!write(&value, &mut out), "{value:?}");
            let mut all = String::new();
            write_serialize(&value, &mut all);
            assert_eq!(Some(all), through_node(&value), "{value:?}");
        }
        // A repeated key: its later value replaced the first in place.
        let mut all = String::new();
        write_serialize(
            &map(vec![
                (Gen::Str("a".into()), Gen::I8(0)),
                (Gen::Str("b".into()), Gen::I8(1)),
                (Gen::Str("a".into()), Gen::I8(2)),
            ]),
            &mut all,
        );
        assert_eq!(all, "a: 2\nb: 1\n");
    }
}
