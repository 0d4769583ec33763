// Setting names live in one module (src/core/settingKeys.ts): no `hyperguild.<setting>` literal elsewhere in
// src/, and the module and the manifest's contributes.configuration name the same keys.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SECTION, SETTING_KEYS } from '../../src/core/settingKeys';
import { blankComments, lineOf, literals, ROOT, sources } from '../support/sourceScan';

const KEYS_MODULE = 'src/core/settingKeys.ts';
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { contributes: { configuration: { properties: Record<string, unknown> } } };
const declared = Object.keys(manifest.contributes.configuration.properties);

/** The first segment of each declared setting (`history` for `hyperguild.history.enabled`). */
const heads = [...new Set(declared.map((name) => name.replace(/^hyperguild\./, '').split('.')[0]))];
/** A setting's name inside a literal: `hyperguild.chain`, `hyperguild.history.enabled`, or one built as `hyperguild.${key}`. */
const SETTING_NAME = new RegExp(`hyperguild\\.(?:(?:${heads.join('|')})(?![\\w-])|\\$\\{)`);
/** The section or a setting passed to the configuration API as a literal. */
const CONFIG_CALL = /\b(?:getConfiguration|affectsConfiguration)\(\s*['"`]/;

describe('Setting keys in one module', () => {
  it('no hyperguild.<setting> string literal in src/ outside src/core/settingKeys.ts', () => {
    const found: string[] = [];
    for (const file of sources('src').filter((f) => f.path !== KEYS_MODULE)) {
      for (const lit of literals(file.code)) if (SETTING_NAME.test(lit.text)) found.push(`${file.path}:${lineOf(file.code, lit.offset)} ${lit.text.slice(0, 80)}`);
      for (const m of file.code.matchAll(new RegExp(CONFIG_CALL, 'g'))) found.push(`${file.path}:${lineOf(file.code, m.index)} ${m[0]}`);
    }
    assert.deepEqual(found, [], `use the names in ${KEYS_MODULE}`);
  });

  it('every key in the module is declared in package.json contributes.configuration, and every declared setting is in the module', () => {
    assert.equal(SECTION, 'hyperguild');
    const named = Object.values(SETTING_KEYS).map((key) => `${SECTION}.${key}`).sort();
    assert.deepEqual(named, [...declared].sort());
  });

  it('the scan sees through comments but not strings (the rule above can fail)', () => {
    const code = "// 'hyperguild.chain' in a comment\nconst a = 'http://x'; const b = `hyperguild.${k}`; getConfiguration('hyperguild');";
    const hits = literals(blankComments(code)).filter((l) => SETTING_NAME.test(l.text)).map((l) => l.text);
    assert.deepEqual(hits, ['`hyperguild.${k}`']);
    assert.ok(CONFIG_CALL.test(blankComments(code)));
  });
});
