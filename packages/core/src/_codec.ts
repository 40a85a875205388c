// bytes.decode(encoding, errors) and str.encode(encoding, errors) as Python does them: strict
// (Unicode*Error with CPython's text), replace (U+FFFD per bad sequence when decoding, as both
// CPython and TextDecoder count them; "?" when encoding), ignore.
import { LookupError, UnicodeDecodeError, UnicodeEncodeError } from "./errors.js";

/** Python's decode error handlers that polysock knows; others act as `"replace"`. */
export type DecodeErrors = "strict" | "replace" | "ignore" | (string & {});

const decoders = new Map<string, TextDecoder>();

function decoder(label: string, fatal: boolean): TextDecoder {
  const key = label + (fatal ? ":strict" : ":replace");
  let d = decoders.get(key);
  if (d === undefined) {
    d = new TextDecoder(label, { fatal });
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

function isUtf8Label(label: string): boolean {
  return label === "utf-8" || label === "utf8" || label === "unicode-1-1-utf-8";
}

/** Python's codec names for the labels handled here without TextDecoder. */
function codecName(encoding: string): string {
  const e = encoding.toLowerCase().replace(/_/g, "-");
  if (e === "utf8" || e === "utf-8" || e === "u8") return "utf-8";
  if (e === "latin-1" || e === "latin1" || e === "iso-8859-1" || e === "iso8859-1" || e === "l1") return "latin-1";
  if (e === "ascii" || e === "us-ascii") return "ascii";
  if (e === "utf-16" || e === "utf-16-le" || e === "utf-16le") return "utf-16-le";
  if (e === "utf-16-be" || e === "utf-16be") return "utf-16-be";
  return e;
}

/** Throws Python's `LookupError: unknown encoding: x` unless `encoding` can be decoded and encoded. */
export function checkEncoding(encoding: string): void {
  const name = codecName(encoding);
  if (name === "utf-8" || name === "latin-1" || name === "ascii" || name.startsWith("utf-16")) return;
  try {
    charmap(name);
  } catch {
    throw new LookupError(`unknown encoding: ${encoding}`);
  }
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
function charmap(name: string): Map<number, number> {
  let m = charmaps.get(name);
  if (m !== undefined) return m;
  const text = charset(name);
  m = new Map();
  for (let i = 255; i >= 0; i--) if (text.charCodeAt(i) !== 0xfffd) m.set(text.charCodeAt(i), i);
  charmaps.set(name, m);
  return m;
}

const encoder = new TextEncoder();

/** Python's repr of one character in an encode error: `'\xe9'`, `'\u20ac'`, `'\U0001f600'`. */
function charRepr(cp: number): string {
  const hex = cp.toString(16);
  return cp < 0x100 ? `'\\x${hex.padStart(2, "0")}'` : cp < 0x10000 ? `'\\u${hex.padStart(4, "0")}'` : `'\\U${hex.padStart(8, "0")}'`;
}

/** Like `s.encode(encoding, errors)`. @throws UnicodeEncodeError (a `ValueError`) in strict mode; LookupError. */
export function encodeText(s: string, encoding: string, errors: DecodeErrors): Uint8Array {
  const name = codecName(encoding);
  if (name === "utf-8") return encoder.encode(s);
  if (name.startsWith("utf-16")) {
    const out = new Uint8Array(s.length * 2);
    const view = new DataView(out.buffer);
    for (let i = 0; i < s.length; i++) view.setUint16(2 * i, s.charCodeAt(i), name === "utf-16-le");
    return out;
  }
  const limit = name === "ascii" ? 0x80 : name === "latin-1" ? 0x100 : -1;
  const table = limit < 0 ? charmap(name) : null;
  const out: number[] = [];
  let pos = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    const b = table === null ? (cp < limit ? cp : undefined) : table.get(cp);
    if (b !== undefined) out.push(b);
    else if (errors === "strict") {
      const why = table === null ? `ordinal not in range(${limit})` : "character maps to <undefined>";
      const codec = table === null ? name : "charmap";
      throw new UnicodeEncodeError(`'${codec}' codec can't encode character ${charRepr(cp)} in position ${pos}: ${why}`);
    } else if (errors !== "ignore") out.push(0x3f); // "?"
    pos++;
  }
  return new Uint8Array(out);
}

/** Like `b.decode(encoding, errors)`. @throws UnicodeDecodeError (a ValueError) in strict mode. */
export function decodeBytes(b: Uint8Array, encoding: string, errors: DecodeErrors): string {
  const enc = encoding.toLowerCase().replace("_", "-");
  if (enc === "ascii") {
    for (let i = 0; i < b.length; i++) {
      if (b[i]! <= 0x7f) continue;
      if (errors === "strict")
        throw new UnicodeDecodeError(`'ascii' codec can't decode byte 0x${b[i]!.toString(16)} in position ${i}: ordinal not in range(128)`);
      let s = "";
      for (const c of b) s += c <= 0x7f ? String.fromCharCode(c) : errors === "ignore" ? "" : "\ufffd";
      return s;
    }
  }
  if (codecName(enc) === "latin-1" || enc === "ascii") {
    // ISO-8859-1 byte for byte (TextDecoder's "latin1" is windows-1252); ascii was checked above.
    let out = "";
    for (let i = 0; i < b.length; i += 8192) out += String.fromCharCode(...b.subarray(i, i + 8192));
    return out;
  }
  if (isCp1252(codecName(enc))) return decodeCp1252(b, encoding, errors);
  const label = enc;
  if (errors !== "strict" && errors !== "ignore") return decoder(label, false).decode(b);
  try {
    return decoder(label, true).decode(b);
  } catch {
    if (!isUtf8Label(label)) {
      if (errors === "ignore") return decoder(label, false).decode(b).replaceAll("\ufffd", "");
      throw new UnicodeDecodeError(`'${encoding}' codec can't decode bytes: invalid data`);
    }
  }
  if (errors === "strict") {
    const [start, end, reason] = utf8Error(b, 0)!;
    const where = end - start > 1 ? `bytes in position ${start}-${end - 1}` : `byte 0x${b[start]!.toString(16).padStart(2, "0")} in position ${start}`;
    throw new UnicodeDecodeError(`'${encoding}' codec can't decode ${where}: ${reason}`);
  }
  // ignore: decode the good spans between bad sequences.
  const utf8 = decoder("utf-8", true);
  let s = "";
  for (let at = 0; ; ) {
    const bad = utf8Error(b, at);
    s += utf8.decode(b.subarray(at, bad === null ? b.length : bad[0]));
    if (bad === null) return s;
    at = bad[1];
  }
}

/** cp1252 as Python's codec: 0x81, 0x8D, 0x8F, 0x90, 0x9D undefined. */
function decodeCp1252(b: Uint8Array, encoding: string, errors: DecodeErrors): string {
  const table = charset("cp1252");
  let out = "";
  for (let i = 0; i < b.length; i++) {
    const ch = table[b[i]!]!;
    if (ch !== "\ufffd") out += ch;
    else if (errors === "strict")
      throw new UnicodeDecodeError(`'charmap' codec can't decode byte 0x${b[i]!.toString(16)} in position ${i}: character maps to <undefined>`);
    else if (errors !== "ignore") out += ch;
  }
  return out;
}
