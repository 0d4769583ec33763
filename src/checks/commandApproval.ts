// The user's answer to "run this workspace's check command?", asked once per command text and remembered per
// workspace: a repository's settings file may name any command, so its first run is the user's choice, and a
// changed command (a different text) is a new question. No editor import: the store and the question are passed in.
import type { CheckCommand } from '../core/engine/checkCommands';

/** The part of a `vscode.Memento` (the workspace's state) this needs. */
export interface AnswerStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

/** Asks about the commands (their texts); undefined when the user dismissed the question (asked again next run). */
export type AskToRun = (commands: readonly string[]) => Promise<'run' | 'skip' | undefined>;

const KEY = 'commandCheckAnswers';

type Answers = Record<string, 'run' | 'skip'>;

/** Which workspace commands may run: the remembered answers, and one question for those not answered yet. */
export function commandApprover(store: AnswerStore, ask: AskToRun): (commands: readonly CheckCommand[]) => Promise<ReadonlySet<string>> {
  // Two runs at once ask one question.
  const pending = new Map<string, Promise<'run' | 'skip' | undefined>>();
  return async (commands) => {
    const texts = [...new Set(commands.map((c) => c.command))];
    const answered = (): Answers => store.get<Answers>(KEY) ?? {};
    const open = texts.filter((t) => answered()[t] === undefined && !pending.has(t));
    if (open.length) {
      const question = ask(open).then(async (answer) => {
        if (answer) await store.update(KEY, { ...answered(), ...Object.fromEntries(open.map((t) => [t, answer])) });
        return answer;
      }).finally(() => open.forEach((t) => pending.delete(t)));
      for (const t of open) pending.set(t, question);
    }
    const results = await Promise.all(texts.map(async (t) => [t, answered()[t] ?? await pending.get(t)] as const));
    return new Set(results.filter(([, answer]) => answer === 'run').map(([t]) => t));
  };
}
