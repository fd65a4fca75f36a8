//! A forgiving reading of a file's text for the features that must work while
//! the user types: a lexer that never fails, and a loose tree of statements
//! built from its tokens.
//!
//! The grammar (`grammar/scale.pest`) rejects a file with one bad line, and
//! the recovered syntax tree leaves that line out. Completion works exactly on
//! such lines (`  repl`, `scale `, `memory = 512`), and semantic tokens must
//! colour them, so both read this tree instead. It follows the grammar's
//! tokens and statement rules (newlines and `;` end statements, except inside
//! `[...]` and `(...)`), and takes whatever it finds: a statement with no `=`
//! and no `{` is kept as [`Stmt::Other`], a block without its `}` runs to the
//! end of the file.

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    Ident,
    /// A string literal; `terminated` is false when the line ends first.
    String {
        terminated: bool,
    },
    /// The digits of a quantity: `512` of `512Mi`.
    Number,
    /// Letters or `%` right after a number: `Mi` of `512Mi`.
    Unit,
    /// `true` or `false`.
    Bool,
    /// `per`.
    Per,
    /// `..`.
    DotDot,
    Comment,
    Newline,
    Semi,
    Eq,
    Comma,
    LBrace,
    RBrace,
    LBracket,
    RBracket,
    LParen,
    RParen,
    /// A character the grammar has no token for.
    Unknown,
}

/// One token: its kind and byte range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub start: usize,
    pub end: usize,
}

impl Token {
    pub fn text<'t>(&self, text: &'t str) -> &'t str {
        &text[self.start..self.end]
    }

    /// Whether a cursor at `offset` is on this token or right after it.
    pub fn touches(&self, offset: usize) -> bool {
        self.start <= offset && offset <= self.end
    }
}

fn ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

fn ident_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'-'
}

/// The tokens of `text`, in order. Every byte outside whitespace belongs to
/// exactly one token.
pub fn lex(text: &str) -> Vec<Token> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut at = 0;
    let push = |tokens: &mut Vec<Token>, kind, start, end| tokens.push(Token { kind, start, end });
    while at < bytes.len() {
        let c = bytes[at];
        let start = at;
        match c {
            b' ' | b'\t' => {
                at += 1;
                continue;
            }
            b'\r' | b'\n' => {
                at += if c == b'\r' && bytes.get(at + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
                push(&mut tokens, TokenKind::Newline, start, at);
            }
            b'#' => {
                while at < bytes.len() && !matches!(bytes[at], b'\r' | b'\n') {
                    at += 1;
                }
                push(&mut tokens, TokenKind::Comment, start, at);
            }
            b'"' => {
                at += 1;
                let mut terminated = false;
                while at < bytes.len() && !matches!(bytes[at], b'\r' | b'\n') {
                    match bytes[at] {
                        b'\\'
                            if at + 1 < bytes.len() && !matches!(bytes[at + 1], b'\r' | b'\n') =>
                        {
                            at += 2
                        }
                        b'"' => {
                            at += 1;
                            terminated = true;
                            break;
                        }
                        _ => at += 1,
                    }
                }
                // Stay on a character boundary after a multi-byte escape.
                while !text.is_char_boundary(at) {
                    at += 1;
                }
                push(&mut tokens, TokenKind::String { terminated }, start, at);
            }
            b'0'..=b'9' | b'-'
                if c != b'-' || bytes.get(at + 1).is_some_and(u8::is_ascii_digit) =>
            {
                at += 1;
                while at < bytes.len() && bytes[at].is_ascii_digit() {
                    at += 1;
                }
                if bytes.get(at) == Some(&b'.') && bytes.get(at + 1).is_some_and(u8::is_ascii_digit)
                {
                    at += 1;
                    while at < bytes.len() && bytes[at].is_ascii_digit() {
                        at += 1;
                    }
                }
                push(&mut tokens, TokenKind::Number, start, at);
                let unit = at;
                if bytes.get(at) == Some(&b'%') {
                    at += 1;
                } else {
                    while at < bytes.len() && bytes[at].is_ascii_alphabetic() {
                        at += 1;
                    }
                }
                if at > unit {
                    push(&mut tokens, TokenKind::Unit, unit, at);
                }
            }
            c if ident_start(c) => {
                while at < bytes.len() && ident_char(bytes[at]) {
                    at += 1;
                }
                let kind = match &text[start..at] {
                    "per" => TokenKind::Per,
                    "true" | "false" => TokenKind::Bool,
                    _ => TokenKind::Ident,
                };
                push(&mut tokens, kind, start, at);
            }
            b'.' if bytes.get(at + 1) == Some(&b'.') => {
                at += 2;
                push(&mut tokens, TokenKind::DotDot, start, at);
            }
            _ => {
                let kind = match c {
                    b';' => TokenKind::Semi,
                    b'=' => TokenKind::Eq,
                    b',' => TokenKind::Comma,
                    b'{' => TokenKind::LBrace,
                    b'}' => TokenKind::RBrace,
                    b'[' => TokenKind::LBracket,
                    b']' => TokenKind::RBracket,
                    b'(' => TokenKind::LParen,
                    b')' => TokenKind::RParen,
                    _ => TokenKind::Unknown,
                };
                at += text[at..].chars().next().map_or(1, char::len_utf8);
                push(&mut tokens, kind, start, at);
            }
        }
    }
    tokens
}

