// A task as the engine sees it: the prompt's Task (the range and a bounded window around it), its skill, and
// where the verifier answers. Shared by the cascade run and the verifier-only replay.
import type { ChatBackend } from '../types';
import { backendFor, backendKey, type Tier } from '../engine/chain';
import type { Task } from '../engine/prompts';
import type { Skill } from '../engine/skills';
import { EvalInputError, type EvalTask } from './evalTypes';
import { splitAtRange } from './taskTest';

/** Lines of context either side of the range, as the editor's default. */
const CONTEXT_LINES = 200;

/** The task as the editor would hand it to the engine: the range and a bounded window around it. */
export function promptTask(task: EvalTask): Task {
  const { before, selection, after } = splitAtRange(task);
  const keep = (text: string, from: 'end' | 'start') => {
    const lines = text.split('\n');
    return (from === 'end' ? lines.slice(-CONTEXT_LINES - 1) : lines.slice(0, CONTEXT_LINES)).join('\n');
  };
  return {
    filePath: task.file, languageId: task.languageId, selection, before: keep(before, 'end'), after: keep(after, 'start'),
    ...(task.instruction && { instruction: task.instruction }),
    eol: task.text.includes('\r\n') ? '\r\n' : '\n',
  };
}

/** The skill a task names; an unknown one is the task's mistake, said before anything runs. */
export function skillFor(task: EvalTask, skills: readonly Skill[]): Skill {
  const skill = skills.find((s) => s.id === task.skill);
  if (!skill) throw new EvalInputError(`${task.source}: the skill "${task.skill}" is not known (known: ${skills.map((s) => s.id).join(', ')}).`);
  if (skill.needsInstruction && !task.instruction?.trim()) throw new EvalInputError(`${task.source}: the skill "${task.skill}" needs an "instruction".`);
  return skill;
}

/** Where the verifier model answers: the chain's server for it, else the implicit server of its name. */
export function verifierBackend(model: string, options: { tiers: readonly Tier[]; backends: Readonly<Record<string, ChatBackend>> }): ChatBackend | undefined {
  const tier = options.tiers.find((t) => t.model === model);
  return options.backends[tier ? backendKey(tier) : backendFor(model)];
}
