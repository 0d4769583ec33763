// The eval on scripted backends: a crafted set where the answers are known right or wrong, so that every metric has
// a value to assert (accepts, false accepts, false escalations, well-formed answers, syntax errors, the judge's
// precision and recall, cloud calls and cost against the baselines); the verifier-only replay; the reports' escaping.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadTasks } from '../../src/core/eval/tasks';
import { runEval } from '../../src/core/eval/evalRun';
import { evalHtml, evalMarkdown, writeEvalReports } from '../../src/core/eval/evalReport';
import type { EvalResult, EvalTask } from '../../src/core/eval/evalTypes';
import { checksCaught, decidedBy } from '../../src/core/eval/reportText';
import { BUILT_IN_SKILLS } from '../../src/core/engine/skills';
import { lineCount } from '../../src/core/eval/taskFiles';
import { accept, escalate, fence, ScriptedBackend, tiersOf } from '../support/scriptedBackend';

const TASKS = path.resolve(__dirname, '../../../eval/tasks');
const LOCAL = 'qwen-7b';
const CLOUD = 'claude-sonnet-5-5';
const CLOUD_TOKENS = { inputTokens: 1000, outputTokens: 100 }; // $0.002 + $0.001 at $2/$10 per million

/** The reference's lines in the task's range (the range grows or shrinks with the reference). */
async function right(task: EvalTask): Promise<string> {
  const ref = await fs.readFile(path.join(task.dir!, task.reference!), 'utf8');
  const end = task.range.end + lineCount(ref) - lineCount(task.text);
  return ref.split('\n').slice(task.range.start - 1, end).join('\n');
}

const WRONG: Record<string, string> = {
  'js-fix-leap-year': 'function isLeapYear(year) {\n  return year % 4 === 0;\n}',
  'js-fix-average-empty': 'function average(values) {\n  return values.reduce((a, b) => a + b, 0) / values.length;\n}',
};
const BROKEN = "function formatUser(user) {\n  return user.last.toUpperCase() + ', ' + ;\n}";

interface Crafted {
  tasks: EvalTask[];
  local: ScriptedBackend;
  cloud: ScriptedBackend;
}

/**
 * A: right locally, judge accepts (true accept). B: wrong locally, judge accepts (false accept). C: right locally,
 * judge escalates (false escalation), the cloud right. D: wrong locally, judge escalates (true escalation), the
 * cloud right. E (refactor): no code block locally (a gate escalates, no judge), the cloud's answer does not parse.
 * The cloud-only baseline answers every task right; B's false accept, continued to the cloud with the test's
 * output, is recovered (E's was on the last tier: nothing to continue to).
 */
async function crafted(): Promise<Crafted> {
  const ids = ['js-fix-sum-to', 'js-fix-leap-year', 'js-fix-chunk', 'js-fix-average-empty', 'js-refactor-format-user'];
  const tasks = await loadTasks(ids.map((id) => path.join(TASKS, id)));
  const [a, b, c, d, e] = tasks;
  const local = new ScriptedBackend('llama-swap');
  const cloud = new ScriptedBackend('anthropic');
  const cloudSays = (code: string) => ({ answer: fence(code, 'js'), ...CLOUD_TOKENS });
  local.on(LOCAL, { answer: fence(await right(a), 'js') }, { answer: fence(WRONG[b.id], 'js') }, { answer: fence(await right(c), 'js') }, { answer: fence(WRONG[d.id], 'js') }, { answer: 'I would rather not.' });
  local.on(`judge:${LOCAL}`, accept(), accept('looks right'), escalate('the loop looks wrong'), escalate('empty input gives NaN'));
  cloud.on(CLOUD,
    cloudSays(await right(a)), // A: baseline
    cloudSays(await right(b)), cloudSays(await right(b)), // B: the false accept continued past its tier, baseline
    cloudSays(await right(c)), cloudSays(await right(c)), // C: cascade, baseline
    cloudSays(await right(d)), cloudSays(await right(d)), // D: cascade, baseline
    cloudSays(BROKEN), cloudSays(await right(e)), // E: cascade, baseline
  );
  return { tasks, local, cloud };
}

async function runCrafted(extra: { baselines?: boolean } = { baselines: true }): Promise<{ result: EvalResult; lines: string[]; set: Crafted }> {
  const set = await crafted();
  const lines: string[] = [];
  const result = await runEval(set.tasks, {
    tiers: tiersOf(LOCAL, CLOUD), backends: { 'llama-swap': set.local, anthropic: set.cloud },
    maxTokens: 1024, skills: [...BUILT_IN_SKILLS], onEvent: (l) => lines.push(l), ...extra,
  });
  return { result, lines, set };
}

