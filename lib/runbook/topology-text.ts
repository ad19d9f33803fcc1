import { Construct } from 'constructs';
import { ITopologySource, PlacedMachine, TopologyMachine, TopologyModel, longestUnbreakable, packRows, wrapText } from './topology-layout';
import { IFileOwner, SynthesizedFile } from '../synth/synthesized-file';

/** Props of a {@link TopologyText}. */
export interface TopologyTextProps {
  /** What to draw; read at synth time. */
  readonly source: ITopologySource;
  /**
   * Path of the file in the output folder.
   * @default 'topology.txt'
   */
  readonly filePath?: string;
  /**
   * Longest line, in characters; rows of VMs wrap to stay within it.
   * @default 120
   */
  readonly maxWidth?: number;
}

/** Space between two boxes of one tier, and between tiers. */
const GAP = 2;
const TIER_GAP = 4;
/** `│ ` and ` │` around the text of a box. */
const BOX_FRAME = 4;
/** The `eth1` tab on a box is `┌────┤`: a box must be at least this wide. */
const MIN_BOX = 7;
/** Marks a rule between two sections of a box. */
const SEPARATOR = '\u0000';
/** What an empty cell of the canvas holds. */
const SPACE = 0x20;
/** Cells turned into text by one call: a line as wide as `maxWidth` allows must stay within the engine's argument count. */
const CODES_PER_CALL = 4096;

/**
 * `topology.txt`: the cluster as an ASCII (box-drawing) diagram in the spirit
 * of the seed's: the host network on top, one box per VM hanging off it by its
 * `eth1` address, and what runs on the VM stacked inside. Rows wrap so that no
 * line is longer than `maxWidth`.
 */
export class TopologyText extends Construct implements IFileOwner {
  public readonly filePath: string;
  private readonly source: ITopologySource;
  private readonly maxWidth: number;

  constructor(scope: Construct, id: string, props: TopologyTextProps) {
    super(scope, id);
    this.source = props.source;
    this.filePath = props.filePath ?? 'topology.txt';
    this.maxWidth = props.maxWidth ?? 120;
  }

  public renderFile(): SynthesizedFile {
    return { path: this.filePath, content: renderTopologyText(this.source.topology(), this.maxWidth), mode: 0o644 };
  }
}

/** The diagram of a model, every line at most `maxWidth` characters (at least 40). */
export function renderTopologyText(model: TopologyModel, maxWidth = 120): string {
  const width = Math.max(40, Math.floor(maxWidth));
  const contentWidths = model.tiers.map(tier => tierContentWidth(tier.machines, width));
  const boxWidth = (placed: PlacedMachine) => contentWidths[placed.tierIndex] + BOX_FRAME;
  const gap = (previous: PlacedMachine, next: PlacedMachine) => (previous.tierIndex === next.tierIndex ? GAP : TIER_GAP);
  const rows = packRows(model, boxWidth, gap, width);

  const lines: string[] = [
    ...wrapText(model.title, width),
    ...model.notes.flatMap(note => wrapText(note, width)),
  ];
  rows.forEach((row, index) => {
    const label = index === 0 ? model.network : `${model.network} (continued)`;
    lines.push('', ...drawRow(row, boxWidth, gap, wrapText(label, width - 4)[0], model.interfaceName, contentWidths));
  });
  // One join with the final newline: a string over 128 KiB costs V8 fresh memory each time it is made (see xmlElementPieces).
  lines.push('');
  return lines.join('\n');
}

/** The text width of a tier's boxes: wide enough that no name is cut, at most what one row holds. */
function tierContentWidth(machines: TopologyMachine[], maxWidth: number): number {
  let needed = MIN_BOX - BOX_FRAME;
  for (const machine of machines) {
    // The address is written left of the drop line, above the box: the box must be one wider.
    needed = Math.max(needed, machine.name.length, longestUnbreakable(machine.role), machine.ip.length + 1 - BOX_FRAME);
    for (const layer of machine.layers) {
      needed = Math.max(needed, longestUnbreakable(layer.title));
      for (const item of layer.items) {
        needed = Math.max(needed, 1 + longestUnbreakable(item, true));
      }
    }
  }
  return Math.min(needed, maxWidth - BOX_FRAME);
}

/** The text lines of one box, with {@link SEPARATOR} for the rules between sections. */
function boxContent(machine: TopologyMachine, width: number): string[][] {
  const header = [...wrapText(machine.name, width), ...wrapText(machine.role, width)];
  const layers = machine.layers.map(layer => [
    ...wrapText(layer.title, width),
    ...layer.items.flatMap(item => wrapText(item, width - 1, true).map(line => ` ${line}`)),
  ]);
  return [header, ...layers];
}

