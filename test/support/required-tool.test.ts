import { expect } from 'chai';
import { hasTool, requireTool } from './required-tool';

describe('real-tool tests (chromium, shellcheck)', () => {
  const variable = 'CDK_VAGRANT_KUBERNETES_REQUIRE_TOOLS';
  let saved: string | undefined;
  beforeEach(() => { saved = process.env[variable]; });
  afterEach(() => {
    if (saved === undefined) { delete process.env[variable]; } else { process.env[variable] = saved; }
  });

  /** Calls requireTool with a stand-in for mocha's context; returns whether it skipped and what it printed. */
  function attempt(tool: string): { skipped: boolean; printed: string } {
    let skipped = false;
    const write = process.stdout.write;
    let printed = '';
    process.stdout.write = ((chunk: string) => { printed += chunk; return true; }) as typeof process.stdout.write;
    try {
      requireTool({ skip: () => { skipped = true; return undefined as never; } }, tool, 'apt-get install -y it');
    } finally {
      process.stdout.write = write;
    }
    return { skipped, printed };
  }

  it('finds tools on PATH', () => {
    expect(hasTool('sh')).to.equal(true);
    expect(hasTool('no-such-tool-cdk-vagrant-kubernetes')).to.equal(false);
    expect(attempt('sh')).to.deep.equal({ skipped: false, printed: '' });
  });

  it('skips with a printed reason when a tool is missing locally', () => {
    delete process.env[variable];
    expect(attempt('no-such-tool-cdk-vagrant-kubernetes')).to.deep.equal({
      skipped: true,
      printed: '      skipped: no-such-tool-cdk-vagrant-kubernetes is not on PATH (install: apt-get install -y it)\n',
    });
  });

  it('fails when CI requires the tools (CDK_VAGRANT_KUBERNETES_REQUIRE_TOOLS=1)', () => {
    process.env[variable] = '1';
    expect(() => attempt('no-such-tool-cdk-vagrant-kubernetes')).to.throw(
      'no-such-tool-cdk-vagrant-kubernetes is not on PATH (install: apt-get install -y it); CDK_VAGRANT_KUBERNETES_REQUIRE_TOOLS=1 requires it');
  });
});
