// The harness contract: a missing tool skips with a printed reason locally, and
// fails with that reason when CDK_VAGRANT_KUBERNETES_REQUIRE_TOOLS=1 (CI).
import { expect } from 'chai';
import { REQUIRE_TOOLS_ENV, requireTools, which } from './support/tools';

/** A stand-in for mocha's context: records whether skip() was called. */
function fakeContext() {
  const state = { skipped: false };
  const context = { skip: () => { state.skipped = true; throw new Error('skipped'); } } as unknown as Mocha.Context;
  return { context, state };
}

/** Runs `fn` with stdout captured; returns what it printed (mocha's own output must not be captured). */
function printedBy(fn: () => void): string {
  const write = process.stdout.write;
  let printed = '';
  process.stdout.write = ((chunk: string) => { printed += chunk; return true; }) as typeof process.stdout.write;
  try { fn(); } finally { process.stdout.write = write; }
  return printed;
}

describe('integration harness: missing tools', () => {
  const saved = process.env[REQUIRE_TOOLS_ENV];

  afterEach(() => {
    if (saved === undefined) { delete process.env[REQUIRE_TOOLS_ENV]; } else { process.env[REQUIRE_TOOLS_ENV] = saved; }
  });

  it('finds a tool on PATH and returns its path', () => {
    const { context, state } = fakeContext();
    expect(requireTools(context, 'node')).to.deep.equal({ node: which('node') });
    expect(state.skipped).to.equal(false);
  });

  it('skips with a printed reason naming the package when a tool is missing', () => {
    delete process.env[REQUIRE_TOOLS_ENV];
    const { context, state } = fakeContext();
    const printed = printedBy(() => expect(() => requireTools(context, 'node', 'no-such-tool-cdk-vagrant')).to.throw('skipped'));
    expect(state.skipped).to.equal(true);
    expect(printed).to.contain('skipped: no-such-tool-cdk-vagrant not found on PATH; install no-such-tool-cdk-vagrant');
  });

  it(`fails instead of skipping when ${REQUIRE_TOOLS_ENV}=1`, () => {
    process.env[REQUIRE_TOOLS_ENV] = '1';
    const { context, state } = fakeContext();
    expect(() => requireTools(context, 'no-such-tool-cdk-vagrant'))
      .to.throw(`no-such-tool-cdk-vagrant not found on PATH; install no-such-tool-cdk-vagrant (${REQUIRE_TOOLS_ENV}=1 turns this skip into a failure)`);
    expect(state.skipped).to.equal(false);
  });
});
