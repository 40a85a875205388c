// Python's `select.epoll()` over polysock sockets, on top of the readiness poll() reports:
// level-triggered, as Linux's epoll without EPOLLET (EPOLLIN, EPOLLOUT, EPOLLRDHUP; EPOLLERR and
// EPOLLHUP always), with EPOLLONESHOT. A socket closed while registered leaves the set, as its
// file does in Linux. (EPOLLET is accepted and reports level-triggered: differences #51.)
import { type PyList, pyList, tuple } from "./address.js";
import { intArg } from "./bytes.js";
import { errno as E } from "./errno.js";
import { OSError, OverflowError, ValueError, oserror } from "./errors.js";
import { closeFd, newFd } from "./_fds.js";
import { readiness } from "./poll.js";
import { objectRepr } from "./_repr.js";
import { type Selectable, SetChanges, fdOf, socketAt } from "./select.js";
import type { Socket } from "./socket.js";

// (Node 20 has Symbol.dispose; older engines get the well-known fallback tsx/esbuild use, as selectors.ts.)
(Symbol as { dispose?: symbol }).dispose ??= Symbol.for("Symbol.dispose");

/** `select.EPOLLIN` */ export const EPOLLIN = 1;
/** `select.EPOLLPRI` (urgent data: never reported) */ export const EPOLLPRI = 2;
/** `select.EPOLLOUT` */ export const EPOLLOUT = 4;
/** `select.EPOLLERR` */ export const EPOLLERR = 8;
/** `select.EPOLLHUP` */ export const EPOLLHUP = 16;
/** `select.EPOLLRDNORM` */ export const EPOLLRDNORM = 64;
/** `select.EPOLLRDBAND` (never reported) */ export const EPOLLRDBAND = 128;
/** `select.EPOLLWRNORM` */ export const EPOLLWRNORM = 256;
/** `select.EPOLLWRBAND` (with EPOLLOUT for UDP and AF_UNIX sockets, as Linux) */ export const EPOLLWRBAND = 512;
/** `select.EPOLLMSG` (never reported) */ export const EPOLLMSG = 1024;
/** `select.EPOLLRDHUP`: the peer shut down its sending, or the connection is gone */ export const EPOLLRDHUP = 8192;
/** `select.EPOLLEXCLUSIVE` (accepted; one waiter per socket is all polysock has) */ export const EPOLLEXCLUSIVE = 1 << 28;
/** `select.EPOLLONESHOT`: reported once, then disabled until `modify()` */ export const EPOLLONESHOT = 1 << 30;
/** `select.EPOLLET` (accepted; reports as level-triggered: differences #51) */ export const EPOLLET = 2 ** 31;
/** `select.EPOLL_CLOEXEC`, the one flag `epoll()` takes */ export const EPOLL_CLOEXEC = 0o2000000;

/** What EPOLLEXCLUSIVE may be combined with (Linux's EPOLLEXCLUSIVE_OK_BITS, with EPOLLWAKEUP). */
const EXCLUSIVE_OK = EPOLLIN | EPOLLOUT | EPOLLERR | EPOLLHUP | (1 << 29) | EPOLLET | EPOLLEXCLUSIVE;

/**
 * What `select.epoll()` returns: `register(sock[, eventmask])`, `modify`, `unregister`,
 * `await poll(timeout_s, maxevents)` → `[(fd, events), …]`, `close()`; `using ep = socket.epoll()`
 * closes it as Python's `with select.epoll() as ep:` does.
 * @example
 * ```ts
 * // Python: ep = select.epoll(); ep.register(server.fileno(), select.EPOLLIN); events = ep.poll(1)
 * const ep = socket.epoll();
 * ep.register(server.fileno(), socket.EPOLLIN);
 * for (const [fd, event] of await ep.poll(1)) { ... }
 * ```
 */
export class Epoll {
  /** Registered sockets by fd; `off`: an EPOLLONESHOT registration that has reported. */
  private readonly fds = new Map<number, { sock: Socket; mask: number; off: boolean }>();
  private fd: number;

