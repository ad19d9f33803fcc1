import { placeOf } from './describe-value';

/**
 * Props as a public constructor keeps them: a copy of their plain data, taken once, so that
 * validation and rendering read values that hold still and can always be read.
 *
 * Plain objects (prototype Object or none) and arrays are copied, at any depth; everything else
 * (constructs, a `SystemdUnit`, a `ClusterProfile`, a Date) is kept as the same object. What
 * cannot be copied is left out of the copy and becomes a problem, with its place: a value that
 * refers back to itself (a copy would never end), and one whose reading throws (a getter, a
 * revoked proxy, a proxy's trap). A constructor reports those problems at validation, instead of
 * the constructor or the checks after it throwing a TypeError or a RangeError.
 */
export interface PlainProps<T> {
  /** The copy: what the props held, less what could not be read. */
  readonly props: T;
  /** One per value left out, e.g. `labels.team can't be read (...)`; empty for ordinary props. */
  readonly problems: string[];
}

/** Copies the plain data of `props`; see {@link PlainProps}. */
export function plainProps<T>(props: T): PlainProps<T> {
  const walk = new PlainCopy();
  const copied = walk.copy(props);
  return { props: (copied === UNREADABLE ? undefined : copied) as T, problems: walk.problems };
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
  private readonly keys: Array<string | number> = [];
  private readonly ancestors: object[] = [];

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
    if (!isArray && prototype !== Object.prototype && prototype !== null) { return value; } // an instance of a class: kept as it is
    const depth = this.ancestors.indexOf(value);
    if (depth >= 0) {
      this.problems.push(`${where(this.keys)} refers back to ${depth === 0 ? 'the props themselves' : where(this.keys.slice(0, depth))}, `
        + 'so it has no end; expected plain data without cycles');
      return UNREADABLE;
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
    for (const key of keys) {
      this.keys.push(key);
      let copy: unknown;
      try {
        copy = this.copy((object as Record<string, unknown>)[key]);
      } catch (error) {
        copy = this.unreadable(error);
      }
      this.keys.pop();
      if (copy === UNREADABLE) { continue; }
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
    this.problems.push(`${where(this.keys)} can't be read (${reasonOf(error)}); expected plain data: objects, arrays, strings, numbers, booleans`);
    return UNREADABLE;
  }
}

/** `labels.team`, `taints[0].key`; `the props` at the top. */
function where(place: ReadonlyArray<string | number>): string {
  if (place.length === 0) { return 'the props'; }
  return placeOf(place);
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
