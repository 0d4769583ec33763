// The command line's help text and its one kind of expected failure: a usage or setup error (exit 2), told in one
// sentence that names the thing to fix.
import { SETTING_NAMES } from '../core/settingKeys';

/** A wrong flag, file, range or setting: one sentence on stderr, exit code 2, no stack. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const EXIT = { accepted: 0, notAccepted: 1, usage: 2 } as const;

export const HELP = `hyperguild: the Hyperguild cascade on the command line (local models first, then the cloud;
each local answer checked before it is accepted). The same engine and settings as the VS Code extension.

Usage:
  hyperguild run --skill <id> [--instruction "…"] <file>:<start>-<end> [--write] [--checks] [options]
  hyperguild eval <tasks>… [--out <dir>] [--baselines] [--verifier-only <recorded.json>] [options]
  hyperguild --help | --version

run   Asks the chain for the skill on lines <start> to <end> of <file> (1-based, inclusive), prints each
      attempt on stderr as the extension's log does, and prints the accepted answer as a unified diff on
      stdout (git apply / patch -p1 take it). Each answer passes the extension's checks first: the syntax
      gate and the TypeScript/JavaScript diagnostics gate (the TypeScript shipped with Hyperguild, in memory).
  --skill <id>            refactor, fix, document, simplify, add-types, custom, or one of ${SETTING_NAMES.skills}
  --instruction <text>    what to change (the custom skill needs it; other skills take it as a hint)
  --write                 apply the accepted answer to the file instead of printing it, only if the file
                          is unchanged since the run read it
  --checks                also run ${SETTING_NAMES.checks}' commands (on a temporary copy): they come from
                          the settings file, so only in a folder whose settings you trust

eval  Runs a task set (folders or files of our task format, CanItEdit records, Aider polyglot exercises),
      writes the report as Markdown, HTML and JSON, and prints a summary and the reports' paths.
  --out <dir>             where the reports go (default: hyperguild-eval)
  --baselines             also send every task straight to the last tier, and to the local tiers alone
  --verifier-only <file>  replay the answers recorded in an earlier report's JSON through the verifier

Options of both:
  --workspace <dir>       the folder whose .vscode/settings.json applies (default: the current folder)
  --chain <a,b,c>         the chain's models, instead of ${SETTING_NAMES.chain}
  --llama-swap-url <url>  instead of ${SETTING_NAMES.llamaSwapUrl}
  --verifier-model <m>    instead of ${SETTING_NAMES.verifierModel}

Settings come from <workspace>/.vscode/settings.json (comments and trailing commas allowed) over the
extension's defaults; flags override both; user settings are not read. There is no workspace-trust prompt:
the command runs in your own shell on a folder you chose, so its settings file is taken as given, and its
chain and servers decide where your code is sent. The Anthropic key comes from ANTHROPIC_API_KEY (never
printed), its address from ANTHROPIC_BASE_URL. Ctrl-C cancels the run.

Exit codes: 0 accepted (eval: it ran), 1 not accepted (exhausted, failed, cancelled, or --write refused),
2 usage or setup error (a flag, file, range or setting to fix).
`;
