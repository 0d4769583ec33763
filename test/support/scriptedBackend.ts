import { BackendError, type BackendId, type ChatBackend, type ChatRequest, type ChatResult } from '../../src/core/types';
import { parseChain, type Tier } from '../../src/core/engine/chain';

/** The tiers of a chain setting; a test's chain is valid or the test is wrong. */
export function tiersOf(...entries: unknown[]): Tier[] {
  const r = parseChain(entries);
  if (!r.ok) throw new Error(r.message);
  return r.tiers;
}

/** What one scripted call does: answer (streamed in pieces), fail, or hang until cancelled. */
export type Script =
  | { answer: string; finishReason?: ChatResult['finishReason']; inputTokens?: number; outputTokens?: number; loadMs?: number; delayMs?: number }
  | { error: BackendError }
  | { hang: true };

/**
 * An in-memory ChatBackend for the orchestrator's logic. The HTTP protocols are covered by the
 * fake servers in test/fakes; this one makes chain walking precise and fast to test.
 */
export class ScriptedBackend implements ChatBackend {
  readonly calls: ChatRequest[] = [];
  private readonly queues = new Map<string, Script[]>();

  constructor(readonly id: BackendId) {}

  /** Queues scripts for a model; judge calls (with jsonSchema) are queued under `judge:<model>`. */
  on(model: string, ...scripts: Script[]): this {
    this.queues.set(model, [...(this.queues.get(model) ?? []), ...scripts]);
    return this;
  }

  async chat(request: ChatRequest): Promise<ChatResult> {
    this.calls.push(request);
    const key = request.jsonSchema ? `judge:${request.model}` : request.model;
    const script = this.queues.get(key)?.shift();
    if (!script) throw new Error(`no script for ${key}`);
    if ('error' in script) throw script.error;
    await new Promise<void>((resolve, reject) => {
      const abort = () => reject(new BackendError('cancelled', 'cancelled'));
      if (request.signal.aborted) return abort();
      request.signal.addEventListener('abort', abort, { once: true });
      if ('hang' in script) return;
      setTimeout(() => { request.signal.removeEventListener('abort', abort); resolve(); }, script.delayMs ?? 0);
    });
    if ('hang' in script) throw new Error('unreachable');
    for (const piece of script.answer.match(/[\s\S]{1,8}/g) ?? []) request.onText?.(piece);
    return {
      text: script.answer,
      finishReason: script.finishReason ?? 'stop',
      inputTokens: script.inputTokens,
      outputTokens: script.outputTokens,
      ...(script.loadMs !== undefined && { loadMs: script.loadMs }),
    };
  }
}

export const fence = (code: string, lang = 'ts') => `Here you go:\n\`\`\`${lang}\n${code}\n\`\`\`\n`;
export const accept = (feedback = 'correct') => ({ answer: JSON.stringify({ verdict: 'accept', feedback }) });
export const escalate = (feedback: string) => ({ answer: JSON.stringify({ verdict: 'escalate', feedback }) });
