// One UDP socket: a bounded queue of datagrams over a DatagramTransport, connected-UDP
// filtering and ICMP error latching as Linux does them.
import type { DatagramHandlers, DatagramTransport, NetAddress } from "./contract.js";
import { SHUT_RD, SHUT_WR } from "./constants.js";
import { copyOut } from "./_copy.js";
import { errno as E } from "./errno.js";
import { type OSError, oserror } from "./errors.js";
import { fromNative } from "./native-errors.js";
import { WaitList, afterPoll, remaining } from "./_timeout.js";
import { Keeper } from "./_keeper.js";
import { PyBytes } from "./bytes.js";

/** Linux's UDP receive buffer (net.core.rmem_default): what `getsockopt(SO_RCVBUF)` reads on a fresh socket. */
export const DEFAULT_RCVBUF = 212992;

/**
 * What Linux (6.x, x86-64) charges a datagram of `len` bytes received over loopback against
 * SO_RCVBUF: the kernel buffer's "truesize" — its allocation (a small head of 576 bytes, a
 * kmalloc size class, or pages beyond 16 KiB, where the data goes into page fragments) plus
 * the sk_buff. Measured with CPython: 256 datagrams of up to 197 bytes fit the default buffer,
 * 166 of up to 645, 92 of up to 1669, … 3 of 65507. Across the boundaries an IPv6 datagram
 * has 13 bytes more of headers.
 */
function truesize(len: number, v6: boolean): number {
  const head = len + (v6 ? 392 : 379);
  if (head <= 576) return 832;
  if (head > 16384) return len + 832;
  let size = 1024;
  while (size < head) size *= 2;
  return size + 256;
}
/**
 * Replies posted (sent without waiting for the runtime's confirmation) that are not confirmed
 * yet; beyond this, `reply` waits like `send`, so a loop that never yields cannot pile them up.
 */
const MAX_POSTED = 64;

interface Datagram {
  data: Uint8Array;
  from: NetAddress;
}

const NO_DATAGRAMS: Datagram[] = [];

export class DgramConn implements DatagramHandlers {
  /**
   * Queued datagrams: the first in two fields (a server most often has one queued at a time:
   * no object or array per datagram), the others in `rest` from `head` on.
   */
  private firstData: Uint8Array | null = null;
  private firstFrom: NetAddress | null = null;
  private rest: Datagram[] = NO_DATAGRAMS;
  private head = 0;
  private count = 0;
  /** What the queued datagrams cost against {@link rcvbuf}, as Linux counts them (see truesize). */
  private charged = 0;
  /**
   * SO_RCVBUF as getsockopt reads it (doubled): a datagram arriving when the queued ones and
   * it would cost more is dropped, as Linux drops it (one is always taken into an empty queue).
   * Applied here on every runtime: Node and Bun receive ahead of the app, into this queue
   * (Deno, pulling: see readAhead).
   */
  private _rcvbuf = DEFAULT_RCVBUF;
  /** What take() returns, reused: read it before anything else runs. */
  private readonly taken: Datagram = { data: new Uint8Array(0), from: { host: "", port: 0 } };
  /** Default destination after `connect()`; only its datagrams are delivered. */
  peer: NetAddress | null = null;
  /** `shutdown(SHUT_WR)` was called: sends raise EPIPE. */
  writeShut = false;
  /** `shutdown(SHUT_RD)` was called: a blocking receive with nothing queued returns nothing. */
  readShut = false;
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

  /** The transport receives on demand (pause/resume): only while a call waits. */
  private readonly pull: boolean;

  /** `v6`: an AF_INET6 socket (its datagrams carry longer headers). */
  constructor(
    readonly t: DatagramTransport,
    private readonly v6 = false,
  ) {
    const keeper = t.setRef !== undefined ? new Keeper(t, this) : null;
    this.pull = t.pause !== undefined && t.resume !== undefined;
    if (this.pull) {
      // A call starts waiting (recvfrom, select): ask the runtime for datagrams.
      const resume = t.resume!.bind(t);
      this.readers.keeper = {
        busy: () => {
          keeper?.busy();
          resume();
        },
        idle: () => keeper?.idle(),
      };
    } else this.readers.keeper = keeper;
    t.start(this);
  }

