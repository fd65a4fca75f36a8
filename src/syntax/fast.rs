//! A hand-written parser for `grammar/scale.pest`, for files that parse.
//!
//! pest stays the reference: it defines the language, and every file this
//! parser does not accept goes to pest, which finds and words the syntax
//! errors. This parser answers only "does the text parse, and to what
//! tree?", in one pass over the bytes with no backtracking, and it gives up
//! (`None`) at the first thing it does not expect, including a `\u{...}`
//! escape that names no character (pest's tree builder reports those).
//!
//! The contract, checked by tests over every bundled policy and fixture and
//! by a property over generated and mangled text (`fuzz/src/properties.rs`):
//! when this parser returns a tree, pest parses the same text without a
//! diagnostic to the same tree, spans and comments included; and when pest
//! parses a text without a diagnostic, so does this parser.
//!
//! How the grammar reads, in the terms used here: blanks (space, tab) and
//! comments may stand between any two tokens (pest's implicit `WHITESPACE`
//! and `COMMENT`); a line break or `;` separates statements; inside `[...]`
//! and `(...)` line breaks are free and `;` is not allowed. Tokens are read
//! greedily, as pest's atomic rules read them: a name runs over
//! `[A-Za-z0-9_-]`, a unit over letters, and `per`, `true` and `false` are
//! keywords only as whole names.

use crate::ast::{Attribute, Block, Comment, Ident, Item, Label, Quantity, Value, ValueKind};
use crate::source::{FileId, Span, line_start};

use super::MAX_NESTING;

/// The items and comments of `text`, which starts at byte `base` of file
/// `file` (at a line start), or `None` when pest must read it: it does not
/// parse, or it holds an escape that names no character.
pub(super) fn parse(file: FileId, text: &str, base: usize) -> Option<(Vec<Item>, Vec<Comment>)> {
    let mut parser = Parser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        file,
        base,
        depth: 0,
        comments: Vec::new(),
        items: Vec::new(),
        values: Vec::new(),
    };
    let items = parser.file()?;
    Some((items, parser.comments))
}

struct Parser<'t> {
    text: &'t str,
    bytes: &'t [u8],
    pos: usize,
    file: FileId,
    base: usize,
    /// Open blocks, lists and calls. This parser gives up past
    /// [`MAX_NESTING`], so its recursion is bounded and a file it accepts
    /// needs no separate nesting pass; pest reads only files that this
    /// parser gave up on, after that pass.
    depth: usize,
    comments: Vec<Comment>,
    /// The items of the blocks being read, innermost last: a block's items
    /// are moved into a list of their own, of just their length, when the
    /// block closes, so no list grows by reallocation and none is larger
    /// than its content.
    items: Vec<Item>,
    /// The same, for the values of lists and calls.
    values: Vec<Value>,
}

fn is_name_start(byte: u8) -> bool {
    byte.is_ascii_alphabetic() || byte == b'_'
}

