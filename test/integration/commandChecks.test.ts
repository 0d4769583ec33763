// The user's check commands (hyperguild.checks) in the real editor: run on a shadow copy with the proposal applied,
// a failure escalates with the command's output, a hanging one is cut off and the run goes on, nothing runs in an
// untrusted workspace or when the user declines, and nothing is ever written into the workspace.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { isJudge, lastUserMessage, listing, runSkill, select, suiteWithFake, verdictReply, waitFor } from './support/host';
import type { CommandCheckTesting } from '../../src/editor/run/commandCheckDeps';
import type { ChatReply } from '../fakes/fakeLlamaSwap';

// Python: no language server runs in the test host, so the runs here time the checks, not a server's start.
const SOURCE = 'def total(xs):\n    t = 0\n    for x in xs:\n        t += x\n    return t\n';
const BAD = 'def total(xs):\n    bad = len(xs)\n    return bad';
const GOOD = 'def total(xs):\n    return sum(xs)';

/** A llama-swap answer with one fenced Python block, streamed in small pieces. */
function pythonReply(code: string): ChatReply {
  const text = `Here is the change:\n\`\`\`python\n${code}\n\`\`\`\n`;
  return { kind: 'text', pieces: text.match(/[\s\S]{1,6}/g) ?? [], chunkDelayMs: 0, finish: 'stop' };
}

const shadows = () => fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('hyperguild-check-'));

