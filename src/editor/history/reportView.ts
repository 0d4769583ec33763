// "Hyperguild: Show Escalation Report": one webview panel over the run history, re-rendered when the period or
// the workspace changes; exports the history as CSV or JSON through the editor's own save dialog.
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { buildReport, filterRuns, toCsv, type ReportFilter } from '../../core/history/historyReport';
import type { HistoryRecorder } from './historyRecorder';
import { reportHtml } from './reportHtml';
import { Disposable } from '../disposable';

type Message =
  | { type: 'filter'; period?: string; workspace?: string }
  | { type: 'export'; format?: string }
  | { type: 'rendered'; charts?: number; advice?: number; runs?: number };

export class ReportView extends Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private filter: Omit<ReportFilter, 'now'> = { days: 30 };

  constructor(
    private readonly history: HistoryRecorder,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
  }

  async show(): Promise<void> {
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel('hyperguild.report', vscode.l10n.t('Hyperguild: Escalation Report'), vscode.ViewColumn.Active, {
        enableScripts: true, localResourceRoots: [], retainContextWhenHidden: false,
      });
      this.panel.onDidDispose(() => (this.panel = undefined));
      this.panel.webview.onDidReceiveMessage((m: Message) => void this.onMessage(m).catch((err: unknown) => this.log.warn(`The report could not do that: ${String(err)}`)));
    }
    this.panel.reveal();
    await this.render();
  }

  private async render(): Promise<void> {
    if (!this.panel) return;
    const started = performance.now();
    const runs = await this.history.get();
    const filter: ReportFilter = { ...this.filter, now: new Date() };
    const nonce = randomBytes(16).toString('base64');
    this.panel.webview.html = reportHtml(buildReport(runs, filter), filter, nonce, this.panel.webview.cspSource, vscode.l10n.t);
    this.log.debug(`report: ${runs.length} runs read and drawn in ${(performance.now() - started).toFixed(0)} ms`);
  }

  private async onMessage(m: Message): Promise<void> {
    if (m.type === 'rendered') {
      this.log.debug(`report rendered: ${m.charts ?? 0} charts, ${m.advice ?? 0} advice lines, ${m.runs ?? 0} runs`);
    } else if (m.type === 'filter') {
      this.filter = { ...(m.period && m.period !== 'all' && { days: Number(m.period) }), ...(m.workspace && { workspace: m.workspace }) };
      await this.render();
    } else if (m.type === 'export' && (m.format === 'csv' || m.format === 'json')) {
      await this.export(m.format);
    }
  }

  /** The runs of the chosen period and workspace, as the user saves them. */
  async export(format: 'csv' | 'json', target?: vscode.Uri): Promise<vscode.Uri | undefined> {
    const runs = filterRuns(await this.history.get(), { ...this.filter, now: new Date() });
    const uri = target ?? (await vscode.window.showSaveDialog({
      title: vscode.l10n.t('Export the Hyperguild run history'),
      defaultUri: vscode.Uri.joinPath(vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(process.cwd()), `hyperguild-history.${format}`),
      filters: format === 'csv' ? { CSV: ['csv'] } : { JSON: ['json'] },
    }));
    if (!uri) return undefined;
    const text = format === 'csv' ? toCsv(runs) : `${JSON.stringify(runs, null, 2)}\n`;
    await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
    this.log.info(`Exported ${runs.length} runs to ${uri.fsPath}.`);
    return uri;
  }

  override dispose(): void {
    this.panel?.dispose();
    super.dispose();
  }
}
