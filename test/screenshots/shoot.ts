// One screenshot: the scene is held until the driver (scripts/run-host-tests.mjs) has written media/<name>.png.
import * as fs from 'fs';
import * as path from 'path';
import { sleep, waitFor } from '../integration/support/host';

const MEDIA = path.resolve(__dirname, '../../../media');

/** `bottom`: only that many pixels at the bottom of the window; `settleMs`: time for the workbench to finish painting. */
export async function shoot(name: string, bottom?: number, settleMs = 1200): Promise<void> {
  const file = path.join(MEDIA, `${name}.png`);
  fs.rmSync(file, { force: true });
  await sleep(settleMs);
  console.log(`SCREENSHOT ${name}${bottom ? ` bottom:${bottom}` : ''}`);
  await waitFor(() => fs.existsSync(file), `${name}.png`, 15_000);
}
