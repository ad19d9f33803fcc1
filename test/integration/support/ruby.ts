// Has the real Ruby evaluate source text, in one process per call.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { output, run } from './tools';

let programs = 0;

/**
 * Evaluates each Ruby literal and returns the values as JSON reads them
 * (symbols become strings). One Ruby start for all of them.
 */
export async function evaluateRubyLiterals(folder: string, literals: string[]): Promise<unknown[]> {
  const program = path.join(folder, `literals-${++programs}.rb`);
  fs.writeFileSync(program, [
    '# encoding: utf-8',
    'require "json"',
    'values = [',
    ...literals.map(literal => `  ${literal},`),
    ']',
    '$stdout.write(JSON.generate(values))',
    '',
  ].join('\n'));
  const result = await run('ruby', [program]);
  expect(result.code, output(result)).to.equal(0);
  return JSON.parse(result.stdout) as unknown[];
}

/**
 * Reads YAML files with Ruby's Psych (a YAML 1.1 reader, like the go-yaml of
 * coreos-cloudinit and the kubelet) and returns `{ file: value }`.
 */
export async function psychLoad(files: string[]): Promise<Record<string, unknown>> {
  const script = 'require "yaml"; require "json"; '
    + '$stdout.write(JSON.generate(ARGV.to_h { |f| [f, YAML.safe_load(File.read(f), aliases: false)] }))';
  const result = await run('ruby', ['-e', script, ...files]);
  expect(result.code, output(result)).to.equal(0);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}
