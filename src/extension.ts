import * as path from 'node:path';
import * as vscode from 'vscode';
import { SyntaxChecker } from './syntax/syntaxGate';
import { CloudRetry, RETRY_ON_CLOUD_COMMAND } from './editor/failureActions';
import { WalkthroughProgress, openOnFirstInstall, openSample, openWalkthrough } from './editor/walkthrough';
import { WarmTracker, type ServerWarmState } from './core/warmTracker';
import { preloadIfCold as preloadModelIfCold } from './core/preload';
import type { RunReport } from './core/report';
import type { RunRecord } from './core/history';
import { historyFeature } from './editor/historyFeature';
import { registerCommands, type CommandTable } from './editor/commandTable';
import { readSettings, currentScope, type Settings } from './editor/settings';
import { anthropicKey, llamaSwapKey } from './editor/secretKeys';
import { EngineHost } from './editor/engineHost';
import type { LlamaSwapClient } from './backends/llamaSwap';
import { ProposalManager } from './editor/proposals';
import { RunRegistry } from './editor/runRegistry';
import { escalateCommand, runSkillCommand, type RunSkillDeps, type RunSkillArgs } from './editor/runSkillCommand';
import { WarmStatusBar } from './editor/warmStatusBar';
import { showWarmMenu } from './editor/warmMenu';
import { checkSetupCommand } from './editor/setupCheckCommand';
import { showWarning } from './editor/notify';
import { tapLog } from './editor/logTap';

/** (contract) What `activate()` returns. */
export interface HyperguildApi {
  runSkill(args?: RunSkillArgs): Promise<RunReport>;
  /** (contract) The run history, newest first. */
  getHistory(options?: { limit?: number }): Promise<RunRecord[]>;
  getWarmState(): ServerWarmState;
  onDidChangeWarmState: vscode.Event<ServerWarmState>;
  /** Only when the extension runs under tests (ExtensionMode.Test): every line handed to the log. Not a contract. */
  testing?: { logLines: readonly string[] };
}

/** One poll of the local server: what is loaded, and whether it serves one model whatever a request names. */
async function pollServer(client: LlamaSwapClient, signal: AbortSignal) {
  const status = await client.status(signal);
  return { models: status.models, answersAnyModel: status.kind === 'llama-server (single model)' };
}

