import type * as vscode from 'vscode';

const WRITERS = new Set(['trace', 'debug', 'info', 'warn', 'error', 'append', 'appendLine', 'replace']);

const text = (value: unknown): string => (value instanceof Error ? (value.stack ?? value.message) : String(value));

/**
 * The log channel, also copying every line handed to it into `lines` (whatever the log level).
 * Only used when the extension runs under tests, so they can check what the log got and that no
 * secret reached it; the output channel itself is unchanged.
 */
export function tapLog(channel: vscode.LogOutputChannel, lines: string[]): vscode.LogOutputChannel {
  return new Proxy(channel, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      if (typeof property !== 'string' || !WRITERS.has(property)) return value.bind(target) as unknown;
      return (...args: unknown[]) => {
        lines.push(`[${property}] ${args.map(text).join(' ')}`);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}
