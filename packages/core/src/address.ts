// Socket addresses: Python-shaped validation (CPython's texts), name resolution, Python printing.
import { AF_INET, AF_INET6, AF_UNIX } from "./constants.js";
import type { Adapter, Endpoint, NetAddress } from "./contract.js";
import { OSError, OverflowError, gaiError } from "./errors.js";
import { fromNative } from "./native-errors.js";
import { intArg, pyTypeName } from "./bytes.js";
import { canonicalIPv6, ipVersion, numericIPv4, parseIPv4, parseIPv6, scopedIPv6 } from "./inet.js";
import { PyList, PyTuple, pair, pyList, pyRepr, strRepr } from "./_repr.js";

export { PyList, PyTuple, pair, pyList, pyRepr, strRepr };

/** An AF_INET address as Python returns it: `(host, port)`. */
export type InetAddress = [host: string, port: number];
/** An AF_INET6 address as Python returns it: `(host, port, flowinfo, scope_id)`. */
export type Inet6Address = [host: string, port: number, flowinfo: number, scope_id: number];
/** Any address a socket returns: a tuple for AF_INET/AF_INET6, a path string for AF_UNIX. */
export type Address = InetAddress | Inet6Address | string;
/** What `bind`/`connect`/`sendto` accept: `[host, port]`, `[host, port, flowinfo?, scope_id?]`, or a unix path. */
export type AddressInput =
  | readonly [host: string | Uint8Array, port: number]
  | readonly [host: string | Uint8Array, port: number, flowinfo?: number, scope_id?: number]
  | string
  | Uint8Array;

/** Build a Python-printing tuple from items. */
export function tuple<T extends unknown[]>(...items: T): T {
  // Sized, then filled: push() onto an empty Array subclass costs ~10× (accept, recvfrom).
  const n = items.length;
  const t = new PyTuple<unknown>(n);
  for (let i = 0; i < n; i++) t[i] = items[i];
  return t as unknown as T;
}

// Addresses of received datagrams are frozen tuples (immutable, like Python's), shared per
// peer and remembered with their endpoint, so that `sendto(data, addr)` with a tuple that
// recvfrom returned needs no parsing or resolving: the UDP echo loop's hot path. Other
// addresses (accept, getsockname …) are fresh tuples: freezing costs memory per connection.
/** Per port, the last peer seen with it: its host as the runtime gave it, the family, its tuple. */
const peers = new Map<number, { host: string; family: number; t: Address }>();
const endpoints = new WeakMap<object, Endpoint>();

/** The host as Python reports it on a socket of `family` (IPv4-mapped on AF_INET6, unmapped on AF_INET). */
function pyHost(family: number, h: string): string {
  let host = h;
  if (family === AF_INET6) {
    const pct = host.indexOf("%");
    if (pct >= 0) host = host.slice(0, pct);
    return ipVersion(host) === 4 ? "::ffff:" + host : host;
  }
  if (host.startsWith("::ffff:") && ipVersion(host.slice(7)) === 4) host = host.slice(7);
  return host === "::" || host === "" ? "0.0.0.0" : host;
}

function buildTuple(family: number, host: string, port: number): Address {
  return family === AF_INET6 ? tuple(host, port, 0, 0) : tuple(host, port);
}

/** The address tuple Python returns for `a` on a socket of `family`. */
export function toPyAddress(family: number, a: NetAddress): Address {
  if (family === AF_UNIX) return a.host;
  return buildTuple(family, pyHost(family, a.host), a.port);
}

let lastHost = "";
let lastPort = -1;
let lastFamily = -1;
let lastTuple: Address = "";

/** Like {@link toPyAddress}, shared and frozen per peer, and known to {@link knownEndpoint}. */
export function peerAddress(family: number, a: NetAddress): Address {
  if (family === AF_UNIX) return a.host;
  // A server usually hears from the same peer many times in a row.
  if (a.port === lastPort && a.host === lastHost && family === lastFamily) return lastTuple;
  lastHost = a.host;
  lastPort = a.port;
  lastFamily = family;
  lastTuple = peerTuple(family, a);
  return lastTuple;
}

