// The self-judge continues the tier's own conversation (contract), so llama-server reuses the generation's
// prompt from its cache; a configured verifier model keeps a request of its own. Real client, fake server
// whose slots reuse a prompt prefix as llama-server's do.
import * as assert from 'node:assert/strict';
import { LlamaSwapClient } from '../../src/backends/llamaSwap';
import { runChain } from '../../src/core/engine/orchestrator';
import type { Task } from '../../src/core/engine/prompts';
import { judgePromptLine } from '../../src/core/engine/report';
import { BUILT_IN_SKILLS } from '../../src/core/engine/skills';
import { FakeLlamaSwap, type RecordedRequest } from '../fakes/fakeLlamaSwap';
import { fence, tiersOf as tiers } from '../support/scriptedBackend';

const refactor = BUILT_IN_SKILLS.find((s) => s.id === 'refactor')!;
const selection = Array.from({ length: 40 }, (_, i) => `  total = total + values[${i}] * weights[${i}];`).join('\n');
const task: Task = { filePath: 'a.ts', languageId: 'typescript', selection, before: 'function f(values, weights) {\n  let total = 0;', after: '  return total;\n}' };
const ANSWER = fence('total = values.reduce((t, v, i) => t + v * weights[i], total);');
const isJudge = (r: RecordedRequest) => typeof r.body === 'object' && r.body !== null && 'response_format' in r.body;
type Body = { messages: { role: string; content: string }[]; response_format?: { type: string; json_schema: { schema: unknown } } };

describe('the self-judge reuses the server\'s prompt cache', function () {
  this.timeout(8000);
  let fake: FakeLlamaSwap;
  let client: LlamaSwapClient;

  beforeEach(async () => {
    fake = await FakeLlamaSwap.start({
      models: [{ id: 'qwen-7b' }, { id: 'judge-3b' }], loaded: 'qwen-7b',
      responder: (r) => (isJudge(r) ? { kind: 'text', pieces: ['{"verdict":"accept","feedback":"correct"}'], finish: 'stop' } : { kind: 'text', pieces: ANSWER.split(/(?<= )/), finish: 'stop' }),
    });
    client = new LlamaSwapClient({ baseUrl: fake.url });
  });
  afterEach(async () => {
    await client.close();
    await fake.close();
  });

  it('sends the generation\'s messages unchanged, then the answer as generated, then the question, with the same JSON schema', async () => {
    const result = await runChain({ tiers: tiers('qwen-7b'), skill: refactor, task, maxTokens: 256, backends: { 'llama-swap': client, anthropic: client } });
    assert.equal(result.status, 'accepted');
    const [generation, judge] = fake.requests.filter((r) => r.path === '/v1/chat/completions').map((r) => r.body as Body);
    assert.equal(generation.response_format, undefined, 'generation requests carry no response_format');
    assert.deepEqual(judge.messages.slice(0, generation.messages.length), generation.messages);
    assert.deepEqual(judge.messages[generation.messages.length], { role: 'assistant', content: ANSWER });
    assert.equal(judge.messages.length, generation.messages.length + 2);
    assert.equal(judge.messages.at(-1)?.role, 'user');
    assert.match(judge.messages.at(-1)!.content, /"verdict": "accept" \| "escalate"/);
    assert.equal(judge.response_format?.type, 'json_schema');
  });

  it('records how much of the judge\'s prompt came from the cache: most of it, where a judge of its own reads it all again', async () => {
    const own = await runChain({ tiers: tiers('qwen-7b'), skill: refactor, task, maxTokens: 256, backends: { 'llama-swap': client, anthropic: client } });
    const shared = own.attempts[0].judgePrompt!;
    assert.ok(shared, 'the attempt carries the judge\'s cache figures');
    assert.ok(shared.cached > 0, judgePromptLine(shared));

    const separate = await runChain({ tiers: tiers('qwen-7b'), skill: refactor, task, maxTokens: 256, verifierModel: 'judge-3b', backends: { 'llama-swap': client, anthropic: client } });
    const other = separate.attempts[0].judgePrompt!;
    assert.equal(other.cached, 0, 'a configured verifier model has no slot to reuse');
    // What the self-judge evaluates afresh is only its question: a fraction of a judge prompt of its own.
    assert.ok(shared.evaluated * 4 < other.evaluated, `self-judge ${shared.evaluated} vs own prompt ${other.evaluated} tokens evaluated`);
    const judgeBody = fake.requests.filter(isJudge).at(-1)!.body as Body;
    assert.equal(judgeBody.messages[0].role, 'system');
    assert.doesNotMatch(judgeBody.messages[0].content, new RegExp(refactor.prompt.slice(0, 20)), 'a request of its own, with the judge\'s own system prompt');
  });

  it('the log line names the figures', () => {
    assert.equal(judgePromptLine({ evaluated: 44, cached: 895 }), 'judge prompt: 44 tokens evaluated, 895 from the server\'s cache (95 %)');
  });
});
