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
