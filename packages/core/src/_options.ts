// Socket options: the Linux defaults CPython reports, kept per socket (no runtime exposes getsockopt).
import * as C from "./constants.js";
import { errno as E } from "./errno.js";
import { OSError, oserror } from "./errors.js";
import { pyTypeName } from "./bytes.js";

const key = (level: number, opt: number): number => level * 1000 + opt;
/** SO_LINGER's `l_linger` (seconds); the option's own key holds `l_onoff`. Not a real option number. */
const LINGER_SECONDS = -1;
/** IP_MULTICAST_IF's interface index (`struct ip_mreqn`); the option's own key holds the address. */
const MULTICAST_IFINDEX = -2;
/** An IPv6 socket bound to an IPv4-mapped address (1). Not a real option number. */
const MAPPED_BIND = -3;
/** Linux's HZ here: SO_RCVTIMEO/SO_SNDTIMEO are kept in jiffies of 4 ms (1 µs reads back as 4000). */
const JIFFY_US = 4000;
/** Beyond this many seconds Linux keeps "no timeout" (MAX_SCHEDULE_TIMEOUT / HZ - 1). */
const TIMEVAL_MAX_S = 2n ** 63n / 250n - 1n;

/** The options Linux's IP and IPv6 levels have, as the socket module's IP_* and IPV6_* numbers. */
let ipOptions: Map<number, Set<number>> | null = null;

/** Does Linux's IP (or IPv6) level have option `opt` (whether polysock keeps it or not)? */
export function ipLevelOption(level: number, opt: number): boolean {
  const named = (prefix: string): Set<number> =>
    new Set(Object.entries(C).filter(([k, v]) => k.startsWith(prefix) && typeof v === "number").map(([, v]) => v as number));
  ipOptions ??= new Map([
    [C.IPPROTO_IP, named("IP_")],
    [C.IPPROTO_IPV6, named("IPV6_")],
  ]);
  return ipOptions.get(level)?.has(opt) ?? false;
}

/** Options that read back as 0/1. */
const BOOLEAN = new Set([
  key(C.SOL_SOCKET, C.SO_REUSEADDR),
  key(C.SOL_SOCKET, C.SO_REUSEPORT),
  key(C.SOL_SOCKET, C.SO_KEEPALIVE),
  key(C.SOL_SOCKET, C.SO_BROADCAST),
  key(C.IPPROTO_TCP, C.TCP_NODELAY),
  key(C.IPPROTO_IPV6, C.IPV6_V6ONLY),
  key(C.IPPROTO_IP, C.IP_MULTICAST_LOOP),
]);
/** UDP_CORK (not in Python's socket module on every platform; Linux's number). */
const UDP_CORK = 1;
/**
 * Options getsockopt reads at Linux's default, which no runtime lets polysock change: a
 * setsockopt of one raises `[Errno 92]` (differences #35) rather than pretend.
 */
const DEFAULT_ONLY: ReadonlyMap<number, number> = new Map([
  [key(C.SOL_SOCKET, C.SO_DEBUG), 0],
  [key(C.SOL_SOCKET, C.SO_OOBINLINE), 0],
  [key(C.SOL_SOCKET, C.SO_DONTROUTE), 0],
  [key(C.SOL_SOCKET, C.SO_PRIORITY), 0],
  [key(C.SOL_SOCKET, C.SO_RCVLOWAT), 1],
  [key(C.SOL_SOCKET, C.SO_SNDLOWAT), 1],
  [key(C.SOL_SOCKET, C.SO_MARK), 0],
  [key(C.IPPROTO_IP, C.IP_TOS), 0],
  [key(C.IPPROTO_IP, C.IP_RECVTOS), 0],
  [key(C.IPPROTO_IP, C.IP_HDRINCL), 0],
  [key(C.IPPROTO_IP, C.IP_TRANSPARENT), 0],
  [key(C.IPPROTO_UDP, UDP_CORK), 0],
  [key(C.IPPROTO_TCP, C.TCP_CORK), 0],
  [key(C.IPPROTO_TCP, C.TCP_USER_TIMEOUT), 0],
  [key(C.IPPROTO_TCP, C.TCP_FASTOPEN), 0],
  [key(C.IPPROTO_TCP, C.TCP_SYNCNT), 6],
  [key(C.IPPROTO_TCP, C.TCP_LINGER2), 60],
  [key(C.IPPROTO_TCP, C.TCP_DEFER_ACCEPT), 0],
  [key(C.IPPROTO_TCP, C.TCP_WINDOW_CLAMP), 0],
  [key(C.IPPROTO_TCP, C.TCP_NOTSENT_LOWAT), 0],
]);
/** Options a setsockopt cannot change: read-only in Linux, or {@link DEFAULT_ONLY}. */
const READ_ONLY = new Set([
  key(C.SOL_SOCKET, C.SO_TYPE),
  key(C.SOL_SOCKET, C.SO_ERROR),
  key(C.SOL_SOCKET, C.SO_ACCEPTCONN),
  key(C.SOL_SOCKET, C.SO_DOMAIN),
  key(C.SOL_SOCKET, C.SO_PROTOCOL),
  ...DEFAULT_ONLY.keys(),
]);

