// The cascade as a language model in the real host (run by bench/cascade.ts as a HOST_SUITE, VS Code 1.117): what
// VS Code's language-model plumbing adds to a request, and what returning only an accepted answer costs a caller
// in time to first text, against the same chain run in-process in the same host, interleaved.
import * as fs from 'fs';
import * as vscode from 'vscode';
import { FakeLlamaSwap, type ChatReply } from '../../test/fakes/fakeLlamaSwap';
import { isJudge, verdictReply } from '../../test/integration/support/host';
import { LlamaSwapClient } from '../../src/backends/llamaSwap';
import { chatJob } from '../../src/core/engine/conversation';
import { runChain } from '../../src/core/engine/orchestrator';
import { parseChain } from '../../src/core/engine/chain';
import { sleep, summarize } from '../stats';

/** About 300 tokens of prose, four characters a piece, every 2 ms: a quick local model. */
function answer(): ChatReply {
  const text = Array.from({ length: 60 }, (_, i) => `Sentence ${i} explains flat. `).join('');
  return { kind: 'text', pieces: text.match(/[\s\S]{1,4}/g)!.slice(0, 300), chunkDelayMs: 2, finish: 'stop' };
}

export async function run(): Promise<void> {
  let failures = 0;
  const fake = await FakeLlamaSwap.start({ models: [{ id: 'qwen-7b' }], loaded: 'qwen-7b', responder: (r) => (isJudge(r) ? verdictReply('accept', 'it answers') : answer()) });
  const config = vscode.workspace.getConfiguration('hyperguild');
  const client = new LlamaSwapClient({ baseUrl: fake.url, firstByteTimeoutMs: 30_000, idleTimeoutMs: 30_000 });
  const result = { lmFirst: [] as number[], lmDone: [] as number[], directFirstToken: [] as number[], directDone: [] as number[] };
  try {
    await vscode.extensions.getExtension('hyperguild.hyperguild')!.activate();
    await config.update('llamaSwapUrl', fake.url, vscode.ConfigurationTarget.Workspace);
    await config.update('chain', ['qwen-7b'], vscode.ConfigurationTarget.Workspace);
    let [model] = await vscode.lm.selectChatModels({ vendor: 'hyperguild' });
    for (let i = 0; i < 50 && model?.name !== 'Hyperguild · qwen-7b'; i++, await sleep(50)) [model] = await vscode.lm.selectChatModels({ vendor: 'hyperguild' });
    const chain = parseChain(['qwen-7b']);
    if (!chain.ok) throw new Error(chain.message);
    const question = 'What does Array.prototype.flat do?';
    for (let i = 0; i < 22; i++) {
      await sleep(100);
      const lmStart = performance.now();
      let first: number | undefined;
      const response = await model.sendRequest([vscode.LanguageModelChatMessage.User(question)]);
      for await (const piece of response.text) if (piece && first === undefined) first = performance.now();
      const lmDone = performance.now() - lmStart;

      await sleep(100);
      const t0 = performance.now();
      let token: number | undefined;
      const direct = await runChain({
        tiers: chain.tiers, job: chatJob([{ role: 'user', content: question }]), backends: { 'llama-swap': client }, maxTokens: 4096,
        onEvent: (e) => { if (e.type === 'text' && token === undefined) token = performance.now(); },
      });
      const directDone = performance.now() - t0;
      if (direct.status !== 'accepted' || first === undefined || token === undefined) throw new Error(`run ${i}: ${direct.status}`);
      if (i >= 2) {
        result.lmFirst.push(first - lmStart);
        result.lmDone.push(lmDone);
        result.directFirstToken.push(token - t0);
        result.directDone.push(directDone);
      }
    }
    const summary = {
      lmFirst: summarize(result.lmFirst), lmDone: summarize(result.lmDone),
      directFirstToken: summarize(result.directFirstToken), directDone: summarize(result.directDone), vscode: vscode.version,
    };
    const json = JSON.stringify({ raw: result, summary });
    console.log(`CASCADE_BENCH ${json}`);
    if (process.env.HOST_BENCH_OUT) fs.writeFileSync(process.env.HOST_BENCH_OUT, json);
  } catch (err) {
    failures = 1;
    console.log(`cascade benchmark failed: ${err instanceof Error ? err.stack : String(err)}`);
  } finally {
    for (const key of ['llamaSwapUrl', 'chain']) await config.update(key, undefined, vscode.ConfigurationTarget.Workspace);
    await client.close();
    await fake.close();
  }
  console.log(`TESTS_DONE failures=${failures}`);
  if (failures) throw new Error('cascade benchmark failed');
}