/** Composition root: the log first, then each part, every disposable into the context. */
export function activate(context: vscode.ExtensionContext): HyperguildApi {
  const channel = vscode.window.createOutputChannel('Hyperguild', { log: true });
  const testLog: string[] | undefined = context.extensionMode === vscode.ExtensionMode.Test ? [] : undefined;
  const log = testLog ? tapLog(channel, testLog) : channel;
  const push = <T extends vscode.Disposable>(d: T): T => {
    context.subscriptions.push(d);
    return d;
  };
  push(log);

  let settings: Settings = readSettings(currentScope());
  const key = anthropicKey(context.secrets);
  const swapKey = llamaSwapKey(context.secrets);
  const engine = push(new EngineHost(key, swapKey));
  const proposals = push(new ProposalManager(log));
  const runs = push(new RunRegistry());
  const client = () => engine.llamaSwap(settings);
  const localModels = () => (settings.tiers ?? []).filter((t) => t.kind === 'local').map((t) => t.model);

  const tracker = new WarmTracker({
    fetchRunning: (signal) => pollServer(client(), signal),
    fetchAliases: (signal) => client().models(signal),
    intervalMs: settings.pollSeconds * 1000,
  });
  push({ dispose: () => tracker.dispose() });
  const warmChanged = push(new vscode.EventEmitter<ServerWarmState>());
  push(tracker.onDidChange((state) => warmChanged.fire(state)));
  // Set only by `npm start` when it runs its demo server (scripts/start.sh): everything then says "demo".
  const demo = process.env.HYPERGUILD_DEMO === '1';
  let today: string | undefined;
  const statusBar = push(new WarmStatusBar(tracker, () => ({ localModels: localModels(), serverUrl: settings.llamaSwapUrl, demo, today })));

  const preloadIfCold = (run: Settings, model: string) =>
    void preloadModelIfCold({ tracker, preload: (m) => engine.llamaSwap(run).preload(m), log }, model);

  // Grammars load on the first run in each language, from the files the package ships (see esbuild.mjs).
  const syntax = new SyntaxChecker(path.join(context.extensionPath, 'dist', 'tree-sitter'));
  const cloudRetry = push(new CloudRetry());
  const hasCloudKey = async () => Boolean(await key.get());
  const { history, commands: historyCommands, disposables } = historyFeature({
    storage: context.globalStorageUri, log, proposals,
    onToday: (line) => {
      today = line;
      statusBar.refreshContext();
    },
  });
  disposables.forEach(push);
  const runDeps: RunSkillDeps = { log, proposals, engine, runs, syntax, cloudRetry, hasCloudKey, demo, history, warmth: (m) => tracker.readWarmth(m), warmthHint: (m) => tracker.cachedWarmth(m), preloadIfCold };
  const walkthrough = new WalkthroughProgress(log);
  const runSkill = async (args?: RunSkillArgs) => {
    const report = await runSkillCommand(runDeps, args);
    if (report.attempts.length > 0) walkthrough.mark('ranSkill');
    walkthrough.checkKey(key);
    return report;
  };

  // The same problems are not announced again on every later settings change (only when they change).
  let announced = '';
  const reportProblems = (problems: readonly string[]) => {
    if (problems.join('\n') === announced) return;
    announced = problems.join('\n');
    if (problems.length) showWarning(log, problems.length === 1 ? problems[0] : `${problems[0]} (and ${problems.length - 1} more problems in the log)`);
    for (const p of problems.slice(1)) log.warn(p);
  };
  const untrustedNote = (s: Settings) => {
    if (s.ignoredUntrusted.length) {
      showWarning(log, `This workspace is not trusted, so its ${s.ignoredUntrusted.join(' and ')} settings are ignored and your user settings apply.`);
    }
  };

  const resetSource = () => {
    engine.settingsInEffect(settings);
    tracker.setSource((signal) => pollServer(client(), signal), (signal) => client().models(signal));
  };
  const reload = () => {
    const before = settings;
    settings = readSettings(currentScope());
    if (before.llamaSwapUrl !== settings.llamaSwapUrl || before.firstByteTimeoutMs !== settings.firstByteTimeoutMs) resetSource();
    if (before.pollSeconds !== settings.pollSeconds) tracker.setIntervalMs(settings.pollSeconds * 1000);
    engine.settingsInEffect(settings);
    statusBar.refreshContext();
  };

  push(vscode.workspace.onDidChangeConfiguration((e) => {
    if (!e.affectsConfiguration('hyperguild')) return;
    reload();
    reportProblems(settings.problems);
  }));
  push(vscode.workspace.onDidGrantWorkspaceTrust(reload));
  // llama-swap's key lives in secret storage, read asynchronously: rebuild the client once known or changed.
  push(swapKey.onDidChange(resetSource));
  void swapKey.get().then((k) => k && resetSource(), (err: unknown) => log.warn(`Reading the llama-swap key failed: ${String(err)}`));
  // The chain is a resource setting: a file in another folder may have another chain.
  push(vscode.window.onDidChangeActiveTextEditor(() => reload()));

  const commands: CommandTable = {
    ...historyCommands,
    'hyperguild.runSkill': (args?: RunSkillArgs) => runSkill(args),
    'hyperguild.applyProposal': async (target?: vscode.Uri) => {
      const result = await proposals.apply(target);
      if (!result.applied && result.reason) showWarning(log, result.reason);
      return result;
    },
    'hyperguild.discardProposal': (target?: vscode.Uri) => proposals.discard(target),
    // From the diff's title bar the argument is the diff's URI; from the palette or a caller, { feedback }.
    'hyperguild.escalateProposal': (arg?: vscode.Uri | { feedback?: unknown }) =>
      arg instanceof vscode.Uri ? escalateCommand(runDeps, arg) : escalateCommand(runDeps, undefined, arg),
    [RETRY_ON_CLOUD_COMMAND]: () => cloudRetry.run(),
    'hyperguild.cancel': () => {
      const n = runs.cancelAll();
      log.info(n ? `Cancelled ${n} run${n === 1 ? '' : 's'}.` : 'Nothing to cancel.');
    },
    'hyperguild.showLog': () => log.show(true),
    'hyperguild.setAnthropicKey': () => key.promptAndStore(),
    'hyperguild.clearAnthropicKey': () => key.clear(),
    'hyperguild.setLlamaSwapKey': () => swapKey.promptAndStore(),
    'hyperguild.clearLlamaSwapKey': () => swapKey.clear(),
    'hyperguild.checkSetup': async () => {
      const s = readSettings(currentScope());
      untrustedNote(s);
      walkthrough.checkKey(key);
      return checkSetupCommand({
        log, client: engine.llamaSwap(s), serverUrl: s.llamaSwapUrl, tiers: s.tiers ?? [],
        hasAnthropicKey: Boolean(await key.get()), settingsProblems: s.problems, verifierModel: s.verifierModel,
      });
    },
    'hyperguild.getStarted': () => openWalkthrough(),
    'hyperguild.openSample': () => openSample(),
    'hyperguild.warmModelMenu': () => showWarmMenu({ client: client(), tracker, localModels: localModels(), log }),
  };
  registerCommands(commands, log).forEach(push);

  for (const d of walkthrough.follow({ tracker, key, chainValid: () => settings.tiers !== undefined })) push(d);
  if (demo) void openWalkthrough();
  else if (context.extensionMode !== vscode.ExtensionMode.Test) openOnFirstInstall(context.globalState);

  reportProblems(settings.problems);
  untrustedNote(settings);
  return { runSkill, getHistory: (options) => history.get(options?.limit), getWarmState: () => tracker.state, onDidChangeWarmState: warmChanged.event, ...(testLog && { testing: { logLines: testLog } }) };
}

export function deactivate(): void {}
