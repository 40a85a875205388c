// Socket options: the Linux defaults CPython reports, kept per socket (no runtime exposes getsockopt).
import * as C from "./constants.js";
import { errno as E } from "./errno.js";
import { OSError } from "./errors.js";
import { pyTypeName } from "./bytes.js";

const key = (level: number, opt: number): number => level * 1000 + opt;

/** Options that read back as 0/1. */
const BOOLEAN = new Set([
  key(C.SOL_SOCKET, C.SO_REUSEADDR),
  key(C.SOL_SOCKET, C.SO_REUSEPORT),
  key(C.SOL_SOCKET, C.SO_KEEPALIVE),
  key(C.SOL_SOCKET, C.SO_BROADCAST),
  key(C.IPPROTO_TCP, C.TCP_NODELAY),
  key(C.IPPROTO_IPV6, C.IPV6_V6ONLY),
]);
const READ_ONLY = new Set([key(C.SOL_SOCKET, C.SO_TYPE), key(C.SOL_SOCKET, C.SO_ERROR), key(C.SOL_SOCKET, C.SO_ACCEPTCONN)]);

/** Fresh-socket values on Linux (python-socket-semantics.md §9). */
function defaults(family: number, type: number): Map<number, number> {
  const m = new Map<number, number>([
    [key(C.SOL_SOCKET, C.SO_REUSEADDR), 0],
    [key(C.SOL_SOCKET, C.SO_REUSEPORT), 0],
    [key(C.SOL_SOCKET, C.SO_KEEPALIVE), 0],
    [key(C.SOL_SOCKET, C.SO_BROADCAST), 0],
    [key(C.SOL_SOCKET, C.SO_RCVBUF), type === C.SOCK_DGRAM ? 212992 : 131072],
    [key(C.SOL_SOCKET, C.SO_SNDBUF), type === C.SOCK_DGRAM ? 212992 : 16384],
    [key(C.SOL_SOCKET, C.SO_LINGER), 0],
    [key(C.SOL_SOCKET, C.SO_TYPE), type],
    [key(C.SOL_SOCKET, C.SO_ERROR), 0],
    [key(C.SOL_SOCKET, C.SO_ACCEPTCONN), 0],
  ]);
  if (family !== C.AF_UNIX) m.set(key(C.IPPROTO_IP, C.IP_TTL), 64);
  if (family === C.AF_INET6) m.set(key(C.IPPROTO_IPV6, C.IPV6_V6ONLY), 0);
  if (type === C.SOCK_STREAM && family !== C.AF_UNIX) {
    m.set(key(C.IPPROTO_TCP, C.TCP_NODELAY), 0);
    m.set(key(C.IPPROTO_TCP, C.TCP_KEEPIDLE), 7200);
    m.set(key(C.IPPROTO_TCP, C.TCP_KEEPINTVL), 75);
    m.set(key(C.IPPROTO_TCP, C.TCP_KEEPCNT), 9);
  }
  return m;
}

function intArg(v: unknown): number {
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "number" && Number.isInteger(v)) return v;
  if (v instanceof Uint8Array) {
    let n = 0;
    for (let i = Math.min(v.length, 4) - 1; i >= 0; i--) n = n * 256 + v[i]!;
    return n;
  }
  if (typeof v === "number") throw new TypeError("'float' object cannot be interpreted as an integer");
  throw new TypeError(`a bytes-like object is required, not '${pyTypeName(v)}'`);
}

/** The option table of one socket. */
export class SocketOptions {
  private readonly values: Map<number, number>;

  constructor(family: number, type: number) {
    this.values = defaults(family, type);
  }

  /**
   * Store an option as the kernel would (booleans read back 0/1, buffer sizes doubled and clamped).
   * @returns the stored value.
   * @throws OSError `[Errno 92] Protocol not available` for unknown options.
   */
  set(level: number, opt: number, value: unknown): number {
    const k = key(level, opt);
    if (!this.values.has(k) || READ_ONLY.has(k)) {
      if (READ_ONLY.has(k)) throw new OSError(E.ENOPROTOOPT);
      throw new OSError(E.ENOPROTOOPT);
    }
    let v = intArg(value);
    if (BOOLEAN.has(k)) v = v ? 1 : 0;
    else if (level === C.SOL_SOCKET && opt === C.SO_RCVBUF) v = Math.min(Math.max(v * 2, 2304), 8388608);
    else if (level === C.SOL_SOCKET && opt === C.SO_SNDBUF) v = Math.min(Math.max(v * 2, 4608), 8388608);
    this.values.set(k, v);
    return v;
  }

  /** @throws OSError `[Errno 92] Protocol not available` for unknown options. */
  get(level: number, opt: number): number {
    const v = this.values.get(key(level, opt));
    if (v === undefined) throw new OSError(E.ENOPROTOOPT);
    return v;
  }

  /** Internal updates (SO_ACCEPTCONN, V6ONLY from create_server). */
  force(level: number, opt: number, v: number): void {
    this.values.set(key(level, opt), v);
  }
}
