import * as assert from 'node:assert/strict';
import { BUILT_IN_SKILLS, loadSkills } from '../../src/core/engine/skills';

describe('skills', () => {
  it('has the built-ins, custom taking the user instruction', () => {
    const ids = BUILT_IN_SKILLS.map((s) => s.id);
    for (const id of ['refactor', 'fix', 'document', 'simplify', 'add-types', 'custom']) assert.ok(ids.includes(id), id);
    assert.equal(BUILT_IN_SKILLS.find((s) => s.id === 'custom')!.needsInstruction, true);
  });

  it('adds valid user skills, replaces a built-in of the same id, and names each bad one', () => {
    const { skills, problems } = loadSkills([
      { id: 'explain-tests', title: 'Tests', prompt: 'Write tests.' },
      { id: 'fix', prompt: 'My own fixer.' },
      { id: 'Bad Id', prompt: 'x' },
      { id: 'no-prompt' },
      'nonsense',
    ]);
    assert.ok(skills.some((s) => s.id === 'explain-tests' && s.title === 'Tests'));
    assert.equal(skills.find((s) => s.id === 'fix')!.prompt, 'My own fixer.');
    assert.equal(problems.length, 3);
    assert.match(problems[0], /"Bad Id".*ignored/);
    assert.match(problems[1], /"no-prompt".*ignored/);
    assert.match(problems[2], /number 5/);
    assert.ok(skills.some((s) => s.id === 'refactor'), 'the rest still work');
  });

  it('reports a skills setting that is not a list and keeps the built-ins', () => {
    const { skills, problems } = loadSkills({ id: 'x' });
    assert.equal(skills.length, BUILT_IN_SKILLS.length);
    assert.match(problems[0], /must be a list/);
  });
});
