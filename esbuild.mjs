// Bundles the extension. The Anthropic SDK and undici go into files of their own, required only
// on first use (a cloud tier; the first HTTP request), so activation never parses them; the diagnostics worker and
// the TypeScript it loads are read only by the worker thread, on the first code check.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Heavy modules and the sibling bundle the main bundle requires them from. */
const LAZY = { '@anthropic-ai/sdk': './anthropic-sdk.js', undici: './undici.js' };

const lazyModules = {
  name: 'lazy-modules',
  setup(build) {
    build.onResolve({ filter: /^(@anthropic-ai\/sdk|undici)$/ }, (args) => ({ path: LAZY[args.path], external: true }));
  },
};

const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: ['vscode'],
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'warning',
  metafile: true,
};

const builds = [
  { ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', plugins: [lazyModules] },
  { ...common, entryPoints: ['src/backends/anthropicSdkEntry.ts'], outfile: 'dist/anthropic-sdk.js' },
  { ...common, entryPoints: ['src/backends/undiciEntry.ts'], outfile: 'dist/undici.js' },
  // The diagnostics worker: a thread started on the first code check; it loads TypeScript by path (never bundled).
  { ...common, entryPoints: ['src/checks/tsWorker.ts'], outfile: 'dist/ts-worker.js' },
];

// The syntax gate's Tree-sitter runtime and exactly the grammars src/syntax/grammars.json maps, loaded at run time.
const GRAMMARS = [...new Set(Object.values(JSON.parse(readFileSync('src/syntax/grammars.json', 'utf8'))))];
const WASM_SOURCE = 'node_modules/@vscode/tree-sitter-wasm/wasm';
rmSync('dist/tree-sitter', { recursive: true, force: true });
mkdirSync('dist/tree-sitter', { recursive: true });
for (const file of ['tree-sitter.js', 'tree-sitter.wasm', ...GRAMMARS.map((g) => `tree-sitter-${g}.wasm`)]) {
  copyFileSync(`${WASM_SOURCE}/${file}`, `dist/tree-sitter/${file}`);
}

// The bundled TypeScript the diagnostics worker falls back on (untrusted workspaces, or none of the workspace's own):
// typescript.js and its lib .d.ts files side by side, as TypeScript finds its libs next to itself.
const TS_SOURCE = 'node_modules/typescript/lib';
rmSync('dist/typescript', { recursive: true, force: true });
mkdirSync('dist/typescript', { recursive: true });
for (const file of readdirSync(TS_SOURCE).filter((f) => f === 'typescript.js' || /^lib\..*\.d\.ts$/.test(f))) {
  copyFileSync(`${TS_SOURCE}/${file}`, `dist/typescript/${file}`);
}
copyFileSync('node_modules/typescript/LICENSE.txt', 'dist/typescript/LICENSE.txt');

if (watch) {
  for (const options of builds) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
  }
  console.log('[esbuild] watching');
} else {
  const results = await Promise.all(builds.map((options) => esbuild.build(options)));
  for (const [i, result] of results.entries()) {
    const [file, info] = Object.entries(result.metafile.outputs).find(([f]) => f.endsWith('.js'));
    const when = ['', ' (loaded on the first cloud tier)', ' (loaded on the first request to llama-swap)', ' (the diagnostics worker, started on the first code check)'][i];
    console.log(`[esbuild] ${file} ${(info.bytes / 1024).toFixed(1)} KiB${when}`);
  }
}
