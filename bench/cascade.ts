// `npm run bench:cascade`: the cascade as a language model in the real host (bench/host/cascadeProbe.ts, VS Code
// 1.117), written to bench/CASCADE.md as medians with their range and ratios against the same chain run in-process.
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { range, type Summary } from './stats';

const ROOT = path.resolve(__dirname, '../..');

interface Result {
  summary: { lmFirst: Summary; lmDone: Summary; directFirstToken: Summary; directDone: Summary; vscode: string };
}

function main(): void {
  const out = path.join(os.tmpdir(), `hyperguild-cascade-${process.pid}.json`);
  const load0 = os.loadavg()[0];
  const started = Date.now();
  const host = spawnSync(process.execPath, [path.join(ROOT, 'scripts/run-host-tests.mjs')], {
    cwd: ROOT, stdio: 'inherit', env: { ...process.env, HOST_VSCODE: 'new', HOST_SUITE: 'out/bench/host/cascadeProbe.js', HOST_BENCH_OUT: out },
  });
  if (host.status !== 0 || !fs.existsSync(out)) {
    console.error('The cascade benchmark did not finish in the host; see its output above.');
    process.exit(1);
  }
  const { summary: s } = JSON.parse(fs.readFileSync(out, 'utf8')) as Result;
  fs.rmSync(out, { force: true });
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  const x = (a: number, b: number) => `×${(a / b).toFixed(2)}`;
  const lines = [
    '# The cascade as a language model, measured in the real host',
    '',
    `Produced by \`npm run bench:cascade\` (bench/cascade.ts, bench/host/cascadeProbe.ts) in the offline host (VS Code ${s.vscode}, code-server + headless chromium). One local tier, its answer about 300 tokens written 4 characters every 2 ms by the fake llama-swap (in the extension host), its own model's judge accepting at once. Each run asks the same question through \`LanguageModelChat.sendRequest\` and then, as the baseline, through the same chain run in-process (\`runChain\`, the same client code), interleaved; medians with (min–max) over ${s.lmDone.n} runs after 2 warm-up runs.`,
    '',
    `- Date: ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}; commit ${commit}; ${os.cpus().length} cores (${os.cpus()[0]?.model.trim() ?? '?'}); load average ${load0.toFixed(2)} at the start, ${os.loadavg()[0].toFixed(2)} at the end; ${Math.round((Date.now() - started) / 1000)} s.`,
    '',
    '| Measure | Through VS Code (sendRequest) | Baseline, same run | Ratio |',
    '|---|---|---|---|',
    `| Request → whole answer read | ${range(s.lmDone)} | in-process chain: ${range(s.directDone)} | ${x(s.lmDone.median, s.directDone.median)} |`,
    `| Request → first text the caller reads | ${range(s.lmFirst)} | the tier's own first token: ${range(s.directFirstToken)} | ${x(s.lmFirst.median, s.directFirstToken.median)} |`,
    '',
    'The first row is what VS Code\'s language-model plumbing and the provider add; the second is the price of returning only a verified answer: the caller\'s first text comes after the whole answer and its verdict, not with the tier\'s first token.',
    '',
  ];
  fs.writeFileSync(path.join(ROOT, 'bench/CASCADE.md'), lines.join('\n'));
  console.log(lines.join('\n'));
}

main();
