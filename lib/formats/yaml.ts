import { Document, Scalar, stringify, visit } from 'yaml';
import { sortKeys } from './stable-json';

/**
 * Strings the `yaml` package would write plain or as a block although some reader
 * of our files trips on them: a tab (PyYAML, and so yamllint, refuses it in plain
 * scalars), a line ending in blanks (yamllint refuses trailing spaces), and the numbers
 * of a YAML 1.2 core-schema reader that the 1.1 rules leave plain (`0o755`, `1e3`), a leading `:` (Psych reads `:x` as a Ruby symbol),
 * a leading line break (a block scalar would start with a line of blanks) and `<<`
 * (a merge key). They are written double-quoted.
 */
const YAML12_ONLY_NON_STRING = /^(?:0o[0-7]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+)$/;

function needsDoubleQuotes(text: string): boolean {
  return text === '<<' || text.startsWith(':') || text.startsWith('\n') || text.includes('\t') || /[ \t]\n|[ \t]$/.test(text) || YAML12_ONLY_NON_STRING.test(text);
}

/**
 * The one YAML writer of the library: YAML 1.1, which every consumer of our
 * files reads (coreos-cloudinit, the kubelet and kubectl through go-yaml, Ruby's
 * Psych). The `yaml` package in 1.1 mode quotes every string a 1.1 reader would
 * take for something else (`on`, `yes`, `0755`, `1_000`, `12:30`, `~`, `.inf`,
 * dates), so what is written reads back as exactly the value given: a property
 * that test/formats/yaml.test.ts proves against the `yaml` 1.1 parser, Psych and
 * yamllint over random values. No line is folded.
 */
export function renderYaml(value: unknown, options: { readonly sortKeys?: boolean } = {}): string {
  if (!assertExact(value, '')) {
    // Nothing needs more than the 1.1 rules (the usual case): no visit of the document.
    return stringify(options.sortKeys ? sortKeys(value) : value, { version: '1.1', lineWidth: 0 });
  }
  // Without the 1.1 merge tag, a '<<' key is a string like any other (quoted below), never written as a merge key.
  const document = new Document(options.sortKeys ? sortKeys(value) : value, {
    version: '1.1',
    customTags: tags => tags.filter(tag => typeof tag === 'string' || tag.tag !== 'tag:yaml.org,2002:merge'),
  });
  visit(document, {
    Scalar(_key, node: Scalar) {
      if (typeof node.value === 'string' && needsDoubleQuotes(node.value)) {
        node.type = Scalar.QUOTE_DOUBLE;
      }
      // Psych takes even a quoted "<<" key for a merge; an explicit !!str tag is a string to every reader.
      if (node.value === '<<') {
        node.tag = 'tag:yaml.org,2002:str';
      }
    },
  });
  return document.toString({ lineWidth: 0 });
}

/**
 * Whether any string of `value` needs more quoting than the 1.1 rules give. Numbers must be safe integers: a YAML 1.1 float needs a dot (`1e3` is a string there) and
 * readers disagree on the rest, and no file of ours holds a fraction. A violation is a bug, not
 * a user mistake, so it throws.
 */
function assertExact(value: unknown, at: string): boolean {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) {
    throw new Error(`${value} at ${at || '(top)'} is not a safe integer; the YAML writer holds only integers`);
  }
  if (typeof value === 'string') {
    return needsDoubleQuotes(value);
  }
  let quotes = false;
  if (Array.isArray(value)) {
    value.forEach((item, i) => { quotes = assertExact(item, `${at}[${i}]`) || quotes; });
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      quotes = assertExact(item, at ? `${at}.${key}` : key) || needsDoubleQuotes(key) || quotes;
    }
  }
  return quotes;
}
