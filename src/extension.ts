import * as path from 'node:path';
import * as vscode from 'vscode';
import { SyntaxChecker } from './syntax/syntaxGate';
import { CloudRetry, RETRY_ON_CLOUD_COMMAND } from './editor/run/failureActions';
import { WalkthroughProgress, openOnFirstInstall, openSample, openWalkthrough } from './editor/setup/walkthrough';
import type { ServerWarmState } from './core/warmth/warmTracker';
import { WarmBoard } from './core/warmth/warmBoard';
import { backendKey } from './core/engine/chain';
import { preloadIfCold as preloadModelIfCold } from './core/warmth/preload';
import type { RunReport } from './core/engine/report';
import type { RunRecord } from './core/history/history';
import type { Tier } from './core/engine/chain';
import { historyFeature } from './editor/history/historyFeature';
import { evalFeature } from './editor/eval/evalFeature';
import { readHistorySettings } from './editor/history/historyRecorder';
import { AdaptiveStart, CHOOSE_ADAPTIVE_COMMAND, FORGET_ADAPTIVE_COMMAND, adaptiveChoice, cachedHistory } from './editor/adaptive/adaptiveStart';
import { registerCommands, type CommandTable } from './editor/commandTable';
import { readSettings, currentScope, type Settings } from './editor/settings';
import { anthropicKey, LlamaSwapKey, ServerKeys } from './editor/setup/secretKeys';
import { demoIsolation } from './editor/setup/boundKeys';
import { clientOf, namedServerChecks, watchedServers } from './editor/warmth/localServers';
import { EngineHost } from './editor/run/engineHost';
import { reviewFeature } from './editor/review/reviewFeature';
import { chatFeature } from './editor/chat/chatFeature';
import type { CascadeModels } from './editor/chat/cascadeModels';
import { RunRegistry } from './editor/run/runRegistry';
import { escalateCommand, runSkillCommand, type RunSkillDeps, type RunSkillArgs } from './editor/run/runSkillCommand';
import { checkSource } from './editor/run/codeChecks';
import { TsClient } from './checks/tsClient';
import { WarmStatusBar } from './editor/warmth/warmStatusBar';
import { showWarmMenu } from './editor/warmth/warmMenu';
import { checkSetupCommand } from './editor/setup/setupCheckCommand';
import { showWarning } from './editor/notify';
import { tapLog } from './editor/logTap';
import { commandCheckDeps, type CommandCheckTesting } from './editor/run/commandCheckDeps';
import { SECTION, SETTING_NAMES } from './core/settingKeys';

/** (contract) What `activate()` returns. */
export interface HyperguildApi {
  runSkill(args?: RunSkillArgs): Promise<RunReport>;
  /** (contract) The run history, newest first. */
  getHistory(options?: { limit?: number }): Promise<RunRecord[]>;
  getWarmState(): ServerWarmState;
  onDidChangeWarmState: vscode.Event<ServerWarmState>;
  /**
   * Only when the extension runs under tests (ExtensionMode.Test): every line handed to the log, and a way to store
   * a server's key that the tests cannot type into the prompt. Not a contract.
   */
  testing?: {
    logLines: readonly string[];
    storeServerKey(name: string, url: string, key: string): Promise<void>;
    chatHandler: vscode.ChatRequestHandler;
    cascadeModels?: CascadeModels;
    /** Trust and the answer to "run this workspace's check command?", as the host tests set them. */
    commandChecks: CommandCheckTesting;
  };
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
  // Set only by `npm start` when it runs its demo server (scripts/start.sh): everything then says "demo", and the
  // demo has its own (empty) secrets and its own history, so no real key goes to the demo server.
  const demo = process.env.HYPERGUILD_DEMO === '1';
  const isolation = demoIsolation(demo, context.secrets);
  const key = anthropicKey(isolation.secrets);
  const swapKey = new LlamaSwapKey(isolation.secrets);
  const serverKeys = new ServerKeys(isolation.secrets);
  const engine = push(new EngineHost(key, swapKey, serverKeys));
  const review = reviewFeature(log);
  review.disposables.forEach(push);
  const { proposals, drafts } = review;
  const runs = push(new RunRegistry());

