// The `hyperguild` command (issue 25): its arguments and errors (one sentence, exit 2), `run` against the fake
// llama-swap (a diff on stdout, --write, exhausted, settings read from .vscode/settings.json), the key kept out of
// its output, Ctrl-C, and the built bin.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parsePatch } from 'diff';
import { FakeLlamaSwap, type ChatReply, type RecordedRequest } from '../fakes/fakeLlamaSwap';
import { FakeAnthropic } from '../fakes/fakeAnthropic';
import { assertOneSentence } from '../support/checks';
import { buildCli, CLI, errorSentence, REPO, runCli, spawnCli, workspace } from '../support/cli';
import { parseChain } from '../../src/core/engine/chain';
import { loadTarget } from '../../src/cli/fileTarget';
import { workspaceSettings } from '../../src/cli/workspaceSettings';

const SOURCE = '// math helpers\nexport function add(a: number, b: number): number {\n  return a - b;\n}\n\nexport const two = add(1, 1);\n';
const FIXED = 'export function add(a: number, b: number): number {\n  return a + b;\n}';
const text = (...pieces: string[]): ChatReply => ({ kind: 'text', pieces });
const isJudge = (r: RecordedRequest) => typeof r.body === 'object' && r.body !== null && 'response_format' in r.body;
const verdict = (v: 'accept' | 'escalate', feedback: string) => text(JSON.stringify({ verdict: v, feedback }));

/** Settings as users write them: comments and trailing commas. */
const settingsJson = (url: string, chain = '["qwen-7b"]') => `{
  // the local server
  "hyperguild.llamaSwapUrl": "${url}",
  /* cheap first */
  "hyperguild.chain": ${chain},
  "hyperguild.contextLines": 5,
}
`;