/** A grid of characters, drawn into, then read as trimmed lines. */
class Canvas {
  /** One code point per cell: no string is made per character until a line is read. */
  private readonly rows: number[][] = [];

  constructor(private readonly width: number) {}

  public put(x: number, y: number, text: string): void {
    while (this.rows.length <= y) {
      this.rows.push(new Array<number>(this.width).fill(SPACE));
    }
    const row = this.rows[y];
    let column = x;
    for (let i = 0; i < text.length; i++, column++) { // by code point, as the diagram counts characters
      const code = text.codePointAt(i)!;
      if (code > 0xffff) { i++; } // the second half of a surrogate pair
      if (column >= 0 && column < this.width) { row[column] = code; }
    }
  }

  public lines(): string[] {
    return this.rows.map(row => textOf(row).trimEnd());
  }
}

/** The text of code points, a bounded number of them per call (each is an argument). */
function textOf(codes: number[]): string {
  const fromCodes = codes.some(code => code > 0xffff) ? String.fromCodePoint : String.fromCharCode;
  if (codes.length <= CODES_PER_CALL) { return fromCodes(...codes); }
  let text = '';
  for (let start = 0; start < codes.length; start += CODES_PER_CALL) {
    text += fromCodes(...codes.slice(start, start + CODES_PER_CALL));
  }
  return text;
}

function drawRow(
  row: PlacedMachine[],
  boxWidth: (placed: PlacedMachine) => number,
  gap: (previous: PlacedMachine, next: PlacedMachine) => number,
  label: string,
  interfaceName: string,
  contentWidths: number[],
): string[] {
  // Left edges of the boxes; each drop line runs down the right edge of its box.
  const lefts: number[] = [];
  let x = 0;
  row.forEach((placed, i) => {
    if (i > 0) { x += gap(row[i - 1], placed); }
    lefts.push(x);
    x += boxWidth(placed);
  });
  const rowWidth = x;
  const barWidth = Math.max(rowWidth, label.length + 4);
  const canvas = new Canvas(barWidth);
  const drops = row.map((placed, i) => lefts[i] + boxWidth(placed) - 1);

  // The network bar.
  canvas.put(0, 0, '┌' + '─'.repeat(barWidth - 2) + '┐');
  canvas.put(0, 1, '│' + centre(label, barWidth - 2) + '│');
  canvas.put(0, 2, '└' + '─'.repeat(barWidth - 2) + '┘');
  for (const drop of drops) {
    canvas.put(drop, 2, drop === barWidth - 1 ? '┤' : '┬');
  }

  // Per box: drop line, address, eth1 tab, then the box with its sections.
  const contents = row.map(placed => boxContent(placed.machine, contentWidths[placed.tierIndex]));
  const height = Math.max(...contents.map(sections => boxHeight(sections)));
  row.forEach((placed, i) => {
    const left = lefts[i];
    const right = drops[i];
    const inner = boxWidth(placed) - 2;
    const tab = interfaceName.slice(0, inner - 2);
    canvas.put(right, 3, '│');
    canvas.put(right - placed.machine.ip.length, 4, placed.machine.ip + '│');
    canvas.put(right - tab.length - 1, 5, '┌' + '─'.repeat(tab.length) + '┤');
    canvas.put(right - tab.length - 1, 6, '│' + tab + '│');
    canvas.put(left, 7, '┌' + '─'.repeat(inner) + '┤');
    canvas.put(right - tab.length - 1, 7, '┴');

    const lines = stackSections(contents[i], height);
    lines.forEach((line, j) => {
      const y = 8 + j;
      if (line === SEPARATOR) {
        canvas.put(left, y, '├' + '─'.repeat(inner) + '┤');
      } else {
        canvas.put(left, y, '│ ' + line.padEnd(inner - 2) + ' │');
      }
    });
    canvas.put(left, 8 + height, '└' + '─'.repeat(inner) + '┘');
  });
  return canvas.lines();
}

function boxHeight(sections: string[][]): number {
  return sections.reduce((sum, section) => sum + section.length, 0) + sections.length - 1;
}

/** The box's lines at `height`: sections separated by rules, blank lines above the last section so bottoms align. */
function stackSections(sections: string[][], height: number): string[] {
  const lines: string[] = [];
  const padding = height - boxHeight(sections);
  sections.forEach((section, i) => {
    if (i > 0 && i === sections.length - 1) {
      lines.push(...new Array<string>(padding).fill(''));
    }
    if (i > 0) { lines.push(SEPARATOR); }
    lines.push(...section);
  });
  if (sections.length === 1) {
    lines.push(...new Array<string>(padding).fill(''));
  }
  return lines;
}

function centre(text: string, width: number): string {
  const left = Math.floor((width - text.length) / 2);
  return ' '.repeat(Math.max(0, left)) + text + ' '.repeat(Math.max(0, width - text.length - left));
}
