#!/usr/bin/env bash
# The one test command (npm test, .ci/run) for a fresh Debian machine that reaches only npm and apt:
# installs what is missing, then lint, typecheck, unit tests, extension-host tests. Stops at the first failure.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

stage() { printf '\n=== %s ===\n' "$*"; }

stage "setup: test host (apt packages, code-server)"
bash scripts/install-test-host.sh

stage "setup: npm dependencies"
# npm writes node_modules/.package-lock.json on every install: older than the lock file = stale.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci
else
  echo "node_modules is up to date"
fi

stage "lint"
npm run lint

stage "typecheck"
npm run typecheck

stage "unit tests"
if [ -n "$(find test/unit -name '*.test.ts' -print -quit 2>/dev/null)" ]; then
  npm run test:unit
else
  echo "no unit tests yet (test/unit/**/*.test.ts): skipped"
fi

stage "extension-host tests (code-server + chromium)"
npm run test:host

stage "all tests passed"
