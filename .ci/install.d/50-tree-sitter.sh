# tests/tree_sitter.rs runs the tree-sitter CLI (`tree-sitter test`, `build`,
# and `generate`, which must reproduce the committed parser byte for byte, so
# the version is pinned to the one that generated it).
[ "$(tree-sitter --version 2>/dev/null)" = "tree-sitter 0.27.1" ] ||
  cargo install tree-sitter-cli --locked --version 0.27.1
