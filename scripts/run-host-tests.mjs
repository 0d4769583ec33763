// Offline extension-host test driver: runs out/test/integration/index.js inside a real VS Code 1.100.3
// (code-server from .cache/test-host, see scripts/install-test-host.sh) driven by headless Debian chromium;
// with HOST_VSCODE=new, inside VS Code 1.117.0 (.cache/test-host-new, run by its own Node 22).
// Env: HOST_TEST_TIMEOUT_MS (default 900000: the whole suite, which grows with the product; each test has its own bound), HOST_TEST_GREP (mocha grep),
// HOST_TEST_FILES (only these test files, e.g. `review,chatParticipant`), HOST_TEST_VERBOSE=1 (server and
// browser logs), CHROMIUM_PATH (default /usr/bin/chromium), HOST_SUITE (another compiled suite index, e.g. the
// screenshot scenes), HOST_SCREENSHOT_DIR (where a suite line `SCREENSHOT <name> [bottom:<px>]` saves <name>.png),
// HOST_GENUINE=1 (start the genuine servers of ../shared with out/test/genuine/servers.js, pass their addresses to
// the extension host in its environment, stop them at the end; the suite defaults to out/test/hostGenuine).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const HOST_DIR = path.join(ROOT, process.env.HOST_VSCODE === 'new' ? '.cache/test-host-new' : '.cache/test-host');
const CODE_SERVER = path.join(HOST_DIR, 'node_modules/code-server/out/node/entry.js');
// The newer code-server needs a newer Node than Debian's; the installer puts one beside it.
const HOST_NODE = fs.existsSync(path.join(HOST_DIR, 'node/bin/node')) ? path.join(HOST_DIR, 'node/bin/node') : process.execPath;
const SUITE_DIR = path.join(ROOT, 'out/test/integration');
const GENUINE = process.env.HOST_GENUINE === '1';
const SUITE = process.env.HOST_SUITE ? path.resolve(ROOT, process.env.HOST_SUITE)
  : GENUINE ? path.join(ROOT, 'out/test/hostGenuine/index.js') : path.join(SUITE_DIR, 'index.js');
const SCREENSHOT_DIR = process.env.HOST_SCREENSHOT_DIR ? path.resolve(ROOT, process.env.HOST_SCREENSHOT_DIR) : undefined;
const SCREENSHOT = /^SCREENSHOT (\S+)(?: bottom:(\d+))?$/;
const OPTIONS_FILE = path.join(SUITE_DIR, 'host-options.json');
const LOG_DIR = path.join(ROOT, '.cache/host-test-logs');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const TIMEOUT_MS = Number(process.env.HOST_TEST_TIMEOUT_MS) || 900_000;
const VERBOSE = process.env.HOST_TEST_VERBOSE === '1';
const SENTINEL = /TESTS_DONE failures=(\d+)/;
// The workbench's own info lines arrive through codeAutomationLog too; hidden unless HOST_TEST_VERBOSE=1.
const WORKBENCH_NOISE = /^(Resolving connection token|Resolved connection token|Creating a socket|Ignoring fetching additional builtin extensions|Updating additional builtin extensions cache|\[Service Worker\]|ChatSessionStore:)/;

const say = (msg) => console.log(`[host-test] ${msg}`);