  onMessage(data: Uint8Array, from: NetAddress, reused?: boolean): void {
    const wanted = this.peer === null || samePeer(this.peer, from);
    const cost = truesize(data.length, this.v6);
    if (wanted && (this.count === 0 || this.charged + cost <= this._rcvbuf)) {
      if (reused === true) data = copyOut(data);
      if (this.count === 0) {
        this.firstData = data;
        this.firstFrom = from;
      } else if (this.rest === NO_DATAGRAMS) this.rest = [{ data, from }];
      else this.rest.push({ data, from });
      this.count++;
      this.charged += cost;
      this.readers.wake();
    }
    // Nobody waits any more: the kernel holds the next datagrams until a call asks (or until
    // the queue holds what a larger SO_RCVBUF holds beyond the kernel's own buffer).
    if (this.pull && this.readers.size === 0 && !this.aheadRoom()) this.t.pause!();
  }

  /**
   * SO_RCVBUF changed: `v` is the doubled value getsockopt reads. The OS socket's is set too
   * where the runtime can (datagrams a busy event loop has not read yet wait there).
   */
  set rcvbuf(v: number) {
    this._rcvbuf = v;
    try {
      this.t.setRecvBufferSize?.(v >> 1);
    } catch {
      // (the queue here still holds no more than the size asked for)
    }
    this.readAhead();
  }

  /**
   * A pull transport (Deno's, which receives only while a call waits) leaves datagrams in the
   * kernel's buffer, whose size the runtime does not let us change. For a smaller SO_RCVBUF it
   * receives all the time (this queue drops what Linux would); for a larger one, ahead into
   * the queue until the rest would fit in the kernel's buffer.
   */
  private readAhead(): void {
    if (this.pull && this.aheadRoom()) this.t.resume!();
  }

