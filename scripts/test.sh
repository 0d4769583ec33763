#!/usr/bin/env bash
# The one test command (npm test, .ci/run) for a fresh Debian machine that reaches only npm and apt:
# installs what is missing, then lint and the import check, typecheck, unit tests, extension-host tests, the
# genuine-server tier (llama-swap and llama-server from ../shared/bin) and the benchmarks' quick mode. Stops at the first failure.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Each stage's time is printed as the next begins, and all of them at the end: CI's budget is kept by knowing them.
stage_name=""; stage_start=$SECONDS; stage_times=""
stage() {
  if [ -n "$stage_name" ]; then stage_times+="$(printf '%5d s  %s' "$((SECONDS - stage_start))" "$stage_name")"$'\n'; fi
  stage_name="$*"; stage_start=$SECONDS
  printf '\n=== %s ===\n' "$*"
}

stage "setup: Debian packages (build tools, ripgrep, chromium)"
bash scripts/install-test-host.sh apt

# The two code-servers install in the background (downloads, native rebuilds) while npm, lint, typecheck and the unit
# tests run; each host stage waits for its own and prints its log. On a failure before that, they are stopped.
host_logs="$(mktemp -d)"
bash scripts/install-test-host.sh old >"$host_logs/old" 2>&1 & host_old=$!
bash scripts/install-test-host.sh new >"$host_logs/new" 2>&1 & host_new=$!
host_ready() {
  local pid="$1" log="$2"
  if wait "$pid"; then cat "$log"; else cat "$log"; echo "the test host did not install (its log above)"; exit 1; fi
}
trap 'kill "$host_old" "$host_new" 2>/dev/null || true; rm -rf "$host_logs"' EXIT

stage "setup: npm dependencies"
# npm writes node_modules/.package-lock.json on every install: older than the lock file = stale.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci
else
  echo "node_modules is up to date"
fi

stage "lint"
npm run lint
# No import cycle, and the layering of docs/architecture.md (it compiles first: the check is test/support/importCheck.ts).
npm run check:imports

stage "typecheck"
npm run typecheck

# Each suite's output is also kept, to add up mocha's counts into one closing line.
counts="$(mktemp)"
trap 'kill "$host_old" "$host_new" 2>/dev/null || true; rm -rf "$counts" "$host_logs"' EXIT  # replaces the one above

stage "unit tests"
if [ -n "$(find test/unit -name '*.test.ts' -print -quit 2>/dev/null)" ]; then
  npm run test:unit 2>&1 | tee -a "$counts"
else
  echo "no unit tests yet (test/unit/**/*.test.ts): skipped"
fi

stage "extension-host tests, VS Code 1.100.3 (code-server + chromium)"
host_ready "$host_old" "$host_logs/old"
npm run test:host 2>&1 | tee -a "$counts"

stage "extension-host tests, VS Code 1.117.0 (code-server + chromium): the files whose VS Code APIs differ by version"
host_ready "$host_new" "$host_logs/new"
# The whole suite ran above in the oldest VS Code we support; here the files that use what changed since (the chat
# and language-model APIs, diff tabs and editable proposals, the run's commands and progress, the diagnostics gate's
# worker thread under another Node, activation and the walkthrough), which keeps CI well inside its budget. `npm run test:host:new` alone runs every file.
HOST_TEST_FILES=activation,chatParticipant,diagnostics,languageModel,review,runSkill,walkthrough npm run test:host:new 2>&1 | tee -a "$counts"

stage "genuine servers: llama-swap, llama-server router and single model from ../shared (node, then VS Code 1.100.3)"
# The only tier that may be skipped: a developer's machine without ../shared/bin (CI always has it).
npm run compile-tests >/dev/null
missing="$(node -e 'process.stdout.write(require("./out/test/genuine/servers.js").genuineMissing() ?? "")')"
if [ -n "$missing" ]; then
  echo "genuine-server tier skipped: $missing"
else
  # out/ was just compiled and dist/ built by the host stages: run the suites directly (npm run test:genuine and
  # test:genuine:host do the same after a build of their own).
  genuine_started=$SECONDS
  npx mocha --config .mocharc.genuine.json 2>&1 | tee -a "$counts"
  HOST_GENUINE=1 node scripts/run-host-tests.mjs 2>&1 | tee -a "$counts"
  echo "genuine-server tier: $((SECONDS - genuine_started)) s"
fi

stage "npm start in demo mode (script test: workbench served, demo server answering, extension active)"
node scripts/test-start.mjs 2>&1 | tee -a "$counts"

stage "benchmarks, quick mode (proves they run; a figure never fails the build)"
npm run bench:quick

stage "all tests passed"
# awk, not grep: grep exits 1 on no match ("0 failing" is never printed), which pipefail would turn fatal.
passed=$(awk '/^ +[0-9]+ passing/ { n += $1 } END { print n + 0 }' "$counts")
failed=$(awk '/^ +[0-9]+ failing/ { n += $1 } END { print n + 0 }' "$counts")
echo "tests: $passed passed, $failed failed"
printf '\nstage times (total %d s):\n%s' "$SECONDS" "$stage_times"
