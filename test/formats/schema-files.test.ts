import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { expect } from 'chai';

const LIB = path.join(__dirname, '..', '..', 'lib');

/** Every `*.schema.json` below lib/, as `lib/`-relative paths. */
function schemaFiles(folder = LIB): string[] {
  return fs.readdirSync(folder, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) { return schemaFiles(full); }
    return entry.name.endsWith('.schema.json') ? [path.relative(LIB, full)] : [];
  });
}

// synth compiles the schemas without checking them against the JSON Schema
// meta-schema (that check cost every process ~35 ms), so it is done here, once.
describe('JSON schema files', () => {
  it('finds the cloud-config schema', () => {
    expect(schemaFiles()).to.include(path.join('formats', 'cloud-config.schema.json'));
  });

  for (const file of schemaFiles()) {
    it(`${file} is a valid JSON schema that compiles in strict mode`, () => {
      const schema = JSON.parse(fs.readFileSync(path.join(LIB, file), 'utf-8'));
      const ajv = new Ajv({ allErrors: true, strict: true });
      ajv.addVocabulary(['expected']); // our annotation for error messages, as in lib/synth/json-schema.ts
      expect(ajv.validateSchema(schema), JSON.stringify(ajv.errors)).to.equal(true);
      expect(() => ajv.compile(schema)).not.to.throw();
    });
  }

  it('fails when a schema is not valid against the meta-schema', () => {
    expect(new Ajv().validateSchema({ type: 'strnig' })).to.equal(false);
  });
});
