// The chain in VS Code's model picker and behind `vscode.lm.selectChatModels({ vendor: 'hyperguild' })`: one
// language model per chain in effect. A request walks the chain as a conversation (core/engine/conversation.ts); only the
// accepted answer reaches the caller, never a rejected one. Tools: none in v1 (see README).
import * as vscode from 'vscode';
import { randomUUID } from 'node:crypto';
import { cascadeInfo, estimateTokens, MESSAGE_OVERHEAD_TOKENS, requestOptions, type CascadeInfo } from '../../core/engine/cascade';
import { chatJob } from '../../core/engine/conversation';
import { runChain, type RunResult, type WarmthSource } from '../../core/engine/orchestrator';
import { outcomeLine, runHeader } from '../../core/engine/report';
import type { ChatMessage, WarmState } from '../../core/types';
import type { Tier } from '../../core/engine/chain';
import type { EngineHost } from '../run/engineHost';
import type { HistoryRecorder } from '../history/historyRecorder';
import type { AdaptiveStart } from '../adaptive/adaptiveStart';
import type { RunRegistry } from '../run/runRegistry';
import type { LanguageModelChatInformation, LanguageModelChatProvider, LanguageModelChatRequestMessage, ProvideLanguageModelChatResponseOptions } from './lmProviderApi';
import { readSettings, currentScope, type Settings } from '../settings';
import { logRunEvent } from '../run/runLog';
import { SETTING_NAMES } from '../../core/settingKeys';
import { Disposable } from '../disposable';

export const VENDOR = 'hyperguild';

type Info = LanguageModelChatInformation & CascadeInfo;

/** How a language-model request is recorded in the history, and keyed for hyperguild.adaptive. */
const LM_SKILL = 'language-model';
const LM_LANGUAGE = 'chat';

export interface CascadeDeps {
  log: vscode.LogOutputChannel;
  engine: EngineHost;
  warmth: WarmthSource;
  warmthHint?: (model: string, serverKey: string) => WarmState;
  history?: HistoryRecorder;
  /** hyperguild.adaptive: a request starts past the tiers that rarely pay, as a skill's run does. */
  adaptive?: AdaptiveStart;
  /** Runs in flight: "Hyperguild: Cancel Running Skills" stops a request too. */
  runs: RunRegistry;
}

/** A message's text: its text parts, a tool result's text, a tool call named (the cascade calls no tools itself). */
function textOf(content: readonly unknown[]): string {
  return content.map((part) => {
    if (part instanceof vscode.LanguageModelTextPart) return part.value;
    if (part instanceof vscode.LanguageModelToolResultPart) return textOf(part.content);
    if (part instanceof vscode.LanguageModelToolCallPart) return `[tool call ${part.name} ${JSON.stringify(part.input)}]`;
    return '';
  }).join('');
}

/** User and Assistant as they are; any other role (a System role, proposed) as the system message. */
function toChatMessage(m: LanguageModelChatRequestMessage): ChatMessage {
  const role = m.role === vscode.LanguageModelChatMessageRole.User ? 'user' : m.role === vscode.LanguageModelChatMessageRole.Assistant ? 'assistant' : 'system';
  return { role, content: textOf(m.content) };
}

export class CascadeModels extends Disposable implements LanguageModelChatProvider<Info> {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChangeLanguageModelChatInformation = this.changed.event;
  private announced = '';

  constructor(private readonly deps: CascadeDeps) {
    super();
  }

  /** The settings may have changed: VS Code is told only when the models did. */
  refresh(): void {
    const now = JSON.stringify(this.inEffect().map((c) => c.info));
    if (now === this.announced) return;
    this.announced = now;
    this.changed.fire();
  }

  /** One model per distinct valid chain: the active file's (or the first folder's), then each folder's. */
  private inEffect(): { info: Info; settings: Settings; tiers: Tier[] }[] {
    const scopes = [currentScope(), ...(vscode.workspace.workspaceFolders ?? []).map((f) => f.uri)];
    const found = new Map<string, { info: Info; settings: Settings; tiers: Tier[] }>();
    for (const scope of scopes) {
      const settings = readSettings(scope);
      if (!settings.tiers) continue;
      // isUserSelectable (VS Code's proposed chatProvider API, read by 1.104+ as given) lists it in the chat's model
      // picker at once; without it the user must first find it under Manage Models. requiresAuthorization (the same)
      // makes VS Code ask the user before another extension spends the chain's keys through it.
      const info: Info = { ...cascadeInfo(settings.tiers, settings), capabilities: { toolCalling: false, imageInput: false }, isUserSelectable: true, requiresAuthorization: true };
      if (!found.has(info.id)) found.set(info.id, { info, settings, tiers: settings.tiers });
    }
    return [...found.values()];
  }

