// A window that dies in the middle of a compaction (forked by test/unit/history.test.ts from the compiled out/
// code): it records runs past the bound, and its compaction stops just before it would replace the file, where the
// parent kills it.
import { promises as fs } from 'node:fs';
import { toRecord } from '../../src/core/history/history';
import { HistoryFile } from '../../src/storage/historyFile';

const [file, count, maxRuns] = process.argv.slice(2);
const rename = fs.rename;
fs.rename = async (from, to) => {
  if (String(to) === file) {
    process.send?.('about to replace the file');
    await new Promise(() => undefined); // never: the parent kills this process here
  }
  return rename(from, to);
};

const history = new HistoryFile(file, () => Number(maxRuns));
void (async () => {
  for (let i = 0; i < Number(count); i++) {
    await history.appendRun(toRecord({ id: `r${i}`, startedAt: new Date(), languageId: 'ts', skill: 'refactor', chain: ['a'], result: { status: 'exhausted', message: 'no', attempts: [] } }));
  }
})();
