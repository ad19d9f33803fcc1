import * as fs from 'node:fs';
import * as path from 'node:path';

/** The names of the errors synth throws for bad input, whose message says all a user needs. */
export const USER_ERRORS = ['ValidationError', 'OutdirError', 'PkiError'];

/**
 * A script preloaded (`node -r`) into the app that `synth` runs: the errors synth throws for bad
 * input reach the user as their message alone, as a cluster file's do, not as Node's dump of an
 * uncaught exception with a stack into the library. Plain JavaScript, written into the command's
 * scratch folder, so that it loads whatever runs the app. Only the CLI's own child process loads
 * it; the library installs no handler.
 */
export function writeAppErrorsPreload(folder: string): string {
  const file = path.join(folder, 'app-errors.js');
  fs.writeFileSync(file, [
    '\'use strict\';',
    `const USER_ERRORS = new Set(${JSON.stringify(USER_ERRORS)});`,
    'process.on(\'uncaughtException\', error => {',
    '  const user = error instanceof Error && USER_ERRORS.has(error.name);',
    '  process.stderr.write(`${user ? error.message : error instanceof Error ? error.stack || error.message : String(error)}\\n`);',
    '  process.exit(1);',
    '});',
    '',
  ].join('\n'));
  return file;
}
