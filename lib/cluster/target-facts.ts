import type { Machine } from './machine';

/**
 * What the model knows of the target, the place the machines live, in the words the runbook,
 * the topology, verify.sh and the profiles' parts of them use: set by the target when it
 * reads the model (`Cluster.targetFacts`), so that no profile or runbook file names Vagrant,
 * its VMs, its host-only network or `vagrant ssh` itself.
 */
export interface TargetFacts {
  /** Where the machines live, as the runbook's title says it: `Vagrant`, `real machines`. */
  readonly name: string;
  /** What one machine is called: `VM` (Vagrant) or `machine` (real machines). */
  readonly machineNoun: string;
  /** The kind of the host network, before its range: `host-only` (VirtualBox) or `LAN`. */
  readonly hostNetworkKind: string;
  /** The host network as a noun: `the host-only network`, `the LAN`. */
  readonly hostNetworkName: string;
  /**
   * The operating system the machines run and how it got there, as one sentence without its
   * period: the Vagrant box's description, or the Flatcar release that flatcar-install wrote.
   */
  readonly system: string;
  /**
   * The target's own files that the same construct tree wrote, as the runbook and verify.sh
   * name them: `the Vagrantfile`, `every machine's Ignition config`.
   */
  readonly targetFiles: string;
  /**
   * The clause that brings the machines up, which the profile's bring-up paragraph continues:
   * `Vagrant creates the 4 VMs`, `The 9 machines boot Flatcar from their disks`.
   */
  readonly machinesStart: string;
  /**
   * The file a machine applies, given the user-data file the profile hands each machine
   * (`cloud-config/<name>.yaml`): that file itself on Vagrant, `ignition/<name>.ign` on real
   * machines, whose Ignition config carries it.
   */
  configFileOf(userData: string): string;
  /**
   * How a machine's user-data reaches it, as a verb phrase after {@link machinesStart} and `and`:
   * `uploads each one's \`user-data/<name>.yaml\` to \`/var/lib/coreos-vagrant/vagrantfile-user-data\``.
   */
  userDataDelivery(userData: string): string;
  /** How the folders the profile hands a machine reach it, as a past participle: `rsynced`, `written by Ignition`. */
  readonly folderDelivery: string;
  /**
   * The shell command, run on the host, that runs `command` on a machine:
   * `vagrant ssh node-01 -c 'fleetctl version'`, `ssh core@10.0.40.21 'journalctl -u apply-addons -f'`.
   */
  runOn(machine: Pick<Machine, 'hostname' | 'ip'>, command: string): string;
}
