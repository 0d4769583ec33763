// The script test of `npm start` in demo mode (run by scripts/test.sh): starts scripts/start.sh with no server at
// llama-swap's default address, opens the workbench in headless chromium, and checks that the workbench is served,
// the demo server answers as llama-swap and as the Anthropic API, and the extension is active (it asks the demo
// server /running). Bounded in time; kills what it started. Prints mocha-style "N passing" / "N failing".
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEADLINE_MS = 300_000;
const DEMO_OUT = path.join(ROOT, '.cache/demo-server.out');
const say = (m) => console.log(`[start-test] ${m}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function until(what, check, ms) {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`not in time (${ms} ms): ${what}`);
    await sleep(250);
  }
}

async function main() {
  const started = Date.now();
  const port = await freePort();
  rmSync(DEMO_OUT, { force: true });
  let output = '';
  // Its own process group, so that code-server, the demo server and npm are all stopped at the end.
  const child = spawn('bash', ['scripts/start.sh'], { cwd: ROOT, env: { ...process.env, PORT: String(port), PATH: process.env.PATH.split(':').filter((p) => !existsSync(path.join(p, 'code'))).join(':') }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const stop = () => {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {}
  };
  let browser;
  const failures = [];
  try {
    const url = await until('npm start prints the workbench address', () => /open (http:\/\/127\.0\.0\.1:\d+\/\?folder=\S+)/.exec(output)?.[1], DEADLINE_MS - 60_000);
    say(`started in ${((Date.now() - started) / 1000).toFixed(0)} s: ${url}`);
    const demo = /\[start\] demo: llama-swap at (\S+), Anthropic API at (\S+)/.exec(output);
    if (!demo) throw new Error(`npm start did not start the demo server:\n${output}`);
    const models = await fetch(`${demo[1]}/v1/models`).then((r) => r.json());
    if (!models.data?.some((m) => m.id === 'qwen2.5-coder-7b')) failures.push('the demo llama-swap does not list qwen2.5-coder-7b');
    const cloud = await fetch(`${demo[2]}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'wrong' }, body: '{}' });
    if (cloud.status !== 401) failures.push(`the demo Anthropic API answered ${cloud.status} to a wrong key, not 401`);
    const html = await until('the workbench page', () => fetch(url).then((r) => (r.ok ? r.text() : ''), () => ''), 60_000);
    if (!/workbench/i.test(html)) failures.push('the page is not the workbench');

    const args = ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];
    if (process.getuid?.() === 0) args.push('--no-sandbox');
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', headless: true, args });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(url);
    await until('the extension asks the demo server /running (it is active)', () => existsSync(DEMO_OUT) && readFileSync(DEMO_OUT, 'utf8').includes('the extension asked /running'), 90_000);
    const status = await until('the status bar says demo', () => page.locator('.statusbar-item', { hasText: 'demo' }).count().catch(() => 0), 30_000);
    if (!status) failures.push('the status bar does not say demo');
    say(`the extension is active and the status bar says demo (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  } catch (err) {
    failures.push(err instanceof Error ? err.message : String(err));
    // What the page showed, for the one reading the failure.
    const shot = path.join(ROOT, '.cache/start-test-failure.png');
    await browser?.contexts()[0]?.pages()[0]?.screenshot({ path: shot }).then(() => say(`screenshot: ${shot}`), () => {});
  } finally {
    await browser?.close().catch(() => {});
    stop();
    await sleep(500);
  }
  if (failures.length) {
    for (const f of failures) say(`FAIL: ${f}`);
    say(`npm start output:\n${output.slice(-3000)}`);
    console.log('\n  0 passing\n  1 failing');
    process.exitCode = 1;
  } else {
    console.log('\n  1 passing');
  }
}

const timer = setTimeout(() => {
  say(`timed out after ${DEADLINE_MS} ms`);
  process.exit(1);
}, DEADLINE_MS);
timer.unref();
await main();