fn is_name_char(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'-'
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn at(&self, byte: u8) -> bool {
        self.peek() == Some(byte)
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, self.base + start, self.base + end)
    }

    /// Skips blanks and comments, keeping the comments.
    fn skip(&mut self) {
        while let Some(byte) = self.peek() {
            match byte {
                b' ' | b'\t' => self.pos += 1,
                b'#' => {
                    let start = self.pos;
                    let end = (self.bytes[start..].iter())
                        .position(|&b| matches!(b, b'\r' | b'\n'))
                        .map_or(self.bytes.len(), |i| start + i);
                    let line = line_start(self.text, start);
                    self.comments.push(Comment {
                        text: self.text[start..end].to_string(),
                        span: self.span(start, end),
                        trailing: !self.text[line..start].trim().is_empty(),
                    });
                    self.pos = end;
                }
                _ => break,
            }
        }
    }

    /// One line break (`\r\n`, `\n` or a lone `\r`), if one is next.
    fn line_break(&mut self) -> bool {
        match self.peek() {
            Some(b'\r') => {
                self.pos += if self.bytes.get(self.pos + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
                true
            }
            Some(b'\n') => {
                self.pos += 1;
                true
            }
            _ => false,
        }
    }

    /// Line breaks and `;`s (`sep*`), with what stands between them.
    /// Returns whether there was at least one.
    fn separators(&mut self) -> bool {
        let mut any = false;
        loop {
            if self.at(b';') {
                self.pos += 1;
            } else if !self.line_break() {
                return any;
            }
            any = true;
            self.skip();
        }
    }

    /// Line breaks only (`line_end*` inside a list or call).
    fn line_breaks(&mut self) {
        while self.line_break() {
            self.skip();
        }
    }

    /// `sep* (item (sep+ item)* sep*)?` up to `close` (the end of the text
    /// when `None`), which is not consumed.
    fn items(&mut self, close: Option<u8>) -> Option<Vec<Item>> {
        let first = self.items.len();
        self.skip();
        self.separators();
        loop {
            if self.peek() == close {
                break;
            }
            let item = self.item()?;
            self.items.push(item);
            self.skip();
            if self.peek() == close {
                break;
            }
            if !self.separators() {
                return None;
            }
        }
        if close.is_none() {
            // The file's own items: the only list left, taken as it is.
            return Some(std::mem::take(&mut self.items));
        }
        Some(self.items.drain(first..).collect())
    }

    fn file(&mut self) -> Option<Vec<Item>> {
        self.items(None)
    }

    /// A name: `[A-Za-z_][A-Za-z0-9_-]*`, read whole. Returns its bounds.
    fn word(&mut self) -> Option<(usize, usize)> {
        let start = self.pos;
        if !self.peek().is_some_and(is_name_start) {
            return None;
        }
        let len = (self.bytes[start..].iter())
            .position(|&b| !is_name_char(b))
            .unwrap_or(self.bytes.len() - start);
        self.pos = start + len;
        Some((start, self.pos))
    }

    /// An identifier: a name that is not a keyword.
    fn ident(&mut self) -> Option<Ident> {
        let (start, end) = self.word()?;
        let name = &self.text[start..end];
        if matches!(name, "per" | "true" | "false") {
            return None;
        }
        Some(Ident {
            name: name.to_string(),
            span: self.span(start, end),
        })
    }

    fn item(&mut self) -> Option<Item> {
        if self.at(b'"') {
            let (name, span) = self.string()?;
            return self.attribute(Ident { name, span }, true);
        }
        let name = self.ident()?;
        self.skip();
        if self.at(b'=') {
            return self.attribute(name, false);
        }
        self.block(name).map(Item::Block)
    }

    /// The rest of an attribute after its name, at the `=`.
    fn attribute(&mut self, name: Ident, quoted_name: bool) -> Option<Item> {
        self.skip();
        if !self.at(b'=') {
            return None;
        }
        self.pos += 1;
        self.skip();
        let value = self.value()?;
        let span = Span::new(self.file, name.span.start, value.span.end);
        Some(Item::Attribute(Attribute {
            name,
            quoted_name,
            value,
            span,
        }))
    }

    /// The rest of a block after its kind (and the blanks after it).
    fn block(&mut self, kind: Ident) -> Option<Block> {
        let label = match self.peek()? {
            b'"' => {
                let (text, span) = self.string()?;
                Some(Label {
                    text,
                    quoted: true,
                    span,
                })
            }
            b'{' => None,
            _ => {
                let ident = self.ident()?;
                Some(Label {
                    text: ident.name,
                    quoted: false,
                    span: ident.span,
                })
            }
        };
        self.skip();
        if !self.at(b'{') {
            return None;
        }
        self.open()?;
        let items = self.items(Some(b'}'))?;
        self.close();
        Some(Block {
            span: Span::new(self.file, kind.span.start, self.base + self.pos),
            kind,
            label,
            items,
        })
    }

    /// Steps over an opening bracket, one level deeper.
    fn open(&mut self) -> Option<()> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return None;
        }
        self.pos += 1;
        Some(())
    }

    /// Steps over the closing bracket that is next.
    fn close(&mut self) {
        self.depth -= 1;
        self.pos += 1;
    }

    /// `atom (.. atom | per atom)?`
    fn value(&mut self) -> Option<Value> {
        let first = self.atom()?;
        self.skip();
        let range = self.bytes[self.pos..].starts_with(b"..");
        let rate = !range
            && self.bytes[self.pos..].starts_with(b"per")
            && !self
                .bytes
                .get(self.pos + 3)
                .copied()
                .is_some_and(is_name_char);
        if !range && !rate {
            return Some(first);
        }
        self.pos += if range { 2 } else { 3 };
        self.skip();
        let second = self.atom()?;
        let span = Span::new(self.file, first.span.start, second.span.end);
        let (first, second) = (Box::new(first), Box::new(second));
        let kind = if range {
            ValueKind::Range(first, second)
        } else {
            ValueKind::Rate(first, second)
        };
        Some(Value { kind, span })
    }

    fn atom(&mut self) -> Option<Value> {
        let start = self.pos;
        match self.peek()? {
            b'[' => {
                let values = self.values(b']')?;
                Some(Value {
                    kind: ValueKind::List(values),
                    span: self.span(start, self.pos),
                })
            }
            b'"' => {
                let (text, span) = self.string()?;
                Some(Value {
                    kind: ValueKind::String(text),
                    span,
                })
            }
            b'-' | b'0'..=b'9' => self.quantity(),
            _ => {
                let (start, end) = self.word()?;
                let name = &self.text[start..end];
                let span = self.span(start, end);
                let kind = match name {
                    "true" | "false" => {
                        return Some(Value {
                            kind: ValueKind::Bool(name == "true"),
                            span,
                        });
                    }
                    "per" => return None,
                    _ => name.to_string(),
                };
                self.skip();
                if !self.at(b'(') {
                    return Some(Value {
                        kind: ValueKind::Ident(kind),
                        span,
                    });
                }
                let args = self.values(b')')?;
                let name = Ident { name: kind, span };
                Some(Value {
                    kind: ValueKind::Call(name, args),
                    span: self.span(start, self.pos),
                })
            }
        }
    }

    /// `open line_end* (value line_end* (, line_end* value line_end*)*
    /// (, line_end*)?)? close`, from the opening bracket that is next.
    fn values(&mut self, close: u8) -> Option<Vec<Value>> {
        self.open()?;
        let first = self.values.len();
        self.skip();
        self.line_breaks();
        loop {
            if self.at(close) {
                break;
            }
            let value = self.value()?;
            self.values.push(value);
            self.skip();
            self.line_breaks();
            if self.at(b',') {
                self.pos += 1;
                self.skip();
                self.line_breaks();
            } else if !self.at(close) {
                return None;
            }
        }
        self.close();
        Some(self.values.drain(first..).collect())
    }

    /// `-? digits (. digits)?` and a unit right after it: `%` or letters.
    fn quantity(&mut self) -> Option<Value> {
        let start = self.pos;
        let digits = |bytes: &[u8], from: usize| {
            (bytes[from..].iter())
                .position(|b| !b.is_ascii_digit())
                .unwrap_or(bytes.len() - from)
        };
        let mut end = start + usize::from(self.at(b'-'));
        let whole = digits(self.bytes, end);
        if whole == 0 {
            return None;
        }
        end += whole;
        if self.bytes.get(end) == Some(&b'.') {
            let fraction = digits(self.bytes, end + 1);
            if fraction > 0 {
                end += 1 + fraction;
            }
        }
        let number_end = end;
        if self.bytes.get(end) == Some(&b'%') {
            end += 1;
        } else {
            end += (self.bytes[end..].iter())
                .position(|b| !b.is_ascii_alphabetic())
                .unwrap_or(self.bytes.len() - end);
        }
        self.pos = end;
        Some(Value {
            kind: ValueKind::Quantity(Quantity {
                number: self.text[start..number_end].to_string(),
                unit: self.text[number_end..end].to_string(),
            }),
            span: self.span(start, end),
        })
    }

    /// A string literal from its opening quote: its decoded text and its
    /// span, quotes included.
    fn string(&mut self) -> Option<(String, Span)> {
        let start = self.pos;
        let body = start + 1;
        let mut i = body;
        let mut escaped = false;
        loop {
            match *self.bytes.get(i)? {
                b'"' => break,
                b'\r' | b'\n' => return None,
                b'\\' => {
                    escaped = true;
                    i += 2;
                }
                _ => i += 1,
            }
        }
        let raw = self.text.get(body..i)?;
        let text = if escaped {
            decode(raw)?
        } else {
            raw.to_string()
        };
        self.pos = i + 1;
        Some((text, self.span(start, self.pos)))
    }
}

