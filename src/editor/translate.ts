// Sentences from editor files that stay free of the vscode import (so plain-Node tests load them) are made ready for
// translation through a Translate the caller passes: vscode.l10n.t in the extension. The default is what l10n.t
// returns without a bundle: the English text with {0}, {1}… filled in.
export type Translate = (message: string, ...args: (string | number)[]) => string;

export const english: Translate = (message, ...args) =>
  message.replace(/\{(\d+)\}/g, (slot, i: string) => (Number(i) < args.length ? String(args[Number(i)]) : slot));