describe('eval on scripted answers', function () {
  this.timeout(60_000);
  let run: Awaited<ReturnType<typeof runCrafted>>;
  before(async () => {
    run = await runCrafted();
  });

  it('tests every answer, accepted or rejected, and records per task the accepted tier, each verdict and who gave it', () => {
    const { tasks } = run.result;
    assert.deepEqual(tasks.map((t) => [t.id, t.accepted?.tierIndex, t.passed]), [
      ['js-fix-sum-to', 0, true], ['js-fix-leap-year', 0, false], ['js-fix-chunk', 1, true], ['js-fix-average-empty', 1, true], ['js-refactor-format-user', 1, false],
    ]);
    const c = tasks[2];
    assert.deepEqual(c.attempts.map((a) => [a.attempt.verdict, a.judged, a.test?.passed]), [['escalate', true, true], ['accept', false, true]]);
    const e = tasks[4];
    assert.deepEqual(e.attempts.map((a) => [a.attempt.verdict, a.judged, a.code === undefined, a.syntaxError ?? false]), [['escalate', false, true, false], ['accept', false, false, true]]);
    assert.match(e.attempts[1].test!.tail, /SyntaxError/);
    assert.equal(run.lines.length, 5);
    assert.match(run.lines[1], /^\[2\/5\] js-fix-leap-year \(fix\): accepted at qwen-7b \(tier 1\), test FAILED/);
  });

  it('measures overall: local-accept rate, false accepts, false escalations, well-formed answers, syntax errors, judge precision and recall, cloud calls and cost', () => {
    const o = run.result.overall;
    assert.equal(o.tasks, 5);
    assert.deepEqual(o.accepted, { n: 5, of: 5 });
    assert.deepEqual(o.localAccepted, { n: 2, of: 5 });
    assert.deepEqual(o.falseAccepts, { n: 2, of: 5 });
    assert.deepEqual(o.falseEscalations, { n: 1, of: 3 });
    assert.deepEqual(o.passed, { n: 3, of: 5 });
    assert.deepEqual(o.wellFormed, { n: 7, of: 8 });
    assert.equal(o.syntaxErrors, 1);
    assert.deepEqual(o.judge, { tp: 1, fp: 1, fn: 1, tn: 1, precision: 0.5, recall: 0.5 });
    assert.equal(o.cloudCalls, 3);
    assert.ok(Math.abs(o.costUsd - 0.009) < 1e-9, String(o.costUsd));
    assert.ok(o.msPerTask > 0);
    assert.ok(run.result.overheadMsPerTask >= 0);
  });

  it('measures per tier and per skill', () => {
    const [t1, t2] = run.result.perTier;
    assert.equal(t1.attempts, 5);
    assert.deepEqual(t1.accepted, { n: 2, of: 5 });
    assert.deepEqual(t1.falseAccepts, { n: 1, of: 2 });
    assert.deepEqual(t1.falseEscalations, { n: 1, of: 3 });
    assert.deepEqual(t1.passed, { n: 2, of: 5 });
    assert.deepEqual(t1.wellFormed, { n: 4, of: 5 });
    assert.equal(t1.cloudCalls, 0);
    assert.equal(t2.attempts, 3);
    assert.deepEqual(t2.accepted, { n: 3, of: 3 });
    assert.deepEqual(t2.falseAccepts, { n: 1, of: 3 });
    assert.equal(t2.syntaxErrors, 1);
    assert.equal(t2.cloudCalls, 3);
    const [fix, refactor] = run.result.perSkill;
    assert.equal(fix.key, 'fix');
    assert.deepEqual([fix.tasks, fix.passed, fix.localAccepted, fix.falseAccepts], [4, { n: 3, of: 4 }, { n: 2, of: 4 }, { n: 1, of: 4 }]);
    assert.equal(refactor.key, 'refactor');
    assert.deepEqual([refactor.tasks, refactor.passed, refactor.falseAccepts], [1, { n: 0, of: 1 }, { n: 1, of: 1 }]);
  });

  it('compares with a cloud-only baseline (each task straight to the last tier) and a local-only one (the first answer as is)', () => {
    const { cloudOnly, localOnly } = run.result.baselines!;
    assert.deepEqual({ ...cloudOnly!, msPerTask: 0, costUsd: Math.round(cloudOnly!.costUsd * 1e6) }, { model: CLOUD, tasks: 5, passed: 5, cloudCalls: 5, costUsd: 15_000, msPerTask: 0 });
    assert.deepEqual([localOnly!.model, localOnly!.tasks, localOnly!.passed, localOnly!.cloudCalls, localOnly!.costUsd], [LOCAL, 5, 2, 0, 0]);
    // The baseline's requests name no prior attempt: the task as the first tier saw it.
    const baselineCall = run.set.cloud.calls[0];
    assert.doesNotMatch(baselineCall.messages[1].content, /Prior attempt feedback/);
  });

  it('without baselines, makes no cloud call beyond the cascade', async () => {
    const set = await crafted();
    set.cloud.calls.length = 0;
    // The cascade's own cloud answers are the 4th, 6th and 8th queued: drop the baselines' and the recovery's.
    const scripts = (set.cloud as unknown as { queues: Map<string, unknown[]> }).queues.get(CLOUD)!;
    scripts.splice(0, scripts.length, scripts[3], scripts[5], scripts[7]);
    const result = await runEval(set.tasks, { tiers: tiersOf(LOCAL, CLOUD), backends: { 'llama-swap': set.local, anthropic: set.cloud }, maxTokens: 1024, skills: [...BUILT_IN_SKILLS] });
    assert.equal(set.cloud.calls.length, 3);
    assert.equal(result.baselines?.cloudOnly, undefined);
    assert.equal(result.baselines?.localOnly?.passed, 2);
    assert.equal(result.recovery, undefined);
  });

  it("continues a false accept's run past its tier with the test's output (its continuation), and counts what that recovers", () => {
    const b = run.result.tasks[1];
    assert.deepEqual(b.recovery, { fromTier: 1, accepted: { tierIndex: 1, model: CLOUD }, passed: true, costUsd: b.recovery!.costUsd, cloudCalls: 1, ms: b.recovery!.ms });
    assert.equal(run.result.tasks[4].recovery, undefined, 'a false accept on the last tier has nothing to continue to');
    assert.deepEqual({ ...run.result.recovery!, costUsd: Math.round(run.result.recovery!.costUsd * 1e6) }, { tried: 1, recovered: 1, cloudCalls: 1, costUsd: 3000 });
    const told = run.set.cloud.calls[1].messages[1].content;
    assert.match(told, /User feedback: the task's test failed on this answer; its output ends:[\s\S]*AssertionError/);
    assert.match(told, /REJECTED ANSWER[\s\S]*return year % 4 === 0;/);
  });

  it('replays the recorded answers through a verifier alone (verifier-only) and measures its verdicts against the recorded tests', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'hg-eval-'));
    try {
      const written = await writeEvalReports(run.result, dir);
      const judgeServer = new ScriptedBackend('llama-swap');
      // Recorded tested answers in order: A1 pass, B1 fail, C1 pass, C2 pass, D1 fail, D2 pass, E2 fail.
      judgeServer.on('judge:qwen-32b', accept(), escalate('wrong'), accept(), accept(), accept(), accept(), escalate('does not parse'));
      const replay = await runEval(run.set.tasks, {
        tiers: tiersOf(LOCAL, CLOUD), backends: { 'llama-swap': judgeServer }, verifierModel: 'qwen-32b', verifierOnly: written.json,
        maxTokens: 1024, skills: [...BUILT_IN_SKILLS],
      });
      assert.equal(replay.mode, 'verifier-only');
      assert.equal(judgeServer.calls.length, 7);
      assert.ok(judgeServer.calls.every((c) => c.jsonSchema));
      assert.deepEqual(replay.verifier!.judge, { tp: 4, fp: 1, fn: 0, tn: 2, precision: 0.8, recall: 1 });
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('stops at a cancel: the task in flight ends cancelled and no later task starts', async () => {
    const set = await crafted();
    const hanging = new ScriptedBackend('llama-swap').on(LOCAL, { hang: true });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const result = await runEval(set.tasks, { tiers: tiersOf(LOCAL, CLOUD), backends: { 'llama-swap': hanging, anthropic: set.cloud }, maxTokens: 1024, skills: [...BUILT_IN_SKILLS], signal: controller.signal });
    assert.deepEqual(result.tasks.map((t) => t.status), ['cancelled']);
    assert.equal(hanging.calls.length, 1);
  });

  it('says which task names an unknown skill before any request', async () => {
    const set = await crafted();
    await assert.rejects(runEval([{ ...set.tasks[0], skill: 'nope' }], { tiers: tiersOf(LOCAL), backends: { 'llama-swap': set.local }, maxTokens: 1, skills: [...BUILT_IN_SKILLS] }),
      /js-fix-sum-to: the skill "nope" is not known \(known: refactor, fix/);
    assert.equal(set.local.calls.length, 0);
  });
});

describe('eval with the code checks a run asks (diagnostics, as the command line hands them in)', function () {
  this.timeout(60_000);
  it('a failed check decides; the judge, asked after it only to know, is measured on its own verdict; the report counts what the checks caught', async () => {
    const [a, b] = await loadTasks(['js-fix-leap-year', 'js-fix-sum-to'].map((id) => path.join(TASKS, id)));
    const local = new ScriptedBackend('llama-swap');
    const cloud = new ScriptedBackend('anthropic');
    // A: the local answer is wrong, the check rejects it, the judge would have accepted it; the cloud is right.
    // B: the local answer is right and passes the check; the judge accepts it.
    local.on(LOCAL, { answer: fence(WRONG[a.id], 'js') }, { answer: fence(await right(b), 'js') });
    local.on(`judge:${LOCAL}`, accept('looks fine'), accept());
    cloud.on(CLOUD, { answer: fence(await right(a), 'js'), ...CLOUD_TOKENS });
    const targets: string[] = [];
    let disposed = 0;
    const result = await runEval([a, b], {
      tiers: tiersOf(LOCAL, CLOUD), backends: { 'llama-swap': local, anthropic: cloud }, maxTokens: 256, skills: [...BUILT_IN_SKILLS],
      checks: (target) => {
        targets.push(`${path.relative(TASKS, target.path ?? '')} ${target.text.slice(target.start, target.end).split('\n')[0]}`);
        return {
          codeChecks: [{ kind: 'diagnostics', name: 'javascript', timeoutMs: 1_000, run: async (p) => (p.includes('% 4 === 0;') ? { status: 'failed', feedback: 'century years are not leap years', newErrors: 1 } : { status: 'passed', newErrors: 0 }) }],
          dispose: () => void disposed++,
        };
      },
    });
    assert.deepEqual(targets.map((t) => t.split(' ')[0]), [path.join('js-fix-leap-year', a.file), path.join('js-fix-sum-to', b.file)], "each task's own file");
    assert.equal(disposed, 2, "each task's checks freed");
    const [ta, tb] = result.tasks;
    assert.equal(ta.attempts[0].attempt.verdict, 'escalate');
    assert.equal(ta.attempts[0].attempt.judgeWouldHave, 'accept');
    assert.equal(ta.attempts[0].test?.passed, false);
    assert.equal(ta.accepted?.model, CLOUD);
    assert.equal(decidedBy(ta.attempts[0]), 'check (judge would have: accept)');
    assert.equal(tb.accepted?.model, LOCAL);
    assert.deepEqual(checksCaught(result), { rejected: 1, judgeWouldAccept: 1, testFails: 1 });
    // The judge accepted both answers; one test passes: precision 1/2 on its own verdicts (not the check's escalate).
    assert.equal(result.overall.judge.precision, 0.5);
    assert.match(evalMarkdown(result), /Rejected by code checks; of those the judge would have accepted; of those the test fails \| 1; 1; 1/);
  });
});

describe('eval reports', function () {
  this.timeout(60_000);

  it('escape every task and model text: a task named <script> and a feedback with markup stay text in the HTML and the Markdown', async () => {
    const set = await crafted();
    const evil = '<script>alert(1)</script>';
    const task = { ...set.tasks[0], id: evil };
    const local = new ScriptedBackend('llama-swap').on(LOCAL, { answer: fence(await right(set.tasks[0]), 'js') });
    local.on(`judge:${LOCAL}`, escalate('<img src=x onerror=alert(2)> | pipe `tick`'));
    const result = await runEval([task], { tiers: tiersOf(LOCAL), backends: { 'llama-swap': local }, maxTokens: 1024, skills: [...BUILT_IN_SKILLS] });
    const html = evalHtml(result, 'n0nce');
    assert.ok(!/<script/i.test(html), 'no script element');
    assert.ok(!html.includes('<img'), 'no img element');
    assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-n0nce';">/);
    const tags = (html.match(/<[^>]*>/g) ?? []).join(' ').replace(/http-equiv/g, '');
    assert.ok(!/\s(src|href)=|url\(|https?:\/\//i.test(tags), 'no external asset');
    assert.ok(html.includes('<svg'), 'inline SVG charts');
    const md = evalMarkdown(result);
    assert.ok(!md.includes('<script') && !md.includes('<img'), 'no markup in the Markdown');
    assert.ok(md.includes('&lt;script&gt;'));
    assert.ok(md.includes('\\| pipe \\`tick\\`'), 'a pipe does not break the table');
  });

  it('writes the Markdown, the HTML page and the JSON of every attempt', async () => {
    const { result } = await runCrafted();
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'hg-eval-'));
    try {
      const written = await writeEvalReports(result, dir);
      const json = JSON.parse(await fs.readFile(written.json, 'utf8')) as EvalResult;
      assert.equal(json.tasks.length, 5);
      assert.equal(json.tasks.flatMap((t) => t.attempts).length, 8);
      assert.ok(json.tasks.every((t) => t.attempts.every((a) => !('detail' in a.attempt))));
      const md = await fs.readFile(written.markdown, 'utf8');
      assert.match(md, /\| False accepts \(accepted, test fails\) \| 40 % \(2\/5\) \|/);
      assert.match(md, /### js-refactor-format-user[\s\S]*SyntaxError/);
      const html = await fs.readFile(written.html, 'utf8');
      assert.match(html, /Per tier[\s\S]*Per skill[\s\S]*Cost against the baselines/);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
