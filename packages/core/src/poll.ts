// Python's `select.poll()` over polysock sockets, on top of select(): the events Linux's
// poll(2) reports for them (POLLIN, POLLOUT, POLLWRBAND for UDP and unix, POLLRDHUP; POLLERR, POLLHUP, POLLNVAL always).
import { type PyList, pyList, tuple } from "./address.js";
import { KeyError, OverflowError, RuntimeError, ValueError, oserror } from "./errors.js";
import { uintArgValue } from "./_args.js";
import { errno as E } from "./errno.js";
import { AF_UNIX, SOCK_STREAM } from "./constants.js";
import { type Selectable, type SetChanges, fdOf, readySockets, socketAt } from "./select.js";
import type { Socket } from "./socket.js";

/** `select.POLLIN` */ export const POLLIN = 1;
/** `select.POLLPRI` (urgent data: never reported) */ export const POLLPRI = 2;
/** `select.POLLOUT` */ export const POLLOUT = 4;
/** `select.POLLERR` */ export const POLLERR = 8;
/** `select.POLLHUP` */ export const POLLHUP = 16;
/** `select.POLLNVAL` */ export const POLLNVAL = 32;
/** `select.POLLRDNORM` */ export const POLLRDNORM = 64;
/** `select.POLLRDBAND` (never reported) */ export const POLLRDBAND = 128;
/** `select.POLLWRNORM` */ export const POLLWRNORM = 256;
/** `select.POLLWRBAND` (reported with POLLOUT for UDP and AF_UNIX sockets, as Linux does; not TCP) */ export const POLLWRBAND = 512;
/** `select.POLLMSG` (never reported) */ export const POLLMSG = 1024;
/** `select.POLLRDHUP` (asked for: the peer shut down its sending, or the connection is gone) */ export const POLLRDHUP = 8192;

/**
 * What `select.poll()` returns: `register(sock[, eventmask])`, `modify`, `unregister`, and
 * `await poll(timeout_ms)` → `[(fd, events), …]` (`fd` is `sock.fileno()`).
 * @example
 * ```ts
 * // Python: poller = select.poll(); poller.register(server, select.POLLIN); events = poller.poll(1000)
 * const poller = socket.poll();
 * poller.register(server, socket.POLLIN);
 * for (const [fd, flag] of await poller.poll(1000)) { ... }
 * ```
 */
export class Poll {
  /** Registered fds; `sock` is the socket that had the fd then (`undefined`: none, POLLNVAL). */
  private readonly fds = new Map<number, { sock: Socket | undefined; mask: number }>();
  /** A poll() is waiting (CPython refuses a second one meanwhile). */
  private polling = false;

  /**
   * Like `poller.register(fd, eventmask=POLLIN|POLLPRI|POLLOUT)`: a socket, its fd, or an object
   * with `fileno()`; registering again modifies. An fd of no open socket is reported POLLNVAL.
   */
  register(fd: Selectable, eventmask: number = POLLIN | POLLPRI | POLLOUT): void {
    const n = fdOf(fd);
    this.fds.set(n, { sock: socketAt(n), mask: maskArg(eventmask) });
  }

  /**
   * Like `poller.modify(fd, eventmask)`.
   * @throws FileNotFoundError `[Errno 2]` if `fd` is not registered.
   */
  modify(fd: Selectable, eventmask: number): void {
    const n = fdOf(fd);
    const mask = maskArg(eventmask);
    if (!this.fds.has(n)) throw oserror(E.ENOENT);
    this.fds.set(n, { sock: socketAt(n), mask });
  }

  /**
   * Like `poller.unregister(fd)`.
   * @throws KeyError if `fd` is not registered.
   */
  unregister(fd: Selectable): void {
    const n = fdOf(fd);
    if (!this.fds.delete(n)) throw new KeyError(n);
  }

  /**
   * Like `poller.poll(timeout=None)`: `timeout` in milliseconds (`null` or negative: no limit).
   * Returns the sockets with events, as `(fd, events)` tuples.
   * @throws OverflowError `timeout is too large` beyond a C int of milliseconds.
   */
  async poll(timeout: number | null = null): Promise<PyList<[number, number]>> {
    if (this.polling) throw new RuntimeError("concurrent poll() invocation");
    this.polling = true;
    try {
      return await this.pollOnce(timeout);
    } finally {
      this.polling = false;
    }
  }

