import { expect } from 'chai';
import { describeValue, placeOf, quoteHint, textOf } from '../../lib/synth/describe-value';

describe('describeValue', () => {
  it('shows JSON for what JSON holds, cut to 80 characters', () => {
    expect(describeValue('10.10')).to.equal('"10.10"');
    expect(describeValue({ a: [1, null] })).to.equal('{"a":[1,null]}');
    expect(describeValue('x'.repeat(100))).to.equal(`"${'x'.repeat(76)}...`);
    expect(describeValue(`${'x'.repeat(75)}😀${'x'.repeat(20)}`), 'never half a surrogate pair').to.equal(`"${'x'.repeat(75)}...`);
  });

  it('names what JSON does not hold', () => {
    expect(describeValue(undefined)).to.equal('undefined');
    expect(describeValue(() => 1)).to.equal('a function');
    expect(describeValue(Symbol('junk'))).to.equal('Symbol(junk)');
    expect(describeValue(10n)).to.equal('10n');
    expect(describeValue({ size: 10n })).to.equal('{"size":"10n"}');
    // JSON writes them as null: a problem would show null for a count of NaN.
    expect([NaN, Infinity, -Infinity].map(describeValue)).to.deep.equal(['NaN', 'Infinity', '-Infinity']);
  });

  it('hints at quoting a number or a boolean given for a string, and nothing else', () => {
    expect([8080, false].map(quoteHint)).to.deep.equal([" (quote it: '8080')", " (quote it: 'false')"]);
    expect([null, undefined, ['a'], {}, 'x'].map(quoteHint)).to.deep.equal(['', '', '', '', '']);
  });

  it('never throws for a value that throws when printed or serialized', () => {
    const selfReferring: Record<string, unknown> = {};
    selfReferring.self = selfReferring;
    expect(describeValue({ toString: undefined })).to.equal('{}');
    expect(describeValue(Object.create(null))).to.equal('{}');
    expect(describeValue(selfReferring)).to.equal('[object Object]');
    expect(describeValue({ toJSON: () => undefined })).to.equal('[object Object]');
    expect(describeValue({ toJSON: () => { throw new Error('no'); } })).to.equal('[object Object]');
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(describeValue(proxy)).to.equal('an object');
    expect(describeValue(new Proxy({}, { get: () => { throw new Error('no'); }, ownKeys: () => { throw new Error('no'); } }))).to.be.a('string');
    expect(() => `${{ toString: undefined } as unknown as string}`, 'the case it guards against').to.throw(TypeError);
  });

  it('textOf keeps a string as it is and describes anything else', () => {
    expect(textOf('pods/master')).to.equal('pods/master');
    expect(textOf(Symbol('pods'))).to.equal('Symbol(pods)');
    expect(textOf({ toString: undefined })).to.equal('{}');
  });

  it('names a place by its keys: properties with dots, items with brackets', () => {
    expect(placeOf(['taints', 0, 'key'])).to.equal('taints[0].key');
    expect(placeOf([0, 'name'])).to.equal('[0].name');
    expect(placeOf(['write_files', 2], 'config')).to.equal('config.write_files[2]');
    expect(placeOf([])).to.equal('');
  });
});
