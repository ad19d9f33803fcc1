/**
 * systemd unit files as value objects. Text is built by the escaping helpers
 * below, never by pasting strings together.
 * @see https://www.freedesktop.org/software/systemd/man/systemd.syntax.html
 */
import { describeValue, quoteHint } from '../synth/describe-value';

/** A command line for `ExecStart=` and friends: an absolute program and its arguments. */
export class ExecCommand {
  /**
   * `program arg1 arg2 ...`; each argument is escaped for systemd. The program may carry
   * systemd's prefixes, e.g. `-/usr/bin/docker` (a failure is ignored).
   */
  public static of(program: string, ...args: string[]): ExecCommand {
    return new ExecCommand(program, args);
  }

  private constructor(public readonly program: string, private readonly _args: string[]) {}

  /** The arguments, without the program. */
  public get args(): string[] {
    return [...this._args];
  }

  /**
   * The command line. A long one is split into `\`-continued lines: each `--flag`
   * starts a line, and so does an argument that follows one; short flags keep their
   * values (`-m 0700`) on their line.
   */
  public render(): string {
    const words = [this.program, ...this._args].map(escapeExecArg);
    const oneLine = words.join(' ');
    if (oneLine.length <= MAX_LINE) { return oneLine; }
    let out = words[0];
    this._args.forEach((arg, i) => {
      const previous = i === 0 ? undefined : this._args[i - 1];
      const breakBefore = arg.startsWith('--') || (!arg.startsWith('-') && previous?.startsWith('--'));
      out += (breakBefore ? ' \\\n  ' : ' ') + words[i + 1];
    });
    return out;
  }
}

/** Longest command rendered on one line. */
const MAX_LINE = 100;

/** The sections we write: systemd's for services, plus fleet's `[X-Fleet]`. */
export const UNIT_SECTIONS = ['Unit', 'Service', 'Install', 'X-Fleet'];

/** A directive value: plain text, or a command line. */
export type DirectiveValue = string | ExecCommand;

/** One `[Section]` of a unit, with its directives in order. */
export interface UnitSection {
  /** Section name without brackets, e.g. `Service`. */
  readonly name: string;
  /** `Key=value` pairs, in order; a key may repeat. */
  readonly directives: ReadonlyArray<readonly [string, DirectiveValue]>;
}

/** A whole unit or drop-in file. */
export class SystemdUnit {
  /** A unit with these sections, in order. */
  public static of(...sections: UnitSection[]): SystemdUnit {
    return new SystemdUnit(sections);
  }

  private constructor(private readonly _sections: UnitSection[]) {}

  /** The sections, in order. */
  public get sections(): UnitSection[] {
    return this._sections.map(section => ({ name: section.name, directives: [...section.directives] }));
  }

  /** The values of every `key` in section `name`, in order. */
  public values(name: string, key: string): DirectiveValue[] {
    return this._sections.filter(s => s.name === name).flatMap(s => s.directives.filter(([k]) => k === key).map(([, v]) => v));
  }

  /** A copy with one more section at the end. */
  public withSection(section: UnitSection): SystemdUnit {
    return new SystemdUnit([...this._sections, section]);
  }

  /**
   * What would make the rendered text wrong: unknown sections, malformed keys,
   * multi-line values, relative programs, empty arguments. Empty when valid.
   */
  public problems(): string[] {
    const problems: string[] = [];
    this._sections.forEach((section: Partial<UnitSection> | null, index) => {
      // Sections and directives come from user code: a malformed one is a problem, never a TypeError below.
      if (section === null || typeof section !== 'object' || typeof section.name !== 'string' || !Array.isArray(section.directives)) {
        problems.push(`section ${index + 1} is ${describeValue(section)}; expected { name: 'Service', directives: [['Restart', 'always'], ...] }`);
        return;
      }
      if (!UNIT_SECTIONS.includes(section.name)) {
        problems.push(`section [${section.name}] is unknown; expected one of ${UNIT_SECTIONS.join(', ')}`);
      }
      for (const directive of section.directives as unknown[]) {
        if (!Array.isArray(directive) || directive.length !== 2) {
          problems.push(`[${section.name}] directive ${describeValue(directive)} is not a [key, value] pair; expected one such as ['Restart', 'always']`);
          continue;
        }
        const [key, value] = directive as [unknown, unknown];
        if (typeof key !== 'string' || !/^[A-Z][A-Za-z0-9]*$/.test(key)) {
          problems.push(`[${section.name}] key ${describeValue(key)} is malformed; expected a systemd directive name such as ExecStart`);
          continue;
        }
        if (typeof value !== 'string' && !(value instanceof ExecCommand)) {
          problems.push(`[${section.name}] ${key} is ${describeValue(value)}; expected a string${quoteHint(value)} or an ExecCommand`);
          continue;
        }
        if (value instanceof ExecCommand && [value.program, ...value.args].some(part => typeof part !== 'string')) {
          problems.push(`[${section.name}] ${key} runs ${describeValue(value.program)} with ${describeValue(value.args)}; expected a program and arguments that are strings`);
          continue;
        }
        const parts = typeof value === 'string' ? [value] : [value.program, ...value.args];
        if (parts.some(part => /[\r\n]/.test(part))) {
          problems.push(`[${section.name}] ${key} has a line break in ${describeValue(parts.join(' '))}; expected one line`);
        }
        if (typeof value !== 'string' && (!/^[-@:+!]*\/\S+$/.test(value.program) || value.args.some(arg => arg.length === 0))) {
          problems.push(`[${section.name}] ${key} runs ${describeValue(value.program)} with ${value.args.length} argument(s); `
            + 'expected an absolute program path and non-empty arguments');
        }
      }
    });
    return problems;
  }

  /** The unit file text: sections separated by a blank line, LF endings, final newline. */
  public render(): string {
    return this._sections.map(section => [
      `[${section.name}]`,
      ...section.directives.map(([key, value]) => `${key}=${typeof value === 'string' ? escapeDirectiveValue(value) : value.render()}`),
    ].join('\n')).join('\n\n') + '\n';
  }
}

/**
 * Escapes a plain directive value: it must be one line, and a `%` is doubled
 * because systemd expands `%` specifiers in most directives.
 */
export function escapeDirectiveValue(value: string): string {
  if (/[\r\n]/.test(value)) {
    throw new Error(`systemd directive values are single lines; got ${describeValue(value)}`);
  }
  return value.replace(/%/g, '%%');
}

/**
 * Escapes one `Exec*=` argument so that systemd passes exactly `arg`:
 * `%` is doubled, `$` is doubled unless it starts a `${NAME}` environment
 * reference (kept on purpose, e.g. `--address=${COREOS_PUBLIC_IPV4}`), and an
 * argument with spaces, quotes or backslashes is quoted: in single quotes
 * when it has no `'` or `\`, else in double quotes with C escapes.
 * @see https://www.freedesktop.org/software/systemd/man/systemd.service.html#Command%20lines
 */
export function escapeExecArg(arg: string): string {
  if (/[\r\n]/.test(arg) || arg.length === 0) {
    throw new Error(`systemd command arguments are non-empty single lines; got ${describeValue(arg)}`);
  }
  const escaped = arg
    .replace(/%/g, '%%')
    .replace(/\$(?!\{[A-Za-z_][A-Za-z0-9_]*\})/g, '$$$$');
  if (!/[\s"'\\;]/.test(escaped)) {
    return escaped;
  }
  if (!/['\\]/.test(escaped)) {
    return `'${escaped}'`; // single quotes need no escapes inside
  }
  return '"' + escaped.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
}
