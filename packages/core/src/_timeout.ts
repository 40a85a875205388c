// Timeout values (Python semantics) and a list of waiters that a timer can cut short.
import { OverflowError, ValueError, oserror, timedOut } from "./errors.js";
/** What a WaitList tells when calls start and stop waiting (a Keeper, see _keeper.ts). */
export interface WaitHooks {
  busy(): void;
  idle(): void;
}
import { pyTypeName } from "./bytes.js";

let defaultTimeout: number | null = null;

/**
 * Check a timeout value as `settimeout` does: `null` = block, `0` = non-blocking, seconds otherwise.
 * @throws ValueError `Timeout value out of range`, TypeError, OverflowError
 */
export function checkTimeout(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "bigint") value = Number(value); // a Python int
  if (typeof value !== "number") throw new TypeError(`'${pyTypeName(value)}' object cannot be interpreted as an integer`);
  if (Number.isNaN(value)) throw new ValueError("Invalid value NaN (not a number)");
  // CPython keeps timeouts as int64 nanoseconds, converted before the sign is checked.
  // (CPython's text for a float; an int that large says "timestamp too large to convert to C
  // _PyTime_t", but a JavaScript number does not say which it was.)
  if (value > 9223372036.854775 || value < -9223372036.854775) throw new OverflowError("timestamp out of range for platform time_t");
  if (value < 0) throw new ValueError("Timeout value out of range");
  // CPython keeps whole nanoseconds, rounded up (1e-10 reads back as 1e-09).
  return Math.ceil(value * 1e9) / 1e9;
}

/**
 * Like `socket.getdefaulttimeout()`: the timeout new sockets start with.
 * @returns seconds, or `null` (block forever, the default).
 */
export function getdefaulttimeout(): number | null {
  return defaultTimeout;
}

/**
 * Like `socket.setdefaulttimeout(timeout)`: applies to sockets created afterwards
 * (also accepted ones and those of `create_connection`).
 * @throws ValueError `Timeout value out of range`
 */
export function setdefaulttimeout(timeout: number | null): void {
  defaultTimeout = checkTimeout(timeout);
}

// Beyond ~24.8 days setTimeout overflows; such a timeout is as good as none here.
export const MAX_TIMER_S = 2147483;

/** One pending call: woken when its condition may hold, failed on close or timeout. */
export interface Waiter {
  wake(): void;
  fail(e: unknown): void;
  /** Set by {@link WaitList.addWaiter} when the wait has a timeout: its own timer (a list without a keeper)… */
  timer: ReturnType<typeof setTimeout> | undefined;
  /** …or when it is due (ms, `Date.now()`), for the list's shared alarm; 0 = no timeout. */
  due: number;
}

/** A timer that holds nothing open (Node and Bun: `unref()`, Deno: `Deno.unrefTimer`). */
function unrefTimer(t: unknown): void {
  if (typeof t === "object" && t !== null) (t as { unref?(): void }).unref?.();
  else if (typeof t === "number") (globalThis as { Deno?: { unrefTimer?(id: number): void } }).Deno?.unrefTimer?.(t);
}

/** The alarm's callback (one function for every list: no closure per arming). */
function ring(list: WaitList): void {
  list.ring();
}

class CallbackWaiter implements Waiter {
  timer: ReturnType<typeof setTimeout> | undefined = undefined;
  due = 0;
  constructor(
    readonly wake: () => void,
    readonly fail: (e: unknown) => void,
  ) {}
}

/** Pending calls waiting for one condition (readable, writable, a connection …). */
export class WaitList {
  // Almost always a single waiter: keep it in a slot, others (concurrent calls) in a list.
  private one: Waiter | null = null;
  private more: Waiter[] | null = null;
  /** Keeps the runtime handle referenced while someone waits here (see _keeper.ts). */
  keeper: WaitHooks | null = null;

  /** Wait until `wake()` (resolves), `fail(err)` (rejects) or `seconds` pass (rejects `timeout`). */
  wait(seconds: number | null): Promise<void> {
    return new Promise<void>((resolve, reject) => this.add(resolve, reject, seconds));
  }

  /** Callback form of {@link wait}: `onWake()` on wake, `onFail(err)` on fail or timeout. */
  add(onWake: () => void, onFail: (e: unknown) => void, seconds: number | null): void {
    this.addWaiter(new CallbackWaiter(onWake, onFail), seconds);
  }

