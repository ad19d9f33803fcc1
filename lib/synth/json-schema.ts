import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { describeValue } from './describe-value';

/**
 * Validators compiled to JavaScript (ajv's standalone code), by the hash of their schema, so
 * that a process loads a validator instead of loading ajv's compiler and compiling the schema
 * again. A published package carries one for each of its schemas, compiled when it was packed
 * (`scripts/compile-schemas.ts`, run by `npm pack`), and never writes into its own folder.
 */
const SHIPPED_VALIDATORS = path.join(__dirname, '..', 'schema-validators');
/** A checkout keeps what it compiles here, so that the next process finds it. */
const SCHEMA_CACHE = path.join(__dirname, '..', '..', 'node_modules', '.cache', 'cdk-vagrant-kubernetes', 'schemas');
/** An installed package (inside a node_modules folder) writes nothing into its own folder. */
const INSTALLED = __dirname.split(path.sep).includes('node_modules');
/** Part of every key: bump when the compiler options change. */
const COMPILER = 'ajv8 allErrors strict verbose expected standalone 1';
const compiled = new WeakMap<object, ValidateFunction>();

/** The name of a schema's compiled validator. The standalone code requires ajv's runtime modules: another ajv version gets validators of its own. */
function validatorKey(schema: object): string {
  return createHash('sha256').update(COMPILER).update(ajvVersion()).update(JSON.stringify(schema)).digest('hex');
}

/** The validator of a schema: shipped with the package, else from the cache, else compiled (and cached in a checkout). */
function validatorFor(schema: object): ValidateFunction {
  const key = validatorKey(schema);
  for (const folder of [SHIPPED_VALIDATORS, SCHEMA_CACHE]) {
    const file = path.join(folder, `${key}.js`);
    if (fs.existsSync(file)) {
      try {
        return require(file) as ValidateFunction;
      } catch {
        // A cache file that does not load (cut short by a full disk): compiled again below, and replaced.
      }
    }
  }
  const { validate, code } = compile(schema);
  if (!INSTALLED) {
    const file = path.join(SCHEMA_CACHE, `${key}.js`);
    try {
      fs.mkdirSync(SCHEMA_CACHE, { recursive: true });
      const temp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(temp, code());
      fs.renameSync(temp, file);
    } catch {
      // A read-only checkout still validates, compiling in every process.
    }
  }
  return validate;
}

/** Compiles a schema with ajv: the validator, and its standalone code on demand. */
function compile(schema: object): { validate: ValidateFunction; code: () => string } {
  // `expected` is our annotation: what a valid value looks like, in words, for error messages.
  // validateSchema off: the schemas are static files, checked against the meta-schema by test/formats/schema-files.test.ts.
  const { default: Ajv } = require('ajv') as typeof import('ajv');
  const standaloneCode = (require('ajv/dist/standalone') as typeof import('ajv/dist/standalone')).default;
  const ajv = new Ajv({ allErrors: true, strict: true, verbose: true, validateSchema: false, code: { source: true } });
  ajv.addVocabulary(['expected']);
  const validate = ajv.compile(schema);
  return { validate, code: () => standaloneCode(ajv, validate) };
}

/**
 * A schema's validator as standalone JavaScript, and the file name under which
 * the library looks for it among the validators a package ships.
 */
export function standaloneValidator(schema: object): { file: string; code: string } {
  return { file: `${validatorKey(schema)}.js`, code: compile(schema).code() };
}

let installedAjv: string | undefined;

/** The installed ajv's version, read once (its package.json, not its compiler). */
function ajvVersion(): string {
  return (installedAjv ??= (require('ajv/package.json') as { version: string }).version);
}

/** How a problem names the place of a bad value. */
export enum ProblemStyle {
  /** JSON pointer, for files: `/coreos/etcd2/proxy`. */
  POINTER = 'pointer',
  /** Property path, for construct props: `xFleet.machineMetadata[0]`. */
  PROPERTY = 'property',
}

/**
 * Validates `value` against a JSON schema (compiled once per process) and
 * returns one readable problem per bad place, with the bad value and what was
 * expected. Empty when valid.
 */
export function schemaProblems(schema: object, value: unknown, style: ProblemStyle = ProblemStyle.POINTER): string[] {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = validatorFor(schema);
    compiled.set(schema, validate);
  }
  if (validate(value)) { return []; }
  const problems = new Map<string, string>();
  for (const error of meantBranches(validate.errors ?? [])) {
    const key = error.keyword === 'additionalProperties'
      ? `${error.instancePath}/${error.params.additionalProperty}`
      : error.instancePath;
    // One problem per place; an enum or const says more than the type check that fails with it.
    if (!problems.has(key) || error.keyword === 'enum' || error.keyword === 'const') {
      problems.set(key, formatSchemaError(error, value, style));
    }
  }
  return [...problems.values()];
}