describe('check commands: run on a shadow copy before any judge', function () {
  this.timeout(120_000);
  const suite = suiteWithFake({
    models: [{ id: 'qwen-7b' }, { id: 'qwen-32b' }], loaded: 'qwen-7b',
    responder: (r) => (isJudge(r) ? verdictReply('accept', 'correct') : pythonReply(r.model === 'qwen-7b' ? BAD : GOOD)),
  }, ['qwen-7b', 'qwen-32b']);
  let testing: CommandCheckTesting;
  let scratch: string;
  let script: string;
  const files: string[] = [];
  const asked: string[][] = [];
  const root = () => vscode.workspace.workspaceFolders![0].uri.fsPath;

  before(async () => {
    const api = (await vscode.extensions.getExtension('hyperguild.hyperguild')!.activate()) as { testing: { commandChecks: CommandCheckTesting } };
    testing = api.testing.commandChecks;
    testing.ask = async (commands) => (asked.push([...commands]), 'run');
    // The check script lives outside the workspace: it fails, naming the file, when the file says "bad".
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'hg-host-checks-'));
    script = path.join(scratch, 'nobad.js');
    fs.writeFileSync(script, [
      "const fs = require('fs'), path = require('path');",
      'const file = path.resolve(process.argv[2]);',
      "const text = fs.readFileSync(file, 'utf8');",
      "if (text.includes('bad')) { console.log(file + ':' + (text.split('\\n').findIndex((l) => l.includes('bad')) + 1) + ': it says bad'); process.exit(1); }",
    ].join('\n'));
  });
  afterEach(() => {
    delete testing.trusted;
    testing.ask = async (commands) => (asked.push([...commands]), 'run');
    for (const f of files.splice(0)) fs.rmSync(f, { force: true });
  });
  after(async () => {
    await suite.settings.set('checks', undefined);
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  async function fileWith(content: string): Promise<vscode.TextEditor> {
    const file = path.join(root(), `checks-${Date.now()}.py`);
    files.push(file);
    fs.writeFileSync(file, content);
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file));
    select(editor, 0, 4);
    return editor;
  }

  it('a command that fails escalates with its output (in the project\'s paths) before any judge; the next tier\'s answer passes it and is accepted; nothing is written into the workspace; the copy is removed', async () => {
    const command = `"${process.execPath}" "${script}" {file} # fails`;
    await suite.settings.set('checks', { python: [{ name: 'no bad', command }] });
    await fileWith(SOURCE);
    const before = listing(root());
    const shadowsBefore = shadows();
    const fake = suite.fake();
    const from = fake.requests.length;
    const report = await runSkill();
    assert.equal(report.status, 'accepted', report.message);
    assert.deepEqual(report.accepted, { model: 'qwen-32b', tierIndex: 1 });
    assert.equal(report.attempts[0].verdict, 'escalate');
    const name = path.basename(files[0]);
    assert.match(report.attempts[0].feedback ?? '', new RegExp(`^The check command \`.*nobad\\.js" ${name.replace('.', '\\.')} # fails\` failed \\(exit code 1\\):\\n${name.replace('.', '\\.')}:2: it says bad$`));
    assert.deepEqual(fake.requests.slice(from).filter(isJudge).map((r) => r.model), ['qwen-32b'], 'no judge for the answer the command rejected');
    assert.match(lastUserMessage(fake.requests.slice(from).find((r) => r.model === 'qwen-32b' && !isJudge(r))!), /it says bad/, 'the next tier is told the output');
    assert.deepEqual(asked.at(-1), [command], 'the workspace\'s command was asked about, by its text');
    assert.deepEqual(listing(root()), before, 'nothing written into the workspace');
    await waitFor(() => shadows().every((s) => shadowsBefore.includes(s)), 'the shadow copy removed', 5_000);

    const questions = asked.length;
    await runSkill();
    assert.equal(asked.length, questions, 'asked once: the answer is remembered for the workspace');
  });

  it('a command that hangs is cut off at its bound (its process gone) and the run goes on to the judge', async () => {
    const pidFile = path.join(scratch, 'pid');
    await suite.settings.set('checks', { python: [{ command: `sleep 30 & echo $! > '${pidFile}'; wait`, timeoutSeconds: 1 }] });
    await fileWith(SOURCE);
    const started = Date.now();
    const report = await runSkill();
    assert.equal(report.status, 'accepted', report.message);
    assert.deepEqual(report.accepted, { model: 'qwen-7b', tierIndex: 0 }, 'not checked is not a failure: the judge decides');
    assert.ok(Date.now() - started < 15_000, `cut off at its bound, the run took ${Date.now() - started} ms`);
    const pid = Number(fs.readFileSync(pidFile, 'utf8'));
    const alive = () => {
      try {
        process.kill(pid, 0);
        return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
      } catch {
        return false;
      }
    };
    await waitFor(() => !alive(), 'the sleep killed with its shell', 3_000);
  });

  it('a cancel while a command runs ends the run at once, kills the command and removes the copy', async () => {
    const pidFile = path.join(scratch, 'pid-cancel');
    await suite.settings.set('checks', { python: [{ command: `sleep 30 & echo $! > '${pidFile}'; wait`, timeoutSeconds: 60 }] });
    await fileWith(SOURCE);
    const shadowsBefore = shadows();
    const pending = runSkill();
    await waitFor(() => fs.existsSync(pidFile), 'the command started', 20_000);
    const started = Date.now();
    await vscode.commands.executeCommand('hyperguild.cancel');
    const report = await pending;
    assert.equal(report.status, 'cancelled', report.message);
    assert.ok(Date.now() - started < 5_000, 'at once, not at the command\'s bound');
    const pid = Number(fs.readFileSync(pidFile, 'utf8'));
    const alive = () => {
      try {
        process.kill(pid, 0);
        return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
      } catch {
        return false;
      }
    };
    await waitFor(() => !alive(), 'the command killed', 3_000);
    await waitFor(() => shadows().every((s) => shadowsBefore.includes(s)), 'the shadow copy removed', 5_000);
  });

  it('untrusted workspace: no command runs (the judge decides); a declined command does not run either', async () => {
    const marker = path.join(scratch, 'ran');
    await suite.settings.set('checks', { python: [`touch '${marker}' # untrusted`] });
    await fileWith(SOURCE);
    testing.trusted = false;
    const untrusted = await runSkill();
    assert.equal(untrusted.status, 'accepted', untrusted.message);
    assert.equal(fs.existsSync(marker), false, 'not run in an untrusted workspace');

    delete testing.trusted;
    await suite.settings.set('checks', { python: [`touch '${marker}' # declined`] });
    testing.ask = async (commands) => (asked.push([...commands]), 'skip');
    const declined = await runSkill();
    assert.equal(declined.status, 'accepted', declined.message);
    assert.deepEqual(asked.at(-1), [`touch '${marker}' # declined`]);
    assert.equal(fs.existsSync(marker), false, 'not run when declined');
  });
});