  // One tracker per local server of the chain; the first local tier's server is the status bar's item.
  const board = new WarmBoard({ intervalMs: settings.pollSeconds * 1000 });
  push({ dispose: () => board.dispose() });
  const warmChanged = push(new vscode.EventEmitter<ServerWarmState>());
  push(board.onDidChangePrimary((state) => warmChanged.fire(state)));
  let today: string | undefined;
  const statusBar = push(new WarmStatusBar(board, () => ({ demo, today })));
  const watch = () => board.setServers(watchedServers(engine, settings));
  watch();

  const preloadIfCold = (run: Settings, tier: Tier) => {
    const tracker = board.tracker(backendKey(tier));
    const client = clientOf(engine, run, backendKey(tier));
    const preload = client?.preload?.bind(client);
    if (tracker && preload) void preloadModelIfCold({ tracker, preload: (m) => preload(m), log }, tier.model);
  };

  // Grammars load on the first run in each language, from the files the package ships (see esbuild.mjs).
  const syntax = new SyntaxChecker(path.join(context.extensionPath, 'dist', 'tree-sitter'));
  // The diagnostics worker starts on the first check, never at activation; TypeScript loads inside it (see esbuild.mjs).
  const tsClient = new TsClient(path.join(context.extensionPath, 'dist', 'ts-worker.js'));
  push({ dispose: () => tsClient.dispose() });
  const diagnostics = { client: tsClient, bundledTypeScript: path.join(context.extensionPath, 'dist', 'typescript', 'typescript.js') };
  const cloudRetry = push(new CloudRetry());
  const hasCloudKey = async () => Boolean(await key.get());
  const { history, commands: historyCommands, disposables } = historyFeature({
    storage: isolation.historyFolder ? vscode.Uri.joinPath(context.globalStorageUri, isolation.historyFolder) : context.globalStorageUri, log, proposals,
    onToday: (line) => {
      today = line;
      statusBar.refreshContext();
    },
  });
  disposables.forEach(push);
  // hyperguild.adaptive learns from the history; with the history off it has nothing to learn from, so it is off.
  const adaptive = new AdaptiveStart(push(cachedHistory(history, () => readHistorySettings().enabled)), context.globalState);
  const commandTesting: CommandCheckTesting | undefined = testLog ? {} : undefined;
  const checks = checkSource({ diagnostics, commands: commandCheckDeps(context.workspaceState, log, commandTesting) });
  const runDeps: RunSkillDeps = { log, proposals, drafts, engine, runs, syntax, checks, cloudRetry, hasCloudKey, demo, history, adaptive, warmth: (m, k) => board.readWarmth(m, k), warmthHint: (m, k) => board.cachedWarmth(m, k), preloadIfCold };
  const walkthrough = new WalkthroughProgress(log);
  const chat = chatFeature(context.extensionUri, {
    log, engine, history, adaptive, proposals, runs, warmth: runDeps.warmth, warmthHint: runDeps.warmthHint,
    skills: () => readSettings(currentScope()).skills,
    runSkill: (args, surface) => runSkillCommand(runDeps, args, surface),
    escalate: (id, feedback, surface) => escalateCommand(runDeps, id, { feedback }, surface),
  });
  chat.disposables.forEach(push);
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
    if (problems.length) showWarning(log, problems.length === 1 ? problems[0] : vscode.l10n.t('{0} (and {1} more problems in the log)', problems[0], problems.length - 1));
    for (const p of problems.slice(1)) log.warn(p);
  };
  const untrustedNote = (s: Settings) => {
    if (s.ignoredUntrusted.length) {
      showWarning(log, vscode.l10n.t('This workspace is not trusted, so its {0} settings are ignored and your user settings apply.', new Intl.ListFormat(vscode.env.language, { type: 'conjunction' }).format(s.ignoredUntrusted)));
    }
  };

  const reload = () => {
    const before = settings;
    settings = readSettings(currentScope());
    if (before.pollSeconds !== settings.pollSeconds) board.setIntervalMs(settings.pollSeconds * 1000);
    engine.settingsInEffect(settings);
    watch();
    statusBar.refreshContext();
    chat.refresh();
  };
  // Keys live in secret storage, read asynchronously: clients are rebuilt once they are known or changed.
  const loadServerKeys = () => serverKeys.load(settings.servers.keys()).then(reload, (err: unknown) => log.warn(`Reading the server keys failed: ${String(err)}`));

  push(vscode.workspace.onDidChangeConfiguration((e) => {
    if (!e.affectsConfiguration(SECTION)) return;
    reload();
    if (e.affectsConfiguration(SETTING_NAMES.servers)) void loadServerKeys();
    reportProblems(settings.problems);
  }));
  push(vscode.workspace.onDidGrantWorkspaceTrust(reload));
  push(swapKey.onDidChange(reload));
  push(serverKeys.onDidChange(reload));
  void swapKey.load().then(reload, (err: unknown) => log.warn(`Reading the llama-swap key failed: ${String(err)}`));
  void loadServerKeys();
  // The chain is a resource setting: a file in another folder may have another chain.
  push(vscode.window.onDidChangeActiveTextEditor(() => reload()));

  const evaluation = evalFeature({ log, engine, storage: context.globalStorageUri });
  evaluation.disposables.forEach(push);
  const commands: CommandTable = {
    ...historyCommands,
    ...evaluation.commands,
    ...chat.commands,
    ...review.commands((target, args) => escalateCommand(runDeps, target, args)),
    'hyperguild.runSkill': (args?: RunSkillArgs) => runSkill(args),
    [RETRY_ON_CLOUD_COMMAND]: () => cloudRetry.run(),
    [CHOOSE_ADAPTIVE_COMMAND]: (args?: { choice?: unknown }) => adaptive.choose(adaptiveChoice(args?.choice)),
    [FORGET_ADAPTIVE_COMMAND]: async () => {
      const forgotten = await adaptive.forget();
      void vscode.window.showInformationMessage(vscode.l10n.t('Hyperguild forgot {0} Always / Never choice(s); runs offer to start past a tier again.', forgotten));
      return forgotten;
    },
    'hyperguild.cancel': () => {
      const n = runs.cancelAll();
      log.info(n ? `Cancelled ${n} run${n === 1 ? '' : 's'}.` : 'Nothing to cancel.');
    },
    'hyperguild.showLog': () => log.show(true),
    'hyperguild.setAnthropicKey': () => key.promptAndStore(),
    'hyperguild.clearAnthropicKey': () => key.clear(),
    // Bound to the address in effect now: a workspace that later points llamaSwapUrl elsewhere gets no key.
    'hyperguild.setLlamaSwapKey': () => swapKey.promptAndStore(readSettings(currentScope()).llamaSwapUrl),
    'hyperguild.clearLlamaSwapKey': () => swapKey.clear(),
    // From Check Setup's line or a caller, the server's name; from the palette, a pick.
    'hyperguild.setServerKey': (name?: unknown) => serverKeys.promptAndStore(readSettings(currentScope()).servers, typeof name === 'string' ? name : undefined),
    'hyperguild.clearServerKey': (name?: unknown) => serverKeys.clear(readSettings(currentScope()).servers, typeof name === 'string' ? name : undefined),
    'hyperguild.checkSetup': async () => {
      const s = readSettings(currentScope());
      untrustedNote(s);
      walkthrough.checkKey(key);
      return checkSetupCommand({
        log, client: engine.llamaSwap(s), serverUrl: s.llamaSwapUrl, tiers: s.tiers ?? [],
        hasAnthropicKey: Boolean(await key.get()), settingsProblems: s.problems, verifierModel: s.verifierModel,
        servers: namedServerChecks(engine, s, serverKeys),
        ...(swapKey.storedElsewhere(s.llamaSwapUrl) && { llamaSwapKeyStoredFor: swapKey.storedElsewhere(s.llamaSwapUrl) }),
      });
    },
    'hyperguild.getStarted': () => openWalkthrough(),
    'hyperguild.openSample': () => openSample(),
    'hyperguild.warmModelMenu': () => showWarmMenu({ board, clientOf: (k) => clientOf(engine, settings, k), log }),
  };
  registerCommands(commands, log).forEach(push);

  for (const d of walkthrough.follow({ board, key, chainValid: () => settings.tiers !== undefined })) push(d);
  if (demo) void openWalkthrough();
  else if (context.extensionMode !== vscode.ExtensionMode.Test) openOnFirstInstall(context.globalState);

  reportProblems(settings.problems);
  untrustedNote(settings);
  const storeServerKey = async (name: string, url: string, k: string) => {
    await serverKeys.storeForTest({ name, url }, k);
    reload();
  };
  return {
    runSkill, getHistory: (options) => history.get(options?.limit), getWarmState: () => board.primaryState, onDidChangeWarmState: warmChanged.event,
    ...(testLog && commandTesting && { testing: { logLines: testLog, storeServerKey, chatHandler: chat.handler, commandChecks: commandTesting, ...(chat.models && { cascadeModels: chat.models }) } }),
  };
}

export function deactivate(): void {}
