// Help at the moment of failure: the message of a failed run offers the next step (Check Setup, the cloud tiers
// only this time, Set API Key), and a model the server does not know is answered with the names it does know.
import * as vscode from 'vscode';
import { closestNames, failureHelp } from '../../core/setup/failureHelp';
import type { Tier } from '../../core/engine/chain';
import type { RunResult } from '../../core/engine/orchestrator';
import type { RunReport } from '../../core/engine/report';
import { showError, showWarning, type NotifyAction } from '../notify';
import { Disposable } from '../disposable';

export const RETRY_ON_CLOUD_COMMAND = 'hyperguild.retryOnCloudTiers';

/** The one pending "this time on the cloud tiers" of the newest failed run; a newer failure replaces it. */
export class CloudRetry extends Disposable {
  private pending: { run: () => Promise<RunReport>; release: () => void } | undefined;

  offer(run: () => Promise<RunReport>, release: () => void): void {
    this.pending?.release();
    this.pending = { run, release };
  }

  /** Runs the pending retry (once). */
  async run(): Promise<RunReport> {
    const pending = this.pending;
    this.pending = undefined;
    if (!pending) return { status: 'failed', message: vscode.l10n.t('There is no failed run to repeat on the cloud tiers.'), attempts: [] };
    return pending.run();
  }

  override dispose(): void {
    this.pending?.release();
    this.pending = undefined;
    super.dispose();
  }
}

export interface FailureContext {
  log: vscode.LogOutputChannel;
  tiers: readonly Tier[];
  hasCloudKey: boolean;
  /** The models the local server knows (ids and aliases), for "did you mean". */
  knownModels: () => Promise<string[]>;
  server: string;
}

/** Shows why the run failed with the next steps as buttons; resolves once "did you mean" is shown too. */
export async function showFailure(ctx: FailureContext, result: RunResult, offerCloudRetry: () => void): Promise<void> {
  const help = failureHelp(result.attempts, ctx.tiers, ctx.hasCloudKey);
  const actions: NotifyAction[] = [];
  if (help.cloudOnly) {
    offerCloudRetry();
    actions.push({ title: vscode.l10n.t('Run on the Cloud Tiers Only This Time'), command: RETRY_ON_CLOUD_COMMAND });
  }
  if (help.checkSetup) actions.push({ title: vscode.l10n.t('Check Setup'), command: 'hyperguild.checkSetup' });
  if (help.setKey) actions.push({ title: vscode.l10n.t('Set API Key'), command: 'hyperguild.setAnthropicKey' });
  showError(ctx.log, result.message ?? vscode.l10n.t('No answer was accepted.'), undefined, actions);
  if (help.unknownModels.length === 0) return;
  let known: string[] = [];
  try {
    known = await ctx.knownModels();
  } catch {
    return; // the sentence above already names the failure
  }
  for (const model of help.unknownModels) {
    const near = closestNames(model, known);
    const sentence = near.length
      ? vscode.l10n.t('{0} is not a model {1} knows; the names it has, nearest first: {2}.', model, ctx.server, near.join(', '))
      : vscode.l10n.t('{0} is not a model {1} knows and lists no models.', model, ctx.server);
    showWarning(ctx.log, sentence, [{ title: vscode.l10n.t('Check Setup'), command: 'hyperguild.checkSetup' }]);
  }
}
