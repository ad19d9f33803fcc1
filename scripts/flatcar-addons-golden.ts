// Writes test/golden/flatcar-addons/: the add-on files of examples/flatcar.ts, which hold no
// keys (the rest of its output does, so it is not committed). `npx ts-node scripts/flatcar-addons-golden.ts`
// after a deliberate change; test/addons/delivery.test.ts compares a fresh synth with these bytes.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { flatcarCluster } from '../examples/flatcar';
import { Addon } from '../lib';

/** The golden folder. */
export const FLATCAR_ADDONS_GOLDEN = path.join(__dirname, '..', 'test', 'golden', 'flatcar-addons');

/**
 * The add-on files of examples/flatcar.ts, `{ fileName: content }`. Rendered without the
 * prepare phase, so no PKI is loaded or created: the PKI cannot influence them.
 */
export function flatcarAddonFiles(): Record<string, string> {
  const cluster = flatcarCluster('dist.flatcar', path.join(__dirname, '..', '.tmp', 'never-created.pki'));
  return Object.fromEntries(cluster.bind().node.findAll().filter(Addon.isAddon)
    .map(addon => addon.renderFile())
    .map(file => [path.basename(file.path), file.content])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

if (require.main === module) {
  fs.rmSync(FLATCAR_ADDONS_GOLDEN, { recursive: true, force: true });
  fs.mkdirSync(FLATCAR_ADDONS_GOLDEN, { recursive: true });
  for (const [name, content] of Object.entries(flatcarAddonFiles())) {
    fs.writeFileSync(path.join(FLATCAR_ADDONS_GOLDEN, name), content);
  }
  console.log(`wrote ${Object.keys(flatcarAddonFiles()).join(', ')} to ${path.relative('.', FLATCAR_ADDONS_GOLDEN)}/`);
}
