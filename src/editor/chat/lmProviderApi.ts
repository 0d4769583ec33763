// VS Code's Language Model Chat Provider API, finalized in VS Code 1.104. The extension still runs on 1.100 (the
// @types/vscode it compiles against; forks such as Cursor lag behind), so the API's types live here, in one
// place, and its presence is detected at run time. Delete this file once the floor reaches 1.104.
import * as vscode from 'vscode';

export interface LanguageModelChatInformation {
  readonly id: string;
  readonly name: string;
  readonly family: string;
  readonly version: string;
  readonly tooltip?: string;
  readonly detail?: string;
  readonly maxInputTokens: number;
  readonly maxOutputTokens: number;
  readonly capabilities: { readonly imageInput?: boolean; readonly toolCalling?: boolean | number };
  /** Proposed (chatProvider), read by VS Code as given: shown in the chat's model picker without Manage Models. */
  readonly isUserSelectable?: boolean;
  /**
   * Proposed (chatProvider), read by VS Code as given: another extension's first request asks the user to allow it
   * ("access to the language models provided by Hyperguild"), revocable under Manage Trusted Extensions.
   */
  readonly requiresAuthorization?: true | { readonly label: string };
}

export interface LanguageModelChatRequestMessage {
  readonly role: vscode.LanguageModelChatMessageRole;
  readonly content: readonly unknown[];
  readonly name: string | undefined;
}

export interface ProvideLanguageModelChatResponseOptions {
  readonly modelOptions?: { readonly [name: string]: unknown };
  readonly tools?: readonly vscode.LanguageModelChatTool[];
  readonly toolMode: vscode.LanguageModelChatToolMode;
}

export interface LanguageModelChatProvider<T extends LanguageModelChatInformation = LanguageModelChatInformation> {
  readonly onDidChangeLanguageModelChatInformation?: vscode.Event<void>;
  provideLanguageModelChatInformation(options: { readonly silent: boolean }, token: vscode.CancellationToken): vscode.ProviderResult<T[]>;
  provideLanguageModelChatResponse(
    model: T, messages: readonly LanguageModelChatRequestMessage[], options: ProvideLanguageModelChatResponseOptions,
    progress: vscode.Progress<vscode.LanguageModelTextPart>, token: vscode.CancellationToken,
  ): Thenable<void>;
  provideTokenCount(model: T, text: string | LanguageModelChatRequestMessage, token: vscode.CancellationToken): Thenable<number>;
}

type Register = (vendor: string, provider: LanguageModelChatProvider) => vscode.Disposable;

/** `vscode.lm.registerLanguageModelChatProvider` where this VS Code has it (≥ 1.104), else undefined. */
export function languageModelProviderApi(): Register | undefined {
  const lm = vscode.lm as typeof vscode.lm & { registerLanguageModelChatProvider?: Register };
  return typeof lm.registerLanguageModelChatProvider === 'function' ? lm.registerLanguageModelChatProvider.bind(lm) : undefined;
}
