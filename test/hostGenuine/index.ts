// The genuine-server host suite (issue 22): its tests in the real VS Code, against the genuine servers that
// scripts/run-host-tests.mjs starts with HOST_GENUINE=1 and passes through the environment (genuineEnv).
import { runSuite } from '../integration/index';

export function run(): Promise<void> {
  return runSuite(__dirname);
}
