import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';

const ROOT = path.join(__dirname, '..', '..');

describe('the project README', () => {
  it('shows the default cluster\'s diagram exactly as dist.out/topology.txt has it', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf-8');
    const section = readme.indexOf('\n## The default cluster, as its output folder draws it\n');
    expect(section, 'the diagram section').to.be.greaterThan(0);
    const start = readme.indexOf('```text\n', section) + '```text\n'.length;
    const end = readme.indexOf('\n```\n', start) + 1;
    expect(readme.slice(start, end)).to.equal(fs.readFileSync(path.join(ROOT, 'dist.out', 'topology.txt'), 'utf-8'));
  });
});
