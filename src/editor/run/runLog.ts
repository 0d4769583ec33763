import type * as vscode from 'vscode';
import type { RunEvent } from '../../core/engine/orchestrator';
import { attemptLine, checkLine, judgePromptLine, judgeWouldHaveLine } from '../../core/engine/report';

/** A run's events in the Hyperguild log: a line per attempt (with its notes), loading at debug, the text at trace. */
export function logRunEvent(log: vscode.LogOutputChannel, e: RunEvent, tierCount: number): void {
  if (e.type === 'attempt') {
    log.info(`  ${attemptLine(e.attempt, tierCount)}`);
    if (e.attempt.syntaxNote) log.info(`    ${e.attempt.syntaxNote}`);
    for (const check of e.attempt.checks ?? []) log.info(`    ${checkLine(check)}`);
    if (e.attempt.judgeWouldHave) log.info(`    ${judgeWouldHaveLine(e.attempt.judgeWouldHave)}`);
    if (e.attempt.detail) log.info(`    detail: ${e.attempt.detail}`);
    if (e.attempt.judgePrompt) log.info(`    ${judgePromptLine(e.attempt.judgePrompt)}`);
  } else if (e.type === 'loading') log.debug(`  ${e.message}`);
  else if (e.type === 'text') log.trace(e.delta);
}
