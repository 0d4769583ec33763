// editor/run: a run from the user's command to its outcome. "Run Skill on Selection" and Escalate resolve the
// selection, build the backends (engineHost), walk the chain through the core's orchestrator, show progress on a
// RunSurface, hand the accepted answer to the review, and say a failure with its fixes (failureActions); the
// registry cancels running skills and runLog writes their log lines. May import the core, backends, syntax, the
// editor's shared files (settings, notify, selection, commandTable), review, history and setup's keys; never
// chat or warmth, which build on it.
import * as vscode from 'vscode';
import { escalateByUser, runChain, type Continuation, type Resume, type RunEvent } from '../../core/engine/orchestrator';
import { narrowContext, type Task } from '../../core/engine/prompts';
import { attemptLine, failedReport, outcomeLine, runHeader, tierTitle, toRunReport, type RunReport } from '../../core/engine/report';
import { logRunEvent } from './runLog';
import type { Skill } from '../../core/engine/skills';
import { backendFor, backendKey, sameTiers, type Tier } from '../../core/engine/chain';
import type { WarmthSource } from '../../core/engine/orchestrator';
import type { ChatBackend, ModelServer, WarmState } from '../../core/types';
import { readSettings, type Settings } from '../settings';
import { eolOf, resolveTarget, surroundings } from '../selection';
import { showError, showWarning } from '../notify';
import type { Proposal, ProposalManager } from '../review/proposals';
import type { RunSurface } from '../review/proposal';
import type { TextAnchor } from '../review/anchor';
import type { ProposalGate, SyntaxChecker } from '../../syntax/syntaxGate';
import { disposeChecks, type CheckSource, type CheckTarget } from '../../core/engine/checks';
import { showFailure, type CloudRetry } from './failureActions';
import type { HistoryRecorder } from '../history/historyRecorder';
import type { RecordInput } from '../../core/history/history';
import { randomUUID } from 'node:crypto';
import type { EngineHost } from './engineHost';
import type { RunRegistry } from './runRegistry';
import type { DraftDocuments } from '../review/drafts';
import type { AdaptivePlan, AdaptiveRun, AdaptiveStart } from '../adaptive/adaptiveStart';

/** (contract) The argument form of `hyperguild.runSkill`. */
export interface RunSkillArgs {
  skill: string;
  instruction?: string;
}

export interface RunSkillDeps {
  log: vscode.LogOutputChannel;
  proposals: ProposalManager;
  /** Where tiers' code shows while it streams (hyperguild.showDraft). */
  drafts: DraftDocuments;
  engine: EngineHost;
  runs: RunRegistry;
  warmth: WarmthSource;
  /** The status bar's last known warmth, for the progress text until the tier's own read is in. */
  warmthHint?: (model: string, serverKey: string) => WarmState;
  /** The syntax gate's grammars (absent: no gate). */
  syntax?: SyntaxChecker;
  /** The code checks after the syntax gate: diagnostics, then the user's commands (absent: none). */
  checks?: CheckSource;
  /** Whether an Anthropic key is there (secret storage or environment), for the help a failed run offers. */
  hasCloudKey: () => Promise<boolean>;
  /** Where finished runs are recorded (absent: not recorded). */
  history?: HistoryRecorder;
  /** `npm start`'s demo server answers: the log header and the diff title say so. */
  demo?: boolean;
  /** Holds the newest failed run's "on the cloud tiers only this time". */
  cloudRetry: CloudRetry;
  /** hyperguild.adaptive: which tiers this run starts past (absent: none). */
  adaptive?: AdaptiveStart;
  /** Asks the tier's server to load its model when it is cold (preload on command start). */
  preloadIfCold: (settings: Settings, tier: Tier) => void;
}

type Choice = { skill: Skill; instruction?: string };

const NOTIFICATION: RunSurface = {
  progress: (title, work) => vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title, cancellable: true },
    (progress, token) => work((message) => progress.report({ message }), token),
  ),
};

