// Item 13: the eval's own overhead per task, beyond the servers' and the tests' time. The JavaScript tasks of
// eval/tasks run through one local tier judged by its own model, against an in-process server with fixed timing
// (each request's time is recorded), each right answer tested as the eval does (a temporary copy, the command).
// The tests' time is the command's and its temporary copy's (made and removed), shown apart. Baseline, same process,
// interleaved by round: a bare loop making the same two requests and the same test run, no engine and no eval.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadTasks } from '../src/core/eval/tasks';
import { runEval } from '../src/core/eval/evalRun';
import { applyProposal, runTaskTest } from '../src/core/eval/taskTest';
import { promptTask } from '../src/core/eval/taskPrompt';
import type { EvalTask } from '../src/core/eval/evalTypes';
import { lineCount } from '../src/core/eval/taskFiles';
import { parseChain } from '../src/core/engine/chain';
import { buildGenerationMessages, fitToSelection } from '../src/core/engine/prompts';
import { BUILT_IN_SKILLS } from '../src/core/engine/skills';
import type { ChatBackend, ChatRequest, ChatResult } from '../src/core/types';
import { summarize, sleep, type Summary } from './stats';

const ROOT = path.resolve(__dirname, '../..');
export const GENERATION_MS = 20;
export const JUDGE_MS = 10;

export interface EvalBenchResult {
  tasks: number;
  rounds: number;
  /** Per task: wall time less the servers' time and the test's (its command, and its temporary copy made and removed). */
  ours: Summary;
  bare: Summary;
  /** Paired per task (same task, same round): ours minus bare. */
  difference: Summary;
  /** Making and removing a test's temporary copy (counted with the tests' time, shown apart). */
  setup: Summary;
}

/** A server whose answers take a fixed time: the right answer for the task named in the prompt, and accept. */
class TimedServer implements ChatBackend {
  readonly id = 'llama-swap' as const;
  busyMs = 0;
  constructor(private readonly answers: Map<string, string>) {}

  async chat(request: ChatRequest): Promise<ChatResult> {
    const t0 = performance.now();
    try {
      const judge = request.jsonSchema !== undefined;
      await sleep(judge ? JUDGE_MS : GENERATION_MS);
      const file = /File: (\S+)/.exec(request.messages.map((m) => m.content).join('\n'))?.[1] ?? '';
      const text = judge ? JSON.stringify({ verdict: 'accept', feedback: 'right' }) : `\`\`\`js\n${this.answers.get(file) ?? ''}\n\`\`\`\n`;
      for (const piece of text.match(/[\s\S]{1,16}/g) ?? []) request.onText?.(piece);
      return { text, finishReason: 'stop', inputTokens: 500, outputTokens: 60 };
    } finally {
      this.busyMs += performance.now() - t0;
    }
  }
}

function rightAnswer(task: EvalTask): string {
  const ref = fs.readFileSync(path.join(task.dir!, task.reference!), 'utf8');
  const end = task.range.end + lineCount(ref) - lineCount(task.text);
  return ref.split('\n').slice(task.range.start - 1, end).join('\n');
}

async function oursRound(tasks: EvalTask[], server: TimedServer, setup: number[]): Promise<number[]> {
  const tiers = parseChain(['qwen-7b']);
  if (!tiers.ok) throw new Error(tiers.message);
  const marks: number[] = [];
  const busy: number[] = [];
  const start = performance.now();
  const result = await runEval(tasks, {
    tiers: tiers.tiers, backends: { 'llama-swap': server }, maxTokens: 512, skills: [...BUILT_IN_SKILLS],
    onEvent: () => { marks.push(performance.now()); busy.push(server.busyMs); },
  });
  return result.tasks.map((t, i) => {
    const wall = marks[i] - (i ? marks[i - 1] : start);
    const serverMs = busy[i] - (i ? busy[i - 1] : 0);
    const testMs = t.attempts.reduce((s, a) => s + (a.test ? a.test.ms + (a.test.setupMs ?? 0) : 0), 0);
    setup.push(...t.attempts.map((a) => a.test?.setupMs ?? 0));
    if (!t.passed) throw new Error(`${t.id}: the right answer failed its test in the benchmark`);
    return wall - serverMs - testMs;
  });
}

async function bareRound(tasks: EvalTask[], server: TimedServer): Promise<number[]> {
  const skill = BUILT_IN_SKILLS.find((s) => s.id === 'fix')!;
  const out: number[] = [];
  for (const task of tasks) {
    const t0 = performance.now();
    const busy0 = server.busyMs;
    const signal = new AbortController().signal;
    const prompt = promptTask(task);
    const answer = await server.chat({ model: 'qwen-7b', messages: buildGenerationMessages(skill, prompt, []), maxTokens: 512, signal });
    await server.chat({ model: 'qwen-7b', messages: [{ role: 'user', content: answer.text }], maxTokens: 512, signal, jsonSchema: { name: 'verdict', schema: {} } });
    const code = /```js\n([\s\S]*)\n```/.exec(answer.text)![1];
    const test = await runTaskTest(task, applyProposal(task, fitToSelection(code, prompt.selection)));
    out.push(performance.now() - t0 - (server.busyMs - busy0) - test.ms - (test.setupMs ?? 0));
  }
  return out;
}

export async function evalBench(options: { rounds: number; tasks: number; log: (line: string) => void }): Promise<EvalBenchResult> {
  const all = await loadTasks([path.join(ROOT, 'eval/tasks')]);
  const tasks = all.filter((t) => t.languageId === 'javascript').slice(0, options.tasks);
  const answers = new Map(tasks.map((t) => [t.file, rightAnswer(t)]));
  const ours: number[] = [];
  const bare: number[] = [];
  const difference: number[] = [];
  const setup: number[] = [];
  for (let round = 0; round < options.rounds; round++) {
    const o = await oursRound(tasks, new TimedServer(answers), setup);
    const b = await bareRound(tasks, new TimedServer(answers));
    ours.push(...o);
    bare.push(...b);
    difference.push(...o.map((x, i) => x - b[i]));
    options.log(`eval round ${round + 1}/${options.rounds}: ours ${summarize(o).median.toFixed(1)} ms, bare ${summarize(b).median.toFixed(1)} ms per task`);
  }
  return { tasks: tasks.length, rounds: options.rounds, ours: summarize(ours), bare: summarize(bare), difference: summarize(difference), setup: summarize(setup) };
}
