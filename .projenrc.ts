import { JsonFile, javascript, typescript } from 'projen';

// Shared by the library's tsconfig and the dev one (tests, examples, benchmarks, scripts).
const compilerOptions = {
  module: 'nodenext',
  moduleResolution: javascript.TypeScriptModuleResolution.NODE_NEXT,
  target: 'ES2022',
  lib: ['es2022'],
  resolveJsonModule: true,
  esModuleInterop: true,
};

// The project definition. package.json, tsconfig*.json, .mocharc.json and the
// tasks are generated from this file: edit it, then run `npx projen`.
const project = new typescript.TypeScriptProject({
  name: 'cdk-vagrant-kubernetes',
  description: 'Describe a multi-VM Vagrant Kubernetes cluster as a tree of constructs and synthesize every file it needs.',
  license: 'Apache-2.0',
  authorName: 'cdk-vagrant-kubernetes authors',
  defaultReleaseBranch: 'main',
  projenrcTs: true,
  packageManager: javascript.NodePackageManager.NPM,
  minNodeVersion: '20.19.0',

  // Sources compile in place (lib/foo.ts -> lib/foo.js + lib/foo.d.ts), as in aws-cdk.
  srcdir: 'lib',
  libdir: 'lib',
  testdir: 'test',
  entrypoint: 'lib/index.js',
  entrypointTypes: 'lib/index.d.ts',
  sampleCode: false,

  // TypeScript 7.x has no compiler API (breaks ts-node and projen): stay on 5.9.
  typescriptVersion: '~5.9.3',
  tsconfig: {
    compilerOptions,
  },
  tsconfigDev: {
    compilerOptions,
    // The dev tsconfig lives in test/; it type-checks tests, examples and benchmarks.
    include: ['../examples/**/*.ts', '../bench/**/*.ts', '../scripts/**/*.ts'],
  },

  // ajv exactly: the package ships its schemas' validators compiled by this ajv (scripts/compile-schemas.ts), and
  // their code requires its runtime modules, so another version would compile them again in every process.
  // 8.20.0 is ajv's latest release on the npm registry (`npm view ajv version`).
  deps: ['yaml@^2.8.0', 'ajv@8.20.0'],
  // A construct library's framework is its user's: one copy of constructs and cdk8s in an app, so that a user's
  // Chart is the Chart Addon.fromChart takes. The project itself builds and tests against the same ranges.
  peerDeps: ['constructs@^10.4.2', 'cdk8s@^2.70.0'],
  peerDependencyOptions: { pinnedDevDependency: false },
  devDeps: [
    'constructs@^10.4.2',
    'cdk8s@^2.70.0',
    // The built-in add-ons need cdk8s alone; tests and examples/flatcar-with-addon.ts prove that user charts built
    // with cdk8s-plus render as add-ons, with the oldest line still in use and the newest one.
    'cdk8s-plus-27@^2.9.5',
    'cdk8s-plus-34@^2.0.54',
    '@types/node@^20',
    'ts-node@^10.9.2',
    'mocha@^12.0.3',
    '@types/mocha@^10',
    'chai@^6.2.0',
    '@types/chai@^5',
    'fast-check@^4',
    'kubernetes-models@4.5.1',
    'fast-xml-parser@^5.12.1',
    // ts-node's transpiler for the main command: 0.5 to 1.2 s faster than TypeScript's transpileModule (BENCHMARKS.md).
    '@swc/wasm@^1.16.0',
    // test/structure.test.ts: no import cycle in lib/.
    'madge@^8',
    // API.md from the doc comments (scripts/api-docs.ts; test/api-docs.test.ts keeps it current).
    'typedoc@^0.28.20',
    'typedoc-plugin-markdown@^4.14.1',
  ],

  // Defaults we do not use (yet): keep the repository free of unconfigured machinery.
  jest: false,
  eslint: false,
  release: false,
  github: false,
  buildWorkflow: false,
  depsUpgrade: false,
  pullRequestTemplate: false,
  docgen: false,
  package: false,
  // dist.flatcar/ and its PKI folder hold private keys (each also carries a .gitignore of '*').
  gitignore: ['/node_modules', '/.dist.*.staging-*', '/.dist.*.previous-*', '/.tmp/', '*.tgz', '/dist.*/.vagrant/', '/dist.flatcar/', '/dist.flatcar-*/', '/*.pki/'],
});

