#!/usr/bin/env bash
# Emacs for tests/editor_emacs.rs (runs editors/emacs/scale-mode.el in batch).
set -euo pipefail
command -v emacs >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq emacs-nox; }
