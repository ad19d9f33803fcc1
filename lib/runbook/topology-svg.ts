import { Construct } from 'constructs';
import {
  ITopologySource, PlacedMachine, TopologyLayer, TopologyMachine, TopologyModel, packRows, roleOrder, wrapText,
} from './topology-layout';
import { formatNumber, xmlAttributes, xmlElement, xmlElementPieces, xmlText } from '../formats/xml';
import { IFileOwner, SynthesizedFile } from '../synth/synthesized-file';

/** Props of a {@link TopologySvg}. */
export interface TopologySvgProps {
  /** What to draw; read at synth time. */
  readonly source: ITopologySource;
  /**
   * Path of the file in the output folder.
   * @default 'topology.svg'
   */
  readonly filePath?: string;
}

/** Monospace text keeps the width estimates below honest; DejaVu ships with most Linux desktops. */
const FONT_FAMILY = "'DejaVu Sans Mono', Menlo, Consolas, 'Liberation Mono', monospace";
/** Advance width of one character, in em, of the fonts above (DejaVu Sans Mono: 0.602; Consolas: 0.55). */
const CHAR_EM = 0.61;

const MARGIN = 24;
const MAX_ROW = 1200;
const BOX_GAP = 16;
const FRAME_PAD = 12;
const TIER_GAP = 20;
const BOX_PAD = 12;
const MIN_BOX = 124;
const MAX_BOX = 320;
const ITEM_INDENT = 12;

/** Font sizes (px) and line heights of the texts in a box. */
const NAME = { size: 13, line: 17 };
const ROLE = { size: 11, line: 15 };
const TITLE = { size: 12, line: 16 };
const ITEM = { size: 11.5, line: 15 };
const PILL = { size: 10.5, height: 18 };

/** Vertical layout of a row, from the top of its network bar. */
const BAR_HEIGHT = 30;
const PILL_CENTRE = BAR_HEIGHT + 22;
const FRAME_TOP = BAR_HEIGHT + 44;
const BOX_TOP = FRAME_TOP + 12;
/** Below the boxes: the tier caption's lines, then the frame's bottom edge. */
const CAPTION = { size: 11, line: 14, first: 20 };
const FRAME_BELOW = 10;
const ROW_GAP = 28;

const INK = '#1a202c';
const MUTED = '#4a5568';
const RULE = '#cbd5e0';
/** One colour per role, in the order roles first appear: stroke, then the fill of the box header. */
const PALETTE: Array<[string, string]> = [
  ['#b7791f', '#fdf3e1'], ['#2b6cb0', '#e6effa'], ['#2f855a', '#e3f3e9'],
  ['#6b46c1', '#eee8fb'], ['#c53030', '#fbe9e9'], ['#2c7a7b', '#e2f3f3'],
];

/** The look of each kind of text: its attributes after x and y, written once rather than per element. */
const HEADER_TITLE_TEXT = textStyle({ size: 15, weight: 'bold', fill: INK });
const HEADER_NOTE_TEXT = textStyle({ size: 12, fill: MUTED });
const NETWORK_TEXT = textStyle({ size: 13, weight: 'bold', fill: '#2d3748', anchor: 'middle' });
const PILL_TEXT = textStyle({ size: PILL.size, fill: INK, anchor: 'middle', cls: 'ip' });
const NAME_TEXT = textStyle({ size: NAME.size, weight: 'bold', fill: INK, cls: 'name' });
const TITLE_TEXT = textStyle({ size: TITLE.size, weight: 'bold', fill: INK });
const ITEM_TEXT = textStyle({ size: ITEM.size, fill: MUTED });
const CAPTION_TEXT = textStyle({ size: CAPTION.size, weight: 'bold', fill: MUTED, cls: 'caption' });
/** A role's text is in its colour's stroke. */
const ROLE_TEXT = new Map(PALETTE.map(([stroke]) => [stroke, textStyle({ size: ROLE.size, fill: stroke, cls: 'role' })]));

/**
 * `topology.svg`: the picture of `topology.txt` as a standalone SVG. One group
 * per tier (`<g id="tier-…">`) holding one group per VM (`<g id="vm-…">`),
 * each VM hanging off its row's network bar by a line labelled with its
 * `eth1` address. Deterministic: the same tree gives the same bytes.
 */
export class TopologySvg extends Construct implements IFileOwner {
  public readonly filePath: string;
  private readonly source: ITopologySource;

  constructor(scope: Construct, id: string, props: TopologySvgProps) {
    super(scope, id);
    this.source = props.source;
    this.filePath = props.filePath ?? 'topology.svg';
  }

