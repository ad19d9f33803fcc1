// Fixtures of the Flatcar profile: a PKI folder per test suite, without paying
// for a PKI in every suite, and the write_files of a cloud-config.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { yaml11 } from './fixtures';
import { flatcarCluster } from '../../examples/flatcar';
import { flatcarHaCluster } from '../../examples/flatcar-ha';
import { Pki, WriteFile, pkiSpec } from '../../lib';

/** The prefix of examples/flatcar.ts. */
export const FLATCAR_PREFIX = '192.168.56';

/**
 * One complete PKI folder per prefix, made at most once per test run and
 * removed when the run ends. Suites never use these directly: they get copies.
 */
const templates = new Map<string, string>();
process.on('exit', () => {
  for (const folder of templates.values()) { fs.rmSync(folder, { recursive: true, force: true }); }
});

/** A fresh temp folder (remove it with `fs.rmSync(..., { recursive: true })`). */
export function tempFolder(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `cdk-vagrant-kubernetes-${label}-`));
}

/** Where {@link flatcarTree} and {@link flatcarHaTree} point their output and PKI folders: never created. */
export const UNUSED_FOLDER = path.join(os.tmpdir(), 'cdk-vagrant-kubernetes-tree-only');

/**
 * The tree of examples/flatcar.ts, for reading what it holds before synthesis
 * (units, pods, the PKI spec): never synthesize it. Its folders are unused
 * paths in the temp folder, so that even a stray synth writes no key into the repository.
 */
export function flatcarTree(prefix: string = FLATCAR_PREFIX) {
  return flatcarCluster(path.join(UNUSED_FOLDER, 'out'), path.join(UNUSED_FOLDER, 'pki'), prefix);
}

/** The tree of examples/flatcar-ha.ts, under the same terms as {@link flatcarTree}: bind it, never synthesize it. */
export function flatcarHaTree() {
  return flatcarHaCluster(path.join(UNUSED_FOLDER, 'ha-out'), path.join(UNUSED_FOLDER, 'ha-pki'));
}

/** The PKI spec of examples/flatcar.ts with this prefix, as its ClusterPki computes it. */
export function flatcarPkiSpec(prefix: string) {
  return pkiSpec(flatcarTree(prefix).model());
}

/**
 * A new folder holding a complete PKI for `flatcarCluster(outdir, <it>, prefix)`,
 * owned by the caller (who removes it), so a suite may change it freely.
 *
 * Each suite gets a copy of one PKI folder made once per test run, so that suites
 * compare against the same keys and never share a folder they change; the PKI
 * of another prefix is the first one with its address-bearing certificates
 * re-issued for the same keys (Pki's regenerate), which takes no key generation.
 */
export function flatcarPkiCopy(prefix: string = FLATCAR_PREFIX): string {
  let template = templates.get(prefix);
  if (!template) {
    template = tempFolder(`pki-template-${prefix}`);
    const [other] = templates.values();
    if (other) {
      fs.cpSync(other, template, { recursive: true });
      Pki.loadOrCreate(template, flatcarPkiSpec(prefix), { regenerate: true });
    } else {
      Pki.loadOrCreate(template, flatcarPkiSpec(prefix));
    }
    templates.set(prefix, template);
  }
  const copy = tempFolder(`pki-${prefix}`);
  fs.cpSync(template, copy, { recursive: true });
  return copy;
}

/** The write_files of a cloud-config as written (read back as YAML 1.1), by guest path. */
export function writeFilesOf(cloudConfigText: string): Record<string, WriteFile> {
  const config = yaml11(cloudConfigText);
  return Object.fromEntries((config.write_files ?? []).map((file: WriteFile) => [file.path, file]));
}

/**
 * Writes the write_files of a cloud-config under `root` (guest path `/etc/x`
 * becomes `<root>/etc/x`) with their permissions, as coreos-cloudinit would on the VM.
 */
export function materialize(cloudConfigText: string, root: string): Record<string, WriteFile> {
  const files = writeFilesOf(cloudConfigText);
  for (const file of Object.values(files)) {
    const target = path.join(root, file.path);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const mode = parseInt(file.permissions ?? '0644', 8);
    fs.writeFileSync(target, file.content, { mode });
    fs.chmodSync(target, mode);
  }
  return files;
}
