// editor/eval: "Hyperguild: Evaluate the Chain…": a task folder run through the chain in effect, with the
// extension's own backends, its report opened in a webview. May import the core (core/eval), the editor's shared
// files and run (the backends of a run); never review, history, chat, warmth or setup.
import * as vscode from 'vscode';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadTasks } from '../../core/eval/tasks';
import { runEval } from '../../core/eval/evalRun';
import { evalHtml, writeEvalReports } from '../../core/eval/evalReport';
import { EvalInputError, type EvalResult } from '../../core/eval/evalTypes';
import type { CommandTable } from '../commandTable';
import { readSettings } from '../settings';
import { showError } from '../notify';
import type { EngineHost } from '../run/engineHost';
import { Disposable } from '../disposable';

export interface EvaluateArgs {
  /** A task folder, a folder of tasks, or a CanItEdit .jsonl (skips the picker). */
  tasks?: string;
  /** Where the reports go (default: the extension's storage, one folder per evaluation). */
  outDir?: string;
  /** Also send each task straight to the last tier (more cloud calls). */
  baselines?: boolean;
}

/** What the command did, for its caller (tests, other commands). */
export interface EvaluateOutcome {
  status: 'done' | 'cancelled' | 'refused';
  message?: string;
  reports?: { markdown: string; html: string; json: string };
  result?: EvalResult;
}

export interface EvalFeatureDeps {
  log: vscode.LogOutputChannel;
  engine: EngineHost;
  storage: vscode.Uri;
}

export function evalFeature(deps: EvalFeatureDeps): { commands: CommandTable; disposables: vscode.Disposable[] } {
  const view = new EvalReportView();
  const commands: CommandTable = {
    'hyperguild.evaluate': (args?: EvaluateArgs) => evaluate(deps, view, args ?? {}),
  };
  return { commands, disposables: [view] };
}

async function pickTasks(): Promise<string | undefined> {
  const picked = await vscode.window.showOpenDialog({
    title: vscode.l10n.t('Evaluate the chain on a task folder'),
    openLabel: vscode.l10n.t('Evaluate'),
    canSelectFolders: true, canSelectFiles: true, canSelectMany: false,
    filters: { [vscode.l10n.t('CanItEdit records')]: ['jsonl', 'json'] },
    ...(vscode.workspace.workspaceFolders?.[0] && { defaultUri: vscode.workspace.workspaceFolders[0].uri }),
  });
  return picked?.[0]?.fsPath;
}

function refuse(log: vscode.LogOutputChannel, message: string): EvaluateOutcome {
  showError(log, message);
  return { status: 'refused', message };
}

async function evaluate(deps: EvalFeatureDeps, view: EvalReportView, args: EvaluateArgs): Promise<EvaluateOutcome> {
  const { log } = deps;
  // Each task's test is a command from the task folder: it runs only where the user trusts the workspace.
  if (!vscode.workspace.isTrusted) return refuse(log, vscode.l10n.t("Evaluating runs each task's test command, so it needs a trusted workspace."));
  const source = args.tasks ?? (await pickTasks());
  if (!source) return { status: 'cancelled' };
  const settings = readSettings(vscode.Uri.file(source));
  if (!settings.tiers) return refuse(log, settings.problems[0] ?? vscode.l10n.t('The chain is not set.'));
  let tasks;
  try {
    tasks = await loadTasks([source]);
  } catch (err) {
    if (err instanceof EvalInputError) return refuse(log, err.message);
    throw err;
  }
  const tiers = settings.tiers;
  const lease = deps.engine.lease(settings);
  try {
    const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Hyperguild: evaluating {0} tasks', tasks.length), cancellable: true }, (progress, token) => {
      const controller = new AbortController();
      token.onCancellationRequested(() => controller.abort());
      return runEval(tasks, {
        tiers, backends: lease.backends, maxTokens: settings.maxOutputTokens, skills: settings.skills, prices: settings.prices,
        ...(settings.verifierModel && { verifierModel: settings.verifierModel }),
        ...(args.baselines && { baselines: true }),
        signal: controller.signal,
        onEvent: (line) => {
          log.info(`eval ${line}`);
          progress.report({ message: line, increment: 100 / tasks.length });
        },
      });
    });
    const outDir = args.outDir ?? path.join(deps.storage.fsPath, 'eval', result.startedAt.replace(/[:.]/g, '-'));
    const reports = await writeEvalReports(result, outDir);
    log.info(`Eval: ${result.overall.passed.n} of ${result.tasks.length} tasks passed; reports in ${outDir}.`);
    view.show(result);
    const cancelled = result.tasks.length < tasks.length || result.tasks.some((t) => t.status === 'cancelled');
    return { status: cancelled ? 'cancelled' : 'done', reports, result };
  } finally {
    lease.release();
  }
}

/** The report page in one webview: no script, no resource, only its own nonce's style. */
class EvalReportView extends Disposable {
  private panel: vscode.WebviewPanel | undefined;

  /** Whether the report is open (tests, and a caller that wants to know). */
  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  show(result: EvalResult): void {
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel('hyperguild.evalReport', vscode.l10n.t('Hyperguild: Eval Report'), vscode.ViewColumn.Active, {
        enableScripts: false, localResourceRoots: [], enableFindWidget: true,
      });
      this.register(this.panel.onDidDispose(() => (this.panel = undefined)));
    }
    this.panel.webview.html = evalHtml(result, randomBytes(16).toString('base64'));
    this.panel.reveal();
  }

  override dispose(): void {
    this.panel?.dispose();
    super.dispose();
  }
}