describe('hyperguild command line: arguments and setup errors', () => {
  let ws: ReturnType<typeof workspace>;
  beforeEach(() => (ws = workspace({ 'src/math.ts': SOURCE })));
  afterEach(() => ws.remove());

  const cases: [string, string[], RegExp][] = [
    ['an unknown flag', ['run', '--frobnicate', 'src/math.ts:2-4'], /--frobnicate/],
    ['a flag without its value', ['run', 'src/math.ts:2-4', '--skill'], /--skill needs a value/],
    ['an unknown command', ['frobnicate'], /no command "frobnicate"/],
    ['no skill', ['run', 'src/math.ts:2-4'], /--skill/],
    ['no file', ['run', '--skill', 'fix'], /<file>:<start>-<end>/],
    ['two files', ['run', '--skill', 'fix', 'src/math.ts:2-4', 'src/math.ts:1-1'], /one <file>/],
    ['a range that is not one', ['run', '--skill', 'fix', 'src/math.ts:4-2'], /4-2 is not valid/],
    ['a range without lines', ['run', '--skill', 'fix', 'src/math.ts'], /<file>:<start>-<end>/],
    ['a range past the end', ['run', '--skill', 'fix', 'src/math.ts:2-40'], /has 6 lines/],
    ['a missing file', ['run', '--skill', 'fix', 'src/nope.ts:1-2'], /no file src\/nope\.ts/],
    ['an unknown skill', ['run', '--skill', 'polish', 'src/math.ts:2-4'], /no skill "polish"/],
    ['the custom skill without an instruction', ['run', '--skill', 'custom', 'src/math.ts:2-4'], /--instruction/],
    ['a missing workspace', ['run', '--skill', 'fix', '--workspace', 'nowhere', 'src/math.ts:2-4'], /--workspace/],
    ['an invalid --llama-swap-url', ['run', '--skill', 'fix', '--llama-swap-url', 'ftp://x', 'src/math.ts:2-4'], /hyperguild\.llamaSwapUrl "ftp:\/\/x" is not an http\(s\) address/],
    ['eval without tasks', ['eval'], /at least one task/],
    ['eval with an unknown flag', ['eval', 'tasks', '--write'], /eval has no option --write/],
    ['eval --verifier-only naming no file', ['eval', 'tasks', '--verifier-only', 'nope.json'], /no recorded attempts file nope\.json/],
  ];
  for (const [what, argv, expected] of cases) {
    it(`${what}: one sentence on stderr, nothing on stdout, exit 2`, async () => {
      const ran = await runCli(argv, { cwd: ws.dir });
      assert.equal(ran.code, 2, ran.stderr);
      assert.equal(ran.stdout, '');
      assert.equal(ran.stderr.trim().split('\n').length, 1, ran.stderr);
      assertOneSentence(errorSentence(ran.stderr));
      assert.match(ran.stderr, expected);
      assert.doesNotMatch(ran.stderr, /\n\s+at /, 'no stack');
    });
  }

  it('an invalid hyperguild.chain in .vscode/settings.json: exit 2 with the setting\'s own sentence', async () => {
    fs.mkdirSync(path.join(ws.dir, '.vscode'));
    fs.writeFileSync(path.join(ws.dir, '.vscode/settings.json'), '{\n  // two tiers\n  "hyperguild.chain": ["qwen-7b", { "model": "big", "bogus": 1 },],\n}\n');
    const ran = await runCli(['run', '--skill', 'fix', 'src/math.ts:2-4'], { cwd: ws.dir });
    assert.equal(ran.code, 2);
    const expected = parseChain(['qwen-7b', { model: 'big', bogus: 1 }]);
    assert.ok(!expected.ok);
    assert.equal(errorSentence(ran.stderr), expected.message);
    assertOneSentence(errorSentence(ran.stderr));
  });

  it('a settings file that is not JSON: exit 2 naming the file and the place', async () => {
    fs.mkdirSync(path.join(ws.dir, '.vscode'));
    fs.writeFileSync(path.join(ws.dir, '.vscode/settings.json'), '{\n  "hyperguild.chain": [,\n}\n');
    const ran = await runCli(['run', '--skill', 'fix', 'src/math.ts:2-4'], { cwd: ws.dir });
    assert.equal(ran.code, 2);
    assert.match(ran.stderr, /settings\.json is not valid JSON at line 2, column \d+/);
    assertOneSentence(errorSentence(ran.stderr));
  });

  it('--help, help and -h print the usage with the exit codes and where settings come from; --version the package\'s', async () => {
    for (const argv of [['--help'], ['help'], ['-h'], ['run', '--help']]) {
      const ran = await runCli(argv, { cwd: ws.dir });
      assert.equal(ran.code, 0);
      assert.match(ran.stdout, /hyperguild run --skill <id>/);
      assert.match(ran.stdout, /Exit codes: 0 accepted/);
      assert.match(ran.stdout, /no workspace-trust prompt/);
      assert.match(ran.stdout, /ANTHROPIC_API_KEY/);
    }
    const version = await runCli(['--version'], { cwd: ws.dir });
    assert.equal(version.stdout.trim(), JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')).version);
    const none = await runCli([], { cwd: ws.dir });
    assert.equal(none.code, 2, 'no command is a usage error');
    assert.match(none.stderr, /Usage:/);
  });
});

describe('hyperguild run against the fake llama-swap', function () {
  this.timeout(15_000);
  let fake: FakeLlamaSwap;
  let ws: ReturnType<typeof workspace>;
  /** Answers each generation with the fixed code, each judge with `judge`. */
  let judge: ChatReply;
  beforeEach(async () => {
    judge = verdict('accept', 'correct');
    fake = await FakeLlamaSwap.start({ models: [{ id: 'qwen-7b' }, { id: 'qwen-32b' }], loaded: 'qwen-7b', responder: (r) => (isJudge(r) ? judge : text('Fixed:\n```ts\n', `${FIXED}\n`, '```\n')) });
    ws = workspace({ 'src/math.ts': SOURCE });
  });
  afterEach(async () => {
    await fake.close();
    ws.remove();
  });

  it('accepted: the attempts on stderr as the log prints them, the answer as a unified diff on stdout, exit 0, the file untouched', async () => {
    const ran = await runCli(['run', '--skill', 'fix', 'src/math.ts:2-4', '--chain', 'qwen-7b', '--llama-swap-url', fake.url], { cwd: ws.dir });
    assert.equal(ran.code, 0, ran.stderr);
    const lines = ran.stderr.trim().split('\n');
    assert.equal(lines[0], '▶ fix on src/math.ts:2-4 · chain: qwen-7b');
    assert.match(lines[1], /^ {2}\[1\/1\] qwen-7b · local · warm · \d+\.\d s · .* · accept — correct$/);
    assert.match(ran.stderr, /syntax gate: typescript/);
    assert.equal(lines[lines.length - 1], '✔ accepted at tier 1/1 by qwen-7b');
    const [patch] = parsePatch(ran.stdout);
    assert.equal(patch.oldFileName, 'a/src/math.ts');
    assert.equal(patch.newFileName, 'b/src/math.ts');
    assert.deepEqual(patch.hunks.flatMap((h) => h.lines.filter((l) => /^[-+]/.test(l))), ['-  return a - b;', '+  return a + b;']);
    assert.equal(fs.readFileSync(path.join(ws.dir, 'src/math.ts'), 'utf8'), SOURCE, 'without --write the file is not touched');
    assert.ok(ran.stdout.startsWith('--- a/src/math.ts\n+++ b/src/math.ts\n'), ran.stdout);
    execFileSync('git', ['apply', '-'], { cwd: ws.dir, input: ran.stdout, timeout: 10_000 });
    assert.equal(fs.readFileSync(path.join(ws.dir, 'src/math.ts'), 'utf8'), SOURCE.replace('a - b', 'a + b'), 'git apply takes the diff');
  });

  it('--write applies the accepted answer to the file, and prints no diff', async () => {
    const ran = await runCli(['run', '--skill', 'fix', '--write', 'src/math.ts:2-4', '--chain', 'qwen-7b', '--llama-swap-url', fake.url], { cwd: ws.dir });
    assert.equal(ran.code, 0, ran.stderr);
    assert.equal(ran.stdout, '');
    assert.equal(fs.readFileSync(path.join(ws.dir, 'src/math.ts'), 'utf8'), SOURCE.replace('a - b', 'a + b'));
    assert.match(ran.stderr, /Wrote the answer to src\/math\.ts\./);
  });

  it('--write refuses when the file changed during the run: one sentence, exit 1, the user\'s edit kept, the answer on stdout', async () => {
    const file = path.join(ws.dir, 'src/math.ts');
    const edited = `${SOURCE}// typed meanwhile\n`;
    fake.responder = (r) => {
      if (isJudge(r)) return judge;
      fs.writeFileSync(file, edited);
      return text('```ts\n', `${FIXED}\n`, '```\n');
    };
    const ran = await runCli(['run', '--skill', 'fix', '--write', 'src/math.ts:2-4', '--chain', 'qwen-7b', '--llama-swap-url', fake.url], { cwd: ws.dir });
    assert.equal(ran.code, 1);
    assert.equal(fs.readFileSync(file, 'utf8'), edited);
    assertOneSentence(errorSentence(ran.stderr));
    assert.match(errorSentence(ran.stderr), /src\/math\.ts changed while the run was going, so the answer was not written/);
    assert.match(ran.stdout, /\+ {2}return a \+ b;/, 'nothing lost: the answer is on stdout');
  });

  it('exhausted: every tier\'s attempt and the reasons on stderr, nothing on stdout, exit 1', async () => {
    judge = verdict('escalate', 'still subtracts');
    const ran = await runCli(['run', '--skill', 'fix', 'src/math.ts:2-4', '--chain', 'qwen-7b,qwen-32b', '--llama-swap-url', fake.url], { cwd: ws.dir });
    assert.equal(ran.code, 1);
    assert.equal(ran.stdout, '');
    assert.match(ran.stderr, /\[1\/2\] qwen-7b · local .* escalate — still subtracts/);
    assert.match(ran.stderr, /\[2\/2\] qwen-32b · local .* escalate — still subtracts/);
    assert.match(ran.stderr, /✖ No answer was accepted after 2 attempts \(qwen-7b: still subtracts; qwen-32b: still subtracts\)\./);
  });

  it('reads .vscode/settings.json with comments and trailing commas: its chain, address and context lines; flags override them', async () => {
    fs.mkdirSync(path.join(ws.dir, '.vscode'));
    fs.writeFileSync(path.join(ws.dir, '.vscode/settings.json'), settingsJson(fake.url, '["qwen-32b",]'));
    const ran = await runCli(['run', '--skill', 'fix', 'src/math.ts:2-4'], { cwd: ws.dir });
    assert.equal(ran.code, 0, ran.stderr);
    assert.match(ran.stderr, /chain: qwen-32b\n/);
    const generation = fake.requests.find((r) => r.path === '/v1/chat/completions' && !isJudge(r))!;
    assert.equal(generation.model, 'qwen-32b');
    const overridden = await runCli(['run', '--skill', 'fix', 'src/math.ts:2-4', '--chain', 'qwen-7b'], { cwd: ws.dir });
    assert.match(overridden.stderr, /chain: qwen-7b\n/);
    // --workspace from elsewhere: the same file, the target relative to where the command runs.
    const elsewhere = await runCli(['run', '--skill', 'fix', '--workspace', ws.dir, path.join(ws.dir, 'src/math.ts:2-4')], { cwd: REPO });
    assert.equal(elsewhere.code, 0, elsewhere.stderr);
    assert.match(elsewhere.stderr, /▶ fix on src\/math\.ts:2-4 · chain: qwen-32b/);
  });

  it('the Anthropic key from ANTHROPIC_API_KEY reaches the cloud tier and never the output, also when the key is refused', async () => {
    const key = 'sk-ant-cli-secret-0123456789';
    judge = verdict('escalate', 'wrong');
    const cloud = await FakeAnthropic.start({ apiKey: key, defaultReply: { kind: 'message', pieces: ['```ts\n', `${FIXED}\n`, '```'] } });
    try {
      const env = { ANTHROPIC_API_KEY: key, ANTHROPIC_BASE_URL: cloud.url };
      const argv = ['run', '--skill', 'fix', 'src/math.ts:2-4', '--chain', 'qwen-7b,claude-sonnet-4-6', '--llama-swap-url', fake.url];
      const ran = await runCli(argv, { cwd: ws.dir, env });
      assert.equal(ran.code, 0, ran.stderr);
      assert.equal(cloud.messageRequests[0].headers['x-api-key'], key);
      const refused = await runCli(argv, { cwd: ws.dir, env: { ...env, ANTHROPIC_API_KEY: `${key}-old` } });
      assert.equal(refused.code, 1);
      for (const out of [ran.stdout, ran.stderr, refused.stdout, refused.stderr]) assert.ok(!out.includes(key.slice(7)), out);
    } finally {
      await cloud.close();
    }
  });
});

describe('hyperguild eval: the command line around the eval engine', () => {
  let ws: ReturnType<typeof workspace>;
  beforeEach(() => (ws = workspace({ 'tasks/one.json': '{}', 'recorded.json': '{}', '.vscode/settings.json': '{ "hyperguild.chain": ["qwen-7b", "claude-sonnet-4-6"], "hyperguild.maxOutputTokens": 512 }' })));
  afterEach(() => ws.remove());

  class InputError extends Error {}
  const api = (calls: Record<string, unknown[]>) => ({
    loadTasks: (paths: string[]) => {
      calls.loadTasks = paths;
      return Promise.resolve(paths.some((p) => p.endsWith('bad')) ? Promise.reject(new InputError('The task bad/task.json has no "range"; add one.')) : [{ id: 't1' }]);
    },
    runEval: (tasks: unknown[], options: unknown) => {
      calls.runEval = [tasks, options];
      (options as { onEvent: (l: string) => void }).onEvent('  [1/2] qwen-7b · local · accept');
      return Promise.resolve({ tasks: 1 });
    },
    writeEvalReports: (result: unknown, outDir: string) => {
      calls.write = [result, outDir];
      return Promise.resolve({ markdown: path.join(outDir, 'report.md'), html: path.join(outDir, 'report.html'), json: path.join(outDir, 'report.json') });
    },
    isInputError: (err: unknown): err is Error => err instanceof InputError,
    summary: () => ['| tier | accepted |', '| qwen-7b | 1 |'],
  });

  it('loads the tasks, runs them with the settings\' tiers and the flags, writes the reports to --out, prints the summary and paths, exit 0', async () => {
    const calls: Record<string, unknown[]> = {};
    const ran = await runCli(['eval', 'tasks', '--out', 'out-here', '--baselines', '--verifier-only', 'recorded.json', '--verifier-model', 'qwen-7b'], { cwd: ws.dir, deps: { evalApi: api(calls) } });
    assert.equal(ran.code, 0, ran.stderr);
    assert.deepEqual(calls.loadTasks, [path.join(ws.dir, 'tasks')]);
    const [tasks, options] = calls.runEval as [unknown[], Record<string, unknown>];
    assert.deepEqual(tasks, [{ id: 't1' }]);
    assert.deepEqual((options.tiers as { model: string }[]).map((t) => t.model), ['qwen-7b', 'claude-sonnet-4-6']);
    assert.deepEqual(Object.keys(options.backends as object).sort(), ['anthropic', 'llama-swap']);
    assert.equal(options.maxTokens, 512);
    assert.equal(options.baselines, true);
    assert.equal(options.verifierOnly, path.join(ws.dir, 'recorded.json'));
    assert.equal(options.verifierModel, 'qwen-7b');
    assert.equal(calls.write[1], path.join(ws.dir, 'out-here'));
    assert.ok(fs.statSync(path.join(ws.dir, 'out-here')).isDirectory());
    assert.match(ran.stderr, /\[1\/2\] qwen-7b · local · accept/);
    assert.match(ran.stdout, /\| qwen-7b \| 1 \|/);
    assert.match(ran.stdout, /Markdown: out-here\/report\.md\nHTML: out-here\/report\.html\nJSON: out-here\/report\.json/);
  });

  it('a task the engine cannot read: its one sentence, exit 2, nothing run', async () => {
    const calls: Record<string, unknown[]> = {};
    const ran = await runCli(['eval', 'bad'], { cwd: ws.dir, deps: { evalApi: api(calls) } });
    assert.equal(ran.code, 2);
    assert.equal(errorSentence(ran.stderr), 'The task bad/task.json has no "range"; add one.');
    assert.equal(calls.runEval, undefined);
  });
});

describe('hyperguild eval end to end: the engine on a task of eval/tasks, the fake llama-swap answering', function () {
  this.timeout(30_000);
  it('runs the task, writes the three reports to --out, prints the headline and per-tier table and the paths, exit 0', async () => {
    const reference = fs.readFileSync(path.join(REPO, 'eval/tasks/js-fix-leap-year/reference.js'), 'utf8').split('\n').slice(3, 6).join('\n');
    const fake = await FakeLlamaSwap.start({ models: [{ id: 'qwen-7b' }], loaded: 'qwen-7b', responder: (r) => (isJudge(r) ? verdict('accept', 'correct') : text('```js\n', `${reference}\n`, '```\n')) });
    const ws = workspace({});
    try {
      const ran = await runCli(['eval', path.join(REPO, 'eval/tasks/js-fix-leap-year'), '--out', 'report', '--chain', 'qwen-7b', '--llama-swap-url', fake.url], { cwd: ws.dir });
      assert.equal(ran.code, 0, ran.stderr);
      assert.match(ran.stdout, /^Tasks +1$/m);
      assert.match(ran.stdout, /^Pass rate \(accepted answer passes its test\) +100 % \(1\/1\)$/m);
      assert.match(ran.stdout, /^Tier +Accepted +False accepts/m);
      assert.match(ran.stdout, /^Markdown: report\/\S+\.md\nHTML: report\/\S+\.html\nJSON: report\/\S+\.json$/m);
      const json = /^JSON: (\S+)$/m.exec(ran.stdout)![1];
      const recorded = JSON.parse(fs.readFileSync(path.join(ws.dir, json), 'utf8')) as { tasks: { accepted?: { model: string } }[] };
      assert.equal(recorded.tasks[0].accepted?.model, 'qwen-7b');
    } finally {
      ws.remove();
      await fake.close();
    }
  });
});

describe('hyperguild: the built bin (dist/cli.js)', function () {
  this.timeout(60_000);
  let ws: ReturnType<typeof workspace>;
  before(() => buildCli());
  beforeEach(() => (ws = workspace({ 'src/math.ts': SOURCE })));
  afterEach(() => ws.remove());

  it('package.json names it as the hyperguild bin; it runs as an executable: --help, --version, errors with exit 2', async () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
    assert.equal(path.resolve(REPO, manifest.bin.hyperguild), CLI);
    assert.ok(fs.readFileSync(CLI, 'utf8').startsWith('#!/usr/bin/env node\n'));
    const help = await spawnCli(['--help'], { cwd: ws.dir }).done;
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage:/);
    assert.equal((await spawnCli(['--version'], { cwd: ws.dir }).done).stdout.trim(), manifest.version);
    for (const argv of [['run', '--nope'], ['run', '--skill', 'fix', 'src/math.ts:9-9'], ['eval']]) {
      const ran = await spawnCli(argv, { cwd: ws.dir }).done;
      assert.equal(ran.code, 2, ran.stderr);
      assertOneSentence(errorSentence(ran.stderr));
    }
  });

  it('Ctrl-C cancels the run in flight: what was attempted on stderr, exit 1, the file untouched', async () => {
    const fake = await FakeLlamaSwap.start({ models: [{ id: 'qwen-7b' }], loaded: 'qwen-7b', responder: () => ({ kind: 'silent', pieces: ['```ts\n'] }) });
    try {
      const run = spawnCli(['run', '--skill', 'fix', '--write', 'src/math.ts:2-4', '--chain', 'qwen-7b', '--llama-swap-url', fake.url], { cwd: ws.dir });
      const end = Date.now() + 10_000;
      while (!fake.requests.some((r) => r.path === '/v1/chat/completions') && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      run.child.kill('SIGINT');
      const ran = await run.done;
      assert.equal(ran.code, 1, ran.stderr);
      assert.match(ran.stderr, /\[1\/1\] qwen-7b · local .* error — cancelled/);
      assert.match(ran.stderr, /■ cancelled/);
      assert.equal(fs.readFileSync(path.join(ws.dir, 'src/math.ts'), 'utf8'), SOURCE);
    } finally {
      await fake.close();
    }
  });
});

