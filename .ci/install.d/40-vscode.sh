# tests/editor_vscode.rs runs the VS Code extension's npm tools (vscode-tmgrammar-test,
# vscode-textmate, vscode-oniguruma, @vscode/vsce) from editors/vscode/node_modules.
# `npm ci` installs exactly package-lock.json; the copy of the lock file it
# leaves in node_modules says whether it is still current. Install scripts are
# skipped: only @vscode/vsce-sign has one, for signing, which the tests do not do.
set -euo pipefail
cd "$(dirname "$0")/../../editors/vscode"
stamp=node_modules/.scalec-package-lock.json
if cmp -s package-lock.json "$stamp" 2>/dev/null; then
  exit 0
fi
npm ci --no-audit --no-fund --ignore-scripts
cp package-lock.json "$stamp"