function peerTuple(family: number, a: NetAddress): Address {
  // Looked up by port (a number: no key string to build and hash per datagram), then checked.
  const p = peers.get(a.port);
  if (p !== undefined && p.host === a.host && p.family === family) return p.t;
  const host = pyHost(family, a.host);
  const t = Object.freeze(buildTuple(family, host, a.port)) as Address;
  endpoints.set(t as object, { kind: "inet", host, port: a.port, ipVersion: family === AF_INET6 ? 6 : 4 });
  if (p !== undefined) {
    // Another peer with this port (another host): it takes the slot.
    p.host = a.host;
    p.family = family;
    p.t = t;
  } else {
    if (peers.size >= 4096) peers.clear();
    peers.set(a.port, { host: a.host, family, t });
  }
  return t;
}

/** The endpoint of an address tuple this module returned, if `addr` is one. */
export function knownEndpoint(addr: unknown): Endpoint | undefined {
  return typeof addr === "object" && addr !== null ? endpoints.get(addr) : undefined;
}

/** Strings known to be IPv4 literals as inet_pton takes them (what a UDP client sends to again and again). */
const v4Literals = new Set<string>();

/**
 * An AF_INET socket's `(ipv4_literal, port)` with a port of 1–65535 as an Endpoint, at once (what
 * parseAddress and resolveAddress make of it); `undefined` for anything else, which they decide.
 */
export function literalEndpoint(family: number, addr: unknown): Endpoint | undefined {
  if (family !== AF_INET || !Array.isArray(addr) || addr.length !== 2) return undefined;
  const host: unknown = addr[0];
  const port: unknown = addr[1];
  if (typeof host !== "string" || typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535) return undefined;
  if (!v4Literals.has(host)) {
    if (parseIPv4(host) === null) return undefined;
    if (v4Literals.size >= 256) v4Literals.clear();
    v4Literals.add(host);
  }
  return { kind: "inet", host, port, ipVersion: 4 };
}

/** A checked address, before host names are resolved. */
export interface ParsedAddress {
  family: number;
  host: string;
  /** A C int, range-checked by resolveAddress (after the host, as CPython). */
  port: number;
  /** IPv6 flowinfo (a C unsigned int), range-checked by resolveAddress. */
  flow?: number;
  /** IPv6 scope_id (a C unsigned int; not applied, differences #39). */
  scope?: number;
  /** The method, for the range errors' texts. */
  fname?: string;
}

const decoder = new TextDecoder();
const hostString = (h: unknown): string => {
  if (typeof h === "string") return h;
  if (h instanceof Uint8Array) return decoder.decode(h);
  throw new TypeError(`str, bytes or bytearray expected, not ${pyTypeName(h)}`);
};
/** A host as CPython's idna_converter takes it: str or bytes, without NUL. */
const hostName = (h: unknown): string => {
  const s = hostString(h);
  if (s.includes("\0")) throw new TypeError("host name must not contain null character");
  return s;
};
/** A port as CPython's "i" format reads it (an OverflowError there says the port's range). */
const portNumber = (p: unknown, fname: string): number => {
  if (typeof p === "boolean" || typeof p === "bigint") return Number(p);
  if (typeof p !== "number" || !Number.isInteger(p))
    throw new TypeError(`'${pyTypeName(p)}' object cannot be interpreted as an integer`);
  if (p < -0x80000000 || p > 0x7fffffff) throw new OverflowError(`${fname}(): port must be 0-65535.`);
  return p;
};

/**
 * Check `addr` for a socket of `family` as CPython does, with CPython's exception texts.
 * @throws TypeError, OverflowError, OSError (`AF_UNIX path too long`)
 */