/// A statement of the loose tree.
#[derive(Clone, Debug)]
pub enum Stmt {
    /// `kind [label] { ... }`; `close` is `None` when the file ends first.
    Block {
        kind: Token,
        label: Option<Token>,
        /// Tokens between the label and `{` (a mistake), if any.
        extra: Vec<Token>,
        open: Token,
        items: Vec<Stmt>,
        close: Option<Token>,
    },
    /// `name = value...`; the value is every token up to the end of the
    /// statement, possibly none.
    Attribute {
        name: Token,
        eq: Token,
        value: Vec<Token>,
    },
    /// Anything else: a statement being typed (`repl`, `scale `) or junk.
    Other(Vec<Token>),
}

impl Stmt {
    /// Where the statement starts and ends (the end of its last token; for a
    /// block without `}`, the end of its last statement or its `{`).
    pub fn range(&self) -> (usize, usize) {
        match self {
            Stmt::Block {
                kind,
                open,
                items,
                close,
                ..
            } => {
                let end = match close {
                    Some(close) => close.end,
                    None => items.last().map_or(open.end, |s| s.range().1),
                };
                (kind.start, end)
            }
            Stmt::Attribute { name, eq, value } => {
                (name.start, value.last().map_or(eq.end, |t| t.end))
            }
            Stmt::Other(tokens) => (
                tokens.first().map_or(0, |t| t.start),
                tokens.last().map_or(0, |t| t.end),
            ),
        }
    }
}

/// The loose tree of a file: its top-level statements. Comments are left
/// out (they are in the token list).
pub fn statements(tokens: &[Token]) -> Vec<Stmt> {
    let significant: Vec<Token> = tokens
        .iter()
        .copied()
        .filter(|t| t.kind != TokenKind::Comment)
        .collect();
    let mut reader = Reader {
        tokens: &significant,
        at: 0,
    };
    let mut items = reader.items();
    // Stray `}` at the top level end `items`; read on after them.
    while reader.peek().is_some() {
        reader.at += 1;
        items.extend(reader.items());
    }
    items
}

