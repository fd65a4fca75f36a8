//! The tree-sitter grammar of scalec's `.scale` policy files.
//!
//! ```
//! let mut parser = tree_sitter::Parser::new();
//! parser
//!     .set_language(&tree_sitter_scale::LANGUAGE.into())
//!     .expect("the grammar's ABI is one tree-sitter reads");
//! let tree = parser.parse("service web {\n  replicas = 2 .. 10\n}\n", None).unwrap();
//! assert!(!tree.root_node().has_error());
//! assert_eq!(tree.root_node().child(0).unwrap().kind(), "block");
//! ```

use tree_sitter_language::LanguageFn;

unsafe extern "C" {
    fn tree_sitter_scale() -> *const ();
}

/// The tree-sitter [`LanguageFn`] for `.scale` files.
pub const LANGUAGE: LanguageFn = unsafe { LanguageFn::from_raw(tree_sitter_scale) };

/// The grammar's node types (`src/node-types.json`).
pub const NODE_TYPES: &str = include_str!("../../src/node-types.json");

/// The highlights query, with nvim-treesitter's capture names.
pub const HIGHLIGHTS_QUERY: &str = include_str!("../../queries/highlights.scm");

/// The indents query, with nvim-treesitter's capture names.
pub const INDENTS_QUERY: &str = include_str!("../../queries/indents.scm");

/// The folds query.
pub const FOLDS_QUERY: &str = include_str!("../../queries/folds.scm");

#[cfg(test)]
mod tests {
    #[test]
    fn the_language_loads_and_the_queries_compile() {
        let language: tree_sitter::Language = super::LANGUAGE.into();
        let mut parser = tree_sitter::Parser::new();
        parser.set_language(&language).expect("the ABI is supported");
        for query in [
            super::HIGHLIGHTS_QUERY,
            super::INDENTS_QUERY,
            super::FOLDS_QUERY,
        ] {
            tree_sitter::Query::new(&language, query).expect("the query compiles");
        }
    }
}
