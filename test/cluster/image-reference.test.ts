// The image reference checker: the grammar of github.com/distribution/reference
// (reference.go), proven on the cases of its own reference_test.go, plus the
// pinning rule (a tag or a digest) that every image option of both profiles follows.
import { expect } from 'chai';
import { imageProblems, parseImageReference, pinnedImageProblem } from '../../lib/cluster/image-reference';

const HEX = 'f'.repeat(64);

/** Parses what must be a reference, or fails the test with its problem. */
function parsed(text: string) {
  const result = parseImageReference(text);
  if ('problem' in result) { throw new Error(`${text}: ${result.problem}`); }
  return result.reference;
}

/** The problem of what must not be a reference. */
function problem(text: string): string {
  const result = parseImageReference(text);
  if ('reference' in result) { throw new Error(`${text} parsed as ${JSON.stringify(result.reference)}`); }
  return result.problem;
}

describe('image references', () => {
  describe('the grammar of distribution/reference (the valid cases of its reference_test.go)', () => {
    const valid: Array<[input: string, domain: string | undefined, path: string, tag?: string, digest?: string]> = [
      ['test_com', undefined, 'test_com'],
      ['test.com:tag', undefined, 'test.com', 'tag'],
      ['test.com:5000', undefined, 'test.com', '5000'],
      ['test.com/repo:tag', 'test.com', 'repo', 'tag'],
      ['test:5000/repo', 'test:5000', 'repo'],
      ['test:5000/repo:tag', 'test:5000', 'repo', 'tag'],
      [`test:5000/repo@sha256:${HEX}`, 'test:5000', 'repo', undefined, `sha256:${HEX}`],
      [`test:5000/repo:tag@sha256:${HEX}`, 'test:5000', 'repo', 'tag', `sha256:${HEX}`],
      ['lowercase:Uppercase', undefined, 'lowercase', 'Uppercase'],
      [`${'a/'.repeat(127)}a:tag-puts-this-over-max`, 'a', `${'a/'.repeat(126)}a`, 'tag-puts-this-over-max'],
      ['sub-dom1.foo.com/bar/baz/quux:some-long-tag', 'sub-dom1.foo.com', 'bar/baz/quux', 'some-long-tag'],
      ['b.gcr.io/test.example.com/my-app:test.example.com', 'b.gcr.io', 'test.example.com/my-app', 'test.example.com'],
      [`xn--7o8h.com/myimage:xn--7o8h.com@sha256:${HEX}`, 'xn--7o8h.com', 'myimage', 'xn--7o8h.com', `sha256:${HEX}`],
      ['foo_bar.com:8080', undefined, 'foo_bar.com', '8080'],
      ['foo/foo_bar.com:8080', 'foo', 'foo_bar.com', '8080'],
      ['192.168.1.1:5000/repo:5050', '192.168.1.1:5000', 'repo', '5050'],
      ['[2001:db8::1]:5000/repo:tag', '[2001:db8::1]:5000', 'repo', 'tag'],
      ['[::1]:5000/repo', '[::1]:5000', 'repo'],
      [`example.com/${'a'.repeat(255)}:tag`, 'example.com', 'a'.repeat(255), 'tag'],
      // Separators: one period, one or two underscores, any number of dashes.
      ['a__b---c.d_e:1', undefined, 'a__b---c.d_e', '1'],
      // What this library's defaults use.
      ['registry.k8s.io/etcd:3.6.9-0', 'registry.k8s.io', 'etcd', '3.6.9-0'],
      ['ghcr.io/flannel-io/flannel-cni-plugin:v1.8.0-flannel1', 'ghcr.io', 'flannel-io/flannel-cni-plugin', 'v1.8.0-flannel1'],
    ];
    for (const [input, domain, path, tag, digest] of valid) {
      it(`parses ${input.length > 60 ? `${input.slice(0, 57)}...` : input}`, () => {
        expect(parsed(input)).to.deep.equal({ domain, path, tag, digest });
      });
    }
  });

  describe('refusals', () => {
    const invalid: Array<[input: string, words: string]> = [
      ['', 'is empty'],
      [':justtag', 'grammar'],
      [`@sha256:${HEX}`, 'grammar'],
      [`repo@sha256:${'f'.repeat(34)}`, 'not 64 lowercase hex digits'],
      [`validname@invaliddigest:${HEX}`, "algorithm 'invaliddigest'"],
      [`validname@sha512:${'f'.repeat(128)}`, "algorithm 'sha512'"],
      [`repo@sha256:${'F'.repeat(64)}`, 'not 64 lowercase hex digits'],
      ['Uppercase:tag', 'capitals'],
      ['test:5000/Uppercase/lowercase:tag', 'capitals'],
      [`domain/${'a'.repeat(256)}:tag`, 'repository path of 256 characters'],
      ['aa/asdf$$^/aa', 'grammar'],
      ['[2001:db8::1]', 'grammar'],
      ['[fe80::1%eth0]:5000/repo', 'grammar'],
      // What the profiles' options were given by mistake or on purpose.
      ['--privileged', "starts with '-'"],
      ['-v/:/host', "starts with '-'"],
      ['registry.k8s.io/etcd:3.6.9-0\nExecStartPre=/bin/sh', 'line break'],
      ['registry.k8s.io/etcd:3.6.9-0 --privileged', 'white space'],
      ['registry.k8s.io/etcd:', 'grammar'],
      ['registry.k8s.io//etcd:1', 'grammar'],
      ['registry.k8s.io/etcd:.1', 'grammar'],
      [`registry.k8s.io/etcd:${'a'.repeat(129)}`, 'grammar'],
      ['a--/b:1', 'grammar'],
      ['a...b:1', 'grammar'],
      ['a___b:1', 'grammar'],
      [`${'a'.repeat(1001)}`, '1001 characters'],
    ];
    for (const [input, words] of invalid) {
      it(`fails when the reference is ${JSON.stringify(input.length > 60 ? `${input.slice(0, 57)}...` : input)}`, () => {
        expect(problem(input)).to.contain(words);
      });
    }

    it('answers at once on input built to make a backtracking matcher slow', () => {
      const started = process.hrtime.bigint();
      for (const input of [`${'a-'.repeat(499)}!`, `${'a.'.repeat(499)}!`, `${'a'.repeat(998)}/!`, `${'a-a.'.repeat(249)}:!`]) {
        expect(problem(input)).to.be.a('string');
      }
      expect(Number(process.hrtime.bigint() - started) / 1e6).to.be.below(200);
    });
  });

  describe('pinning', () => {
    it('accepts a tag or a sha256 digest, and refuses a reference with neither (the runtime would pull :latest)', () => {
      expect(pinnedImageProblem('registry.k8s.io/etcd:3.6.9-0')).to.equal(undefined);
      expect(pinnedImageProblem(`registry.k8s.io/etcd@sha256:${HEX}`)).to.equal(undefined);
      expect(pinnedImageProblem('registry.k8s.io/etcd')).to.contain(':latest');
      expect(pinnedImageProblem(5)).to.equal('is not a string');
    });

    it('words a problem line with the option, the value and what was expected', () => {
      expect(imageProblems('etcdImage', undefined)).to.deep.equal([]);
      expect(imageProblems('etcdImage', 5), 'the schema reports the type').to.deep.equal([]);
      expect(imageProblems('etcdImage', 'registry.k8s.io/etcd:3.6.9-0')).to.deep.equal([]);
      const [line] = imageProblems('etcdImage', '--privileged');
      expect(line).to.match(/^etcdImage "--privileged" starts with '-'.*; expected an image reference \[registry\[:port\]\/\]path:tag/);
    });
  });
});
