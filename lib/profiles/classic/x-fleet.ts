import { UnitSection } from '../../formats/systemd-unit';

/**
 * fleet's `[X-Fleet]` placement options.
 * @see https://github.com/coreos/fleet/blob/master/Documentation/unit-files-and-scheduling.md
 */
export interface XFleetOptions {
  /**
   * `key=value` pairs the machine's metadata must have. Different keys AND,
   * a repeated key ORs.
   * @default - no metadata requirement
   */
  readonly machineMetadata?: string[];
  /**
   * Run on every machine that matches (only with machineMetadata/conflicts).
   * @default false
   */
  readonly global?: boolean;
  /**
   * Unit name globs this unit must not share a machine with.
   * @default - none
   */
  readonly conflicts?: string[];
  /**
   * Run on the machine that runs this unit.
   * @default - none
   */
  readonly machineOf?: string;
  /**
   * Run on the machine with this ID.
   * @default - none
   */
  readonly machineId?: string;
  /**
   * Units this one replaces on its machine.
   * @default - none
   */
  readonly replaces?: string[];
}

/** The keys fleet knows in `[X-Fleet]`. */
export const X_FLEET_KEYS = ['MachineID', 'MachineOf', 'MachineMetadata', 'Conflicts', 'Global', 'Replaces'] as const;

/** The `[X-Fleet]` section for these options. */
export function xFleetSection(options: XFleetOptions): UnitSection {
  const directives: Array<[string, string]> = [];
  if (options.machineId) { directives.push(['MachineID', options.machineId]); }
  if (options.machineOf) { directives.push(['MachineOf', options.machineOf]); }
  for (const pair of options.machineMetadata ?? []) { directives.push(['MachineMetadata', pair]); }
  for (const glob of options.conflicts ?? []) { directives.push(['Conflicts', glob]); }
  if (options.global) { directives.push(['Global', 'true']); }
  for (const unit of options.replaces ?? []) { directives.push(['Replaces', unit]); }
  return { name: 'X-Fleet', directives };
}

/**
 * fleet's rules for one `[X-Fleet]` section, given as `[key, value]` pairs
 * read from the rendered unit. Returns the problems, empty when valid.
 */
export function checkXFleet(directives: ReadonlyArray<readonly [string, string]>): string[] {
  const problems: string[] = [];
  const keys = new Set<string>();
  for (const [key, value] of directives) {
    if (!(X_FLEET_KEYS as readonly string[]).includes(key)) {
      problems.push(`[X-Fleet] has unknown key '${key}'; expected one of ${X_FLEET_KEYS.join(', ')}`);
    }
    if (key === 'MachineMetadata' && !/^[^=\s]+=[^=\s]+$/.test(value)) {
      problems.push(`[X-Fleet] MachineMetadata '${value}' is not key=value`);
    }
    if (key === 'Global' && !['true', 'false'].includes(value)) {
      problems.push(`[X-Fleet] Global '${value}' is not true or false`);
    }
    keys.add(key);
  }
  const global = directives.some(([key, value]) => key === 'Global' && value === 'true');
  if (global) {
    const others = [...keys].filter(key => !['Global', 'MachineMetadata', 'Conflicts'].includes(key));
    if (others.length > 0) {
      problems.push(`[X-Fleet] Global=true goes only with MachineMetadata and Conflicts; found ${others.join(', ')}`);
    }
  }
  if (keys.has('Replaces') && (global || keys.has('Conflicts'))) {
    problems.push(`[X-Fleet] Replaces goes with neither Global nor Conflicts; found ${global ? 'Global' : 'Conflicts'}`);
  }
  return problems;
}

/** The machine-metadata requirement as `key -> allowed values` (ORed), ANDed across keys. */
export function metadataRequirement(pairs: readonly string[]): Map<string, Set<string>> {
  const requirement = new Map<string, Set<string>>();
  for (const pair of pairs) {
    const [key, value] = pair.split('=');
    requirement.set(key, (requirement.get(key) ?? new Set()).add(value));
  }
  return requirement;
}

/** Whether a machine with these labels satisfies a metadata requirement. */
export function metadataMatches(requirement: Map<string, Set<string>>, labels: Readonly<Record<string, string>>): boolean {
  return [...requirement].every(([key, values]) => labels[key] !== undefined && values.has(labels[key]));
}
