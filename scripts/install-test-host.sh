#!/usr/bin/env bash
# Installs the offline extension-test host: Debian packages (build tools, ripgrep, chromium) and
# code-server 4.100.3 (= VS Code 1.100.3) in .cache/test-host, outside the extension's node_modules.
# Idempotent: apt is skipped when every package is present, code-server when its marker exists.
# See docs: vscode-test-host-offline.md (why --ignore-scripts and the manual rebuilds/symlinks).
set -euo pipefail

CODE_SERVER_VERSION=4.100.3
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HOST_DIR="${TEST_HOST_DIR:-$ROOT/.cache/test-host}"
MARKER="$HOST_DIR/.installed-code-server-$CODE_SERVER_VERSION"
CS="$HOST_DIR/node_modules/code-server"

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

# 2. code-server
if [ -f "$MARKER" ] && [ -f "$CS/out/node/entry.js" ]; then
  log "code-server $CODE_SERVER_VERSION already installed in ${HOST_DIR#"$ROOT"/}"
  exit 0
fi

start=$SECONDS
log "installing code-server@$CODE_SERVER_VERSION into ${HOST_DIR#"$ROOT"/} (about a minute)"
rm -rf "$HOST_DIR"
mkdir -p "$HOST_DIR"
cd "$HOST_DIR"
printf '{ "name": "hyperguild-test-host", "private": true }\n' > package.json

export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false npm_config_loglevel=error
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
xdg="$(mktemp -d)"
version="$(XDG_CONFIG_HOME="$xdg" XDG_DATA_HOME="$xdg" node "$CS/out/node/entry.js" --version | grep -E '^[0-9]+\.' | head -n1 || true)"
rm -rf "$xdg"
case "$version" in
  "$CODE_SERVER_VERSION"*) ;;
  *) log "unexpected code-server --version output: $version"; exit 1 ;;
esac
printf '%s\n' "$version" > "$MARKER"
log "code-server ready: $version ($((SECONDS - start)) s)"
