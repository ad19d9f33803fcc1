import { expect } from 'chai';
import { RubySymbol, rubyLiteral, rubyString } from '../../lib/formats/ruby';

describe('Ruby literals', () => {
  it('escapes quotes, backslashes and interpolation in strings', () => {
    expect(rubyString('say "hi"')).to.equal('"say \\"hi\\""');
    expect(rubyString('a\\b')).to.equal('"a\\\\b"');
    expect(rubyString('#{`reboot`}')).to.equal('"\\#{`reboot`}"');
    expect(rubyString('100% $(id)')).to.equal('"100% $(id)"');
  });

  it('writes line breaks and control characters as escapes, never raw', () => {
    expect(rubyString('a\nb\tc\u0000')).to.equal('"a\\nb\\tc\\u{0}"');
    expect(rubyString('a\nb')).not.to.contain('\n');
    expect(rubyString('del\u007f')).to.equal('"del\\u{7f}"');
  });

  it('writes a string with nothing to escape between quotes as it is, beyond the BMP and lone surrogates too', () => {
    expect(rubyString('node-01 10.10.10.11 /etc/x 😀 \uD800')).to.equal('"node-01 10.10.10.11 /etc/x 😀 \uD800"');
  });

  it('renders hashes with symbol keys, arrays, nil and numbers', () => {
    expect(rubyLiteral({ name: 'etcd-01', cpus: 1, folders: [], user_data: null, ok: true, kind: RubySymbol.of('rsync') }))
      .to.equal('{ name: "etcd-01", cpus: 1, folders: [], user_data: nil, ok: true, kind: :rsync }');
  });

  it('fails when a hash key or symbol is not a plain identifier', () => {
    expect(() => rubyLiteral({ 'bad key': 1 })).to.throw(/not a plain Ruby hash key/);
    expect(() => RubySymbol.of('a-b')).to.throw(/not a plain Ruby symbol/);
    expect(() => rubyLiteral(Number.NaN)).to.throw(/no Ruby literal/);
  });
});
