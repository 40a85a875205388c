// bytes.decode(encoding, errors) as Python does it: strict (UnicodeDecodeError with CPython's
// text), replace (U+FFFD per bad sequence, as both CPython and TextDecoder count them), ignore,
// and the other handlers; the codec names and tables _encode.ts shares.
import { LookupError, UnicodeDecodeError } from "./errors.js";

/** Python's decode error handlers that polysock knows; others raise `LookupError`, as CPython's unknown ones do. */
export type DecodeErrors = "strict" | "replace" | "ignore" | (string & {});

const decoders = new Map<string, TextDecoder>();
let utf8Strict: TextDecoder | undefined;
let utf8Replace: TextDecoder | undefined;

function decoder(label: string, fatal: boolean): TextDecoder {
  const key = label + (fatal ? ":strict" : ":replace");
  let d = decoders.get(key);
  if (d === undefined) {
    // ignoreBOM: a leading byte order mark stays U+FEFF, as Python's utf-8/utf-16-le/-be keep it.
    d = new TextDecoder(label, { fatal, ignoreBOM: true });
    decoders.set(key, d);
  }
  return d;
}

/**
 * The UTF-8 unit at `b[i]` (`b[i]` must exist): its length (1–4) when it is a valid character,
 * `-k` for an invalid sequence of `k` bytes (decoders replace it with one U+FFFD), or `0`
 * when the bytes so far are valid but `b` ends before the character does.
 */
export function utf8Unit(b: Uint8Array, i: number): number {
  const x = b[i]!;
  if (x < 0x80) return 1;
  const need = x >= 0xc2 && x <= 0xdf ? 1 : x >= 0xe0 && x <= 0xef ? 2 : x >= 0xf0 && x <= 0xf4 ? 3 : 0;
  if (need === 0) return -1;
  // The second byte's range is narrower after some leads (no overlongs, surrogates, > U+10FFFF).
  const lo = x === 0xe0 ? 0xa0 : x === 0xf0 ? 0x90 : 0x80;
  const hi = x === 0xed ? 0x9f : x === 0xf4 ? 0x8f : 0xbf;
  for (let k = 1; k <= need; k++) {
    if (i + k >= b.length) return 0;
    const y = b[i + k]!;
    if (k === 1 ? y < lo || y > hi : y < 0x80 || y > 0xbf) return -k;
  }
  return need + 1;
}

/** The first bad UTF-8 sequence of `b` from `from`: [start, end (exclusive), reason], or null. */
function utf8Error(b: Uint8Array, from: number): [number, number, string] | null {
  for (let i = from; i < b.length; ) {
    const n = utf8Unit(b, i);
    if (n > 0) i += n;
    else if (n === 0) return [i, b.length, "unexpected end of data"];
    else return [i, i - n, b[i]! < 0xc2 || b[i]! > 0xf4 ? "invalid start byte" : "invalid continuation byte"];
  }
  return null;
}

/** The first bad UTF-16 unit of `b` from `from` (even), as CPython's codec reports it, or null. */
function utf16Error(b: Uint8Array, from: number, le: boolean): [number, number, string] | null {
  const unit = (i: number): number => (le ? b[i]! | (b[i + 1]! << 8) : (b[i]! << 8) | b[i + 1]!);
  for (let i = from; i < b.length; i += 2) {
    if (i + 2 > b.length) return [i, b.length, "truncated data"];
    const u = unit(i);
    if (u >= 0xd800 && u <= 0xdbff) {
      if (i + 4 > b.length) return [i, b.length, "unexpected end of data"];
      const v = unit(i + 2);
      if (v < 0xdc00 || v > 0xdfff) return [i, i + 2, "illegal UTF-16 surrogate"];
      i += 2;
    } else if (u >= 0xdc00 && u <= 0xdfff) return [i, i + 2, "illegal encoding"];
  }
  return null;
}

function isUtf8Label(label: string): boolean {
  return label === "utf-8" || label === "utf8" || label === "unicode-1-1-utf-8";
}

/** Python's aliases of its `ascii` codec (lower case, `_` as `-`). */
const ASCII_LABELS = new Set(["ascii", "us-ascii", "646", "ansi-x3.4-1968", "ansi-x3-4-1968", "ansi-x3.4-1986", "cp367", "csascii", "ibm367", "iso646-us", "iso-646.irv:1991", "iso-ir-6", "us"]);