function preflight() {
  const problems = [];
  if (!fs.existsSync(CODE_SERVER)) problems.push(`code-server missing (${path.relative(ROOT, CODE_SERVER)}): run bash scripts/install-test-host.sh`);
  if (!fs.existsSync(CHROMIUM)) problems.push(`${CHROMIUM} missing: run bash scripts/install-test-host.sh`);
  if (!fs.existsSync(SUITE)) problems.push(`${path.relative(ROOT, SUITE)} missing: run npm run compile-tests`);
  if (!fs.existsSync(path.join(ROOT, 'dist/extension.js'))) problems.push('dist/extension.js missing: run npm run build');
  if (problems.length) {
    for (const p of problems) say(`FAIL: ${p}`);
    process.exit(1);
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Resources to release whatever happens. */
const state = { server: undefined, serverExited: true, browser: undefined, tmp: undefined, genuine: undefined, cleaned: false };

let cleaning;
/** Idempotent: every caller (normal end, signal) awaits the same cleanup. */
function cleanup() {
  cleaning ??= doCleanup();
  return cleaning;
}

async function doCleanup() {
  state.cleaned = true;
  if (state.browser) {
    await Promise.race([state.browser.close().catch(() => {}), sleep(10_000)]);
  }
  const server = state.server;
  if (server && !state.serverExited) {
    const exited = new Promise((r) => server.once('exit', r));
    const killGroup = (sig) => { try { process.kill(-server.pid, sig); } catch { /* already gone */ } };
    killGroup('SIGTERM');
    await Promise.race([exited, sleep(5_000)]);
  }
  // Children of the group (file watcher, extension host, pty host) may outlive the leader.
  if (server) { try { process.kill(-server.pid, 'SIGKILL'); } catch { /* group gone */ } }
  if (state.genuine) await state.genuine.stop();
  if (state.tmp) fs.rmSync(state.tmp, { recursive: true, force: true });
  fs.rmSync(OPTIONS_FILE, { force: true });
}

// Never die half-way through cleanup on a stray rejection from the browser or server.
process.on('unhandledRejection', (err) => { if (!state.cleaned) say(`warning: ${err?.message ?? err}`); });

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    say(`interrupted (${sig}), cleaning up`);
    void cleanup().finally(() => process.exit(130));
  });
}

/**
 * The genuine servers (test/genuine/servers.ts, compiled): started before code-server, so their addresses reach the
 * extension host through the environment it inherits; stopped by cleanup(), and by the module's own exit hook.
 */
async function startGenuineServers() {
  const genuine = createRequire(import.meta.url)(path.join(ROOT, 'out/test/genuine/servers.js'));
  const started = Date.now();
  state.genuine = await genuine.startGenuine({ handleSignals: false });
  Object.assign(process.env, genuine.genuineEnv(state.genuine));
  say(`genuine servers healthy in ${Date.now() - started} ms: ${Object.values(genuine.genuineEnv(state.genuine)).join(', ')}`);
}

/** code-server (config, logs, device id) and chromium (crash reports, dconf) write here instead of $HOME. */
const xdgEnv = (dir) => ({ XDG_CONFIG_HOME: dir, XDG_DATA_HOME: dir, XDG_CACHE_HOME: dir });

