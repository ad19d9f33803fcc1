import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { withGeneratedSections } from '../scripts/readme-sections';

describe('README.md', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf-8');

  it('opens with the main command and the test command', () => {
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)![1];
    expect(firstBlock).to.contain('npm ci && npx ts-node examples/default.ts');
    expect(firstBlock).to.contain('npm test');
  });

  it('has generated sections that match the code (run `npx ts-node scripts/readme-sections.ts` to update)', () => {
    expect(readme).to.equal(withGeneratedSections(readme));
  });
});
