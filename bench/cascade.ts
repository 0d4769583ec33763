// `npm run bench:cascade`: the cascade as a language model in the real host (bench/host/cascadeProbe.ts, VS Code
// 1.117), written to bench/CASCADE.md as medians with their range and ratios against the same chain run in-process.
import * as fs from 'fs';
import * as path from 'path';
import { ratio as x, ROOT, runHostProbe } from './hostProbe';
import { range, type Summary } from './stats';

interface Result {
  summary: { lmFirst: Summary; lmDone: Summary; directFirstToken: Summary; directDone: Summary; vscode: string };
}

function main(): void {
  const probe = runHostProbe<Result>('out/bench/host/cascadeProbe.js', 'cascade', { HOST_VSCODE: 'new' });
  const s = probe.result.summary;
  const lines = [
    '# The cascade as a language model, measured in the real host',
    '',
    `Produced by \`npm run bench:cascade\` (bench/cascade.ts, bench/host/cascadeProbe.ts) in the offline host (VS Code ${s.vscode}, code-server + headless chromium). One local tier, its answer about 300 tokens written 4 characters every 2 ms by the fake llama-swap (in the extension host), its own model's judge accepting at once. Each run asks the same question through \`LanguageModelChat.sendRequest\` and then, as the baseline, through the same chain run in-process (\`runChain\`, the same client code), interleaved; medians with (min–max) over ${s.lmDone.n} runs after 2 warm-up runs.`,
    '',
    probe.machineLine(),
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
