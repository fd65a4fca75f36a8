//! Semantic tokens: what each word of a file is, for editors without the
//! TextMate or tree-sitter grammars (or to refine them with what only the
//! schema knows: which words are attributes, enum values or references).
//!
//! Read from the text through the forgiving lexer, so a file being typed is
//! coloured too. Tokens are sorted, never overlap and never span a line.

use std::collections::HashMap;

use crate::lower::schema::{self, ValueType};
use crate::source::{FileId, Span};

use super::Analysis;
use super::lex::{self, Stmt, Token, TokenKind};

/// The type of a token, named as the Language Server Protocol names its
/// predefined types, but [`TokenType::Unit`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenType {
    /// A block kind (`service`), `true` and `false`.
    Keyword,
    /// An attribute name, or a key of `env` and `selector`.
    Property,
    /// A word from a fixed list: `hpa`, `pods`, `max`.
    EnumMember,
    /// The digits of a number.
    Number,
    /// The unit after a number: `Mi`, `%`, `m`. Not predefined by the
    /// protocol: the legend declares it as `unit`.
    Unit,
    /// `..` and `per`.
    Operator,
    String,
    Comment,
    /// `hashed` of `hashed(_id)`.
    Function,
    /// A metric or queue: its declaration and each `scale` that names it;
    /// any other name used as a value (a shard-key field, a rule).
    Variable,
    /// The label of a service, database, collection, field or cluster.
    Type,
}

impl TokenType {
    /// Every type, in legend order: a token's type is its index here.
    pub const ALL: [TokenType; 11] = [
        TokenType::Keyword,
        TokenType::Property,
        TokenType::EnumMember,
        TokenType::Number,
        TokenType::Unit,
        TokenType::Operator,
        TokenType::String,
        TokenType::Comment,
        TokenType::Function,
        TokenType::Variable,
        TokenType::Type,
    ];

    /// The name in the legend.
    pub fn name(self) -> &'static str {
        match self {
            TokenType::Keyword => "keyword",
            TokenType::Property => "property",
            TokenType::EnumMember => "enumMember",
            TokenType::Number => "number",
            TokenType::Unit => "unit",
            TokenType::Operator => "operator",
            TokenType::String => "string",
            TokenType::Comment => "comment",
            TokenType::Function => "function",
            TokenType::Variable => "variable",
            TokenType::Type => "type",
        }
    }

    /// The index in [`TokenType::ALL`].
    pub fn index(self) -> u32 {
        Self::ALL.iter().position(|t| *t == self).expect("in ALL") as u32
    }
}

/// Token modifiers, as bits; [`MODIFIERS`] names them in bit order.
pub mod modifier {
    /// The label that declares the name.
    pub const DECLARATION: u32 = 1;
    /// `cpu` and `memory` after `scale`: built in, declared nowhere.
    pub const DEFAULT_LIBRARY: u32 = 1 << 1;
}

/// The names of the modifier bits, lowest first.
pub const MODIFIERS: [&str; 2] = ["declaration", "defaultLibrary"];

/// One semantic token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SemanticToken {
    pub span: Span,
    pub token_type: TokenType,
    /// [`modifier`] bits.
    pub modifiers: u32,
}

/// The tokens of `file`, in order.
pub fn semantic_tokens(analysis: &Analysis<'_>, file: FileId) -> Vec<SemanticToken> {
    let text = analysis.text(file);
    let tokens = lex::lex(text);
    let items = lex::statements(&tokens);
    let mut classes = HashMap::new();
    classify(text, &items, None, &mut classes);
    tokens
        .iter()
        .filter_map(|token| {
            let (token_type, modifiers) = classes
                .get(&token.start)
                .copied()
                .or_else(|| lexical(token).map(|t| (t, 0)))?;
            Some(SemanticToken {
                span: Span::new(file, token.start, token.end),
                token_type,
                modifiers,
            })
        })
        .filter(|t| !t.span.is_empty())
        .collect()
}

