// The YAML writer's fast path writes exactly the bytes the yaml package writes for
// the same value, and it is the path the examples' documents take: so the 1.1
// safety that yaml.test.ts proves of renderYaml holds whichever path wrote a file.
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';
import fc from 'fast-check';
import '../support/property-seed'; // the fixed draw, in a run of this file alone too
import { parseAllDocuments } from 'yaml';
import { defaultCluster } from '../../examples/default';
import { flatcarCluster } from '../../examples/flatcar';
import { flatcarHaCluster } from '../../examples/flatcar-ha';
import { flatcarWithAddonCluster } from '../../examples/flatcar-with-addon';
import { kubernetes112Cluster } from '../../examples/kubernetes-1.12';
import { Testing, VagrantCluster } from '../../lib';
import { CLOUD_CONFIG_HEADER } from '../../lib/formats/cloud-config';
import { renderWithPackage } from '../../lib/formats/yaml';
import { writeBlockYaml } from '../../lib/formats/yaml-block-writer';

/** Strings at the edges of the rules: indicators, 1.1 types, document markers, quotes, blanks, line breaks, long keys. */
const EDGES = [
  'on', 'yes', 'y', '0755', '0o755', '1e3', '1_000', '12:30', '.inf', '2001-12-14', 'null', '~', '', 'true', '<<', '=',
  '---', '...', '--- x', '%x', '%YAML', 'a\n---\nb', 'a\n...\n', 'a\n%b', 'a: b', 'a #b', '#x', '- a', '-', '?', '? x', ':x', 'x:',
  '"q"', "'s'", 'a"b', "a'b", 'a"b\'c', 'tab\there', 'two\nlines', 'two\nlines\n', 'two\n\nlines\n\n\n', '\nlead', ' lead', ' lead\nx',
  'trail ', 'x\n ', 'a\n  b\n', '[a]', '{a}', '|', '>', '!x', '&x', '*x', '@x', '`x', 'a\u2028b', 'é\u0007', 'x'.repeat(1030),
];
const text = fc.oneof(
  fc.constantFrom(...EDGES),
  fc.string(),
  fc.string({ unit: fc.constantFrom('a', ' ', '\n', '-', ':', '#', '"', "'", '%', '.', '0', '\t', '1') }),
);
const scalar = fc.oneof(text, fc.integer(), fc.boolean(), fc.constant(null), fc.constant(-0), fc.double());
const value: fc.Arbitrary<unknown> = fc.letrec(tie => ({
  node: fc.oneof({ maxDepth: 4 }, scalar, fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(text, tie('node'), { maxKeys: 4 })),
})).node;
const document = fc.oneof(fc.dictionary(text, value, { maxKeys: 6 }), fc.array(value, { maxLength: 5 }));

