import { IConstruct } from 'constructs';
import { FLATCAR_INSTALL_RELEASE, pxeImages, pxeKernelArgs } from './flatcar-install';
import { InstallIgnition, installIgnitionPath } from './install-ignition';
import { MachineIgnition, machineIgnitionPath } from './machine-ignition';
import { MatchboxGroupFile, MatchboxProfileFile } from './matchbox-files';
import propsSchema from './metal-cluster-props.schema.json';
import { DEFAULT_INSTALL_DISK, MachineHardware, MetalMachine, isGroupMac, isMacAddress, normalizeMac } from './metal-machine';
import { metalRunbook, metalTargetFacts } from './metal-runbook';
import { LAN_INTERFACE } from './node-network';
import { Cluster, ClusterProps } from '../cluster/cluster';
import type { ClusterModel } from '../cluster/cluster-model';
import type { ClusterOutput } from '../cluster/cluster-output';
import { Cidr, cidrsOverlap, formatIpv4, hasHostBits, parseCidr } from '../cluster/ipv4';
import { Machine, PlannedMachine, machineName } from '../cluster/machine';
import { MachineTier } from '../cluster/machine-tier';
import type { TargetFacts } from '../cluster/target-facts';
import { ClusterProfile } from '../profiles';
import type { TargetRunbook } from '../runbook/runbook-contribution';
import { ProblemStyle, schemaProblems } from '../synth/json-schema';

/** Props of a {@link MetalCluster}. */
export interface MetalClusterProps extends ClusterProps {
  /** The LAN the machines share, as an IPv4 CIDR, e.g. `10.0.40.0/24`: every machine's address is in it. */
  readonly lanCidr: string;
  /** The LAN's default gateway, an address of the LAN. */
  readonly gateway: string;
  /** The DNS servers the machines use, at least one: without them the kubelet, image and binary downloads fail. */
  readonly dnsServers: string[];
  /**
   * The OpenSSH public keys that may log in as `core`, at least one: real machines get no
   * Vagrant key (and Vagrant's well-known insecure key is refused).
   */
  readonly sshAuthorizedKeys: string[];
  /** The existing machines: one entry per machine of the tiers, by its name. */
  readonly machines: MetalMachine[];
  /**
   * matchbox's HTTP endpoint as the machines reach it, `http(s)://host[:port]` with no path and a
   * port from 1 to 65535, e.g. `http://10.0.40.2:8080`: with it, the
   * output folder is a matchbox data directory (profiles, groups and the install configs) for
   * installing over PXE; without it, the machines are installed from a live USB stick only.
   * @default - no PXE files
   */
  readonly matchboxUrl?: string;
}

/**
 * The first line of Vagrant's well-known insecure public key (vagrant 2.3.4 keys/vagrant.pub),
 * which every Vagrant box trusts: a real machine must never accept it.
 */
const VAGRANT_INSECURE_KEY = 'AAAAB3NzaC1yc2EAAAABIwAAAQEA6NF8iallvQVp22WDkTkyrtvp9eWW6A8YVr+kz4TjGYe7gHzIw+niNltGEFHzD8+v1I2YJ6oXevct1YeS0o9HZyN1Q9qgCgzUFtdOKLv6IedplqoPkcmF0aYet2PkEDo3MlTBckFXPITAMzF8dJSIFo9D8HfdOV0IAdx4O7PtixWKn5y2hMNG0zQPyUecp4pzC6kivAIhyfHilFR61RGL+GPXQ2MWZWFYbAGjyiYJnAmCP3NOTd0jMZEnDkbUvxhMmBYSdETk1rRgm+R4LOzFUGaHqHDLKLX+FIPKcF96hrucXzcWyLbIbEgE98OHlnVYCzRdK8jlqm8tehUc9c9WhQ==';

/** Ranges that are no LAN of machines (RFC 6890): "this network", loopback, link-local, multicast and reserved. */
const NOT_A_LAN: ReadonlyArray<[string, string]> = [
  ['0.0.0.0/8', '"this network"'], ['127.0.0.0/8', 'loopback'], ['169.254.0.0/16', 'link-local'], ['224.0.0.0/3', 'multicast or reserved'],
];

/** What the props schema takes as matchboxUrl (metal-cluster-props.schema.json). */
const MATCHBOX_URL = new RegExp(propsSchema.properties.matchboxUrl.pattern);