async function pickSkill(skills: readonly Skill[]): Promise<Choice | undefined> {
  const items = skills.map((skill) => ({ label: skill.title, description: skill.id, detail: skill.description, skill }));
  const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Hyperguild: Run Skill on Selection'), placeHolder: vscode.l10n.t('Choose a skill'), matchOnDetail: true });
  if (!picked) return undefined;
  if (!picked.skill.needsInstruction) return { skill: picked.skill };
  const instruction = await vscode.window.showInputBox({
    title: vscode.l10n.t('Hyperguild: Custom Instruction'), prompt: vscode.l10n.t('What should change in the selected code?'), placeHolder: vscode.l10n.t('e.g. use async/await instead of callbacks'),
  });
  return instruction?.trim() ? { skill: picked.skill, instruction: instruction.trim() } : undefined;
}

/** Live progress text for the tier in flight, with a seconds counter while a model loads. */
class ProgressText {
  private tier: { title: string; label: string; started: number; loading: boolean; thinking: boolean; writing: boolean } | undefined;
  /** hyperguild.adaptive's skips so far, said before the tier in flight. */
  private skipped: string[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly report: (message: string) => void) {
    this.timer = setInterval(() => this.render(), 1000);
  }

  onEvent(e: RunEvent): void {
    if (e.type === 'tier-start') {
      const cold = e.tier.kind === 'local' && (e.warm === 'cold' || e.warm === 'starting');
      const title = tierTitle(e.tier, e.tierIndex, e.tierCount, e.warm);
      this.tier = { title: this.skipped.length ? `${this.skipped.join(' · ')} · ${title}` : title, label: e.tier.label, started: Date.now(), loading: cold, thinking: false, writing: false };
    } else if (e.type === 'attempt' && e.attempt.verdict === 'skipped') {
      this.skipped.push(vscode.l10n.t('skipped {0}: {1}', e.attempt.label, e.attempt.feedback ?? ''));
      return;
    } else if (this.tier && e.type === 'loading') {
      this.tier.loading = true;
    } else if (this.tier && e.type === 'thinking') {
      this.tier.thinking = true;
      this.tier.loading = false;
    } else if (this.tier && e.type === 'text' && !this.tier.writing) {
      this.tier.writing = true;
      this.tier.thinking = false;
      this.tier.loading = false;
    } else if (this.tier && e.type === 'verifying') {
      this.tier.title = vscode.l10n.t('{0} · verifying', this.tier.title);
    } else return;
    this.render();
  }

  private render(): void {
    if (!this.tier) return;
    const secs = Math.round((Date.now() - this.tier.started) / 1000);
    if (this.tier.loading) this.report(vscode.l10n.t('loading {0}… {1} s', this.tier.label, secs));
    else if (this.tier.thinking) this.report(vscode.l10n.t('{0} · thinking… · {1} s', this.tier.title, secs));
    else this.report(vscode.l10n.t('{0} · {1} s', this.tier.title, secs));
  }

  dispose(): void {
    clearInterval(this.timer);
  }
}

/** One sentence to the user: a notification, or only the log when the surface (a chat response) says it itself. */
function tell(log: vscode.LogOutputChannel, surface: RunSurface | undefined, message: string, level: 'warning' | 'error'): void {
  if (surface?.quiet) log.warn(message);
  else if (level === 'warning') showWarning(log, message);
  else showError(log, message);
}

/** A run that could not start or finish: one sentence to the user, the same in the report. */
function failWith(log: vscode.LogOutputChannel, surface: RunSurface | undefined, message: string, level: 'warning' | 'error' = 'error'): RunReport {
  tell(log, surface, message, level);
  return failedReport(message);
}

/** A malformed llamaSwapUrl is not replaced by a guess when these tiers need it: the code would go to a server the user did not name. */
function localUrlProblem(settings: Settings, tiers: readonly Tier[]): string | undefined {
  const needsLocal = tiers.some((t) => backendKey(t) === 'llama-swap') || (settings.verifierModel !== '' && backendFor(settings.verifierModel) === 'llama-swap');
  return needsLocal ? settings.llamaSwapUrlProblem : undefined;
}

function describeWhere(document: vscode.TextDocument, range: vscode.Range): string {
  return `${vscode.workspace.asRelativePath(document.uri)}:${range.start.line + 1}-${range.end.line + 1}`;
}

