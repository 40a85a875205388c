// inet_aton/inet_ntoa/inet_pton/inet_ntop and hton*/ntoh*, as CPython on Linux.
import { AF_INET, AF_INET6 } from "./constants.js";
import { OSError, OverflowError, ValueError, gaiError, oserror } from "./errors.js";
import { argTypeName, PyBytes, pyTypeName } from "./bytes.js";
import { cIntArg } from "./_args.js";
import { errno as E } from "./errno.js";
import { interfaceIndex } from "./interfaces.js";

/** Strict dotted-quad parse (inet_pton rules); `null` if not one. */
export function parseIPv4(s: string): Uint8Array | null {
  const parts = s.split(".");
  if (parts.length !== 4) return null;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    if (!/^\d{1,3}$/.test(p) || (p.length > 1 && p[0] === "0")) return null;
    const v = Number(p);
    if (v > 255) return null;
    out[i] = v;
  }
  return out;
}

/** IPv6 parse (inet_pton rules, embedded IPv4 allowed); `null` if not one. */
export function parseIPv6(s: string): Uint8Array | null {
  if (s.length === 0 || s.length > 45) return null;
  let tail: Uint8Array | null = null;
  let str = s;
  const lastColon = s.lastIndexOf(":");
  if (s.indexOf(".") !== -1) {
    tail = parseIPv4(s.slice(lastColon + 1));
    if (tail === null) return null;
    str = s.slice(0, lastColon + 1) + "0:0";
  }
  const halves = str.split("::");
  if (halves.length > 2) return null;
  const toGroups = (h: string): number[] | null => {
    if (h === "") return [];
    const gs = h.split(":");
    const out: number[] = [];
    for (const g of gs) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = toGroups(halves[0]!);
  const rest = halves.length === 2 ? toGroups(halves[1]!) : [];
  if (head === null || rest === null) return null;
  let groups: number[];
  if (halves.length === 2) {
    if (head.length + rest.length > 7) return null;
    groups = [...head, ...new Array<number>(8 - head.length - rest.length).fill(0), ...rest];
  } else {
    if (head.length !== 8) return null;
    groups = head;
  }
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 255;
  });
  if (tail) out.set(tail, 12);
  return out;
}

/** Which IP version `s` is a literal of, or 0. */
/**
 * An IPv6 literal with a scope (`::1%1`), as glibc's getaddrinfo reads it: the address and the
 * scope id; `null` if `s` is no scoped IPv6 literal. glibc takes a number (up to 2**32 - 1) for
 * any address and an interface name (`fe80::1%lo`) for link-local ones only (unicast fe80::/10
 * and multicast ff?2::).
 * @throws gaierror `[Errno -2]` for a scope it does not take.
 */
export function scopedIPv6(s: string): { bare: string; scope: number } | null {
  const pct = s.indexOf("%");
  if (pct < 0 || !s.includes(":")) return null;
  const bare = s.slice(0, pct);
  const b = parseIPv6(bare);
  if (!b) return null;
  const scope = s.slice(pct + 1);
  if (/^\d+$/.test(scope) && BigInt(scope) <= 0xffffffffn) return { bare, scope: Number(scope) };
  const index = linkLocalIPv6(b) ? interfaceIndex(scope) : undefined;
  if (index === undefined) throw gaiError(-2);
  return { bare, scope: index };
}

/** A link-local IPv6 address (unicast fe80::/10, multicast ff?2::): Linux needs a scope to use it. */
export function linkLocalIPv6(b: Uint8Array): boolean {
  return (b[0] === 0xfe && (b[1]! & 0xc0) === 0x80) || (b[0] === 0xff && (b[1]! & 0x0f) === 2);
}

export function ipVersion(s: string): 0 | 4 | 6 {
  if (parseIPv4(s)) return 4;
  if (s.includes(":") && parseIPv6(s)) return 6;
  return 0;
}

/** An IPv6 literal as inet_ntop writes it (`0:0::1` → `::1`, `::FFFF:7f00:1` → `::ffff:127.0.0.1`), as the kernel reports it back. */
export function canonicalIPv6(s: string): string {
  const b = parseIPv6(s);
  return b === null ? s : formatIPv6(b);
}

