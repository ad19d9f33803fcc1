// YAML 1.1 safety is a property of the serializer: for any JSON-like value our files
// can hold, what renderYaml writes reads back as exactly that value in the yaml
// package's 1.1 parser, in Ruby's Psych (a YAML 1.1 reader, like go-yaml), and passes
// yamllint --strict with the project's rules. The synth path relies on it and reads nothing back.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import fc from 'fast-check';
import '../support/property-seed'; // the fixed draw, in a run of this file alone too
import { parse } from 'yaml';
import { renderYaml } from '../../lib/formats/yaml';
import { psychLoad } from '../integration/support/ruby';
import { makeTempDir, output, removeTempDir, requireTools, run } from '../integration/support/tools';

/** Strings a YAML 1.1 reader takes for something else when they are written plain. */
const TRAPS = [
  'on', 'off', 'On', 'OFF', 'yes', 'no', 'Yes', 'NO', 'y', 'n', 'Y', 'N', 'true', 'false', 'True', 'FALSE', '~', 'null', 'Null', 'NULL', '',
  '0755', '0o755', '0x1F', '0b101', '1_000', '12:30', '1:20:30', '190:20:30', '.inf', '-.inf', '.NaN', '1e3', '1.5e-3', '+1', '-1', '.5', '1.',
  '2001-12-14', '2001-12-14t21:59:43.10-05:00', '2001-12-14 21:59:43.10 -5', '<<', '=', '-', '- a', 'a: b', 'a #b', '#x', '@x', '`x', '!x', '&x',
  '*x', '|', '>', '"', "'", '%x', '?', ':x', ':2112', ' leading', 'trailing ', 'two\nlines', 'tab\there', 'ünïcode', '---', '...', '[a]', '{a: 1}',
  'http://x:8080/y', '192.168.56.20', '10.3.0.0/24', '${COREOS_PUBLIC_IPV4}', 'key=value:NoSchedule', 'node-role.kubernetes.io/control-plane=',
];

const scalar = fc.oneof(
  fc.constantFrom(...TRAPS),
  fc.string(),
  fc.string({ unit: fc.constantFrom('0', '1', '7', '_', ':', '.', '-', '+', 'e', 'x', 'o', 'y', 'n', ' ', '#', '\n') }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
);
const key = fc.oneof(fc.constantFrom(...TRAPS), fc.string({ minLength: 1 }));
const value: fc.Arbitrary<unknown> = fc.letrec(tie => ({
  node: fc.oneof({ maxDepth: 3 }, scalar, fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(key, tie('node'), { maxKeys: 4 })),
})).node;
const document = fc.dictionary(key, value, { minKeys: 1, maxKeys: 6 });

describe('renderYaml: YAML 1.1 safety of the serializer', () => {
  it('reads back as the value in the yaml package\'s YAML 1.1 parser (1000 random documents)', () => {
    fc.assert(fc.property(document, doc => {
      expect(parse(renderYaml(doc), { version: '1.1' })).to.deep.equal(doc);
    }), { numRuns: 1000 });
  });

  it('quotes every trap, so none reads back as another type', () => {
    const doc = Object.fromEntries(TRAPS.map((trap, i) => [`k${i}`, trap]));
    expect(parse(renderYaml(doc), { version: '1.1' })).to.deep.equal(doc);
    expect(renderYaml({ mode: '0755', proxy: 'on' })).to.equal('mode: "0755"\nproxy: "on"\n');
  });

  it('fails when the value is not what a YAML 1.1 file can hold exactly: a fraction, a non-finite number', () => {
    expect(() => renderYaml({ ratio: 0.5 })).to.throw(/0\.5 at ratio is not a safe integer/);
    expect(() => renderYaml({ a: [Infinity] })).to.throw(/Infinity at a\[0\]/);
  });

  describe('with the real readers', function () {
    let work: string | undefined;
    let files: string[] = [];
    let docs: Array<Record<string, unknown>> = [];

    before(function () {
      requireTools(this, 'ruby', 'yamllint');
      work = makeTempDir('yaml-property');
      docs = fc.sample(document, { numRuns: 300, seed: 20261130 });
      files = docs.map((doc, i) => {
        const file = path.join(work!, `doc-${i}.yaml`);
        fs.writeFileSync(file, renderYaml(doc));
        return file;
      });
    });
    after(() => removeTempDir(work));

    it('Psych reads 300 random documents back as the values', async () => {
      const loaded = await psychLoad(files);
      docs.forEach((doc, i) => expect(loaded[files[i]], files[i]).to.deep.equal(JSON.parse(JSON.stringify(doc))));
    });

    it('yamllint --strict accepts them with the rules of the generated files', async () => {
      const config = path.join(__dirname, '..', 'integration', 'yaml', 'yamllint.yaml');
      const result = await run('yamllint', ['--strict', '-f', 'parsable', '-c', config, ...files]);
      expect(result.code, output(result)).to.equal(0);
    });
  });
});
