// Module-level helpers: getaddrinfo, gethostbyname, gethostname, create_connection,
// create_server, socketpair — each as CPython behaves on Linux.
import { servicePort } from "./netdb.js";
import * as C from "./constants.js";
import { type Address, type AddressInput, lookupName, pair, pyList, pyRepr, tuple } from "./address.js";
import { hostArg, intArg, pyTypeName } from "./bytes.js";
import { utf8Arg } from "./_encode.js";
import { errno as E } from "./errno.js";
import { ExceptionGroup, OSError, OverflowError, TimeoutError, UnicodeError, ValueError, gaiError, herror, oserror } from "./errors.js";
import { canonicalIPv6, ipVersion, numericIPv4, parseIPv6, scopedIPv6 } from "./inet.js";
import { fromNative } from "./native-errors.js";
import { getAdapter } from "./runtime.js";
import { cIntArg, cLongArg } from "./_args.js";
import { socketKind } from "./_kind.js";
import { newFd } from "./_fds.js";
import { addShare, keepDetached, openSocketAt } from "./_dup.js";
import { Socket, type SocketConstructor, socket } from "./_factory.js";

export { socket };
export type { SocketConstructor };

/** One `getaddrinfo` result: `(family, type, proto, canonname, sockaddr)`. */
export type AddrInfo = [family: number, type: number, proto: number, canonname: string, sockaddr: Address];


/** 2**64 - 1: what strtoul returns for a number it cannot hold. */
const ULONG_MAX = (1n << 64n) - 1n;

/**
 * A numeric service as glibc reads it: `strtoul` (spaces, a sign, decimal digits, nothing after)
 * stored in an `int`; `undefined` if it is not a number.
 */
function strtoulInt(s: string): number | undefined {
  const m = /^[ \t\n\v\f\r]*([+-]?)(\d+)$/.exec(s);
  if (m === null) return undefined;
  let v = BigInt(m[2]!);
  if (v > ULONG_MAX) v = ULONG_MAX;
  else if (m[1] === "-") v = BigInt.asUintN(64, -v);
  return Number(BigInt.asIntN(32, v));
}

/**
 * The service CPython passes to glibc: an int as a C long in decimal, a str (bytes) up to its
 * first NUL (a C string); `null` for None.
 * @throws OverflowError beyond a C long, OSError `Int or String expected`.
 */
function serviceArg(port: unknown): string | null {
  if (port === null || port === undefined) return null;
  if ((typeof port === "number" && Number.isInteger(port)) || typeof port === "bigint") {
    if (port >= 2 ** 63 || port < -(2 ** 63)) throw new OverflowError("Python int too large to convert to C long");
    return BigInt(port).toString();
  }
  if (typeof port === "string" || port instanceof Uint8Array)
    return (typeof port === "string" ? utf8Arg(port) : new TextDecoder().decode(port)).split("\0", 1)[0]!;
  throw new OSError("Int or String expected");
}

/**
 * A service as glibc reads it: a numeric port, a name (looked up per protocol: a number that
 * is negative as an int is one, found nowhere: -8), or `null` for none (`None`, `""`).
 * @throws gaierror `[Errno -2]` for a name with AI_NUMERICSERV.
 */
function portOf(s: string | null, flags: number): number | string | null {
  if (s === null || s === "") return null; // glibc: an empty service is none
  const num = strtoulInt(s);
  if (num === undefined && flags & C.AI_NUMERICSERV) throw gaiError(-2);
  return num !== undefined && num >= 0 ? num & 0xffff : s;
}

/**
 * The socket types (with protocol and port) of a getaddrinfo answer, as glibc picks them: all
 * of `type` 0's (stream, datagram, raw) or those of the protocol asked for (TCP and SCTP are
 * stream, UDP datagram, any other raw), or the type asked for; a named service only for the
 * protocols /etc/services lists it under (never raw), as glibc does.
 * @throws gaierror `[Errno -7]` for a type the protocol does not have, `[Errno -8]` when the
 * service exists for none of them or a port is given for raw sockets alone.
 */