  provideLanguageModelChatInformation(): Info[] {
    const models = this.inEffect();
    this.announced = JSON.stringify(models.map((c) => c.info));
    return models.map((c) => c.info);
  }

  provideTokenCount(_model: Info, text: string | LanguageModelChatRequestMessage): Thenable<number> {
    return Promise.resolve(typeof text === 'string' ? estimateTokens(text) : estimateTokens(textOf(text.content)) + MESSAGE_OVERHEAD_TOKENS);
  }

  async provideLanguageModelChatResponse(
    model: Info, messages: readonly LanguageModelChatRequestMessage[], options: ProvideLanguageModelChatResponseOptions,
    progress: vscode.Progress<vscode.LanguageModelTextPart>, token: vscode.CancellationToken,
  ): Promise<void> {
    const { log } = this.deps;
    // A refused request is said to the caller and written to the log, as every failed run is.
    const refuse = <E extends Error>(err: E): E => {
      log.warn(`language-model request refused: ${err.message}`);
      return err;
    };
    const chain = this.inEffect().find((c) => c.info.id === model.id);
    if (!chain) throw refuse(vscode.LanguageModelError.NotFound(vscode.l10n.t('The Hyperguild cascade "{0}" is no longer in the settings; choose a Hyperguild model again.', model.name)));
    const { settings, tiers, info } = chain;
    if (options.tools?.length && options.toolMode === vscode.LanguageModelChatToolMode.Required) {
      throw refuse(new Error(vscode.l10n.t('{0} does not call tools, so a request that requires a tool call cannot be answered; choose a model with tool calling.', info.name)));
    }
    const chat = messages.map(toChatMessage);
    const tokens = chat.reduce((n, m) => n + estimateTokens(m.content) + MESSAGE_OVERHEAD_TOKENS, 0);
    if (tokens > info.maxInputTokens) {
      throw refuse(new Error(vscode.l10n.t('The request is about {0} tokens, more than the {1} that {2} takes (the least any tier\'s context holds, {3}, beside the answer and what a later tier is sent about earlier answers); send less.', tokens, info.maxInputTokens, info.name, SETTING_NAMES.localContextTokens)));
    }
    const asked = requestOptions(options.modelOptions, settings.maxOutputTokens);
    if ('problem' in asked) throw refuse(new Error(asked.problem));

    // VS Code up to at least 1.117 stops delivering the caller's cancel once the request has started
    // (microsoft/vscode#277872); Cancel Running Skills reaches it there.
    const controller = this.deps.runs.start();
    const cancel = token.onCancellationRequested(() => controller.abort());
    if (token.isCancellationRequested) controller.abort();
    const lease = this.deps.engine.lease(settings);
    const startedAt = new Date();
    log.info(runHeader('language-model request', `a conversation of ${chat.length} message${chat.length === 1 ? '' : 's'}`, tiers));
    const plan = await this.deps.adaptive?.plan({ settings, tiers, skill: LM_SKILL, languageId: LM_LANGUAGE });
    for (const note of plan?.notes ?? []) log.info(`  ${note}`);
    let result: RunResult;
    try {
      result = await runChain({
        ...(plan?.skip.size && { skip: plan.skip }),
        tiers, job: chatJob(chat), backends: lease.backends, verifierModel: settings.verifierModel, prices: settings.prices,
        maxTokens: asked.maxTokens, ...(asked.temperature !== undefined && { temperature: asked.temperature }),
        warmth: this.deps.warmth, ...(this.deps.warmthHint && { warmthHint: this.deps.warmthHint }),
        signal: controller.signal, onEvent: (e) => logRunEvent(log, e, tiers.length),
      });
    } catch (err) {
      log.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
      throw new Error(vscode.l10n.t('{0} could not finish the request because of an internal error; the Hyperguild log has the detail.', info.name));
    } finally {
      plan?.dispose();
      cancel.dispose();
      lease.release();
      this.deps.runs.end(controller);
    }
    log.info(outcomeLine(result, tiers.length));
    void this.deps.history?.record({
      id: randomUUID(), startedAt, languageId: LM_LANGUAGE, skill: LM_SKILL, chain: tiers.map((t) => t.model), result, answerOnly: true,
    });
    if (result.status === 'cancelled') throw new vscode.CancellationError();
    if (result.status !== 'accepted' || result.proposal === undefined) {
      throw new vscode.LanguageModelError(vscode.l10n.t('{0} accepted no answer: {1}', info.name, result.message ?? vscode.l10n.t('every tier failed')));
    }
    progress.report(new vscode.LanguageModelTextPart(result.proposal));
  }
}