describe('hyperguild run: the extension\'s code checks (the built bin, whose TypeScript worker is beside it)', function () {
  this.timeout(90_000);
  let fake: FakeLlamaSwap;
  let ws: ReturnType<typeof workspace>;
  const answers: Record<string, string> = {
    // Parses, but names a variable that does not exist: TypeScript's diagnostics, not the syntax gate, catch it.
    'qwen-7b': 'export function add(a: number, b: number): number {\n  return a + c; // by qwen-7b\n}',
    'qwen-32b': 'export function add(a: number, b: number): number {\n  return a + b; // by qwen-32b\n}',
  };
  before(() => buildCli());
  beforeEach(async () => {
    fake = await FakeLlamaSwap.start({
      models: [{ id: 'qwen-7b' }, { id: 'qwen-32b' }], loaded: 'qwen-7b',
      responder: (r) => (isJudge(r) ? verdict('accept', 'correct') : text('```ts\n', `${answers[(r.body as { model: string }).model]}\n`, '```\n')),
    });
    // A cold worker builds the project first: a generous bound, so the check answers rather than says not checked.
    const settings = JSON.stringify({
      'hyperguild.llamaSwapUrl': fake.url, 'hyperguild.chain': ['qwen-7b', 'qwen-32b'], 'hyperguild.diagnostics.timeoutMs': 60_000,
      'hyperguild.checks': { typescript: ['grep -q "by qwen-7b" {file} && echo "the 7b was here" && exit 1 || exit 0'] },
    });
    ws = workspace({ 'src/math.ts': SOURCE, '.vscode/settings.json': settings });
  });
  afterEach(async () => {
    await fake.close();
    ws.remove();
  });

  it('an answer that brings a TypeScript error is escalated with the diagnostic before any judge; the next tier\'s is accepted', async () => {
    const ran = await spawnCli(['run', '--skill', 'fix', 'src/math.ts:2-4'], { cwd: ws.dir, timeoutMs: 80_000 }).done;
    assert.equal(ran.code, 0, ran.stderr);
    assert.match(ran.stderr, /\[1\/2\] qwen-7b · .* · escalate — the proposal brings 1 new TypeScript error:\s+line 3 [^\n]*Cannot find name 'c'\. ts\(2304\)/);
    assert.match(ran.stderr, /\n {4}diagnostics typescript: failed, 1 new error, \d+ ms/);
    assert.match(ran.stderr, /\n {4}diagnostics typescript: passed, 0 new errors, \d+ ms/);
    assert.equal(fake.requests.filter((r) => isJudge(r) && (r.body as { model: string }).model === 'qwen-7b').length, 0, 'no judge for the rejected answer');
    assert.match(ran.stdout, /\+ {2}return a \+ b; \/\/ by qwen-32b/);
    assert.doesNotMatch(ran.stderr, /command /, 'without --checks no command of the settings file runs');
    assert.equal(fs.readFileSync(path.join(ws.dir, 'src/math.ts'), 'utf8'), SOURCE);
  });

  it('--checks runs hyperguild.checks\' commands on a copy: a failing one escalates with its output; the folder is untouched', async () => {
    answers['qwen-7b'] = 'export function add(a: number, b: number): number {\n  return a + b; // by qwen-7b\n}';
    const before = fs.readdirSync(ws.dir, { recursive: true }).sort();
    const ran = await spawnCli(['run', '--skill', 'fix', '--checks', 'src/math.ts:2-4'], { cwd: ws.dir, timeoutMs: 80_000 }).done;
    assert.equal(ran.code, 0, ran.stderr);
    assert.match(ran.stderr, /\[1\/2\] qwen-7b · .* · escalate — [\s\S]*the 7b was here/);
    assert.match(ran.stderr, /\n {4}command [^\n]*: failed/);
    assert.match(ran.stdout, /by qwen-32b/);
    assert.deepEqual(fs.readdirSync(ws.dir, { recursive: true }).sort(), before, 'nothing written into the folder');
    assert.equal(fs.readFileSync(path.join(ws.dir, 'src/math.ts'), 'utf8'), SOURCE);
  });
});