/**
 * Runs a skill on the active editor's selection through the chain and opens the accepted
 * answer as a proposal diff. Resolves to the run report (contract); never throws.
 */
export async function runSkillCommand(deps: RunSkillDeps, args?: RunSkillArgs, surface: RunSurface = NOTIFICATION): Promise<RunReport> {
  const fail = (message: string, warnOnly = false) => failWith(deps.log, surface, message, warnOnly ? 'warning' : 'error');
  const log = deps.log;
  const editor = surface.editor ?? vscode.window.activeTextEditor;
  if (!editor) return fail(vscode.l10n.t('Open a file and select the code to change before running a Hyperguild skill.'), true);
  const document = editor.document;
  const settings = readSettings(document.uri);
  if (settings.ignoredUntrusted.length) {
    log.warn(`This workspace is not trusted, so its ${settings.ignoredUntrusted.join(' and ')} settings are ignored; your user settings apply.`);
  }
  if (!settings.tiers) return fail(settings.problems[0]);
  const tiers: Tier[] = settings.tiers;
  const urlProblem = localUrlProblem(settings, tiers);
  if (urlProblem) return fail(urlProblem);

  let choice: Choice | undefined;
  if (args) {
    if (typeof args !== 'object' || typeof args.skill !== 'string') return fail('hyperguild.runSkill takes { skill: string, instruction?: string }.');
    const skill = settings.skills.find((s) => s.id === args.skill);
    if (!skill) {
      // A user skill that failed validation: say why rather than that it does not exist.
      const problem = settings.problems.find((p) => p.startsWith(`The skill "${args.skill}" `));
      return fail(problem ?? vscode.l10n.t('There is no skill "{0}"; use one of {1}.', args.skill, settings.skills.map((s) => s.id).join(', ')));
    }
    if (skill.needsInstruction && !args.instruction?.trim()) return fail(vscode.l10n.t('The skill "{0}" needs an instruction.', skill.id));
    choice = { skill, ...(args.instruction?.trim() && { instruction: args.instruction.trim() }) };
  } else {
    // Overlap a cold model's load with the user's choice of skill.
    const firstLocal = tiers.find((t) => t.kind === 'local');
    if (firstLocal && settings.preloadOnCommandStart) deps.preloadIfCold(settings, firstLocal);
    choice = await pickSkill(settings.skills);
    if (!choice) return { status: 'cancelled', message: vscode.l10n.t('No skill was chosen.'), attempts: [] };
  }

  const target = await resolveTarget(editor);
  if ('error' in target) return fail(target.error, true);
  return runOnRange(deps, settings, tiers, choice, document, target.range, surface, target.note);
}

/** One run's fixed inputs, kept so the user's Escalate can continue it from the next tier. */
interface RunContext {
  settings: Settings;
  tiers: Tier[];
  choice: Choice;
  document: vscode.TextDocument;
  anchor: TextAnchor;
  task: Task;
  /** The syntax gate for this run's document as it was at run start (a new one per execution). */
  syntaxGate?: () => ProposalGate;
  /** The document the code checks are made for (a new set per execution). */
  checkTarget?: CheckTarget;
  surface: RunSurface;
}

async function runOnRange(
  deps: RunSkillDeps, settings: Settings, tiers: Tier[], choice: Choice,
  document: vscode.TextDocument, range: vscode.Range, surface: RunSurface, note?: string,
): Promise<RunReport> {
  const anchor = deps.proposals.track(document, range);
  const { before, after } = surroundings(document, range, settings.contextLines);
  const task: Task = {
    filePath: vscode.workspace.asRelativePath(document.uri), languageId: document.languageId, selection: anchor.original, before, after,
    eol: eolOf(document),
    ...(choice.instruction && { instruction: choice.instruction }),
  };
  deps.log.info((deps.demo ? '[demo] ' : '') + runHeader(choice.skill.id, describeWhere(document, range), tiers) + (note ? ` (${note})` : ''));
  const text = document.getText();
  const [start, end] = [document.offsetAt(range.start), document.offsetAt(range.end)];
  const syntax = deps.syntax;
  const syntaxGate = syntax && choice.skill.expectsCode ? () => syntax.prepare(document.languageId, text, start, end) : undefined;
  const folder = vscode.workspace.getWorkspaceFolder(document.uri);
  const checkTarget: CheckTarget | undefined = choice.skill.expectsCode ? {
    languageId: document.languageId, text, start, end,
    ...(document.uri.scheme === 'file' && { path: document.uri.fsPath }),
    ...(folder && { root: folder.uri.fsPath }),
  } : undefined;
  return execute(deps, { settings, tiers, choice, document, anchor, task, surface, ...(syntaxGate && { syntaxGate }), ...(checkTarget && { checkTarget }) });
}

