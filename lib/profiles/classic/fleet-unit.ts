import { Construct } from 'constructs';
import propsSchema from './fleet-unit-props.schema.json';
import { SystemdUnit } from '../../formats/systemd-unit';
import { XFleetOptions, checkXFleet, metadataMatches, metadataRequirement, xFleetSection } from './x-fleet';
import { checkedScope } from '../../synth/checked-scope';
import { plainProps } from '../../synth/plain-props';
import { describeValue, textOf } from '../../synth/describe-value';
import { ProblemStyle, schemaProblems } from '../../synth/json-schema';
import { IFileOwner, SynthesizedFile } from '../../synth/synthesized-file';
import type { FleetMachine } from './fleet-metadata';

/** Where a fleet unit may be scheduled: the machines of the cluster with their fleet metadata. */
export interface IMachineSource {
  /** Every machine fleet runs on. */
  readonly fleetMachines: readonly FleetMachine[];
}

/** Props of a {@link FleetUnit}. */
export interface FleetUnitProps {
  /** The unit's systemd sections, without `[X-Fleet]`. */
  readonly unit: SystemdUnit;
  /** fleet placement, rendered as `[X-Fleet]`. */
  readonly xFleet: XFleetOptions;
  /** The machines that fleet can schedule on; used to prove the unit is schedulable. */
  readonly machines: IMachineSource;
  /**
   * Folder of the output that holds the unit, for `fleetctl start <folder>/*.service`.
   * @default 'kube'
   */
  readonly folder?: string;
}

/**
 * A fleet unit file, `<folder>/<id>.service`. Validation proves that fleet can
 * place it: a global unit must match at least one machine, any other unit
 * exactly one (so that placement is never arbitrary).
 */
export class FleetUnit extends Construct implements IFileOwner {
  /** Path of the unit file in the output folder. */
  public readonly filePath: string;
  /** The fleet placement options. */
  public readonly xFleet: XFleetOptions;
  private readonly unit: SystemdUnit;

  constructor(scope: Construct, id: string, props: FleetUnitProps) {
    super(checkedScope(scope, id, new.target.name), id);
    // Props of any shape are kept (their plain data copied) and checked at synth time, with every other problem.
    // The machines are kept as they are: a source may fill them in after this unit is made.
    const copy = plainProps(props, { live: ['machines'] });
    const kept = copy.props ?? ({} as FleetUnitProps);
    this.unit = kept.unit;
    this.xFleet = { ...kept.xFleet };
    this.filePath = `${textOf(kept.folder ?? 'kube')}/${id}.service`;
    this.node.addValidation({
      validate: () => {
        // ...and read now, at synth, as plain data (a tier stays the tier).
        const source = plainProps(kept !== null && typeof kept === 'object' ? kept.machines : undefined, { name: 'machines' });
        const given = kept !== null && typeof kept === 'object' ? { ...kept, machines: source.props } : kept;
        const problems = schemaProblems(propsSchema, given, ProblemStyle.PROPERTY);
        if (!/^[A-Za-z0-9:_.@-]+$/.test(id) || id.startsWith('.')) {
          problems.push(`id '${id}' is not a systemd unit name; expected letters, digits and :_.@- (e.g. kubelet-master)`);
        }
        if (given !== null && typeof given === 'object') {
          if (given.unit !== undefined && !(given.unit instanceof SystemdUnit)) {
            problems.push(`unit is ${describeValue(given.unit)}; expected a SystemdUnit, such as SystemdUnit.of({ name: 'Service', directives: [...] })`);
          }
          const machines = given.machines as Partial<IMachineSource> | undefined;
          if (machines !== null && typeof machines === 'object' && !Array.isArray(machines.fleetMachines)) {
            problems.push(`machines.fleetMachines is ${describeValue(machines.fleetMachines)}; expected the machines fleet schedules on, such as the node tier`);
          } else if (machines !== null && typeof machines === 'object' && source.problems.length === 0) { // else some were not read
            (machines.fleetMachines as unknown[]).forEach((machine, index) => {
              const metadata = (machine as Partial<FleetMachine> | null)?.metadata;
              if (machine === null || typeof machine !== 'object' || metadata === null || typeof metadata !== 'object') {
                problems.push(`machines.fleetMachines[${index}] is ${describeValue(machine)}; expected a fleet machine, { hostname, metadata: { key: value } }`);
              }
            });
          }
        }
        const report = (found: string[]): string[] => copy.report(source.report(found));
        // The rest needs well-formed props, and every machine read.
        if (problems.length > 0 || source.problems.length > 0) { return report(problems); }
        return report([...this.unit.problems(), ...checkXFleet(xFleetSection(this.xFleet).directives as Array<[string, string]>), ...this.validatePlacement((given.machines as IMachineSource).fleetMachines)]);
      },
    });
  }

  /** The unit file name, e.g. `kubelet-master.service`. */
  public get unitName(): string {
    return `${this.node.id}.service`;
  }

  /** The whole unit, `[X-Fleet]` included. */
  public get systemdUnit(): SystemdUnit {
    return this.unit.withSection(xFleetSection(this.xFleet));
  }

  /** The machines whose metadata satisfies MachineMetadata. */
  public candidates(machines: readonly FleetMachine[]): FleetMachine[] {
    const requirement = metadataRequirement(this.xFleet.machineMetadata ?? []);
    return machines.filter(machine => metadataMatches(requirement, machine.metadata));
  }

  public renderFile(): SynthesizedFile {
    return { path: this.filePath, content: this.systemdUnit.render(), mode: 0o644 };
  }
  private validatePlacement(machines: readonly FleetMachine[]): string[] {
    const metadata = (this.xFleet.machineMetadata ?? []).join(',') || '(none)';
    const matched = this.candidates(machines);
    if (matched.length === 0) {
      return [`MachineMetadata ${metadata} matches no machine; fleet could never schedule ${this.unitName}`];
    }
    if (!this.xFleet.global && matched.length > 1) {
      return [`MachineMetadata ${metadata} matches ${matched.length} machines (${matched.map(m => m.hostname).join(', ')}); `
        + `expected exactly one for a non-global unit, so that ${this.unitName} lands where the manifests are`];
    }
    return [];
  }
}
