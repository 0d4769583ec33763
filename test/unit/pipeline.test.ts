// Verification as a pipeline of steps (issue 24, item 5): the cheap gates, the syntax gate, the code checks and
// the judge are steps the orchestrator walks in order; a failed step skips the rest.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { runChain, type RunOptions } from '../../src/core/engine/orchestrator';
import { walkPipeline, type Step, type StepResult } from '../../src/core/engine/pipeline';
import { chatJob } from '../../src/core/engine/conversation';
import { BUILT_IN_SKILLS } from '../../src/core/engine/skills';
import type { CheckKind, CheckOutcome, CodeCheck } from '../../src/core/engine/checks';
import type { Task } from '../../src/core/engine/prompts';
import type { ChatBackend, ChatResult } from '../../src/core/types';
import { ScriptedBackend, accept, escalate, fence, tiersOf } from '../support/scriptedBackend';

const task: Task = { filePath: 'a.ts', languageId: 'typescript', selection: 'let x = 1;\n', before: '', after: '' };
const refactor = BUILT_IN_SKILLS.find((s) => s.id === 'refactor')!;

/** A code check that notes when it runs in `order`, and answers as told. */
function check(kind: CheckKind, name: string, order: string[], outcome: CheckOutcome = { status: 'passed' }): CodeCheck {
  return { kind, name, timeoutMs: 1_000, run: async () => (order.push(`${kind} ${name}`), outcome) };
}

/** The local backend, noting each judge request in `order`. */
function judged(local: ScriptedBackend, order: string[]): ChatBackend {
  return { id: local.id, chat: (request) => (request.jsonSchema && order.push(`judge ${request.model}`), local.chat(request)) };
}

function options(local: ScriptedBackend, order: string[], extra: Partial<RunOptions> = {}, chain = ['a', 'b']): RunOptions {
  return {
    tiers: tiersOf(...chain), skill: refactor, task, backends: { 'llama-swap': judged(local, order) }, maxTokens: 64,
    syntaxCheck: async () => (order.push('syntax'), { note: 'syntax gate: typescript, 0.1 ms' }), ...extra,
  } as RunOptions;
}

describe('verification pipeline: the order of the steps', () => {
  it('gates → syntax → diagnostics → commands → judge, whatever order the checks were handed in', async () => {
    const order: string[] = [];
    const local = new ScriptedBackend('llama-swap');
    local.on('a', { answer: fence('let x = 2;') }).on('judge:a', accept());
    const codeChecks = [check('command', 'tsc', order), check('diagnostics', 'typescript', order)];
    const r = await runChain(options(local, order, { codeChecks }, ['a']));
    assert.equal(r.status, 'accepted');
    assert.deepEqual(order, ['syntax', 'diagnostics typescript', 'command tsc', 'judge a']);
    assert.deepEqual(r.attempts[0].checks?.map((c) => `${c.kind} ${c.name}`), ['diagnostics typescript', 'command tsc']);
  });

  it('a failed cheap gate skips every later step: no syntax gate, no code check, no judge', async () => {
    const order: string[] = [];
    const local = new ScriptedBackend('llama-swap');
    local.on('a', { answer: 'I would rename x.' });
    const r = await runChain(options(local, order, { codeChecks: [check('diagnostics', 'typescript', order)] }, ['a']));
    assert.equal(r.attempts[0].feedback, 'the answer had no fenced code block');
    assert.deepEqual(order, []);
    assert.equal(r.attempts[0].checks, undefined);
  });

  it('a failed syntax gate skips the code checks and the judge', async () => {
    const order: string[] = [];
    const local = new ScriptedBackend('llama-swap');
    local.on('a', { answer: fence('let x = (;') });
    const r = await runChain(options(local, order, {
      codeChecks: [check('diagnostics', 'typescript', order)],
      syntaxCheck: async () => (order.push('syntax'), { problem: 'the proposal does not parse: line 1, missing ")"', note: 'syntax gate: typescript' }),
      judgeAfterFailedCheck: true,
    }, ['a']));
    assert.equal(r.attempts[0].verdict, 'escalate');
    assert.deepEqual(order, ['syntax'], 'no code check, and no judge even when asked for after a failed check');
    assert.equal(r.attempts[0].judgeWouldHave, undefined);
  });

  it('a failed diagnostics check skips the commands and the judge (no judge tokens spent)', async () => {
    const order: string[] = [];
    const local = new ScriptedBackend('llama-swap');
    local.on('a', { answer: fence('let x = y;'), inputTokens: 100, outputTokens: 10 });
    const failed: CheckOutcome = { status: 'failed', feedback: "line 1: Cannot find name 'y'.", newErrors: 1 };
    const r = await runChain(options(local, order, { codeChecks: [check('diagnostics', 'typescript', order, failed), check('command', 'tsc', order)] }, ['a']));
    assert.deepEqual(order, ['syntax', 'diagnostics typescript']);
    assert.equal(r.attempts[0].feedback, "line 1: Cannot find name 'y'.");
    assert.deepEqual([r.attempts[0].inputTokens, r.attempts[0].outputTokens], [100, 10], "the generation's tokens only");
    assert.equal(r.attempts[0].judgeWouldHave, undefined);
  });
});

