// Item 4: activation of the production bundle in the real offline host (code-server 1.100.3 + headless
// chromium, as scripts/run-host-tests.mjs drives it), bundle sizes, and which bundles load when.
// Each start is a fresh code-server (fresh extension host) with its own user-data; the extension is a
// temporary folder holding package.json and a `node esbuild.mjs --production` build (the repository's
// dist/ is left as `npm run build` made it). Loopback only; every process group is killed at the end.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { format } from 'node:util';
import { chromium, type Browser } from 'playwright-core';
import { FakeLlamaSwap } from '../test/fakes/fakeLlamaSwap';
import { freePort } from '../test/support/ports';
import { onCleanup } from './cleanup';
import type { ActivationRow } from './host/activationProbe';
import type { LoadRecord } from './host/loadRecorder';
import { summarize, type Summary } from './stats';

const ROOT = path.resolve(__dirname, '../..');
const CODE_SERVER = path.join(ROOT, '.cache/test-host/node_modules/code-server/out/node/entry.js');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const PROBE = path.join(__dirname, 'host/activationProbe.js');
const RECORDER = path.join(__dirname, 'host/loadRecorder.js');
const ID = 'hyperguild.hyperguild';
const RECORDER_ID = 'hyperguild-bench.load-recorder';
/** The baseline: an extension that does nothing, activated by the same event in the same host. */
const EMPTY_ID = 'hyperguild-bench.empty';
const START_TIMEOUT_MS = 120_000;
const SENTINEL = 'HYPERGUILD_BENCH ';

interface ProbeReport {
  node?: string;
  vscode?: string;
  error?: string;
  note?: string;
  marks?: Record<string, number | undefined>;
  emptyMarks?: Record<string, number | undefined>;
  loads?: LoadRecord[] | null;
  loadedAtEnd?: string[];
  extensionDir?: string;
  rows?: Record<string, ActivationRow> | null;
}

export interface StartSample {
  /** From the host's marks: willLoad → didLoad (the synchronous require of dist/extension.js) … */
  markLoadMs: number;
  /** … and willActivate → didActivate (activate() called and its result settled). */
  markActivateMs: number;
  /** Of markLoadMs: Hyperguild's first require('vscode'), where the host builds its API object. */
  vscodeApiMs: number;
  /** The same marks for an empty extension (it only requires vscode) activated by the same event. */
  emptyMarkLoadMs: number;
  emptyMarkActivateMs: number;
  /** VS Code's ActivationTimes (Running Extensions, Startup Performance): Load Code + Call + Finish. */
  row: ActivationRow;
  emptyRow: ActivationRow;
  /** Hyperguild's files loaded up to the end of activation, and after it (ms after). */
  atActivation: string[];
  later: { file: string; afterMs: number; loadMs: number }[];
  loadedAtEnd: string[];
  wallMs: number;
}

export interface StartupResult {
  skipped?: string;
  starts: number;
  host?: { node: string; vscode: string };
  bundles: { file: string; bytes: number }[];
  samples: StartSample[];
  failures: string[];
  /** The activation figure: require of dist/extension.js + activate(), from the host's marks. */
  activation?: Summary;
  markLoad?: Summary;
  markActivate?: Summary;
  vscodeApi?: Summary;
  /** The same for the empty extension (the host's floor for an extension that uses the API). */
  emptyActivation?: Summary;
  /** Per start: Hyperguild's activation minus the empty extension's: the part that is Hyperguild's code. */
  ownActivation?: Summary;
  /** VS Code's own ActivationTimes sums (Load Code + Call Activate + Finish Activate). */
  vscodeTotal?: Summary;
  vscodeLoadCode?: Summary;
  emptyVscodeTotal?: Summary;
  /** Files loaded during activation in any start (union). */
  atActivation: string[];
  /** Files loaded after activation: in how many starts, how long after, how long the load took. */
  later: { file: string; starts: number; afterMs: Summary; loadMs: Summary }[];
  sdkEverLoaded: boolean;
}

const run = promisify(execFile);
const rowTotal = (r: ActivationRow) => r.loadCode + r.callActivate + r.finishActivate;