  /**
   * Timeouts of a list with a keeper share one alarm: it stays armed when a wait ends, so
   * a loop that waits again and again with the same timeout (an echo server after
   * `settimeout(30)`) arms a timer once per timeout period, not once per wait. It holds
   * nothing open: the keeper holds the runtime handle while a call waits.
   */
  private alarm: ReturnType<typeof setTimeout> | undefined = undefined;
  /** When the armed alarm rings (ms, `Date.now()`). */
  private alarmAt = 0;

  /** Object form (no closures): a hot path's waiter carries its own state. */
  addWaiter(w: Waiter, seconds: number | null): void {
    const k = this.keeper;
    w.due = 0;
    if (k !== null) k.busy();
    if (seconds !== null && seconds < MAX_TIMER_S) {
      if (k !== null) {
        const due = Date.now() + seconds * 1000;
        w.due = due;
        if (this.alarm === undefined || due < this.alarmAt) this.arm(due);
      } else w.timer = setTimeout(() => this.expire(w), seconds * 1000);
    }
    if (this.one === null) this.one = w;
    else (this.more ??= []).push(w);
  }

  /**
   * A wait's time is up. What it waits for may be in the kernel already, not yet read out by the
   * runtime (a timer can run before the I/O poll of its loop turn, as when the program was busy):
   * CPython's poll(2) would have returned it. So the wait fails only if the runtime's next two
   * polls bring nothing (Deno's first read of a new connection takes two; see StreamConn.heard).
   * A wake meanwhile takes it off the list.
   */
  private expire(w: Waiter): void {
    w.timer = undefined;
    w.due = 0;
    void this.lastLook(w);
  }

  private async lastLook(w: Waiter): Promise<void> {
    const gone = (): boolean => !this.holds(w);
    await afterPoll(gone);
    if (!gone()) await afterPoll(gone);
    if (gone()) return;
    this.remove(w);
    w.fail(timedOut());
  }

  private holds(w: Waiter): boolean {
    return this.one === w || (this.more !== null && this.more.includes(w));
  }

  private arm(due: number): void {
    if (this.alarm !== undefined) clearTimeout(this.alarm);
    this.alarmAt = due;
    this.alarm = setTimeout(ring, Math.max(0, due - Date.now()), this);
    unrefTimer(this.alarm);
  }

  /** @internal The alarm rang: the waits that are due time out; it is armed for the next one. */
  ring(): void {
    this.alarm = undefined;
    // Timers keep whole milliseconds: a wait due within the next one is due now.
    const now = Date.now() + 1;
    let next = Infinity;
    let expired: Waiter[] | null = null;
    const all = this.more === null ? [this.one] : [this.one, ...this.more];
    for (const w of all) {
      if (w === null || w.due === 0) continue;
      if (w.due <= now) (expired ??= []).push(w);
      else if (w.due < next) next = w.due;
    }
    if (next !== Infinity) this.arm(next);
    if (expired !== null) for (const w of expired) this.expire(w);
  }

  /** The list is done with (its socket closed): drop the alarm, which would hold the list until it rings. */
  stopAlarm(): void {
    if (this.alarm === undefined) return;
    clearTimeout(this.alarm);
    this.alarm = undefined;
  }

  /** Stop waiting `w` (no wake, no fail); nothing happens if it is not waiting here. */
  remove(w: Waiter): void {
    if (this.one === w) this.one = null;
    else if (this.more) {
      const i = this.more.indexOf(w);
      if (i < 0) return;
      this.more.splice(i, 1);
    } else return;
    if (this.size === 0) this.keeper?.idle();
  }

  get size(): number {
    return (this.one ? 1 : 0) + (this.more?.length ?? 0);
  }

  wake(): void {
    const w = this.one;
    if (this.keeper !== null && (w !== null || this.more !== null)) this.keeper.idle();
    if (w !== null) {
      this.one = null;
      if (w.timer !== undefined) {
        clearTimeout(w.timer);
        w.timer = undefined;
      }
      w.wake();
    }
    if (this.more !== null) {
      const l = this.more;
      this.more = null;
      for (const x of l) {
        if (x.timer !== undefined) {
          clearTimeout(x.timer);
          x.timer = undefined;
        }
        x.wake();
      }
    }
  }

