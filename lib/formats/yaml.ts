import { Document, Scalar, stringify, visit } from 'yaml';
import { describeValue, placeOf } from '../synth/describe-value';
import { isPlainPrototype } from '../synth/plain-props';
import { sortKeys } from './stable-json';
import { writeBlockYaml } from './yaml-block-writer';
import { requiresDoubleQuotes } from './yaml-quoting';

/**
 * The one YAML writer of the library: YAML 1.1, which every consumer of our
 * files reads (coreos-cloudinit, the kubelet and kubectl through go-yaml, Ruby's
 * Psych). The `yaml` package in 1.1 mode quotes every string a 1.1 reader would
 * take for something else (`on`, `yes`, `0755`, `1_000`, `12:30`, `~`, `.inf`,
 * dates), so what is written reads back as exactly the value given: a property
 * that test/formats/yaml.test.ts proves against the `yaml` 1.1 parser, Psych and
 * yamllint over random values. No line is folded.
 *
 * Most documents take the fast path (yaml-block-writer.ts), which writes the
 * same bytes as the package without building its node tree; the package
 * writes the rest.
 */
export function renderYaml(value: unknown, options: { readonly sortKeys?: boolean } = {}): string {
  return writeBlockYaml(value, { sortKeys: options.sortKeys ?? false }) ?? renderWithPackage(value, options);
}

/** What the `yaml` package writes for `value`, with the quoting of yaml-quoting.ts; exported for the tests that compare the two paths. */
export function renderWithPackage(value: unknown, options: { readonly sortKeys?: boolean } = {}): string {
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
      if (typeof node.value === 'string' && requiresDoubleQuotes(node.value)) {
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
 * Every value of `value` the writer cannot hold, each naming its place under `path` ('' for
 * the top): a symbol, a bigint or a function, which neither JSON nor YAML has, and a number that is not a
 * safe integer. YAML 1.1 readers disagree on floats (`1e3` is a string to one, a number to
 * another), so the writer holds integers only. For input to check before it is rendered.
 */
export function yamlValueProblems(value: unknown, path: string): string[] {
  const problems: string[] = [];
  collectValueProblems(value, path, [], problems);
  return problems;
}

/**
 * One walk over the value, keeping the place as a stack of keys: a path is written only for a
 * value with a problem (a synth checks every cloud-config, which has none).
 */
function collectValueProblems(value: unknown, path: string, keys: Array<string | number>, problems: string[]): void {
  const problem = valueProblem(value);
  if (problem) {
    const place = placeOf(keys, path);
    problems.push(`${place === '' ? 'the object' : place} ${problem}`);
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => { keys.push(index); collectValueProblems(item, path, keys, problems); keys.pop(); });
  } else if (value !== null && typeof value === 'object') {
    for (const key in value) {
      if (!Object.prototype.hasOwnProperty.call(value, key)) { continue; }
      keys.push(key);
      collectValueProblems((value as Record<string, unknown>)[key], path, keys, problems);
      keys.pop();
    }
  }
}

/** What is wrong with one value for the writer, or undefined. */
function valueProblem(value: unknown): string | undefined {
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) ? undefined : `is the number ${value}, which is not a whole number the `
      + 'YAML 1.1 readers agree on; expected an integer, or the value as a string (as Kubernetes writes quantities, e.g. \'0.5\')';
  }
  if (typeof value === 'symbol' || typeof value === 'bigint' || typeof value === 'function') {
    return `is ${typeof value === 'function' ? 'a function' : `the ${typeof value} ${describeValue(value)}`}, which JSON and YAML cannot hold; `
      + 'expected a string, an integer, a boolean, null, a list or an object';
  }
  const instance = instanceOf(value);
  if (instance) {
    // A Date, a Map, a Buffer or a boxed number would be written as the plain object of its own keys, not as what it means.
    return `is ${instance}, which the YAML writer would not write as what it means; expected a string, an integer, a boolean, null, a list or a plain object`;
  }
  return undefined;
}

/** `a Date`, `a Map`...: an object made by a class, not an array or a plain object; undefined for the rest. */
function instanceOf(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) { return undefined; }
  const prototype = Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null;
  if (prototype === null || isPlainPrototype(prototype)) { return undefined; }
  const name = typeof prototype.constructor?.name === 'string' && prototype.constructor.name !== '' ? prototype.constructor.name : 'an object of a class';
  return name === 'an object of a class' ? name : `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name} ${describeValue(value)}`;
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
    return requiresDoubleQuotes(value);
  }
  let quotes = false;
  if (Array.isArray(value)) {
    value.forEach((item, i) => { quotes = assertExact(item, `${at}[${i}]`) || quotes; });
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      quotes = assertExact(item, at ? `${at}.${key}` : key) || requiresDoubleQuotes(key) || quotes;
    }
  }
  return quotes;
}
