#!/usr/bin/env bash
# npm start: build, then open sample-workspace with the extension loaded: in desktop VS Code when `code`
# is on PATH, otherwise in code-server (offline test host) at http://127.0.0.1:${PORT:-3800}/ (not 8080: that is llama-swap's port).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci
fi
npm run build

if command -v code >/dev/null 2>&1; then
  exec code --extensionDevelopmentPath="$ROOT" "$ROOT/sample-workspace"
fi

bash scripts/install-test-host.sh

# code-server has no --extensionDevelopmentPath: install the repo as an extension by a symlink.
id="$(node -p "const p = require('./package.json'); p.publisher + '.' + p.name + '-' + p.version")"
EXT_DIR="$ROOT/.cache/start-extensions"
mkdir -p "$EXT_DIR" "$ROOT/.cache/start-user-data"
find "$EXT_DIR" -mindepth 1 -maxdepth 1 -type l -name 'hyperguild.hyperguild-*' ! -name "$id" -delete
ln -sfn "$ROOT" "$EXT_DIR/$id"

PORT="${PORT:-3800}"
unset VSCODE_IPC_HOOK_CLI   # set inside a VS Code terminal: code-server would hand the folder over and exit
echo "[start] Hyperguild ($id) in code-server: open http://127.0.0.1:$PORT/?folder=$ROOT/sample-workspace"
echo "[start] after a rebuild (npm run build), reload the browser window. Ctrl-C stops the server."
exec node "$ROOT/.cache/test-host/node_modules/code-server/out/node/entry.js" \
  --config "$ROOT/.cache/start-config.yaml" \
  --auth none \
  --bind-addr "127.0.0.1:$PORT" \
  --disable-telemetry --disable-update-check --disable-getting-started-override \
  --user-data-dir "$ROOT/.cache/start-user-data" \
  --extensions-dir "$EXT_DIR" \
  "$ROOT/sample-workspace"