struct Reader<'t> {
    tokens: &'t [Token],
    at: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<Token> {
        self.tokens.get(self.at).copied()
    }

    /// Statements up to a `}` (not consumed) or the end.
    fn items(&mut self) -> Vec<Stmt> {
        let mut items = Vec::new();
        while let Some(token) = self.peek() {
            match token.kind {
                TokenKind::Newline | TokenKind::Semi => self.at += 1,
                TokenKind::RBrace => break,
                _ => items.push(self.statement()),
            }
        }
        items
    }

    /// One statement, starting at a token that is not a separator or `}`.
    fn statement(&mut self) -> Stmt {
        let mut head: Vec<Token> = Vec::new();
        let mut depth = 0usize;
        while let Some(token) = self.peek() {
            match token.kind {
                TokenKind::Newline | TokenKind::Semi if depth == 0 => break,
                TokenKind::Newline => {
                    self.at += 1;
                    continue;
                }
                TokenKind::RBrace => break,
                TokenKind::LBrace => {
                    self.at += 1;
                    return self.block(head, token);
                }
                TokenKind::Eq if depth == 0 && head.len() == 1 => {
                    self.at += 1;
                    return self.attribute(head[0], token);
                }
                TokenKind::LBracket | TokenKind::LParen => depth += 1,
                TokenKind::RBracket | TokenKind::RParen => depth = depth.saturating_sub(1),
                _ => {}
            }
            head.push(token);
            self.at += 1;
        }
        Stmt::Other(head)
    }

    fn block(&mut self, head: Vec<Token>, open: Token) -> Stmt {
        let items = self.items();
        let close = self.peek().filter(|t| t.kind == TokenKind::RBrace);
        if close.is_some() {
            self.at += 1;
        }
        let mut head = head.into_iter();
        let kind = head.next();
        let label = head
            .clone()
            .next()
            .filter(|t| matches!(t.kind, TokenKind::Ident | TokenKind::String { .. }));
        if label.is_some() {
            head.next();
        }
        match kind {
            Some(kind) => Stmt::Block {
                kind,
                label,
                extra: head.collect(),
                open,
                items,
                close,
            },
            // `{` alone: keep its statements, under a kind with no text.
            None => Stmt::Block {
                kind: Token {
                    kind: TokenKind::Unknown,
                    start: open.start,
                    end: open.start,
                },
                label: None,
                extra: Vec::new(),
                open,
                items,
                close,
            },
        }
    }

    fn attribute(&mut self, name: Token, eq: Token) -> Stmt {
        let mut value = Vec::new();
        let mut depth = 0usize;
        while let Some(token) = self.peek() {
            match token.kind {
                TokenKind::Newline | TokenKind::Semi if depth == 0 => break,
                TokenKind::Newline => {
                    self.at += 1;
                    continue;
                }
                TokenKind::RBrace | TokenKind::LBrace => break,
                TokenKind::LBracket | TokenKind::LParen => depth += 1,
                TokenKind::RBracket | TokenKind::RParen => depth = depth.saturating_sub(1),
                _ => {}
            }
            value.push(token);
            self.at += 1;
        }
        Stmt::Attribute { name, eq, value }
    }
}

/// The blocks enclosing `offset`, outermost first: those whose `{` is before
/// it and whose `}` (if any) is at or after it.
pub fn enclosing(items: &[Stmt], offset: usize) -> Vec<&Stmt> {
    let mut path = Vec::new();
    let mut items = items;
    'descend: loop {
        for stmt in items {
            if let Stmt::Block {
                open,
                close,
                items: inner,
                ..
            } = stmt
                && open.end <= offset
                && close.is_none_or(|c| offset <= c.start)
            {
                path.push(stmt);
                items = inner;
                continue 'descend;
            }
        }
        return path;
    }
}