/** Python's codec names for the labels handled here without TextDecoder. */
export function codecName(encoding: string): string {
  const e = encoding.toLowerCase().replace(/_/g, "-");
  if (e === "utf8" || e === "utf-8" || e === "u8") return "utf-8";
  if (e === "utf-8-sig" || e === "utf8-sig") return "utf-8-sig";
  if (e === "latin-1" || e === "latin1" || e === "iso-8859-1" || e === "iso8859-1" || e === "l1") return "latin-1";
  if (ASCII_LABELS.has(e)) return "ascii";
  if (e === "utf-16" || e === "utf-16-le" || e === "utf-16le") return "utf-16-le";
  if (e === "utf-16-be" || e === "utf-16be") return "utf-16-be";
  if (e === "utf-32" || e === "utf32" || e === "u32" || e === "utf-32-le" || e === "utf-32le") return "utf-32-le";
  if (e === "utf-32-be" || e === "utf-32be") return "utf-32-be";
  return e;
}

/**
 * The UTF-16/UTF-32 codecs, which text-mode files read in 2- or 4-byte units: their unit and
 * byte order (`null`: from the byte order mark that starts the stream, else little-endian,
 * as Python's `utf-16`/`utf-32` codecs); `null` for byte-oriented encodings.
 */
export function wideCodec(encoding: string): { unit: 2 | 4; le: boolean | null } | null {
  const e = encoding.toLowerCase().replace(/_/g, "-");
  const m = /^(?:utf-?(16|32)(?:-?(le|be))?|u(16|32))$/.exec(e);
  if (m === null) return null;
  const unit = (m[1] ?? m[3]) === "16" ? 2 : 4;
  return { unit, le: m[2] === undefined ? null : m[2] === "le" };
}

/** The byte order mark of `wide` at the start of `b`: true (little-endian), false (big), or null. */
export function byteOrderMark(b: Uint8Array, unit: 2 | 4): boolean | null {
  if (unit === 2) return b[0] === 0xff && b[1] === 0xfe ? true : b[0] === 0xfe && b[1] === 0xff ? false : null;
  if (b[0] === 0xff && b[1] === 0xfe && b[2] === 0 && b[3] === 0) return true;
  return b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff ? false : null;
}

/** UTF-32 as Python's codec: [start, end] of each bad unit (out of range, surrogate, truncated). */
function decodeUtf32(b: Uint8Array, from: number, le: boolean, errors: DecodeErrors): string {
  const name = le ? "utf-32-le" : "utf-32-be"; // also for `utf-32`, as CPython reports it
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let out = "";
  let i = from;
  while (i < b.length) {
    const end = Math.min(i + 4, b.length);
    let why = "truncated data";
    if (end - i === 4) {
      const cp = view.getUint32(i, le);
      if (cp < 0x110000 && (cp < 0xd800 || cp > 0xdfff)) {
        out += String.fromCodePoint(cp);
        i += 4;
        continue;
      }
      why = cp >= 0x110000 ? "code point not in range(0x110000)" : "code point in surrogate code point range(0xd800, 0xe000)";
    }
    const esc = errors === "surrogateescape" ? escapeHigh(b, i, end) : 0;
    if (errors === "strict" || (errors === "surrogateescape" && esc === 0)) throw decodeError(name, b, i, end, why);
    if (esc > 0) {
      for (let k = i; k < i + esc; k++) out += String.fromCharCode(0xdc00 + b[k]!);
      i += esc; // decoding resumes after the escaped bytes, as CPython's handler says
      continue;
    }
    out += replacement(b, i, end, String(errors));
    i = end;
  }
  return out;
}

/** Throws Python's `LookupError: unknown encoding: x` unless `encoding` can be decoded (and, if `write`, encoded). */
export function checkEncoding(encoding: string, write = true): void {
  const name = codecName(encoding);
  if (name === "utf-8" || name === "utf-8-sig" || name === "latin-1" || name === "ascii" || name.startsWith("utf-16") || name.startsWith("utf-32")) return;
  try {
    charmap(name);
    return;
  } catch {
    // not a single-byte encoding
  }
  // A reader needs a decoder only (the WHATWG encodings: shift_jis, gbk, euc-kr, big5, …).
  if (!write) decodeCodec(encoding); // LookupError for an unknown one
  else throw new LookupError(`unknown encoding: ${encoding}`);
}

/** cp1252's 0x80–0x9F (0: undefined in Python's codec); the rest is Latin-1. Node's TextDecoder lacks it. */
const CP1252_HIGH = [
  0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
  0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
];
const isCp1252 = (name: string): boolean => name === "cp1252" || name === "windows-1252";

/** The 256 characters of a single-byte encoding ("\ufffd" where a byte is undefined). */
function charset(name: string): string {
  if (isCp1252(name)) {
    let t = "";
    for (let i = 0; i < 256; i++) t += String.fromCharCode(i >= 0x80 && i < 0xa0 ? CP1252_HIGH[i - 0x80] || 0xfffd : i);
    return t;
  }
  const text = new TextDecoder(name).decode(new Uint8Array(256).map((_, i) => i)); // RangeError for an unknown label
  if (text.length !== 256) throw new RangeError(`not a single-byte encoding: ${name}`);
  return text;
}