/** `node esbuild.mjs --production` in a scratch folder that links the sources; returns the extension folder. */
async function buildProduction(dir: string): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  for (const f of ['package.json', 'package.nls.json', 'esbuild.mjs']) fs.copyFileSync(path.join(ROOT, f), path.join(dir, f));
  const links = ['src', 'node_modules', 'tsconfig.json'].filter((l) => fs.existsSync(path.join(ROOT, l)));
  for (const l of links) fs.symlinkSync(path.join(ROOT, l), path.join(dir, l));
  try {
    await run(process.execPath, ['esbuild.mjs', '--production'], { cwd: dir, timeout: 120_000 });
  } finally {
    // What stays is what a .vsix holds to run: the manifest, its texts and dist/ (no node_modules: bundles only).
    for (const l of links) fs.unlinkSync(path.join(dir, l));
    fs.rmSync(path.join(dir, 'esbuild.mjs'), { force: true });
  }
}


/** Kills code-server's whole process group (extension host, file watcher, pty host included). */
async function killGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined) return;
  const kill = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // already gone
    }
  };
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
  }
  kill('SIGKILL');
}

const xdgEnv = (dir: string) => ({ XDG_CONFIG_HOME: dir, XDG_DATA_HOME: dir, XDG_CACHE_HOME: dir });

/** One fresh host: code-server, a page, the probe's report. */
async function oneStart(browser: Browser, extensionDir: string, base: string, llamaSwapUrl: string): Promise<{ report: ProbeReport; wallMs: number }> {
  const started = Date.now();
  const dirs = { userData: path.join(base, 'user-data'), extensions: path.join(base, 'extensions'), workspace: path.join(base, 'workspace'), xdg: path.join(base, 'xdg') };
  for (const d of [dirs.extensions, dirs.xdg, path.join(dirs.userData, 'User')]) fs.mkdirSync(d, { recursive: true });
  fs.cpSync(path.join(ROOT, 'sample-workspace'), dirs.workspace, { recursive: true });
  fs.writeFileSync(path.join(dirs.userData, 'User/settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none', 'extensions.autoCheckUpdates': false, 'extensions.autoUpdate': false,
    'telemetry.telemetryLevel': 'off', 'hyperguild.llamaSwapUrl': llamaSwapUrl,
  }, null, 2));
  const helper = (id: string, activationEvents: string[], main: string) => {
    const [publisher, name] = id.split('.');
    const dir = path.join(dirs.extensions, `${id}-0.0.1`);
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, publisher, version: '0.0.1', engines: { vscode: '^1.100.0' }, activationEvents, main: './extension.js' }));
    fs.writeFileSync(path.join(dir, 'extension.js'), main);
    return dir;
  };
  const recorder = helper(RECORDER_ID, ['*'], fs.readFileSync(RECORDER, 'utf8'));
  fs.writeFileSync(path.join(recorder, 'config.json'), JSON.stringify({ extensionDir }));
  helper(EMPTY_ID, ['onStartupFinished'], "require('vscode');\nexports.activate = () => {};\nexports.deactivate = () => {};\n");

  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, EXTENSIONS_GALLERY: '{}', ...xdgEnv(dirs.xdg) };
  delete env.VSCODE_IPC_HOOK_CLI;
  const server = spawn(process.execPath, [
    CODE_SERVER, '--config', path.join(dirs.xdg, 'config.yaml'), '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
    '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions, dirs.workspace,
  ], { cwd: base, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const release = onCleanup(() => killGroup(server));
  const output: string[] = [];
  let page: Awaited<ReturnType<Browser['newPage']>> | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output.push(chunk.toString());
        if (chunk.toString().includes('HTTP server listening')) resolve();
      };
      server.stdout!.on('data', onData);
      server.stderr!.on('data', onData);
      server.once('error', reject);
      server.once('exit', (code) => reject(new Error(`code-server exited early (${code}): ${output.join('').slice(-1500)}`)));
      timer = setTimeout(() => reject(new Error('code-server did not start in 60 s')), 60_000);
    });
    clearTimeout(timer);
    page = await browser.newPage();
    const report = new Promise<ProbeReport>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`no report from the host in ${START_TIMEOUT_MS / 1000} s: ${output.join('').slice(-1500)}`)), START_TIMEOUT_MS);
      server.once('exit', (code) => reject(new Error(`code-server exited (${code})`)));
      void page!.exposeFunction('codeAutomationExit', (code: number) => reject(new Error(`the host exited (${code}) without a report`)));
      void page!.exposeFunction('codeAutomationLog', (_type: string, args: unknown) => {
        const line = format(...(Array.isArray(args) ? args : [args]));
        const at = line.indexOf(SENTINEL);
        if (at >= 0) resolve(JSON.parse(line.slice(at + SENTINEL.length)) as ProbeReport);
      });
      page!.on('crash', () => reject(new Error('the browser page crashed')));
    });
    report.catch(() => undefined);
    const remote = (p: string) => `vscode-remote://127.0.0.1:${port}${p}`;
    const payload = [['extensionDevelopmentPath', remote(extensionDir)], ['extensionTestsPath', remote(PROBE)], ['skipWelcome', 'true'], ['skipReleaseNotes', 'true']];
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(dirs.workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    return { report: await report, wallMs: Date.now() - started };
  } finally {
    clearTimeout(timer);
    await page?.close().catch(() => undefined);
    await killGroup(server);
    release();
  }
}

