#!/usr/bin/env bash
# npm start [-- --server URL]: build, then open the sample workspace with the extension loaded: in desktop VS Code
# when `code` is on PATH, otherwise in code-server (offline test host) at http://127.0.0.1:${PORT:-3800}/ (not
# 8080: that is llama-swap's port).
# - With --server URL, the workspace uses that local server.
# - Else, when something answers at llama-swap's default address (http://127.0.0.1:8080), that.
# - Else a demo server (test/demo/server.ts: the test fakes with scripted answers) answers as llama-swap and as
#   the Anthropic API, so the whole story runs with nothing installed; everything then says "demo". In demo mode
#   the extension uses only the demo's key (ANTHROPIC_API_KEY below; never a key in the editor's secret storage,
#   which desktop VS Code shares with your own) and keeps the demo's runs in a history of their own.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

SERVER=""
while [ $# -gt 0 ]; do
  case "$1" in
    --server) SERVER="${2:?--server needs a URL, e.g. --server http://127.0.0.1:8080}"; shift 2 ;;
    --server=*) SERVER="${1#--server=}"; shift ;;
    *) echo "[start] unknown argument $1 (use --server URL)" >&2; exit 2 ;;
  esac
done

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci
fi
npm run build
mkdir -p "$ROOT/.cache"

answers() { node -e "fetch(process.argv[1] + '/v1/models', { signal: AbortSignal.timeout(2000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))" "$1"; }

WORKSPACE="$ROOT/sample-workspace"
DEMO_PID=""
cleanup() { if [ -n "$DEMO_PID" ]; then kill "$DEMO_PID" 2>/dev/null || true; fi; }
trap cleanup EXIT

# A copy of the sample workspace whose settings name the server (the sample itself stays as committed).
workspace_for() {
  local dir="$ROOT/.cache/start-workspace"
  rm -rf "$dir" && mkdir -p "$dir" && cp -r "$ROOT/sample-workspace/." "$dir/"
  node -e "require('fs').writeFileSync(process.argv[1], JSON.stringify(JSON.parse(process.argv[2]), null, 2) + '\n')" "$dir/.vscode/settings.json" "$1"
  WORKSPACE="$dir"
}

if [ -n "$SERVER" ]; then
  echo "[start] using the local server at $SERVER"
  workspace_for "{\"hyperguild.llamaSwapUrl\": \"$SERVER\"}"
elif answers "http://127.0.0.1:8080"; then
  echo "[start] a server answers at http://127.0.0.1:8080: using it"
else
  echo "[start] no server answers at http://127.0.0.1:8080: starting the demo server (npm start -- --server URL uses a real one)"
  npm run compile-tests >/dev/null
  DEMO_OUT="$ROOT/.cache/demo-server.out"
  node "$ROOT/out/test/demo/server.js" > "$DEMO_OUT" 2>&1 &
  DEMO_PID=$!
  for _ in $(seq 1 100); do grep -q '"demo":true' "$DEMO_OUT" 2>/dev/null && break; sleep 0.1; done
  INFO="$(grep -m1 '"demo":true' "$DEMO_OUT")" || { echo "[start] the demo server did not start:" >&2; cat "$DEMO_OUT" >&2; exit 1; }
  field() { node -e "process.stdout.write(JSON.parse(process.argv[1])[process.argv[2]])" "$INFO" "$1"; }
  workspace_for "{\"hyperguild.llamaSwapUrl\": \"$(field llamaSwapUrl)\", \"hyperguild.chain\": [\"qwen2.5-coder-7b\", \"qwen2.5-coder-32b\", \"claude-sonnet-5-5\"]}"
  export HYPERGUILD_DEMO=1 ANTHROPIC_BASE_URL="$(field anthropicBaseUrl)" ANTHROPIC_API_KEY="$(field anthropicKey)"
  echo "[start] demo: llama-swap at $(field llamaSwapUrl), Anthropic API at $ANTHROPIC_BASE_URL (scripted answers; its log: $DEMO_OUT)"
fi

if command -v code >/dev/null 2>&1; then
  code --wait --extensionDevelopmentPath="$ROOT" "$WORKSPACE"
  exit 0
fi

bash scripts/install-test-host.sh old

# code-server has no --extensionDevelopmentPath: install the repo as an extension by a symlink.
id="$(node -p "const p = require('./package.json'); p.publisher + '.' + p.name + '-' + p.version")"
EXT_DIR="$ROOT/.cache/start-extensions"
USER_DATA="$ROOT/.cache/start-user-data"
mkdir -p "$EXT_DIR" "$USER_DATA/User"
find "$EXT_DIR" -mindepth 1 -maxdepth 1 -type l -name 'hyperguild.hyperguild-*' ! -name "$id" -delete
ln -sfn "$ROOT" "$EXT_DIR/$id"
# Hyperguild's walkthrough, not VS Code's generic "Get Started" page, is what a newcomer sees first; the sample
# workspace is ours, so no trust prompt (an untrusted workspace would ignore its server address).
node -e "
  const fs = require('fs'); const file = process.argv[1];
  let s = {}; try { s = JSON.parse(fs.readFileSync(file, 'utf8')); } catch {}
  Object.assign(s, { 'workbench.startupEditor': 'none', 'security.workspace.trust.enabled': false });
  fs.writeFileSync(file, JSON.stringify(s, null, 2) + '\n');" "$USER_DATA/User/settings.json"

PORT="${PORT:-3800}"
unset VSCODE_IPC_HOOK_CLI   # set inside a VS Code terminal: code-server would hand the folder over and exit
echo "[start] Hyperguild ($id) in code-server: open http://127.0.0.1:$PORT/?folder=$WORKSPACE"
echo "[start] after a rebuild (npm run build), reload the browser window. Ctrl-C stops the server."
node "$ROOT/.cache/test-host/node_modules/code-server/out/node/entry.js" \
  --config "$ROOT/.cache/start-config.yaml" \
  --auth none \
  --bind-addr "127.0.0.1:$PORT" \
  --disable-telemetry --disable-update-check --disable-getting-started-override \
  --user-data-dir "$USER_DATA" \
  --extensions-dir "$EXT_DIR" \
  "$WORKSPACE"
