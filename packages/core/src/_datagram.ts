// One UDP socket: a bounded queue of datagrams over a DatagramTransport, connected-UDP
// filtering and ICMP error latching as Linux does them.
import type { DatagramHandlers, DatagramTransport, NetAddress } from "./contract.js";
import { errno as E } from "./errno.js";
import { type OSError, oserror } from "./errors.js";
import { fromNative } from "./native-errors.js";
import { WaitList, remaining, wouldBlock } from "./_timeout.js";
import { Keeper } from "./_keeper.js";

/** Like a kernel receive buffer: beyond these, new datagrams are dropped. */
const MAX_DATAGRAMS = 1024;
const MAX_BYTES = 4 * 1024 * 1024;
/**
 * Replies posted (sent without waiting for the runtime's confirmation) that are not confirmed
 * yet; beyond this, `reply` waits like `send`, so a loop that never yields cannot pile them up.
 */
const MAX_POSTED = 64;

interface Datagram {
  data: Uint8Array;
  from: NetAddress;
}

export class DgramConn implements DatagramHandlers {
  private queue: Datagram[] = [];
  private head = 0;
  private bytes = 0;
  /** Default destination after `connect()`; only its datagrams are delivered. */
  peer: NetAddress | null = null;
  /** `shutdown(SHUT_WR)` was called: sends raise EPIPE. */
  writeShut = false;
  private error: OSError | null = null;
  readonly readers: WaitList = new WaitList();
  /** Posted replies the runtime has not confirmed yet, and who waits for none to be left (close). */
  private posted = 0;
  private allPosted: (() => void) | null = null;
  private readonly postDone = (err: unknown): void => {
    this.posted--;
    if (err) {
      // Raised by the socket's next call, as the kernel reports a pending error (SO_ERROR).
      this.error = fromNative(err);
      this.readers.wake();
    }
    if (this.posted === 0) {
      this.readers.keeper?.idle();
      if (this.allPosted !== null) this.allPosted();
    }
  };

  constructor(readonly t: DatagramTransport) {
    if (t.setRef !== undefined) this.readers.keeper = new Keeper(t, this);
    t.start(this);
  }

  onMessage(data: Uint8Array, from: NetAddress): void {
    if (this.peer !== null && !samePeer(this.peer, from)) return;
    if (this.queue.length - this.head >= MAX_DATAGRAMS || this.bytes + data.length > MAX_BYTES) return;
    this.queue.push({ data, from });
    this.bytes += data.length;
    this.readers.wake();
  }

  onError(err: unknown): void {
    // Linux reports ICMP errors only to connected UDP sockets.
    if (this.peer === null) return;
    this.error = fromNative(err);
    this.readers.wake();
  }

  /** A recvfrom waits, or posted replies are unconfirmed (the Keeper holds the handle meanwhile). */
  hasWaiters(): boolean {
    return this.readers.size > 0 || this.posted > 0;
  }

  /** A datagram or an error waits for the next recvfrom (select()'s readability). */
  get readable(): boolean {
    return this.head < this.queue.length || this.error !== null;
  }

  /** An error waits to be raised by the next call. */
  get hasError(): boolean {
    return this.error !== null;
  }

  takeError(): OSError | null {
    const e = this.error;
    this.error = null;
    return e;
  }

  /** The next datagram, removed unless `peek`; `undefined` when none is queued. */
  take(peek: boolean): Datagram | undefined {
    if (this.head >= this.queue.length) return undefined;
    const d = this.queue[this.head]!;
    if (!peek) {
      this.queue[this.head++] = undefined as unknown as Datagram;
      this.bytes -= d.data.length;
      if (this.head === this.queue.length) {
        this.queue = [];
        this.head = 0;
      }
    }
    return d;
  }

  /** Next datagram (removed unless `peek`), waiting per Python's timeout modes. */
  async receive(timeout: number | null, peek: boolean): Promise<Datagram> {
    const deadline = timeout === null ? 0 : Date.now() + timeout * 1000;
    for (;;) {
      const err = this.takeError();
      if (err) throw err;
      const d = this.take(peek);
      if (d !== undefined) return d;
      if (timeout === 0) return wouldBlock(E.EAGAIN);
      await this.readers.wait(remaining(timeout, deadline));
    }
  }

  /** Hand one datagram to the runtime; a Promise only when the runtime's send is asynchronous. */
  send(data: Uint8Array, to: NetAddress | undefined): Promise<void> | undefined {
    if (this.writeShut) throw oserror(E.EPIPE);
    const err = this.takeError();
    if (err) throw err;
    let r: Promise<void> | void;
    try {
      r = this.t.send(data, to);
    } catch (e) {
      throw fromNative(e);
    }
    return r ? r.then(undefined, rejectNative) : undefined;
  }

  /**
   * Send a reply to `to`, a peer that just sent us a datagram (so the route works): where the
   * runtime confirms sends by callback, without waiting for it. A failure (rare: the peer just
   * reached us) is raised by the socket's next call.
   */
  reply(data: Uint8Array, to: NetAddress): Promise<void> | undefined {
    const post = this.t.post;
    if (post === undefined || this.posted >= MAX_POSTED || this.writeShut) return this.send(data, to);
    const err = this.takeError();
    if (err) throw err;
    this.posted++;
    try {
      post.call(this.t, data, to, this.postDone);
    } catch (e) {
      this.posted--;
      throw fromNative(e);
    }
    return undefined;
  }

  /** Set the default peer; drop queued datagrams from anyone else (Linux does). */
  async connect(to: NetAddress): Promise<void> {
    // Port 0: Linux accepts it (sends then fail); runtimes reject the port, so only filter.
    if (this.t.connect && to.port !== 0) {
      try {
        await this.t.connect(to);
      } catch (e) {
        throw fromNative(e);
      }
    }
    this.peer = to;
    const keep = this.queue.slice(this.head).filter((d) => samePeer(to, d.from));
    this.queue = keep;
    this.head = 0;
    this.bytes = keep.reduce((n, d) => n + d.data.length, 0);
  }

  async close(err: unknown): Promise<void> {
    this.readers.fail(err);
    // Posted replies were accepted by sendto: let the runtime finish them first.
    if (this.posted > 0) await new Promise<void>((resolve) => (this.allPosted = resolve));
    return this.t.close().catch(() => undefined);
  }
}

const rejectNative = (e: unknown): Promise<never> => Promise.reject(fromNative(e));

function samePeer(a: NetAddress, b: NetAddress): boolean {
  if (a.port !== b.port) return false;
  const strip = (h: string): string => (h.startsWith("::ffff:") ? h.slice(7) : h);
  return strip(a.host) === strip(b.host);
}
