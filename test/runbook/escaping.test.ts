import { execFileSync } from 'node:child_process';
import { expect } from 'chai';
import * as fc from 'fast-check';
import '../support/property-seed'; // the fixed draw, in a run of this file alone too
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { shellWord, shellWords } from '../../lib/formats/posix-shell';
import { formatNumber, xmlAttribute, xmlAttributes, xmlElement, xmlElementPieces, xmlText } from '../../lib/formats/xml';

describe('runbook escaping helpers', () => {
  describe('shellWord', () => {
    it('leaves plain words alone and single-quotes the rest', () => {
      expect(shellWord('http://10.10.10.11:2379')).to.equal('http://10.10.10.11:2379');
      expect(shellWord('core=node,kube=master')).to.equal('core=node,kube=master');
      expect(shellWord('etcd-01 etcd-02')).to.equal("'etcd-01 etcd-02'");
      expect(shellWord("it's")).to.equal("'it'\\''s'");
      expect(shellWord('')).to.equal("''");
      expect(shellWords(['a b', '$HOME'])).to.equal("'a b' '$HOME'");
    });

    it('gives back exactly the value when sh evaluates the word', () => {
      const value = fc.string({ unit: 'grapheme', maxLength: 20 }).filter(s => !s.includes('\0'));
      const samples = fc.sample(fc.array(value, { minLength: 1, maxLength: 20 }), { numRuns: 25, seed: 6 });
      samples.push([`'"$\`\\!*?[]{}~#&;|<>()\n\t`, '-n', '--', ' ', '$(echo no)', '~root']);
      for (const values of samples) {
        const script = `printf '%s\\0' ${shellWords(values)}`;
        const out = execFileSync('sh', ['-c', script], { encoding: 'utf-8' });
        expect(out.split('\0').slice(0, -1)).to.deep.equal(values);
      }
    });
  });

  describe('XML helpers', () => {
    it('escapes markup in text and attributes', () => {
      expect(xmlText('a < b & c > d')).to.equal('a &lt; b &amp; c &gt; d');
      expect(xmlAttribute('say "hi"\n')).to.equal('say &quot;hi&quot;&#10;');
      expect(xmlElement('text', { x: 1.234, y: undefined, fill: '#fff' }, ['hi'])).to.equal('<text x="1.23" fill="#fff">hi</text>');
      expect(xmlElement('rect', { width: 10 })).to.equal('<rect width="10"/>');
    });

    it('writes attributes on their own as an element writes them: in order, escaped, undefined ones left out', () => {
      const attributes = { 'x': 1.234, 'y': undefined, 'fill': 'a"b<', 'font-size': 11.5 };
      expect(xmlAttributes(attributes)).to.equal(' x="1.23" fill="a&quot;b&lt;" font-size="11.5"');
      expect(xmlElement('text', attributes, ['hi'])).to.equal(`<text${xmlAttributes(attributes)}>hi</text>`);
      expect(xmlAttributes({})).to.equal('');
    });

    it('refuses an element name that is not an XML name', () => {
      expect(() => xmlElement('1bad', {})).to.throw("'1bad' is not an XML element name");
      expect(() => xmlElementPieces('1bad', {}, [])).to.throw("'1bad' is not an XML element name");
    });

    it('gives the same markup as pieces, with the pieces of nested elements spliced in unjoined', () => {
      const inner = xmlElementPieces('g', { id: 'a' }, [xmlElement('rect', { width: 1 }), xmlText('x & y')]);
      expect(inner).to.deep.equal(['<g id="a">', '<rect width="1"/>', 'x &amp; y', '</g>']);
      const outer = xmlElementPieces('svg', { 'font-size': 11.5 }, ['\n', inner, '\n']);
      expect(outer).to.have.length(8);
      expect(outer.join('')).to.equal(xmlElement('svg', { 'font-size': 11.5 }, ['\n', inner.join(''), '\n']));
      expect(xmlElementPieces('rect', { width: 10 }, [])).to.deep.equal(['<rect width="10"/>']);
    });

    it('writes numbers without exponents or float noise', () => {
      expect(formatNumber(0.1 + 0.2)).to.equal('0.3');
      expect(formatNumber(-0.001)).to.equal('0');
      expect(formatNumber(1200)).to.equal('1200');
    });

    it('round-trips any text through an XML parser, in content and in attributes', () => {
      const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', trimValues: false, processEntities: true, parseTagValue: false, parseAttributeValue: false });
      fc.assert(fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }), value => {
        const kept = value.replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '');
        const doc = xmlElement('root', { label: value }, [xmlText(value)]);
        expect(XMLValidator.validate(doc), doc).to.equal(true);
        const parsed = parser.parse(doc).root;
        expect(parsed.label).to.equal(kept);
        if (kept.length > 0) {
          expect(String(parsed['#text'] ?? '')).to.equal(kept.replace(/\r\n?/g, '\n'));
        }
      }), { seed: 6, numRuns: 300 });
    });
  });
});