  fail(err: unknown): void {
    this.stopAlarm();
    const l = this.more ?? [];
    if (this.one) l.unshift(this.one);
    if (l.length > 0) this.keeper?.idle();
    this.one = null;
    this.more = null;
    for (const x of l) {
      if (x.timer !== undefined) {
        clearTimeout(x.timer);
        x.timer = undefined;
      }
      x.fail(err);
    }
  }
}

/** `new Promise(capture)`, then read {@link captured}: a hot path's Promise without a closure per call. */
export const captured: { resolve: (v: unknown) => void; reject: (e: unknown) => void } = {
  resolve: () => undefined,
  reject: () => undefined,
};
export function capture(resolve: (v: never) => void, reject: (e: unknown) => void): void {
  captured.resolve = resolve as (v: unknown) => void;
  captured.reject = reject;
}

/**
 * A waiter that settles its own Promise (made without a closure) and re-waits until its
 * deadline: the hot paths' form (recv, recvfrom, sendall's drain). Subclasses define `wake`.
 */
export abstract class PromiseWaiter<T> implements Waiter {
  timer: ReturnType<typeof setTimeout> | undefined = undefined;
  due = 0;
  resolve!: (v: T) => void;
  reject!: (e: unknown) => void;
  /** When a wait with a timeout ends (ms, `Date.now()`); 0 without one. */
  private deadline = 0;

  constructor(readonly timeout: number | null) {
    if (timeout !== null) this.deadline = Date.now() + timeout * 1000;
  }

  /** The Promise this waiter settles; call once, right after construction. */
  promise(): Promise<T> {
    const p = new Promise<T>(capture);
    this.resolve = captured.resolve;
    this.reject = captured.reject;
    return p;
  }

  /** Seconds left to wait again (throws `timed out` once the deadline passed). */
  protected left(): number | null {
    return remaining(this.timeout, this.deadline);
  }

  abstract wake(): void;

  fail(e: unknown): void {
    this.reject(e);
  }
}

/**
 * setImmediate, else a zero-delay timer. Node and Bun poll for I/O before each; Deno about
 * every 60 of them (~0.15 ms, measured) — still far quicker than its zero-delay timers,
 * which nesting clamps to milliseconds (450 non-blocking polls a second instead of 400,000).
 */
const immediate = (globalThis as { setImmediate?: (f: () => void) => unknown }).setImmediate;
/** Runs `f` on the next turn of the event loop (see above). */
export const onNextTurn: (f: () => void) => void = immediate ? (f) => void immediate(f) : (f) => void setTimeout(f, 0);

/**
 * Resolves on the next turn of the event loop (a macrotask). A non-blocking call that finds
 * nothing to do waits for it before raising BlockingIOError: Python's syscall lets the kernel
 * make progress, and a poll loop (`for (;;) try { await s.recv(n) } catch {}`) must let the
 * runtime run I/O, which a rejection settled as a microtask never would.
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => onNextTurn(resolve));
}

/**
 * Turns of the event loop until the runtime has polled for I/O once more: two on Node and Bun
 * (a call made from an I/O callback runs after this turn's poll); Deno polls about every 60
 * immediates (measured: 59, 0.2–1 ms).
 */
const POLL_TURNS = "Deno" in globalThis ? 64 : 2;

/**
 * Resolves once the runtime has polled for I/O after this call, or sooner once `ready()`.
 * A non-blocking call that found nothing looks once more then for what was already sent to it
 * (Linux delivers loopback data at once: a program's own `a.sendall(x); b.recv(n)` finds it).
 */
export async function afterPoll(ready: () => boolean): Promise<void> {
  for (let i = 0; i < POLL_TURNS && !ready(); i++) await nextTurn();
}

/** A BlockingIOError raised on the next turn of the event loop (see {@link nextTurn}). */
export async function wouldBlock(errno: number): Promise<never> {
  await nextTurn();
  throw oserror(errno);
}

/** Seconds left until `deadline` (ms timestamp), for one deadline over several waits. */
export function remaining(timeout: number | null, deadline: number): number | null {
  if (timeout === null) return null;
  const left = (deadline - Date.now()) / 1000;
  // CPython polls at least 1 ms for any positive timeout (poll(2) takes whole milliseconds,
  // rounded up), and Date.now() counts whole ones: a deadline under 1 ms away may read as passed.
  if (left <= -0.001) throw timedOut();
  return Math.max(left, 0.001);
}