function socketKinds(type: number, proto: number, port: number | string | null): [number, number, number][] {
  const { SOCK_STREAM: STREAM, SOCK_DGRAM: DGRAM, SOCK_RAW: RAW, IPPROTO_TCP: TCP, IPPROTO_UDP: UDP, IPPROTO_SCTP: SCTP } = C;
  let kinds: [number, number][];
  if (type === 0) {
    if (proto === 0) kinds = [[STREAM, TCP], [DGRAM, UDP], [RAW, 0]];
    else kinds = [[proto === TCP || proto === SCTP ? STREAM : proto === UDP ? DGRAM : RAW, proto]];
  } else {
    const fits = proto === 0 || type === RAW || (type === STREAM ? proto === TCP || proto === SCTP : proto === UDP);
    if (!fits) throw gaiError(-7);
    kinds = [[type, proto || (type === STREAM ? TCP : type === DGRAM ? UDP : 0)]];
  }
  if (port === null) return kinds.map(([t, pr]) => [t, pr, 0]);
  if (kinds.length === 1 && kinds[0]![0] === RAW) throw gaiError(-8); // raw sockets have no ports
  if (typeof port === "number") return kinds.map(([t, pr]) => [t, pr, port]);
  const out: [number, number, number][] = [];
  for (const [t, pr] of kinds) {
    const p = t === RAW ? undefined : servicePort(port, pr === SCTP ? "sctp" : t === DGRAM ? "udp" : "tcp");
    if (p !== undefined) out.push([t, pr, p]);
  }
  if (out.length === 0) throw gaiError(-8);
  return out;
}

/**
 * Like `socket.getaddrinfo(host, port, family=0, type=0, proto=0, flags=0)`: a list of
 * `[family, type, proto, canonname, sockaddr]` in the system resolver's order.
 * @throws gaierror `[Errno -2] Name or service not known` and the other EAI errors; TypeError for missing
 * arguments or a non-int family/type/proto/flags; OverflowError beyond C's int (long for the port).
 */
