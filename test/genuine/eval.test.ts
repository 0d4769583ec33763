// The eval against a genuine llama-swap (issue 25): one task of our set through [tiny-a, cloud-fake] with the
// extension's own clients, every answer tested, the reports written. The tiny model's answers are noise (the
// servers' grammar and biases make them parseable and the judge escalate); only protocol facts are asserted.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadTasks } from '../../src/core/eval/tasks';
import { runEval } from '../../src/core/eval/evalRun';
import { writeEvalReports } from '../../src/core/eval/evalReport';
import type { EvalResult } from '../../src/core/eval/evalTypes';
import { BUILT_IN_SKILLS } from '../../src/core/engine/skills';
import type { ModelServer } from '../../src/core/types';
import { FakeAnthropic } from '../fakes/fakeAnthropic';
import { chainOn } from './chain.test';

const TASK = path.resolve(__dirname, '../../../eval/tasks/js-fix-sum-to');
const CLAUDE = 'claude-sonnet-4-6';
const KEY = 'sk-ant-genuine-suite';
const RIGHT = '```js\nfunction sumTo(n) {\n  let total = 0;\n  for (let i = 1; i <= n; i++) total += i;\n  return total;\n}\n```';

describe('genuine servers: eval of one task on [tiny-a, cloud-fake] through llama-swap', function () {
  this.timeout(120_000);
  let cloud: FakeAnthropic;
  before(async () => {
    cloud = await FakeAnthropic.start({ apiKey: KEY, knownModels: [CLAUDE], defaultReply: { kind: 'message', pieces: [RIGHT] } });
  });
  after(() => cloud.close());

  it('runs the task, judges and tests the local answer, escalates to the cloud, tests its answer, and writes the reports', async () => {
    const { tiers, backends } = chainOn('swap', ['tiny-a'], cloud.url);
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'hg-genuine-eval-'));
    try {
      const tasks = await loadTasks([TASK]);
      const result = await runEval(tasks, { tiers, backends, maxTokens: 256, skills: [...BUILT_IN_SKILLS], baselines: true, signal: AbortSignal.timeout(100_000) });
      const [t] = result.tasks;
      assert.equal(t.status, 'accepted', t.message);
      const [local, remote] = t.attempts;
      assert.deepEqual([local.attempt.model, local.attempt.verdict, local.judged], ['tiny-a', 'escalate', true]);
      assert.ok(local.code !== undefined && local.test, 'the grammar-bound local answer was well formed and tested');
      assert.ok((local.attempt.inputTokens ?? 0) > 0 && (local.attempt.outputTokens ?? 0) > 0, 'token counts from the server');
      assert.deepEqual([remote.attempt.model, remote.attempt.verdict, remote.test?.passed], [CLAUDE, 'accept', true]);
      assert.equal(result.overall.cloudCalls, 1);
      assert.equal(result.baselines?.cloudOnly?.cloudCalls, 1);
      assert.equal(result.baselines?.localOnly?.model, 'tiny-a');
      const written = await writeEvalReports(result, dir);
      const json = JSON.parse(await fs.readFile(written.json, 'utf8')) as EvalResult;
      assert.equal(json.tasks[0].attempts.length, 2);
    } finally {
      await Promise.all(Object.values(backends).map((b) => (b as Partial<ModelServer>).close?.() ?? Promise.resolve()));
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
