// Genuine llama.cpp servers for tests and benchmarks (issue 22): the prebuilt binaries and tiny models of
// ../shared (see ../shared/docs/real-llama-server.md), started on loopback with free ports, each in a process group
// of its own, and stopped by group. Used by the node suite (test/genuine), the host runner (scripts/run-host-tests.mjs
// with HOST_GENUINE=1) and the judge-cache benchmark. Plain Node, Linux (the binaries are Linux x86-64).
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from '../support/ports';

const ROOT = path.resolve(__dirname, '../../..');
const SHARED = path.resolve(ROOT, '../shared');

/** Where the binaries, models and grammar are: ../shared beside the checkout, or the environment's override. */
export const GENUINE = {
  llamaServer: process.env.HYPERGUILD_LLAMA_SERVER || path.join(SHARED, 'bin/llama-server'),
  llamaSwap: process.env.HYPERGUILD_LLAMA_SWAP || path.join(SHARED, 'bin/llama-swap'),
  models: process.env.HYPERGUILD_GENUINE_MODELS || path.join(SHARED, 'models'),
  grammar: path.join(SHARED, 'fixtures/answer-parseable.gbnf'),
};

/** The models in GENUINE.models, by the name every server serves them under. */
export const MODELS = ['tiny-a', 'tiny-b'] as const;

/** Why the genuine tier cannot run here (one line), or undefined when it can. */
export function genuineMissing(): string | undefined {
  const missing = [GENUINE.llamaServer, GENUINE.llamaSwap, ...MODELS.map(modelFile)].filter((f) => !fs.existsSync(f));
  return missing.length ? `no genuine llama-server here (missing ${missing.join(', ')})` : undefined;
}

/** A model file of GENUINE.models by its name (tiny-a, tiny-b). */
export const modelFile = (model: string) => path.join(GENUINE.models, `${model}.gguf`);

const HEALTH_BOUND_MS = 30_000;

/**
 * Every server's sampling defaults: the default grammar answers a parseable fenced JS block (so answers pass the
 * cheap gates and the syntax gate and reach the judge), and logit biases make the judge's verdict a protocol fact
 * instead of noise: token 267 (`es`) picks "escalate" from the verdict's enum, and token 29908 (`"`) closes its
 * feedback at once (a readable verdict with an empty reason). A chain of local tiers therefore always escalates
 * to its last tier. `--logit-bias` takes one token per flag, and the router passes each option once to its model
 * instances (the last one given): there only `es` applies, so the feedback runs to the judge's token limit and
 * the verdict is unreadable, which is escalate too.
 */
const ANSWERS = ['--grammar-file', GENUINE.grammar, '--logit-bias', '29908+30', '--logit-bias', '267+10'];
const COMMON = ['--host', '127.0.0.1', '-c', '4096', '-t', '1'];

export interface GenuineServer {
  name: string;
  url: string;
  /** The server's own output, for a failure's message. */
  logFile: string;
}

export interface GenuineSet {
  /** llama-swap running tiny-a and tiny-b through llama-server, one swap group. */
  swap: GenuineServer;
  /** llama-server in router mode over the models folder, `--models-max 1`. */
  router: GenuineServer;
  /** llama-server with tiny-a only. */
  single: GenuineServer;
  /** llama-server with tiny-a, no grammar, `--logit-bias 131+5`: every streamed answer fails mid-stream. */
  broken: GenuineServer;
  stop(): Promise<void>;
}

interface Running {
  child: ChildProcess;
  exited: Promise<void>;
}

/** Every group started by this process, so that an exit or a signal still ends them; and their temporary folders. */
const live = new Set<Running>();
const folders = new Set<string>();


/** The pids under `pid` (llama-swap's llama-servers, the router's model instances), read from /proc. */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Field 4 of /proc/<pid>/stat is the parent; the name (field 2) may hold spaces, so read after its ')'.
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

/** Synchronous, so it also works in an 'exit' handler: the group, and any descendant that left it. */
function killNow(run: Running, signal: NodeJS.Signals): void {
  const pid = run.child.pid;
  if (pid === undefined) return;
  const kids = descendants(pid);
  try {
    process.kill(-pid, signal);
  } catch {
    // group gone
  }
  for (const kid of kids) {
    try {
      process.kill(kid, signal);
    } catch {
      // gone
    }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** SIGTERM (llama-swap stops its models), then SIGKILL whatever is left after 3 s. */
async function stopOne(run: Running): Promise<void> {
  const kids = run.child.pid === undefined ? [] : descendants(run.child.pid);
  killNow(run, 'SIGTERM');
  await Promise.race([run.exited, sleep(3000)]);
  killNow(run, 'SIGKILL');
  for (const kid of kids) {
    try {
      process.kill(kid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  live.delete(run);
}

let hooked = false;
/** An exit (even process.exit, or an uncaught error) kills every group; a signal too, then exits, when asked. */
function hookExit(handleSignals: boolean): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const run of live) killNow(run, 'SIGKILL');
    for (const dir of folders) fs.rmSync(dir, { recursive: true, force: true });
  });
  if (!handleSignals) return;
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      console.error(`[genuine] ${sig}: stopping the genuine servers`);
      process.exit(130);
    });
  }
}

function tail(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').slice(-1500);
  } catch {
    return '(no log)';
  }
}