/**
 * The errors of a value that matched no branch of a `oneOf`, less those of the branches it cannot
 * have meant: a branch whose own type, `const` or `enum` fails at the value, or whose `const` fails
 * at a key of it (a discriminator, such as `name: flatcar`). A check deeper in a branch, or inside
 * an inner `oneOf`, rules nothing out. When exactly one branch is left, its errors say what is wrong
 * (`options.regeneratePki is "true"`), not the other branches' (`options has unknown key
 * 'regeneratePki'`); otherwise every error stays. Each value a `oneOf` applies to (the items of a
 * list) is judged alone.
 */
function meantBranches(errors: ErrorObject[]): ErrorObject[] {
  let kept = errors;
  for (const oneOf of errors.filter(error => error.keyword === 'oneOf' && error.params.passingSchemas === null)) {
    const at = oneOf.instancePath;
    const prefix = `${oneOf.schemaPath}/`;
    const isChildOf = (pointer: string) => pointer.startsWith(`${at}/`) && !pointer.slice(at.length + 1).includes('/');
    /** The branch an error is of, for this oneOf at this value; undefined for any other error. */
    const branchOf = (error: ErrorObject) => (error.schemaPath.startsWith(prefix) && (error.instancePath === at || error.instancePath.startsWith(`${at}/`))
      ? error.schemaPath.slice(prefix.length).split('/')[0]
      : undefined);
    const rulesOut = (error: ErrorObject) => {
      const rest = error.schemaPath.slice(prefix.length);
      return (/^[0-9]+\/(type|const|enum)$/.test(rest) && error.instancePath === at)
        || (/^[0-9]+\/properties\/[^/]+\/const$/.test(rest) && isChildOf(error.instancePath));
    };
    const branches = new Map<string, ErrorObject[]>();
    for (const error of kept) {
      const branch = branchOf(error);
      if (branch !== undefined) { branches.set(branch, [...branches.get(branch) ?? [], error]); }
    }
    const plausible = [...branches].filter(([, branchErrors]) => !branchErrors.some(rulesOut)).map(([branch]) => branch);
    if (plausible.length === 1) {
      kept = kept.filter(error => error !== oneOf && (branchOf(error) ?? plausible[0]) === plausible[0]);
    }
  }
  return kept;
}

function formatSchemaError(error: ErrorObject, root: unknown, style: ProblemStyle): string {
  const where = style === ProblemStyle.PROPERTY ? propertyPath(error.instancePath) : (error.instancePath || '(top level)');
  const got = describeValue(valueAt(root, error.instancePath));
  const expected = (error.parentSchema as { expected?: string } | undefined)?.expected;
  switch (error.keyword) {
    case 'additionalProperties': {
      const known = Object.keys((error.parentSchema as { properties?: object }).properties ?? {});
      const unknownKey = String(error.params.additionalProperty);
      const owner = where === '(top level)' || where === '(props)' ? '' : `${where} `;
      return `${owner}has unknown key '${unknownKey}'; expected one of ${known.join(', ')}`;
    }
    case 'required':
      return `${where === '(props)' ? '' : `${where} `}is missing '${error.params.missingProperty}'`;
    case 'enum':
      return `${where} is ${got}; expected one of ${(error.params.allowedValues as unknown[]).map(v => JSON.stringify(v)).join(', ')}`;
    case 'type':
      return `${where} is ${got}; expected ${expected ?? `a value of type ${error.params.type}`}`;
    default:
      return `${where} is ${got}; ${expected ? `expected ${expected}` : `it ${error.message}`}`;
  }
}

/** `/xFleet/machineMetadata/0` → `xFleet.machineMetadata[0]`. */
function propertyPath(pointer: string): string {
  if (!pointer) { return '(props)'; }
  return pointer.split('/').slice(1).map(unescapeToken)
    .reduce((path, token) => /^[0-9]+$/.test(token) ? `${path}[${token}]` : path ? `${path}.${token}` : token, '');
}

function unescapeToken(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

function valueAt(root: unknown, pointer: string): unknown {
  return pointer.split('/').slice(1).reduce<unknown>((node, token) => {
    return node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[unescapeToken(token)] : undefined;
  }, root);
}
