// str.encode(encoding, errors) as CPython does it, for the codecs text-mode makefile() files
// write: UTF-8/16/32, ASCII, Latin-1 and single-byte charmaps; every error handler (namereplace
// without Unicode's names: as backslashreplace), and CPython's UnicodeEncodeError texts.
import { LookupError, UnicodeEncodeError, charEscape } from "./errors.js";
import { charmap, codecName } from "./_codec.js";

const encoder = new TextEncoder();

/** A surrogate not in a pair (in `u` mode a pair is one code point). */
const LONE_SURROGATE = /\p{Cs}/u;
const isSurrogate = (cp: number): boolean => cp >= 0xd800 && cp <= 0xdfff;

/** One codec: the bytes of an encodable code point appended to `out` (false if it has none). */
interface Codec {
  /** The name CPython's errors use (`'charmap'` for table codecs). */
  name: string;
  /** Why a character cannot be encoded. */
  reason: string;
  /** Each unencodable character is its own error (CPython's UTF-16/32), not a run of them. */
  single: boolean;
  /** The bytes of an encodable code point, else null. */
  put(cp: number, out: number[]): boolean;
  /** A Unicode codec (surrogatepass applies). */
  unicode: boolean;
}

function unit(out: number[], v: number, size: 2 | 4, le: boolean): void {
  for (let i = 0; i < size; i++) out.push((v >>> (8 * (le ? i : size - 1 - i))) & 0xff);
}

function utf8(cp: number, out: number[]): void {
  if (cp < 0x80) out.push(cp);
  else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
  else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
  else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
}

function codec(name: string): Codec {
  const surrogates = "surrogates not allowed";
  if (name === "utf-8" || name === "utf-8-sig")
    return { name: "utf-8", reason: surrogates, single: false, unicode: true, put: (cp, out) => !isSurrogate(cp) && (utf8(cp, out), true) };
  const wide = /^utf-(16|32)-(le|be)$/.exec(name);
  if (wide !== null) {
    const le = wide[2] === "le";
    const size = wide[1] === "16" ? 2 : 4;
    return {
      name,
      reason: surrogates,
      single: true,
      unicode: true,
      put(cp, out) {
        if (isSurrogate(cp)) return false;
        if (size === 4) unit(out, cp, 4, le);
        else if (cp < 0x10000) unit(out, cp, 2, le);
        else {
          unit(out, 0xd800 + ((cp - 0x10000) >> 10), 2, le);
          unit(out, 0xdc00 + ((cp - 0x10000) & 0x3ff), 2, le);
        }
        return true;
      },
    };
  }
  if (name === "ascii" || name === "latin-1") {
    const limit = name === "ascii" ? 0x80 : 0x100;
    return { name, reason: `ordinal not in range(${limit})`, single: false, unicode: false, put: (cp, out) => cp < limit && (out.push(cp), true) };
  }
  const table = charmap(name); // LookupError for an unknown encoding (checked when the file was made)
  return {
    name: "charmap",
    reason: "character maps to <undefined>",
    single: false,
    unicode: false,
    put(cp, out) {
      const b = table.get(cp);
      return b !== undefined && (out.push(b), true);
    },
  };
}

function encodeError(c: Codec, s: string, start: number, end: number): UnicodeEncodeError {
  return new UnicodeEncodeError(c.name, s, start, end, c.reason);
}

/** Put what the error handler gives for the unencodable `cps[start:end]` into `out`; false if the error stands. */
function replace(c: Codec, cps: number[], start: number, end: number, errors: string, out: number[]): boolean {
  const run = cps.slice(start, end);
  let text = "";
  switch (errors) {
    case "strict":
      return false;
    case "ignore":
      return true;
    case "replace":
      text = "?".repeat(run.length);
      break;
    case "xmlcharrefreplace":
      for (const cp of run) text += `&#${cp};`;
      break;
    case "backslashreplace":
    case "namereplace": // (no Unicode character names here: escaped as backslashreplace does)
      for (const cp of run) text += charEscape(cp);
      break;
    case "surrogateescape":
      // U+DC80..U+DCFF are the bytes 0x80..0xFF a surrogateescape decode could not decode.
      if (c.name.startsWith("utf-16") || c.name.startsWith("utf-32")) return false;
      if (!run.every((cp) => cp >= 0xdc80 && cp <= 0xdcff)) return false;
      for (const cp of run) out.push(cp - 0xdc00);
      return true;
    case "surrogatepass":
      if (!c.unicode || !run.every(isSurrogate)) return false;
      for (const cp of run) {
        if (c.name === "utf-8") utf8(cp, out);
        else unit(out, cp, c.name.startsWith("utf-16") ? 2 : 4, c.name.endsWith("le"));
      }
      return true;
    default:
      throw new LookupError(`unknown error handler name '${errors}'`);
  }
  for (const ch of text) c.put(ch.charCodeAt(0), out);
  return true;
}

/** `s` if it encodes to UTF-8 (CPython's "s" argument format). @throws UnicodeEncodeError for a lone surrogate. */
export function utf8Arg(s: string): string {
  if (LONE_SURROGATE.test(s)) encodeText(s, "utf-8", "strict");
  return s;
}

/** Like `s.encode(encoding, errors)`. @throws UnicodeEncodeError (a `ValueError`) as CPython's; LookupError. */
export function encodeText(s: string, encoding: string, errors: string): Uint8Array {
  const name = codecName(encoding);
  // The common case: well-formed text to UTF-8.
  if ((name === "utf-8" || name === "utf-8-sig") && !LONE_SURROGATE.test(s)) return encoder.encode(s);
  const c = codec(name);
  const cps = Array.from(s, (ch) => ch.codePointAt(0)!);
  const out: number[] = [];
  for (let i = 0; i < cps.length; ) {
    if (c.put(cps[i]!, out)) {
      i++;
      continue;
    }
    let end = i + 1;
    if (!c.single) while (end < cps.length && !c.put(cps[end]!, [])) end++;
    if (!replace(c, cps, i, end, errors, out)) throw encodeError(c, s, i, end);
    i = end;
  }
  return new Uint8Array(out);
}
