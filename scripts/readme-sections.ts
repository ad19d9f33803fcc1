// Sections of README.md generated from the code, between `<!-- generated:NAME -->` and
// `<!-- /generated:NAME -->` markers. `npx ts-node scripts/readme-sections.ts` rewrites them;
// test/readme.test.ts fails when README.md and the code disagree.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { classicCompatibilityTable } from '../lib/profiles/classic/releases';
import { optionalAddonsTable } from '../lib/profiles/flatcar/releases';

/** Every generated section, by marker name. */
export function generatedSections(): Record<string, string> {
  return { 'classic-compatibility': classicCompatibilityTable(), 'flatcar-optional-addons': optionalAddonsTable() };
}

/** The README with every generated section replaced by its current content. */
export function withGeneratedSections(readme: string): string {
  let out = readme;
  for (const [name, content] of Object.entries(generatedSections())) {
    const pattern = new RegExp(`(<!-- generated:${name} -->\\n)[\\s\\S]*?(<!-- /generated:${name} -->)`);
    if (!pattern.test(out)) {
      throw new Error(`README.md has no <!-- generated:${name} --> ... <!-- /generated:${name} --> section`);
    }
    out = out.replace(pattern, (_match, open: string, close: string) => `${open}${content}${close}`);
  }
  return out;
}

if (require.main === module) {
  const file = path.join(__dirname, '..', 'README.md');
  fs.writeFileSync(file, withGeneratedSections(fs.readFileSync(file, 'utf-8')));
  console.log('README.md generated sections updated');
}