  public renderFile(): SynthesizedFile {
    return { path: this.filePath, content: renderTopologySvg(this.source.topology()), mode: 0o644 };
  }
}

/** A box's texts, wrapped to its width, and its natural height. */
interface BoxText {
  readonly name: readonly string[];
  readonly role: readonly string[];
  readonly layers: Array<{ title: readonly string[]; items: string[] }>;
}

/** The SVG document of a model. */
export function renderTopologySvg(model: TopologyModel): string {
  const boxWidths = model.tiers.map(tier => tierBoxWidth(tier.machines, model.interfaceName));
  const widthOf = (placed: PlacedMachine) => boxWidths[placed.tierIndex];
  const gap = (previous: PlacedMachine, next: PlacedMachine) =>
    (previous.tierIndex === next.tierIndex ? BOX_GAP : 2 * FRAME_PAD + TIER_GAP);
  const rows = packRows(model, widthOf, gap, MAX_ROW - 2 * FRAME_PAD);

  const rowWidths = rows.map(row => row.reduce((sum, placed, i) => sum + widthOf(placed) + (i > 0 ? gap(row[i - 1], placed) : 0), 0) + 2 * FRAME_PAD);
  const width = Math.max(640, ...rowWidths) + 2 * MARGIN;
  const colours = new Map(roleOrder(model).map((role, i) => [role, PALETTE[i % PALETTE.length]]));

  // Header: title and notes, wrapped to the picture's width.
  const header: string[] = [];
  let y = MARGIN + 16;
  for (const line of wrapText(model.title, charsIn(width - 2 * MARGIN, 15))) {
    header.push(text(MARGIN, y, line, HEADER_TITLE_TEXT));
    y += 20;
  }
  for (const note of model.notes) {
    for (const line of wrapText(note, charsIn(width - 2 * MARGIN, 12))) {
      header.push(text(MARGIN, y, line, HEADER_NOTE_TEXT));
      y += 17;
    }
  }
  y += 12;

  const bars: string[] = [];
  // Per tier: its frames (drawn first, underneath) and its VMs.
  const tierFrames: string[][] = model.tiers.map(() => []);
  const tierMachines: string[][] = model.tiers.map(() => []);
  const captioned = new Set<number>();
  rows.forEach((row, rowIndex) => {
    const rowTop = y;
    const label = rowIndex === 0 ? model.network : `${model.network} (continued)`;
    bars.push(
      xmlElement('rect', { x: MARGIN, y: rowTop, width: width - 2 * MARGIN, height: BAR_HEIGHT, rx: 6, fill: '#edf2f7', stroke: MUTED, 'stroke-width': 1.5 }),
      text(width / 2, rowTop + 19.5, label, NETWORK_TEXT),
    );

    const boxTexts = row.map(placed => wrapBox(placed.machine, boxWidths[placed.tierIndex]));
    const height = Math.max(...boxTexts.map(boxHeight));
    const lefts: number[] = [];
    let x = MARGIN + FRAME_PAD;
    row.forEach((placed, i) => {
      if (i > 0) { x += gap(row[i - 1], placed); }
      lefts.push(x);
      x += boxWidths[placed.tierIndex];
    });
    row.forEach((placed, i) => {
      const boxWidth = boxWidths[placed.tierIndex];
      tierMachines[placed.tierIndex].push(drawMachine(placed.machine, boxTexts[i], lefts[i], rowTop, boxWidth, height, colours.get(placed.machine.role)!, model.interfaceName));
    });

    // One dashed frame per run of a tier's boxes, captioned under the boxes.
    const segments: Array<{ tierIndex: number; left: number; right: number; caption: readonly string[] }> = [];
    row.forEach((placed, i) => {
      const right = lefts[i] + boxWidths[placed.tierIndex];
      const last = segments[segments.length - 1];
      if (last && last.tierIndex === placed.tierIndex) {
        last.right = right;
      } else {
        segments.push({ tierIndex: placed.tierIndex, left: lefts[i], right, caption: [] });
      }
    });
    for (const segment of segments) {
      const tier = model.tiers[segment.tierIndex];
      const caption = captioned.has(segment.tierIndex) ? `${tier.name} (continued)` : tier.caption;
      captioned.add(segment.tierIndex);
      segment.caption = wrapText(caption, charsIn(segment.right - segment.left, CAPTION.size));
    }
    const captionLines = Math.max(...segments.map(segment => segment.caption.length));
    const bottom = rowTop + BOX_TOP + height + CAPTION.first + (captionLines - 1) * CAPTION.line + FRAME_BELOW;
    for (const segment of segments) {
      tierFrames[segment.tierIndex].push(tierFrame(segment.caption, segment.left, segment.right, rowTop, height, bottom));
    }
    y = bottom + ROW_GAP;
  });
  const canvasHeight = y - ROW_GAP + MARGIN;

  // The tier groups hold a piece per VM: the document is joined once, at the end (see xmlElementPieces).
  const body: Array<string | string[]> = [
    xmlElement('title', {}, [xmlText(model.title)]),
    xmlElement('desc', {}, [xmlText(model.notes.join('. '))]),
    xmlElement('rect', { width: '100%', height: '100%', fill: '#ffffff' }),
    xmlElement('g', { id: 'header' }, header),
    xmlElement('g', { id: 'network' }, bars),
    ...model.tiers.map((tier, i) => xmlElementPieces('g', { 'id': `tier-${xmlId(tier.name)}`, 'class': 'tier', 'data-tier': tier.name }, [...tierFrames[i], ...tierMachines[i]])),
  ];
  const svg = xmlElementPieces('svg', {
    'xmlns': 'http://www.w3.org/2000/svg',
    'width': width,
    'height': canvasHeight,
    'viewBox': `0 0 ${formatNumber(width)} ${formatNumber(canvasHeight)}`,
    'font-family': FONT_FAMILY,
    'role': 'img',
  }, [...body.flatMap(element => ['\n', element]), '\n']);
  return ['<?xml version="1.0" encoding="UTF-8"?>\n', ...svg, '\n'].join('');
}