describe('verification pipeline: the judge after a failed check (judgeAfterFailedCheck)', () => {
  it('still asks the judge, records its would-be verdict apart from the verdict, and counts its tokens', async () => {
    const order: string[] = [];
    const local = new ScriptedBackend('llama-swap');
    local.on('a', { answer: fence('let x = y;'), inputTokens: 100, outputTokens: 10 }).on('judge:a', { ...accept('looks right'), inputTokens: 5, outputTokens: 3 });
    local.on('b', { answer: fence('let x = 2;') }).on('judge:b', escalate('x must stay 1'));
    const failed: CheckOutcome = { status: 'failed', feedback: "line 1: Cannot find name 'y'.", newErrors: 1 };
    const diagnostics: CodeCheck = { kind: 'diagnostics', name: 'typescript', timeoutMs: 1_000, run: async (p) => (order.push('diagnostics'), p.includes('y') ? failed : { status: 'passed', newErrors: 0 }) };
    const r = await runChain(options(local, order, { codeChecks: [diagnostics], judgeAfterFailedCheck: true }));
    assert.deepEqual(order, ['syntax', 'diagnostics', 'judge a', 'syntax', 'diagnostics', 'judge b']);
    const [first, second] = r.attempts;
    assert.equal(first.verdict, 'escalate', 'the check decides, not the judge');
    assert.equal(first.feedback, "line 1: Cannot find name 'y'.", "the next tier gets the check's words");
    assert.equal(first.judgeWouldHave, 'accept');
    assert.deepEqual([first.inputTokens, first.outputTokens], [105, 13], 'the judge was asked: its tokens were spent');
    assert.match(local.calls.find((c) => c.model === 'b' && !c.jsonSchema)!.messages[1].content, /Cannot find name 'y'/);
    assert.doesNotMatch(local.calls.find((c) => c.model === 'b' && !c.jsonSchema)!.messages[1].content, /looks right/, "the would-be judge's words are not feedback");
    assert.equal(second.verdict, 'escalate');
    assert.equal(second.judgeWouldHave, undefined, 'no check failed: the judge gave the verdict itself');
  });

  it('is off by default, and applies only to a tier whose answers are judged', async () => {
    const order: string[] = [];
    const local = new ScriptedBackend('llama-swap');
    const cloud = new ScriptedBackend('anthropic');
    const failed: CheckOutcome = { status: 'failed', feedback: 'bad' };
    local.on('a', { answer: fence('let x = 2;') });
    const off = await runChain(options(local, order, { codeChecks: [check('diagnostics', 'typescript', order, failed)] }, ['a']));
    assert.equal(off.attempts[0].judgeWouldHave, undefined);
    assert.ok(!order.some((s) => s.startsWith('judge')));
    cloud.on('claude-sonnet-5-5', { answer: fence('let x = 2;') });
    const unjudged = await runChain({ ...options(local, order, { codeChecks: [check('diagnostics', 'typescript', order, failed)], judgeAfterFailedCheck: true }, ['claude-sonnet-5-5']), backends: { anthropic: cloud } });
    assert.equal(unjudged.attempts[0].judgeWouldHave, undefined);
    assert.equal(cloud.calls.filter((c) => c.jsonSchema).length, 0, 'an unjudged cloud tier is not judged to learn what a judge would say');
  });

  it('a cancel while that judge answers ends the run as cancelled while verifying', async () => {
    const controller = new AbortController();
    const local = new ScriptedBackend('llama-swap');
    local.on('a', { answer: fence('let x = 2;') }).on('judge:a', { hang: true });
    const pending = runChain(options(local, [], { signal: controller.signal, codeChecks: [check('diagnostics', 'typescript', [], { status: 'failed', feedback: 'bad' })], judgeAfterFailedCheck: true }));
    setTimeout(() => controller.abort(), 20);
    const r = await pending;
    assert.equal(r.status, 'cancelled');
    assert.equal(r.attempts[0].feedback, 'cancelled while verifying');
  });
});

describe('verification pipeline: a conversation (the language-model path)', () => {
  it('a chat request never runs the code checks nor the syntax gate: its Job is not code', async () => {
    const order: string[] = [];
    const local = new ScriptedBackend('llama-swap');
    local.on('a', { answer: 'It flattens arrays.' }).on('judge:a', accept());
    const r = await runChain({
      tiers: tiersOf('a'), job: chatJob([{ role: 'user', content: 'What does flat do?' }]), backends: { 'llama-swap': judged(local, order) }, maxTokens: 64,
      syntaxCheck: async () => (order.push('syntax'), { note: '' }),
      codeChecks: [check('diagnostics', 'typescript', order), check('command', 'tsc', order)], judgeAfterFailedCheck: true,
    });
    assert.equal(r.status, 'accepted');
    assert.deepEqual(order, ['judge a'], 'only the judge');
    assert.equal(r.attempts[0].checks, undefined);
  });
});

