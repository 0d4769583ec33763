// Benchmark 14: the command gate's overhead beyond the command itself (writing the proposal into the shadow copy,
// placeholders, its own process group, reading the output), against the same command spawned directly in the same
// run; and the shadow copy's cost, made once per run in the background of the first tier, against the other ways
// to make one (links only; a full copy with the dependencies).
import { spawn } from 'node:child_process';
import { promises as fs, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { commandChecks } from '../src/checks/commandCheck';
import { makeShadow } from '../src/checks/shadowCopy';
import type { CheckCommand } from '../src/core/engine/checkCommands';
import { summarize, type Summary } from './stats';

export interface CommandGateResult {
  command: string;
  iterations: number;
  project: { sources: number; sourceBytes: number; dependencies: number };
  gate: Summary;
  direct: Summary;
  overhead: Summary;
  copy: Summary;
  copyStats: { files: number; bytes: number; links: number };
  remove: Summary;
  linksOnly: Summary;
  fullCopy: Summary;
}

/** A project with many files: sources in folders of 20, and a node_modules of small packages. */
function project(base: string, sources: number, dependencies: number): { root: string; file: string; bytes: number } {
  const root = path.join(base, 'app');
  const body = (i: number) => `export function f${i}(xs: number[]): number {\n${'  // a line of the module\n'.repeat(60)}  return xs.length + ${i};\n}\n`;
  let bytes = 0;
  for (let i = 0; i < sources; i++) {
    const dir = path.join(root, 'src', `m${Math.floor(i / 20)}`);
    if (i % 20 === 0) mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `f${i}.ts`), body(i));
    bytes += body(i).length;
  }
  for (let i = 0; i < dependencies; i++) {
    const dir = path.join(root, 'node_modules', `pkg${Math.floor(i / 10)}`);
    if (i % 10 === 0) mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `i${i}.js`), `module.exports = ${i};\n`);
  }
  writeFileSync(path.join(root, 'package.json'), '{ "name": "app" }\n');
  return { root, file: path.join(root, 'src', 'm5', 'f100.ts'), bytes };
}

/** The bare minimum: the shell runs the command in the folder; we wait for it to exit and its pipes to close. */
function direct(command: string, cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, { shell: true, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.resume();
    child.stderr.resume();
    child.on('error', reject);
    child.on('close', () => resolve());
  });
}

/** The cheapest shadow: links to the root's entries, real folders down to the changed file (what a copy avoids: see shadowCopy.ts). */
async function linksOnly(root: string, file: string, to: string): Promise<void> {
  const parts = path.relative(root, file).split(path.sep);
  let from = root;
  let into = to;
  for (const [depth, part] of parts.entries()) {
    await fs.mkdir(into, { recursive: true });
    for (const name of await fs.readdir(from)) if (name !== part) await fs.symlink(path.join(from, name), path.join(into, name));
    if (depth === parts.length - 1) break;
    from = path.join(from, part);
    into = path.join(into, part);
  }
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await work();
  return performance.now() - t;
}

export async function commandGateBench(options: { iterations: number; sources: number; dependencies: number; copies: number }): Promise<CommandGateResult> {
  const base = mkdtempSync(path.join(tmpdir(), 'hg-bench-commands-'));
  try {
    const { root, file, bytes } = project(base, options.sources, options.dependencies);
    const text = await fs.readFile(file, 'utf8');
    const start = text.indexOf('return');
    const command = 'true';
    const spec: CheckCommand = { languageId: 'typescript', name: command, command, timeoutMs: 10_000, fromWorkspace: false };
    const [check] = commandChecks({ path: file, root, languageId: 'typescript', text, start, end: start + 6 }, [spec], { trusted: () => true, approve: async () => new Set() });
    const signal = new AbortController().signal;
    await check.run('return', signal); // the first waits for the copy: measured below on its own
    const gate: number[] = [];
    const directTimes: number[] = [];
    const overhead: number[] = [];
    for (let i = 0; i < options.iterations; i++) {
      const proposal = `return /* ${i} */`;
      const g = await timed(async () => {
        const r = await check.run(proposal, signal);
        if (r.status !== 'passed') throw new Error(`the gate said ${r.status}: ${r.note ?? ''}`);
      });
      const d = await timed(() => direct(command, root));
      gate.push(g);
      directTimes.push(d);
      overhead.push(g - d);
    }
    await check.dispose?.();

    const copy: number[] = [];
    const remove: number[] = [];
    const links: number[] = [];
    const full: number[] = [];
    let copyStats = { files: 0, bytes: 0, links: 0 };
    for (let i = 0; i < options.copies; i++) {
      const shadow = await makeShadow(root, file);
      copy.push(shadow.stats.ms);
      copyStats = shadow.stats;
      remove.push(await timed(() => shadow.dispose()));
      const to = path.join(base, `links-${i}`);
      links.push(await timed(() => linksOnly(root, file, to)));
      const whole = path.join(base, `full-${i}`);
      full.push(await timed(() => fs.cp(root, whole, { recursive: true })));
      rmSync(to, { recursive: true, force: true });
      rmSync(whole, { recursive: true, force: true });
    }
    return {
      command, iterations: options.iterations, project: { sources: options.sources, sourceBytes: bytes, dependencies: options.dependencies },
      gate: summarize(gate), direct: summarize(directTimes), overhead: summarize(overhead),
      copy: summarize(copy), copyStats, remove: summarize(remove), linksOnly: summarize(links), fullCopy: summarize(full),
    };
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}
