import * as vm from 'node:vm';
import { expect } from 'chai';
import { yamlValueProblems } from '../../lib/formats/yaml';

describe('yamlValueProblems', () => {
  it('finds nothing in plain data, a plain object of another realm included', () => {
    expect(yamlValueProblems({ a: [1, 'x', true, null, { b: -2 }] }, 'config')).to.deep.equal([]);
    expect(yamlValueProblems(vm.runInNewContext('({ coreos: { units: [{ name: "a" }] } })'), 'config')).to.deep.equal([]);
    expect(yamlValueProblems(Object.assign(Object.create(null) as object, { a: 1 }), 'config')).to.deep.equal([]);
  });

  it('names each value the writer cannot hold, by its place', () => {
    const problems = yamlValueProblems({ a: [0.5], b: { c: Symbol('s'), d: 10n, e: () => 1 }, f: new Date(0), g: new Map() }, 'config');
    expect(problems.map(problem => problem.split(' is ')[0])).to.deep.equal(['config.a[0]', 'config.b.c', 'config.b.d', 'config.b.e', 'config.f', 'config.g']);
    expect(problems[4]).to.equal('config.f is a Date "1970-01-01T00:00:00.000Z", which the YAML writer would not write as what it means; '
      + 'expected a string, an integer, a boolean, null, a list or a plain object');
    expect(problems[5]).to.match(/^config\.g is a Map \{\}/);
  });
});
