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
  const problems: string[] = [];
  const copied = copyPlain(props, [], [], problems);
  return { props: (copied === UNREADABLE ? undefined : copied) as T, problems };
}

/** Marks a value left out of the copy. */
const UNREADABLE = Symbol('unreadable');

/**
 * A copy of `value` at `place`, or UNREADABLE after a problem. `ancestors` holds the plain
 * objects and arrays being copied above it, and their places, to find a value that refers back.
 */
function copyPlain(value: unknown, place: Array<string | number>, ancestors: Array<{ value: object; place: Array<string | number> }>, problems: string[]): unknown {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) { return value; }
  if (typeof value === 'function') { return value; }
  const unreadable = (error: unknown, at = place): typeof UNREADABLE => {
    problems.push(`${where(at)} can't be read (${reasonOf(error)}); expected plain data: objects, arrays, strings, numbers, booleans`);
    return UNREADABLE;
  };
  let isArray: boolean;
  let prototype: object | null;
  try {
    isArray = Array.isArray(value);
    prototype = Object.getPrototypeOf(value) as object | null;
  } catch (error) {
    return unreadable(error);
  }
  if (!isArray && prototype !== Object.prototype && prototype !== null) { return value; } // an instance of a class: kept as it is
  const ancestor = ancestors.find(entry => entry.value === value);
  if (ancestor) {
    problems.push(`${where(place)} refers back to ${ancestor.place.length === 0 ? 'the props themselves' : where(ancestor.place)}, `
      + 'so it has no end; expected plain data without cycles');
    return UNREADABLE;
  }
  ancestors.push({ value, place });
  try {
    if (isArray) {
      let length: number;
      try {
        length = (value as unknown[]).length;
      } catch (error) {
        return unreadable(error);
      }
      const items: unknown[] = [];
      for (let index = 0; index < length; index++) {
        let copy: unknown;
        try {
          copy = copyPlain((value as unknown[])[index], [...place, index], ancestors, problems);
        } catch (error) {
          copy = unreadable(error, [...place, index]);
        }
        items.push(copy === UNREADABLE ? undefined : copy); // the items after it keep their places
      }
      return items;
    }
    let keys: string[];
    try {
      keys = Object.keys(value);
    } catch (error) {
      return unreadable(error);
    }
    const copied: Record<string, unknown> = Object.create(prototype) as Record<string, unknown>;
    for (const key of keys) {
      let item: unknown;
      try {
        item = (value as Record<string, unknown>)[key];
      } catch (error) {
        unreadable(error, [...place, key]);
        continue;
      }
      const copy = copyPlain(item, [...place, key], ancestors, problems);
      if (copy !== UNREADABLE) {
        // defineProperty, not assignment: a key named __proto__ stays a key, as it was in the props.
        Object.defineProperty(copied, key, { value: copy, enumerable: true, writable: true, configurable: true });
      }
    }
    return copied;
  } finally {
    ancestors.pop();
  }
}

/** `labels.team`, `taints[0].key`; `the props` at the top. */
function where(place: ReadonlyArray<string | number>): string {
  if (place.length === 0) { return 'the props'; }
  return place.reduce<string>((at, key) => typeof key === 'number' ? `${at}[${key}]` : at === '' ? key : `${at}.${key}`, '');
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
