/**
 * POSIX sh words for the generated verify.sh. Every value that reaches the
 * script goes through {@link shellWord}, never through string pasting.
 */

/** Characters that need no quoting in any POSIX shell context we use (words, assignments, case patterns). */
const PLAIN = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * One shell word that evaluates to exactly `value`: plain when it is safe,
 * otherwise single-quoted, with each `'` written as `'\''`.
 */
export function shellWord(value: string): string {
  if (PLAIN.test(value)) {
    return value;
  }
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Several words separated by spaces. */
export function shellWords(values: readonly string[]): string {
  return values.map(shellWord).join(' ');
}

/**
 * The `pass`/`fail` functions of the generated verify.sh scripts: each check
 * prints PASS or FAIL with what it saw, and the first FAIL stops the script.
 */
export const PASS_FAIL_FUNCTIONS: readonly string[] = [
  'passed=0',
  '',
  'pass() {',
  '  passed=$((passed + 1))',
  "  printf 'PASS %s\\n' \"$*\"",
  '}',
  '',
  'fail() {',
  "  printf 'FAIL %s\\n' \"$*\"",
  "  printf 'verify.sh: stopped at the first failure, after %s passed checks\\n' \"$passed\" >&2",
  '  exit 1',
  '}',
];