// ts-node reads its options from tsconfig.json; examples run transpile-only so
// the main command does not pay for a type-check (`npm test` type-checks).
// swc: transpile with swc (@swc/wasm: one package for every platform, unlike @swc/core's native
// optional dependencies, which npm ci on this registry can't lock) instead of TypeScript's transpileModule, which
// spent about 1 s of CPU of the main command on the 34 source files (BENCHMARKS.md).
// preferTsExts: a compiled lib/*.js (after `npm pack`) must never shadow the sources.
// require: serves lib/**/*.ts as JavaScript compiled once into node_modules/.cache (scripts/lib-compile-cache.js),
// so the main command transpiles only the example, and an edit under lib/ still shows on the next run.
const tsNodeOptions = { transpileOnly: true, swc: true, preferTsExts: true };
// "require" is resolved from the folder of each tsconfig.
project.tsconfigDev.file.addOverride('ts-node', { ...tsNodeOptions, require: ['../scripts/lib-compile-cache.js'] });
project.tsconfig?.file.addOverride('ts-node', { ...tsNodeOptions, require: ['./scripts/lib-compile-cache.js'] });

// The command line, `npx cdk-vagrant-kubernetes init|synth` (lib/cli/): projen lists every file of bin/ in package.json.
// Publish compiled JS, declarations and the JSON schemas, not the TypeScript sources.
project.npmignore?.exclude('/lib/**/*.ts', '/examples/', '/dist.*/', '/.ci/', '/bench/', '/scripts/', '/BENCHMARKS.md', '/.mocharc.json', '/.madgerc');
project.npmignore?.include('/lib/**/*.d.ts', '/lib/**/*.json');
// The package ships its schemas' validators compiled, so that it never loads ajv's compiler or writes into its own folder.
const prepack = project.addTask('prepack', { exec: 'tsc --build' });
prepack.exec('ts-node scripts/compile-schemas.ts');
// What an npm user gets: the compiled library, its declarations and JSON schemas, the command line, the docs.
// `exports` keeps deep imports out of the public API: the library, the cluster file's JSON Schema (for editors
// and validators), and package.json.
project.addKeywords('kubernetes', 'vagrant', 'cdk8s', 'constructs', 'flatcar', 'cluster', 'infrastructure-as-code');
project.addFields({
  files: ['lib/**/*.js', 'lib/**/*.d.ts', 'lib/**/*.json', 'bin/', 'API.md'],
  exports: {
    '.': { types: './lib/index.d.ts', default: './lib/index.js' },
    './cluster-file.schema.json': './lib/cluster-file/cluster-file.schema.json',
    './package.json': './package.json',
  },
});
project.gitattributes.addAttributes('*', 'text=auto', 'eol=lf');

new JsonFile(project, '.mocharc.json', {
  obj: {
    'require': ['ts-node/register', 'test/support/property-seed.ts'],
    'extension': ['ts'],
    'spec': ['test/**/*.test.ts'],
    'timeout': 120000,
    'reporter': 'test/support/reporter.js',
    'recursive': true,
  },
});

// Type-check everything (lib, test, examples, bench) before running tests.
project.addTask('typecheck', { exec: 'tsc --noEmit -p test/tsconfig.json' });
project.testTask.reset();
project.testTask.spawn(project.tasks.tryFind('typecheck')!);
project.testTask.exec('mocha');

project.addTask('synth:default', { exec: 'ts-node examples/default.ts' });

// `npm run bench [-- --runs N]`: synth CPU time against cdk8s and plain writeFileSync, the first Flatcar synth,
// and the main command over `npx ts-node` itself, each against its target. bench/run.ts compiles the sources
// into a temporary folder and times plain `node` on them.
project.addTask('bench', {
  description: 'Benchmark synth() against cdk8s and plain writes, and the main command; prints each ratio against its target',
  exec: 'ts-node bench/run.ts',
  receiveArgs: true,
});

project.synth();
