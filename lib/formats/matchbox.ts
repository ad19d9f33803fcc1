import groupSchema from './matchbox-group.schema.json';
import profileSchema from './matchbox-profile.schema.json';
import { stableJson } from './stable-json';
import { schemaProblems } from '../synth/json-schema';

/**
 * matchbox's data, as its `FileStore` reads it from `-data-path`: `profiles/<id>.json`,
 * `groups/<id>.json` and the Ignition configs a profile names, `ignition/<ignition_id>`.
 * The fields are those of matchbox v0.11.0 (`matchbox/storage/storagepb/storage.proto`,
 * `Profile`, `NetBoot` and `Group`; `RichGroup` in `group.go` for a group's JSON) and of its
 * docs (docs/matchbox.md, "Profiles" and "Groups").
 * @see https://github.com/poseidon/matchbox/blob/v0.11.0/docs/matchbox.md
 */
export const MATCHBOX_RELEASE = 'v0.11.0';

/** A matchbox profile: how a machine network-boots, and the Ignition config it is served. */
export interface MatchboxProfile {
  /** The profile's id; the file is `profiles/<id>.json`. */
  readonly id: string;
  /** A human-readable name. */
  readonly name?: string;
  /** The file under `ignition/` served at `/ignition`: a `.ign` or `.ignition` file is served as Ignition JSON, not rendered as a template. */
  readonly ignition_id?: string;
  /** Network boot: rendered into the iPXE script (`/ipxe`) and the GRUB config (`/grub`). */
  readonly boot?: MatchboxNetBoot;
}

/** `boot` of a profile. */
export interface MatchboxNetBoot {
  /** The kernel's URL. */
  readonly kernel: string;
  /** The initrds' URLs. */
  readonly initrd: readonly string[];
  /** Kernel arguments. */
  readonly args: readonly string[];
}

/** A matchbox group: the machines whose labels match every selector get the profile. */
export interface MatchboxGroup {
  /** The group's id; the file is `groups/<id>.json`. */
  readonly id: string;
  readonly name?: string;
  /** The id of the profile. */
  readonly profile: string;
  /**
   * Labels a request must carry, e.g. `{ mac: '52:54:00:a1:9c:ae', os: 'installed' }`. `mac` is
   * normalized (lowercase, colons); of several matching groups, the one with the most selectors wins.
   */
  readonly selector?: Readonly<Record<string, string>>;
  /** Values for templates; matchbox serves `.ign` files without templating, so these only document the group. */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** A profile's JSON text. */
export function renderMatchboxProfile(profile: MatchboxProfile): string {
  return stableJson(profile);
}

/** A group's JSON text. */
export function renderMatchboxGroup(group: MatchboxGroup): string {
  return stableJson(group);
}

/** What matchbox's documented profile fields refuse in a profile; empty when valid. */
export function matchboxProfileProblems(profile: unknown): string[] {
  return schemaProblems(profileSchema, profile);
}

/** What matchbox's documented group fields refuse in a group; empty when valid. */
export function matchboxGroupProblems(group: unknown): string[] {
  return schemaProblems(groupSchema, group);
}

/**
 * The group matchbox picks for a request's labels, as matchbox v0.11.0 does it
 * (`matchbox/server/server.go` `SelectGroup`): the groups sorted by `ByReqs` (fewer
 * selectors first, then by their `key=value` text), reversed, and the first whose every
 * selector the labels carry. `mac` labels compare normalized (lowercase).
 */
export function selectMatchboxGroup(groups: readonly MatchboxGroup[], labels: Readonly<Record<string, string>>): MatchboxGroup | undefined {
  const normalized = (selector: Readonly<Record<string, string>>) => Object.fromEntries(Object.entries(selector)
    .map(([key, value]) => [key, key.toLowerCase() === 'mac' ? value.toLowerCase().replace(/-/g, ':') : value]));
  const request = normalized(labels);
  const text = (group: MatchboxGroup) => Object.entries(group.selector ?? {}).map(([key, value]) => `${key}=${value}`).sort().join(',');
  const byReqs = [...groups].sort((a, b) => {
    const sizes = Object.keys(a.selector ?? {}).length - Object.keys(b.selector ?? {}).length;
    return sizes !== 0 ? sizes : text(a) < text(b) ? -1 : text(a) > text(b) ? 1 : 0;
  }).reverse();
  return byReqs.find(group => Object.entries(normalized(group.selector ?? {})).every(([key, value]) => request[key] === value));
}