/** How many characters of a font size fit in a width. */
function charsIn(width: number, size: number): number {
  return Math.max(4, Math.floor(width / (size * CHAR_EM)));
}

function textWidth(length: number, size: number): number {
  return length * size * CHAR_EM;
}

/** One width for every box of a tier: the widest text (or the address label), within MIN_BOX..MAX_BOX. */
function tierBoxWidth(machines: TopologyMachine[], interfaceName: string): number {
  let widest = 0;
  for (const machine of machines) {
    widest = Math.max(widest,
      textWidth(machine.name.length, NAME.size),
      textWidth(machine.role.length, ROLE.size),
      textWidth(pillLabel(interfaceName, machine).length, PILL.size) + 16 - 2 * BOX_PAD);
    for (const layer of machine.layers) {
      widest = Math.max(widest, textWidth(layer.title.length, TITLE.size),
        ...layer.items.map(item => ITEM_INDENT + textWidth(item.length, ITEM.size)));
    }
  }
  return Math.ceil(Math.min(MAX_BOX, Math.max(MIN_BOX, widest + 2 * BOX_PAD)));
}

function wrapBox(machine: TopologyMachine, boxWidth: number): BoxText {
  const inner = boxWidth - 2 * BOX_PAD;
  return {
    name: wrapText(machine.name, charsIn(inner, NAME.size)),
    role: wrapText(machine.role, charsIn(inner, ROLE.size)),
    layers: machine.layers.map((layer: TopologyLayer) => ({
      title: wrapText(layer.title, charsIn(inner, TITLE.size)),
      items: layer.items.flatMap(item => wrapText(item, charsIn(inner - ITEM_INDENT, ITEM.size), true)),
    })),
  };
}

function headerHeight(box: BoxText): number {
  return 8 + box.name.length * NAME.line + box.role.length * ROLE.line + 6;
}

function layerHeight(layer: { title: readonly string[]; items: string[] }): number {
  return 6 + layer.title.length * TITLE.line + layer.items.length * ITEM.line + 5;
}

function boxHeight(box: BoxText): number {
  return headerHeight(box) + box.layers.reduce((sum, layer) => sum + layerHeight(layer), 0);
}

function pillLabel(interfaceName: string, machine: TopologyMachine): string {
  return `${interfaceName} ${machine.ip}`;
}