describe('the YAML writer\'s fast path', () => {
  it('writes the bytes the yaml package writes, or leaves the value to it (5000 random documents, both key orders)', () => {
    let written = 0;
    fc.assert(fc.property(document, fc.boolean(), (doc, sortKeys) => {
      const fast = writeBlockYaml(doc, { sortKeys });
      if (fast === undefined) { return; }
      written++;
      expect(fast).to.equal(renderWithPackage(doc, { sortKeys }));
    }), { numRuns: 5000 });
    // The comparison means something only if the fast path writes most documents.
    expect(written).to.be.greaterThan(1000);
  });

  it('leaves a map with an own __proto__ key (as JSON.parse makes) to the package, which writes it without that key', () => {
    const doc = JSON.parse('{"a": 1, "__proto__": null}');
    expect(writeBlockYaml(doc, { sortKeys: true })).to.equal(undefined);
    expect(writeBlockYaml({ nested: doc }, { sortKeys: false })).to.equal(undefined);
  });

  it('sorts keys as the sorted copy of stable-json.ts orders them: integer-like keys first', () => {
    const doc = { b: 1, '10': 2, a: { z: null, '2': true, '': 'x' }, '9': [] };
    expect(writeBlockYaml(doc, { sortKeys: true })).to.equal('"9": []\n"10": 2\na:\n  "2": true\n  "": x\n  z: null\nb: 1\n');
    expect(writeBlockYaml(doc, { sortKeys: true })).to.equal(renderWithPackage(doc, { sortKeys: true }));
  });

  it('sorts by UTF-16 code units, as Array.prototype.sort does, below and above its insertion-sort limit', () => {
    // Keys beyond the BMP sort by their surrogates: '\u{1F600}' (U+D83D...) before '\uFFFD'.
    const key = fc.oneof(fc.string(), fc.constantFrom('\u{1F600}', '\uFFFD', 'é', 'Z', 'a', '_', '42', '007'));
    const keys = [
      ...fc.sample(fc.uniqueArray(key, { minLength: 1, maxLength: 16 }), { numRuns: 200, seed: 11 }),
      ...fc.sample(fc.uniqueArray(key, { minLength: 17, maxLength: 40 }), { numRuns: 50, seed: 12 }),
    ];
    keys.push(['\uFFFD', '\u{1F600}', 'b', 'a'], Array.from({ length: 17 }, (_, i) => `k${(i * 7) % 17}`));
    for (const list of keys) {
      const doc = Object.fromEntries(list.map((key, i) => [key, i]));
      expect(writeBlockYaml(doc, { sortKeys: true }) ?? renderWithPackage(doc, { sortKeys: true })).to.equal(renderWithPackage(doc, { sortKeys: true }));
    }
    expect(writeBlockYaml({ '\uFFFD': 1, '\u{1F600}': 2 }, { sortKeys: true })).to.equal('\u{1F600}: 2\n\uFFFD: 1\n');
  });

  it('leaves to the package what needs its escaping, folding or explicit keys', () => {
    for (const doc of [{ a: 'bell\u0007' }, { a: 'tab\tin\nlines' }, { a: ' lead\nx' }, { '<<': 1 }, { ['k'.repeat(1030)]: 1 }, { a: 0.5 }, { a: new Date(0) }, 'scalar']) {
      expect(writeBlockYaml(doc, { sortKeys: false }), JSON.stringify(doc)).to.equal(undefined);
    }
  });

  describe('on every YAML document the examples write', () => {
    const examples: Record<string, (outdir: string, pkiDir: string) => VagrantCluster> = {
      'examples/default.ts': outdir => defaultCluster(outdir),
      'examples/kubernetes-1.12.ts': outdir => kubernetes112Cluster(outdir),
      'examples/flatcar.ts': (outdir, pkiDir) => flatcarCluster(outdir, pkiDir),
      'examples/flatcar-ha.ts': (outdir, pkiDir) => flatcarHaCluster(outdir, pkiDir),
      'examples/flatcar-with-addon.ts': (outdir, pkiDir) => flatcarWithAddonCluster(outdir, pkiDir),
    };
    for (const [name, build] of Object.entries(examples)) {
      it(`${name}: each document is the fast path's bytes for the value it reads back as`, () => {
        // Rendered in memory: the PKI is planned, nothing is written.
        const unused = path.join(os.tmpdir(), 'cdk-vk-never-written');
        const files = Testing.render(build(unused, `${unused}.pki`));
        const yamlFiles = Object.keys(files).filter(file => /\.ya?ml$|\.kubeconfig$/.test(file));
        expect(yamlFiles.length).to.be.greaterThan(4);
        for (const file of yamlFiles) {
          const content = files[file].startsWith(`${CLOUD_CONFIG_HEADER}\n`) ? files[file].slice(CLOUD_CONFIG_HEADER.length + 1) : files[file];
          const parts = content.split(/^---\n/m);
          const documents = parseAllDocuments(content, { version: '1.1' });
          expect(documents.length, file).to.equal(parts.length);
          documents.forEach((doc, i) => {
            expect(doc.errors, file).to.deep.equal([]);
            expect(writeBlockYaml(doc.toJS(), { sortKeys: false }), `${file}, document ${i + 1}`).to.equal(parts[i]);
          });
        }
      });
    }
  });
});
