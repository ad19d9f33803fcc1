import Ajv, { ErrorObject, ValidateFunction } from 'ajv';

// validateSchema and code.optimize off: each costs ~35 ms CPU of the first compile in
// every process (most of the main command's ajv time, BENCHMARKS.md). The schemas are
// static files, checked against the meta-schema by test/cloud-config/schema-files.test.ts.
const ajv = new Ajv({ allErrors: true, strict: true, validateSchema: false, code: { optimize: false } });
const compiled = new Map<object, ValidateFunction>();

/**
 * Validates `value` against a JSON schema (compiled once per process) and
 * returns readable problems such as `/coreos/etcd2/proxy must be equal to one of
 * the allowed values (on, off, readonly); got true`. Empty when valid.
 */
export function schemaProblems(schema: object, value: unknown): string[] {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  if (validate(value)) { return []; }
  return (validate.errors ?? []).map(error => formatSchemaError(error, value));
}

function formatSchemaError(error: ErrorObject, root: unknown): string {
  const where = error.instancePath || '(top level)';
  const got = JSON.stringify(valueAt(root, error.instancePath));
  switch (error.keyword) {
    case 'additionalProperties':
      return `${where} has unknown key '${error.params.additionalProperty}'`;
    case 'enum':
      return `${where} is ${got}; expected one of ${(error.params.allowedValues as unknown[]).map(v => JSON.stringify(v)).join(', ')}`;
    case 'required':
      return `${where} is missing required key '${error.params.missingProperty}'`;
    default:
      return `${where} is ${got}; it ${error.message}`;
  }
}

function valueAt(root: unknown, pointer: string): unknown {
  return pointer.split('/').slice(1).reduce<unknown>((node, token) => {
    const key = token.replace(/~1/g, '/').replace(/~0/g, '~');
    return node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
  }, root);
}
