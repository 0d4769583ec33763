// Checks shared by the unit and extension-host suites (plain Node: no editor import).
import * as assert from 'node:assert/strict';
import * as net from 'node:net';

/** One sentence: one line, a final stop, no other sentence end inside (addresses aside). */
export function assertOneSentence(message: string | undefined): void {
  assert.ok(message, 'no message');
  assert.ok(!message.includes('\n'), `more than one line: ${message}`);
  assert.ok(message.endsWith('.'), `no final stop: ${message}`);
  assert.ok(!/[.!?]\s+[A-Z]/.test(message.replace(/https?:\/\/\S+/g, 'URL')), `more than one sentence: ${message}`);
}

/** A loopback port that nothing listens on (connection refused). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
