// Every TypeScript block of README.md type-checks against the library as a user's
// project imports it (`from 'cdk-vagrant-kubernetes'`), with the tsconfig the README
// gives; a block that continues the one before says so on its first line. The
// tsconfig block is the one `init` writes, and the cluster-file block builds a cluster.
import * as fs from 'node:fs';
import * as os from 'node:os';
import Module from 'node:module';
import * as path from 'node:path';
import { expect } from 'chai';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import * as ts from 'typescript';
import * as yaml from 'yaml';
import { ClusterFile } from '../lib/cluster-file/cluster-file';
import { tsconfigJson } from '../lib/cli/templates';
import { Testing } from '../lib/synth/testing';
import { Block, codeBlocks } from './support/markdown';

const REPO = path.join(__dirname, '..');

/** Runs CommonJS code as a module of the repository's tests, the package's name mapped to lib/; returns its exports. */
function runModule(js: string): unknown {
  const file = path.join(REPO, 'test', '__readme__', 'snippet.js');
  const module = new Module(file);
  module.filename = file;
  module.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(file));
  const require = (id: string) => module.require(id === 'cdk-vagrant-kubernetes' ? path.join(REPO, 'lib') : id);
  new Function('module', 'exports', 'require', js)(module, module.exports, require);
  return module.exports;
}
/** The first line of a block that is the continuation of the block before it. */
const CONTINUES = '// continues the block above';

/**
 * The type errors of each TypeScript block, compiled in one program as files of a project in the
 * repository (so that cdk8s and cdk8s-plus resolve from its node_modules), the package's name
 * mapped to lib/index.ts. A block that continues the one before is compiled after it.
 */
function snippetErrors(blocks: readonly Block[]): string[] {
  const files = new Map<string, { block: Block; text: string }>();
  let previous = '';
  for (const block of blocks.filter(b => b.language === 'ts')) {
    const text = block.text.startsWith(CONTINUES) ? `${previous}\n${block.text}` : block.text;
    files.set(path.join(REPO, 'test', '__readme__', `line-${block.line}.ts`), { block, text });
    previous = text;
  }
  const given = JSON.parse(tsconfigJson()).compilerOptions;
  const options: ts.CompilerOptions = {
    ...ts.convertCompilerOptionsFromJson(given, REPO).options,
    baseUrl: REPO,
    paths: { 'cdk-vagrant-kubernetes': ['lib/index.ts'] },
    types: ['node'],
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.fileExists = name => files.has(name) || ts.sys.fileExists(name);
  host.readFile = name => files.get(name)?.text ?? readFile(name);
  host.getSourceFile = (name, language) => (files.has(name) ? ts.createSourceFile(name, files.get(name)!.text, language, true) : getSourceFile(name, language));
  const program = ts.createProgram([...files.keys()], options, host);
  return ts.getPreEmitDiagnostics(program).filter(d => d.file && files.has(d.file.fileName)).map(d => {
    const { block } = files.get(d.file!.fileName)!;
    const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
    return `README.md block at line ${block.line}, its line ${line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}

describe('README.md snippets', function () {
  this.timeout(120_000);
  const blocks = codeBlocks(fs.readFileSync(path.join(REPO, 'README.md'), 'utf-8'));

  it('has the quick start, the add-on example and the node pools among its TypeScript blocks', () => {
    const typescript = blocks.filter(b => b.language === 'ts').map(b => b.text);
    expect(typescript.length).to.be.at.least(5);
    expect(typescript.some(t => t.includes('new Addon('))).to.equal(true);
    expect(typescript.some(t => t.includes('NodeRole.CONTROL_PLANE'))).to.equal(true);
  });

  it('type-checks every TypeScript block against the library, with the README\'s tsconfig', () => {
    expect(snippetErrors(blocks)).to.deep.equal([]);
  });

  it('fails when a block does not compile', () => {
    const broken = codeBlocks([
      '```ts', "import { VagrantCluster } from 'cdk-vagrant-kubernetes';", "new VagrantCluster({ prefx: '10.1.2' });", '```',
      '```ts', CONTINUES, 'cluster.synth();', '```',
    ].join('\n'));
    const errors = snippetErrors(broken);
    expect(errors.join('\n')).to.contain("'prefx' does not exist").and.to.contain("Cannot find name 'cluster'");
  });

  it('gives an add-on example whose Deployment starts agnhost as a user of its own, with small requests', () => {
    const block = blocks.find(b => b.language === 'ts' && b.text.includes('new Addon('))!;
    expect(block.text).to.contain('\ncluster.synth();\n');
    // The block as a module, without its synth: the cluster it builds, rendered in memory.
    const source = block.text.replace('\ncluster.synth();\n', '\nmodule.exports = cluster;\n');
    const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText;
    // Rendered in memory: its PKI folder (dist.out.pki) is only read, if there is one.
    const files = Testing.render(runModule(js) as never);
    const objects = yaml.parseAllDocuments(files['addons/hello.yaml']).map(doc => doc.toJS());
    const deployment = objects.find(o => o.kind === 'Deployment');
    const container = deployment.spec.template.spec.containers[0];
    expect(container.image).to.equal('registry.k8s.io/e2e-test-images/agnhost:2.53');
    expect(container.securityContext).to.include({ runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534 });
    expect(container.resources).to.deep.equal({ requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '64Mi' } });
    expect(objects.find(o => o.kind === 'Service').spec.ports).to.deep.equal([{ port: 80, targetPort: 8080 }]);
    expect(() => new Deployment(deployment).validate()).to.not.throw();
    expect(Object.keys(files)).to.include('addons/shared.yaml');
  });

  it('gives the tsconfig that init writes', () => {
    const json = blocks.filter(b => b.language === 'json');
    expect(json.map(b => b.text)).to.include(tsconfigJson());
  });

  it('gives a cluster file that builds a cluster', () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'cvk-readme-'));
    try {
      const yamlBlock = blocks.find(b => b.language === 'yaml' && b.text.includes('yaml-language-server'))!;
      fs.writeFileSync(path.join(folder, 'cluster.yaml'), yamlBlock.text);
      const cluster = ClusterFile.read(path.join(folder, 'cluster.yaml'));
      const files = Testing.render(cluster);
      expect(Object.keys(files)).to.include.members(['Vagrantfile', 'admin.kubeconfig', 'cloud-config/cp-01.yaml', 'cloud-config/worker-02.yaml']);
      expect(fs.readdirSync(folder), 'an in-memory render writes nothing').to.deep.equal(['cluster.yaml']);
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});
