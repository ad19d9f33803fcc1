import { Construct } from 'constructs';
import { ETCD_CLIENT_PORT, ETCD_PEER_PORT, httpUrl } from './etcd-urls';
import type { VagrantCluster } from '../vagrant/vagrant-cluster';
import { MachineTier, MachineTierProps } from './machine-tier';
import { VagrantMachine } from '../vagrant/vagrant-machine';

/** Props of an {@link EtcdPeerTier}. */
export interface EtcdPeerTierProps extends MachineTierProps {}

/** One etcd peer VM. */
export class EtcdPeer extends VagrantMachine {
  /** URL clients use, e.g. `http://10.10.10.11:2379`. */
  public get clientUrl(): string {
    return httpUrl(this.ip, ETCD_CLIENT_PORT);
  }

  /** URL peers use, e.g. `http://10.10.10.11:2380`. */
  public get peerUrl(): string {
    return httpUrl(this.ip, ETCD_PEER_PORT);
  }
}

/**
 * The etcd peer VMs (`etcd-01`, `etcd-02`, ...). The cluster's profile decides
 * which files they get (the classic profile: a cloud-config running etcd2).
 */
export class EtcdPeerTier extends MachineTier<EtcdPeer> {
  constructor(cluster: VagrantCluster, id: string, props: EtcdPeerTierProps = {}) {
    super(cluster, id, props, { count: 3, cpus: 1, memoryMb: 256, firstIp: 11 },
      { cpus: 1, memoryMb: 256, reason: 'an etcd peer below it is slow to elect a leader' });
    if (props && 'etcd' in props) {
      this.node.addValidation({ validate: () => ['etcd is a KubeNodeTier prop; an EtcdPeerTier takes only count, cpus, memoryMb and firstIp'] });
    }
    this.createMachines((scope: Construct, name, machineProps) => new EtcdPeer(scope, name, cluster.prefix, machineProps));
    cluster.profile.populateEtcdTier(this);
  }

  /** The peers, in order. */
  public get peers(): EtcdPeer[] {
    return this.machines;
  }

  /** Client URLs of every peer. */
  public get clientUrls(): string[] {
    return this.peers.map(peer => peer.clientUrl);
  }

  /** Peer URLs of every peer. */
  public get peerUrls(): string[] {
    return this.peers.map(peer => peer.peerUrl);
  }

  /** An even count tolerates no more failures than one peer fewer. */
  public warnings(): string[] {
    const count = this.sizing.count;
    const evenCount = Number.isInteger(count) && count > 0 && count % 2 === 0
      ? [`count ${count} is even: ${count} peers tolerate ${count / 2 - 1} failure(s), as ${count - 1} would; prefer an odd count`]
      : [];
    return [...super.warnings(), ...evenCount];
  }

  /** etcd's `initial-cluster` value: `etcd-01=http://10.10.10.11:2380,...`. */
  public get initialCluster(): string {
    return this.peers.map(peer => `${peer.hostname}=${peer.peerUrl}`).join(',');
  }
}