describe('hyperguild: the file\'s lines as the engine\'s task, and the settings\' defaults', () => {
  it('whole lines, the context lines either side (bounded), the file\'s CRLF line ending, a last line without a break', () => {
    const crlf = 'one\r\ntwo\r\nthree\r\nfour\r\nfive';
    const ws = workspace({ 'a.ts': crlf });
    try {
      const t = loadTarget({ file: 'a.ts', startLine: 3, endLine: 5 }, ws.dir, ws.dir, 1);
      assert.equal(t.task.selection, 'three\r\nfour\r\nfive');
      assert.equal(t.task.before, 'two');
      assert.equal(t.task.after, '');
      assert.equal(t.task.eol, '\r\n');
      assert.equal(t.task.languageId, 'typescript');
      assert.equal(t.display, 'a.ts');
      assert.equal(crlf.slice(t.start, t.end), t.task.selection);
      const first = loadTarget({ file: 'a.ts', startLine: 1, endLine: 1 }, ws.dir, ws.dir, 2);
      assert.deepEqual([first.task.selection, first.task.before, first.task.after], ['one', '', 'two\r\nthree']);
      assert.equal(loadTarget({ file: 'a.ts', startLine: 2, endLine: 2 }, ws.dir, ws.dir, 0).task.after, '', 'contextLines 0: none');
    } finally {
      ws.remove();
    }
  });

  it('without a settings file the extension\'s defaults apply (package.json), and the flags\' values override them', () => {
    const ws = workspace({});
    try {
      const manifest = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
      const { settings, file } = workspaceSettings(ws.dir, {});
      assert.equal(file, undefined);
      assert.deepEqual(settings.tiers?.map((t) => t.model), manifest.contributes.configuration.properties['hyperguild.chain'].default);
      assert.equal(settings.llamaSwapUrl, 'http://127.0.0.1:8080');
      assert.equal(settings.contextLines, 40);
      assert.deepEqual(settings.problems, []);
      const flagged = workspaceSettings(ws.dir, { chain: ['a', 'claude-b'], llamaSwapUrl: 'http://127.0.0.1:9999' }).settings;
      assert.deepEqual(flagged.tiers?.map((t) => `${t.model}:${t.kind}`), ['a:local', 'claude-b:cloud']);
      assert.equal(flagged.llamaSwapUrl, 'http://127.0.0.1:9999');
    } finally {
      ws.remove();
    }
  });
});
