// Writes test/golden/flatcar.masked.txt: every file examples/flatcar.ts writes, in one text,
// with certificates, keys and kubeconfig credentials masked (test/support/masked-output.ts).
// `npx ts-node scripts/flatcar-golden.ts` after a deliberate change; test/golden.test.ts
// compares a fresh synth with these bytes.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { flatcarCluster } from '../examples/flatcar';
import { maskedOutput } from '../test/support/masked-output';

/** The golden file. */
export const FLATCAR_MASKED_GOLDEN = path.join(__dirname, '..', 'test', 'golden', 'flatcar.masked.txt');

/** Synthesizes examples/flatcar.ts into `work` (outdir `work/dist.flatcar`, PKI `pkiDir`) and returns the masked output. */
export function maskedFlatcarOutput(work: string, pkiDir: string): string {
  const outdir = path.join(work, 'dist.flatcar');
  flatcarCluster(outdir, pkiDir).synth();
  return maskedOutput(outdir);
}

if (require.main === module) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-vagrant-kubernetes-golden-'));
  try {
    fs.writeFileSync(FLATCAR_MASKED_GOLDEN, maskedFlatcarOutput(work, path.join(work, 'pki')));
    console.log(`wrote ${path.relative('.', FLATCAR_MASKED_GOLDEN)}`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
