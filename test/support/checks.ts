// Checks shared by the unit and extension-host suites (plain Node: no editor import).
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

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

/** Every file under a folder with its size, modification time and a hash of its content: proof nothing was written there. */
export function listing(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).map((e) => {
    const p = path.join(e.parentPath, e.name);
    const rel = path.relative(dir, p);
    if (e.isDirectory()) return `${rel}/`;
    const s = fs.statSync(p);
    return `${rel} ${s.size} ${s.mtimeMs} ${createHash('sha256').update(fs.readFileSync(p)).digest('hex').slice(0, 12)}`;
  }).sort();
}