/**
 * The root of the tree for real machines that already exist: each is installed with
 * Flatcar and set up on its first boot by an Ignition config, `ignition/<machine>.ign`,
 * that carries everything the Vagrant target would deliver to it. The same tiers, pools,
 * roles, add-ons and the Flatcar profile as a {@link VagrantCluster}; the hardware
 * (MAC, address, install disk) comes from `machines`, the LAN from `lanCidr`, `gateway`
 * and `dnsServers`. A tier's `firstIp` must be left unset here: each address is its entry's.
 * With `matchboxUrl`, the output folder is also matchbox's data directory for a PXE install.
 */
export class MetalCluster extends Cluster {
  private readonly props: MetalClusterProps;

  constructor(props: MetalClusterProps) {
    super('cluster', props, () => ClusterProfile.FLATCAR);
    this.props = this.clusterProps as MetalClusterProps;
    this.node.addValidation({ validate: () => this.copiedProps.withoutEchoes([...this.propsProblems(), ...this.metalProblems()]) });
  }

  /** The LAN, e.g. `10.0.40.0/24`. */
  public get lanCidr(): string {
    return this.props.lanCidr;
  }

  /** The hardware of a machine, by hostname; undefined for a name no entry has (a validation error). */
  public hardwareOf(hostname: string): MachineHardware | undefined {
    const entry = this.entries().find(machine => machine.name === hostname);
    if (!entry || !isMacAddress(entry.mac)) { return undefined; }
    return { mac: normalizeMac(entry.mac), address: entry.address, installDisk: entry.installDisk ?? DEFAULT_INSTALL_DISK };
  }

  /** Machines of a tier without a hardware entry. */
  public tierProblems(tier: IConstruct): string[] {
    if (!MachineTier.isMachineTier(tier)) { return []; }
    const problems = tier.isGiven('firstIp')
      ? ['firstIp is set, but a MetalCluster does not read it: each machine has the address of its entry in the cluster\'s machines; expected it unset']
      : [];
    if (!Array.isArray(this.props.machines)) { return problems; }
    const names = new Set(this.entries().map(entry => entry.name));
    return [...problems, ...this.expectedNames(tier).filter(name => !names.has(name)).map(name =>
      `${name} has no entry in the cluster's machines; expected { name: '${name}', mac, address } for each machine of the tier`)];
  }

  protected get hostNetwork(): string | undefined {
    const lan = this.props.lanCidr;
    return typeof lan === 'string' && parseCidr(lan) ? lan : undefined;
  }

  protected get nodeInterface(): string {
    return LAN_INTERFACE;
  }

  protected get givenProps(): Readonly<Record<string, unknown>> {
    return this.props as unknown as Record<string, unknown>;
  }

  /** `<tier>-NN`, at its entry's address; a machine without a usable entry is left out (a validation error names it). */
  protected planTier(tier: MachineTier): PlannedMachine[] {
    const { cpus, memoryMb } = tier.sizing;
    return this.expectedNames(tier).flatMap(hostname => {
      const entry = this.entries().find(machine => machine.name === hostname);
      return entry && typeof entry.address === 'string' && parseCidr(`${entry.address}/32`) ? [{ hostname, ip: entry.address, cpus, memoryMb }] : [];
    });
  }

  protected targetFacts(machines: readonly Machine[]): TargetFacts {
    return metalTargetFacts(machines, FLATCAR_INSTALL_RELEASE);
  }

