// The fenced code blocks of a Markdown text (README.md's snippets).

/** A fenced code block. */
export interface Block {
  readonly language: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly text: string;
}

/** The fenced code blocks of a Markdown text. */
export function codeBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w+)\s*$/.exec(lines[i]);
    if (!open) { continue; }
    const end = lines.indexOf('```', i + 1);
    blocks.push({ language: open[1], line: i + 1, text: lines.slice(i + 1, end).join('\n') + '\n' });
    i = end;
  }
  return blocks;
}
