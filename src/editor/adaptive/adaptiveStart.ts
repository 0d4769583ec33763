// editor/adaptive: hyperguild.adaptive in the editor. Before a run (a skill, an Escalate, a chat request) it reads
// the history, asks the core's estimator which local tiers rarely pay for this skill and language, and either
// skips them (on, or the user said Always), or offers to (suggest): the run starts at once, and the user's
// "This time" or "Always" skips the tier even while it runs. May import the core, the history recorder and
// the editor's shared files; run and chat build on it.
import * as vscode from 'vscode';
import { decide, estimateTiers, recentLine, skipLine, type Decision } from '../../core/adaptive/estimator';
import type { TierSkip } from '../../core/engine/orchestrator';
import type { Tier } from '../../core/engine/chain';
import type { RunRecord } from '../../core/history/history';
import type { Settings } from '../settings';
import { SETTING_NAMES } from '../../core/settingKeys';

/** What the run is, for the estimator and the offer's words. */
export interface AdaptiveRun {
  settings: Pick<Settings, 'adaptive'>;
  tiers: readonly Tier[];
  skill: string;
  languageId: string;
  /** A continued run (Escalate) plans only from here on. */
  fromTier?: number;
}

/** The skips of one run (tier index → skip), and the offer's notification to close when the run ends. */
export interface AdaptivePlan {
  skip: ReadonlyMap<number, TierSkip>;
  /** Log lines: what was skipped, explored or offered, and why. */
  notes: string[];
  dispose(): void;
}

/** Where the history comes from: undefined when it is off (then adaptive is off too: nothing to learn from). */
export type HistorySource = () => Promise<readonly RunRecord[] | undefined>;

/** The offer's buttons as a command (hidden from the palette): `{ choice: 'always' | 'thisTime' | 'never' }`. */
export const CHOOSE_ADAPTIVE_COMMAND = 'hyperguild.chooseAdaptiveStart';
export const FORGET_ADAPTIVE_COMMAND = 'hyperguild.forgetAdaptiveChoices';

/** The command's argument; anything else is This time (the button a user means by just choosing). */
export function adaptiveChoice(raw: unknown): AdaptiveChoice {
  return raw === 'always' || raw === 'never' ? raw : 'thisTime';
}

const NO_PLAN: AdaptivePlan = { skip: new Map(), notes: [], dispose: () => undefined };
/** The newest runs read: the estimator's window is per tier and key, so this bounds the read, not the answer. */
export const HISTORY_READ = 2_000;

type Memory = 'always' | 'never';
export type AdaptiveChoice = 'always' | 'thisTime' | 'never';
interface Offer {
  run: AdaptiveRun;
  decision: Decision;
  controller: AbortController;
}

export class AdaptiveStart {
  private offered: Offer | undefined;

  constructor(
    private readonly history: HistorySource,
    /** The user's Always and Never, kept across sessions (globalState). */
    private readonly memory: vscode.Memento,
  ) {}

  /** Never rejects: a plan is evidence, never a dependency of the run (a failure to plan skips nothing, and says so). */
  async plan(run: AdaptiveRun): Promise<AdaptivePlan> {
    try {
      return await this.planOrThrow(run);
    } catch (err) {
      return { ...NO_PLAN, notes: [`${SETTING_NAMES.adaptive} could not plan this run (${err instanceof Error ? err.message : String(err)}); every tier is tried.`] };
    }
  }

  private async planOrThrow(run: AdaptiveRun): Promise<AdaptivePlan> {
    if (run.settings.adaptive === 'off') return NO_PLAN;
    const runs = await this.history();
    if (!runs) return NO_PLAN;
    const key = { skill: run.skill, languageId: run.languageId, chain: run.tiers.map((t) => t.model) };
    const decisions = decide(estimateTiers(runs, key), run.tiers.map((t) => t.kind === 'local'))
      .filter((d) => d.tierIndex >= (run.fromTier ?? 0) && d.action !== 'try');
    const skip = new Map<number, TierSkip>();
    const notes: string[] = [];
    let offer: vscode.Disposable | undefined;
    for (const d of decisions) {
      if (d.action === 'explore') {
        notes.push(`trying ${d.model} although ${d.accepted}/${d.of} were accepted recently (1 run in 10 still tries it)`);
      } else if (run.settings.adaptive === 'on' || this.remembered(alwaysKey(run, d)) === 'always') {
        skip.set(d.tierIndex, { reason: recentLine(d), ...saved(d) });
        notes.push(skipLine(d, recentLine(d)));
      } else if (!offer && this.remembered(neverKey(run)) !== 'never') {
        const controller = new AbortController();
        skip.set(d.tierIndex, { reason: `${recentLine(d)} (you chose to skip it)`, signal: controller.signal, ...saved(d) });
        notes.push(`offered to start past ${d.model}: ${d.accepted}/${d.of} accepted recently`);
        offer = this.offer(run, d, controller);
      }
    }
    return { skip, notes, dispose: () => offer?.dispose() };
  }

