// The files `init` writes into a new project. Each is what the README's quick
// start shows; test/cli/init.test.ts type-checks and synthesizes them.

/** The profiles `init` can start from. */
export type InitProfile = 'flatcar' | 'classic';

/** The project's package.json. */
export function packageJson(name: string, dependencies: Record<string, string>, devDependencies: Record<string, string>): string {
  return JSON.stringify({
    name,
    version: '0.1.0',
    private: true,
    scripts: { synth: 'cdk-vagrant-kubernetes synth' },
    dependencies,
    devDependencies,
  }, undefined, 2) + '\n';
}

/**
 * The project's tsconfig.json: the module settings TypeScript 5.9 needs with
 * ts-node (without a tsconfig ts-node stops at TS5109), and transpile-only runs
 * so that `synth` does not type-check on every run (`npx tsc` does).
 */
export function tsconfigJson(): string {
  return JSON.stringify({
    compilerOptions: {
      target: 'ES2022',
      module: 'nodenext',
      moduleResolution: 'nodenext',
      lib: ['es2022'],
      // Named, because TypeScript 6 and later include no @types package unless told.
      types: ['node'],
      strict: true,
      esModuleInterop: true,
      skipLibCheck: true,
      noEmit: true,
    },
    'ts-node': { transpileOnly: true },
  }, undefined, 2) + '\n';
}

/** What git must never see: dependencies, the output (it holds private keys under Flatcar) and the PKI. */
export function gitignore(): string {
  return [
    '/node_modules/',
    '# the output and its leftovers: private keys live there under the Flatcar profile',
    '/dist.out/',
    '/.dist.out.*',
    '# the PKI the Flatcar profile keeps between synths',
    '/dist.out.pki/',
    '',
  ].join('\n');
}

/** The app: a small cluster of the chosen profile, named `clusterName` (a DNS-1123 label: its kubeconfig's cluster and context). */
export function clusterTs(profile: InitProfile, clusterName: string): string {
  const flatcar = profile === 'flatcar';
  return [
    flatcar
      ? '// A Kubernetes cluster on Vagrant with Flatcar Container Linux, etcd v3 with TLS and a current Kubernetes.'
      : '// The seed\'s design on Vagrant: CoreOS, etcd2, fleet and hyperkube (it documents; CoreOS is end-of-life).',
    '// `npx cdk-vagrant-kubernetes synth` writes dist.out/; `cd dist.out && vagrant up` boots it (dist.out/README.md says more).',
    `import { ${flatcar ? 'ClusterProfile, ' : ''}EtcdPeerTier, KubeNodeTier, VagrantCluster } from 'cdk-vagrant-kubernetes';`,
    '',
    flatcar
      ? `const cluster = new VagrantCluster({ outdir: 'dist.out', name: '${clusterName}', profile: ClusterProfile.FLATCAR });`
      : `const cluster = new VagrantCluster({ outdir: 'dist.out', name: '${clusterName}' });`,
    `const etcd = new EtcdPeerTier(cluster, 'etcd', { count: 3, cpus: 1, memoryMb: ${flatcar ? 1024 : 256} });`,
    "new KubeNodeTier(cluster, 'node', { count: 3, cpus: 2, memoryMb: 2048, etcd });",
    '',
    'cluster.synth();',
    '',
  ].join('\n');
}
