import { Construct } from 'constructs';
import type { ClusterModel } from './cluster-model';
import type { Machine } from './machine';
import type { IFileOwner } from '../synth/synthesized-file';

/** A folder of the output that a machine gets a copy of (Vagrant rsyncs it). */
export interface DeliveredFolder {
  /** The folder, relative to the output folder, e.g. `pods/master`. */
  readonly source: string;
  /** Absolute path in the machine, e.g. `/etc/kubernetes/manifests`. */
  readonly target: string;
}

/** What the profile hands one machine through the target. */
export interface MachineDelivery {
  /** The first-boot configuration of the machine (a cloud-config), a file of the output. */
  readonly userData?: IFileOwner;
  /** Folders of the output copied into the machine. */
  readonly folders: readonly DeliveredFolder[];
  /** One line on what the machine runs, for generated-file headers, e.g. fleet's metadata `core=node,kube=master`. */
  readonly note?: string;
}

/**
 * The root of the constructs a profile and a target add at synth time: the
 * files of the cluster. It mirrors the user's tree (`cluster/etcd/etcd-01/...`),
 * so that a file's construct path names the tier or machine it is for, and it
 * records what each machine is handed, for the target to deliver.
 */
export class ClusterOutput extends Construct {
  private readonly deliveries = new Map<string, { userData?: IFileOwner; folders: DeliveredFolder[]; note?: string }>();

  /**
   * @param model the cluster
   * @param outdir the folder the cluster's `synth()` writes, e.g. for files kept beside it
   */
  constructor(public readonly model: ClusterModel, public readonly outdir: string) {
    super(undefined as unknown as Construct, model.name);
  }

  /** The scope of a tier's files, `<cluster>/<tier>`, created on first use. */
  public tierScope(tierId: string): Construct {
    return this.scope(this, tierId);
  }

  /** The scope of a machine's files, `<cluster>/<tier>/<machine>`, created on first use. */
  public machineScope(machine: Machine): Construct {
    return this.scope(this.tierScope(machine.pool), machine.hostname);
  }

  /** Hands a machine its first-boot configuration. */
  public deliverUserData(machine: Machine, userData: IFileOwner): void {
    this.delivery(machine).userData = userData;
  }

  /** Hands a machine a copy of a folder of the output. */
  public deliverFolder(machine: Machine, folder: DeliveredFolder): void {
    this.delivery(machine).folders.push({ ...folder });
  }

  /** Sets the line that describes what the machine runs. */
  public describe(machine: Machine, note: string): void {
    this.delivery(machine).note = note;
  }

  /** What a machine is handed. */
  public deliveryTo(machine: Machine): MachineDelivery {
    const delivery = this.deliveries.get(machine.hostname);
    return { userData: delivery?.userData, folders: [...delivery?.folders ?? []], note: delivery?.note };
  }

  private delivery(machine: Machine) {
    let delivery = this.deliveries.get(machine.hostname);
    if (!delivery) {
      delivery = { folders: [] };
      this.deliveries.set(machine.hostname, delivery);
    }
    return delivery;
  }

  private scope(parent: Construct, id: string): Construct {
    return (parent.node.tryFindChild(id) as Construct | undefined) ?? new Construct(parent, id);
  }
}

/**
 * A tier whose id is taken at the root of the output tree: the tier's scope there
 * (`<cluster>/<tier>/<machine>/...`, see {@link ClusterOutput.tierScope}) would be the construct already there.
 */
export function reservedTierIdProblem(id: string, taken: string, root: string): string {
  return `tier id '${id}' is taken in the output tree: ${taken} (${root}/${id}), where the tier's machines would get their files; `
    + `expected another id, such as '${id}-nodes'`;
}