  /** A pull transport should receive with no call waiting (SO_RCVBUF is not the kernel's default). */
  private aheadRoom(): boolean {
    const r = this._rcvbuf;
    return r < DEFAULT_RCVBUF || (r > DEFAULT_RCVBUF && this.charged + DEFAULT_RCVBUF < r);
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

  /** A datagram or an error waits for the next recvfrom (select()'s readability; Linux's after SHUT_RD too). */
  get readable(): boolean {
    return this.count > 0 || this.error !== null || this.readShut;
  }

  /**
   * select() or poll() looks without waiting (timeout 0, or another socket was ready): a pull
   * transport, which receives only while a call waits, receives now what the kernel holds, so
   * the look finds it after the runtime's next poll, as poll(2) would at once.
   */
  look(): void {
    if (this.pull && this.count === 0) this.t.resume!();
  }

  /**
   * Like Linux's UDP shutdown(how): SHUT_RD wakes blocked receives (a blocking one with
   * nothing queued returns nothing), SHUT_WR makes sends raise EPIPE.
   */
  shutdown(how: number): void {
    if (how !== SHUT_WR) {
      this.readShut = true;
      this.readers.wake();
    }
    if (how !== SHUT_RD) this.writeShut = true;
  }

  /** An error waits to be raised by the next call. */
  get hasError(): boolean {
    return this.error !== null;
  }

  /** poll(): readable only for the error (which poll(2) reports as POLLERR, not POLLIN). */
  get errorOnly(): boolean {
    return this.error !== null && this.count === 0 && !this.readShut;
  }

  takeError(): OSError | null {
    const e = this.error;
    this.error = null;
    return e;
  }

  /**
   * The next datagram, removed unless `peek`; `undefined` when none is queued. The object is
   * reused by the next call: read `data` and `from` at once.
   */
  take(peek: boolean): Datagram | undefined {
    if (this.count === 0) return undefined;
    const out = this.taken;
    out.data = this.firstData!;
    out.from = this.firstFrom!;
    if (!peek) {
      this.charged -= truesize(out.data.length, this.v6);
      if (this._rcvbuf !== DEFAULT_RCVBUF) this.readAhead();
      if (--this.count === 0) {
        this.firstData = null;
        this.firstFrom = null;
      } else {
        const next = this.rest[this.head]!;
        this.rest[this.head++] = undefined as unknown as Datagram;
        this.firstData = next.data;
        this.firstFrom = next.from;
        if (this.head === this.rest.length) {
          this.rest = NO_DATAGRAMS;
          this.head = 0;
        }
      }
    }
    return out;
  }

  /**
   * Next datagram (removed unless `peek`), waiting per Python's timeout modes; `null` for a
   * blocking call after shutdown(SHUT_RD) with nothing queued.
   */
  async receive(timeout: number | null, peek: boolean): Promise<Datagram | null> {
    const deadline = timeout === null ? 0 : Date.now() + timeout * 1000;
    for (let looked = false; ; looked = true) {
      const err = this.takeError();
      if (err) throw err;
      const d = this.take(peek);
      if (d !== undefined) return { data: d.data, from: d.from }; // take()'s object is reused
      if (this.readShut && this.pull && !looked) {
        // After SHUT_RD Linux still returns what the kernel holds; a pull transport has not
        // received it yet: ask, and look again after the runtime's next I/O poll.
        this.t.resume?.();
        await afterPoll(() => this.count > 0);
        continue;
      }
      if (this.readShut && timeout === null) return null;
      if (timeout === 0) {
        if (looked) throw oserror(E.EAGAIN);
        // Non-blocking: look once more after the runtime polled (see afterPoll). A poll asks too.
        this.t.resume?.();
        await afterPoll(() => this.readable);
        continue;
      }
      await this.readers.wait(remaining(timeout, deadline));
    }
  }

  /** Hand one datagram to the runtime; a Promise only when the runtime's send is asynchronous. */
  send(data: Uint8Array, to: NetAddress | undefined): Promise<void> | undefined {
    if (this.writeShut) throw oserror(E.EPIPE);
    const err = this.takeError();
    if (err) throw err;
    if (this.peer !== null && this.peer.port === 0 && (to === undefined || to === this.peer)) {
      // Connected to port 0: Linux sends to it, and the ICMP "port unreachable" that comes
      // back is raised by the next call. No runtime sends to port 0.
      this.error = oserror(E.ECONNREFUSED);
      this.readers.wake();
      return undefined;
    }
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
      // Reported sent before the runtime is done with it: the app may reuse its buffer at once
      // (a recvfrom_into + sendto echo does), so that gets a copy; received bytes are immutable.
      post.call(this.t, data instanceof PyBytes ? data : copyOut(data), to, this.postDone);
    } catch (e) {
      this.posted--;
      throw fromNative(e);
    }
    return undefined;
  }

  /** Set the default peer: later datagrams from anyone else are dropped; those already queued stay (as on Linux). */
  async connect(to: NetAddress): Promise<void> {
    // Port 0: Linux accepts it (sends then fail); runtimes reject the port: the transport
    // leaves its connection, and only core filters.
    if (this.t.connect) {
      try {
        await this.t.connect(to);
      } catch (e) {
        throw fromNative(e);
      }
    }
    this.peer = to;
  }

  /** The socket closes: waiting calls fail with `err()`. */
  async close(err: () => unknown): Promise<void> {
    if (this.readers.size > 0) this.readers.fail(err());
    else this.readers.stopAlarm();
    // Posted replies were accepted by sendto: let the runtime finish them first.
    if (this.posted > 0) await new Promise<void>((resolve) => (this.allPosted = resolve));
    return this.t.close().catch(() => undefined);
  }
}

const rejectNative = (e: unknown): Promise<never> => Promise.reject(fromNative(e));

const unmapped = (h: string): string => (h.startsWith("::ffff:") ? h.slice(7) : h);

function samePeer(a: NetAddress, b: NetAddress): boolean {
  // Connected to port 0, Linux filters by address only.
  if (a.port !== 0 && a.port !== b.port) return false;
  return unmapped(a.host) === unmapped(b.host);
}
