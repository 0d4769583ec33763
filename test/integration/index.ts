// Extension-host test entry (extensionTestsPath). The same compiled file serves both hosts:
// scripts/run-host-tests.mjs (code-server, offline) and test/host/runElectron.mjs (@vscode/test-electron).
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';
import * as vscode from 'vscode';

/** Optional settings written by the offline driver; HOST_TEST_GREP also works (test-electron passes env). */
function readGrep(): string | undefined {
  try {
    const options = JSON.parse(fs.readFileSync(path.join(__dirname, 'host-options.json'), 'utf8')) as { grep?: unknown };
    if (typeof options.grep === 'string' && options.grep !== '') return options.grep;
  } catch {
    // no options file
  }
  return process.env.HOST_TEST_GREP || undefined;
}

export async function run(): Promise<void> {
  console.log(`host: node ${process.versions.node}, vscode ${vscode.version}, uiKind ${vscode.UIKind[vscode.env.uiKind]}`);
  const grep = readGrep();
  const mocha = new Mocha({ ui: 'bdd', timeout: 20_000, reporter: 'spec', color: false, ...(grep ? { grep } : {}) });
  const files = fs.readdirSync(__dirname, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.js'))
    .sort();
  for (const f of files) mocha.addFile(path.join(__dirname, f));

  let failures: number;
  try {
    failures = await new Promise<number>((resolve) => mocha.run(resolve));
  } catch (err) {
    console.log(`mocha threw: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    console.log('TESTS_DONE failures=1');
    throw err;
  }
  console.log(`TESTS_DONE failures=${failures}`);
  if (failures > 0) throw new Error(`${failures} extension-host test(s) failed`);
}
