// The `hyperguild` command against genuine llama.cpp servers (issue 25): `hyperguild run` once, through the built bin,
// on llama-swap. The models are noise and their judge always escalates (see servers.ts), so only protocol facts are
// asserted: the header, an attempt line per tier that reached the server and passed the syntax gate, the
// outcome line, exit 1, nothing on stdout, the file untouched.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildCli, spawnCli, workspace } from '../support/cli';
import { genuine } from './setup';

const SOURCE = 'const limit = 10;\nfunction add(a, b) {\n  return a + b;\n}\nmodule.exports = { add, limit };\n';

describe('genuine servers: the hyperguild command', function () {
  this.timeout(120_000);
  before(() => buildCli());

  it('hyperguild run on llama-swap: every tier answered, judged and escalated, exit 1 with the attempts on stderr', async () => {
    const ws = workspace({ 'src/add.js': SOURCE, '.vscode/settings.json': `{\n  // genuine llama-swap\n  "hyperguild.llamaSwapUrl": "${genuine().swap.url}",\n  "hyperguild.maxOutputTokens": 256,\n}\n` });
    try {
      const ran = await spawnCli(['run', '--skill', 'refactor', 'src/add.js:2-4', '--chain', 'tiny-a,tiny-b'], { cwd: ws.dir, timeoutMs: 110_000 }).done;
      assert.equal(ran.code, 1, ran.stderr);
      assert.equal(ran.stdout, '');
      const lines = ran.stderr.trim().split('\n');
      assert.equal(lines[0], '▶ refactor on src/add.js:2-4 · chain: tiny-a → tiny-b');
      assert.match(ran.stderr, /\n {2}\[1\/2\] tiny-a · local · [^\n]*\d+→\d+ tokens[^\n]* · escalate/);
      assert.match(ran.stderr, /\n {2}\[2\/2\] tiny-b · local · [^\n]*\d+→\d+ tokens[^\n]* · escalate/);
      assert.match(ran.stderr, /syntax gate: javascript/, 'the bundle found its grammars');
      assert.match(lines[lines.length - 1], /^✖ No answer was accepted after 2 attempts/);
      assert.equal(fs.readFileSync(path.join(ws.dir, 'src/add.js'), 'utf8'), SOURCE);
    } finally {
      ws.remove();
    }
  });
});
