# tests/checkov.rs runs checkov (Bridgecrew's policy scanner) over golden/,
# offline. Pinned: a new checkov adds checks, which would fail the build
# without a change of ours.
set -euo pipefail
version=3.3.30
if command -v checkov >/dev/null &&
  [ "$(python3 -m pip show checkov 2>/dev/null | sed -n 's/^Version: //p')" = "$version" ]; then
  exit 0
fi
# Debian 12 marks its Python externally managed (PEP 668); as root, pip then
# installs into /usr/local only when told to. Older pips ignore the variable.
PIP_BREAK_SYSTEM_PACKAGES=1 python3 -m pip install --quiet "checkov==$version"
# pyenv puts a new package's commands on PATH only after a rehash.
if command -v pyenv >/dev/null; then pyenv rehash; fi
