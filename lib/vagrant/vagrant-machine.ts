import { Construct } from 'constructs';
import { IFileOwner } from '../synth/synthesized-file';

/** A folder on the host that Vagrant rsyncs into the guest. */
export interface SyncedFolder {
  /** Folder relative to the Vagrantfile. */
  readonly hostPath: string;
  /** Absolute folder in the guest. */
  readonly guestPath: string;
}

/** Props of a {@link VagrantMachine}. */
export interface VagrantMachineProps {
  /** Last octet of the machine's host-only address. */
  readonly ipOctet: number;
  /** Virtual CPUs. */
  readonly cpus: number;
  /** Memory in MiB. */
  readonly memoryMb: number;
  /**
   * Role labels of the machine (profile-neutral; the classic profile renders
   * them as fleet metadata).
   * @default - no labels
   */
  readonly labels?: Record<string, string>;
}

/**
 * One VM. Its construct id is its hostname (e.g. `etcd-01`). The tiers create
 * machines; the profile attaches the user-data file and synced folders.
 */
export class VagrantMachine extends Construct {
  /** Whether a construct is a VagrantMachine. */
  public static isVagrantMachine(x: unknown): x is VagrantMachine {
    return x instanceof VagrantMachine;
  }

  /** Hostname, also the Vagrant machine name. */
  public readonly hostname: string;
  /** Host-only (`eth1`) address. */
  public readonly ip: string;
  /** Last octet of {@link ip}. */
  public readonly ipOctet: number;
  /** Virtual CPUs. */
  public readonly cpus: number;
  /** Memory in MiB. */
  public readonly memoryMb: number;
  private readonly _labels: Record<string, string>;
  private readonly _syncedFolders: SyncedFolder[] = [];
  private _userData?: IFileOwner;

  constructor(scope: Construct, id: string, prefix: string, props: VagrantMachineProps) {
    super(scope, id);
    this.hostname = id;
    this.ipOctet = props.ipOctet;
    this.ip = `${prefix}.${props.ipOctet}`;
    this.cpus = props.cpus;
    this.memoryMb = props.memoryMb;
    this._labels = { ...props.labels };
  }

  /** Role labels, e.g. `{ core: 'node', kube: 'master' }`. */
  public get labels(): Record<string, string> {
    return { ...this._labels };
  }

  /** Folders rsynced into this machine. */
  public get syncedFolders(): SyncedFolder[] {
    return [...this._syncedFolders];
  }

  /** The file the Vagrantfile uploads as this machine's user-data, if any. */
  public get userData(): IFileOwner | undefined {
    return this._userData;
  }

  /** Rsyncs a folder of the output into the guest. */
  public addSyncedFolder(folder: SyncedFolder): void {
    this._syncedFolders.push({ ...folder });
  }

  /** Sets the file uploaded as this machine's user-data. */
  public useUserData(file: IFileOwner): void {
    this._userData = file;
  }
}