  /** Like `select.epoll(sizehint=-1, flags=0)`. @throws ValueError `negative sizehint`, OSError `invalid flags`. */
  constructor(sizehint: number = -1, flags: number = 0) {
    const hint = intArg(sizehint);
    if (hint === 0 || hint < -1) throw new ValueError("negative sizehint");
    const f = intArg(flags);
    if (f !== 0 && f !== EPOLL_CLOEXEC) throw new OSError("invalid flags");
    this.fd = newFd();
  }

  /** Like `ep.closed`. */
  get closed(): boolean {
    return this.fd < 0;
  }

  /** Like `ep.fileno()`: the epoll object's own descriptor number. */
  fileno(): number {
    this.check();
    return this.fd;
  }

  /** Like `ep.close()` (again: nothing). */
  close(): void {
    if (this.fd < 0) return;
    closeFd(this.fd);
    this.fd = -1;
    this.fds.clear();
  }

  /** `using ep = socket.epoll()`: Python's `with select.epoll() as ep:`. */
  [Symbol.dispose](): void {
    this.close();
  }

  /**
   * Like `ep.register(fd, eventmask=EPOLLIN | EPOLLPRI | EPOLLOUT)`: a socket, its fd, or an object with `fileno()`.
   * @throws FileExistsError `[Errno 17]` if registered already; OSError `[Errno 9]` for an fd of no open socket.
   */
  register(fd: Selectable, eventmask: number = EPOLLIN | EPOLLPRI | EPOLLOUT): void {
    this.check();
    const n = fdOf(fd);
    const mask = maskArg(eventmask);
    const sock = this.socketAt(n);
    if (mask & EPOLLEXCLUSIVE && mask & ~EXCLUSIVE_OK) throw oserror(E.EINVAL); // (before EEXIST, as Linux)
    if (this.live(n) !== undefined) throw oserror(E.EEXIST);
    this.fds.set(n, { sock, mask, off: false });
    this.changes.changed();
  }

  /**
   * Like `ep.modify(fd, eventmask)` (re-arms an EPOLLONESHOT registration).
   * @throws FileNotFoundError `[Errno 2]` if `fd` is not registered.
   */
  modify(fd: Selectable, eventmask: number): void {
    this.check();
    const n = fdOf(fd);
    const mask = maskArg(eventmask);
    const sock = this.socketAt(n);
    if (mask & EPOLLEXCLUSIVE) throw oserror(E.EINVAL); // (before ENOENT, as Linux)
    const e = this.live(n);
    if (e === undefined) throw oserror(E.ENOENT);
    if (e.mask & EPOLLEXCLUSIVE) throw oserror(E.EINVAL);
    this.fds.set(n, { sock, mask, off: false });
    this.changes.changed();
  }

  /**
   * Like `ep.unregister(fd)`.
   * @throws FileNotFoundError `[Errno 2]` if `fd` is not registered.
   */
  unregister(fd: Selectable): void {
    this.check();
    const n = fdOf(fd);
    this.socketAt(n);
    if (this.live(n) === undefined) throw oserror(E.ENOENT);
    this.fds.delete(n);
    this.changes.changed(); // a wait under way goes on without it (it must not end the wait early)
  }

