// Read-back checks: what the synth path no longer does (it checks objects before they
// are written), the tests do on the written text, as the real readers would.
import { isDeepStrictEqual } from 'node:util';
import { parseAllDocuments, parseDocument } from 'yaml';
import { Addon } from '../../lib';
import { CLOUD_CONFIG_HEADER } from '../../lib/formats/cloud-config';
import schema from '../../lib/formats/cloud-config.schema.json';
import { schemaProblems } from '../../lib/synth/json-schema';

/** Reads a cloud-config as coreos-cloudinit would (YAML 1.1) and checks it against the schema. */
export function cloudConfigReadBackProblems(path: string, content: string): string[] {
  if (!content.startsWith(`${CLOUD_CONFIG_HEADER}\n`)) {
    return [`${path}: the first line is not ${CLOUD_CONFIG_HEADER}`];
  }
  const document = parseDocument(content, { version: '1.1' });
  if (document.errors.length > 0) {
    return document.errors.map(error => `${path}: YAML error: ${error.message}`);
  }
  return schemaProblems(schema, document.toJS()).map(problem => `${path}: ${problem}`);
}

/** Reads an add-on file back as kubectl does (YAML 1.1, one object per document) and compares it with the chart. */
export function addonReadBackProblems(addon: Addon, content: string): string[] {
  const documents = parseAllDocuments(content, { version: '1.1' });
  const errors = documents.flatMap(document => document.errors.map(error => `${addon.filePath}: YAML error: ${error.message}`));
  if (errors.length > 0) { return errors; }
  return isDeepStrictEqual(documents.map(document => document.toJS()), addon.manifests()) ? []
    : [`${addon.filePath}: a YAML 1.1 reader does not read back the chart's objects`];
}
