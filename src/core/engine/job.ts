// What a run asks of each tier and how it reads and checks the answer. A skill on a selection (the editor's
// commands) and a conversation (the cascade as a VS Code language model) walk the same chain through this seam.
import type { ChatMessage, ChatResult } from '../types';
import { buildGenerationMessages, extractCode, fitToSelection, type PriorAttempt, type Task } from './prompts';
import type { Skill } from './skills';
import { buildJudgeMessages, buildSelfJudgeMessages, gate } from './verifier';

/** A tier's generation request and its answer, which a self-judge continues (so a local server reuses its cache). */
export interface Conversation {
  messages: readonly ChatMessage[];
  answer: string;
}

export interface Job {
  /** The generation request, carrying the rejected attempts' feedback. */
  messages(prior: readonly PriorAttempt[]): ChatMessage[];
  /** The part of the answer that is checked and proposed; undefined when it is missing (no fenced block). */
  extract(text: string): string | undefined;
  /** The cheap checks that need no model call: the reason to escalate, or undefined. `strict`: the tier is verified. */
  gate(answer: ChatResult, extracted: string | undefined, strict: boolean): string | undefined;
  /** The accepted answer as the caller gets it. */
  fit(extracted: string): string;
  /** The judge's request: a judge of its own, or the tier's model continuing its own conversation. */
  judgeMessages(extracted: string, conversation?: Conversation): ChatMessage[];
  /** The answer is code for the selection, so the syntax gate applies. */
  readonly code: boolean;
}

/** A skill on the selected code: the answer's fenced block, fitted to the selection's indentation. */
export function skillJob(skill: Skill, task: Task): Job {
  return {
    messages: (prior) => buildGenerationMessages(skill, task, prior),
    extract: (text) => (skill.expectsCode ? extractCode(text) : text.trim()),
    gate: (answer, code, strict) => gate(answer, code, skill, task, strict),
    fit: (code) => fitToSelection(code, task.selection, task.eol),
    judgeMessages: (proposal, conversation) => (conversation ? buildSelfJudgeMessages(conversation) : buildJudgeMessages(skill, task, proposal)),
    code: skill.expectsCode,
  };
}