/**
 * The user's Escalate: discards the proposal and continues its run from the next tier, carrying the user's
 * feedback and the rejected answer. With no argument it asks for a sentence (empty allowed).
 */
export async function escalateCommand(deps: RunSkillDeps, target?: vscode.Uri | string, args?: { feedback?: unknown }, surface?: RunSurface): Promise<RunReport> {
  const proposal = await deps.proposals.resolve(target);
  if (!proposal?.escalate) return failWith(deps.log, surface, vscode.l10n.t('There is no open Hyperguild proposal to escalate.'), 'warning');
  let feedback = typeof args?.feedback === 'string' ? args.feedback : undefined;
  feedback ??= await vscode.window.showInputBox({
    title: vscode.l10n.t('Hyperguild: Escalate "{0}"', proposal.title),
    prompt: vscode.l10n.t('What is wrong with this answer? The next tier gets your words and the answer (empty is fine).'),
  });
  if (feedback === undefined) return { status: 'cancelled', message: vscode.l10n.t('The escalation was cancelled; the proposal stays open.'), attempts: [] };
  return proposal.escalate(feedback, surface);
}

/** Runs (or continues) the chain and opens the accepted answer as a proposal. Never throws. */
async function execute(deps: RunSkillDeps, ctx: RunContext, resume?: Resume, continues?: string): Promise<RunReport> {
  const { log } = deps;
  const { settings, tiers, choice, document, anchor, task, surface } = ctx;
  const runId = randomUUID();
  const startedAt = new Date();
  const workspace = vscode.workspace.getWorkspaceFolder(document.uri)?.name;
  // After the diff is open (or the run has failed): never on the path between the answer and the diff.
  const remember = (result: RecordInput['result']) => void deps.history?.record({
    id: runId, startedAt, languageId: document.languageId, skill: choice.skill.id, chain: tiers.map((t) => t.model), result,
    ...(workspace && { workspace }),
    ...(continues && { continues }),
    code: { selection: task.selection, ...(task.instruction && { instruction: task.instruction }) },
  });
  const controller = deps.runs.start();
  const lease = deps.engine.lease(settings);
  // Parsing the document starts now, while the first tier generates.
  const gate = ctx.syntaxGate?.();
  const codeChecks = ctx.checkTarget && deps.checks?.(ctx.checkTarget);
  const plan = await planSkips(deps, { settings, tiers, skill: choice.skill.id, languageId: document.languageId, ...(resume && { fromTier: resume.fromTier }) });
  const draft = settings.showDraft ? deps.drafts.start(anchor) : undefined;
  try {
    const result = await surface.progress(
      vscode.l10n.t('Hyperguild: {0}', choice.skill.title),
      async (report, token) => {
        token.onCancellationRequested(() => controller.abort());
        const text = new ProgressText(report);
        try {
          return await runChain({
            tiers, skill: choice.skill, signal: controller.signal, maxTokens: settings.maxOutputTokens, task,
            backends: lease.backends,
            verifierModel: settings.verifierModel,
            prices: settings.prices,
            warmth: deps.warmth,
            ...(deps.warmthHint && { warmthHint: deps.warmthHint }),
            ...(resume && { resume }),
            ...(gate && { syntaxCheck: (proposal: string) => gate.check(proposal) }),
            ...(codeChecks?.length && { codeChecks }),
            ...(plan?.skip.size && { skip: plan.skip }),
            onEvent: (e) => {
              text.onEvent(e);
              draft?.onEvent(e);
              logRunEvent(log, e, tiers.length);
            },
          });
        } finally {
          text.dispose();
        }
      },
    );
    log.info(outcomeLine(result, tiers.length));
    const report = toRunReport(result, anchor.original);
    if (result.status !== 'accepted' || result.proposal === undefined || !result.accepted) {
      // The run is over: its draft goes before the failure is told, so no draft outlives the report. A cancel
      // is answered at once instead; its draft closes just after (finally).
      if (result.status !== 'cancelled') await draft?.close();
      let keepAnchor = false;
      // The sentence names each tier's reason (what to fix); the attempt lines above carry the detail; the buttons
      // the next step. "On the cloud tiers only" keeps following the selection until it is used or replaced.
      if (result.status === 'exhausted' && !surface.quiet) {
        const firstLocal = tiers.find((t) => t.kind === 'local');
        const client: ChatBackend & Partial<ModelServer> = lease.backends[firstLocal ? backendKey(firstLocal) : 'llama-swap'];
        await showFailure({
          log, tiers, hasCloudKey: await deps.hasCloudKey(), server: client.server ?? 'the local server',
          knownModels: async () => (await client.models?.(AbortSignal.timeout(3_000)) ?? []).flatMap((m) => [m.id, ...m.aliases]),
        }, result, () => {
          keepAnchor = true;
          deps.cloudRetry.offer(() => retryOnCloud(deps, ctx), () => deps.proposals.release(anchor));
        });
      }
      if (!keepAnchor) deps.proposals.release(anchor);
      remember(result);
      return report;
    }
    if (document.isClosed && document.uri.scheme === 'untitled') {
      // An untitled document closed during the run is gone: opening it again would conjure an empty one.
      deps.proposals.release(anchor);
      await draft?.close();
      const message = vscode.l10n.t('The document was closed while "{0}" ran, so the answer by {1} was dropped; run the skill again.', choice.skill.title, result.accepted.model);
      tell(log, surface, message, 'warning');
      remember({ status: 'failed', message, attempts: result.attempts });
      return { status: 'failed', message, attempts: report.attempts };
    }
    const byModel = vscode.l10n.t('{0} by {1}', choice.skill.title, result.accepted.model);
    const title = deps.demo ? vscode.l10n.t('Demo · {0}', byModel) : byModel;
    // The proposal takes the draft's place: opened in its column, then the draft closes.
    const column = await draft?.column();
    const proposal = await deps.proposals.open(anchor, result.proposal, title, continuationOf(deps, ctx, result.continuation, runId), runId, column);
    await draft?.close();
    surface.opened?.(proposal);
    if (!surface.quiet) offerActions(deps, proposal, vscode.l10n.t('Hyperguild: {0} by {1} is ready to review.', choice.skill.title, result.accepted.model));
    remember(result);
    return report;
  } catch (err) {
    deps.proposals.release(anchor);
    await draft?.close();
    const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
    log.error(detail);
    const failed = failWith(log, surface, vscode.l10n.t('Hyperguild could not finish "{0}" because of an internal error; the log has the detail.', choice.skill.title));
    remember({ status: 'failed', message: failed.message ?? '', attempts: [] });
    return failed;
  } finally {
    // A cancelled run's draft (closing twice is harmless).
    void draft?.close();
    gate?.dispose();
    plan?.dispose();
    // The checks' shadow copy goes once the run is over (also on cancel); removing it does not hold the run up.
    if (codeChecks) disposeChecks(codeChecks, (err) => log.warn(`Removing a code check's files failed: ${String(err)}`));
    lease.release();
    deps.runs.end(controller);
  }
}