/// The decoded text of a string token (escapes resolved as the grammar
/// does; an unknown escape is kept as written).
pub fn string_value(raw: &str) -> String {
    let inner = raw.strip_prefix('"').unwrap_or(raw);
    let inner = inner.strip_suffix('"').unwrap_or(inner);
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('u') if chars.peek() == Some(&'{') => {
                chars.next();
                let hex: String = chars.by_ref().take_while(|c| *c != '}').collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(decoded) => out.push(decoded),
                    None => out.push_str(&format!("\\u{{{hex}}}")),
                }
            }
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// The text a label or attribute-name token stands for: an identifier as
/// written, a string decoded.
pub fn name_text(text: &str, token: &Token) -> String {
    match token.kind {
        TokenKind::String { .. } => string_value(token.text(text)),
        _ => token.text(text).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(TokenKind, &str)> {
        lex(text).iter().map(|t| (t.kind, t.text(text))).collect()
    }

    #[test]
    fn quantities_split_into_number_and_unit() {
        use TokenKind::*;
        assert_eq!(
            kinds("cpu = 250m .. 1\nrate = 50% per 1m"),
            [
                (Ident, "cpu"),
                (Eq, "="),
                (Number, "250"),
                (Unit, "m"),
                (DotDot, ".."),
                (Number, "1"),
                (Newline, "\n"),
                (Ident, "rate"),
                (Eq, "="),
                (Number, "50"),
                (Unit, "%"),
                (Per, "per"),
                (Number, "1"),
                (Unit, "m"),
            ]
        );
        assert_eq!(
            kinds("3..12 -1.5k"),
            [
                (Number, "3"),
                (DotDot, ".."),
                (Number, "12"),
                (Number, "-1.5"),
                (Unit, "k")
            ]
        );
    }

    #[test]
    fn words_strings_and_comments() {
        use TokenKind::*;
        assert_eq!(
            kinds("period per_pod true x-y # c \"d\"\n\"a\\\"b\" \"open"),
            [
                (Ident, "period"),
                (Ident, "per_pod"),
                (Bool, "true"),
                (Ident, "x-y"),
                (Comment, "# c \"d\""),
                (Newline, "\n"),
                (String { terminated: true }, "\"a\\\"b\""),
                (String { terminated: false }, "\"open"),
            ]
        );
        assert_eq!(string_value("\"a\\\"b\\u{e9}\""), "a\"bé");
    }

    #[test]
    fn every_line_break_spelling_is_one_newline() {
        let newlines = lex("a\r\nb\rc\n")
            .iter()
            .filter(|t| t.kind == TokenKind::Newline)
            .count();
        assert_eq!(newlines, 3);
    }

    #[test]
    fn the_loose_tree_keeps_unfinished_statements() {
        let text =
            "service api {\n  repl\n  replicas = \n  scale \n  scale cpu { utilization = 70% }\n";
        let tokens = lex(text);
        let items = statements(&tokens);
        let [
            Stmt::Block {
                kind,
                label: Some(label),
                items,
                close: None,
                ..
            },
        ] = items.as_slice()
        else {
            panic!("{items:?}");
        };
        assert_eq!((kind.text(text), label.text(text)), ("service", "api"));
        assert!(matches!(&items[0], Stmt::Other(t) if t.len() == 1));
        assert!(matches!(&items[1], Stmt::Attribute { value, .. } if value.is_empty()));
        assert!(matches!(&items[2], Stmt::Other(t) if t[0].text(text) == "scale"));
        let Stmt::Block {
            items: inner,
            close: Some(_),
            ..
        } = &items[3]
        else {
            panic!("{:?}", items[3]);
        };
        assert!(matches!(&inner[0], Stmt::Attribute { value, .. } if value.len() == 2));
    }

    #[test]
    fn lists_continue_across_lines_and_stray_braces_are_skipped() {
        let text = "}\nscale_up {\n  rate = [\n    50% per 1m,\n    4 per 15s,\n  ]\n}\n";
        let tokens = lex(text);
        let items = statements(&tokens);
        assert_eq!(items.len(), 1, "{items:?}");
        let Stmt::Block { items: inner, .. } = &items[0] else {
            panic!()
        };
        let Stmt::Attribute { value, .. } = &inner[0] else {
            panic!()
        };
        assert_eq!(value.last().map(|t| t.kind), Some(TokenKind::RBracket));
    }

    #[test]
    fn enclosing_blocks_of_an_offset() {
        let text = "service a {\n  scale cpu {\n    \n  }\n}\nqueue q {";
        let tokens = lex(text);
        let items = statements(&tokens);
        let inside = text.find("    ").unwrap() + 2;
        let kinds: Vec<&str> = enclosing(&items, inside)
            .iter()
            .map(|s| match s {
                Stmt::Block { kind, .. } => kind.text(text),
                _ => "",
            })
            .collect();
        assert_eq!(kinds, ["service", "scale"]);
        assert_eq!(enclosing(&items, text.len()).len(), 1);
        assert_eq!(enclosing(&items, 0).len(), 0);
    }
}
