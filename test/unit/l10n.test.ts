// Every user-facing sentence of the editor layer goes through vscode.l10n.t (a translation bundle can replace
// it); log lines stay English. The scan finds a literal passed straight to a place the user reads.
import * as assert from 'node:assert/strict';
import { blankComments, lineOf, literals, sources } from '../support/sourceScan';

/** Places the user reads, each ending just before the literal's opening quote. */
const USER_FACING = [
  /\b(?:show(?:Information|Warning|Error)Message|showWarning|showError)\(\s*(?:[\w.]+\s*,\s*)?(?=['"`])/g,
  /\.(?:markdown|progress)\(\s*(?=['"`])/g,
  /\bcreateWebviewPanel\(\s*[^,]+,\s*(?=['"`])/g,
  /[{,]\s*(?:title|placeHolder|prompt|label|detail|description|tooltip)\s*:\s*(?=['"`])/g,
  /\.(?:text|tooltip|title|description)\s*=\s*(?=['"`])/g,
];

/** Literals that are not sentences: the shape of a key, shown as an example. */
const NOT_SENTENCES = new Set(["'sk-ant-…'"]);

/** The literal's own text, without its `${…}` parts (which may nest braces and literals of their own). */
function ownText(literal: string): string {
  if (!literal.startsWith('`')) return literal;
  let out = '';
  let depth = 0;
  for (let i = 0; i < literal.length; i++) {
    if (depth === 0 && literal[i] === '$' && literal[i + 1] === '{') { depth = 1; i++; continue; }
    if (depth > 0) {
      if (literal[i] === '{') depth++;
      else if (literal[i] === '}') depth--;
      continue;
    }
    out += literal[i];
  }
  return out;
}

/** Words outside the `${…}` parts: a literal of interpolations and punctuation has nothing to translate. */
const hasWords = (literal: string) => !NOT_SENTENCES.has(literal) && /[A-Za-z]{2}/.test(ownText(literal));

function untranslated(code: string): { offset: number; text: string }[] {
  const starts = new Map(literals(code).map((l) => [l.offset, l.text]));
  const found: { offset: number; text: string }[] = [];
  for (const pattern of USER_FACING) {
    for (const m of code.matchAll(pattern)) {
      const offset = m.index + m[0].length;
      const text = starts.get(offset);
      if (text !== undefined && hasWords(text)) found.push({ offset, text });
    }
  }
  return found;
}

describe('Strings ready for translation', () => {
  it('no user-facing literal in the editor layer outside vscode.l10n.t', () => {
    const files = [...sources('src/editor'), ...sources('src').filter((f) => f.path === 'src/extension.ts')];
    const found = files.flatMap((f) => untranslated(f.code).map((u) => `${f.path}:${lineOf(f.code, u.offset)} ${u.text.slice(0, 70)}`));
    assert.deepEqual(found, [], 'wrap each in vscode.l10n.t(…), with {0} or {name} for the interpolated parts');
  });

  it('the scan finds a bare sentence and passes a translated one and a log line', () => {
    const code = blankComments([
      "void vscode.window.showWarningMessage('Bare sentence.');",
      "showError(log, `Also ${x} bare.`);",
      "void vscode.window.showInformationMessage(vscode.l10n.t('Translated {0}.', x));",
      "log.info('A log line stays English.');",
      "items.push({ label: '$(output) Open Log' }, { label: '' });",
      "stream.progress(`${title}…`);",
      "stream.markdown(`${vscode.l10n.t('**{0}** is ready.', t)}\\n\\n${table}`);",
    ].join('\n'));
    assert.deepEqual(untranslated(code).map((u) => u.text), ["'Bare sentence.'", '`Also ${x} bare.`', "'$(output) Open Log'"]);
  });
});
