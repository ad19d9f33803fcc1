import { placeOf } from './describe-value';

/**
 * Props as a public constructor keeps them: a copy of their plain data, taken once, so that
 * validation and rendering read values that hold still and can always be read.
 *
 * Plain objects (prototype Object, of any realm, or none; their own enumerable string keys) and
 * arrays are copied, down to {@link MAX_DEPTH} levels; everything else (constructs, a `SystemdUnit`,
 * a `ClusterProfile`, a Date) is kept as the same object, and so are the props named `live`
 * (an object that stands in for an interface, such as a profile, read when it is used). What
 * cannot be copied is left out of the copy and becomes a problem, with its place: a value that
 * refers back to itself (a copy would never end), one nested deeper than MAX_DEPTH, and one whose
 * reading throws (a getter, a revoked proxy, a proxy's trap). A constructor reports those problems
 * at validation, with its other ones, instead of the constructor or the checks after it throwing a
 * TypeError or a RangeError.
 */
export interface PlainProps<T> {
  /** The copy: what the props held, less what could not be read. */
  readonly props: T;
  /** One per value left out, e.g. `labels.team can't be read (...)`; empty for ordinary props. */
  readonly problems: string[];
  /**
   * These problems, then `others` (the checks of the copy) less those about a place the copy
   * left out, which would only say again that it is missing: what a construct reports.
   */
  report(others: readonly string[]): string[];
  /** `others` less those about a place the copy left out: for a second check of the same props. */
  withoutEchoes(others: readonly string[]): string[];
}

/** How deep plain data may nest: far more than any props, cloud-config or manifest needs, and far less than the stack holds. */
export const MAX_DEPTH = 100;

/** How {@link plainProps} copies. */
export interface PlainPropsOptions {
  /** Top-level props kept as the same value, not copied. */
  readonly live?: readonly string[];
  /** What the value is called in problems, e.g. `machines`; by default places start at its keys (`labels.team`). */
  readonly name?: string;
  /** Leaves out the keys of objects whose value is undefined, as JSON and YAML do (data to be written as YAML). */
  readonly omitUndefined?: boolean;
}

/** Copies the plain data of `props`; see {@link PlainProps}. */
export function plainProps<T>(props: T, options: PlainPropsOptions = {}): PlainProps<T> {
  const walk = new PlainCopy(options.live ?? [], options.name, options.omitUndefined ?? false);
  const copied = walk.copy(props);
  const { problems, leftOut } = walk;
  const withoutEchoes = (others: readonly string[]): string[] => (leftOut.length === 0 ? [...others] : others.filter(problem => !isEcho(problem, leftOut)));
  return {
    props: (copied === UNREADABLE ? undefined : copied) as T,
    problems,
    report: others => [...problems, ...withoutEchoes(others)],
    withoutEchoes,
  };
}

/**
 * Whether a problem only says that a place left out is not there: `<place> is ...` (`containers[0]
 * is undefined; ...`), or `is missing '<key>'` with the place's key (`is missing 'etcd'`, `labels is
 * missing 'team'`). A place of '' is the whole value, whose top-level keys are all missing. Anything
 * else, even about a place inside one left out, is a problem of its own.
 */
function isEcho(problem: string, leftOut: readonly string[]): boolean {
  const missing = /^(?:(.+) )?is missing '([^']*)'$/.exec(problem);
  const place = missing ? (missing[1] ? `${missing[1]}.${missing[2]}` : missing[2]) : undefined;
  return leftOut.some(out => (out === '' ? missing !== null && missing[1] === undefined : place === out || problem.startsWith(`${out} is `)));
}

/**
 * Whether an object with this prototype is plain data: none, Object's, or Object's of another
 * realm (a vm context, a test runner's sandbox), which has no prototype itself.
 */
export function isPlainPrototype(prototype: object | null): boolean {
  if (prototype === null || prototype === Object.prototype) { return true; }
  try {
    const constructor = (prototype as { constructor?: unknown }).constructor;
    return Object.getPrototypeOf(prototype) === null && typeof constructor === 'function' && constructor.name === 'Object';
  } catch {
    return false;
  }
}

/** Marks a value left out of the copy. */
const UNREADABLE = Symbol('unreadable');

/**
 * One copy of a value. It keeps its place as a stack of keys, and the objects and arrays being
 * copied above it as a stack too (to find a value that refers back): a place is written only for a
 * problem, since props of a whole cluster are copied on every tree built.
 */
