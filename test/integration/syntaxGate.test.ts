// The syntax gate in the real editor, with the grammars the package ships (dist/tree-sitter): an answer that
// does not parse is escalated before any judge is asked.
import * as assert from 'assert';
import { codeReply, isJudge, logSince, openWith, runSkill, select, suiteWithFake, verdictReply } from './support/host';

const SOURCE = 'export function total(xs: number[]): number {\n  let t = 0;\n  for (const x of xs) t += x;\n  return t;\n}\n';
const BROKEN = 'export function total(xs: number[]): number {\n  return xs.reduce((a, b) => a + b, 0;\n}';
const GOOD = 'export function total(xs: number[]): number {\n  return xs.reduce((a, b) => a + b, 0);\n}';

describe('syntax gate: an answer that does not parse never reaches a judge', function () {
  this.timeout(30_000);
  const suite = suiteWithFake({
    models: [{ id: 'qwen-7b' }, { id: 'qwen-32b' }], loaded: 'qwen-7b',
    responder: (r) => (isJudge(r) ? verdictReply('accept', 'correct') : codeReply(r.model === 'qwen-7b' ? BROKEN : GOOD)),
  }, ['qwen-7b', 'qwen-32b']);

  it('TypeScript: the first tier\'s unbalanced answer is escalated with the line and the problem; the second is judged and accepted', async () => {
    const editor = await openWith(SOURCE, 'typescript');
    select(editor, 0, 4);
    const [fake, log] = [suite.fake(), suite.log()];
    const from = fake.requests.length;
    const mark = log.logLines.length;
    const report = await runSkill();
    assert.equal(report.status, 'accepted', report.message);
    assert.deepEqual(report.accepted, { model: 'qwen-32b', tierIndex: 1 });
    assert.equal(report.attempts[0].verdict, 'escalate');
    assert.match(report.attempts[0].feedback ?? '', /^the proposal does not parse: line 2, (missing "\)"|unexpected ".*")$/);
    const judged = fake.requests.slice(from).filter(isJudge).map((r) => r.model);
    assert.deepEqual(judged, ['qwen-32b'], 'only the parsing answer was judged');
    assert.ok(logSince(log, mark).some((l) => /syntax gate: typescript, \d+\.\d ms/.test(l)), 'the log says what the gate checked');

    // The judge continues the tier's own conversation (contract), so the server reuses its cache; the log says how much.
    type Body = { messages: { role: string; content: string }[] };
    const generation = fake.requests.slice(from).find((r) => r.model === 'qwen-32b' && !isJudge(r))!.body as Body;
    const judge = fake.requests.slice(from).find((r) => r.model === 'qwen-32b' && isJudge(r))!.body as Body;
    assert.deepEqual(judge.messages.slice(0, generation.messages.length), generation.messages);
    assert.equal(judge.messages[generation.messages.length].role, 'assistant');
    assert.ok(logSince(log, mark).some((l) => /judge prompt: \d+ tokens evaluated, \d+ from the server's cache/.test(l)), 'the log has the judge\'s cache figures');
  });

  it('a language without a grammar skips the gate, and the log says so', async () => {
    const editor = await openWith('some text\n', 'plaintext');
    select(editor, 0, 0);
    const log = suite.log();
    suite.fake().responder = (r) => (isJudge(r) ? verdictReply('accept', 'fine') : codeReply('other text'));
    const mark = log.logLines.length;
    const report = await runSkill();
    assert.equal(report.status, 'accepted', report.message);
    assert.ok(logSince(log, mark).some((l) => l.includes('syntax gate skipped: no grammar for plaintext')));
  });
});