  private async pollOnce(timeout: number | null): Promise<PyList<[number, number]>> {
    if (typeof timeout === "bigint") timeout = Number(timeout); // a Python int
    if (timeout !== null && timeout !== undefined && typeof timeout !== "number" && typeof timeout !== "boolean")
      throw new TypeError("timeout must be an integer or None");
    const ms = timeout === null || timeout === undefined ? -1 : Number(timeout);
    if (Number.isNaN(ms)) throw new ValueError("Invalid value NaN (not a number)");
    // poll(2) takes a C int of milliseconds (CPython converts through int64 nanoseconds first).
    if (ms > 2147483647 || ms < -2147483648)
      throw new OverflowError(Math.abs(ms) > 9223372036854.775 ? "timestamp too large to convert to C _PyTime_t" : "timeout is too large");
    const seconds = ms < 0 ? null : ms / 1000;
    const open: [number, { sock: Socket; mask: number }][] = [];
    const out = pyList<[number, number]>([]);
    // An fd of no open socket (closed since it was registered) is POLLNVAL, at once; one a new
    // socket took since is that socket's, as the kernel's poll sees only numbers.
    for (const [fd, e] of this.fds) {
      if (e.sock === undefined || e.sock.fileno() !== fd) e.sock = socketAt(fd);
      if (e.sock !== undefined && e.sock.fileno() === fd) open.push([fd, { sock: e.sock, mask: e.mask }]);
      else out.push(tuple(fd, POLLNVAL));
    }
    const ready = await readiness(open.map(([, e]) => e), out.length > 0 ? 0 : seconds);
    for (let i = 0; i < open.length; i++) {
      const [fd] = open[i]!;
      // Closed during the wait: the kernel says POLLNVAL.
      if (ready[i] === -1) out.push(tuple(fd, POLLNVAL));
      else if (ready[i] !== 0) out.push(tuple(fd, ready[i]!));
    }
    return out;
  }
}

/**
 * @internal What poll(2) and epoll report for each of `entries` (a socket and the events asked
 * for: POLLIN/POLLRDNORM, POLLOUT/POLLWRNORM (and POLLWRBAND but for TCP), POLLRDHUP; POLLERR and POLLHUP always; epoll's
 * bits are the same), waiting up to `seconds` (`null`: no limit) for one to have any; -1 for a
 * socket closed meanwhile.
 */
export async function readiness(
  entries: readonly { sock: Socket; mask: number }[],
  seconds: number | null,
  changes: SetChanges | null = null,
): Promise<number[]> {
  const now = (e: { sock: Socket; mask: number }): number =>
    (e.sock._hangUp() ? POLLHUP : 0) | (e.sock._pollError() ? POLLERR : 0) | (e.mask & POLLRDHUP && e.sock._rdHup() ? POLLRDHUP : 0);
  const wait = entries.some((e) => now(e) !== 0) ? 0 : seconds;
  const r = entries.filter((e) => e.mask & (POLLIN | POLLRDNORM)).map((e) => e.sock);
  const w = entries.filter((e) => e.mask & (POLLOUT | POLLWRNORM | POLLWRBAND)).map((e) => e.sock);
  const fds = entries.map((e) => e.sock.fileno());
  const [rl, wl] = await readySockets(r, r, w, w, wait, changes);
  const rr = new Set(rl);
  const ww = new Set(wl);
  return entries.map((e, i) => {
    if (e.sock.fileno() !== fds[i]) return -1;
    let ev = now(e);
    if (rr.has(e.sock) && !e.sock._readableNotIn()) ev |= e.mask & (POLLIN | POLLRDNORM);
    // Linux's datagram and unix poll say POLLWRBAND too where TCP's does not.
    if (ww.has(e.sock)) ev |= e.mask & (e.sock.type === SOCK_STREAM && e.sock.family !== AF_UNIX ? POLLOUT | POLLWRNORM : POLLOUT | POLLWRNORM | POLLWRBAND);
    return ev;
  });
}

/** An event mask as poll's C `unsigned short`. */
function maskArg(m: unknown): number {
  const n = Number(uintArgValue(m)); // (CPython's unsigned short converter's TypeError for a non-int)
  if (n < 0) throw new ValueError("value must be positive");
  if (n >= 2 ** 64) throw new OverflowError("Python int too large to convert to C unsigned long");
  if (n > 0xffff) throw new OverflowError("Python int too large for C unsigned short");
  return n;
}

/** Like `select.poll()`. */
export function poll(): Poll {
  return new Poll();
}
