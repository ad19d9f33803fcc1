import schema from './ignition.schema.json';
import { stableJson } from './stable-json';
import { schemaProblems } from '../synth/json-schema';

/**
 * The Ignition config spec this library writes: 3.3.0. Flatcar reads Ignition v3
 * configs of spec 3.3.0 since release 3185.0.0 (Flatcar's "Ignition Specification", section
 * "Ignition v3": flatcar/flatcar-website content/docs/latest/fb-provision/ignition/specification.md), and Debian's `ignition-validate` 2.14 accepts 3.3.0 but refuses 3.4.0,
 * which Ignition declared stable only in 2.15.0 (coreos/ignition docs/specs.md, "Specification
 * versions and Ignition releases").
 * @see https://coreos.github.io/ignition/configuration-v3_3/
 */
export const IGNITION_SPEC_VERSION = '3.3.0';

/** An Ignition config of spec 3.3.0: the part of the spec this library writes (`ignition.schema.json` knows it). */
export interface IgnitionConfig {
  readonly ignition: { readonly version: typeof IGNITION_SPEC_VERSION };
  readonly passwd?: { readonly users?: readonly IgnitionUser[] };
  readonly storage?: { readonly files?: readonly IgnitionFile[] };
  readonly systemd?: { readonly units?: readonly IgnitionUnit[] };
}

/** `passwd.users[]`: an account and the SSH keys it accepts. */
export interface IgnitionUser {
  readonly name: string;
  /** Added as `~/.ssh/authorized_keys.d/ignition`. */
  readonly sshAuthorizedKeys?: readonly string[];
}

/** The owner or group of a file, by name (resolved in the target's passwd database) or by id. */
export interface IgnitionOwner {
  readonly name?: string;
  readonly id?: number;
}

/** `storage.files[]`. */
export interface IgnitionFile {
  /** Absolute path in the machine. */
  readonly path: string;
  /** Replace what is at the path. */
  readonly overwrite?: boolean;
  readonly contents?: { readonly source?: string; readonly compression?: 'gzip' };
  /** The permission bits as a decimal number (0644 is 420); no setuid, setgid or sticky bit. */
  readonly mode?: number;
  readonly user?: IgnitionOwner;
  readonly group?: IgnitionOwner;
}

/** `systemd.units[]`. */
export interface IgnitionUnit {
  /** e.g. `kubelet.service`. */
  readonly name: string;
  /** Enable the unit (its `[Install]` section) so that it starts at boot. */
  readonly enabled?: boolean;
  readonly mask?: boolean;
  readonly contents?: string;
  readonly dropins?: ReadonlyArray<{ readonly name: string; readonly contents?: string }>;
}

/** What `encodeURIComponent` leaves as it is beside RFC 3986's unreserved characters: percent-encoded here too. */
const KEPT_BY_ENCODE_URI = /[!'()*]/g;
/** A surrogate without its other half, which UTF-8 cannot hold: written as U+FFFD, as `Buffer.from` writes it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * A file's contents as an RFC 2397 `data:` URL without a media type, every byte
 * outside RFC 3986's unreserved characters (`A-Z a-z 0-9 - _ . ~`) percent-encoded
 * (UTF-8, upper-case hex), as Ignition reads it (`contents.source`).
 * @see https://www.rfc-editor.org/rfc/rfc2397
 */
export function dataUrl(text: string): string {
  let encoded: string;
  try {
    encoded = encodeURIComponent(text);
  } catch {
    encoded = encodeURIComponent(text.replace(LONE_SURROGATE, '\uFFFD')); // URIError: a lone surrogate
  }
  return `data:,${encoded.replace(KEPT_BY_ENCODE_URI, char => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

/** The text of a `data:` URL (percent-encoded or `;base64`); undefined when it is not one. */
export function dataUrlText(url: string): string | undefined {
  const match = /^data:([^,]*),(.*)$/s.exec(url);
  if (!match) { return undefined; }
  const base64 = /;base64$/i.test(match[1]);
  try {
    return base64 ? Buffer.from(match[2], 'base64').toString('utf-8') : decodeURIComponent(match[2]);
  } catch {
    return undefined;
  }
}

/** The JSON text of a config: keys sorted at every depth, two-space indent, a final newline. */
export function renderIgnition(config: IgnitionConfig): string {
  return stableJson(config);
}

/**
 * What Ignition would refuse, or warn about, in a config: the schema of the part of
 * spec 3.3.0 this library writes, every path, unit, drop-in and user named once
 * ("Every file, directory and link must have a unique path", "Every unit must have a
 * unique name"), and every enabled unit with an `[Install]` section, without which
 * enabling it does nothing (Ignition warns). Empty when valid.
 */
export function ignitionProblems(config: IgnitionConfig): string[] {
  const problems = schemaProblems(schema, config);
  if (problems.length > 0) { return problems; }
  problems.push(
    ...duplicates((config.storage?.files ?? []).map(file => file.path), 'storage.files path'),
    ...duplicates((config.systemd?.units ?? []).map(unit => unit.name), 'systemd.units name'),
    ...duplicates((config.passwd?.users ?? []).map(user => user.name), 'passwd.users name'),
  );
  for (const unit of config.systemd?.units ?? []) {
    problems.push(...duplicates((unit.dropins ?? []).map(dropin => dropin.name), `systemd.units ${unit.name} dropins name`));
    if (unit.enabled === true && !hasInstallSection(unit.contents ?? '')) {
      problems.push(`systemd.units ${unit.name} is enabled but has no [Install] section, so enabling it does nothing; `
        + 'expected a WantedBy= or RequiredBy= in an [Install] section');
    }
  }
  for (const file of config.storage?.files ?? []) {
    if (file.overwrite === true && file.contents?.source === undefined) {
      problems.push(`storage.files ${file.path} overwrites without contents.source, which Ignition refuses; expected a source`);
    }
    if (file.contents?.source !== undefined && dataUrlText(file.contents.source) === undefined) {
      problems.push(`storage.files ${file.path} has a contents.source that is not a readable data: URL; expected data:,<percent-encoded text>`);
    }
  }
  return problems;
}

/** Whether a unit's text has an `[Install]` section with something to enable. */
export function hasInstallSection(contents: string): boolean {
  let inInstall = false;
  for (const line of contents.split('\n').map(text => text.trim())) {
    const section = /^\[([^\]]+)\]$/.exec(line);
    if (section) {
      inInstall = section[1] === 'Install';
    } else if (inInstall && /^(WantedBy|RequiredBy|UpheldBy|Alias|Also)=\S/.test(line)) {
      return true;
    }
  }
  return false;
}

function duplicates(names: readonly string[], what: string): string[] {
  const seen = new Set<string>();
  const reported = new Set<string>();
  for (const name of names) {
    if (seen.has(name) && !reported.has(name)) { reported.add(name); }
    seen.add(name);
  }
  return [...reported].map(name => `${what} ${name} appears more than once; expected each once`);
}