function formatIPv6(b: Uint8Array): string {
  const g: number[] = [];
  for (let i = 0; i < 16; i += 2) g.push((b[i]! << 8) | b[i + 1]!);
  // IPv4-mapped and IPv4-compatible forms print their last 32 bits dotted, as glibc does.
  const v4 = `${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) return `::ffff:${v4}`;
  // glibc: IPv4-compatible only when the leading zero run is exactly six groups (`::2` stays hex).
  if (g.slice(0, 6).every((x) => x === 0) && g[6] !== 0) return `::${v4}`;
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (bestStart < 0) return hex.join(":");
  return hex.slice(0, bestStart).join(":") + "::" + hex.slice(bestStart + bestLen).join(":");
}

function packed(b: unknown): Uint8Array {
  if (b instanceof Uint8Array) return b;
  throw new TypeError(`a bytes-like object is required, not '${pyTypeName(b)}'`);
}

function str(v: unknown, fname: string, arg = 1): string {
  if (typeof v !== "string") throw new TypeError(`${fname}() argument ${arg} must be str, not ${argTypeName(v)}`);
  if (v.includes("\0")) throw new ValueError("embedded null character");
  return v;
}

/**
 * The dotted quad of a host name in one of inet_aton's short forms (`"127.1"`, `"0x7f.1"`,
 * `"2130706433"`), which getaddrinfo (and so bind/connect) takes as numeric; else null.
 */
export function numericIPv4(host: string): string | null {
  if (!/^\d[\dxXa-fA-F.]*$/.test(host)) return null;
  try {
    const b = inet_aton(host);
    return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
  } catch {
    return null;
  }
}

/**
 * Like `socket.inet_aton(ip_string)`: accepts the classic short forms (`"127.1"`, hex, octal).
 * @throws OSError `illegal IP address string passed to inet_aton`
 */
export function inet_aton(ip: string): PyBytes {
  const s = str(ip, "inet_aton").split(/[ \t\n\v\f\r]/)[0]!; // the C library's isspace(): ASCII only
  const parts = s.split(".");
  const bad = (): never => {
    throw new OSError("illegal IP address string passed to inet_aton");
  };
  if (s === "" || parts.length > 4) bad();
  const nums = parts.map((p) => {
    let v: number;
    if (/^0[xX][0-9a-fA-F]+$/.test(p)) v = parseInt(p.slice(2), 16); // glibc 2.36: "0x" alone is no number
    else if (/^0[0-7]*$/.test(p)) v = parseInt(p, 8);
    else if (/^[1-9]\d*$/.test(p)) v = Number(p);
    else return bad();
    return v;
  });
  const last = nums.pop()!;
  if (nums.some((n) => n > 255) || last >= 2 ** (8 * (4 - nums.length))) bad();
  let value = last;
  nums.forEach((n, i) => (value += n * 2 ** (8 * (3 - i))));
  const out = new PyBytes(4);
  new DataView(out.buffer).setUint32(0, value);
  return out;
}

/**
 * Like `socket.inet_ntoa(packed_ip)`.
 * @throws OSError `packed IP wrong length for inet_ntoa`
 */
export function inet_ntoa(packedIp: Uint8Array): string {
  const b = packed(packedIp);
  if (b.length !== 4) throw new OSError("packed IP wrong length for inet_ntoa");
  return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
}

/**
 * Like `socket.inet_pton(address_family, ip_string)` (strict).
 * @throws OSError `illegal IP address string passed to inet_pton`; `[Errno 97]` for other families.
 */
export function inet_pton(family: number, ip: string): PyBytes {
  const fam = cIntArg(family); // "is": a C int first
  const s = str(ip, "inet_pton", 2);
  let b: Uint8Array | null;
  if (fam === AF_INET) b = parseIPv4(s);
  else if (fam === AF_INET6) b = parseIPv6(s);
  else throw oserror(E.EAFNOSUPPORT);
  if (b === null) throw new OSError("illegal IP address string passed to inet_pton");
  const out = new PyBytes(b.length);
  out.set(b);
  return out;
}

/**
 * Like `socket.inet_ntop(address_family, packed_ip)`: `"2001:db8::1"`, `"::ffff:1.2.3.4"`.
 * @throws ValueError `invalid length of packed IP address string`
 */
export function inet_ntop(family: number, packedIp: Uint8Array): string {
  family = cIntArg(family); // "iy*": a C int first
  const b = packed(packedIp);
  if (family === AF_INET) {
    if (b.length !== 4) throw new ValueError("invalid length of packed IP address string");
    return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
  }
  if (family === AF_INET6) {
    if (b.length !== 16) throw new ValueError("invalid length of packed IP address string");
    return formatIPv6(b);
  }
  throw new ValueError(`unknown address family ${family}`);
}

/** htonl/ntohl's argument: an int, not negative (then a C `unsigned long`). */
function ulong(x: unknown): number {
  if (typeof x === "bigint") {
    if (x < 0n) throw new OverflowError("can't convert negative value to unsigned int");
    return x >= 2n ** 64n ? 2 ** 64 : Number(x); // (beyond 64 bits: the caller's OverflowError)
  }
  if (typeof x !== "number" && typeof x !== "boolean") throw new TypeError(`expected int, ${pyTypeName(x)} found`);
  const n = Number(x);
  if (!Number.isInteger(n)) throw new TypeError("expected int, float found");
  if (n < 0) throw new OverflowError("can't convert negative value to unsigned int");
  return n;
}

const swap16 = (n: number): number => ((n & 0xff) << 8) | ((n >> 8) & 0xff);
const swap32 = (n: number): number =>
  (((n & 0xff) << 24) | ((n & 0xff00) << 8) | ((n >>> 8) & 0xff00) | ((n >>> 24) & 0xff)) >>> 0;

/** CPython's htons/ntohs: an int (C `int` first, then 16 bits), each limit with its own message. */
function check16(x: unknown, fname: string): number {
  const n = cIntArg(x); // a C int ("i"), then the sign and 16 bits
  if (n < 0) throw new OverflowError(`${fname}: can't convert negative Python int to C 16-bit unsigned integer`);
  if (n > 0xffff) throw new OverflowError(`${fname}: Python int too large to convert to C 16-bit unsigned integer`);
  return n;
}
/** CPython's htonl/ntohl: a C `unsigned long`, then 32 bits. */
function check32(x: unknown): number {
  const n = ulong(x);
  if (n >= 2 ** 64) throw new OverflowError("Python int too large to convert to C unsigned long");
  if (n > 0xffffffff) throw new OverflowError("int larger than 32 bits");
  return n;
}

/** Like `socket.htons(x)`: host to network byte order, 16 bits (Linux is little-endian). */
export const htons = (x: number): number => swap16(check16(x, "htons"));
/** Like `socket.ntohs(x)`. */
export const ntohs = (x: number): number => swap16(check16(x, "ntohs"));
/** Like `socket.htonl(x)`: host to network byte order, 32 bits. */
export const htonl = (x: number): number => swap32(check32(x));
/** Like `socket.ntohl(x)`. */
export const ntohl = (x: number): number => swap32(check32(x));
