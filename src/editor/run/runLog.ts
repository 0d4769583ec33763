import type * as vscode from 'vscode';
import type { RunEvent } from '../../core/engine/orchestrator';
import { attemptLines } from '../../core/engine/report';

/** A run's events in the Hyperguild log: a line per attempt (with its notes), loading at debug, the text at trace. */
export function logRunEvent(log: vscode.LogOutputChannel, e: RunEvent, tierCount: number): void {
  if (e.type === 'attempt') {
    for (const line of attemptLines(e.attempt, tierCount)) log.info(line);
  } else if (e.type === 'loading') log.debug(`  ${e.message}`);
  else if (e.type === 'text') log.trace(e.delta);
}