function startServer(port, dirs) {
  const env = { ...process.env, EXTENSIONS_GALLERY: '{}', ...xdgEnv(dirs.xdg) };
  // A developer's real Anthropic key or address must not reach the suite: tests talk to loopback fakes only.
  delete env.ANTHROPIC_API_KEY;
  delete env.ANTHROPIC_BASE_URL;
  delete env.VSCODE_IPC_HOOK_CLI;
  const args = [
    CODE_SERVER,
    '--config', path.join(dirs.xdg, 'config.yaml'),
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
    '--user-data-dir', dirs.userData,
    '--extensions-dir', dirs.extensions,
    dirs.workspace,
  ];
  const child = spawn(HOST_NODE, args, { cwd: dirs.root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  state.server = child;
  state.serverExited = false;
  const output = [];
  let versionShown = false;
  let died;
  const ready = new Promise((resolve, reject) => {
    const onData = (chunk) => {
      const text = chunk.toString();
      output.push(text);
      if (VERBOSE) process.stdout.write(text.replace(/^/gm, '[code-server] '));
      const version = !versionShown && text.match(/code-server (\d+\.\d+\.\d+ \S+)/);
      if (version) { versionShown = true; say(`code-server ${version[1]}`); }
      if (text.includes('HTTP server listening')) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    died = new Promise((_, rejectDied) => {
      child.on('exit', (code, signal) => {
        state.serverExited = true;
        const err = new Error(`code-server exited early (code ${code}, signal ${signal}):\n${output.join('').slice(-3000)}`);
        reject(err);
        rejectDied(err);
      });
    });
  });
  died.catch(() => {}); // only observed through the race in main()
  return { ready, died, output };
}

async function main() {
  preflight();
  const started = Date.now();
  const grep = process.env.HOST_TEST_GREP || '';
  // HOST_TEST_FILES: only these test files (names without .test.ts, comma-separated); empty: all of them.
  const files = (process.env.HOST_TEST_FILES || '').split(',').map((f) => f.trim()).filter(Boolean);
  fs.writeFileSync(OPTIONS_FILE, JSON.stringify({ grep, files }) + '\n');

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hyperguild-host-'));
  state.tmp = tmp;
  const dirs = {
    root: tmp,
    userData: path.join(tmp, 'user-data'),
    extensions: path.join(tmp, 'extensions'),
    workspace: path.join(tmp, 'workspace'),
    xdg: path.join(tmp, 'xdg'),
  };
  for (const d of [dirs.userData, dirs.extensions, dirs.xdg, path.join(dirs.userData, 'User')]) fs.mkdirSync(d, { recursive: true });
  fs.cpSync(path.join(ROOT, 'sample-workspace'), dirs.workspace, { recursive: true });
  fs.writeFileSync(path.join(dirs.userData, 'User/settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'telemetry.telemetryLevel': 'off',
  }, null, 2));

  if (GENUINE) await startGenuineServers();
  const port = await freePort();
  const server = startServer(port, dirs);
  let deadlineTimer;
  const deadline = new Promise((_, reject) => {
    deadlineTimer = setTimeout(() => reject(new Error(`timed out after ${TIMEOUT_MS} ms (HOST_TEST_TIMEOUT_MS)`)), TIMEOUT_MS);
  });

  let sentinel;
  const run = (async () => {
    await server.ready;
    say(`code-server listening on 127.0.0.1:${port} (${Date.now() - started} ms)`);
    const args = ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];
    if (process.getuid?.() === 0) args.push('--no-sandbox');
    // Playwright's own SIGINT handler calls process.exit() before code-server is stopped: ours does both.
    state.browser = await chromium.launch({
      executablePath: CHROMIUM, headless: true, args, env: { ...process.env, ...xdgEnv(dirs.xdg) },
      handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false,
    });
    const page = await state.browser.newPage({ viewport: { width: 1280, height: 800 } });
    let onExit;
    const exited = new Promise((resolve, reject) => {
      onExit = resolve;
      page.on('crash', () => reject(new Error('the browser page crashed')));
      state.browser.on('disconnected', () => reject(new Error('the browser disconnected')));
    });
    exited.catch(() => {}); // a close during cleanup must not become an unhandled rejection
    await page.exposeFunction('codeAutomationExit', (code, logs) => onExit({ code, logs }));
    await page.exposeFunction('codeAutomationLog', (_type, args) => {
      const line = format(...(Array.isArray(args) ? args : [args]));
      const m = line.match(SENTINEL);
      if (m) sentinel = Number(m[1]);
      const shot = SCREENSHOT_DIR && line.match(SCREENSHOT);
      if (shot) {
        // The suite waits for the file to appear, so the scene stays put until it is taken.
        const file = path.join(SCREENSHOT_DIR, `${shot[1]}.png`);
        const bottom = shot[2] ? Number(shot[2]) : undefined;
        void page.screenshot({ path: file, ...(bottom && { clip: { x: 0, y: 800 - bottom, width: 1280, height: bottom } }) })
          .then(() => say(`screenshot ${path.relative(ROOT, file)}`), (err) => say(`screenshot ${shot[1]} failed: ${err.message}`));
      }
      if (VERBOSE || !WORKBENCH_NOISE.test(line)) console.log(line);
    });
    if (VERBOSE) page.on('console', (msg) => console.log(`[browser:${msg.type()}] ${msg.text()}`));
    const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
    const payload = [
      ['extensionDevelopmentPath', remote(ROOT)],
      ['extensionTestsPath', remote(SUITE)],
      ['skipWelcome', 'true'],
      ['skipReleaseNotes', 'true'],
    ];
    const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(dirs.workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    await page.goto(url);
    return exited;
  })();

  let result;
  try {
    result = await Promise.race([run, deadline, server.died]);
  } catch (err) {
    if (state.cleaned) return 130; // interrupted: the signal handler reports and exits
    say(`FAIL: ${err.message}`);
    if (!VERBOSE && !String(err.message).includes('code-server exited')) {
      say(`code-server log tail:\n${server.output.join('').slice(-2000)}`);
    }
    return 1;
  } finally {
    clearTimeout(deadlineTimer);
  }

  const secs = ((Date.now() - started) / 1000).toFixed(1);
  // Errors VS Code catches itself (an exception in one of our event listeners, say) never reach the
  // suite's process-level recorder; the extension host logs them. Ours fail the run; others are shown.
  await sleep(500);
  const extHostLog = scanExtHostLog(dirs.userData);
  for (const entry of extHostLog.foreign) say(`note: the extension host logged (not ours, not counted):\n${entry}`);
  for (const entry of extHostLog.ours) say(`FAIL: the extension host logged, from Hyperguild:\n${entry}`);
  if (result.code === 0 && sentinel === 0 && extHostLog.ours.length === 0) {
    say(`PASS in ${secs} s`);
    return 0;
  }
  if (result.code === 0 && sentinel === 0) {
    say(`FAIL: ${extHostLog.ours.length} error(s) or warning(s) from Hyperguild in the extension host log (${secs} s)`);
    return 1;
  }
  if (result.code === 0 && sentinel === undefined) {
    say(`FAIL: the extension host exited with code 0 but never printed "TESTS_DONE failures=0" (crashed, exited early or the suite did not run)`);
  } else {
    say(`FAIL: extension host exit code ${result.code}, ${sentinel === undefined ? 'no TESTS_DONE sentinel' : `TESTS_DONE failures=${sentinel}`} (${secs} s)`);
  }
  saveLogs(result.logs);
  return 1;
}

/**
 * The extension host's own log (code-server: <user-data>/logs/<session>/exthost<n>/remoteexthost.log), cut into
 * entries (a timestamped line and its continuation lines). An error or warning is ours when it names the
 * extension or its stack passes through this repository's dist/ or out/; other errors are foreign.
 */
function scanExtHostLog(userDataDir) {
  const found = { ours: [], foreign: [] };
  const logs = path.join(userDataDir, 'logs');
  if (!fs.existsSync(logs)) return found;
  const files = fs.readdirSync(logs, { recursive: true, encoding: 'utf8' }).filter((f) => /(^|\/)(remote)?exthost\.log$/.test(f));
  const mine = ['[hyperguild.hyperguild]', path.join(ROOT, 'dist') + path.sep, path.join(ROOT, 'out') + path.sep];
  for (const file of files) {
    const entries = [];
    for (const line of fs.readFileSync(path.join(logs, file), 'utf8').split('\n')) {
      if (/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/.test(line) || entries.length === 0) entries.push(line);
      else entries[entries.length - 1] += `\n${line}`;
    }
    for (const entry of entries) {
      const level = /^\S+ \S+ \[(\w+)\]/.exec(entry)?.[1];
      if (level !== 'error' && level !== 'warning') continue;
      if (mine.some((m) => entry.includes(m))) found.ours.push(entry);
      else if (level === 'error') found.foreign.push(entry);
    }
  }
  return found;
}

/** On failure keep the workbench's logs (passed to codeAutomationExit) for a post-mortem. */
function saveLogs(logs) {
  if (!Array.isArray(logs) || logs.length === 0) return;
  fs.rmSync(LOG_DIR, { recursive: true, force: true });
  for (const { relativePath, contents } of logs) {
    if (typeof relativePath !== 'string') continue;
    const file = path.join(LOG_DIR, relativePath.replace(/\.\.+/g, '_'));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, contents ?? '');
  }
  say(`workbench logs saved to ${path.relative(ROOT, LOG_DIR)}/`);
}

let code = 1;
try {
  code = await main();
} catch (err) {
  say(`FAIL: ${err.stack ?? err}`);
} finally {
  await cleanup();
}
process.exit(code);
