// Python's repr of strings, tuples, lists and scalars; PyTuple and PyList, arrays that print like them.
// A leaf module: errors.ts needs it too.

/** Python's repr of a str: `'abc'`. */
export function strRepr(s: string): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = q;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === "\\") out += "\\\\";
    else if (ch === q) out += "\\" + q;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (c < 0x20 || c === 0x7f) out += "\\x" + c.toString(16).padStart(2, "0");
    else out += ch;
  }
  return out + q;
}

const INSPECT = Symbol.for("nodejs.util.inspect.custom");

/** Made-up addresses, one per object, for the objects CPython prints as `<… object at 0x…>`. */
const addresses = new WeakMap<object, number>();
let nextAddress = 0x5a3c00;

/** CPython's default repr of `obj`: `<${cls} object at 0x7f…>` (a stable made-up address). */
export function objectRepr(cls: string, obj: object): string {
  let a = addresses.get(obj);
  if (a === undefined) addresses.set(obj, (a = nextAddress++ * 16));
  return `<${cls} object at 0x7f${a.toString(16).padStart(10, "0")}>`;
}

/** Python's repr of a value inside a tuple. */
export function pyRepr(v: unknown): string {
  if (typeof v === "string") return strRepr(v);
  if (v === null || v === undefined) return "None";
  if (typeof v === "boolean") return v ? "True" : "False";
  if (v instanceof PyList) return listRepr(v);
  // (A named tuple, such as a SelectorKey, prints itself.)
  if (Array.isArray(v)) return Object.hasOwn(v, "toString") && v.toString !== printPair ? String(v) : tupleRepr(v);
  return String(v);
}

function listRepr(v: readonly unknown[]): string {
  return `[${v.map(pyRepr).join(", ")}]`;
}

function tupleRepr(v: readonly unknown[]): string {
  return v.length === 1 ? `(${pyRepr(v[0])},)` : `(${v.map(pyRepr).join(", ")})`;
}

/** An array that prints like a Python tuple: `${addr}` → `('127.0.0.1', 51234)`. */
export class PyTuple<T = unknown> extends Array<T> {
  /** Also true for a {@link pair}. */
  static override [Symbol.hasInstance](v: unknown): boolean {
    return Function.prototype[Symbol.hasInstance].call(this, v) || (this === PyTuple && Array.isArray(v) && (v as { toString: unknown }).toString === printPair);
  }
  override toString(): string {
    return tupleRepr(this);
  }
  [INSPECT](): string {
    return tupleRepr(this);
  }
}

/**
 * A Python-printing pair (recvfrom's `(data, address)` on every datagram, accept's): a plain
 * array with a tuple's `toString` and inspect hook, `instanceof PyTuple`. With PyTuple's
 * prototype V8's fast destructuring (`const [data, addr] = …`) no longer applies: a UDP echo
 * paid ~0.15 µs more per datagram on Node 20 (bench/overhead.ts). (`Object.keys` lists `toString`.)
 */
export function pair<A, B>(a: A, b: B): [A, B] {
  const t = [a, b] as [A, B] & { toString(): string; [INSPECT]: () => string };
  t.toString = printPair;
  t[INSPECT] = printPair;
  return t;
}

function printPair(this: unknown[]): string {
  return tupleRepr(this);
}

/** An array that prints like a Python list: `${await getaddrinfo(...)}` → `[(2, 1, 6, '', ('127.0.0.1', 80))]`. */
export class PyList<T = unknown> extends Array<T> {
  /** `map`, `filter` … return plain arrays. */
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
  override toString(): string {
    return listRepr(this);
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return listRepr(this);
  }
}

/** A Python-printing list of `items`. */
export function pyList<T>(items: Iterable<T>): PyList<T> {
  const l = new PyList<T>();
  for (const x of items) l.push(x);
  return l;
}