/** Starts one process in a group of its own; resolves once `url/health` answers 200, within 30 s. */
async function launch(name: string, bin: string, args: string[], url: string, dir: string): Promise<GenuineServer> {
  const logFile = path.join(dir, `${name}.log`);
  const out = fs.openSync(logFile, 'w');
  const child = spawn(bin, args, { detached: true, stdio: ['ignore', out, out], cwd: dir });
  fs.closeSync(out);
  let exitedEarly: string | undefined;
  const exited = new Promise<void>((resolve) => child.once('exit', (code, signal) => {
    exitedEarly = `exited (code ${code}, signal ${signal})`;
    resolve();
  }));
  child.once('error', (err) => (exitedEarly = err.message));
  live.add({ child, exited });
  const end = Date.now() + HEALTH_BOUND_MS;
  while (Date.now() < end) {
    if (exitedEarly) throw new Error(`genuine ${name} ${exitedEarly} before it was healthy:\n${tail(logFile)}`);
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
      await res.text();
      if (res.status === 200) return { name, url, logFile };
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`genuine ${name} was not healthy within ${HEALTH_BOUND_MS / 1000} s:\n${tail(logFile)}`);
}

/** llama-swap's config: each model through the same llama-server binary on a port of its own, one swap group. */
function swapConfig(ports: Record<string, number>): string {
  const lines = ['healthCheckTimeout: 60', 'models:'];
  for (const model of MODELS) {
    const cmd = [GENUINE.llamaServer, '-m', modelFile(model), '--alias', model, ...COMMON, '--port', String(ports[model]), ...ANSWERS];
    lines.push(`  ${model}:`, `    cmd: ${JSON.stringify(cmd.join(' '))}`, `    proxy: "http://127.0.0.1:${ports[model]}"`);
  }
  lines.push('groups:', '  tiny:', '    swap: true', '    exclusive: true', `    members: [${MODELS.join(', ')}]`);
  return lines.join('\n') + '\n';
}

/**
 * One llama-server of its own (`args` name the model and sampling; address, port and threads are added), e.g. for
 * a benchmark; `stop()` ends its process group.
 */
export async function startLlamaServer(name: string, args: string[], options: StartOptions = {}): Promise<GenuineServer & { stop(): Promise<void> }> {
  const { dir, stop } = session(options);
  try {
    const port = await freePort();
    const server = await launch(name, GENUINE.llamaServer, [...args, ...COMMON, '--port', String(port)], `http://127.0.0.1:${port}`, dir);
    return { ...server, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * What each start shares: the binaries are there, the exit hooks are in, and a temporary folder for configs and
 * logs; `stop()` ends the servers started since (by process group) and removes the folder.
 */
function session(options: StartOptions): { dir: string; stop(): Promise<void> } {
  const why = genuineMissing();
  if (why) throw new Error(why);
  hookExit(options.handleSignals ?? true);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hyperguild-genuine-'));
  folders.add(dir);
  const before = new Set(live);
  const stop = async () => {
    await Promise.all([...live].filter((r) => !before.has(r)).map(stopOne));
    fs.rmSync(dir, { recursive: true, force: true });
    folders.delete(dir);
  };
  return { dir, stop };
}

export interface StartOptions {
  /** Install SIGINT/SIGTERM/SIGHUP handlers that exit (and so stop the servers); off when the caller has its own. */
  handleSignals?: boolean;
}

/** Starts the four servers (concurrently); on any failure stops those started and rejects with their log. */
export async function startGenuine(options: StartOptions = {}): Promise<GenuineSet> {
  const { dir, stop } = session(options);
  try {
    const [swapPort, routerPort, singlePort, brokenPort, portA, portB] = await Promise.all(Array.from({ length: 6 }, freePort));
    const url = (p: number) => `http://127.0.0.1:${p}`;
    const configFile = path.join(dir, 'llama-swap.yaml');
    fs.writeFileSync(configFile, swapConfig({ 'tiny-a': portA, 'tiny-b': portB }));
    const [swap, router, single, broken] = await Promise.all([
      launch('llama-swap', GENUINE.llamaSwap, ['-config', configFile, '-listen', `127.0.0.1:${swapPort}`], url(swapPort), dir),
      launch('router', GENUINE.llamaServer, ['--models-dir', GENUINE.models, '--models-max', '1', ...COMMON, '--port', String(routerPort), ...ANSWERS], url(routerPort), dir),
      launch('single', GENUINE.llamaServer, ['-m', modelFile('tiny-a'), '--alias', 'tiny-a', ...COMMON, '--port', String(singlePort), ...ANSWERS], url(singlePort), dir),
      // No grammar; the lone continuation byte <0x80> favoured: the answer never parses, and a 1,024-token
      // context (one slot) brings the server's mid-stream error in about a second instead of five.
      launch('broken', GENUINE.llamaServer, ['-m', modelFile('tiny-a'), '--alias', 'broken', '--host', '127.0.0.1', '-c', '1024', '-np', '1', '-t', '1', '--port', String(brokenPort), '--logit-bias', '131+5'], url(brokenPort), dir),
    ]);
    return { swap, router, single, broken, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The addresses as environment variables, for a child process (the extension host) that uses servers started here. */
export function genuineEnv(set: GenuineSet): Record<string, string> {
  return {
    HYPERGUILD_GENUINE_SWAP: set.swap.url,
    HYPERGUILD_GENUINE_ROUTER: set.router.url,
    HYPERGUILD_GENUINE_SINGLE: set.single.url,
    HYPERGUILD_GENUINE_BROKEN: set.broken.url,
  };
}

/** The addresses a parent process passed (genuineEnv), or undefined when it passed none. */
export function genuineFromEnv(env: NodeJS.ProcessEnv = process.env): Record<'swap' | 'router' | 'single' | 'broken', string> | undefined {
  const { HYPERGUILD_GENUINE_SWAP: swap, HYPERGUILD_GENUINE_ROUTER: router, HYPERGUILD_GENUINE_SINGLE: single, HYPERGUILD_GENUINE_BROKEN: broken } = env;
  return swap && router && single && broken ? { swap, router, single, broken } : undefined;
}