/** The run's adaptive skips (none without the feature), said in the log. */
async function planSkips(deps: RunSkillDeps, run: AdaptiveRun): Promise<AdaptivePlan | undefined> {
  const plan = await deps.adaptive?.plan(run);
  for (const note of plan?.notes ?? []) deps.log.info(`  ${note}`);
  return plan;
}

/**
 * A run continued later (Escalate, the cloud tiers only) uses the settings in effect then, not the ones it started
 * with: a tier or server the user removed since is never asked. The task keeps its code, within today's context lines.
 */
function inEffect(ctx: RunContext, tiers: (now: Tier[]) => Tier[]): { ctx: RunContext } | { problem: string } {
  const settings = readSettings(ctx.document.uri);
  if (!settings.tiers) return { problem: settings.problems[0] };
  const chosen = tiers(settings.tiers);
  const problem = localUrlProblem(settings, chosen);
  if (problem) return { problem };
  return { ctx: { ...ctx, settings, tiers: chosen, task: narrowContext(ctx.task, settings.contextLines) } };
}

/** "On the cloud tiers only this time", with the chain in effect now. */
async function retryOnCloud(deps: RunSkillDeps, ctx: RunContext): Promise<RunReport> {
  const now = inEffect(ctx, (tiers) => tiers.filter((t) => t.kind === 'cloud'));
  const refuse = (message: string) => {
    deps.proposals.release(ctx.anchor);
    return failWith(deps.log, ctx.surface, message, 'warning');
  };
  if ('problem' in now) return refuse(now.problem);
  if (now.ctx.tiers.length === 0) return refuse(vscode.l10n.t('The chain in effect has no cloud tier now, so nothing was sent; run the skill again to use the chain as it is.'));
  return execute(deps, now.ctx);
}

