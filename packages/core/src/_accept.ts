// A listening socket's side of accept(): the connections the runtime accepted (Linux's accept
// queue, docs/differences.md #13) and the calls waiting for one.
import { errno as E } from "./errno.js";
import { type OSError, oserror } from "./errors.js";
import { fromNative } from "./native-errors.js";
import { type WaitHooks, WaitList } from "./_timeout.js";

export class AcceptQueue<S> {
  private readonly queue: S[] = [];
  /** accept() calls (and select()) waiting for a connection. */
  readonly waiters: WaitList = new WaitList();
  private error: OSError | null = null;
  /** `shutdown(SHUT_RD)` or `SHUT_RDWR`: Linux stops the listener; accept() raises EINVAL. */
  private shut = false;

  /** `keeper` holds the process open while an accept() waits. */
  constructor(keeper: WaitHooks | null) {
    this.waiters.keeper = keeper;
  }

  /** A connection arrived. */
  push(s: S): void {
    this.queue.push(s);
    this.waiters.wake();
  }

  /**
   * The listener failed: the next accept() raises it, once. Out of descriptors (EMFILE, ENFILE)
   * is what an accept() made now would raise, so it goes only to one waiting now: a later call,
   * made once descriptors are free again, gets the connection (still in the kernel's backlog).
   */
  fail(err: unknown): void {
    const e = fromNative(err);
    if ((e.errno === E.EMFILE || e.errno === E.ENFILE) && this.waiters.size === 0) return;
    this.error = e;
    this.waiters.wake();
  }

  /**
   * `shutdown(SHUT_RD)`: stop listening. @returns the connections not accepted yet, which
   * Linux resets then.
   */
  shutdown(): S[] {
    this.shut = true;
    this.waiters.wake();
    return this.queue.splice(0);
  }

  /** Stopped by shutdown(): Linux refuses connections until listen() is called again. */
  get isShut(): boolean {
    return this.shut;
  }

  /** `listen()` again after shutdown(): Linux listens anew. */
  resume(): void {
    this.shut = false;
  }

  /** select(): would accept() return or raise now? */
  get ready(): boolean {
    return this.queue.length > 0 || this.error !== null || this.shut;
  }

  /**
   * The next connection, or `undefined` if accept() must wait.
   * @throws OSError `[Errno 22]` after shutdown; the listener's error, once.
   */
  next(): S | undefined {
    if (this.shut) throw oserror(E.EINVAL);
    const s = this.queue.shift();
    if (s !== undefined) return s;
    const e = this.error;
    this.error = null;
    if (e !== null) throw e;
    return undefined;
  }

  /** The socket closes: waiting calls fail with `err()`; returns the connections never accepted. */
  close(err: () => OSError): S[] {
    if (this.waiters.size > 0) this.waiters.fail(err());
    else this.waiters.stopAlarm();
    return this.queue.splice(0);
  }
}
