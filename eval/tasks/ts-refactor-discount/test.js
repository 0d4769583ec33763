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
const { discounted } = load('discount.ts');
assert.equal(discounted(100, 'gold'), 80);
assert.equal(discounted(100, 'silver'), 90);
assert.equal(discounted(100, 'bronze'), 95);
assert.equal(discounted(100, 'none'), 100);
assert.equal(discounted(19.99, 'silver'), 17.99);
assert.equal(discounted(10.005, 'none'), 10.01);
