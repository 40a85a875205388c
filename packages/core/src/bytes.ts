// Python `bytes` for received data: a Uint8Array that prints as b'...' and has decode().
import { type DecodeErrors, decodeBytes } from "./_codec.js";
import { encodeOut } from "./_copy.js";

const HEX = "0123456789abcdef";

/** Python's repr of bytes: `b'hello\n'`. */
export function bytesRepr(b: Uint8Array): string {
  let hasSingle = false;
  let hasDouble = false;
  for (let i = 0; i < b.length; i++) {
    if (b[i] === 0x27) hasSingle = true;
    else if (b[i] === 0x22) hasDouble = true;
  }
  const q = hasSingle && !hasDouble ? '"' : "'";
  let s = "b" + q;
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c === 0x5c) s += "\\\\";
    else if (c === 0x09) s += "\\t";
    else if (c === 0x0a) s += "\\n";
    else if (c === 0x0d) s += "\\r";
    else if (c === 0x27 && q === "'") s += "\\'";
    else if (c < 0x20 || c >= 0x7f) s += "\\x" + HEX[c >> 4] + HEX[c & 15];
    else s += String.fromCharCode(c);
  }
  return s + q;
}


/**
 * Bytes received from a socket: a real `Uint8Array` that also behaves like Python's `bytes`
 * where JavaScript lets it: `${data}` gives `b'hello'`, `data.decode()` gives `'hello'`.
 */
export class PyBytes extends Uint8Array {
  /**
   * Like Python's `bytes.decode(encoding="utf-8", errors="strict")`.
   * @param encoding Python's codec names (`"utf-8"`, `"utf-8-sig"`, `"utf-16-le"`, `"latin-1"`, `"ascii"`, `"cp1252"` …)
   *   and any other label `TextDecoder` knows; a byte order mark is kept as U+FEFF, as in Python.
   * @param errors `"strict"` (throw on bad input), `"replace"` (U+FFFD), `"ignore"`, `"backslashreplace"`, `"surrogateescape"`.
   * @throws UnicodeDecodeError (a `ValueError`, with CPython's text and fields) for undecodable bytes in strict
   *   mode; LookupError for an unknown encoding or error handler.
   */
  decode(encoding = "utf-8", errors: DecodeErrors = "strict"): string {
    return decodeBytes(this, encoding, errors);
  }

  /** Python's `repr(data)` / `str(data)`: `b'hello'`. */
  override toString(): string {
    return bytesRepr(this);
  }

  /** Python's `bytes.hex([sep[, bytes_per_sep]])`: `sep` every `bytes_per_sep` bytes (from the right; negative: the left). */
  hex(sep?: string, bytesPerSep = 1): string {
    let s = "";
    const n = this.length;
    const k = Math.abs(bytesPerSep);
    for (let i = 0; i < n; i++) {
      if (sep && i > 0 && k > 0 && (bytesPerSep > 0 ? (n - i) % k === 0 : i % k === 0)) s += sep;
      s += HEX[this[i]! >> 4]! + HEX[this[i]! & 15]!;
    }
    return s;
  }

  /** So `console.log(data)` and Node's inspect show Python's repr too. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return bytesRepr(this);
  }
}

/**
 * `b` as a `PyBytes`, no copy. `b` must be owned by core (an adapter's chunk, or a view or
 * copy core made): its prototype is switched rather than a new view built, because reading
 * `b.buffer` makes Bun materialize an ArrayBuffer per chunk (~0.3 µs, bench/overhead.ts).
 */
export function asPyBytes(b: Uint8Array): PyBytes {
  return Object.setPrototypeOf(b, PyBytes.prototype) as PyBytes;
}

const EMPTY_BUF = new ArrayBuffer(0);
/** A fresh empty `b''`. */
export function emptyBytes(): PyBytes {
  return new PyBytes(EMPTY_BUF, 0, 0);
}


/**
 * An int argument as CPython checks it (a bool is an int).
 * @throws TypeError `'str' object cannot be interpreted as an integer`
 */
export function intArg(v: unknown, what = "integer"): number {
  if (typeof v === "boolean") return Number(v);
  if (typeof v === "bigint") return Number(v); // a Python int too (range checks follow)
  if (typeof v !== "number" || !Number.isInteger(v))
    throw new TypeError(`'${pyTypeName(v)}' object cannot be interpreted as an ${what}`);
  return v;
}

/**
 * A host name argument as CPython converts it: a str, or bytes (decoded).
 * @throws TypeError `gethostbyname() argument 1 must be str, bytes or bytearray, not int`
 */
export function hostArg(v: unknown, fname: string): string {
  const s = typeof v === "string" ? v : v instanceof Uint8Array ? decodeBytes(v, "utf-8", "replace") : null;
  if (s !== null) {
    if (s.includes("\0")) throw new TypeError(`${fname}() argument 1 must be encoded string without null bytes, not ${pyTypeName(v)}`);
    return s;
  }
  throw new TypeError(`${fname}() argument 1 must be str, bytes or bytearray, not ${argTypeName(v)}`);
}

/** The type in CPython's "argument must be …, not X" errors: `None` itself, else the type's name. */
export function argTypeName(v: unknown): string {
  return v === null || v === undefined ? "None" : pyTypeName(v);
}

/** Python's name for a JavaScript value's type, for error texts. */
export function pyTypeName(v: unknown): string {
  if (v === null || v === undefined) return "NoneType";
  if (typeof v === "string") return "str";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "float";
  if (typeof v === "bigint") return "int";
  if (Array.isArray(v)) return "tuple";
  if (v instanceof Uint8Array) return "bytes";
  if (typeof v === "function") return "function";
  return "dict";
}

/**
 * Data accepted by send/sendall/sendto: any `ArrayBufferView` (as bytes), or a string (UTF-8).
 * @throws TypeError `a bytes-like object is required, not 'int'` for anything else.
 */
export function toBytes(data: unknown): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (typeof data === "string") return encodeOut(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  throw new TypeError(`a bytes-like object is required, not '${Array.isArray(data) ? "list" : pyTypeName(data)}'`);
}

/** The parts as one array (the part itself when there is one). */
export function join(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    all.set(p, off);
    off += p.length;
  }
  return all;
}