/** How the proposal's Escalate continues this run; none left after the last tier is said, and the proposal stays. */
function continuationOf(deps: RunSkillDeps, ctx: RunContext, c: Continuation | undefined, runId: string): Proposal['escalate'] {
  if (!c) return undefined;
  return async (feedback, surface) => {
    const resume = escalateByUser(c, ctx.tiers, feedback);
    const userStep = resume.attempts[resume.attempts.length - 1];
    if (c.nextTier >= ctx.tiers.length) {
      const message = vscode.l10n.t('No tier follows {0} in the chain, so there is nothing to escalate to; the proposal stays open.', c.accepted.model);
      tell(deps.log, surface, message, 'warning');
      return { status: 'exhausted', message, attempts: toRunReport({ status: 'exhausted', attempts: [...resume.attempts] }, ctx.anchor.original).attempts };
    }
    // The rest of the chain must be what the user has now: a cloud tier removed since is not asked.
    const now = inEffect(ctx, (tiers) => tiers);
    if ('problem' in now) return failWith(deps.log, surface, now.problem, 'warning');
    if (!sameTiers(now.ctx.tiers, ctx.tiers)) {
      return failWith(deps.log, surface, vscode.l10n.t('The chain changed since {0} answered, so Escalate does not send the code up the old one; the proposal stays open (run the skill again to use the chain as it is).', c.accepted.model), 'warning');
    }
    // The diff closes, but the anchor keeps following the user's edits for the continued run's proposal.
    await deps.proposals.detach(ctx.anchor);
    deps.log.info(`▶ ${ctx.choice.skill.id} escalated by you · continuing at tier ${c.nextTier + 1}/${ctx.tiers.length}`);
    deps.log.info(`  ${attemptLine(userStep, ctx.tiers.length)}`);
    // The continued run shows itself where the Escalate came from (a chat follow-up, or the editor).
    return execute(deps, { ...now.ctx, surface: surface ?? NOTIFICATION }, resume, runId);
  };
}

/** Apply / Discard / Escalate… in the notification, beside the same buttons in the diff's title bar. */
function offerActions(deps: RunSkillDeps, proposal: Proposal, message: string): void {
  const { log } = deps;
  const [apply, discard, escalate] = [vscode.l10n.t('Apply'), vscode.l10n.t('Discard'), vscode.l10n.t('Escalate…')];
  const actions = proposal.escalate ? [apply, discard, escalate] : [apply, discard];
  void vscode.window
    .showInformationMessage(message, ...actions)
    .then(async (action) => {
      if (action === apply) {
        const applied = await deps.proposals.apply(proposal.id);
        if (!applied.applied && applied.reason) showWarning(log, applied.reason);
      } else if (action === discard) await deps.proposals.discard(proposal.id);
      else if (action === escalate) await escalateCommand(deps, proposal.id);
    })
    .then(undefined, (err: unknown) => showError(log, vscode.l10n.t('Hyperguild could not act on the proposal; the log has the detail.'), err instanceof Error ? err.stack : String(err)));
}
