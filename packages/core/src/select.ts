// Python's `select.select()` for polysock sockets: which sockets a recv/accept or a send
// would not wait on, as Linux's select(2) reports them.
import { pyList, tuple } from "./address.js";
import { errno as E } from "./errno.js";
import { OverflowError, ValueError, oserror } from "./errors.js";
import { ownerOf } from "./_fds.js";
import { Socket } from "./socket.js";
import { MAX_TIMER_S, type WaitList, type Waiter, afterPoll, nextTurn } from "./_timeout.js";

/** One select() call waiting on several sockets: the first sign of life wakes it. */
class SelectWaiter implements Waiter {
  timer: ReturnType<typeof setTimeout> | undefined = undefined;
  due = 0;
  /** The wait lists it is on (a Set: a selector may watch thousands of sockets, each once). */
  private readonly lists = new Set<WaitList>();
  private done = false;

  constructor(private readonly resolve: () => void) {}

  watch(on: WaitList | Promise<void> | null): void {
    if (on === null) return;
    if (on instanceof Promise) void on.then(this.wake, this.wake);
    else if (!this.lists.has(on)) {
      this.lists.add(on);
      on.addWaiter(this, null);
    }
  }

  readonly wake = (): void => {
    if (this.done) return;
    this.done = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    for (const l of this.lists) l.remove(this);
    this.resolve();
  };

  fail(): void {
    this.wake(); // closed meanwhile: the next check reports it
  }
}

/**
 * What select() accepts, as Python's: a socket, a socket's fd (`sock.fileno()`), or any object
 * with a `fileno()` method returning one (a makefile() file, a program's own connection class).
 */
export type Selectable = Socket | number | { fileno(): number };

/**
 * The fd of a select()/poll() argument, checked as Python's `PyObject_AsFileDescriptor`.
 * @throws TypeError for what is neither an int nor has fileno(); ValueError for a negative fd.
 */
export function fdOf(x: unknown): number {
  let fd: unknown;
  if (x instanceof Socket) fd = x.fileno();
  else if (typeof x === "number" || typeof x === "boolean") {
    if (!Number.isInteger(Number(x))) throw new TypeError("argument must be an int, or have a fileno() method.");
    fd = Number(x);
  } else if (x !== null && typeof x === "object" && typeof (x as { fileno?: unknown }).fileno === "function") {
    fd = (x as { fileno(): unknown }).fileno();
    if (typeof fd !== "number" || !Number.isInteger(fd)) throw new TypeError("fileno() returned a non-integer");
  } else throw new TypeError("argument must be an int, or have a fileno() method.");
  const n = fd as number;
  if (n > 0x7fffffff || n < -0x80000000) throw new OverflowError("Python int too large to convert to C int");
  if (n < 0) throw new ValueError(`file descriptor cannot be a negative integer (${n})`);
  return n;
}

/** select(2)'s fd_set holds descriptors below this (FD_SETSIZE); CPython checks before the call. */
const FD_SETSIZE = 1024;

/** The open socket with fd `fd`, or `undefined` (not a polysock socket, or closed). */
export function socketAt(fd: number): Socket | undefined {
  return ownerOf<Socket>(fd);
}

/**
 * The socket of a select() argument.
 * @throws OSError `[Errno 9]` for an fd that is no open polysock socket (select(2)'s EBADF).
 */
export function socketOf(x: unknown): Socket {
  if (x instanceof Socket && x.fileno() >= 0) return x;
  const s = socketAt(fdOf(x));
  if (s === undefined) throw oserror(E.EBADF);
  return s;
}

/** The socket of a select() argument: as {@link socketOf}, and below FD_SETSIZE (ValueError), as CPython's select checks. */
function selectSocketOf(x: unknown): Socket {
  const fd = x instanceof Socket ? x.fileno() : fdOf(x);
  if (fd >= FD_SETSIZE) throw new ValueError("filedescriptor out of range in select()");
  return socketOf(x);
}

function checkList(list: unknown): [Selectable[], Socket[]] {
  if (list === null || typeof list !== "object" || !(Symbol.iterator in list))
    throw new TypeError("arguments 1-3 must be sequences");
  const items = [...(list as Iterable<Selectable>)];
  return [items, items.map(selectSocketOf)];
}

function checkSelectTimeout(t: unknown): number | null {
  if (t === null || t === undefined) return null;
  if (typeof t === "boolean" || typeof t === "bigint") return checkSelectTimeout(Number(t)); // a bool is an int in Python
  if (typeof t !== "number") throw new TypeError("timeout must be a float or None");
  if (Number.isNaN(t)) throw new ValueError("Invalid value NaN (not a number)");
  // CPython keeps timeouts as int64 nanoseconds (the text of a float timeout), converted before the sign is checked.
  if (Math.abs(t) > 9223372036.854775) throw new OverflowError("timestamp out of range for platform time_t");
  if (t < 0) throw new ValueError("timeout must be non-negative");
  return t;
}