  protected bindTarget(output: ClusterOutput, model: ClusterModel): TargetRunbook {
    const lanRange = model.networks.host.range;
    const hardware = new Map(model.machines.map(machine => [machine.hostname, this.hardwareOf(machine.hostname)!]));
    const url = this.props.matchboxUrl?.replace(/\/+$/, '');
    const release = FLATCAR_INSTALL_RELEASE;
    for (const machine of model.machines) {
      const { mac, installDisk } = hardware.get(machine.hostname)!;
      const scope = output.machineScope(machine);
      new MachineIgnition(scope, 'ignition', {
        machine,
        lan: { mac, address: machine.ip, prefixLength: lanRange.bits, gateway: this.props.gateway, dnsServers: this.props.dnsServers },
        sshAuthorizedKeys: this.props.sshAuthorizedKeys,
        output,
      });
      if (url === undefined) { continue; }
      // typhoon's two stages: a group by MAC boots the installer; a group by MAC and os=installed serves the final config.
      const installId = `${machine.hostname}-install`;
      const metadata = { hostname: machine.hostname, address: machine.ip };
      new InstallIgnition(scope, 'install-ignition', {
        hostname: machine.hostname, release, disk: installDisk, sshAuthorizedKeys: this.props.sshAuthorizedKeys,
        finalConfigUrl: `${url}/ignition?mac=${mac}&os=installed`,
      });
      new MatchboxProfileFile(scope, 'matchbox-install-profile', {
        id: installId,
        name: `${machine.hostname}: PXE-boot Flatcar ${release.version} and install it to ${installDisk}`,
        ignition_id: installIgnitionPath(machine.hostname).slice('ignition/'.length),
        boot: { ...pxeImages(release), args: pxeKernelArgs(`${url}/ignition?mac=${mac}`) },
      });
      new MatchboxGroupFile(scope, 'matchbox-install-group', {
        id: installId, name: `${machine.hostname} (${mac}), before its install`, profile: installId, selector: { mac }, metadata,
      });
      new MatchboxProfileFile(scope, 'matchbox-profile', {
        id: machine.hostname,
        name: `${machine.hostname}: its Ignition config, for the installed system`,
        ignition_id: machineIgnitionPath(machine.hostname).slice('ignition/'.length),
      });
      new MatchboxGroupFile(scope, 'matchbox-group', {
        id: machine.hostname, name: `${machine.hostname} (${mac}), installed`, profile: machine.hostname, selector: { mac, os: 'installed' }, metadata,
      });
    }
    return metalRunbook({
      model, hardware, gateway: this.props.gateway, dnsServers: this.props.dnsServers, sshKeyCount: this.props.sshAuthorizedKeys.length,
      release, matchboxUrl: url, groupsOf: hostname => [`${hostname}-install`, hostname],
    });
  }


  /** The props against their schema; each missing required prop is its own problem, with what it expects. */
  private propsProblems(): string[] {
    const given = this.props as unknown as Record<string, unknown>;
    const properties = propsSchema.properties as Record<string, { expected?: string }>;
    const missing = propsSchema.required.filter(key => given[key] === undefined)
      .map(key => `${key} is missing; expected ${properties[key].expected}`);
    return [...schemaProblems(propsSchema, this.props, ProblemStyle.PROPERTY).filter(problem => !problem.startsWith('is missing \'')), ...missing];
  }

  /** The hardware entries given; none while the prop is malformed. */
  private entries(): MetalMachine[] {
    const machines = this.props.machines;
    return Array.isArray(machines) ? machines.filter(machine => machine !== null && typeof machine === 'object' && typeof machine.name === 'string') : [];
  }

  /** The names a tier's machines get. */
  private expectedNames(tier: MachineTier): string[] {
    return Array.from({ length: tier.machineCount }, (_, i) => machineName(tier.node.id, i));
  }