  /** The suggestion: non-blocking; "This time" and "Always" skip the tier at once, even mid-answer. */
  private offer(run: AdaptiveRun, d: Decision, controller: AbortController): vscode.Disposable {
    const next = run.tiers[d.tierIndex + 1]?.model ?? '';
    const message = vscode.l10n.t('Start at {0}: {1} accepted {2} of {3} recent {4} runs ({5}).', next, d.model, d.accepted, d.of, run.skill, run.languageId);
    const offer: Offer = { run, decision: d, controller };
    this.offered = offer;
    const labels: Record<AdaptiveChoice, string> = { always: vscode.l10n.t('Always'), thisTime: vscode.l10n.t('This time'), never: vscode.l10n.t('Never for this skill') };
    void vscode.window.showInformationMessage(message, labels.always, labels.thisTime, labels.never).then((label) => {
      const choice = (Object.keys(labels) as AdaptiveChoice[]).find((c) => labels[c] === label);
      return choice ? this.apply(offer, choice) : undefined;
    });
    return { dispose: () => void (this.offered === offer && (this.offered = undefined)) };
  }

  /**
   * The offer's buttons, also a command (hyperguild.chooseAdaptiveStart, as the notification's button runs it):
   * the newest offer of a run still going. False when none is open.
   */
  async choose(choice: AdaptiveChoice): Promise<boolean> {
    if (!this.offered) return false;
    await this.apply(this.offered, choice);
    return true;
  }

  private async apply({ run, decision, controller }: Offer, choice: AdaptiveChoice): Promise<void> {
    if (choice === 'always') await this.memory.update(alwaysKey(run, decision), 'always');
    if (choice === 'never') await this.memory.update(neverKey(run), 'never');
    if (choice === 'always' || choice === 'thisTime') controller.abort();
  }

  /** Forgets every Always and Never (Hyperguild: Forget Start-Past Choices); returns how many were kept. */
  async forget(): Promise<number> {
    const keys = this.memory.keys().filter((k) => k.startsWith(MEMORY_PREFIX));
    for (const key of keys) await this.memory.update(key, undefined);
    return keys.length;
  }

  private remembered(key: string): Memory | undefined {
    return this.memory.get<Memory>(key);
  }
}

/** What the attempt records of the estimate: the chance, and the time skipping saves. */
const saved = (d: Decision) => ({ chance: d.estimate, ...(d.medianMs !== undefined && { expectedMs: d.medianMs }) });

const MEMORY_PREFIX = 'adaptive.';
const alwaysKey = (run: AdaptiveRun, d: Decision) => `${MEMORY_PREFIX}always:${run.skill}:${run.languageId}:${d.model}`;
const neverKey = (run: AdaptiveRun) => `${MEMORY_PREFIX}never:${run.skill}`;

/**
 * The history as the planner reads it: read again as soon as this window records a run (after its diff opened, off
 * any run's path), so the next run's start finds it read and does not wait on the file; another window's runs are
 * seen after our next. Undefined while hyperguild.history.enabled is off.
 */
export function cachedHistory(recorder: { get(limit?: number): Promise<RunRecord[]>; onDidChange: vscode.Event<void> }, enabled: () => boolean): HistorySource & vscode.Disposable {
  let cached: Promise<RunRecord[]> | undefined;
  const read = () => (cached = recorder.get(HISTORY_READ).catch(() => []));
  const listener = recorder.onDidChange(() => (enabled() ? void read() : (cached = undefined)));
  const source = async () => (enabled() ? (cached ?? read()) : undefined);
  return Object.assign(source, { dispose: () => listener.dispose() });
}
