// Text-mode makefile() reads, as io.TextIOWrapper: with newline=None `\r\n` and `\r` read as
// `\n`; `''` ends lines at any of them untranslated; `'\n'`, `'\r'`, `'\r\n'` end lines only
// there. Sizes count characters. Only the bytes that make up the result are taken from the
// socket's queue, so recv() after a text readline() still loses nothing.
import { type DecodeErrors, decodeBytes, utf8Unit } from "./_codec.js";
import { PyTuple } from "./_repr.js";

export const LF = 10;
export const CR = 13;

/** TextIOWrapper's `newline`: `null` (universal, translated), `""`, `"\n"`, `"\r"`, `"\r\n"`. */
export type Newline = null | "" | "\n" | "\r" | "\r\n";


/** A UTF-16 or UTF-32 stream's code units: their size and byte order. */
export interface Wide {
  unit: 2 | 4;
  le: boolean;
}

/** The code unit of `w` at `b[i]` (its bytes must be there). */
function unitAt(b: Uint8Array, i: number, w: Wide): number {
  if (w.unit === 2) return w.le ? b[i]! | (b[i + 1]! << 8) : (b[i]! << 8) | b[i + 1]!;
  return w.le
    ? (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0
    : ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;
}

/**
 * Walk at most `max` characters of `b` (as `newline` reads them: universal `\r\n` is one).
 * Stops before a character whose bytes are not all there, and before a `\r` that ends `b`
 * unless `final` (its `\n` may still come); with `toNewline`, right after the first line end.
 * `wide`: the text is UTF-16 or UTF-32 (else one byte per unit, UTF-8 when `utf8`).
 * @returns [bytes, characters, whether the walk ended right after a line end].
 */
export function walk(
  b: Uint8Array,
  max: number,
  utf8: boolean,
  final: boolean,
  newline: Newline,
  toNewline = false,
  wide: Wide | null = null,
): [number, number, boolean] {
  const step = wide === null ? 1 : wide.unit;
  let i = 0;
  let m = 0;
  const pairs = newline === null || newline === "" || newline === "\r\n"; // a \r may pair with \n
  while (m < max && i + step <= b.length) {
    const x = wide === null ? b[i]! : unitAt(b, i, wide);
    let len = step;
    let chars = 1;
    let ends: boolean;
    if (x === CR && pairs) {
      const more = i + 2 * step <= b.length;
      if (!more && !final) break; // its \n may still come
      const crlf = more && (wide === null ? b[i + 1] : unitAt(b, i + step, wide)) === LF;
      if (crlf) {
        len = 2 * step;
        chars = newline === null ? 1 : 2;
        if (m + chars > max) [len, chars] = [step, 1]; // a limit between \r and \n
      }
      ends = len === 2 * step || newline !== "\r\n";
    } else {
      if (utf8 && x >= 0x80) {
        // One character, or one invalid sequence (decoded as one U+FFFD, or an error).
        const u = utf8Unit(b, i);
        if (u === 0 && !final) break; // the rest of the character may still come
        len = u > 0 ? u : u < 0 ? -u : b.length - i;
      } else if (step === 2 && x >= 0xd800 && x <= 0xdbff) {
        // A surrogate pair is one character.
        if (i + 4 > b.length) {
          if (!final) break;
        } else {
          const low = unitAt(b, i + 2, wide!);
          if (low >= 0xdc00 && low <= 0xdfff) len = 4;
        }
      }
      ends = (x === LF && newline !== "\r" && newline !== "\r\n") || (x === CR && newline === "\r");
    }
    i += len;
    m += chars;
    if (toNewline && ends) return [i, m, true];
  }
  return [i, m, false];
}

/** Decode `b` as text (Python's `errors`), translating line ends when `newline` is null. */
export function decodeText(b: Uint8Array, encoding: string, errors: DecodeErrors, newline: Newline): string {
  const s = decodeBytes(b, encoding, errors);
  return newline === null ? translateNewlines(s) : s;
}

/** Universal newlines: `\r\n` and `\r` read as `\n`. */
export function translateNewlines(s: string): string {
  return s.includes("\r") ? s.replace(/\r\n?/g, "\n") : s;
}

/** The kinds of line end in `s` (Python's IncrementalNewlineDecoder): 1 `\r`, 2 `\n`, 4 `\r\n`. */
export function newlineKinds(s: string): number {
  let seen = 0;
  let i = s.indexOf("\r");
  if (i < 0) return s.includes("\n") ? 2 : 0; // (a line read in "\n" mode: the common case)
  for (; i >= 0; i = s.indexOf("\r", i + 1)) seen |= s.charCodeAt(i + 1) === LF ? 4 : 1;
  if (/(?:^|[^\r])\n/.test(s)) seen |= 2;
  return seen;
}

/** TextIOWrapper's `newlines` for the kinds seen: null, one string, or a tuple in CPython's order. */
export function newlinesValue(seen: number): string | string[] | null {
  const kinds = (["\r", "\n", "\r\n"] as const).filter((_, i) => seen & (1 << i));
  return kinds.length === 0 ? null : kinds.length === 1 ? kinds[0]! : (PyTuple.from(kinds) as string[]); // prints ('\r', '\n')
}

/** Is `encoding` UTF-8 (characters of 1–4 bytes) rather than one byte per character? */
export function isUtf8(encoding: string): boolean {
  const e = encoding.toLowerCase().replace(/[-_]/g, "");
  return e === "utf8" || e === "unicode11utf8";
}
