// Records every finished run and its proposal's outcome in the history file, off the path between the answer and
// the diff: fire and forget, a failure to write is said once in the log and never stops a run.
import * as vscode from 'vscode';
import type { Outcome, RecordInput, RunRecord } from '../../core/history/history';
import { toRecord } from '../../core/history/history';
import { HistoryFile } from '../../storage/historyFile';
import { SECTION, SETTING_KEYS } from '../../core/settingKeys';
import { Disposable } from '../disposable';

export interface HistorySettings {
  enabled: boolean;
  keepCode: boolean;
  maxRuns: number;
}

export function readHistorySettings(): HistorySettings {
  const config = vscode.workspace.getConfiguration(SECTION);
  const maxRuns = config.get<number>(SETTING_KEYS.historyMaxRuns);
  return {
    enabled: config.get<boolean>(SETTING_KEYS.historyEnabled) ?? true,
    keepCode: config.get<boolean>(SETTING_KEYS.historyKeepCode) ?? false,
    maxRuns: typeof maxRuns === 'number' && Number.isFinite(maxRuns) && maxRuns >= 1 ? Math.min(Math.floor(maxRuns), 1_000_000) : 10_000,
  };
}

export class HistoryRecorder extends Disposable {
  private readonly file: HistoryFile;
  private warned = false;
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  /** A run was recorded or the history was cleared (an outcome changes no count, so it does not fire). */
  readonly onDidChange = this.changed.event;

  constructor(
    storage: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
    private readonly settings: () => HistorySettings = readHistorySettings,
  ) {
    super();
    this.file = new HistoryFile(vscode.Uri.joinPath(storage, 'history.jsonl').fsPath, () => this.settings().maxRuns, {
      onError: (err) => this.log.warn(`The run history could not be compacted (${err instanceof Error ? err.message : String(err)}); it is whole, and the next run tries again.`),
    });
  }

  /** Appends the run (code only with hyperguild.history.keepCode); resolves when written, never rejects. */
  record(input: RecordInput): Promise<void> {
    const settings = this.settings();
    if (!settings.enabled) return Promise.resolve();
    const { code, ...rest } = input;
    const run: RunRecord = toRecord(settings.keepCode && code ? { ...rest, code } : rest);
    return this.file.appendRun(run).then(() => this.changed.fire(), (err: unknown) => this.failed(err));
  }

  outcome(id: string, outcome: Outcome): Promise<void> {
    if (!this.settings().enabled) return Promise.resolve();
    return this.file.appendOutcome(id, outcome).catch((err: unknown) => this.failed(err));
  }

  /** Newest first. */
  async get(limit?: number): Promise<RunRecord[]> {
    const { runs, skipped } = await this.file.read(limit);
    if (skipped) this.log.debug(`history: ${skipped} line${skipped === 1 ? '' : 's'} could not be read and were skipped`);
    return runs;
  }

  /** Today's line for the status bar's tooltip; reads only what any window appended since the last call. */
  todayLine(now: Date): Promise<string> {
    return this.file.todayLine(now);
  }

  async clear(): Promise<void> {
    await this.file.clear();
    this.changed.fire();
  }

  private failed(err: unknown): void {
    if (this.warned) return;
    this.warned = true;
    this.log.warn(`The run history could not be written (${err instanceof Error ? err.message : String(err)}); runs go on, unrecorded.`);
  }
}
