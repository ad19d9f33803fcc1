/**
 * The picture both topology files draw, and the layout helpers they share.
 * Profile-neutral: a profile says what runs on each VM as layers of text;
 * {@link TopologyText} and {@link TopologySvg} decide where it goes.
 */

/** One layer of what runs on a VM, top to bottom, e.g. a pod and its containers, or `kubelet`. */
export interface TopologyLayer {
  /** e.g. `pod kube-master`, `kubelet`, `etcd2 proxy`. */
  readonly title: string;
  /** Lines under the title, e.g. container names. */
  readonly items: string[];
}

/** One VM box. */
export interface TopologyMachine {
  /** Hostname. */
  readonly name: string;
  /** The address on the drawn network (`eth1`). */
  readonly ip: string;
  /** What the VM is for, e.g. `kube master`; VMs with the same role share a colour in the SVG. */
  readonly role: string;
  /** What runs on it, top to bottom; the last layer is drawn at the bottom of the box, aligned across a row. */
  readonly layers: TopologyLayer[];
}

/** A group of VMs drawn together. */
export interface TopologyTier {
  /** Construct id of the tier, e.g. `etcd`. */
  readonly name: string;
  /** e.g. `etcd: 3 etcd peers`. */
  readonly caption: string;
  readonly machines: TopologyMachine[];
}

/** The whole picture. */
export interface TopologyModel {
  /** First line, e.g. what cluster this is. */
  readonly title: string;
  /** Lines under the title. */
  readonly notes: string[];
  /** Label of the network every VM hangs off, e.g. `host-only network 10.10.10.0/24`. */
  readonly network: string;
  /** The NIC the VMs use on that network, e.g. `eth1`. */
  readonly interfaceName: string;
  readonly tiers: TopologyTier[];
}

/** Something that can say what the topology looks like. */
export interface ITopologySource {
  /** Reads the tree; called at synth time, when the tree is complete and locked. */
  topology(): TopologyModel;
}

/** A machine placed in a row, with the tier it belongs to. */
export interface PlacedMachine {
  readonly machine: TopologyMachine;
  /** Index of the tier in the model. */
  readonly tierIndex: number;
}

/**
 * Splits text into lines of at most `width` characters. Breaks at spaces;
 * with `breakAfterHyphen`, also after a `-` when a word does not fit. A word
 * still too long is cut hard. Never returns an empty list.
 */
export function wrapText(text: string, width: number, breakAfterHyphen = false): readonly string[] {
  const limit = Math.max(1, Math.floor(width));
  // The same texts come back for every VM of a tier (container names, roles): each is wrapped once.
  const key = `${limit}${breakAfterHyphen ? '-' : ' '}${text}`;
  const known = wrapped.get(key);
  if (known) { return known; }
  const lines = Object.freeze(wrapLines(text, limit, breakAfterHyphen));
  if (wrapped.size >= 10_000) { wrapped.clear(); }
  wrapped.set(key, lines);
  return lines;
}

/** Texts already wrapped, by width, hyphen rule and text. */
const wrapped = new Map<string, readonly string[]>();

function wrapLines(text: string, limit: number, breakAfterHyphen: boolean): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ').filter(w => w.length > 0)) {
    if (line.length > 0 && line.length + 1 + word.length <= limit) {
      line += ' ' + word;
      continue;
    }
    if (line.length > 0) {
      lines.push(line);
      line = '';
    }
    const pieces = breakAfterHyphen ? word.split(/(?<=-)/) : [word];
    for (const piece of pieces) {
      if (line.length + piece.length <= limit) {
        line += piece;
        continue;
      }
      if (line.length > 0) {
        lines.push(line);
      }
      line = piece;
      while (line.length > limit) {
        lines.push(line.slice(0, limit));
        line = line.slice(limit);
      }
    }
  }
  lines.push(line);
  return lines;
}

/** The longest piece {@link wrapText} would keep whole: a word, or with `breakAfterHyphen` a hyphen-separated part. */
export function longestUnbreakable(text: string, breakAfterHyphen = false): number {
  const key = `${breakAfterHyphen ? '-' : ' '}${text}`;
  let longest = longestPieces.get(key);
  if (longest === undefined) {
    longest = measureLongest(text, breakAfterHyphen);
    if (longestPieces.size >= 10_000) { longestPieces.clear(); }
    longestPieces.set(key, longest);
  }
  return longest;
}

/** Lengths already measured, by hyphen rule and text. */
const longestPieces = new Map<string, number>();

function measureLongest(text: string, breakAfterHyphen: boolean): number {
  const pieces = text.split(' ').flatMap(word => (breakAfterHyphen ? word.split(/(?<=-)/) : [word]));
  return Math.max(0, ...pieces.map(piece => piece.length));
}

/**
 * Fills rows left to right: a machine goes on the current row when it still
 * fits within `maxWidth`, else it starts the next row. `gap` is the space
 * before a machine that follows another on the same row. A machine wider than
 * `maxWidth` gets a row of its own.
 */
export function packRows(
  model: TopologyModel,
  widthOf: (placed: PlacedMachine) => number,
  gap: (previous: PlacedMachine, next: PlacedMachine) => number,
  maxWidth: number,
): PlacedMachine[][] {
  const rows: PlacedMachine[][] = [];
  let row: PlacedMachine[] = [];
  let used = 0;
  model.tiers.forEach((tier, tierIndex) => {
    for (const machine of tier.machines) {
      const placed = { machine, tierIndex };
      const width = widthOf(placed);
      const needed = row.length === 0 ? width : used + gap(row[row.length - 1], placed) + width;
      if (row.length > 0 && needed > maxWidth) {
        rows.push(row);
        row = [];
        used = width;
      } else {
        used = needed;
      }
      row.push(placed);
    }
  });
  if (row.length > 0) {
    rows.push(row);
  }
  return rows;
}

/** The distinct roles, in the order the machines have them: a stable colour index per role. */
export function roleOrder(model: TopologyModel): string[] {
  const roles: string[] = [];
  for (const tier of model.tiers) {
    for (const machine of tier.machines) {
      if (!roles.includes(machine.role)) { roles.push(machine.role); }
    }
  }
  return roles;
}

/** How many machines the model has. */
export function machineCount(model: TopologyModel): number {
  return model.tiers.reduce((sum, tier) => sum + tier.machines.length, 0);
}
