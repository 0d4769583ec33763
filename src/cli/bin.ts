// The `hyperguild` executable (bundled to dist/cli.js): the process's streams and environment, Ctrl-C, the exit code.
import { main } from './main';

const controller = new AbortController();
process.on('SIGINT', () => {
  // The first Ctrl-C cancels the run, which then says what it attempted; a second one leaves at once.
  if (controller.signal.aborted) process.exit(130);
  process.stderr.write('\nhyperguild: cancelling (Ctrl-C again to quit at once)\n');
  controller.abort(new Error('cancelled with Ctrl-C'));
});

void main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(), signal: controller.signal }).then((code) => {
  process.exitCode = code;
  // A connection a server holds open must not keep a finished command waiting.
  setTimeout(() => process.exit(code), 500).unref();
});
