const assert = require('node:assert/strict');
// Node 20 runs no TypeScript: strip the types with esbuild (else the typescript package), found through NODE_PATH.
function load(file) {
  const source = require('node:fs').readFileSync(require('node:path').join(__dirname, file), 'utf8');
  let code;
  try {
    code = require('esbuild').transformSync(source, { loader: 'ts', format: 'cjs', target: 'es2022' }).code;
  } catch (err) {
    if (err.code !== 'MODULE_NOT_FOUND') throw err;
    const ts = require('typescript');
    const out = ts.transpileModule(source, { reportDiagnostics: true, compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } });
    if (out.diagnostics.length) throw new SyntaxError(ts.flattenDiagnosticMessageText(out.diagnostics[0].messageText, '\n'));
    code = out.outputText;
  }
  const m = { exports: {} };
  new Function('module', 'exports', 'require', code)(m, m.exports, require);
  return m.exports;
}
const { retry } = load('retry.ts');
(async () => {
  let calls = 0;
  assert.equal(await retry(async () => { if (++calls < 3) throw new Error('no'); return 'ok'; }, 3, 1), 'ok');
  assert.equal(calls, 3);
  calls = 0;
  await assert.rejects(retry(async () => { calls++; throw new Error('always'); }, 2, 1), /always/);
  assert.equal(calls, 2);
})().catch((err) => { console.error(err); process.exit(1); });
