import type { ClusterModel } from '../../cluster/cluster-model';
import { ETCD_CLIENT_PORT, ETCD_PEER_PORT, httpsUrl } from '../../cluster/endpoints';
import type { Machine } from '../../cluster/machine';
import { ExecCommand, SystemdUnit } from '../../formats/systemd-unit';

/** Where an etcd member of the Flatcar profile keeps its TLS files, in the VM. */
export const ETCD_PKI_DIR = '/etc/etcd/pki';
/** The member's environment file, read by `docker run --env-file`. */
export const ETCD_ENV_FILE = '/etc/etcd/etcd.env';
/** The member's data folder. */
export const ETCD_DATA_DIR = '/var/lib/etcd';

/** The client URL of a TLS member. */
export function etcdTlsClientUrl(peer: Machine): string {
  return httpsUrl(peer.ip, ETCD_CLIENT_PORT);
}

/**
 * The `ETCD_*` settings of one etcd v3 member with TLS for clients and peers,
 * client-certificate auth on both, listening on its host-only address only.
 * @see https://etcd.io/docs/v3.6/op-guide/security/
 */
export function etcdMemberSettings(peer: Machine, model: ClusterModel, clusterToken: string): Record<string, string> {
  const peerUrl = httpsUrl(peer.ip, ETCD_PEER_PORT);
  return {
    ETCD_NAME: peer.hostname,
    ETCD_DATA_DIR: ETCD_DATA_DIR,
    ETCD_LISTEN_CLIENT_URLS: etcdTlsClientUrl(peer),
    ETCD_ADVERTISE_CLIENT_URLS: etcdTlsClientUrl(peer),
    ETCD_LISTEN_PEER_URLS: peerUrl,
    ETCD_INITIAL_ADVERTISE_PEER_URLS: peerUrl,
    ETCD_INITIAL_CLUSTER: model.endpoints.etcdInitialCluster,
    ETCD_INITIAL_CLUSTER_STATE: 'new',
    ETCD_INITIAL_CLUSTER_TOKEN: clusterToken,
    ETCD_CERT_FILE: `${ETCD_PKI_DIR}/server.crt`,
    ETCD_KEY_FILE: `${ETCD_PKI_DIR}/server.key`,
    ETCD_TRUSTED_CA_FILE: `${ETCD_PKI_DIR}/ca.crt`,
    ETCD_CLIENT_CERT_AUTH: 'true',
    ETCD_PEER_CERT_FILE: `${ETCD_PKI_DIR}/peer.crt`,
    ETCD_PEER_KEY_FILE: `${ETCD_PKI_DIR}/peer.key`,
    ETCD_PEER_TRUSTED_CA_FILE: `${ETCD_PKI_DIR}/ca.crt`,
    ETCD_PEER_CLIENT_CERT_AUTH: 'true',
    // 3.4 still defaults to the capnslog logger; zap is the default from 3.5.
    ETCD_LOGGER: 'zap',
  };
}

/** `etcd-member.service`: the pinned etcd image under docker, configured only by the environment file. */
export function etcdMemberUnit(image: string): SystemdUnit {
  const docker = '/usr/bin/docker';
  return SystemdUnit.of(
    {
      name: 'Unit',
      directives: [
        ['Description', 'etcd member (etcd v3 in a container)'],
        ['Documentation', 'https://etcd.io/docs/v3.6/op-guide/configuration/'],
        ['Requires', 'docker.service'],
        ['After', 'docker.service network-online.target'],
        ['Wants', 'network-online.target'],
      ],
    },
    {
      name: 'Service',
      directives: [
        // etcd wants its data folder private (0700).
        ['ExecStartPre', ExecCommand.of('/usr/bin/install', '-d', '-m', '0700', ETCD_DATA_DIR)],
        ['ExecStartPre', ExecCommand.of(`-${docker}`, 'rm', '--force', 'etcd-member')],
        ['ExecStart', ExecCommand.of(docker, 'run', '--name=etcd-member', '--network=host', `--env-file=${ETCD_ENV_FILE}`,
          `--volume=${ETCD_DATA_DIR}:${ETCD_DATA_DIR}`, `--volume=${ETCD_PKI_DIR}:${ETCD_PKI_DIR}:ro`, image, 'etcd')],
        ['ExecStop', ExecCommand.of(docker, 'stop', 'etcd-member')],
        ['Restart', 'always'],
        ['RestartSec', '5'],
        ['TimeoutStartSec', '600'],
      ],
    },
    { name: 'Install', directives: [['WantedBy', 'multi-user.target']] },
  );
}