export async function getaddrinfo(
  host: string | Uint8Array | null,
  port: number | string | null,
  family = 0,
  type = 0,
  proto = 0,
  flags = 0,
): Promise<AddrInfo[]> {
  // CPython's argument parsing first: both positional arguments, then C ints.
  if (arguments.length < 2) {
    const missing = arguments.length === 0 ? "2 required positional arguments: 'host' and 'port'" : "1 required positional argument: 'port'";
    throw new TypeError(`getaddrinfo() missing ${missing}`);
  }
  family = cIntArg(family);
  type = cIntArg(type);
  proto = cIntArg(proto);
  flags = cIntArg(flags);
  if (host !== null && typeof host !== "string" && !(host instanceof Uint8Array))
    throw new TypeError(`getaddrinfo() argument 1 must be string or None`);
  const service = serviceArg(port);
  // Then glibc's checks, in its order: no host nor service, flags, AI_CANONNAME without a host,
  // the family, a service name with AI_NUMERICSERV, the socket type and protocol, the service.
  if (host === null && service === null) throw gaiError(-2);
  // glibc's flags: AI_V4MAPPED 0x8, AI_ALL 0x10, AI_ADDRCONFIG 0x20, AI_IDN 0x40, AI_CANONIDN 0x80,
  // the old IDN flags 0x100 and 0x200 (accepted, ignored), AI_NUMERICSERV 0x400.
  if (flags & ~(C.AI_PASSIVE | C.AI_CANONNAME | C.AI_NUMERICHOST | C.AI_NUMERICSERV | 0x8 | 0x10 | 0x20 | 0x40 | 0x80 | 0x100 | 0x200))
    throw gaiError(-1);
  if (host === null && flags & C.AI_CANONNAME) throw gaiError(-1);
  if (family !== 0 && family !== C.AF_INET && family !== C.AF_INET6) throw gaiError(-6);
  const svc = portOf(service, flags);
  if (type !== 0 && type !== C.SOCK_STREAM && type !== C.SOCK_DGRAM && type !== C.SOCK_RAW) throw gaiError(-7);
  const kinds = socketKinds(type, proto, svc);
  if (typeof host === "string") idnaCheck(host);
  let name = host instanceof Uint8Array ? new TextDecoder().decode(host) : host;
  // CPython hands glibc a C string: a NUL ends the name.
  if (name !== null && name.includes("\0")) name = name.slice(0, name.indexOf("\0"));
  let addrs: { address: string; family: 4 | 6 }[];
  let scope = 0;
  const want = family === C.AF_INET ? 4 : family === C.AF_INET6 ? 6 : 0;
  if (name === null) {
    // glibc's order (RFC 6724): ::1 before 127.0.0.1; for AI_PASSIVE 0.0.0.0 before ::.
    const v4 = { address: flags & C.AI_PASSIVE ? "0.0.0.0" : "127.0.0.1", family: 4 as const };
    const v6 = { address: flags & C.AI_PASSIVE ? "::" : "::1", family: 6 as const };
    addrs = flags & C.AI_PASSIVE ? [v4, v6] : [v6, v4];
    if (want !== 0) addrs = addrs.filter((a) => a.family === want);
  } else {
    // An IPv6 literal with a scope (`::1%1`): the scope goes to the sockaddr.
    const scoped = scopedIPv6(name);
    if (scoped !== null) scope = scoped.scope;
    const lit = scoped === null ? name : scoped.bare;
    const v = ipVersion(lit);
    const short = v === 0 ? numericIPv4(lit) : null;
    // An IPv4-mapped address asked for as AF_INET is its IPv4 address (glibc).
    const mapped = v === 6 && want === 4 ? mappedIPv4(lit) : null;
    if (mapped !== null) addrs = [{ address: mapped, family: 4 }];
    else if (v !== 0 || short !== null) {
      if (want !== 0 && (v || 4) !== want) throw gaiError(-9);
      addrs = [{ address: short ?? (v === 6 ? canonicalIPv6(lit) : lit), family: v || 4 }];
    } else {
      if (name === "" || flags & C.AI_NUMERICHOST || /^[\d.]+$/.test(name)) throw gaiError(-2);
      try {
        addrs = await lookupName(getAdapter(), name, want);
      } catch (err) {
        throw fromNative(err);
      }
      if (want) addrs = addrs.filter((a) => a.family === want);
      if (addrs.length === 0) throw gaiError(-2);
    }
  }
  const out: AddrInfo[] = [];
  const seen = new Set<string>();
  for (const a of addrs) {
    if (seen.has(a.address)) continue;
    seen.add(a.address);
    for (const [t, pr, p] of kinds) {
      const fam = a.family === 6 ? C.AF_INET6 : C.AF_INET;
      const sa = fam === C.AF_INET6 ? tuple(a.address, p, 0, scope) : tuple(a.address, p);
      const canon = flags & C.AI_CANONNAME && out.length === 0 ? canonName(name) : "";
      out.push(tuple(fam, t, pr, canon, sa) as AddrInfo);
    }
  }
  return pyList(out); // prints as Python's list
}

/**
 * A str host as CPython's getaddrinfo (and gethostbyname, gethostbyaddr) encodes it with the
 * `idna` codec first: an ASCII name's labels must be 1–63 characters (the last may be empty: a
 * trailing dot). (A non-ASCII name is passed on as it is: the runtimes' resolvers, not punycode.)
 * @throws UnicodeError `encoding with 'idna' codec failed (UnicodeError: label too long)`
 */
function idnaCheck(host: string): void {
  if (!/^[\x00-\x7f]*$/.test(host)) return;
  const labels = host.split(".");
  const last = labels.pop()!;
  const why = labels.some((l) => l.length === 0 || l.length > 63) ? "label empty or too long" : last.length > 63 ? "label too long" : null;
  if (why !== null) throw new UnicodeError(`encoding with 'idna' codec failed (UnicodeError: ${why})`);
}

