// Compiles every JSON schema of the library (lib/**/*.schema.json) to ajv's standalone
// code in lib/schema-validators/, for the package: `npm pack` runs this after tsc, so
// that a published package loads its validators instead of ajv's compiler, and never
// writes a cache into its own folder (lib/synth/json-schema.ts looks there first).
//
//   npx ts-node scripts/compile-schemas.ts [output folder]
import * as fs from 'node:fs';
import * as path from 'node:path';
import { standaloneValidator } from '../lib/synth/json-schema';

const LIB = path.join(__dirname, '..', 'lib');

/** Every `*.schema.json` under `folder`, sorted, so that the output is the same on every machine. */
function schemaFiles(folder: string): string[] {
  return fs.readdirSync(folder, { recursive: true, encoding: 'utf-8' })
    .filter(file => file.endsWith('.schema.json'))
    .map(file => path.join(folder, file))
    .sort();
}

/** The shipped code requires ajv's runtime modules: it must be compiled by the ajv the package pins. */
function checkAjvVersion(): void {
  const pinned = (JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf-8')) as { dependencies: Record<string, string> }).dependencies.ajv;
  const installed = (require('ajv/package.json') as { version: string }).version;
  if (installed !== pinned) {
    throw new Error(`ajv ${installed} is installed, but package.json pins ajv ${pinned}; run npm ci`);
  }
}

function main(): void {
  checkAjvVersion();
  const out = path.resolve(process.argv[2] ?? path.join(LIB, 'schema-validators'));
  fs.rmSync(out, { recursive: true, force: true }); // none left from schemas since changed
  fs.mkdirSync(out, { recursive: true });
  const files = schemaFiles(LIB);
  for (const file of files) {
    const { file: name, code } = standaloneValidator(JSON.parse(fs.readFileSync(file, 'utf-8')) as object);
    fs.writeFileSync(path.join(out, name), code);
  }
  console.log(`compiled ${files.length} schemas into ${path.relative(process.cwd(), out) || '.'}`);
}

main();