/** A VM: its drop line from the bar with the address label, and its box. */
function drawMachine(
  machine: TopologyMachine, box: BoxText, x: number, rowTop: number, boxWidth: number, height: number,
  [stroke, fill]: [string, string], interfaceName: string,
): string {
  const centre = x + boxWidth / 2;
  const top = rowTop + BOX_TOP;
  const label = pillLabel(interfaceName, machine);
  const pillWidth = textWidth(label.length, PILL.size) + 16;
  const parts: string[] = [
    xmlElement('title', {}, [xmlText(`${machine.name} ${machine.ip} ${machine.role}`)]),
    xmlElement('line', { x1: centre, y1: rowTop + BAR_HEIGHT, x2: centre, y2: top, stroke: MUTED, 'stroke-width': 1.5 }),
    xmlElement('rect', {
      x: centre - pillWidth / 2, y: rowTop + PILL_CENTRE - PILL.height / 2, width: pillWidth, height: PILL.height,
      rx: PILL.height / 2, fill: '#ffffff', stroke: MUTED,
    }),
    text(centre, rowTop + PILL_CENTRE + 3.5, label, PILL_TEXT),
  ];

  // Header band with rounded top corners, then the outline over it.
  const band = headerHeight(box);
  const r = 6;
  const right = x + boxWidth;
  parts.push(
    xmlElement('rect', { x, y: top, width: boxWidth, height, rx: r, fill: '#ffffff' }),
    xmlElement('path', {
      d: `M${formatNumber(x)} ${formatNumber(top + band)}V${formatNumber(top + r)}Q${formatNumber(x)} ${formatNumber(top)} ${formatNumber(x + r)} ${formatNumber(top)}`
        + `H${formatNumber(right - r)}Q${formatNumber(right)} ${formatNumber(top)} ${formatNumber(right)} ${formatNumber(top + r)}V${formatNumber(top + band)}Z`,
      fill,
    }),
  );
  let ty = top + 8;
  for (const line of box.name) {
    ty += NAME.line;
    parts.push(text(x + BOX_PAD, ty - 4, line, NAME_TEXT));
  }
  for (const line of box.role) {
    ty += ROLE.line;
    parts.push(text(x + BOX_PAD, ty - 4, line, ROLE_TEXT.get(stroke)!));
  }

  // Layers top down; the last one sits at the bottom, so that it lines up across the row.
  let layerTop = top + band;
  box.layers.forEach((layer, i) => {
    if (i === box.layers.length - 1) {
      layerTop = top + height - layerHeight(layer);
    }
    parts.push(xmlElement('line', { x1: x, y1: layerTop, x2: right, y2: layerTop, stroke: i === 0 ? stroke : RULE }));
    let ly = layerTop + 6;
    for (const line of layer.title) {
      ly += TITLE.line;
      parts.push(text(x + BOX_PAD, ly - 4, line, TITLE_TEXT));
    }
    for (const line of layer.items) {
      ly += ITEM.line;
      parts.push(text(x + BOX_PAD + ITEM_INDENT, ly - 4, line, ITEM_TEXT));
    }
    layerTop += layerHeight(layer);
  });
  parts.push(xmlElement('rect', { x, y: top, width: boxWidth, height, rx: r, fill: 'none', stroke, 'stroke-width': 1.5 }));
  return xmlElement('g', { 'id': `vm-${xmlId(machine.name)}`, 'class': 'vm', 'data-name': machine.name, 'data-ip': machine.ip }, parts);
}

/** The dashed frame around a run of a tier's boxes on one row, captioned below the boxes. */
function tierFrame(caption: readonly string[], left: number, right: number, rowTop: number, height: number, bottom: number): string {
  const top = rowTop + FRAME_TOP;
  const captionTop = rowTop + BOX_TOP + height + CAPTION.first;
  return xmlElement('g', { class: 'tier-frame' }, [
    xmlElement('rect', {
      'x': left - FRAME_PAD, 'y': top, 'width': right - left + 2 * FRAME_PAD, 'height': bottom - top, 'rx': 10,
      'fill': 'none', 'stroke': '#a0aec0', 'stroke-dasharray': '6 4',
    }),
    ...caption.map((line, i) => text(left, captionTop + i * CAPTION.line, line, CAPTION_TEXT)),
  ]);
}

/** How a `<text>` looks: its attributes after `x` and `y`, as markup. */
interface TextStyle {
  readonly attributes: string;
}

function textStyle(look: { size: number; fill: string; weight?: string; anchor?: 'middle' | 'end'; cls?: string }): TextStyle {
  return { attributes: xmlAttributes({ 'font-size': look.size, 'font-weight': look.weight, 'text-anchor': look.anchor, 'fill': look.fill, 'class': look.cls }) };
}

/** `<text x y …style>content</text>`: as `xmlElement` writes it, with the style's attributes written once. */
function text(x: number, y: number, content: string, style: TextStyle): string {
  return `<text x="${formatNumber(x)}" y="${formatNumber(y)}"${style.attributes}>${xmlText(content)}</text>`;
}

/** An XML Name usable in an id: other characters become `_`. */
function xmlId(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]/g, '_');
}
