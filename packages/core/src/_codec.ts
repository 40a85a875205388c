// bytes.decode(encoding, errors) as Python does it: strict (UnicodeDecodeError with CPython's
// text), replace (U+FFFD per bad sequence, as both CPython and TextDecoder count them), ignore.
import { UnicodeDecodeError } from "./errors.js";

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
  const label = enc === "ascii" || enc === "latin-1" || enc === "iso-8859-1" ? "latin1" : enc;
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
