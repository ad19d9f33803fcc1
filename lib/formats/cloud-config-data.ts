/**
 * The coreos-cloudinit cloud-config model, with the canonical underscore keys
 * of the Go structs in coreos/coreos-cloudinit `config/*.go`. Only the keys
 * this library emits are typed; the JSON schema (cloud-config.schema.json)
 * knows the full key set.
 * @see https://github.com/coreos/coreos-cloudinit/blob/master/Documentation/cloud-config.md
 */
export interface CloudConfigData {
  readonly hostname?: string;
  readonly ssh_authorized_keys?: string[];
  readonly manage_etc_hosts?: 'localhost';
  readonly write_files?: WriteFile[];
  readonly coreos?: CoreOsConfig;
}

/** `coreos:`. */
export interface CoreOsConfig {
  readonly etcd2?: Etcd2Config;
  readonly fleet?: FleetConfig;
  readonly flannel?: FlannelConfig;
  readonly update?: { readonly reboot_strategy?: 'etcd-lock' | 'reboot' | 'off'; readonly group?: string; readonly server?: string };
  readonly units?: CloudConfigUnit[];
}

/** `coreos.etcd2`: each key becomes `ETCD_<KEY>`, i.e. etcd's `--<key-with-dashes>` flag. */
export interface Etcd2Config {
  readonly name?: string;
  readonly proxy?: 'on' | 'off' | 'readonly';
  readonly advertise_client_urls?: string;
  readonly initial_advertise_peer_urls?: string;
  readonly listen_client_urls?: string;
  readonly listen_peer_urls?: string;
  readonly initial_cluster?: string;
  readonly initial_cluster_state?: 'new' | 'existing';
  readonly initial_cluster_token?: string;
}

/** `coreos.fleet`. */
export interface FleetConfig {
  readonly etcd_servers?: string;
  readonly public_ip?: string;
  readonly metadata?: string;
}

/** `coreos.flannel`. */
export interface FlannelConfig {
  readonly etcd_endpoints?: string;
  readonly interface?: string;
}

/** One entry of `coreos.units`. */
export interface CloudConfigUnit {
  readonly name: string;
  readonly command?: 'start' | 'stop' | 'restart' | 'reload' | 'try-restart' | 'reload-or-restart' | 'reload-or-try-restart';
  readonly enable?: boolean;
  readonly mask?: boolean;
  readonly runtime?: boolean;
  readonly content?: string;
  readonly drop_ins?: Array<{ readonly name: string; readonly content: string }>;
}

/** One entry of `write_files`. */
export interface WriteFile {
  readonly path: string;
  readonly content: string;
  /** Octal mode as a string, e.g. `'0755'`; always emitted quoted. */
  readonly permissions?: string;
  readonly owner?: string;
  readonly encoding?: string;
}
