// Real Ruby evaluates the literals of lib/formats/ruby.ts back to exactly the
// input: quotes, newlines, interpolation, %, backslashes and any Unicode.
import { expect } from 'chai';
import * as fc from 'fast-check';
import '../support/property-seed'; // the fixed draw, in a run of this file alone too
import { evaluateRubyLiterals } from './support/ruby';
import { makeTempDir, removeTempDir, requireTools } from './support/tools';
import { RubySymbol, RubyValue, rubyLiteral, rubyString } from '../../lib/formats/ruby';

/** Strings that have broken hand-written Ruby before: every one must come back unchanged. */
const TRICKY_STRINGS = [
  '', 'plain', 'say "hi"', 'it\'s', 'line one\nline two\n', 'tab\there', 'cr\r\nlf',
  '#{1 + 1}', '#{`id`}', '#@ivar', '#$0', '#', '\\#{x}', '$(rm -rf /)', '`uname`',
  '%', '%s %d %{x}', '%q(x)', '%w[a b]', 'back\\slash', '\\', '\\\\', '\\n', '\\u{41}', '\\"',
  'üñíçødé', '日本語', '😀 emoji', 'a\u0000b', '\u0007\u001b[31m', '\u007f', '\u2028\u2029', 'e\u0301',
  '__END__', '=begin', 'end', '"; system("id"); "', '\' + `id` + \'',
];

/** What Ruby's JSON makes of a value: symbols become their names. */
function asJson(value: RubyValue): unknown {
  const plain = (v: RubyValue): unknown => {
    if (v instanceof RubySymbol) { return v.name; }
    if (Array.isArray(v)) { return v.map(plain); }
    if (v !== null && typeof v === 'object') { return Object.fromEntries(Object.entries(v).map(([k, c]) => [k, plain(c)])); }
    return v;
  };
  return JSON.parse(JSON.stringify(plain(value))); // -0 becomes 0, as in Ruby
}

const anyString = fc.string({ unit: 'binary', maxLength: 40 });
const rubyValue: fc.Arbitrary<RubyValue> = fc.letrec<{ value: RubyValue }>(tie => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    anyString,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.stringMatching(/^[a-z_][a-zA-Z0-9_]{0,8}$/).map(name => RubySymbol.of(name)),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.stringMatching(/^[a-z_][a-zA-Z0-9_]{0,8}$/).filter(k => k !== '__proto__'), tie('value'), { maxKeys: 4 }),
  ),
})).value;

describe('integration: Ruby evaluates our Ruby literals', function () {
  let work: string | undefined;

  before(function () {
    requireTools(this, 'ruby');
    work = makeTempDir('ruby');
  });

  after(() => removeTempDir(work));

  it('rubyString round-trips quotes, newlines, #{}, $(), %, backslashes and Unicode', async () => {
    const generated = fc.sample(anyString, { numRuns: 300, seed: 4 });
    const inputs = [...TRICKY_STRINGS, ...generated];
    const values = await evaluateRubyLiterals(work!, inputs.map(rubyString));
    for (const [i, input] of inputs.entries()) {
      expect(values[i], `rubyString(${JSON.stringify(input)}) = ${rubyString(input)}`).to.equal(input);
    }
  });

  it('rubyLiteral round-trips nested hashes, arrays, symbols, numbers, booleans and nil', async () => {
    const inputs = fc.sample(rubyValue, { numRuns: 150, seed: 4 });
    const values = await evaluateRubyLiterals(work!, inputs.map(rubyLiteral));
    for (const [i, input] of inputs.entries()) {
      expect(values[i], rubyLiteral(input)).to.deep.equal(asJson(input));
    }
  });

  it('fails when a string is pasted into a Ruby literal without escaping', async () => {
    const inputs = ['#{1 + 1}', 'a\\nb', 'x#@y'];
    const values = await evaluateRubyLiterals(work!, inputs.map(input => `"${input}"`));
    expect(values).to.deep.equal(['2', 'a\nb', 'x']);
    expect(values).to.not.deep.equal(inputs);
  });
});
