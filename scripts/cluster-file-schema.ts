// Writes lib/cluster-file/cluster-file.schema.json: the JSON Schema of a cluster
// file, assembled from the props schemas of the constructs it describes, so that
// the file and the constructs share one vocabulary and one set of rules.
// `npx ts-node scripts/cluster-file-schema.ts`; test/cluster-file/schema.test.ts
// fails when the committed file differs from what this writes.
import * as fs from 'node:fs';
import * as path from 'node:path';
import etcdProps from '../lib/cluster/etcd-peer-tier-props.schema.json';
import nodeProps from '../lib/cluster/kube-node-tier-props.schema.json';
import classicOptions from '../lib/profiles/classic/options.schema.json';
import flatcarOptions from '../lib/profiles/flatcar/options.schema.json';
import clusterProps from '../lib/vagrant/vagrant-cluster-props.schema.json';

export const SCHEMA_FILE = path.join(__dirname, '..', 'lib', 'cluster-file', 'cluster-file.schema.json');

type Schema = { properties?: Record<string, unknown>; [key: string]: unknown };

/** A props schema's properties without those a file cannot hold (construct references). */
function propertiesWithout(schema: Schema, ...names: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(schema.properties ?? {}).filter(([name]) => !names.includes(name)));
}

/** An options schema as the value of `profile.options`. */
function options(schema: Schema): Schema {
  const { $schema: _ignored, title: _title, ...rest } = schema;
  return rest;
}

/** The Flatcar options, their pkiDir described as a cluster file reads it. */
function withPkiDirFromFile(schema: Schema): Schema {
  const properties = schema.properties as Record<string, object>;
  return {
    ...schema,
    properties: {
      ...properties,
      pkiDir: { ...properties.pkiDir, description: 'The PKI folder, relative to the cluster file or absolute. Default: <outdir>.pki beside the output.' },
    },
  };
}

const DNS_LABEL = '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$';

export function clusterFileSchema(): object {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'cdk-vagrant-kubernetes cluster file',
    description: 'A cluster described as data: the props of VagrantCluster, one EtcdPeerTier, one or more KubeNodeTiers and add-ons. '
      + '`npx cdk-vagrant-kubernetes synth cluster.yaml` builds the same construct tree and synthesizes it.',
    type: 'object',
    expected: 'a map of the cluster\'s props, such as etcd: { count: 3 } and nodes: [{ id: node, count: 4 }]',
    additionalProperties: false,
    required: ['etcd', 'nodes'],
    properties: {
      '$schema': { type: 'string', expected: 'the address of this schema, for editors' },
      ...propertiesWithout(clusterProps as Schema, 'profile'),
      outdir: {
        ...(clusterProps as Schema).properties!.outdir as object,
        description: 'The output folder, relative to the cluster file or absolute. Default: dist.out beside it.',
      },
      profile: {
        expected: "'classic', 'flatcar', or { name: classic | flatcar, options: { ... } }",
        oneOf: [
          { enum: ['classic', 'flatcar'] },
          {
            type: 'object', additionalProperties: false, required: ['name'],
            properties: { name: { const: 'classic' }, options: options(classicOptions as Schema) },
          },
          {
            type: 'object', additionalProperties: false, required: ['name'],
            properties: { name: { const: 'flatcar' }, options: withPkiDirFromFile(options(flatcarOptions as Schema)) },
          },
        ],
      },
      etcd: {
        ...options(etcdProps as Schema),
        description: 'The etcd tier (EtcdPeerTier props); its construct id is etcd.',
      },
      nodes: {
        type: 'array',
        minItems: 1,
        expected: 'a list of node tiers, each with an id',
        description: 'The node tiers (KubeNodeTier props, the etcd tier implied), in order.',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['id'],
          properties: {
            id: { type: 'string', pattern: DNS_LABEL, expected: "the tier's construct id: a DNS-1123 label such as 'node' or 'workers'" },
            ...propertiesWithout(nodeProps as Schema, 'etcd', 'labels', 'taints'),
            labels: {
              type: 'object',
              additionalProperties: { type: 'string' },
              expected: 'Kubernetes labels as key: value strings (checked by KubeNodeTier)',
            },
            taints: {
              type: 'array',
              expected: 'taints as { key, value, effect } (checked by KubeNodeTier)',
              items: {
                type: 'object', additionalProperties: false, required: ['key', 'effect'],
                properties: {
                  key: { type: 'string' },
                  value: { type: 'string' },
                  effect: { enum: ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] },
                },
              },
            },
          },
        },
      },
      addons: {
        type: 'array',
        expected: 'a list of add-ons, each { id, manifests: [paths] }',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['id', 'manifests'],
          properties: {
            id: { type: 'string', pattern: DNS_LABEL, expected: "the add-on's name and file name: a DNS-1123 label such as 'my-app'" },
            manifests: {
              type: 'array', minItems: 1,
              items: { type: 'string', minLength: 1 },
              expected: 'YAML files of Kubernetes objects, their paths relative to the cluster file or absolute',
            },
          },
        },
      },
    },
  };
}

if (require.main === module) {
  fs.writeFileSync(SCHEMA_FILE, JSON.stringify(clusterFileSchema(), undefined, 2) + '\n');
  console.log(`wrote ${path.relative(process.cwd(), SCHEMA_FILE)}`);
}
