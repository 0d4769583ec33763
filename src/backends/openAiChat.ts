// `POST /v1/chat/completions`, streamed, as llama-server, llama-swap, LM Studio and OpenAI-compatible clouds
// all serve it: the request body, a brief 429 wait, and the SSE answer read by ChatStreamReader.
import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import type { ChatRequest, ChatResult } from '../core/types';
import { retryAfterMs } from './httpErrors';
import { MAX_ERROR_BODY, type Exchange, type Guard, type HttpClient } from './http';
import { ChatStreamReader } from './sse';

const RETRY_429_MAX_MS = 5_000;

export interface OpenAiChatLimits {
  /** Wait for response headers and the first body byte (a cold load can take minutes). */
  firstByteMs: number;
  idleMs: number;
  maxAnswerBytes: number;
}

/** The request body; `response_format` only for a judge that asks for JSON. */
export function chatBody(req: ChatRequest): string {
  return JSON.stringify({
    model: req.model,
    messages: req.messages,
    stream: true,
    max_tokens: req.maxTokens,
    ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
    stream_options: { include_usage: true },
    ...(req.jsonSchema
      ? { response_format: { type: 'json_schema', json_schema: { name: req.jsonSchema.name, schema: req.jsonSchema.schema, strict: true } } }
      : {}),
  });
}

/** Streams one answer; a 429 with a short Retry-After is waited out once. */
export async function openAiChat(http: HttpClient, req: ChatRequest, limits: OpenAiChatLimits, path = 'v1/chat/completions'): Promise<ChatResult> {
  const exchange: Exchange = {
    method: 'POST', path, subject: req.model, model: req.model, body: chatBody(req), accept: 'text/event-stream',
    signal: req.signal, firstByteMs: Math.min(req.firstByteTimeoutMs ?? Infinity, limits.firstByteMs), idleMs: limits.idleMs,
  };
  for (let attempt = 1; ; attempt++) {
    const startedAt = performance.now();
    const outcome = await http.run(exchange, async (res, guard) => {
      if (res.statusCode < 200 || res.statusCode > 299) return { status: res.statusCode, headers: res.headers, text: await http.readText(res, guard, exchange, MAX_ERROR_BODY, 'truncate') };
      return readChat(http, res, guard, exchange, req, startedAt, limits.maxAnswerBytes);
    });
    if ('finishReason' in outcome) return outcome;
    // llama-swap answers 429 when too many requests queue for one model; wait once if it asks briefly.
    const wait = outcome.status === 429 && attempt === 1 ? retryAfterMs(outcome.headers['retry-after']) : undefined;
    if (wait === undefined || wait > RETRY_429_MAX_MS) throw http.errors.status(req.model, outcome.status, outcome.text);
    await http.pause(wait, req.signal, req.model);
  }
}

async function readChat(
  http: HttpClient, res: Dispatcher.ResponseData, guard: Guard, x: Exchange, req: ChatRequest, startedAt: number, maxAnswerBytes: number,
): Promise<ChatResult> {
  const stream = new ChatStreamReader({
    now: () => performance.now(), startedAt, maxAnswerBytes, onText: req.onText, onLoading: req.onLoading, onThinking: req.onThinking,
  });
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    stream.feed(decoder.decode(chunk, { stream: true }));
    if (stream.problem || stream.done) break;
    // While llama-swap narrates a cold load, the first-byte bound keeps running: narration is not an answer.
    if (!stream.loading) guard.arm(x.idleMs, () => http.errors.idleTimeout(x.subject, x.idleMs));
  }
  if (!stream.done && !stream.problem) {
    stream.feed(decoder.decode());
    stream.end();
  }
  const problem = stream.problem;
  if (!problem) return stream.result();
  if (problem.kind === 'too-large') throw http.errors.tooLarge(x.subject, maxAnswerBytes);
  throw http.errors.streamProblem(x.subject, problem.kind, problem.reason, problem.status, problem.detail);
}