function sampleOf(report: ProbeReport, wallMs: number): StartSample {
  if (report.error) throw new Error(`probe: ${report.error}`);
  const row = report.rows?.[ID];
  const empty = report.rows?.[EMPTY_ID];
  const m = report.marks ?? {};
  const e = report.emptyMarks ?? {};
  const span = (marks: Record<string, number | undefined>, from: string, to: string) => {
    const a = marks[from];
    const b = marks[to];
    if (a === undefined || b === undefined) throw new Error(`incomplete probe report (marks): ${JSON.stringify(report).slice(0, 500)}`);
    return b - a;
  };
  if (!row || !empty || !report.loads) throw new Error(`incomplete probe report: ${JSON.stringify(report).slice(0, 500)}`);
  const activated = m.didActivateExtension!;
  const files = report.loads.filter((l) => l.file !== 'vscode');
  return {
    markLoadMs: span(m, 'willLoadExtensionCode', 'didLoadExtensionCode'),
    markActivateMs: span(m, 'willActivateExtension', 'didActivateExtension'),
    vscodeApiMs: report.loads.find((l) => l.file === 'vscode')?.ms ?? NaN,
    emptyMarkLoadMs: span(e, 'willLoadExtensionCode', 'didLoadExtensionCode'),
    emptyMarkActivateMs: span(e, 'willActivateExtension', 'didActivateExtension'),
    row,
    emptyRow: empty,
    atActivation: files.filter((l) => l.start <= activated).map((l) => l.file),
    later: files.filter((l) => l.start > activated).map((l) => ({ file: l.file, afterMs: l.start - activated, loadMs: l.ms })),
    loadedAtEnd: (report.loadedAtEnd ?? []).map((f) => path.relative(report.extensionDir ?? '', f)),
    wallMs,
  };
}

