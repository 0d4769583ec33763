// Strings ready for translation: every title, description and setting text of package.json is a "%key%" whose
// English text is in package.nls.json (as VS Code's own extensions do), no key is missing, none is unused.
import * as assert from 'node:assert/strict';
import { looksLikePlaceholder, localize, NLS_KEY, placeholders, readNls, readRawManifest, type Json } from '../support/manifest';

/**
 * The fields VS Code shows to the user. `name` is shown only for views: elsewhere (the extension, a chat
 * participant, its slash commands) it is a handle the user types or an id, never translated.
 */
const USER_FACING = new Set([
  'displayName', 'description', 'markdownDescription', 'title', 'shortTitle', 'category', 'label', 'fullName',
  'altText', 'deprecationMessage', 'markdownDeprecationMessage', 'errorMessage', 'enumDescriptions',
  'markdownEnumDescriptions', 'enumItemLabels', 'contextualTitle',
]);
const isUserFacing = (path: string[], key: string) => USER_FACING.has(key) || (key === 'name' && path[0] === 'contributes' && path[1] === 'views');

interface Found { path: string; value: string }

/** Every string under a user-facing field (and each item of a user-facing list), with where it is. */
function userFacingStrings(value: Json, path: string[] = []): Found[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => userFacingStrings(v, [...path, String(i)]));
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, v]) => {
    const at = [...path, key];
    if (!isUserFacing(path, key)) return userFacingStrings(v, at);
    if (typeof v === 'string') return [{ path: at.join('.'), value: v }];
    if (Array.isArray(v) && v.every((s) => typeof s === 'string')) return v.map((s, i) => ({ path: `${at.join('.')}.${i}`, value: s as string }));
    return userFacingStrings(v, at); // a schema property named `title` or `description`: its own fields count
  });
}

const untranslated = (manifest: Json) => userFacingStrings(manifest).filter((s) => !NLS_KEY.test(s.value)).map((s) => `${s.path}: ${s.value}`);
const missingKeys = (manifest: Json, nls: Record<string, string>) => placeholders(manifest).filter((p) => !NLS_KEY.test(p) || typeof nls[p.slice(1, -1)] !== 'string');
const unusedKeys = (manifest: Json, nls: Record<string, string>) => {
  const used = new Set(placeholders(manifest).map((p) => p.slice(1, -1)));
  return Object.keys(nls).filter((k) => !used.has(k));
};

describe('manifest strings ready for translation (package.nls.json)', () => {
  const manifest = readRawManifest();
  const nls = readNls();

  it('every title, description and setting text of package.json is a %key%', () => {
    assert.ok(userFacingStrings(manifest).length > 100, 'the walk finds the manifest\'s strings');
    assert.deepEqual(untranslated(manifest), [], 'move these to package.nls.json and write "%key%" in their place');
  });

  it('every %key% has its English text in package.nls.json, and every key there is used', () => {
    assert.deepEqual(missingKeys(manifest, nls), [], 'add these keys to package.nls.json (letters, digits, _ and . only)');
    assert.deepEqual(unusedKeys(manifest, nls), [], 'remove these keys from package.nls.json, or use them');
    for (const [key, text] of Object.entries(nls)) assert.ok(typeof text === 'string' && text.trim() && !looksLikePlaceholder(text), `${key} has no text`);
  });

  it('resolved, the manifest reads as before: ids and handles unchanged, texts in English, no %key% left', () => {
    type Resolved = { displayName: string; contributes: { commands: { command: string; title: string; category: string }[]; chatParticipants: { name: string; fullName: string; commands: { name: string }[] }[] } };
    const resolved = localize(manifest, nls) as unknown as Resolved;
    assert.deepEqual(placeholders(resolved as unknown as Json), []);
    assert.equal(resolved.displayName, 'Hyperguild');
    const run = resolved.contributes.commands.find((c) => c.command === 'hyperguild.runSkill');
    assert.deepEqual([run?.category, run?.title], ['Hyperguild', 'Run Skill on Selection…']);
    const [participant] = resolved.contributes.chatParticipants;
    assert.deepEqual([participant.name, participant.fullName], ['hyperguild', 'Hyperguild']);
    assert.ok(participant.commands.some((c) => c.name === 'add-types'), 'slash command names stay as typed');
  });

  it('the checks above fail on the defects they name: a plain title, a missing key, an unused key, a malformed key', () => {
    const copy = JSON.parse(JSON.stringify(manifest)) as { contributes: { commands: { title: string }[]; configuration: { title: string } } };
    copy.contributes.commands[0].title = 'Run Skill on Selection…';
    copy.contributes.configuration.title = '%config.nowhere%';
    const json = copy as unknown as Json;
    assert.deepEqual(untranslated(json), ['contributes.commands.0.title: Run Skill on Selection…']);
    assert.deepEqual(missingKeys(json, nls), ['%config.nowhere%']);
    assert.deepEqual(unusedKeys(json, { 'config.nowhere': 'x', 'spare.key': 'unused' }), ['spare.key']);
    assert.deepEqual(missingKeys({ title: '%has space%' }, { 'has space': 'x' }), ['%has space%'], 'vsce would refuse a key with a space');
    assert.deepEqual(untranslated({ contributes: { chatParticipants: [{ name: 'hyperguild', fullName: 'Hyperguild' }] } }), ['contributes.chatParticipants.0.fullName: Hyperguild'], 'a participant\'s name is a handle, its full name is text');
  });
});
