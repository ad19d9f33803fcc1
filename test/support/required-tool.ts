import { spawnSync } from 'node:child_process';

/** Whether .ci/run asked that a missing real tool fail the test instead of skipping it. */
export function toolsRequired(): boolean {
  return process.env.CDK_VAGRANT_KUBERNETES_REQUIRE_TOOLS === '1';
}

/** Whether a program is on PATH. */
export function hasTool(tool: string): boolean {
  return spawnSync('sh', ['-c', 'command -v "$1"', 'sh', tool], { stdio: 'ignore' }).status === 0;
}

/**
 * Skips the running test, with a printed reason, when `tool` is not on PATH;
 * fails it instead when CDK_VAGRANT_KUBERNETES_REQUIRE_TOOLS=1 (CI).
 */
export function requireTool(test: Pick<Mocha.Context, 'skip'>, tool: string, installHint: string): void {
  if (hasTool(tool)) {
    return;
  }
  const reason = `${tool} is not on PATH (install: ${installHint})`;
  if (toolsRequired()) {
    throw new Error(`${reason}; CDK_VAGRANT_KUBERNETES_REQUIRE_TOOLS=1 requires it`);
  }
  process.stdout.write(`      skipped: ${reason}\n`);
  test.skip();
}
