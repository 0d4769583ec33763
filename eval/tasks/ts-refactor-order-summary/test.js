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
const { summary } = load('order.ts');
assert.equal(summary([{ name: 'tea', qty: 2, price: 1.5 }, { name: 'cake', qty: 1, price: 3 }]), '2 x tea, 1 x cake = 6.00');
assert.equal(summary([]), ' = 0.00');
assert.equal(summary([{ name: 'pen', qty: 3, price: 0.1 }]), '3 x pen = 0.30');
