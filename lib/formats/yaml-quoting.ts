/**
 * Strings the `yaml` package would write plain or as a block although some reader
 * of our files trips on them: a tab (PyYAML, and so yamllint, refuses it in plain
 * scalars), a line ending in blanks (yamllint refuses trailing spaces), the numbers
 * of a YAML 1.2 core-schema reader that the 1.1 rules leave plain (`0o755`, `1e3`),
 * a leading `:` (Psych reads `:x` as a Ruby symbol), a leading line break (a block
 * scalar would start with a line of blanks) and `<<` (a merge key). Both YAML
 * writers write them double-quoted.
 */
export function requiresDoubleQuotes(text: string): boolean {
  return text === '<<' || text.startsWith(':') || text.startsWith('\n') || text.includes('\t') || /[ \t]\n|[ \t]$/.test(text) || YAML12_ONLY_NON_STRING.test(text);
}

const YAML12_ONLY_NON_STRING = /^(?:0o[0-7]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+)$/;