export async function startupBench(options: { starts: number; log: (line: string) => void }): Promise<StartupResult> {
  const empty: StartupResult = { starts: options.starts, bundles: [], samples: [], failures: [], atActivation: [], later: [], sdkEverLoaded: false };
  const missing = [
    !fs.existsSync(CODE_SERVER) && 'code-server is not installed (bash scripts/install-test-host.sh)',
    !fs.existsSync(CHROMIUM) && `${CHROMIUM} is missing (bash scripts/install-test-host.sh)`,
  ].filter(Boolean);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hyperguild-bench-'));
  const releaseTmp = onCleanup(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const extensionDir = path.join(tmp, 'extension');
  let browser: Browser | undefined;
  let fake: FakeLlamaSwap | undefined;
  try {
    options.log('startup: node esbuild.mjs --production (in a scratch folder)');
    await buildProduction(extensionDir);
    const dist = path.join(extensionDir, 'dist');
    const bundles = fs.readdirSync(dist).filter((f) => f.endsWith('.js')).sort((a, b) => (a === 'extension.js' ? -1 : b === 'extension.js' ? 1 : a.localeCompare(b)))
      .map((f) => ({ file: `dist/${f}`, bytes: fs.statSync(path.join(dist, f)).size }));
    if (missing.length) return { ...empty, bundles, skipped: missing.join('; ') };

    // The status bar polls a loopback fake, not whatever may listen on the default 127.0.0.1:8080.
    fake = await FakeLlamaSwap.start({ models: [{ id: 'qwen2.5-coder-7b' }, { id: 'qwen2.5-coder-32b' }], loaded: 'qwen2.5-coder-7b' });
    const args = ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];
    if (process.getuid?.() === 0) args.push('--no-sandbox');
    const xdg = path.join(tmp, 'browser-xdg');
    fs.mkdirSync(xdg);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args, env: { ...process.env, ...xdgEnv(xdg) }, handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false });
    const b = browser;
    const releaseBrowser = onCleanup(() => b.close());
    const samples: StartSample[] = [];
    const failures: string[] = [];
    let host: StartupResult['host'];
    for (let i = 0; i < options.starts; i++) {
      try {
        const { report, wallMs } = await oneStart(browser, extensionDir, path.join(tmp, `start-${i + 1}`), fake.url);
        host ??= report.node && report.vscode ? { node: report.node, vscode: report.vscode } : undefined;
        const sample = sampleOf(report, wallMs);
        samples.push(sample);
        options.log(`startup: start ${i + 1}/${options.starts}: require ${sample.markLoadMs} ms + activate ${sample.markActivateMs} ms (empty extension ${sample.emptyMarkLoadMs} + ${sample.emptyMarkActivateMs}); VS Code's figure ${rowTotal(sample.row)} ms; ${(wallMs / 1000).toFixed(1)} s`);
      } catch (err) {
        failures.push(err instanceof Error ? err.message : String(err));
        options.log(`startup: start ${i + 1}/${options.starts} failed: ${failures[failures.length - 1].slice(0, 300)}`);
      }
    }
    await browser.close();
    releaseBrowser();
    browser = undefined;
    const files = [...new Set(samples.flatMap((s) => s.later.map((l) => l.file)))].sort();
    return {
      starts: options.starts, host, bundles, samples, failures,
      activation: summarize(samples.map((s) => s.markLoadMs + s.markActivateMs)),
      markLoad: summarize(samples.map((s) => s.markLoadMs)),
      markActivate: summarize(samples.map((s) => s.markActivateMs)),
      vscodeApi: summarize(samples.map((s) => s.vscodeApiMs)),
      emptyActivation: summarize(samples.map((s) => s.emptyMarkLoadMs + s.emptyMarkActivateMs)),
      ownActivation: summarize(samples.map((s) => s.markLoadMs + s.markActivateMs - s.emptyMarkLoadMs - s.emptyMarkActivateMs)),
      vscodeTotal: summarize(samples.map((s) => rowTotal(s.row))),
      vscodeLoadCode: summarize(samples.map((s) => s.row.loadCode)),
      emptyVscodeTotal: summarize(samples.map((s) => rowTotal(s.emptyRow))),
      atActivation: [...new Set(samples.flatMap((s) => s.atActivation))].sort(),
      later: files.map((file) => {
        const hits = samples.flatMap((s) => s.later.filter((l) => l.file === file));
        return { file, starts: hits.length, afterMs: summarize(hits.map((h) => h.afterMs)), loadMs: summarize(hits.map((h) => h.loadMs)) };
      }),
      sdkEverLoaded: samples.some((s) => [...s.atActivation, ...s.loadedAtEnd, ...s.later.map((l) => l.file)].some((f) => f.includes('anthropic'))),
    };
  } finally {
    await browser?.close().catch(() => undefined);
    await fake?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
    releaseTmp();
  }
}
