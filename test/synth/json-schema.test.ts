// schemaProblems on a value that matches no branch of a oneOf: the problems of the branch the value
// meant, when its discriminator or type says which; every problem when nothing does.
import { expect } from 'chai';
import { ProblemStyle, schemaProblems } from '../../lib/synth/json-schema';

/** An object branch named by `name` (a const) with one more typed key. */
const branch = (name: string, key: string, type: string) =>
  ({ type: 'object', additionalProperties: false, required: ['name'], properties: { name: { const: name }, [key]: { type, expected: `a ${type}` } } });
const profiles = [branch('classic', 'image', 'string'), branch('flatcar', 'regen', 'boolean')];

describe('schemaProblems with oneOf', () => {
  it('reports the meant branch\'s problems alone, for each value the oneOf applies to', () => {
    const list = { type: 'object', properties: { profiles: { type: 'array', items: { oneOf: profiles } } } };
    expect(schemaProblems(list, { profiles: [{ name: 'flatcar', regen: 'true' }, { name: 'classic', image: 5 }] }, ProblemStyle.PROPERTY)).to.deep.equal([
      'profiles[0].regen is "true"; expected a boolean',
      'profiles[1].image is 5; expected a string',
    ]);
    const map = { type: 'object', additionalProperties: { oneOf: profiles } };
    expect(schemaProblems(map, { a: { name: 'flatcar', regen: 'true' }, b: { name: 'classic', image: 5 } }, ProblemStyle.PROPERTY)).to.deep.equal([
      'a.regen is "true"; expected a boolean',
      'b.image is 5; expected a string',
    ]);
  });

  it('rules a branch out by its discriminator or type only, not by an enum deeper in it or an inner oneOf', () => {
    const tiers = { type: 'object', properties: { t: { oneOf: [
      { type: 'object', additionalProperties: false, required: ['role'], properties: { role: { enum: ['worker', 'control-plane'] }, count: { type: 'integer' } } },
      { type: 'object', additionalProperties: false, required: ['machines'], properties: { machines: { type: 'array' } } },
    ] } } };
    // No discriminator: both branches stay, and the typo is among the problems.
    expect(schemaProblems(tiers, { t: { role: 'wroker', count: 2 } }, ProblemStyle.PROPERTY).join('\n')).to.contain('t.role is "wroker"');
    const nested = { type: 'object', properties: { p: { oneOf: [
      { oneOf: profiles },
      { type: 'object', required: ['kind'], properties: { kind: { const: 'k' } } },
    ] } } };
    expect(schemaProblems(nested, { p: { name: 'flatcar', regen: 'yes' } }, ProblemStyle.PROPERTY).join('\n')).to.contain('p.regen is "yes"; expected a boolean');
  });

  it('keeps every problem when no branch is meant', () => {
    const one = { type: 'object', properties: { p: { oneOf: profiles } } };
    const problems = schemaProblems(one, { p: { name: 'fedora' } }, ProblemStyle.PROPERTY);
    expect(problems.join('\n')).to.contain('p.name is "fedora"');
    expect(problems.length).to.be.at.least(2);
  });
});
