// `systemd-analyze verify` on one unit or drop-in, in a throwaway root folder.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RunResult, makeTempDir, removeTempDir, run, writeScript } from './tools';
import { CloudConfigData, VagrantCluster } from '../../../lib';
import { cloudConfigs } from './synthesized';

/** One unit file, or one drop-in of a unit, to verify. */
export interface UnitUnderTest {
  /** Where it came from, for messages: e.g. `user-data/node-01.yaml flanneld.service.d/50-network-config.conf`. */
  readonly source: string;
  /** Unit name, e.g. `kubelet-master.service`. */
  readonly unitName: string;
  /** The unit file; for a drop-in, undefined (a stub base unit is used). */
  readonly content?: string;
  /** The drop-in, when this is one. */
  readonly dropIn?: { readonly name: string; readonly content: string };
}

/** What systemd said about a unit. */
export interface Verdict {
  /** Exit code 0 and not a line of complaint. */
  readonly ok: boolean;
  /**
   * Every line systemd-analyze printed. systemd 252 exits 1 on an unknown key, but
   * older releases only warn ("Unknown key ..., ignoring") and exit 0, and any line
   * it prints about a unit is a complaint: so every line counts as a finding.
   */
  readonly findings: string[];
  readonly result: RunResult;
}

/** A base unit for drop-ins: loads cleanly, so every finding is the drop-in's. */
const STUB_BASE_UNIT = '[Unit]\nDescription=stub base unit for a drop-in check\n\n[Service]\nType=oneshot\nExecStart=/usr/bin/true\n';

/** Every unit and drop-in embedded in the cloud-configs of a tree (`coreos.units[].content`, `.drop_ins`). */
export function embeddedUnits(cluster: VagrantCluster): UnitUnderTest[] {
  return cloudConfigs(cluster).flatMap(cloudConfig => {
    const config: CloudConfigData = cloudConfig.config;
    return (config.coreos?.units ?? []).flatMap(unit => [
      ...(unit.content !== undefined ? [{ source: `${cloudConfig.filePath} ${unit.name}`, unitName: unit.name, content: unit.content }] : []),
      ...(unit.drop_ins ?? []).map(dropIn => ({
        source: `${cloudConfig.filePath} ${unit.name}.d/${dropIn.name}`,
        unitName: unit.name,
        dropIn,
      })),
    ]);
  });
}

/** The programs of every `Exec*=` line: each needs an executable at that path under the root. */
export function execPrograms(unitText: string): string[] {
  const programs = new Set<string>();
  for (const line of unitText.split('\n')) {
    const match = /^Exec[A-Za-z]*=\s*[-@:+!|]*(\S+)/.exec(line);
    if (match && match[1].startsWith('/')) { programs.add(match[1]); }
  }
  return [...programs];
}

/**
 * Puts the unit (or a stub base unit plus the drop-in) into `<root>/etc/systemd/system/`,
 * adds `#!/bin/sh` stubs for every Exec* program, and runs
 * `systemd-analyze verify --man=no --recursive-errors=no --root=<root> <unit>`.
 */
export async function verifyUnit(unit: UnitUnderTest): Promise<Verdict> {
  const root = makeTempDir('systemd-root');
  try {
    const system = path.join(root, 'etc', 'systemd', 'system');
    fs.mkdirSync(system, { recursive: true });
    const base = unit.content ?? STUB_BASE_UNIT;
    fs.writeFileSync(path.join(system, unit.unitName), base);
    const texts = [base];
    if (unit.dropIn) {
      const folder = path.join(system, `${unit.unitName}.d`);
      fs.mkdirSync(folder);
      fs.writeFileSync(path.join(folder, unit.dropIn.name), unit.dropIn.content);
      texts.push(unit.dropIn.content);
    }
    for (const program of texts.flatMap(execPrograms)) {
      writeScript(path.join(root, program), 'exit 0\n');
    }
    // No SYSTEMD_LOG_LEVEL or the like from the caller's shell: it could hide the warnings we read.
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('SYSTEMD_')));
    const result = await run('systemd-analyze', ['verify', '--man=no', '--recursive-errors=no', `--root=${root}`, unit.unitName], { env });
    const findings = `${result.stdout}${result.stderr}`.split('\n').filter(line => line.trim() !== '')
      .map(line => line.split(root).join('<root>'));
    return { ok: result.code === 0 && findings.length === 0, findings, result };
  } finally {
    removeTempDir(root);
  }
}
