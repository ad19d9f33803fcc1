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
  /** The user-data holds keys: the target leaves it readable by root alone on the machine. */
  readonly secretUserData: boolean;
  /** Folders of the output copied into the machine. */
  readonly folders: readonly DeliveredFolder[];
  /** One line on what the machine runs, for generated-file headers, e.g. fleet's metadata `core=node,kube=master`. */
  readonly note?: string;
}

/**
 * The SSH key a target that logs in to the machines (Vagrant) uses in place of its own default
 * (a box's well-known insecure key), made by the profile on the target's request: the target
 * makes it the machine's only key for `user` before it delivers anything else.
 */
export interface LoginKey {
  /** The user it logs in as, e.g. `core`. */
  readonly user: string;
  /** The private key, a file of the output (OpenSSH format, 0600), e.g. `cluster-ssh.key`. */
  readonly privateKeyFile: string;
  /** Its public key, a file of the output holding one `authorized_keys` line, e.g. `cluster-ssh.pub`. */
  readonly publicKeyFile: string;
}

/**
 * The root of the constructs a profile and a target add at synth time: the
 * files of the cluster. It mirrors the user's tree (`cluster/etcd/etcd-01/...`),
 * so that a file's construct path names the tier or machine it is for, and it
 * records what each machine is handed, for the target to deliver.
 */
export class ClusterOutput extends Construct {
  private readonly deliveries = new Map<string, { userData?: IFileOwner; secretUserData: boolean; folders: DeliveredFolder[]; note?: string }>();
  private loginKeyRequested = false;
  private login?: LoginKey;

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

  /** Hands a machine its first-boot configuration; `secret` when it holds keys. */
  public deliverUserData(machine: Machine, userData: IFileOwner, options: { readonly secret?: boolean } = {}): void {
    const delivery = this.delivery(machine);
    delivery.userData = userData;
    delivery.secretUserData = options.secret === true;
  }

  /** Asks the profile for an SSH key of the cluster's own to log in to every machine with (a target that logs in, as Vagrant does). */
  public requestLoginKey(): void {
    this.loginKeyRequested = true;
  }

  /** Whether the target asked for a login key: a profile that can make one then answers with {@link deliverLoginKey}. */
  public get wantsLoginKey(): boolean {
    return this.loginKeyRequested;
  }

  /** Has the target log in to every machine with this key, and with it alone once the machine is provisioned. */
  public deliverLoginKey(key: LoginKey): void {
    this.login = { ...key };
  }

  /** The key the target logs in with, when the profile made one. */
  public get loginKey(): LoginKey | undefined {
    return this.login && { ...this.login };
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
    return { userData: delivery?.userData, secretUserData: delivery?.secretUserData ?? false, folders: [...delivery?.folders ?? []], note: delivery?.note };
  }

  private delivery(machine: Machine) {
    let delivery = this.deliveries.get(machine.hostname);
    if (!delivery) {
      delivery = { secretUserData: false, folders: [] };
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

