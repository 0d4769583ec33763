// The diagnostics gate for TypeScript/JavaScript: the TypeScript language service (in its worker thread) checks the
// proposal spliced into the document in memory, against the same check of the original; only new errors fail.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';
import { diagnosticsChecks, FIRST_BUILD_MS, type DiagnosticsSettings } from '../../src/checks/diagnostics';
import { newDiagnostics, type Diag } from '../../src/checks/diagnosticDiff';
import { TsClient } from '../../src/checks/tsClient';
import { Projects } from '../../src/checks/tsProject';
import { runCodeCheck, type CheckTarget } from '../../src/core/engine/checks';
import { listing } from '../support/checks';

const WORKER = path.resolve(__dirname, '../../src/checks/tsWorker.js');
const BUNDLED = require.resolve('typescript');
const ON: DiagnosticsSettings = { timeoutMs: 45_000, trusted: true };

describe('diagnostics gate: TypeScript language service over the project, proposal in memory', function () {
  this.timeout(60_000);
  let client: TsClient;
  let root: string;
  const write = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
    return path.join(root, rel);
  };
  /** A target whose selection is `selection` within `text`, the file written at `rel` (or untitled). */
  const target = (text: string, selection: string, rel?: string, languageId = 'typescript'): CheckTarget => {
    const start = text.indexOf(selection);
    assert.ok(start >= 0, 'the selection is in the text');
    return { languageId, text, start, end: start + selection.length, root, ...(rel && { path: write(rel, text) }) };
  };
  const check = async (t: CheckTarget, proposal: string, settings = ON) => {
    const [c] = diagnosticsChecks(t, settings, { client, bundledTypeScript: BUNDLED });
    return (await runCodeCheck(c, proposal, new AbortController().signal, () => performance.now())).record;
  };
  const run = async (t: CheckTarget, proposal: string, settings = ON) => {
    const [c] = diagnosticsChecks(t, settings, { client, bundledTypeScript: BUNDLED });
    return c.run(proposal, new AbortController().signal);
  };

  before(() => {
    client = new TsClient(WORKER);
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'hg-diag-'));
    write('tsconfig.json', JSON.stringify({ compilerOptions: { strict: true, target: 'ES2022', module: 'commonjs' }, include: ['src'] }));
    write('src/util.ts', 'export function twice(n: number): number {\n  return n * 2;\n}\n');
  });
  after(() => {
    client.dispose();
    fs.rmSync(root, { recursive: true, force: true });
  });

  const SELECTION = 'export function f(n: number): number {\n  return twice(n);\n}\n';
  const TEXT = `import { twice } from './util';\n\n${SELECTION}\nexport const g = f(2);\n`;

  it('an undefined name: failed, the feedback quotes the message, its line in the file and ts(2304)', async () => {
    const t = target(TEXT, SELECTION, 'src/a.ts');
    const o = await run(t, 'export function f(n: number): number {\n  return twice(m);\n}\n');
    assert.equal(o.status, 'failed');
    assert.equal(o.newErrors, 1);
    assert.match(o.feedback ?? '', /^the proposal brings 1 new TypeScript error:\nline 4 \(`return twice\(m\);`\): Cannot find name 'm'\. ts\(2304\)$/);
    assert.match(o.note ?? '', /^typescript \d+\.\d+\.\d+ \(bundled\), hg-diag-\w+\/tsconfig\.json/);
  });

  it('a name from another file of the project resolves (read from disk); a clean answer passes', async () => {
    const t = target(TEXT, SELECTION, 'src/a.ts');
    const o = await run(t, 'export function f(n: number): number {\n  const d = twice(n);\n  return d;\n}\n');
    assert.equal(o.status, 'passed', o.note);
    assert.equal(o.newErrors, 0);
  });

  it('a wrong type: failed with ts(2322)', async () => {
    const t = target(TEXT, SELECTION, 'src/a.ts');
    const o = await run(t, 'export function f(n: number): number {\n  return `${twice(n)}`;\n}\n');
    assert.equal(o.status, 'failed');
    assert.match(o.feedback ?? '', /line 4 .*Type 'string' is not assignable to type 'number'\. ts\(2322\)/);
  });

  it('a file that already has errors: the old ones (above, inside and below the selection, lines shifted) do not count, a new one does', async () => {
    const selection = 'export function f(n: number): number {\n  const old: string = 1;\n  return twice(n);\n}\n';
    const text = `import { twice } from './util';\nconst above: number = 'a';\n\n${selection}\nexport const below: number = 'b';\n`;
    const t = target(text, selection, 'src/broken.ts');
    const longer = 'export function f(n: number): number {\n  // one line more\n  // and another\n  const old: string = 1;\n  return twice(n);\n}\n';
    const same = await run(t, longer);
    assert.equal(same.status, 'passed', same.feedback);
    const worse = await run(t, longer.replace('twice(n)', 'twice(n, n)'));
    assert.equal(worse.status, 'failed');
    assert.equal(worse.newErrors, 1);
    assert.match(worse.feedback ?? '', /line 8 .*Expected 1 arguments, but got 2\. ts\(2554\)/);
  });

  it('warnings and suggestions are noted, not escalated (an unused local)', async () => {
    const t = target(TEXT, SELECTION, 'src/a.ts');
    const o = await check(t, 'export function f(n: number): number {\n  const unused = 3;\n  return twice(n);\n}\n');
    assert.equal(o.status, 'passed');
    assert.match(o.note ?? '', /1 new warning \(not escalated\):\nline 4 \(`const unused = 3;`\): 'unused' is declared but its value is never read\. ts\(6133\)/);
  });

  it('JavaScript without checkJs: an unknown name is not a checked error (as in the editor), so the proposal passes', async () => {
    const selection = 'function f(n) {\n  return n * 2;\n}\n';
    const t = target(`${selection}module.exports = { f };\n`, selection, 'src/plain.js', 'javascript');
    const o = await run(t, 'function f(n) {\n  return m * 2;\n}\n');
    assert.equal(o.status, 'passed', o.feedback);
  });

  it('JavaScript with // @ts-check: an unknown name fails', async () => {
    const selection = 'function f(n) {\n  return n * 2;\n}\n';
    const t = target(`// @ts-check\n${selection}module.exports = { f };\n`, selection, 'src/checked.js', 'javascript');
    const o = await run(t, 'function f(n) {\n  return m * 2;\n}\n');
    assert.equal(o.status, 'failed');
    assert.match(o.feedback ?? '', /Cannot find name 'm'/);
  });

  it('an untitled document is checked alone with default options, under a name nothing is written to', async () => {
    const selection = 'function f(n: number) {\n  return n;\n}\n';
    const o = await run(target(`${selection}f(1);\n`, selection), 'function f(n: number) {\n  return n.foo;\n}\n');
    assert.equal(o.status, 'failed');
    assert.match(o.feedback ?? '', /Property 'foo' does not exist on type 'number'\. ts\(2339\)/);
    assert.match(o.note ?? '', /no tsconfig: default options/);
  });

  it('a check cut off (its signal aborted) leaves the worker answering: a later check of the same project answers', async () => {
    const t = target(TEXT, SELECTION, 'src/slow.ts');
    const [c] = diagnosticsChecks(t, ON, { client, bundledTypeScript: BUNDLED });
    const cut = new AbortController();
    const pending = c.run(SELECTION, cut.signal);
    cut.abort();
    await assert.rejects(pending, /cancelled/);
    assert.equal((await run(t, SELECTION)).status, 'passed');
  });

  it("the run's first check waits for the project's first build (a cold worker) beyond the bound; the proposal's own check keeps it", async () => {
    const asked: boolean[] = [];
    let answerProposal = true;
    const slowBuild = {
      ask: (q: { fresh: boolean }, signal?: AbortSignal) => {
        asked.push(q.fresh);
        // The original: 400 ms (the worker starting, TypeScript loading, the project building). A proposal: at once,
        // or never (a check stuck past its bound), until cancelled.
        if (q.fresh) return new Promise((r) => setTimeout(() => r({ version: 'x', diagnostics: [] }), 400));
        if (answerProposal) return Promise.resolve({ version: 'x', diagnostics: [] });
        return new Promise((_r, reject) => signal?.addEventListener('abort', () => reject(new Error('cancelled'))));
      },
    } as unknown as TsClient;
    const t = target(TEXT, SELECTION, 'src/cold.ts');
    const [c] = diagnosticsChecks(t, { timeoutMs: 100, trusted: true }, { client: slowBuild, bundledTypeScript: BUNDLED });
    assert.equal(c.timeoutMs, 100 + FIRST_BUILD_MS, 'while the project builds, the first check may wait for it');
    const first = { records: [(await runCodeCheck(c, SELECTION, new AbortController().signal, () => performance.now())).record] };
    assert.equal(first.records[0].status, 'passed', JSON.stringify(first.records[0]));
    assert.ok(first.records[0].ms >= 300, 'it waited for the build');
    assert.equal(c.timeoutMs, 100, 'built: the set bound');
    answerProposal = false;
    const stuck = { records: [(await runCodeCheck(c, SELECTION, new AbortController().signal, () => performance.now())).record] };
    assert.equal(stuck.records[0].status, 'not-checked');
    assert.match(stuck.records[0].note ?? '', /no answer within 100 ms/);
    assert.deepEqual(asked, [true, false, false]);
  });

  it('other languages say not-checked and why; a timeout of 0 turns the gate off', async () => {
    const py: CheckTarget = { languageId: 'python', text: 'x = 1\n', start: 0, end: 6 };
    const o = await check(py, 'x = y\n');
    assert.equal(o.status, 'not-checked');
    assert.equal(o.note, 'diagnostics: python has no in-process checker; add a command in hyperguild.checks');
    assert.deepEqual(diagnosticsChecks(target(TEXT, SELECTION, 'src/a.ts'), { timeoutMs: 0, trusted: true }, { client, bundledTypeScript: BUNDLED }), []);
  });

  it('untrusted: never loads the workspace\'s own typescript (trusted: it does)', async () => {
    write('node_modules/typescript/package.json', JSON.stringify({ name: 'typescript', version: '5.0.0' }));
    write('node_modules/typescript/lib/typescript.js', 'throw new Error("the workspace typescript was loaded");\n');
    try {
      const t = target(TEXT, SELECTION, 'src/a.ts');
      const trusted = await check(t, SELECTION, { timeoutMs: 20_000, trusted: true });
      assert.equal(trusted.status, 'not-checked');
      assert.match(trusted.note ?? '', /the workspace typescript was loaded/);
      const untrusted = await check(t, SELECTION, { timeoutMs: 20_000, trusted: false });
      assert.equal(untrusted.status, 'passed', untrusted.note);
      assert.match(untrusted.note ?? '', /\(bundled\)/);
    } finally {
      fs.rmSync(path.join(root, 'node_modules'), { recursive: true, force: true });
    }
  });

  it('nothing is written into the project: its files are the same before and after checks', async () => {
    const t = target(TEXT, SELECTION, 'src/a.ts');
    const before = listing(root);
    await run(t, 'export function f(n: number): number {\n  return twice(m);\n}\n');
    await run(t, SELECTION);
    assert.deepEqual(listing(root), before);
  });
});