/** The fresh-socket value of an option on Linux (as CPython reads them on Linux), or undefined if unknown. */
function defaultValue(family: number, type: number, k: number): number | undefined {
  switch (k) {
    case key(C.SOL_SOCKET, C.SO_REUSEADDR):
    case key(C.SOL_SOCKET, C.SO_REUSEPORT):
    case key(C.SOL_SOCKET, C.SO_KEEPALIVE):
    case key(C.SOL_SOCKET, C.SO_BROADCAST):
    case key(C.SOL_SOCKET, C.SO_LINGER):
    case key(C.SOL_SOCKET, C.SO_ERROR):
    case key(C.SOL_SOCKET, C.SO_ACCEPTCONN):
    case key(C.SOL_SOCKET, C.SO_RCVTIMEO):
    case key(C.SOL_SOCKET, C.SO_SNDTIMEO):
      return 0;
    case key(C.SOL_SOCKET, C.SO_RCVBUF):
      return type === C.SOCK_DGRAM || family === C.AF_UNIX ? 212992 : 131072;
    case key(C.SOL_SOCKET, C.SO_SNDBUF):
      return type === C.SOCK_DGRAM || family === C.AF_UNIX ? 212992 : 16384;
    case key(C.SOL_SOCKET, C.SO_TYPE):
      return type;
    case key(C.SOL_SOCKET, C.SO_DOMAIN):
      return family;
    case key(C.SOL_SOCKET, C.SO_PROTOCOL): // the protocol in use, also when socket() was given 0
      return family === C.AF_UNIX ? 0 : type === C.SOCK_STREAM ? C.IPPROTO_TCP : C.IPPROTO_UDP;
    case key(C.IPPROTO_IP, C.IP_TTL):
      return family === C.AF_UNIX ? undefined : 64;
    case key(C.IPPROTO_IPV6, C.IPV6_V6ONLY):
      return family === C.AF_INET6 ? 0 : undefined;
    case key(C.IPPROTO_IP, C.IP_MULTICAST_TTL): // (an IPv6 socket has them too)
    case key(C.IPPROTO_IP, C.IP_MULTICAST_LOOP):
      return family === C.AF_UNIX ? undefined : 1;
    case key(C.IPPROTO_IP, C.IP_MULTICAST_IF):
      return family === C.AF_UNIX ? undefined : 0;
  }
  const fixed = DEFAULT_ONLY.get(k);
  if (fixed !== undefined) {
    // Socket-level ones on every socket; IP-level ones on IPv4 and IPv6 sockets; TCP's and UDP's on theirs.
    const level = Math.floor(k / 1000);
    if (level === C.SOL_SOCKET) return fixed;
    if (family === C.AF_UNIX) return undefined;
    if (level === C.IPPROTO_IP || (level === C.IPPROTO_TCP) === (type === C.SOCK_STREAM)) return fixed;
    return undefined;
  }
  if (type !== C.SOCK_STREAM || family === C.AF_UNIX) return undefined;
  switch (k) {
    case key(C.IPPROTO_TCP, C.TCP_NODELAY):
      return 0;
    case key(C.IPPROTO_TCP, C.TCP_KEEPIDLE):
      return 7200;
    case key(C.IPPROTO_TCP, C.TCP_KEEPINTVL):
      return 75;
    case key(C.IPPROTO_TCP, C.TCP_KEEPCNT):
      return 9;
  }
  return undefined;
}

