// Python's `select.select()` for polysock sockets: which sockets a recv/accept or a send
// would not wait on, as Linux's select(2) reports them.
import { tuple } from "./address.js";
import { ValueError } from "./errors.js";
import { Socket } from "./socket.js";
import { type WaitList, type Waiter, nextTurn } from "./_timeout.js";

const MAX_TIMER_S = 2147483;

/** One select() call waiting on several sockets: the first sign of life wakes it. */
class SelectWaiter implements Waiter {
  timer: ReturnType<typeof setTimeout> | undefined = undefined;
  private lists: WaitList[] = [];
  private done = false;

  constructor(private readonly resolve: () => void) {}

  watch(on: WaitList | Promise<void> | null): void {
    if (on === null) return;
    if (on instanceof Promise) void on.then(this.wake, this.wake);
    else if (!this.lists.includes(on)) {
      this.lists.push(on);
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

function checkSockets(list: Iterable<unknown>, name: string): Socket[] {
  if (list === null || typeof list !== "object" || !(Symbol.iterator in list))
    throw new TypeError(`${name} must be a sequence`);
  const out: Socket[] = [];
  for (const s of list) {
    if (!(s instanceof Socket)) throw new TypeError("argument must be an int, or have a fileno() method.");
    const fd = s.fileno();
    if (fd < 0) throw new ValueError(`file descriptor cannot be a negative integer (${fd})`);
    out.push(s);
  }
  return out;
}

function checkSelectTimeout(t: unknown): number | null {
  if (t === null || t === undefined) return null;
  if (typeof t !== "number") throw new TypeError("timeout must be a float or None");
  if (Number.isNaN(t)) throw new ValueError("Invalid value NaN (not a number)");
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
 * @throws ValueError for a closed socket or a negative timeout; TypeError for what is not a socket.
 */
export async function select(
  rlist: Iterable<Socket>,
  wlist: Iterable<Socket>,
  xlist: Iterable<Socket>,
  timeout: number | null = null,
): Promise<[Socket[], Socket[], Socket[]]> {
  const r = checkSockets(rlist, "arguments 1-3");
  const w = checkSockets(wlist, "arguments 1-3");
  checkSockets(xlist, "arguments 1-3");
  const t = checkSelectTimeout(timeout);
  const deadline = t === null ? 0 : Date.now() + t * 1000;
  const ready = (): [Socket[], Socket[], Socket[]] | null => {
    const rr = r.filter((s) => s._ready(false));
    const ww = w.filter((s) => s._ready(true));
    return rr.length > 0 || ww.length > 0 ? (tuple(rr, ww, []) as [Socket[], Socket[], Socket[]]) : null;
  };
  const none = (): [Socket[], Socket[], Socket[]] => tuple([], [], []) as [Socket[], Socket[], Socket[]];
  // Let the runtime run its pending I/O once first: what the kernel already holds (a
  // loopback send is delivered at once) is then in the sockets' queues, as select(2) would
  // see it, and a polling loop (timeout 0) cannot starve the runtime.
  await nextTurn();
  for (;;) {
    const found = ready();
    if (found !== null) return found;
    const left = t === null ? null : (deadline - Date.now()) / 1000;
    if (left !== null && left <= 0) return none();
    await new Promise<void>((resolve) => {
      const waiter = new SelectWaiter(resolve);
      for (const s of r) waiter.watch(s._readyWait(false));
      for (const s of w) waiter.watch(s._readyWait(true));
      // (Beyond ~24.8 days setTimeout overflows: such a wait is as good as none.)
      if (left !== null && left < MAX_TIMER_S) waiter.timer = setTimeout(waiter.wake, left * 1000);
    });
  }
}