class PlainCopy {
  public readonly problems: string[] = [];
  /** The places left out, in full (`containers[0]`; '' for the whole value when it has no name). */
  public readonly leftOut: string[] = [];
  private readonly keys: Array<string | number> = [];
  private readonly ancestors: object[] = [];

  constructor(private readonly live: readonly string[], private readonly name: string | undefined, private readonly omitUndefined: boolean) {}

  /** A copy of `value` at the current place, or UNREADABLE after a problem. */
  public copy(value: unknown): unknown {
    if (value === null || typeof value !== 'object') { return value; } // functions too: kept as they are
    let isArray: boolean;
    let prototype: object | null;
    try {
      isArray = Array.isArray(value);
      prototype = Object.getPrototypeOf(value) as object | null;
    } catch (error) {
      return this.unreadable(error);
    }
    if (!isArray && !isPlainPrototype(prototype)) { return value; } // an instance of a class: kept as it is
    const depth = this.ancestors.indexOf(value);
    if (depth >= 0) {
      this.problems.push(`${this.where(this.keys)} refers back to ${depth === 0 ? this.name ?? 'the props themselves' : this.where(this.keys.slice(0, depth))}, `
        + 'so it has no end; expected plain data without cycles');
      return this.leaveOut();
    }
    if (this.keys.length >= MAX_DEPTH) {
      this.problems.push(`${this.where(this.keys)} is nested more than ${MAX_DEPTH} levels deep; expected plain data at most ${MAX_DEPTH} levels deep`);
      return this.leaveOut();
    }
    this.ancestors.push(value);
    try {
      return isArray ? this.copyArray(value as unknown[]) : this.copyObject(value, prototype);
    } finally {
      this.ancestors.pop();
    }
  }

  private copyArray(array: unknown[]): unknown {
    let length: number;
    try {
      length = array.length;
    } catch (error) {
      return this.unreadable(error);
    }
    const items: unknown[] = new Array<unknown>(length);
    for (let index = 0; index < length; index++) {
      this.keys.push(index);
      let copy: unknown;
      try {
        copy = this.copy(array[index]);
      } catch (error) {
        copy = this.unreadable(error);
      }
      items[index] = copy === UNREADABLE ? undefined : copy; // the items after it keep their places
      this.keys.pop();
    }
    return items;
  }

  private copyObject(object: object, prototype: object | null): unknown {
    let keys: string[];
    try {
      keys = Object.keys(object);
    } catch (error) {
      return this.unreadable(error);
    }
    const copied: Record<string, unknown> = prototype === null ? Object.create(null) as Record<string, unknown> : {};
    const top = this.keys.length === 0;
    for (const key of keys) {
      this.keys.push(key);
      let copy: unknown;
      try {
        const item = (object as Record<string, unknown>)[key];
        copy = top && this.live.includes(key) ? item : this.copy(item);
      } catch (error) {
        copy = this.unreadable(error);
      }
      this.keys.pop();
      if (copy === UNREADABLE || (copy === undefined && this.omitUndefined)) { continue; }
      if (key === '__proto__') {
        // defineProperty, not assignment: a key named __proto__ stays a key, as it was in the props.
        Object.defineProperty(copied, key, { value: copy, enumerable: true, writable: true, configurable: true });
      } else {
        copied[key] = copy;
      }
    }
    return copied;
  }

  private unreadable(error: unknown): typeof UNREADABLE {
    this.problems.push(`${this.where(this.keys)} can't be read (${reasonOf(error)}); expected plain data: objects, arrays, strings, numbers, booleans`);
    return this.leaveOut();
  }

  /** Records the current place as left out of the copy. */
  private leaveOut(): typeof UNREADABLE {
    this.leftOut.push(placeOf(this.keys, this.name));
    return UNREADABLE;
  }

  /** `labels.team`, `taints[0].key`, after the value's name if it has one; the first and last keys of a deep place. */
  private where(keys: ReadonlyArray<string | number>): string {
    if (keys.length === 0) { return this.name ?? 'the props'; }
    return keys.length <= 12 ? placeOf(keys, this.name) : `${placeOf(keys.slice(0, 6), this.name)}...${placeOf(keys.slice(-3))}`;
  }
}

/** The first line of what a read threw, never itself a throw. */
function reasonOf(error: unknown): string {
  try {
    const message = error instanceof Error ? error.message : String(error);
    return message.split('\n')[0].slice(0, 120);
  } catch {
    return 'an error that cannot be printed';
  }
}
