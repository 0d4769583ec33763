// editor/history: the run history in the editor, the recorder over storage's file, the report view and its page.
// May import the core, storage, the editor's shared files and review (a proposal's outcome); never run, chat,
// warmth or setup.
//
// The run history's editor side in one place: the recorder, the proposals' outcomes, the report, today's line for
// the status bar, and their commands.
import * as vscode from 'vscode';
import type { CommandTable } from '../commandTable';
import { HistoryRecorder } from './historyRecorder';
import type { ProposalManager } from '../review/proposals';
import { ReportView } from './reportView';

/** How often today's line picks up runs other windows recorded. */
const TODAY_REFRESH_MS = 60_000;

export interface HistoryFeature {
  history: HistoryRecorder;
  commands: CommandTable;
  disposables: vscode.Disposable[];
}

export function historyFeature(deps: {
  storage: vscode.Uri;
  log: vscode.LogOutputChannel;
  proposals: ProposalManager;
  /** Today's line changed: the status bar shows it in its tooltip. */
  onToday: (line: string) => void;
}): HistoryFeature {
  const { log } = deps;
  const history = new HistoryRecorder(deps.storage, log);
  const report = new ReportView(history, log);
  // Incremental (each line is read once), so it can also follow other windows' runs on a slow beat.
  const updateToday = () => history.todayLine(new Date()).then(deps.onToday, () => undefined);
  void updateToday();
  const beat = setInterval(() => void updateToday(), TODAY_REFRESH_MS);
  const disposables: vscode.Disposable[] = [
    history, report, { dispose: () => clearInterval(beat) },
    history.onDidChange(() => void updateToday()),
    deps.proposals.onDidSettle(({ proposal, how }) => proposal.runId && void history.outcome(proposal.runId, how)),
  ];
  const commands: CommandTable = {
    'hyperguild.showReport': () => report.show(),
    'hyperguild.exportHistory': (args?: { format?: 'csv' | 'json'; uri?: vscode.Uri }) => report.export(args?.format === 'json' ? 'json' : 'csv', args?.uri),
    'hyperguild.clearHistory': async (args?: { confirmed?: boolean }) => {
      const confirmed = args?.confirmed === true || await confirmClear();
      if (!confirmed) return false;
      await history.clear();
      log.info('The run history was cleared.');
      return true;
    },
  };
  return { history, commands, disposables };
}

/** The modal that stands before a history is cleared; true when the user chose to clear it. */
async function confirmClear(): Promise<boolean> {
  const clear = vscode.l10n.t('Clear History');
  return (await vscode.window.showWarningMessage(vscode.l10n.t('Clear the Hyperguild run history? This cannot be undone.'), { modal: true }, clear)) === clear;
}