/**
 * Like `readable, writable, exceptional = select.select(rlist, wlist, xlist[, timeout])`:
 * waits until a socket in `rlist` has something for `recv`/`recvfrom`/`accept` (data, EOF,
 * an error or a connection), or one in `wlist` can be written (or a non-blocking `connect`
 * finished), or `timeout` seconds pass (`null`: no limit; `0`: just look). `xlist` (urgent
 * data) is never reported. Returns the ready sockets of each list, in the lists' order.
 * @example
 * ```ts
 * // Python: r, w, _ = select.select(socks, [], [], 1.0)
 * const [r, w] = await socket.select(socks, [], [], 1.0);
 * ```
 * Lists may also hold makefile() files (they select on their socket); the result holds the
 * objects as given.
 * @throws ValueError for a closed socket (fd -1) or a negative timeout; TypeError for what is neither an int nor has
 * fileno(); OSError `[Errno 9]` for an fd of no open polysock socket; OverflowError for a timeout beyond ~292 years.
 */
export async function select<T extends Selectable>(
  rlist: Iterable<T>,
  wlist: Iterable<T>,
  xlist: Iterable<T>,
  timeout: number | null = null,
): Promise<[T[], T[], T[]]> {
  const [ri, r] = checkList(rlist);
  const [wi, w] = checkList(wlist);
  checkList(xlist);
  const t = checkSelectTimeout(timeout);
  const [rr, ww] = await readySockets(ri as T[], r, wi as T[], w, t);
  return tuple(pyList(rr), pyList(ww), pyList<T>([])) as [T[], T[], T[]];
}

/**
 * @internal select() without its argument checks and FD_SETSIZE limit, for poll, epoll and
 * selectors (which have no such limit): the items of `ri`/`wi` whose sockets (`r`/`w`, open,
 * in the same order) are ready, waiting up to `t` seconds (`null`: no limit).
 */
export async function readySockets<T>(
  ri: readonly T[],
  r: readonly Socket[],
  wi: readonly T[],
  w: readonly Socket[],
  t: number | null,
  changes: SetChanges | null = null,
): Promise<[T[], T[]]> {
  const deadline = t === null ? 0 : Date.now() + t * 1000;
  // A change of the watching epoll set (a socket registered meanwhile) ends a wait with what is ready then, maybe nothing.
  const gen = changes === null ? 0 : changes.gen;
  const ready = (): [T[], T[]] | null => {
    const rr = ri.filter((_, i) => r[i]!._ready(false));
    const ww = wi.filter((_, i) => w[i]!._ready(true));
    return rr.length > 0 || ww.length > 0 ? [rr, ww] : null;
  };
  const none = (): [T[], T[]] => [[], []];
  // A socket asked for both whose data may still be in the kernel: select(2) reports a socket
  // that has data and is writable in both lists, in one call (CPython's gh-110038 test).
  const ws = r.length > 0 && w.length > 0 ? new Set(w) : null;
  const both = ws === null ? [] : r.filter((s) => ws.has(s));
  const unread = (): boolean => both.some((s) => !s._ready(false));
  // Let the runtime run its pending I/O once first: what the kernel already holds (a loopback
  // send is delivered at once) is then in the sockets' queues, as select(2) would see it, and
  // a polling loop (timeout 0) cannot starve the runtime. Timeout 0 looks after the runtime's
  // next I/O poll (see afterPoll); a wait sees what arrives anyway. (Other sockets' data the
  // runtime has not delivered yet comes with the next call: differences #59.)
  const settle = async (done: () => boolean): Promise<void> => {
    await afterPoll(done);
    // A new connection's first delivery may take a second poll (see StreamConn.heard).
    if (!done() && r.some((s) => !s._ready(false) && s._fresh())) await afterPoll(done);
  };
  // Every call gives the runtime a turn of its event loop first, even when a socket is ready
  // already: a loop polling with timeout 0 while another socket is always writable must still
  // let the runtime read what arrives (every second call crosses its I/O poll; Deno's, every ~60).
  await nextTurn();
  if (t === 0) await settle(() => ready() !== null && !unread());
  else if (both.length > 0 && ready() !== null && unread()) await settle(() => !unread());
  for (;;) {
    const found = ready();
    if (found !== null) return found;
    const left = t === null ? null : (deadline - Date.now()) / 1000;
    if (left !== null && left <= 0) {
      // Time is up: what the kernel holds by now may not be read out yet (see WaitList's expire).
      await settle(() => ready() !== null);
      return ready() ?? none();
    }
    if (changes !== null && changes.gen !== gen) return none(); // changed while it looked: look at the set anew
    let waiter: SelectWaiter | null = null;
    await new Promise<void>((resolve) => {
      waiter = new SelectWaiter(resolve);
      for (const s of r) waiter.watch(s._readyWait(false));
      for (const s of w) waiter.watch(s._readyWait(true));
      // (Beyond ~24.8 days setTimeout overflows: such a wait is as good as none.)
      if (left !== null && left < MAX_TIMER_S) waiter.timer = setTimeout(waiter.wake, left * 1000);
      changes?.add(waiter.wake);
    });
    if (changes !== null) {
      changes.remove(waiter!.wake);
      if (changes.gen !== gen) return ready() ?? none();
    }
  }
}

/**
 * What an epoll set's waits watch besides their sockets: `changed()` (a socket registered or
 * modified) ends the waits under way, which then look at the set as it is now, as epoll_wait(2)
 * reports a descriptor added while it waits.
 */
export class SetChanges {
  /** Counts the changes. */
  gen = 0;
  private readonly wakes = new Set<() => void>();

  add(wake: () => void): void {
    this.wakes.add(wake);
  }

  remove(wake: () => void): void {
    this.wakes.delete(wake);
  }

  changed(): void {
    this.gen++;
    for (const wake of [...this.wakes]) wake();
  }
}
