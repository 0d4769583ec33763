// `hyperguild run`: one skill on a file's lines through the chain, as the extension's Run Skill does; the attempts
// on stderr as the log's lines, the accepted answer as a unified diff on stdout, or written with --write.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
import { runChain, type RunResult, type WarmthSource } from '../core/engine/orchestrator';
import { attemptLines, outcomeLine, runHeader } from '../core/engine/report';
import type { Skill } from '../core/engine/skills';
import type { Settings } from '../core/setup/settings';
import { WarmTracker } from '../core/warmth/warmTracker';
import { createBackendSet, type BackendSet } from '../backends/backendSet';
import { parse, RUN_OPTIONS, stringFlag } from './args';
import { line, settingsFor, type CliContext } from './context';
import { loadTarget, parseTarget, type LoadedTarget } from './fileTarget';
import { EXIT, UsageError } from './usage';
import { CliChecks } from './cliChecks';

/** The skill a run asks for, as the extension's command argument checks it. */
export function chooseSkill(settings: Settings, id: string | undefined, instruction: string | undefined): Skill {
  const ids = settings.skills.map((s) => s.id).join(', ');
  if (!id) throw new UsageError(`Name the skill with --skill, one of ${ids}.`);
  const skill = settings.skills.find((s) => s.id === id);
  // A user skill that failed validation: say why rather than that it does not exist.
  if (!skill) throw new UsageError(settings.problems.find((p) => p.startsWith(`The skill "${id}" `)) ?? `There is no skill "${id}"; use one of ${ids}.`);
  if (skill.needsInstruction && !instruction) throw new UsageError(`The skill "${id}" needs an instruction; give it with --instruction "…".`);
  return skill;
}

/** Where the grammars are: beside the bundle (dist/tree-sitter), else the package's own folder (compiled tests). */
export function grammarsDir(given?: string): string | undefined {
  const candidates = [given, path.join(__dirname, 'tree-sitter'), path.resolve(__dirname, '../../../node_modules/@vscode/tree-sitter-wasm/wasm')];
  return candidates.find((dir) => dir !== undefined && fs.existsSync(path.join(dir, 'tree-sitter.js')));
}

/** Each local server's warmth, read when a tier starts (one tracker per server, disposed with the run). */
function warmthOf(set: BackendSet): { warmth: WarmthSource; dispose(): void } {
  const trackers = new Map<string, WarmTracker>();
  return {
    warmth: (model, key) => {
      const client = set.backends[key];
      if (!client?.status) return 'unknown';
      let tracker = trackers.get(key);
      if (!tracker) {
        const models = client.models?.bind(client);
        tracker = new WarmTracker({ fetchRunning: (s) => client.status!(s), ...(models && { fetchAliases: models }), intervalMs: 60_000 });
        trackers.set(key, tracker);
      }
      return tracker.readWarmth(model);
    },
    dispose: () => trackers.forEach((t) => t.dispose()),
  };
}

export async function runCommand(args: string[], ctx: CliContext): Promise<number> {
  const parsed = parse('hyperguild run', args, RUN_OPTIONS);
  if (parsed.positionals.length !== 1) {
    throw new UsageError(parsed.positionals.length ? `hyperguild run takes one <file>:<start>-<end>, not ${parsed.positionals.length}.` : 'Give the code to change as <file>:<start>-<end>, for example src/math.ts:7-13.');
  }
  const spec = parseTarget(parsed.positionals[0]);
  const { settings, tiers, workspace } = settingsFor(parsed, ctx);
  const instruction = stringFlag(parsed, 'instruction');
  const skill = chooseSkill(settings, stringFlag(parsed, 'skill'), instruction);
  const target = loadTarget(spec, ctx.cwd, workspace, settings.contextLines);
  const task = { ...target.task, ...(instruction && { instruction }) };

  line(ctx.stderr, runHeader(skill.id, `${target.display}:${spec.startLine}-${spec.endLine}`, tiers));
  const set = createBackendSet(settings, { anthropic: () => Promise.resolve(ctx.env.ANTHROPIC_API_KEY), anthropicBaseUrl: ctx.env.ANTHROPIC_BASE_URL });
  const warmth = warmthOf(set);
  // Prepared now, while the first tier answers, as in the extension.
  const source = new CliChecks(settings, grammarsDir(ctx.wasmDir), parsed.values.checks === true);
  const code = skill.expectsCode
    ? source.forTarget({ path: target.absolute, root: workspace, languageId: task.languageId, text: target.text, start: target.start, end: target.end })
    : undefined;
  let result: RunResult;
  try {
    result = await runChain({
      tiers, skill, task, signal: ctx.signal, maxTokens: settings.maxOutputTokens, backends: set.backends,
      verifierModel: settings.verifierModel, prices: settings.prices, warmth: warmth.warmth,
      ...(code?.syntaxCheck && { syntaxCheck: code.syntaxCheck }),
      ...(code?.codeChecks.length && { codeChecks: code.codeChecks }),
      onEvent: (e) => {
        if (e.type === 'attempt') for (const text of attemptLines(e.attempt, tiers.length)) line(ctx.stderr, text);
      },
    });
  } finally {
    code?.dispose();
    source.dispose();
    warmth.dispose();
    await set.close();
  }
  line(ctx.stderr, outcomeLine(result, tiers.length));
  if (result.status !== 'accepted' || result.proposal === undefined) return EXIT.notAccepted;
  return deliver(parsed.values.write === true, target, result.proposal, ctx);
}

/** The accepted answer: a diff on stdout, or written to the file when it is still as the run read it. */
function deliver(write: boolean, target: LoadedTarget, proposal: string, ctx: CliContext): number {
  const next = target.text.slice(0, target.start) + proposal + target.text.slice(target.end);
  const patch = () => createTwoFilesPatch(`a/${target.display}`, `b/${target.display}`, target.text, next, undefined, undefined, { headerOptions: FILE_HEADERS_ONLY });
  if (!write) {
    ctx.stdout.write(patch());
    return EXIT.accepted;
  }
  let now: string | undefined;
  try {
    now = fs.readFileSync(target.absolute, 'utf8');
  } catch {
    now = undefined;
  }
  if (now !== target.text) {
    // Nothing lost: the answer goes to stdout as a diff against the file as the run read it.
    ctx.stdout.write(patch());
    line(ctx.stderr, `${target.display} changed while the run was going, so the answer was not written; the diff on stdout is against the file as the run read it.`);
    return EXIT.notAccepted;
  }
  fs.writeFileSync(target.absolute, next);
  line(ctx.stderr, `Wrote the answer to ${target.display}.`);
  return EXIT.accepted;
}
