// Bundles the extension. The Anthropic SDK goes into its own file, required only when a cloud
// tier first runs, so activation never parses it.
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Rewrites `@anthropic-ai/sdk` in the main bundle to the sibling lazily-required bundle. */
const lazySdk = {
  name: 'lazy-anthropic-sdk',
  setup(build) {
    build.onResolve({ filter: /^@anthropic-ai\/sdk$/ }, () => ({ path: './anthropic-sdk.js', external: true }));
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
  { ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', plugins: [lazySdk] },
  { ...common, entryPoints: ['src/backends/anthropicSdkEntry.ts'], outfile: 'dist/anthropic-sdk.js' },
];

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
    console.log(`[esbuild] ${file} ${(info.bytes / 1024).toFixed(1)} KiB${i === 0 ? '' : ' (loaded on first cloud tier)'}`);
  }
}