  /** Rules the props schema cannot say: the profile, the LAN and the entries against it. Malformed values are the schema's to report. */
  private metalProblems(): string[] {
    const problems: string[] = [];
    if (this.profile.name !== 'flatcar') {
      problems.push(`profile ${this.profile.name} does not run on a MetalCluster: its cloud-configs need coreos-cloudinit, which Flatcar keeps `
        + 'in maintenance mode, and real machines are set up by Ignition; expected ClusterProfile.FLATCAR or ClusterProfile.flatcar({ ... })');
    }
    const { lanCidr, gateway, dnsServers, sshAuthorizedKeys } = this.props;
    const lan = typeof lanCidr === 'string' ? parseCidr(lanCidr) : undefined;
    if (typeof lanCidr === 'string' && hasHostBits(lanCidr)) {
      problems.push(`lanCidr ${lanCidr} has host bits set; expected the network address of the LAN (e.g. '10.0.40.0/24')`);
    }
    if (lan) {
      for (const [range, what] of NOT_A_LAN) {
        if (cidrsOverlap(lan, parseCidr(range)!)) {
          problems.push(`lanCidr ${lanCidr} overlaps ${range}, which is ${what}; expected the network of your LAN, such as '10.0.40.0/24'`);
        }
      }
    }
    const address = (text: unknown) => (typeof text === 'string' ? parseCidr(`${text}/32`) : undefined);
    const hostAddressProblem = (what: string, text: unknown): string | undefined => {
      const parsed = address(text);
      if (!lan || !parsed) { return undefined; }
      const expected = `expected a host address of the LAN ${lanCidr}, such as ${formatIpv4(lan.first + 1)}`;
      if (!cidrsOverlap(parsed, lan)) { return `${what} ${text} is outside the LAN ${lanCidr}; ${expected}`; }
      if (lan.bits <= 30 && (parsed.first === lan.first || parsed.first === lan.last)) {
        return `${what} ${text} is the ${parsed.first === lan.first ? 'network' : 'broadcast'} address of ${lanCidr}; ${expected}`;
      }
      return undefined;
    };
    const gatewayProblem = hostAddressProblem('gateway', gateway);
    if (gatewayProblem) { problems.push(gatewayProblem); }
    if (address(gateway) && gateway === this.controlPlaneEndpoint) {
      problems.push(`controlPlaneEndpoint ${this.controlPlaneEndpoint} is the gateway's address; expected a free address of the LAN ${lanCidr}`);
    }
    if (Array.isArray(dnsServers)) {
      dnsServers.forEach((server, i) => {
        const parsed = address(server);
        if (parsed && (parsed.first >>> 24 === 127 || parsed.first >>> 24 === 0)) {
          problems.push(`dnsServers[${i}] ${server} is not a server the machines can reach (a loopback or "this network" address); expected your LAN's DNS server, such as the gateway`);
        }
      });
    }
    if (Array.isArray(sshAuthorizedKeys)) {
      sshAuthorizedKeys.forEach((key, i) => {
        if (typeof key === 'string' && key.split(/\s+/)[1] === VAGRANT_INSECURE_KEY) {
          problems.push(`sshAuthorizedKeys[${i}] is Vagrant's insecure public key, which anyone has the private key of; expected a key of your own`);
        }
      });
    }
    const { matchboxUrl } = this.props;
    if (typeof matchboxUrl === 'string' && MATCHBOX_URL.test(matchboxUrl)) {
      // The schema's pattern takes any five digits as the port: the range is checked here, and what the URL parser refuses
      // (a host such as 10.0.40.256). Host names are not checked further (a-..b passes, as it did).
      const port = /:([0-9]+)\/?$/.exec(matchboxUrl)?.[1];
      if (port !== undefined && (Number(port) === 0 || Number(port) > 65535)) {
        problems.push(`matchboxUrl '${matchboxUrl}' has port ${port}; expected the port matchbox listens on, from 1 to 65535, such as 8080`);
      } else if (!URL.canParse(matchboxUrl)) {
        problems.push(`matchboxUrl '${matchboxUrl}' is not a URL; expected matchbox's HTTP endpoint as the machines reach it, such as 'http://10.0.40.2:8080'`);
      }
    }
    problems.push(...this.entryProblems(lan, address, hostAddressProblem));
    return problems;
  }

  private entryProblems(lan: Cidr | undefined, address: (text: unknown) => Cidr | undefined,
    hostAddressProblem: (what: string, text: unknown) => string | undefined): string[] {
    const problems: string[] = [];
    const machines = Array.isArray(this.props.machines) ? this.props.machines : [];
    const expected = this.tiers.flatMap(tier => this.expectedNames(tier));
    const firstByName = new Map<string, number>();
    const firstByMac = new Map<string, number>();
    machines.forEach((machine, i) => {
      if (machine === null || typeof machine !== 'object') { return; }
      const { name, mac } = machine;
      if (typeof name === 'string') {
        if (firstByName.has(name)) {
          problems.push(`machines[${i}] repeats the name ${name} of machines[${firstByName.get(name)}]; expected one entry per machine`);
        } else {
          firstByName.set(name, i);
          if (expected.length > 0 && !expected.includes(name)) {
            problems.push(`machines[${i}] is named ${name}, which no tier has; expected one of ${expected.join(', ')}`);
          }
        }
      }
      if (isMacAddress(mac)) {
        const normalized = normalizeMac(mac);
        if (firstByMac.has(normalized)) {
          problems.push(`machines[${i}].mac ${mac} is also the MAC of machines[${firstByMac.get(normalized)}]; expected each NIC's own MAC`);
        } else {
          firstByMac.set(normalized, i);
        }
        if (isGroupMac(mac)) {
          problems.push(`machines[${i}].mac ${mac} is a multicast address (the lowest bit of its first octet is set); expected the MAC of a NIC`);
        }
      }
      const addressProblem = hostAddressProblem(`machines[${i}].address`, machine.address);
      if (addressProblem) { problems.push(addressProblem); }
      if (lan && address(machine.address) && machine.address === this.props.gateway) {
        problems.push(`machines[${i}].address ${machine.address} is the gateway's address; expected the machine's own address`);
      }
    });
    return problems;
  }
}