/** The IPv4 address of an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`, `::ffff:7f00:1`), else null. */
function mappedIPv4(name: string): string | null {
  const b = parseIPv6(name);
  if (b === null || b.subarray(0, 10).some((x) => x !== 0) || b[10] !== 0xff || b[11] !== 0xff) return null;
  return `${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
}

/**
 * AI_CANONNAME's name: the address itself for a numeric host; for a name, glibc reports the
 * name of the hosts entry or DNS record, which the runtimes do not give — names are
 * case-insensitive and entries are written in lower case, so the name in lower case.
 */
function canonName(name: string | null): string {
  if (name === null) return "";
  return ipVersion(name) !== 0 || numericIPv4(name) !== null ? name : name.toLowerCase();
}

/**
 * Like `socket.gethostbyname(hostname)`: an IPv4 address string (`hostname` may also be bytes).
 * @throws gaierror for unknown names.
 */
export async function gethostbyname(hostname: string | Uint8Array): Promise<string> {
  hostname = hostArg(hostname, "gethostbyname");
  if (hostname === "") return "0.0.0.0";
  if (hostname === "<broadcast>") return "255.255.255.255";
  const res = await getaddrinfo(hostname, null, C.AF_INET, C.SOCK_STREAM);
  return (res[0]![4] as [string, number])[0];
}

/**
 * Like `socket.gethostname()`.
 * @throws PermissionError on Deno without `--allow-sys=hostname` (or `-A`).
 */
export function gethostname(): string {
  try {
    return getAdapter().hostname();
  } catch (err) {
    throw fromNative(err); // e.g. Deno without --allow-sys: PermissionError [Errno 13]
  }
}

/**
 * Like `hostname, aliaslist, ipaddrlist = socket.gethostbyname_ex(hostname)` (IPv4 only).
 * Aliases are not known to the runtimes' resolvers: the list is empty.
 * @throws gaierror `[Errno -2] Name or service not known`; herror `[Errno 3]` for `""` and `"<broadcast>"`,
 *   `[Errno 1]` for inet_aton's hex short forms (`"0x7f.1"`), which gethostbyname(3) does not take.
 */
export async function gethostbyname_ex(hostname: string | Uint8Array): Promise<[string, string[], string[]]> {
  hostname = hostArg(hostname, "gethostbyname_ex");
  // CPython resolves the name again with gethostbyname_r(3), which has none of getaddrinfo's
  // special names and takes inet_aton's short forms only in decimal or octal.
  if (hostname === "" || hostname === "<broadcast>") throw new herror(3, "Unknown server error");
  if (/[xX]/.test(hostname) && numericIPv4(hostname) !== null) throw new herror(1, "Unknown host");
  const ip = await gethostbyname(hostname);
  return tuple(canonName(hostname), pyList<string>([]), pyList([ip]));
}


/** Options of {@link create_connection} (Python's keyword-only arguments). */
export interface CreateConnectionOptions {
  /** Raise an `ExceptionGroup` (an `AggregateError`) of every attempt's error instead of the last. @default false */
  all_errors?: boolean;
}

/**
 * Like `socket.create_connection(address, timeout=..., source_address=None, *, all_errors=False)`:
 * tries each `getaddrinfo` result in order and returns the first socket that connects.
 * @param timeout seconds for the new socket; omitted → the default timeout.
 * @param source_address bound before connecting; `null`, `[]`, `""` or empty bytes bind nothing (Python's falsy values).
 * @throws the last attempt's error (ConnectionRefusedError …), gaierror; an error that is not an
 *   OSError (a bad argument) at once, without trying the next address.
 */
export async function create_connection(
  address: readonly [host: string | null, port: number | string],
  timeout?: number | null,
  source_address?: AddressInput | null,
  options: CreateConnectionOptions = {},
): Promise<Socket> {
  // Python's `host, port = address` (a str unpacks into its characters).
  const seq: readonly unknown[] = typeof address === "string" ? [...(address as string)] : address;
  if (!Array.isArray(seq)) throw new TypeError(`cannot unpack non-iterable ${pyTypeName(address)} object`);
  if (seq.length !== 2)
    throw new ValueError(
      seq.length < 2 ? `not enough values to unpack (expected 2, got ${seq.length})` : `too many values to unpack (expected 2)`,
    );
  const [host, port] = seq as [string | null, number | string];
  const infos = await getaddrinfo(host, port, 0, C.SOCK_STREAM);
  const errors: unknown[] = [];
  for (const [fam, type, proto, , sa] of infos) {
    const s = new Socket(fam, type, proto);
    try {
      if (timeout !== undefined) s.settimeout(timeout);
      // Python's `if source_address:` (None, (), '' and b'' mean no bind).
      if (source_address && !(Array.isArray(source_address) && source_address.length === 0) && !isEmptyBuffer(source_address))
        await s.bind(source_address);
      await s.connect(sa as AddressInput);
      return s;
    } catch (err) {
      await s.close();
      // Only OSErrors move on to the next address (and go into all_errors' group); a bad argument is raised.
      if (!(err instanceof OSError)) throw err;
      errors.push(err);
    }
  }
  if (options.all_errors) throw new ExceptionGroup("create_connection failed", errors);
  throw errors[errors.length - 1] ?? new OSError("getaddrinfo returns an empty list");
}

/** Options of {@link create_server} (Python's keyword-only arguments). */
export interface CreateServerOptions {
  /** @default AF_INET */
  family?: number;
  /** @default null (the system default) */
  backlog?: number | null;
  /** Set SO_REUSEPORT. @default false */
  reuse_port?: boolean;
  /** With AF_INET6, accept IPv4 clients too. @default false */
  dualstack_ipv6?: boolean;
}

/**
 * Like `socket.create_server(address, *, family=AF_INET, backlog=None, reuse_port=False,
 * dualstack_ipv6=False)`: a listening TCP socket with SO_REUSEADDR set.
 * @throws ValueError `dualstack_ipv6 requires AF_INET6 family`; OSError `[Errno 98] Address already in use (while attempting to bind on address (...))`.
 */
export async function create_server(address: AddressInput, options: CreateServerOptions = {}): Promise<Socket> {
  const family = options.family === undefined ? C.AF_INET : intArg(options.family); // (None: TypeError, as socket(None))
  if (options.reuse_port && !getAdapter().capabilities.reusePort)
    throw new ValueError("SO_REUSEPORT not supported on this platform");
  if (options.dualstack_ipv6) {
    if (!has_dualstack_ipv6()) throw new ValueError("dualstack_ipv6 not supported on this platform");
    if (family !== C.AF_INET6) throw new ValueError("dualstack_ipv6 requires AF_INET6 family");
  }
  const s = new Socket(family, C.SOCK_STREAM);
  try {
    s.setsockopt(C.SOL_SOCKET, C.SO_REUSEADDR, 1); // every family, as CPython 3.11
    if (options.reuse_port) s.setsockopt(C.SOL_SOCKET, C.SO_REUSEPORT, 1);
    if (family === C.AF_INET6) s._setV6Only(!options.dualstack_ipv6);
    try {
      await s.bind(address);
    } catch (err) {
      // socket.py re-raises any OSError (a gaierror too) as a plain OSError with the address.
      // (`raise error(err.errno, msg) from None`: no cause shown; an error with no errno says None twice.)
      // (Out of descriptors, CPython's socket() fails before any bind: its error as it is.)
      if (err instanceof OSError && (err.errno === E.EMFILE || err.errno === E.ENFILE)) throw err;
      if (err instanceof OSError) throw new OSError(err.errno, `${err.strerror ?? "None"} (while attempting to bind on address ${pyRepr(address)})`);
      throw err;
    }
    await s.listen(options.backlog ?? undefined);
    return s;
  } catch (err) {
    await s.close();
    throw err;
  }
}

/**
 * Like `socket.close(fd)`: closes the polysock socket whose `fileno()` is `fd`, as its own
 * `close()` does (CPython's socket object keeps the number, and its `close()` then raises EBADF).
 * @throws OSError `[Errno 9] Bad file descriptor` for any other number (polysock's descriptors
 *   are its sockets' numbers, not the process's: docs/differences.md #31).
 */
export async function close(fd: number): Promise<void> {
  const n = cLongArg(fd);
  // (A number detach() or dup(fd) left too: the connection closes with the last number sharing it.)
  const s = openSocketAt<Socket>(n);
  if (s === undefined) throw oserror(E.EBADF);
  return s.close();
}

/**
 * Like `socket.dup(fd)`: a new number sharing the connection of the socket numbered `fd` (or of a
 * number `detach()` left), for `socket.socket(fileno=n)` or `socket.close(n)`.
 * @throws OSError `[Errno 9]` for a number no polysock socket has.
 */
export function dup(fd: number): number {
  const n = cLongArg(fd);
  const h = openSocketAt<Socket>(n);
  if (h === undefined) throw oserror(E.EBADF);
  addShare(h);
  const m = newFd();
  keepDetached(m, h);
  return m;
}

/**
 * Like `socket.fromfd(fd, family, type, proto=0)`: a new socket on a duplicate of number `fd`
 * (`socket.socket(family, type, proto, socket.dup(fd))`).
 */
export function fromfd(fd: number, family: number, type: number, proto = 0): Socket {
  return socket(family, type, proto, dup(fd));
}

/** Like `socket.has_dualstack_ipv6()`. */
export function has_dualstack_ipv6(): boolean {
  return true;
}

/**
 * Where socketpair()'s two ends meet: on Linux a name in the abstract namespace (no file, so no
 * file permissions — Deno needs only --allow-net — and nothing left behind), elsewhere a
 * file in /tmp.
 */
function pairAddress(): string {
  const g = globalThis as { process?: { platform?: unknown }; Deno?: { build?: { os?: unknown } } };
  const linux = (g.Deno?.build?.os ?? g.process?.platform) === "linux";
  const name = `polysock-pair-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  return linux ? `\0${name}` : `/tmp/${name}.sock`;
}