describe('verification pipeline: the walk', () => {
  const answer: ChatResult = { text: 'x', finishReason: 'stop' };
  const signal = new AbortController().signal;
  function step(name: string, role: Step['role'], result: StepResult, seen: string[], applies = true): Step {
    return { name, role, applies: () => applies, run: async () => (seen.push(name), result) };
  }

  it('skips a step that does not apply, goes on after not-checked, stops at the first escalate with its feedback', async () => {
    const seen: string[] = [];
    const r = await walkPipeline([
      step('gates', 'gate', { status: 'pass' }, seen),
      step('unused', 'gate', { status: 'escalate', feedback: 'never' }, seen, false),
      step('lsp', 'check', { status: 'not-checked', notes: { checks: [{ kind: 'diagnostics', name: 'lsp', status: 'not-checked', ms: 3 }] } }, seen),
      step('cmd', 'check', { status: 'escalate', feedback: 'exit 1', notes: { checks: [{ kind: 'command', name: 'cmd', status: 'failed', ms: 9 }] } }, seen),
      step('judge', 'judge', { status: 'pass', feedback: 'fine' }, seen),
    ], { answer, extracted: 'x' }, signal);
    assert.deepEqual(seen, ['gates', 'lsp', 'cmd']);
    assert.equal(r.verdict, 'escalate');
    assert.equal(r.feedback, 'exit 1');
    assert.deepEqual(r.notes.checks?.map((c) => c.status), ['not-checked', 'failed'], 'each check step adds its record');
  });

  it('every step passing is accept, with the last deciding step\'s words; tokens add up', async () => {
    const seen: string[] = [];
    const r = await walkPipeline([
      step('gates', 'gate', { status: 'pass' }, seen),
      step('judge', 'judge', { status: 'pass', feedback: 'fine', tokens: { inputTokens: 7, outputTokens: 2 } }, seen),
    ], { answer, extracted: 'x' }, signal);
    assert.deepEqual([r.verdict, r.feedback, r.tokens], ['accept', 'fine', { inputTokens: 7, outputTokens: 2 }]);
  });

  it('a cancel before or during a step says which kind of step it stopped', async () => {
    const controller = new AbortController();
    const r = await walkPipeline([
      { name: 'judge', role: 'judge', applies: () => true, run: async () => { controller.abort(); throw new Error('aborted'); } },
    ], { answer, extracted: 'x' }, controller.signal);
    assert.equal(r.cancelled, 'judge');
    const before = await walkPipeline([step('gates', 'gate', { status: 'pass' }, [])], { answer, extracted: 'x' }, controller.signal);
    assert.equal(before.cancelled, 'gate');
  });
});

/** Each function of a file (declarations, methods, arrow functions bound to a name) and its length in lines. */
function functionLengths(file: string): { name: string; lines: number }[] {
  const text = fs.readFileSync(path.resolve(__dirname, '../../..', file), 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: { name: string; lines: number }[] = [];
  const lineOf = (pos: number) => source.getLineAndCharacterOfPosition(pos).line;
  const visit = (node: ts.Node, name: string) => {
    const named = ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) ? node.name?.getText(source) ?? name : name;
    if (ts.isFunctionLike(node) && 'body' in node && node.body) found.push({ name: named, lines: lineOf(node.getEnd()) - lineOf(node.getStart(source)) + 1 });
    node.forEachChild((child) => visit(child, ts.isVariableDeclaration(node) ? node.name.getText(source) : named));
  };
  visit(source, '(top)');
  return found;
}

describe('verification pipeline: the shape', () => {
  it('every function of the orchestrator and the pipeline reads at once (under 60 lines), runChain included', () => {
    const files = ['src/core/engine/orchestrator.ts', 'src/core/engine/pipeline.ts', 'src/core/engine/steps.ts'];
    const long = files.flatMap((f) => functionLengths(f).filter((fn) => fn.lines > 60).map((fn) => `${f}: ${fn.name} (${fn.lines} lines)`));
    assert.deepEqual(long, []);
    assert.ok(functionLengths('src/core/engine/orchestrator.ts').some((fn) => fn.name === 'runChain'));
  });

  it('the length check finds a long function', () => {
    const dir = fs.mkdtempSync(path.join(path.resolve(__dirname, '../../..', 'out'), 'shape-'));
    try {
      fs.writeFileSync(path.join(dir, 'long.ts'), `export function long() {\n${'  call();\n'.repeat(70)}}\n`);
      assert.deepEqual(functionLengths(path.relative(path.resolve(__dirname, '../../..'), path.join(dir, 'long.ts'))), [{ name: 'long', lines: 72 }]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
