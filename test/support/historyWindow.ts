// A VS Code window's history writer in its own process (forked by test/unit/history.test.ts from the compiled
// out/ code): it appends runs a few at a time and compacts the file every so often, while another window does the
// same, then tells the parent how many compactions it carried out.
import { toRecord } from '../../src/core/history/history';
import { HistoryFile } from '../../src/storage/historyFile';

const [file, name, count, compactEvery] = process.argv.slice(2);
const history = new HistoryFile(file, () => 100_000);
// A window compacts past its bound; here on a fixed beat, so that compactions run under appends.
const compact = () => history.compact();

const run = (id: string) => toRecord({
  id, startedAt: new Date(), languageId: 'ts', skill: 'refactor', chain: ['a'],
  result: { status: 'exhausted', message: 'x'.repeat(3000), attempts: [] },
});

async function main(): Promise<void> {
  let compactions = 0;
  const failures: string[] = [];
  const pending: Promise<unknown>[] = [];
  for (let i = 0; i < Number(count); i += 4) {
    // Not awaited: the compaction runs while this window and the other keep appending.
    if (i > 0 && i % Number(compactEvery) === 0) {
      pending.push(compact().then((done) => done === true && compactions++, (err: unknown) => failures.push(String(err))));
    }
    await Promise.all([0, 1, 2, 3].filter((k) => i + k < Number(count)).map((k) => history.appendRun(run(`${name}${i + k}`))));
  }
  await Promise.all(pending);
  process.send?.({ compactions, failures });
}

main().then(() => process.exit(0), (err: unknown) => {
  console.error(err);
  process.exit(1);
});
