// Scripted llama-server answers with exactly known timing, for the fake llama-swap's `raw` reply.
// The first write carries the role chunk together with the first content piece, so the fake's
// `firstChunkAt` stamp is the moment the first visible token left the server; the last write carries
// the last piece, the finish chunk, usage and [DONE], so `lastChunkAt` is the end of the answer.
import { setTimeout as delay } from 'node:timers/promises';
import type { ChatReply, RecordedRequest } from '../test/fakes/fakeLlamaSwap';

export interface StreamShape {
  /** Server think time before the first byte. */
  firstByteMs: number;
  /** Number of writes (content pieces). */
  chunks: number;
  /** Pause between two writes. */
  gapMs: number;
}

/** Generation: 50 ms to the first byte, then 100 chunks 1 ms apart (the example). */
export const GENERATION: StreamShape = { firstByteMs: 50, chunks: 100, gapMs: 1 };
/** The judge's short JSON verdict: 50 ms to the first byte, 10 chunks 1 ms apart. */
export const JUDGE: StreamShape = { firstByteMs: 50, chunks: 10, gapMs: 1 };

/** Splits text into exactly `n` non-empty pieces (text must be at least n characters long). */
export function split(text: string, n: number): string[] {
  if (text.length < n) text = text.padEnd(n, ' ');
  const size = text.length / n;
  return Array.from({ length: n }, (_, i) => text.slice(Math.round(i * size), Math.round((i + 1) * size)));
}

function sse(model: string, seq: number, choices: unknown[], extra: object = {}): string {
  const base = { created: 1_795_466_277, id: `chatcmpl-bench${seq}`, model, system_fingerprint: 'b10587-3f545bec', object: 'chat.completion.chunk' };
  return `data: ${JSON.stringify({ choices, ...base, ...extra })}\n\n`;
}

/** llama-server's stream of `text` in `shape.chunks` writes; the caller waits `shape.firstByteMs` first. */
export function rawStream(req: RecordedRequest, text: string, shape: StreamShape): ChatReply {
  const model = req.model ?? 'model';
  const pieces = split(text, shape.chunks);
  const chunks = pieces.map((piece) => sse(model, req.seq, [{ finish_reason: null, index: 0, delta: { content: piece } }]));
  chunks[0] = sse(model, req.seq, [{ finish_reason: null, index: 0, delta: { role: 'assistant', content: null } }]) + chunks[0];
  const usage = { completion_tokens: pieces.length, prompt_tokens: Math.ceil(req.rawBody.length / 4), total_tokens: pieces.length + Math.ceil(req.rawBody.length / 4) };
  chunks[chunks.length - 1] += sse(model, req.seq, [{ finish_reason: 'stop', index: 0, delta: {} }]) + sse(model, req.seq, [], { usage }) + 'data: [DONE]\n\n';
  return { kind: 'raw', chunks, chunkDelayMs: shape.gapMs, then: 'end' };
}

/** Waits the shape's first-byte time (inside the fake's request window), then answers with the stream. */
export async function streamAfterDelay(req: RecordedRequest, text: string, shape: StreamShape): Promise<ChatReply> {
  if (shape.firstByteMs > 0) await delay(shape.firstByteMs);
  return rawStream(req, text, shape);
}

export const isJudge = (req: RecordedRequest): boolean =>
  typeof req.body === 'object' && req.body !== null && 'response_format' in req.body;

export const isChat = (req: RecordedRequest): boolean => req.method === 'POST' && req.path === '/v1/chat/completions';

/** A generation answer: one fenced block of about 600 characters that carries `token`. */
export function codeAnswer(token: string, model: string): string {
  const lines = Array.from({ length: 12 }, (_, i) => `  const v${i} = compute(${i}, '${token}'); // by ${model}`);
  return `Here is the change:\n\`\`\`typescript\nfunction run() {\n${lines.join('\n')}\n}\n\`\`\`\n`;
}

export function verdict(kind: 'accept' | 'escalate', feedback: string): string {
  return JSON.stringify({ verdict: kind, feedback });
}

/** Server-side duration of a request as the fake recorded it: received (body read) → last byte written. */
export function serverMs(req: RecordedRequest): number {
  if (req.lastChunkAt === undefined) throw new Error(`request ${req.seq} ${req.path} wrote nothing`);
  return req.lastChunkAt - req.receivedAt;
}