describe('diagnostics gate: matching old and new diagnostics', () => {
  const d = (code: number, line: number, severity: Diag['severity'] = 'error'): Diag => ({ code, message: `m${code}`, line, severity });
  const text = 'a\nb\nc\nd\ne\n';
  const splice = { text, start: 2, end: 4, proposal: 'x\ny\nz\n' }; // line 1 ("b\n") becomes three lines

  it('below the selection an old error matches at its line shifted by the lines the proposal adds', () => {
    assert.deepEqual(newDiagnostics([d(1, 3)], [d(1, 5)], splice), { errors: [], warnings: [] });
    assert.deepEqual(newDiagnostics([d(1, 3)], [d(1, 3)], splice).errors, [d(1, 3)], 'the same error at the unshifted line is another one');
  });

  it('inside the selection an old error matches anywhere in the proposal; counts are kept', () => {
    assert.deepEqual(newDiagnostics([d(2, 1)], [d(2, 3)], splice).errors, []);
    assert.deepEqual(newDiagnostics([d(2, 1)], [d(2, 2), d(2, 3)], splice).errors, [d(2, 3)]);
  });

  it('warnings and suggestions are apart from errors', () => {
    assert.deepEqual(newDiagnostics([], [d(3, 0, 'warning'), d(4, 0, 'suggestion'), d(5, 0)], splice), { errors: [d(5, 0)], warnings: [d(3, 0, 'warning'), d(4, 0, 'suggestion')] });
  });
});

describe('diagnostics gate: the projects kept warm', () => {
  it('at most two projects are kept: a third disposes the least recently used; a kept one is reused', () => {
    const projects = new Projects(ts, 2);
    const a = projects.get(undefined, '/x/a.ts', true);
    const b = projects.get(undefined, '/x/b.ts', true);
    assert.equal(projects.get(undefined, '/x/a.ts', false), a, 'a kept project is reused');
    let disposed = false;
    const dispose = b.dispose.bind(b);
    b.dispose = () => ((disposed = true), dispose());
    projects.get(undefined, '/x/c.ts', true);
    assert.ok(disposed, 'b, the least recently used, was disposed');
    assert.equal(projects.get(undefined, '/x/a.ts', false), a);
    assert.notEqual(projects.get(undefined, '/x/b.ts', false), b, 'b is made again');
  });
});
