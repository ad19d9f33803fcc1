/** A unit file read back: its sections with `[key, value]` pairs (continuations joined). */
export interface ParsedUnit {
  readonly sections: Array<{ name: string; directives: Array<[string, string]> }>;
  /** Syntax problems, each with its line number. */
  readonly problems: string[];
}

import { UNIT_SECTIONS } from '../../lib/formats/systemd-unit';

const KNOWN_SECTIONS = new Set(UNIT_SECTIONS);

/**
 * Reads unit text the way systemd does, strictly: every line is a comment, a
 * blank, a known `[Section]`, or `Key=value` inside a section; a trailing `\`
 * continues onto a following non-blank line.
 */
export function parseUnit(text: string): ParsedUnit {
  const sections: ParsedUnit['sections'] = [];
  const problems: string[] = [];
  const lines = text.split('\n');
  if (text.length > 0 && !text.endsWith('\n')) { problems.push('the file does not end with a newline'); }
  let current: ParsedUnit['sections'][number] | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const where = `line ${i + 1}`;
    if (line.includes('\r')) { problems.push(`${where}: carriage return; use LF line endings`); }
    if (line.trim() === '' || /^\s*[#;]/.test(line)) { continue; }
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) {
      if (!KNOWN_SECTIONS.has(header[1])) { problems.push(`${where}: unknown section [${header[1]}]`); }
      current = { name: header[1], directives: [] };
      sections.push(current);
      continue;
    }
    const directive = /^([A-Za-z][A-Za-z0-9-]*)=(.*)$/.exec(line);
    if (!directive) { problems.push(`${where}: '${line}' is not Key=value`); continue; }
    if (!current) { problems.push(`${where}: ${directive[1]}= comes before any [Section]`); continue; }
    let value = directive[2];
    while (value.endsWith('\\')) {
      const next = lines[i + 1];
      if (next === undefined || next.trim() === '' || /^\[/.test(next)) {
        problems.push(`${where}: stray '\\' continuation at the end of ${directive[1]}=`);
        value = value.slice(0, -1);
        break;
      }
      i++;
      value = value.slice(0, -1).trimEnd() + ' ' + next.trim();
    }
    current.directives.push([directive[1], value.trim()]);
  }
  return { sections, problems };
}
