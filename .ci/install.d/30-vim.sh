# tests/editor_vim.rs runs the runtime files of editors/vim in a real Vim.
command -v vim >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq vim-nox; }
