import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SynthManifest } from './manifest';

/**
 * The environment variable through which the command line learns what an app
 * synthesized: when set, every successful `synth()` appends one JSON line
 * (`SynthReport`) to the file it names. It works whichever copy of the library
 * the app loads.
 */
export const SYNTH_REPORT_ENV = 'CDK_VAGRANT_KUBERNETES_SYNTH_REPORT';

/** One line of the report file. */
export interface SynthReport {
  /** Absolute path of the folder written. */
  readonly outdir: string;
  /** Files written, manifest.json excluded. */
  readonly files: number;
  /** The synth's warnings, as manifest.json lists them. */
  readonly warnings: string[];
}

/** Appends what a synth wrote to the report file, if the command line asked for one. */
export function reportSynth(outdir: string, manifest: SynthManifest): void {
  const file = process.env[SYNTH_REPORT_ENV];
  if (!file) { return; }
  const report: SynthReport = { outdir: path.resolve(outdir), files: manifest.files.length, warnings: manifest.warnings };
  fs.appendFileSync(file, JSON.stringify(report) + '\n');
}
