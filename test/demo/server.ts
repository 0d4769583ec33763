// The demo behind `npm start` when no local server answers: the test fakes of llama-swap and of the Anthropic
// Messages API (faithful to the real protocols), with scripted answers that tell the whole story on the sample
// workspace: a cold load with progress, a local answer escalated with the judge's feedback, a second local tier
// accepted; and, on any other function, a run that reaches the cloud tier. A contributor's and evaluator's tool:
// nothing of it ships in the .vsix. Prints one JSON line with both addresses, then a line per request.
import { FakeAnthropic } from '../fakes/fakeAnthropic';
import { FakeLlamaSwap, type ChatReply, type RecordedRequest } from '../fakes/fakeLlamaSwap';

export const DEMO_KEY = 'sk-ant-demo-not-a-real-key';
const SMALL = 'qwen2.5-coder-7b';
const BIG = 'qwen2.5-coder-32b';

export const AVERAGE = [
  'export function average(values: number[]): number {',
  '  if (values.length === 0) return 0;',
  '  const total = values.reduce((sum, v) => sum + v, 0);',
  '  return total / values.length;',
  '}',
].join('\n');
const AVERAGE_SLOPPY = 'export function average(values: number[]): number {\n  return values.reduce((a, b) => a + b) / values.length;\n}';

const isJudge = (r: RecordedRequest) => typeof r.body === 'object' && r.body !== null && 'response_format' in r.body;
const userText = (r: RecordedRequest) => {
  const messages = (r.body as { messages?: { content?: unknown }[] } | undefined)?.messages ?? [];
  return messages.map((m) => String(m.content ?? '')).join('\n');
};
/** The selected code, as the prompt delimits it. */
const selectionOf = (text: string) => /<<<BEGIN SELECTION(?:-\d+)?>>>\n([\s\S]*?)\n<<<END SELECTION/.exec(text)?.[1] ?? '';

/** Streamed like a model writes: a few characters at a time. */
function answer(text: string, chunkDelayMs: number): ChatReply {
  return { kind: 'text', pieces: text.match(/[\s\S]{1,8}/g) ?? [], chunkDelayMs, finish: 'stop' };
}
const fenced = (code: string) => `Here is the change:\n\`\`\`typescript\n${code}\n\`\`\`\n`;
const verdict = (v: 'accept' | 'escalate', feedback: string) => answer(JSON.stringify({ verdict: v, feedback }), 0);

/** A documented copy of any other selection: what the cloud tier answers in the demo. */
function documented(selection: string): string {
  const indent = /^\s*/.exec(selection)?.[0] ?? '';
  return `${indent}// Reviewed by the cloud tier of the Hyperguild demo: behaviour unchanged.\n${selection.replace(/\s+$/, '')}`;
}

function localReply(r: RecordedRequest, speed: number): ChatReply {
  const text = userText(r);
  const averageRun = selectionOf(text).includes('function average');
  if (isJudge(r)) {
    if (averageRun && r.model === SMALL) return verdict('escalate', 'the empty-array case now divides by zero (NaN), and reduce has no initial value');
    if (averageRun) return verdict('accept', 'same behaviour, clearer, typed');
    return verdict('escalate', 'the answer changes nothing a reader would need');
  }
  if (averageRun) return answer(fenced(r.model === SMALL ? AVERAGE_SLOPPY : AVERAGE), 25 / speed);
  return answer(fenced(selectionOf(text) || '// (no selection)'), 25 / speed);
}

export interface Demo {
  local: FakeLlamaSwap;
  cloud: FakeAnthropic;
  close(): Promise<void>;
}

/** Starts both servers; `speed` shortens the load times (tests), `say` gets a line per request. */
export async function startDemo(options: { speed?: number; say?: (line: string) => void } = {}): Promise<Demo> {
  const speed = options.speed ?? 1;
  const say = options.say ?? (() => undefined);
  const local = await FakeLlamaSwap.start({
    models: [{ id: SMALL, loadMs: 3000 / speed, sendLoadingState: true }, { id: BIG, loadMs: 1500 / speed }],
    loadingTickMs: 1000 / speed,
    responder: (r) => {
      if (r.path === '/v1/chat/completions') say(`[demo] ${r.model} ${isJudge(r) ? 'judge' : 'answer'}`);
      return localReply(r, speed);
    },
  });
  const cloud = await FakeAnthropic.start({
    apiKey: DEMO_KEY,
    responder: (r) => {
      say('[demo] cloud answer');
      const messages = (r.body as { messages?: { content?: unknown }[] } | undefined)?.messages ?? [];
      const selection = selectionOf(messages.map((m) => String(m.content ?? '')).join('\n'));
      return { kind: 'message', pieces: fenced(documented(selection)).match(/[\s\S]{1,12}/g) ?? [], delayMs: 20 / speed };
    },
  });
  return { local, cloud, close: async () => void (await Promise.all([local.close(), cloud.close()])) };
}

async function main(): Promise<void> {
  const { local, cloud, close } = await startDemo({ say: (line) => console.log(line) });
  // The first request the extension sends proves it is active (the status bar's poll).
  let seen = false;
  const poll = setInterval(() => {
    if (!seen && local.requests.some((q) => q.path === '/running')) {
      seen = true;
      console.log('[demo] the extension asked /running');
    }
  }, 200);
  console.log(JSON.stringify({ demo: true, llamaSwapUrl: local.url, anthropicBaseUrl: cloud.url, anthropicKey: DEMO_KEY }));
  const stop = async () => {
    clearInterval(poll);
    await close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

if (require.main === module) void main();
