// The rules of one add-on object (lib/addons/object-rules.ts), at their edges: what the
// API server accepts passes, one step past it fails. The bad-input table holds a row per
// refusal through a whole cluster; these tests prove where each limit lies.
import { expect } from 'chai';
import { MAX_DATA_SIZE, MAX_OBJECT_SIZE, identityOf, isSecret, objectProblems } from '../../lib/addons/object-rules';

const object = (apiVersion: string, kind: string, name: string, rest: object = {}) => ({ apiVersion, kind, metadata: { name }, ...rest });

describe('add-on object rules', () => {
  describe('names, by kind', () => {
    const cases: Array<[apiVersion: string, kind: string, accepted: string[], refused: string[]]> = [
      ['v1', 'ConfigMap', ['web', 'web.example.com', 'a'.repeat(253), '1web'], ['Web', 'web_1', '-web', 'a'.repeat(254), '']],
      ['v1', 'Namespace', ['my-app', '1app', 'a'.repeat(63)], ['my.app', 'a'.repeat(64)]],
      ['v1', 'Service', ['web', 'w-1'], ['1web', 'web.example', 'a'.repeat(64)]],
      ['rbac.authorization.k8s.io/v1', 'ClusterRole', ['system:coredns', 'Team Reader', 'a'.repeat(300)], ['team/reader', '50%', '.', '..']],
      ['rbac.authorization.k8s.io/v1', 'RoleBinding', ['system:my-app'], ['a/b']],
      ['batch/v1', 'CronJob', ['c'.repeat(52)], ['c'.repeat(53), 'Nightly']],
      ['example.com/v1', 'Service', ['1web', 'web.example'], ['Web', 'a:b']],
    ];
    for (const [apiVersion, kind, accepted, refused] of cases) {
      it(`takes the ${apiVersion} ${kind} names the API server takes, and refuses the others`, () => {
        for (const name of accepted) {
          expect(objectProblems(object(apiVersion, kind, name)), name).to.deep.equal([]);
        }
        for (const name of refused) {
          expect(objectProblems(object(apiVersion, kind, name)), name).to.have.length.at.least(1);
        }
      });
    }
  });

  describe('labels and annotations, at every depth', () => {
    it('checks the object\'s labels, its templates\' labels and selectors\' matchLabels', () => {
      const deployment = {
        ...object('apps/v1', 'Deployment', 'web'),
        spec: { selector: { matchLabels: { 'app!': 'web' } }, template: { metadata: { labels: { app: 'web-' } } } },
      };
      expect(objectProblems(deployment)).to.deep.equal([
        "spec.selector.matchLabels key 'app!' has the name 'app!', which is not 1 to 63 letters, digits, '-', '_' or '.' starting and ending with a letter or digit; expected a qualified name such as 'app' or 'example.com/app'",
        'spec.template.metadata.labels app has the value "web-", which is not empty or 1 to 63 letters, digits, \'-\', \'_\' or \'.\' starting and ending with a letter or digit',
      ]);
      expect(objectProblems({ ...object('v1', 'ConfigMap', 'c'), metadata: { name: 'c', labels: { [`${'p'.repeat(253)}/${'n'.repeat(63)}`]: 'v'.repeat(63), empty: '' } } })).to.deep.equal([]);
      expect(objectProblems({ ...object('v1', 'ConfigMap', 'c'), metadata: { name: 'c', labels: { [`${'p'.repeat(254)}/n`]: 'v' } } })).to.have.length(1);
    });

    it('reads annotation keys lowercased, as the API server does, and refuses more than 256 KiB of them', () => {
      const annotated = (annotations: object) => ({ ...object('v1', 'ConfigMap', 'c'), metadata: { name: 'c', annotations } });
      expect(objectProblems(annotated({ 'Example.com/Note': 'x' }))).to.deep.equal([]);
      expect(objectProblems(annotated({ 'a b': 'x' }))).to.have.length(1);
      expect(objectProblems(annotated({ note: 5 }))[0]).to.contain('is not a string');
      expect(objectProblems(annotated({ note: 'x'.repeat(256 * 1024 - 4) }))).to.deep.equal([]);
      expect(objectProblems(annotated({ note: 'x'.repeat(256 * 1024 - 3) }))[0]).to.contain('hold 262145 bytes');
    });
  });

  describe('ConfigMap and Secret data (1 MiB, summed over the values)', () => {
    it('takes 1 MiB of ConfigMap data and refuses one byte more, counting binaryData decoded', () => {
      const half = MAX_DATA_SIZE / 2;
      const binary = Buffer.alloc(half, 1).toString('base64');
      expect(objectProblems(object('v1', 'ConfigMap', 'c', { data: { a: 'x'.repeat(half) }, binaryData: { b: binary } }))).to.deep.equal([]);
      const over = objectProblems(object('v1', 'ConfigMap', 'c', { data: { a: 'x'.repeat(half + 1) }, binaryData: { b: binary } }));
      expect(over.filter(p => p.startsWith('ConfigMap data holds'))).to.deep.equal(['ConfigMap data holds 1048577 bytes; expected at most 1048576 (1 MiB), the limit of a ConfigMap\'s data']);
    });

    it('counts a Secret\'s data decoded and its stringData as written, a stringData key replacing a data key', () => {
      const mib = Buffer.alloc(MAX_DATA_SIZE, 1).toString('base64');
      expect(objectProblems(object('v1', 'Secret', 's', { data: { a: mib } })).filter(p => p.includes('data holds'))).to.deep.equal([]);
      expect(objectProblems(object('v1', 'Secret', 's', { data: { a: mib }, stringData: { b: 'x' } })).filter(p => p.includes('data holds'))).to.have.length(1);
      expect(objectProblems(object('v1', 'Secret', 's', { data: { a: mib }, stringData: { a: 'x' } })).filter(p => p.includes('data holds'))).to.deep.equal([]);
    });

    it('fails when a data value is not a string, or a data map is not a map: the API server holds strings only', () => {
      expect(objectProblems(object('v1', 'ConfigMap', 'c', { data: { port: 8080, debug: false, empty: null, list: ['a'] } }))).to.deep.equal([
        "data.port is the number 8080; expected a string, as every value of a ConfigMap's data is (quote it: '8080')",
        "data.debug is the boolean false; expected a string, as every value of a ConfigMap's data is (quote it: 'false')",
        "data.empty is null; expected a string, as every value of a ConfigMap's data is",
        'data.list is ["a"]; expected a string, as every value of a ConfigMap\'s data is',
      ]);
      expect(objectProblems(object('v1', 'Secret', 's', { stringData: { n: 1 }, data: 'abc' }))).to.deep.equal([
        'data is "abc"; expected a map of keys to strings',
        "stringData.n is the number 1; expected a string, as every value of a Secret's stringData is (quote it: '1')",
      ]);
      expect(objectProblems(object('v1', 'ConfigMap', 'c', { binaryData: { b: 5 } }))).to.have.length(1);
      expect(objectProblems(object('v1', 'ConfigMap', 'c', { data: { port: '8080' } }))).to.deep.equal([]);
    });

    it('refuses data keys that are not ConfigMap keys, and a ConfigMap key in both maps', () => {
      expect(objectProblems(object('v1', 'ConfigMap', 'c', { data: { 'a.conf': '1', '-x_y.Z': '2' } }))).to.deep.equal([]);
      expect(objectProblems(object('v1', 'ConfigMap', 'c', { data: { 'a/b': '1' } }))[0]).to.contain("data key 'a/b' is not a ConfigMap key");
      expect(objectProblems(object('v1', 'Secret', 's', { stringData: { '..x': '1' } }))[0]).to.contain("stringData key '..x'");
      expect(objectProblems(object('v1', 'ConfigMap', 'c', { data: { a: '1' }, binaryData: { a: 'MQ==' } }))[0]).to.contain("binaryData key 'a' is also a key of data");
    });
  });

  describe('the whole object', () => {
    it('takes an object of 1 MiB as JSON and refuses one byte more', () => {
      const widget = (size: number) => {
        const empty = object('example.com/v1', 'Widget', 'w', { spec: { blob: '' } });
        return object('example.com/v1', 'Widget', 'w', { spec: { blob: 'z'.repeat(size - JSON.stringify(empty).length) } });
      };
      expect(objectProblems(widget(MAX_OBJECT_SIZE))).to.deep.equal([]);
      expect(objectProblems(widget(MAX_OBJECT_SIZE + 1))[0]).to.match(/^the object is 1048577 bytes as JSON/);
    });

    it('takes whole numbers and refuses the others (the YAML writer writes integers only), wherever they are', () => {
      expect(objectProblems(object('example.com/v1', 'Widget', 'w', { spec: { replicas: 3, big: Number.MAX_SAFE_INTEGER, low: -2 } }))).to.deep.equal([]);
      expect(objectProblems(object('example.com/v1', 'Widget', 'w', { spec: { list: [1, 0.5], over: 2 ** 53, nan: Number.NaN } })).map(p => p.split(',')[0]))
        .to.deep.equal(['spec.list[1] is the number 0.5', 'spec.over is the number 9007199254740992', 'spec.nan is the number NaN']);
    });

    it('refuses a << key wherever it is, once', () => {
      expect(objectProblems(object('v1', 'ConfigMap', 'c', { data: { '<<': 'x' } }))).to.have.length(1);
      expect(objectProblems({ ...object('example.com/v1', 'Widget', 'w'), '<<': {} })[0]).to.match(/^the object has the key '<<'/);
      expect(objectProblems(object('example.com/v1', 'Widget', 'w', { spec: [[{ a: { '<<': 1 } }]] }))[0]).to.match(/^spec\[0\]\[0\]\.a has the key '<<'/);
    });

    it('knows a Secret and an object\'s identity', () => {
      expect(isSecret(object('v1', 'Secret', 's'))).to.equal(true);
      expect(isSecret(object('example.com/v1', 'Secret', 's'))).to.equal(false);
      expect(identityOf({ ...object('apps/v1', 'Deployment', 'web'), metadata: { name: 'web', namespace: 'ns' } }))
        .to.deep.equal({ group: 'apps', kind: 'Deployment', namespace: 'ns', name: 'web' });
      expect(identityOf(object('v1', 'ConfigMap', 'c'))).to.deep.equal({ group: '', kind: 'ConfigMap', namespace: undefined, name: 'c' });
    });
  });
});
