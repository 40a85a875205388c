// Text-mode makefile() reads, as io.TextIOWrapper with newline=None: `\r\n` and `\r` read as
// `\n`, and sizes count characters. Only the bytes that make up the result are taken from
// the socket's queue, so recv() after a text readline() still loses nothing.
import { PyBytes } from "./bytes.js";

export const LF = 10;
export const CR = 13;

/** Bytes in the UTF-8 character that starts with `lead` (1 for a stray byte: decoding reports it). */
function utf8Len(lead: number): number {
  return lead < 0xc0 ? 1 : lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
}

/**
 * Walk at most `max` characters of `b` (universal newlines: `\r\n` is one). Stops before a
 * character whose bytes are not all there, and before a `\r` that ends `b` unless `final`
 * (its `\n` may still come); with `toNewline`, right after the first line end.
 * @returns [bytes, characters].
 */
export function walk(b: Uint8Array, max: number, utf8: boolean, final: boolean, toNewline = false): [number, number] {
  let i = 0;
  let m = 0;
  while (m < max && i < b.length) {
    const x = b[i]!;
    const len = x === CR ? (i + 1 < b.length ? (b[i + 1] === LF ? 2 : 1) : final ? 1 : 0) : utf8 ? utf8Len(x) : 1;
    if (len === 0 || i + len > b.length) break;
    i += len;
    m += 1;
    if (toNewline && (x === CR || x === LF)) break;
  }
  return [i, m];
}

/** Decode `b` as text (strict, Python's errors) with universal newlines. */
export function decodeText(b: Uint8Array, encoding: string): string {
  const s = PyBytes.prototype.decode.call(b as PyBytes, encoding);
  return s.includes("\r") ? s.replace(/\r\n?/g, "\n") : s;
}

/** Is `encoding` UTF-8 (characters of 1–4 bytes) rather than one byte per character? */
export function isUtf8(encoding: string): boolean {
  const e = encoding.toLowerCase().replace(/[-_]/g, "");
  return e === "utf8" || e === "unicode11utf8";
}
