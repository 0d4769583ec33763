// The extension-host suite under @vscode/test-electron (desktop VS Code, uiKind Desktop). Needs internet:
// it downloads VS Code 1.100.3 into .vscode-test/. Offline, use `npm run test:host` (code-server) instead.
// Env: HOST_TEST_GREP (mocha grep, forwarded to the extension host).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'hyperguild-electron-'));
fs.cpSync(path.join(ROOT, 'sample-workspace'), workspace, { recursive: true });
// A stale options file from an interrupted offline run must not filter this run.
fs.rmSync(path.join(ROOT, 'out/test/integration/host-options.json'), { force: true });

let code = 1;
try {
  code = await runTests({
    version: '1.100.3',
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: path.join(ROOT, 'out/test/integration/index.js'),
    extensionTestsEnv: process.env.HOST_TEST_GREP ? { HOST_TEST_GREP: process.env.HOST_TEST_GREP } : undefined,
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
  });
} catch (err) {
  console.error(`[electron-test] FAIL: ${err instanceof Error ? err.message : err}`);
} finally {
  fs.rmSync(workspace, { recursive: true, force: true });
}
process.exit(code);
