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
const { camelCase } = load('camel.ts');
assert.equal(camelCase('hello-big_world'), 'helloBigWorld');
assert.equal(camelCase('plain'), 'plain');
assert.equal(camelCase('a-b-c'), 'aBC');