function intArg(v: unknown): number {
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "bigint") return Number(v); // a Python int
  if (typeof v === "number" && Number.isInteger(v)) return v;
  // Bytes: the kernel reads a C int (signed, this machine's byte order); an IP-level option
  // given fewer bytes takes the first (set() refuses that elsewhere).
  if (v instanceof Uint8Array) return v.length >= 4 ? new DataView(v.buffer, v.byteOffset, 4).getInt32(0, true) : (v[0] ?? 0);
  if (typeof v === "number") throw new TypeError("a bytes-like object is required, not 'float'"); // CPython then tries a buffer
  throw new TypeError(`a bytes-like object is required, not '${pyTypeName(v)}'`);
}

/** Does a setsockopt value turn a boolean option on (an int, or the C int in 4+ bytes; fewer bytes are EINVAL)? */
export function optionOn(v: unknown): boolean {
  return !(v instanceof Uint8Array && v.length < 4) && intArg(v) !== 0;
}

/** setsockopt's value as CPython parses it before any call: an int (a C int) or bytes, else TypeError. */
export function optionValueArg(v: unknown): void {
  if (v instanceof Uint8Array) return;
  const n = intArg(v);
  if (n > 0x7fffffff || n < -0x80000000) throw new TypeError("a bytes-like object is required, not 'int'");
}

/** The option table of one socket: Linux's defaults plus what was set (no Map until then). */
export class SocketOptions {
  private values: Map<number, number> | null = null;

  constructor(
    private readonly family: number,
    private readonly type: number,
  ) {}

  private lookup(k: number): number | undefined {
    return this.values?.get(k) ?? defaultValue(this.family, this.type, k);
  }

  /**
   * Store an option as the kernel would (booleans read back 0/1, buffer sizes doubled and clamped).
   * @returns the stored value.
   * @throws OSError `[Errno 92] Protocol not available` for unknown options.
   */
  set(level: number, opt: number, value: unknown): number {
    const k = key(level, opt);
    // Linux's socket level reads a whole int before it looks at the option.
    if (level === C.SOL_SOCKET && value instanceof Uint8Array && value.length < 4) throw oserror(E.EINVAL);
    if (this.lookup(k) === undefined || READ_ONLY.has(k)) throw oserror(E.ENOPROTOOPT);
    if (k === key(C.SOL_SOCKET, C.SO_LINGER)) return this.setLinger(value);
    if (k === key(C.SOL_SOCKET, C.SO_RCVTIMEO) || k === key(C.SOL_SOCKET, C.SO_SNDTIMEO)) return this.setTimeval(k, value);
    if (k === key(C.IPPROTO_IP, C.IP_MULTICAST_IF)) return this.setMulticastIf(value);
    if (value instanceof Uint8Array && value.length < (level === C.IPPROTO_IP ? 1 : 4)) throw oserror(E.EINVAL);
    let v = intArg(value);
    // CPython passes an int as a C int; beyond that it takes the value for bytes.
    if (v > 0x7fffffff || v < -0x80000000) throw new TypeError("a bytes-like object is required, not 'int'");
    if (BOOLEAN.has(k)) v = v ? 1 : 0;
    // Linux takes the size as unsigned (a negative one is huge), clamps it, and doubles it.
    else if (level === C.SOL_SOCKET && opt === C.SO_RCVBUF) v = v < 0 ? 8388608 : Math.min(Math.max(v * 2, 2304), 8388608);
    else if (level === C.SOL_SOCKET && opt === C.SO_SNDBUF) v = v < 0 ? 8388608 : Math.min(Math.max(v * 2, 4608), 8388608);
    else if (level === C.IPPROTO_TCP && (opt === C.TCP_KEEPIDLE || opt === C.TCP_KEEPINTVL)) {
      if (v < 1 || v > 32767) throw oserror(E.EINVAL);
    } else if (level === C.IPPROTO_TCP && opt === C.TCP_KEEPCNT) {
      if (v < 1 || v > 127) throw oserror(E.EINVAL);
    }
    else if (level === C.IPPROTO_IP && opt === C.IP_TTL) {
      if (v === -1) v = 64; // the route's default
      else if (v < 1 || v > 255) throw oserror(E.EINVAL);
    } else if (level === C.IPPROTO_IP && opt === C.IP_MULTICAST_TTL) {
      if (this.type === C.SOCK_STREAM) throw oserror(E.EINVAL);
      if (v === -1) v = 1;
      else if (v < 0 || v > 255) throw oserror(E.EINVAL);
    }
    (this.values ??= new Map()).set(k, v);
    return v;
  }