/** How long socketpair() waits for its own connection to be accepted before it reports EMFILE. */
const PAIR_ACCEPT_S = 2;

/**
 * Like `a, b = socket.socketpair()`: two connected AF_UNIX stream sockets.
 * @throws OSError `[Errno 95]` for AF_INET/AF_INET6, `[Errno 97]` for other families (as on Linux),
 * `[Errno 24]` when no descriptor is left.
 */
export async function socketpair(family: number | null = C.AF_UNIX, type = C.SOCK_STREAM, proto = 0): Promise<[Socket, Socket]> {
  const fam = family === null ? C.AF_UNIX : cIntArg(family); // socketpair(None): AF_UNIX, as CPython's
  type = cIntArg(type);
  proto = cIntArg(proto);
  // Linux checks the type and protocol as socket(2) does; an IP family's pair is EOPNOTSUPP then.
  socketKind(fam, type, proto);
  if (fam !== C.AF_UNIX) throw oserror(E.EOPNOTSUPP);
  const path = pairAddress();
  const a = new Socket(C.AF_UNIX, type, proto);
  const l = new Socket(C.AF_UNIX, type, proto);
  l._tempFile();
  try {
    // Set up in blocking mode whatever setdefaulttimeout() says; the pair then gets the default.
    l.settimeout(null);
    await l.bind(path);
    await l.listen(1);
    const timeout = a.gettimeout();
    a.settimeout(null);
    // socketpair(2) fails at once with EMFILE when no descriptor is left; here the connection
    // is made first, and out of descriptors a runtime refuses it (Bun), or the listener never
    // delivers it (Node's libuv accepts and closes it; Bun keeps it waiting): EMFILE then too.
    try {
      await a.connect(path);
    } catch (err) {
      throw (err as OSError).errno === E.ECONNREFUSED ? oserror(E.EMFILE) : err;
    }
    l.settimeout(PAIR_ACCEPT_S);
    let b: Socket;
    try {
      [b] = await l.accept();
    } catch (err) {
      throw err instanceof TimeoutError ? oserror(E.EMFILE) : err;
    }
    a.settimeout(timeout);
    b.settimeout(timeout);
    a._unnamedPair();
    b._unnamedPair();
    b._swapFd(l); // the pair's numbers follow each other (3 and 4 in a fresh program), as socketpair(2)'s
    return pair(a, b);
  } catch (err) {
    await a.close();
    throw err;
  } finally {
    await l.close();
  }
}

/** Empty bytes (falsy in Python, an object in JavaScript). */
function isEmptyBuffer(x: unknown): boolean {
  return ArrayBuffer.isView(x) && x.byteLength === 0;
}
