// Generates API.md, the API reference, from the doc comments of what lib/index.ts exports,
// with typedoc and typedoc-plugin-markdown as typedoc.json sets them (an exported class,
// interface, enum or function without a doc comment, a broken link, or a type that a
// signature uses but the index does not export, is an error).
// `npx ts-node scripts/api-docs.ts` rewrites API.md; test/api-docs.test.ts fails when it drifts.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..');
export const API_DOCS = path.join(ROOT, 'API.md');

/** API.md as typedoc writes it from the current sources. */
export function renderApiDocs(): string {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-vagrant-kubernetes-api-'));
  try {
    const typedoc = path.join(path.dirname(require.resolve('typedoc/package.json')), 'bin', 'typedoc');
    const result = spawnSync(process.execPath, [typedoc, '--out', out, '--logLevel', 'Warn'], { cwd: ROOT, encoding: 'utf-8' });
    if (result.status !== 0) {
      throw new Error(`typedoc failed (${result.status ?? result.signal}):\n${result.stdout}${result.stderr}`);
    }
    return fs.readFileSync(path.join(out, 'API.md'), 'utf-8');
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

if (require.main === module) {
  fs.writeFileSync(API_DOCS, renderApiDocs());
  console.log(`wrote ${path.relative(process.cwd(), API_DOCS)}`);
}