  /** SO_LINGER takes `struct linger` (`struct.pack("ii", onoff, seconds)`); an int is EINVAL, as on Linux. */
  private setLinger(value: unknown): number {
    if (!(value instanceof Uint8Array)) {
      intArg(value); // TypeError for what is neither bytes nor an int
      throw oserror(E.EINVAL);
    }
    if (value.length < 8) throw oserror(E.EINVAL);
    const onoff = le32(value, 0) !== 0 ? 1 : 0;
    this.values ??= new Map();
    this.values.set(key(C.SOL_SOCKET, C.SO_LINGER), onoff);
    if (onoff) this.values.set(LINGER_SECONDS, le32(value, 4)); // Linux keeps the time when turned off
    return onoff;
  }

  /**
   * SO_RCVTIMEO/SO_SNDTIMEO take `struct timeval` (`struct.pack("ll", seconds, microseconds)`),
   * kept as Linux keeps it: in jiffies, a negative time is none. An int is EINVAL, as on Linux.
   * @returns the stored value (microseconds).
   */
  private setTimeval(k: number, value: unknown): number {
    if (!(value instanceof Uint8Array)) {
      intArg(value); // TypeError for what is neither bytes nor an int
      throw oserror(E.EINVAL);
    }
    if (value.length < 16) throw oserror(E.EINVAL);
    const view = new DataView(value.buffer, value.byteOffset, 16);
    const sec = view.getBigInt64(0, true);
    const usec = view.getBigInt64(8, true);
    if (usec < 0n || usec >= 1000000n) throw oserror(E.EDOM);
    let us = 0;
    if (sec >= 0n && sec < TIMEVAL_MAX_S) us = Number(sec) * 1e6 + Math.ceil(Number(usec) / JIFFY_US) * JIFFY_US;
    (this.values ??= new Map()).set(k, us);
    return us;
  }

  /**
   * SO_RCVTIMEO (`send` false) or SO_SNDTIMEO in seconds; 0 when not set.
   * They act only in blocking mode, as on Linux (a socket with a Python timeout is non-blocking).
   */
  timeo(send: boolean): number {
    return (this.values?.get(key(C.SOL_SOCKET, send ? C.SO_SNDTIMEO : C.SO_RCVTIMEO)) ?? 0) / 1e6;
  }

  /**
   * The option as getsockopt(level, opt, buflen) returns it: Linux's struct, at most `buflen` bytes.
   */
  bytes(level: number, opt: number, v: number, buflen: number): Uint8Array {
    // Linux's IP-level options fit a smaller buffer in one byte (do_ip_getsockopt).
    if (level === C.IPPROTO_IP && buflen > 0 && buflen < 4 && v >= 0 && v <= 255) return Uint8Array.of(v);
    let words: number[] = [v];
    if (level === C.SOL_SOCKET && opt === C.SO_LINGER) words = [v, this.lingerSeconds()];
    else if (level === C.SOL_SOCKET && (opt === C.SO_RCVTIMEO || opt === C.SO_SNDTIMEO)) {
      const sec = Math.floor(v / 1e6);
      // struct timeval: two little-endian int64 (seconds fit in 32 bits here).
      words = [sec % 2 ** 32, Math.floor(sec / 2 ** 32), v - sec * 1e6, 0];
    }
    const out = new Uint8Array(Math.min(buflen, 4 * words.length));
    for (let i = 0; i < out.length; i++) out[i] = (words[i >> 2]! >>> (8 * (i & 3))) & 255;
    return out;
  }