/** A single-byte encoding's character → byte table (e.g. cp1252, koi8-r). */
const charmaps = new Map<string, Map<number, number>>();
export function charmap(name: string): Map<number, number> {
  let m = charmaps.get(name);
  if (m !== undefined) return m;
  const text = charset(name);
  m = new Map();
  for (let i = 255; i >= 0; i--) if (text.charCodeAt(i) !== 0xfffd) m.set(text.charCodeAt(i), i);
  charmaps.set(name, m);
  return m;
}

/** Decode error handlers CPython has (the encode-only ones raise on decoding, as there). */
const HANDLERS = new Set(["strict", "replace", "ignore", "backslashreplace", "surrogateescape", "surrogatepass", "xmlcharrefreplace", "namereplace"]);

/** What replaces one bad sequence `b[start:end]` under `errors`. @throws LookupError, TypeError as CPython. */
/**
 * How many bytes CPython's surrogateescape handler escapes at `start` of a bad span ending at
 * `end`: the bytes from 0x80 there, at most 4 (decoding resumes after them); 0 when the first
 * is below 0x80, which it cannot escape (the decode error is raised).
 */
function escapeHigh(b: Uint8Array, start: number, end: number): number {
  let n = 0;
  while (n < 4 && start + n < end && b[start + n]! >= 0x80) n++;
  return n;
}

function replacement(b: Uint8Array, start: number, end: number, errors: string): string {
  if (errors === "replace") return "\ufffd";
  if (errors === "ignore") return "";
  let out = "";
  if (errors === "backslashreplace") for (let i = start; i < end; i++) out += `\\x${b[i]!.toString(16).padStart(2, "0")}`;
  else if (errors === "surrogateescape") for (let i = start; i < end; i++) out += String.fromCharCode(0xdc00 + b[i]!);
  else if (HANDLERS.has(errors)) throw new TypeError(`don't know how to handle UnicodeDecodeError in error callback`);
  else throw new LookupError(`unknown error handler name '${errors}'`);
  return out;
}

/** Python's bytes-to-bytes codecs (`codecs.decode()` only). */
const BYTES_CODECS = new Set(["hex", "base64", "zlib", "bz2", "quopri", "uu", "rot13", "rot-13"]);

/** Python's codec for a decode: its name, and the TextDecoder label that does the work. */
function decodeCodec(encoding: string): { name: string; label: string } {
  const e = encoding.toLowerCase().replace(/[_ ]/g, "-");
  switch (e) {
    case "utf-8": case "utf8": case "u8": case "utf": case "cp65001": case "utf8-ucs2": case "utf8-ucs4":
      return { name: "utf-8", label: "utf-8" };
    case "utf-8-sig": case "utf8-sig":
      return { name: "utf-8-sig", label: "utf-8" };
    case "utf-16-le": case "utf-16le": case "unicodelittleunmarked":
      return { name: "utf-16-le", label: "utf-16le" };
    case "utf-16-be": case "utf-16be": case "unicodebigunmarked":
      return { name: "utf-16-be", label: "utf-16be" };
    case "utf-16": case "utf16": case "u16":
      return { name: "utf-16", label: "utf-16le" };
    case "mac-roman": case "macroman": case "macintosh":
      return { name: "mac-roman", label: "macintosh" };
  }
  if (BYTES_CODECS.has(e)) throw new LookupError(`'${e}' is not a text encoding; use codecs.decode() to handle arbitrary codecs`);
  try {
    new TextDecoder(e);
  } catch {
    throw new LookupError(`unknown encoding: ${encoding}`);
  }
  return { name: e, label: e };
}

function decodeError(codec: string, b: Uint8Array, start: number, end: number, reason: string): UnicodeDecodeError {
  return new UnicodeDecodeError(codec, b, start, end, reason);
}

