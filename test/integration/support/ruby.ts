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

/**
 * {@link psychLoad} with Ruby's one extension to YAML 1.1 undone: Psych reads a plain scalar
 * that starts with a colon, such as kube-vip's `prometheus_server` value `:2112`, as a Ruby
 * Symbol, where YAML 1.1 and the go-yaml of the kubelet read the string `:2112`. Here such a
 * Symbol becomes that string again; every other value is read as psychLoad reads it.
 */
export async function psychLoadPlainScalars(files: string[]): Promise<Record<string, unknown>> {
  const script = 'require "yaml"; require "json"; '
    + 'plain = ->(v) { case v when Symbol then ":#{v}" when Hash then v.to_h { |k, x| [plain.(k), plain.(x)] } when Array then v.map(&plain) else v end }; '
    + '$stdout.write(JSON.generate(ARGV.to_h { |f| [f, plain.(YAML.safe_load(File.read(f), permitted_classes: [Symbol], aliases: false))] }))';
  const result = await run('ruby', ['-e', script, ...files]);
  expect(result.code, output(result)).to.equal(0);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}
