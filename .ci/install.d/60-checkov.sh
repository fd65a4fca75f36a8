# tests/checkov.rs runs checkov (Bridgecrew's policy scanner) over golden/,
# offline. Pinned: a new checkov adds checks, which would fail the build
# without a change of ours.
set -euo pipefail
version=3.3.30
[ "$(python3 -m pip show checkov 2>/dev/null | sed -n 's/^Version: //p')" = "$version" ] && command -v checkov >/dev/null && exit 0
python3 -m pip install --quiet "checkov==$version"
# pyenv puts a new package's commands on PATH only after a rehash.
if command -v pyenv >/dev/null; then pyenv rehash; fi