  /**
   * IP_MULTICAST_IF takes an address (`inet_aton(ip)`, 4 bytes), `struct ip_mreqn` (12 bytes:
   * group, address, interface index) or an int; it reads back as the address's int (0: none).
   */
  private setMulticastIf(value: unknown): number {
    if (this.type === C.SOCK_STREAM) throw oserror(E.EINVAL);
    let addr: number;
    let index = 0;
    if (value instanceof Uint8Array) {
      if (value.length < 4) throw oserror(E.EINVAL);
      // Linux: 4 bytes are the address; 8 a `struct ip_mreq` (group, interface); 12 a `struct ip_mreqn` (… , index).
      addr = le32(value, value.length >= 8 ? 4 : 0);
      if (value.length >= 12) index = le32(value, 8);
    } else addr = intArg(value) | 0;
    this.values ??= new Map();
    this.values.set(key(C.IPPROTO_IP, C.IP_MULTICAST_IF), addr);
    this.values.set(MULTICAST_IFINDEX, index);
    return addr;
  }

  /** The interface IP_MULTICAST_IF chose, as an IPv4 literal ("0.0.0.0": the route decides). */
  multicastIface(): string {
    const a = this.values?.get(key(C.IPPROTO_IP, C.IP_MULTICAST_IF)) ?? 0;
    // Interface index 1 is the loopback interface (the only index known without asking the OS).
    if (a === 0 && this.values?.get(MULTICAST_IFINDEX) === 1) return "127.0.0.1";
    return `${a & 255}.${(a >>> 8) & 255}.${(a >>> 16) & 255}.${a >>> 24}`;
  }

  /** SO_LINGER's timeout in seconds (0 unless set). */
  lingerSeconds(): number {
    return this.values?.get(LINGER_SECONDS) ?? 0;
  }

  /** SO_LINGER is on with a zero timeout: close() resets the connection (RST, no FIN). */
  lingerReset(): boolean {
    return this.values !== null && this.values.get(key(C.SOL_SOCKET, C.SO_LINGER)) === 1 && this.lingerSeconds() === 0;
  }

  /** @throws OSError `[Errno 92] Protocol not available` for unknown options. */
  get(level: number, opt: number): number {
    const v = this.lookup(key(level, opt));
    if (v === undefined) throw oserror(E.ENOPROTOOPT);
    return v;
  }

  /** bind() gave an IPv6 socket an IPv4-mapped address: it can then reach IPv4 peers only. */
  markMappedBind(): void {
    (this.values ??= new Map()).set(MAPPED_BIND, 1);
  }

  /** Was the socket bound to an IPv4-mapped address (see {@link markMappedBind})? */
  get mappedBind(): boolean {
    return this.values?.get(MAPPED_BIND) === 1;
  }

  /** The value a setsockopt gave the option (an accepted socket's: the listener's), or `undefined` if none did. */
  given(level: number, opt: number): number | undefined {
    return this.values?.get(key(level, opt));
  }

  /** An option as getsockopt(level, opt) returns it: an int (of a timeval, the seconds). */
  getInt(level: number, opt: number): number {
    const v = this.get(level, opt);
    if (level === C.SOL_SOCKET && (opt === C.SO_RCVTIMEO || opt === C.SO_SNDTIMEO)) return Math.floor(v / 1e6) | 0;
    return v;
  }

  /**
   * An accepted socket's options: Linux copies the listener's (all but SO_ACCEPTCONN); null
   * when the listener set none (the defaults need no object per connection).
   */
  inherited(): SocketOptions | null {
    const acceptConn = key(C.SOL_SOCKET, C.SO_ACCEPTCONN);
    if (this.values === null || (this.values.size === 1 && this.values.has(acceptConn))) return null;
    const values = new Map(this.values);
    values.delete(acceptConn);
    if (values.size === 0) return null;
    const o = new SocketOptions(this.family, this.type);
    o.values = values;
    return o;
  }

  /** Internal updates (SO_ACCEPTCONN, V6ONLY from create_server). */
  force(level: number, opt: number, v: number): void {
    (this.values ??= new Map()).set(key(level, opt), v);
  }
}

/** The signed 32-bit little-endian word at `at` (a C int in a packed struct). */
function le32(b: Uint8Array, at: number): number {
  return b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24);
}
