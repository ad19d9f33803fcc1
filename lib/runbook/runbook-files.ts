import { Construct } from 'constructs';
import { Runbook, RunbookSource } from './runbook';
import { topologyModel } from './topology';
import type { TopologyModel } from './topology-layout';
import { TopologySvg } from './topology-svg';
import { TopologyText } from './topology-text';
import { VerifyScript } from './verify-script';

/** Adds the runbook `README.md`, `topology.txt`, `topology.svg` and `verify.sh` of a cluster. */
export function addRunbookFiles(scope: Construct, source: RunbookSource): void {
  new Runbook(scope, 'runbook', source);
  // Read at render time, once for both drawings: the model and the profile's part are fixed once bound.
  let model: TopologyModel | undefined;
  const topology = { topology: () => (model ??= topologyModel(source.model, source.target, source.profile())) };
  new TopologyText(scope, 'topology-text', { source: topology });
  new TopologySvg(scope, 'topology-svg', { source: topology });
  new VerifyScript(scope, 'verify-script', () => source.profile().verify, source.model.target.targetFiles);
}
