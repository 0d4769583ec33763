// Extension-host test entry (extensionTestsPath). The same compiled file serves both hosts:
// scripts/run-host-tests.mjs (code-server, offline) and test/host/runElectron.mjs (@vscode/test-electron).
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';
import * as vscode from 'vscode';

interface HostOptions {
  grep?: unknown;
  files?: unknown;
}

/** Optional settings written by the offline driver; the HOST_TEST_* variables also work (test-electron passes env). */
function readOptions(): HostOptions {
  try {
    return JSON.parse(fs.readFileSync(path.join(__dirname, 'host-options.json'), 'utf8')) as HostOptions;
  } catch {
    return {}; // no options file
  }
}

function readGrep(options: HostOptions): string | undefined {
  if (typeof options.grep === 'string' && options.grep !== '') return options.grep;
  return process.env.HOST_TEST_GREP || undefined;
}

/** The test files to run, by name without `.test.js`; undefined: all. */
function readFiles(options: HostOptions): Set<string> | undefined {
  const listed = Array.isArray(options.files) ? options.files.filter((f): f is string => typeof f === 'string') : (process.env.HOST_TEST_FILES ?? '').split(',');
  const names = listed.map((f) => f.trim()).filter(Boolean);
  return names.length ? new Set(names) : undefined;
}

// ---- Unhandled rejections and uncaught exceptions during the whole suite -----------------------------
// VS Code's extension host logs a rejection that is still unhandled after 1 s (it attaches its own catch
// then) and every uncaught exception. We record both from before the first test file loads until after
// the last test, and fail the run for those whose stack passes through this repository's code (the
// extension bundle in dist/, the compiled tests and fakes in out/). Anything else is printed as foreign
// (another extension or VS Code itself) so it is seen, not hidden.

const ROOT = path.resolve(__dirname, '../../..');
const OURS = ['dist', 'out', 'src', 'test'].map((d) => path.join(ROOT, d) + path.sep);
const LATE_HANDLING_MS = 900;

interface Incident {
  kind: 'unhandledRejection' | 'uncaughtException';
  reason: unknown;
  at: number;
  promise?: Promise<unknown>;
  handledLate?: boolean;
}

const incidents: Incident[] = [];

function describeReason(reason: unknown): string {
  if (reason instanceof Error) return reason.stack ?? `${reason.name}: ${reason.message}`;
  try {
    return `(not an Error) ${JSON.stringify(reason)}`;
  } catch {
    return `(not an Error) ${String(reason)}`;
  }
}

function origin(reason: unknown): 'ours' | 'foreign' | 'unknown' {
  const stack = reason instanceof Error ? (reason.stack ?? '') : '';
  if (OURS.some((dir) => stack.includes(dir))) return 'ours';
  // Frames other than Node's own name their file: someone else's code.
  return /\((?!node:)[^)]+:\d+:\d+\)|at (?!node:)\/[^\s]+:\d+:\d+/.test(stack) ? 'foreign' : 'unknown';
}

function installRecorder(): void {
  process.on('unhandledRejection', (reason, promise) => {
    // Mocha's own listener re-emits the event to the others: one promise, one incident.
    if (incidents.some((i) => i.promise === promise)) return;
    incidents.push({ kind: 'unhandledRejection', reason, at: Date.now(), promise });
  });
  process.on('rejectionHandled', (promise) => {
    // Handled late, but before VS Code's own 1 s catch: the extension host would not log it either.
    for (const i of incidents) if (i.promise === promise && Date.now() - i.at < LATE_HANDLING_MS) i.handledLate = true;
  });
  process.on('uncaughtException', (err) => {
    incidents.push({ kind: 'uncaughtException', reason: err, at: Date.now() });
  });
}

/** Prints every incident; returns how many count as failures (ours, or of unknown origin). */
function reportIncidents(): number {
  let counted = 0;
  for (const i of incidents.filter((x) => !x.handledLate)) {
    const where = origin(i.reason);
    const countIt = where !== 'foreign';
    if (countIt) counted++;
    console.log(`${countIt ? 'FAILURE' : 'NOTE (not counted, foreign code)'}: ${i.kind} (origin: ${where}) during the host suite:\n${describeReason(i.reason)}`);
  }
  const late = incidents.filter((x) => x.handledLate).length;
  if (late) console.log(`${late} rejection(s) handled within ${LATE_HANDLING_MS} ms (not counted, as VS Code would not log them)`);
  if (incidents.length === late) console.log('no unhandled rejection or uncaught exception during the host suite');
  return counted;
}

export function run(): Promise<void> {
  return runSuite(__dirname);
}

/** Runs every *.test.js under `dir` (this suite's, or another suite's index passes its own, e.g. test/hostGenuine). */
export async function runSuite(dir: string): Promise<void> {
  installRecorder();
  console.log(`host: node ${process.versions.node}, vscode ${vscode.version}, uiKind ${vscode.UIKind[vscode.env.uiKind]}`);
  const options = readOptions();
  const grep = readGrep(options);
  const only = readFiles(options);
  const mocha = new Mocha({ ui: 'bdd', timeout: 20_000, reporter: 'spec', color: false, ...(grep ? { grep } : {}) });
  const files = fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.js') && (!only || only.has(path.basename(f, '.test.js'))))
    .sort();
  if (only) console.log(`host: only ${files.length} test file(s): ${files.join(', ')}`);
  if (only && files.length !== only.size) throw new Error(`HOST_TEST_FILES names a test file that does not exist (${[...only].join(', ')})`);
  for (const f of files) mocha.addFile(path.join(dir, f));

  let failures: number;
  try {
    failures = await new Promise<number>((resolve) => mocha.run(resolve));
  } catch (err) {
    console.log(`mocha threw: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    console.log('TESTS_DONE failures=1');
    throw err;
  }
  // Let a rejection of the last test's leftovers surface (and VS Code's 1 s rule apply) before counting.
  await new Promise((r) => setTimeout(r, 1500));
  const incidentFailures = reportIncidents();
  failures += incidentFailures;
  console.log(`TESTS_DONE failures=${failures}`);
  if (failures > 0) throw new Error(`${failures} extension-host test(s) failed${incidentFailures ? ` (${incidentFailures} unhandled rejection(s) or uncaught exception(s))` : ''}`);
}