export function parseAddress(family: number, addr: unknown, fname: string): ParsedAddress {
  if (family === AF_UNIX) {
    if (typeof addr !== "string" && !(addr instanceof Uint8Array))
      throw new TypeError(`a bytes-like object is required, not '${pyTypeName(addr)}'`);
    const path = hostString(addr);
    // sun_path holds 108 bytes: a path and its NUL terminator, or an abstract name ("\0…") whole.
    if (new TextEncoder().encode(path).length > (path.startsWith("\0") ? 108 : 107)) throw new OSError("AF_UNIX path too long");
    return { family, host: path, port: 0 };
  }
  const fam = family === AF_INET6 ? "AF_INET6" : "AF_INET";
  if (!Array.isArray(addr))
    throw new TypeError(`${fname}(): ${fam} address must be tuple, not ${addr === null || addr === undefined ? "NoneType" : typeof addr === "string" ? "str" : pyTypeName(addr)}`);
  if (family === AF_INET6) {
    if (addr.length < 2 || addr.length > 4)
      throw new TypeError("AF_INET6 address must be a tuple (host, port[, flowinfo[, scopeid]])");
    const host = hostName(addr[0]);
    const port = portNumber(addr[1], fname);
    // flowinfo and scope_id are C unsigned ints (taken modulo 2**32, as CPython's "I" format).
    const flow = addr.length > 2 ? intArg(addr[2]) >>> 0 : 0;
    const scope = addr.length > 3 ? intArg(addr[3]) >>> 0 : 0;
    return { family, host, port, flow, scope, fname };
  }
  if (addr.length !== 2) throw new TypeError("AF_INET address must be a pair (host, port)");
  const host = hostName(addr[0]);
  return { family, host, port: portNumber(addr[1], fname), fname };
}

/** The adapter's lookup of a host name; glibc finds no name longer than 255 characters (Node's lookup says EINVAL). */
export function lookupName(adapter: Adapter, host: string, want: 0 | 4 | 6): Promise<{ address: string; family: 4 | 6 }[]> {
  if (host.length > 255) return Promise.reject(gaiError(-2));
  return adapter.lookup(host, want);
}

/**
 * Resolve a checked address to an adapter endpoint: `""` → any address, `"<broadcast>"`,
 * IP literals in inet_ntop's form, names through the adapter's resolver (AF_INET wants IPv4).
 * @throws gaierror as CPython (`[Errno -2] Name or service not known`, `[Errno -9] …`).
 */
export async function resolveAddress(a: ParsedAddress, adapter: Adapter): Promise<Endpoint> {
  if (a.family === AF_UNIX) return { kind: "unix", host: a.host, port: 0 };
  const want = a.family === AF_INET6 ? 6 : 4;
  let host = a.host;
  if (host === "") host = want === 6 ? "::" : "0.0.0.0";
  else if (host === "<broadcast>" || host === "255.255.255.255") {
    // CPython's setipaddr takes both as INADDR_BROADCAST, for IPv4 only.
    if (want === 6) throw new OSError("address family mismatched");
    host = "255.255.255.255";
  } else {
    if (host.includes("%")) {
      // A scoped IPv6 literal (`::1%1`, `fe80::1%lo`) is that address: the tuple's scope_id is
      // what goes to the kernel, as in CPython, which overwrites getaddrinfo's.
      const scoped = scopedIPv6(host);
      if (scoped === null) throw gaiError(-2);
      host = scoped.bare;
    }
    const v = ipVersion(host);
    const short = v === 0 ? numericIPv4(host) : null;
    if (short !== null) {
      if (want === 6) throw gaiError(-9);
      host = short;
    } else if (v === 0) {
      if (/^[\d.]+$/.test(host)) throw gaiError(-2);
      let found: { address: string; family: 4 | 6 }[];
      try {
        found = await lookupName(adapter, host, want);
      } catch (err) {
        throw fromNative(err);
      }
      const hit = found.find((f) => f.family === want);
      if (!hit) throw gaiError(-2);
      host = hit.address;
    } else if (v === 6 && want === 4) {
      // glibc's getaddrinfo gives an AF_INET socket the IPv4 address inside an IPv4-mapped one.
      const b = parseIPv6(host);
      if (b === null || b.subarray(0, 10).some((x) => x !== 0) || b[10] !== 0xff || b[11] !== 0xff) throw gaiError(-9);
      host = `${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
    } else if (v !== want) throw gaiError(-9);
    // Stored as the kernel would (getpeername, and a connected UDP socket's filter, compare it
    // with the addresses the runtime reports).
    else if (v === 6) host = canonicalIPv6(host);
  }
  // CPython's getsockaddrarg checks the ranges after it resolved the host.
  if (a.port < 0 || a.port > 65535) throw new OverflowError(`${a.fname ?? "getsockaddrarg"}(): port must be 0-65535.`);
  if ((a.flow ?? 0) > 1048575) throw new OverflowError(`${a.fname ?? "getsockaddrarg"}(): flowinfo must be 0-1048575.`);
  return { kind: "inet", host, port: a.port, ipVersion: want };
}