/// The text of a string body with its escapes resolved, or `None` for an
/// escape the grammar does not allow or one that names no character.
fn decode(raw: &str) -> Option<String> {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(at) = rest.find('\\') {
        out.push_str(&rest[..at]);
        let escape = &rest[at + 1..];
        let (c, len) = match escape.as_bytes().first()? {
            b'n' => ('\n', 1),
            b't' => ('\t', 1),
            b'"' => ('"', 1),
            b'\\' => ('\\', 1),
            b'u' => {
                let hex = escape.strip_prefix("u{")?;
                let digits = (hex.bytes().take(6))
                    .take_while(u8::is_ascii_hexdigit)
                    .count();
                if digits == 0 || hex.as_bytes().get(digits) != Some(&b'}') {
                    return None;
                }
                let value = u32::from_str_radix(&hex[..digits], 16).ok()?;
                (char::from_u32(value)?, 2 + digits + 1)
            }
            _ => return None,
        };
        out.push(c);
        rest = &escape[len..];
    }
    out.push_str(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::super::check_fast_parser;

    fn agree(text: &str) {
        if let Err(problem) = check_fast_parser(text) {
            panic!("{problem}");
        }
    }

    /// Every `.scale` file of the repository: the bundled policies, the
    /// fixtures (syntax errors included) and the examples in the docs' trees.
    fn scale_files() -> Vec<(String, String)> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for dir in ["policies", "tests", "editors", "docs"] {
            for entry in walkdir::WalkDir::new(root.join(dir)).sort_by_file_name() {
                let entry = entry.expect("the repository is readable");
                let path = entry.path();
                if path.extension().is_some_and(|e| e == "scale")
                    && let Ok(text) = std::fs::read_to_string(path)
                {
                    files.push((path.display().to_string(), text));
                }
            }
        }
        assert!(files.len() > 100, "found only {} files", files.len());
        files
    }

    #[test]
    fn agrees_with_pest_on_every_file_of_the_repository() {
        let mut parsed = 0;
        for (path, text) in scale_files() {
            let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
            if let Err(problem) = check_fast_parser(text) {
                panic!("{path}: {problem}");
            }
            parsed += usize::from(super::parse(crate::source::FileId(0), text, 0).is_some());
        }
        // Most files parse, so the trees were compared, not only refusals.
        assert!(parsed > 100, "only {parsed} files parsed");
    }

    /// Each bundled policy with one character deleted, or one of the
    /// grammar's characters inserted, at many places: texts a character
    /// away from valid, where a parser that reads ahead wrongly would show.
    #[test]
    fn agrees_with_pest_one_edit_away_from_the_bundled_policies() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
        let mut cases = 0;
        for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
            let entry = entry.expect("policies are readable");
            if entry.path().extension().is_none_or(|e| e != "scale") {
                continue;
            }
            let text = std::fs::read_to_string(entry.path()).expect("readable");
            let boundaries: Vec<usize> = (0..=text.len())
                .filter(|&i| text.is_char_boundary(i))
                .collect();
            // About 120 places spread over the file (pest is slow in a
            // debug build); the fuzz targets go further.
            let step = boundaries.len() / 120 + 1;
            let insert = [
                "\"", "#", "{", "}", "[", ",", ".", "-", "\r", ";", "(", "\\", "x", "1", "%",
            ];
            for (n, &at) in boundaries.iter().enumerate().step_by(step) {
                let edited = match boundaries.get(n + 1) {
                    Some(&next) if cases % 2 == 0 => format!("{}{}", &text[..at], &text[next..]),
                    _ => format!(
                        "{}{}{}",
                        &text[..at],
                        insert[cases / 2 % insert.len()],
                        &text[at..]
                    ),
                };
                agree(&edited);
                cases += 1;
            }
        }
        assert!(cases > 500, "only {cases} cases");
    }

    #[test]
    fn agrees_with_pest_on_the_corners_of_the_grammar() {
        let cases = [
            "",
            "\n\n;;\n",
            "# only a comment",
            "a = 1",
            "a = 1 # why\r\nb = 2\rc = 3",
            "a = 1 b = 2",
            "a = 1; b = 2;",
            "a = -1.5",
            "a = - 1",
            "a = --1",
            "a = 1.",
            "a = 1.x",
            "a = 1.5.5",
            "a = 1..5",
            "a = 1 .. 5",
            "a = 1...5",
            "a = 1..",
            "a = 1..2..3",
            "a = 1. .2",
            "a = 70%",
            "a = 70%x",
            "a = 512Mi",
            "a = 5 Mi",
            "a = 5_x",
            "a = 5per x",
            "a = 5 per x",
            "a = 5 perx",
            "a = 5 per5",
            "a = 5 per",
            "a = 5 per # c\n",
            "a = 5 per-x",
            "a = per",
            "per = 1",
            "true = 1",
            "truex = 1",
            "a = true",
            "a = true-x",
            "a = false_",
            "a = true(x)",
            "a = trueish(x)",
            "a = x-1",
            "a = _",
            "a = hashed(x)",
            "a = hashed (x)",
            "a = hashed\n(x)",
            "a = f()",
            "a = f(,)",
            "a = f(1,)",
            "a = f(\n1\n,\n2\n,\n)",
            "a = f(1;2)",
            "a = []",
            "a = [,]",
            "a = [1,,2]",
            "a = [1 2]",
            "a = [ # c\n 1, # d\n 2 ] # e",
            "a = [[1, [2]], \"x\"]",
            "a = [1..2, 3 per s]",
            "a = \"\"",
            "a = \"x\\\"y\\\\z\\n\\t\"",
            "a = \"\\u{e9}\\u{1F600}\"",
            "a = \"\\u{}\"",
            "a = \"\\u{1234567}\"",
            "a = \"\\u{d800}\"",
            "a = \"\\u{110000}\"",
            "a = \"\\x\"",
            "a = \"a\\\nb\"",
            "a = \"open",
            "a = \"é # not a comment\"",
            "\"app.kubernetes.io/name\" = \"x\"",
            "\"q\" { }",
            "s {}",
            "s { }",
            "s x {}",
            "s \"x y\" {}",
            "s x\n{}",
            "s x y {}",
            "s true {}",
            "s per {}",
            "s { a = 1 }",
            "s { a = 1; b { c = 2 } }",
            "s { a = 1 b = 2 }",
            "s {\n}\n} ",
            "s { } t = 1",
            "s { } ; t = 1",
            "s {\n  a = 1\n",
            "s { # c\n}",
            "s # c\n{}",
            "a\t=\t1",
            "a = 1\u{c}",
            "\u{feff}a = 1",
            "a = é",
            "é = 1",
            "a = 1\0",
            "a",
            "a =",
            "= 1",
            "{}",
            "s {} {}",
            "a = [\n",
            "a = 1 # trailing\n# own line\n  # indented",
        ];
        for text in cases {
            agree(text);
        }
    }

    /// The fast parser bounds its own recursion, so a file it accepts needs
    /// no nesting pass: it reads [`MAX_NESTING`] levels and gives up on one
    /// more, whatever the brackets.
    #[test]
    fn gives_up_past_the_nesting_limit() {
        use super::super::MAX_NESTING;
        let parse = |text: &str| super::parse(crate::source::FileId(0), text, 0);
        let blocks = |depth: usize| "b {".repeat(depth) + &"}".repeat(depth);
        let lists = |depth: usize| format!("a = {}{}", "[".repeat(depth), "]".repeat(depth));
        let calls = |depth: usize| format!("a = {}{}", "f(".repeat(depth), ")".repeat(depth));
        let mixed = |depth: usize| format!("b {{ {} }}", lists(depth - 1));
        for make in [&blocks as &dyn Fn(usize) -> String, &lists, &calls, &mixed] {
            assert!(parse(&make(MAX_NESTING)).is_some(), "{}", make(MAX_NESTING));
            assert!(
                parse(&make(MAX_NESTING + 1)).is_none(),
                "{}",
                make(MAX_NESTING + 1)
            );
        }
    }

    /// Lists of items and values are as long as their contents: the parser
    /// gathers them on one stack and moves each out when it closes.
    #[test]
    fn lists_are_sized_to_their_contents() {
        let text = "s {\n a = 1\n b = 2\n c = [1, 2, 3]\n t { d = 4 }\n}\nu {}\n";
        let (items, _) = super::parse(crate::source::FileId(0), text, 0).expect("parses");
        let crate::ast::Item::Block(s) = &items[0] else {
            panic!("a block");
        };
        assert_eq!((s.items.len(), s.items.capacity()), (4, 4));
        let crate::ast::Item::Attribute(c) = &s.items[2] else {
            panic!("an attribute");
        };
        let crate::ast::ValueKind::List(values) = &c.value.kind else {
            panic!("a list: {:?}", c.value.kind);
        };
        assert_eq!((values.len(), values.capacity()), (3, 3));
        let crate::ast::Item::Block(t) = &s.items[3] else {
            panic!("a block");
        };
        assert_eq!((t.items.len(), t.items.capacity()), (1, 1));
    }
}