  /**
   * Like `ep.poll(timeout=None, maxevents=-1)`: `timeout` in seconds (`null` or negative: no limit);
   * at most `maxevents` `(fd, events)` tuples of the sockets with events.
   * @throws ValueError for `maxevents` 0 or below -1; OverflowError `timeout is too large`.
   */
  async poll(timeout: number | null = null, maxevents: number = -1): Promise<PyList<[number, number]>> {
    this.check();
    const seconds = timeoutArg(timeout);
    const max = intArg(maxevents);
    if (max === 0 || max < -1) throw new ValueError(`maxevents must be greater than 0, got ${max}`);
    const deadline = seconds === null ? 0 : Date.now() + seconds * 1000;
    for (;;) {
      const entries: { fd: number; sock: Socket; mask: number; off: boolean }[] = [];
      for (const [fd, e] of this.fds) if (this.live(fd) !== undefined && !e.off) entries.push({ fd, ...e });
      const gen = this.changes.gen;
      const left = seconds === null ? null : Math.max(0, (deadline - Date.now()) / 1000);
      const ready = await readiness(entries, left, this.changes);
      // Linux's ready list: the descriptors ready before, in their order, then the newly ready ones.
      const events = new Map<number, number>();
      for (let i = 0; i < entries.length; i++) {
        const e = entries[i]!;
        if (ready[i]! > 0 && this.fds.get(e.fd)?.sock === e.sock) events.set(e.fd, ready[i]!); // (not closed or unregistered meanwhile)
      }
      const order = this.readyList.filter((fd) => events.has(fd));
      if (order.length < events.size) {
        const listed = new Set(order);
        for (const fd of events.keys()) if (!listed.has(fd)) order.push(fd);
      }
      const n = max < 0 ? order.length : Math.min(max, order.length);
      const out = pyList<[number, number]>([]);
      for (let i = 0; i < n; i++) {
        out.push(tuple(order[i]!, events.get(order[i]!)!));
        if (this.fds.get(order[i]!)!.mask & EPOLLONESHOT) this.fds.get(order[i]!)!.off = true;
      }
      // What it reported goes to the end of the list (level-triggered: it is still ready), so a
      // `maxevents` smaller than the ready descriptors serves each of them in turn, as Linux.
      this.readyList = order.slice(n).concat(order.slice(0, n));
      // A socket registered (or modified) while it waited: look again, for the time left.
      if (out.length > 0 || this.changes.gen === gen || this.fd < 0 || (seconds !== null && Date.now() >= deadline)) return out;
    }
  }

  /** The descriptors last seen ready, in the order the next poll() reports them (epoll's ready list). */
  private readyList: number[] = [];

  /** Registrations, modifications, removals: waits under way look at the set anew (epoll_wait(2) sees them). */
  private readonly changes = new SetChanges();

  /** Like `repr(ep)`. */
  toString(): string {
    return objectRepr("select.epoll", this);
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  private check(): void {
    if (this.fd < 0) throw new ValueError("I/O operation on closed epoll object");
  }

  /** The open socket with descriptor `n` (epoll_ctl's EBADF for any other number). */
  private socketAt(n: number): Socket {
    if (n === this.fd) throw oserror(E.EINVAL); // epoll_ctl(2) of the epoll object itself
    const s = socketAt(n);
    if (s === undefined || s.fileno() !== n) throw oserror(E.EBADF);
    return s;
  }

  /** `n`'s registration, unless its socket has closed since (Linux drops it with the file). */
  private live(n: number): { sock: Socket; mask: number; off: boolean } | undefined {
    const e = this.fds.get(n);
    if (e === undefined) return undefined;
    if (e.sock.fileno() === n) return e;
    this.fds.delete(n);
    return undefined;
  }
}

/** An event mask as epoll's C `unsigned int` (CPython takes it modulo 2**32). */
function maskArg(m: unknown): number {
  const n = intArg(m);
  return n >= 0 ? n % 2 ** 32 : (n % 2 ** 32) + 2 ** 32;
}

/** epoll.poll's timeout in seconds (null: none), converted as CPython's (to milliseconds, a C int). */
function timeoutArg(t: unknown): number | null {
  if (t === null || t === undefined) return null;
  if (typeof t === "bigint") t = Number(t); // a Python int
  if (typeof t !== "number" && typeof t !== "boolean") throw new TypeError("timeout must be an integer or None");
  const s = Number(t);
  if (Number.isNaN(s)) throw new ValueError("Invalid value NaN (not a number)");
  if (Math.abs(s) > 9223372036.854775) throw new OverflowError("timestamp out of range for platform time_t");
  const ms = Math.ceil(s * 1000); // a C int of milliseconds
  if (ms > 2147483647 || ms < -2147483648) throw new OverflowError("timeout is too large");
  if (s < 0) return null;
  return ms / 1000;
}

/** Like `select.epoll(sizehint=-1, flags=0)`. */
export function epoll(sizehint: number = -1, flags: number = 0): Epoll {
  return new Epoll(sizehint, flags);
}