/// The type a token has whatever its place.
fn lexical(token: &Token) -> Option<TokenType> {
    Some(match token.kind {
        TokenKind::Number => TokenType::Number,
        TokenKind::Unit => TokenType::Unit,
        TokenKind::String { .. } => TokenType::String,
        TokenKind::Comment => TokenType::Comment,
        TokenKind::Bool => TokenType::Keyword,
        TokenKind::Per | TokenKind::DotDot => TokenType::Operator,
        _ => return None,
    })
}

/// The types that depend on where a token stands, by token start.
fn classify(
    text: &str,
    items: &[Stmt],
    parent: Option<&str>,
    out: &mut HashMap<usize, (TokenType, u32)>,
) {
    for stmt in items {
        match stmt {
            Stmt::Block {
                kind, label, items, ..
            } => {
                let kind_text = kind.text(text);
                let known = match parent {
                    None => schema::TOP_LEVEL.contains(&kind_text),
                    Some(parent) => {
                        schema::block(parent).is_some_and(|p| p.blocks.contains(&kind_text))
                    }
                };
                if known {
                    out.insert(kind.start, (TokenType::Keyword, 0));
                }
                if let Some(label) = label.filter(|_| known) {
                    let class = match kind_text {
                        "scale" => match lex::name_text(text, &label).as_str() {
                            "cpu" | "memory" => (TokenType::Variable, modifier::DEFAULT_LIBRARY),
                            _ => (TokenType::Variable, 0),
                        },
                        "metric" | "queue" => (TokenType::Variable, modifier::DECLARATION),
                        _ => (TokenType::Type, modifier::DECLARATION),
                    };
                    out.insert(label.start, class);
                }
                classify(text, items, known.then_some(kind_text), out);
            }
            Stmt::Attribute { name, value, .. } => {
                let Some(schema) = parent.and_then(schema::block) else {
                    continue;
                };
                let attribute = schema.attribute(&lex::name_text(text, name));
                if !schema.free_form && attribute.is_none() {
                    continue;
                }
                out.insert(name.start, (TokenType::Property, 0));
                let words = match attribute.map(|a| a.value) {
                    Some(ValueType::Word(words) | ValueType::Words(words)) => words,
                    _ => &[],
                };
                for (i, token) in value.iter().enumerate() {
                    if token.kind != TokenKind::Ident {
                        continue;
                    }
                    let called = value
                        .get(i + 1)
                        .is_some_and(|t| t.kind == TokenKind::LParen);
                    let class = if called {
                        TokenType::Function
                    } else if words.contains(&token.text(text)) {
                        TokenType::EnumMember
                    } else {
                        TokenType::Variable
                    };
                    out.insert(token.start, (class, 0));
                }
            }
            // A statement being typed: a block kind or attribute name the
            // schema knows here, and what `scale` is about to name.
            Stmt::Other(tokens) => {
                let Some(first) = tokens.first().filter(|t| t.kind == TokenKind::Ident) else {
                    continue;
                };
                let word = first.text(text);
                let schema = parent.and_then(schema::block);
                let kind = match parent {
                    None => schema::TOP_LEVEL.contains(&word),
                    Some(_) => schema.is_some_and(|s| s.blocks.contains(&word)),
                };
                if kind {
                    out.insert(first.start, (TokenType::Keyword, 0));
                } else if schema.is_some_and(|s| s.attribute(word).is_some()) {
                    out.insert(first.start, (TokenType::Property, 0));
                }
                if let (true, "scale", Some(label)) = (kind, word, tokens.get(1))
                    && matches!(label.kind, TokenKind::Ident | TokenKind::String { .. })
                {
                    out.insert(label.start, (TokenType::Variable, 0));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::testing::workspace;

    fn classes(text: &str) -> Vec<(String, &'static str, u32)> {
        let ws = workspace(&[("p/a.scale", text)]);
        let analysis = Analysis::new(&ws.sources, &ws.projects);
        semantic_tokens(&analysis, FileId(0))
            .into_iter()
            .map(|t| {
                (
                    text[t.span.start..t.span.end].to_string(),
                    t.token_type.name(),
                    t.modifiers,
                )
            })
            .collect()
    }

    fn of(found: &[(String, &'static str, u32)], word: &str) -> (&'static str, u32) {
        found
            .iter()
            .find(|(w, _, _)| w == word)
            .map(|(_, t, m)| (*t, *m))
            .unwrap_or_else(|| panic!("no token `{word}` in {found:?}"))
    }

    #[test]
    fn words_are_typed_by_the_schema() {
        let text = "cluster prod {\n  autoscaler = keda  # note\n}\nqueue jobs {\n  provider = aws-sqs\n}\nservice api {\n  memory = 512Mi .. 1Gi\n  scale jobs { average = 5 }\n  scale cpu { utilization = 70% }\n  scale_up { rate = 50% per 1m }\n  env { \"A.B\" = \"x\" }\n  unknown = other\n}\ndatabase d {\n  collection c {\n    shard_key = hashed(_id)\n    field f { monotonic = true }\n  }\n}\n";
        let found = classes(text);
        assert_eq!(of(&found, "cluster"), ("keyword", 0));
        assert_eq!(of(&found, "prod"), ("type", modifier::DECLARATION));
        assert_eq!(of(&found, "autoscaler"), ("property", 0));
        assert_eq!(of(&found, "keda"), ("enumMember", 0));
        assert_eq!(of(&found, "# note"), ("comment", 0));
        assert_eq!(of(&found, "jobs"), ("variable", modifier::DECLARATION));
        assert_eq!(of(&found, "aws-sqs"), ("enumMember", 0));
        assert_eq!(of(&found, "512"), ("number", 0));
        assert_eq!(of(&found, "Mi"), ("unit", 0));
        assert_eq!(of(&found, ".."), ("operator", 0));
        assert_eq!(of(&found, "per"), ("operator", 0));
        assert_eq!(of(&found, "cpu"), ("variable", modifier::DEFAULT_LIBRARY));
        assert_eq!(of(&found, "%"), ("unit", 0));
        assert_eq!(of(&found, "\"A.B\""), ("property", 0));
        assert_eq!(of(&found, "\"x\""), ("string", 0));
        assert_eq!(of(&found, "hashed"), ("function", 0));
        assert_eq!(of(&found, "_id"), ("variable", 0));
        assert_eq!(of(&found, "true"), ("keyword", 0));
        // The `scale jobs` reference has no declaration modifier.
        let jobs: Vec<u32> = found
            .iter()
            .filter(|t| t.0 == "jobs")
            .map(|t| t.2)
            .collect();
        assert_eq!(jobs, [modifier::DECLARATION, 0]);
        // Names the schema does not know are left to the editor.
        assert!(!found.iter().any(|t| t.0 == "unknown" || t.0 == "other"));
    }

    #[test]
    fn a_line_being_typed_is_coloured() {
        let found = classes("service api {\n  memory = 512\n  scale cpu {\n");
        assert_eq!(of(&found, "memory"), ("property", 0));
        assert_eq!(of(&found, "cpu"), ("variable", modifier::DEFAULT_LIBRARY));
        let found = classes("service api {\n  repl\n  scale\n  load\n  scale rps\n}\n");
        assert!(!found.iter().any(|t| t.0 == "repl"));
        assert_eq!(of(&found, "scale"), ("keyword", 0));
        assert_eq!(of(&found, "load"), ("keyword", 0));
        assert_eq!(of(&found, "rps"), ("variable", 0));
    }

    #[test]
    fn tokens_are_sorted_and_apart_on_the_sample_policies() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("policies/aether");
        for entry in std::fs::read_dir(root).expect("policies/aether") {
            let path = entry.expect("entry").path();
            let text = std::fs::read_to_string(&path).expect("readable");
            let ws = workspace(&[("aether/a.scale", &text)]);
            let analysis = Analysis::new(&ws.sources, &ws.projects);
            let tokens = semantic_tokens(&analysis, FileId(0));
            assert!(!tokens.is_empty());
            for pair in tokens.windows(2) {
                assert!(
                    pair[0].span.end <= pair[1].span.start,
                    "{}: {pair:?}",
                    path.display()
                );
            }
            for token in &tokens {
                assert!(!text[token.span.start..token.span.end].contains('\n'));
            }
        }
        assert_eq!(TokenType::ALL.len(), 11);
        assert!(
            TokenType::ALL
                .iter()
                .enumerate()
                .all(|(i, t)| t.index() as usize == i)
        );
    }
}