/** Like `b.decode(encoding, errors)`. @throws UnicodeDecodeError (a ValueError) in strict mode; LookupError. */
export function decodeBytes(b: Uint8Array, encoding: string, errors: DecodeErrors): string {
  // The common case first (a text makefile's every line): UTF-8 that decodes.
  if (encoding === "utf-8" && (errors === "strict" || errors === "replace")) {
    try {
      return (errors === "strict" ? (utf8Strict ??= decoder("utf-8", true)) : (utf8Replace ??= decoder("utf-8", false))).decode(b);
    } catch {
      // bad bytes: the general path says which
    }
  }
  const enc = encoding.toLowerCase().replace(/_/g, "-");
  const pyName = codecName(enc);
  if (pyName === "ascii") {
    for (let i = 0; i < b.length; i++) {
      if (b[i]! <= 0x7f) continue;
      let s = String.fromCharCode(...b.subarray(0, i));
      for (let j = i; j < b.length; j++) {
        const c = b[j]!;
        if (c <= 0x7f) s += String.fromCharCode(c);
        else if (errors === "strict") throw decodeError("ascii", b, j, j + 1, "ordinal not in range(128)");
        else s += replacement(b, j, j + 1, errors);
      }
      return s;
    }
  }
  if (pyName === "ascii" || pyName === "latin-1") {
    // ISO-8859-1 byte for byte (TextDecoder's "latin1" is windows-1252); ascii was checked above.
    let out = "";
    for (let i = 0; i < b.length; i += 8192) out += String.fromCharCode(...b.subarray(i, i + 8192));
    return out;
  }
  if (isCp1252(codecName(enc))) return decodeCp1252(b, errors);
  const wide = wideCodec(enc);
  if (wide !== null && wide.unit === 4) {
    // No TextDecoder decodes UTF-32. `utf-32` reads (and drops) a byte order mark.
    const bom = wide.le === null ? byteOrderMark(b, 4) : null;
    const le = wide.le ?? bom ?? true;
    HANDLERS.has(String(errors)) || replacement(b, 0, 0, String(errors)); // LookupError for an unknown handler
    return decodeUtf32(b, bom === null ? 0 : 4, le, errors);
  }
  const codec = decodeCodec(encoding);
  let name = codec.name;
  const label = codec.label;
  // Python keeps a byte order mark as U+FEFF, except the codecs that are about it.
  let data = b;
  let lbl = label;
  if (name === "utf-8-sig" && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) data = b.subarray(3);
  else if (name === "utf-16" && b[0] === 0xff && b[1] === 0xfe) data = b.subarray(2);
  else if (name === "utf-16" && b[0] === 0xfe && b[1] === 0xff) [data, lbl] = [b.subarray(2), "utf-16be"];
  if (name === "utf-16") name = lbl === "utf-16be" ? "utf-16-be" : "utf-16-le"; // how CPython's errors name it
  else if (name === "utf-8-sig") name = "utf-8";
  if (errors === "replace") return decoder(lbl, false).decode(data);
  try {
    return decoder(lbl, true).decode(data);
  } catch {
    // handled below
  }
  const utf16 = lbl === "utf-16le" || lbl === "utf-16be";
  if (lbl !== "utf-8" && !utf16) {
    if (errors === "strict") throw new UnicodeDecodeError(`'${name}' codec can't decode bytes: invalid data`);
    if (errors === "ignore") return decoder(lbl, false).decode(data).replaceAll("\ufffd", "");
    replacement(data, 0, 0, String(errors)); // LookupError for an unknown handler
    return decoder(lbl, false).decode(data);
  }
  // UTF-8, UTF-16: decode the good spans; each bad sequence as `errors` says.
  const good = decoder(lbl, true);
  const findBad = utf16 ? (d: Uint8Array, at: number) => utf16Error(d, at, lbl === "utf-16le") : utf8Error;
  let s = "";
  for (let at = 0; ; ) {
    const bad = findBad(data, at);
    s += good.decode(data.subarray(at, bad === null ? data.length : bad[0]));
    if (bad === null) return s;
    const [start, end, reason] = bad;
    // Positions count in the caller's bytes past a UTF-16 mark; utf-8-sig decodes what follows
    // its mark as utf-8, so there they count (and the error's object is) from after it.
    const sig = codec.name === "utf-8-sig";
    const off = sig ? 0 : data.byteOffset - b.byteOffset;
    const esc = errors === "surrogateescape" ? escapeHigh(data, start, end) : 0;
    if (errors === "strict" || (errors === "surrogateescape" && esc === 0)) throw decodeError(name, sig ? data : b, start + off, end + off, reason);
    if (esc > 0) {
      for (let k = start; k < start + esc; k++) s += String.fromCharCode(0xdc00 + data[k]!);
      at = start + esc; // decoding resumes after the escaped bytes, as CPython's handler says
      continue;
    }
    s += replacement(data, start, end, String(errors));
    at = end;
  }
}

/** cp1252 as Python's codec: 0x81, 0x8D, 0x8F, 0x90, 0x9D undefined. */
function decodeCp1252(b: Uint8Array, errors: DecodeErrors): string {
  const table = charset("cp1252");
  let out = "";
  for (let i = 0; i < b.length; i++) {
    const ch = table[b[i]!]!;
    if (ch !== "\ufffd") out += ch;
    else if (errors === "strict") throw decodeError("charmap", b, i, i + 1, "character maps to <undefined>");
    else out += errors === "replace" ? ch : replacement(b, i, i + 1, errors);
  }
  return out;
}
