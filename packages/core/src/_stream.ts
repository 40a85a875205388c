// One connected stream: the bounded read queue and the write path over a StreamTransport.
// Serves push runtimes and Deno's pump alike; a timed-out wait never touches the queue,
// so bytes that arrive later go to the next recv.
import type { StreamHandlers, StreamTransport } from "./contract.js";
import { errno as E } from "./errno.js";
import { type OSError, oserror } from "./errors.js";
import { fromKernel, fromNative } from "./native-errors.js";
import { PromiseWaiter, WaitList, afterPoll, onNextTurn, remaining, wouldBlock } from "./_timeout.js";
import { tuneAllocator } from "./_allocator.js";
import { Keeper } from "./_keeper.js";
import { PyBytes } from "./bytes.js";
import { copyOut } from "./_copy.js";

/** Read-ahead per socket: pause the transport at this many buffered bytes (plus the chunk that crossed it)… */
export const HIGH_WATER = 128 * 1024;
/** …and resume below this many. */
export const LOW_WATER = 64 * 1024;
/** Most bytes one `send` with a timeout or in non-blocking mode hands over (about a loopback send buffer). */
export const SEND_MAX = 512 * 1024;
/**
 * Largest sendall an {@link StreamTransport.asyncWrites} transport's pending write counts as sent
 * (the app's buffer is copied then; with 64 KiB here a Deno client sending 64 KiB pieces made
 * 1.5–1.8 GB/s, with 16 KiB 2.3–2.5, as raw Deno).
 */
const ASYNC_SENT_MAX = 16 * 1024;
/** How long bytes still unsent at close() may wait for a peer that does not read them. */
const LINGER_MS = 10_000;
/** Largest batch of sendall data sent as one write. */
export const BATCH_MAX = 512 * 1024;
/**
 * Largest batch copied (transports with `batchWrites`): the buffer is taken per burst and given
 * back after each write, so memory stays bounded however many connections burst at once.
 */
export const COPY_BATCH_MAX = 64 * 1024;

/** The queue of a connection with nothing buffered (never written to). */
const NO_CHUNKS: Uint8Array[] = Object.freeze([]) as unknown as Uint8Array[];

export class StreamConn implements StreamHandlers {
  // Every field is set here, in one order (none on the prototype until written): connections
  // then share one hidden class, whatever paths they took (bulk, ping-pong, errors, close),
  // and the hot methods stay monomorphic. On the prototype, each first write made another
  // class: after bulk transfers a ping-pong deoptimized ("wrong map") and ran 4-7 % slower on
  // Deno; in-object they cost ~180 bytes more per connection on Bun.
  /**
   * Received chunks, in order: `first` (EMPTY while none is queued), then `chunks` from
   * `head` on (the shared empty array unless several are queued). One chunk at a time is the
   * common case (a request, then its reply): it costs no array, nor does an idle connection.
   * `first` is read from `off` on: taking its front makes no view of the rest (on Bun each new
   * view of a buffer counts as allocating the whole buffer again for the GC's schedule).
   */
  private first: Uint8Array = EMPTY;
  private off = 0;
  private chunks: Uint8Array[] = NO_CHUNKS;
  private head = 0;
  /** Bytes buffered. */
  size = 0;
  /**
   * Counts changes at the front of the queue (bytes taken, or put back): a reader that searched
   * the queue (makefile's readline) knows its search still holds while this stays the same.
   */
  front = 0;
  /** Peer sent FIN (or the transport is gone). */
  eof: boolean = false;
  /**
   * The runtime has delivered something (data, EOF, an error). Until then a non-blocking look
   * gives it a second I/O poll: Deno's first read of a new connection needs two.
   */
  heard = false;
  /**
   * Queued bytes a `makefile()` reader would hold in its own buffer in CPython (its last read
   * pulled them out of the kernel): close() does not count them as unread.
   */
  fileHeld: number = 0;
  /** `shutdown(SHUT_RD)` was called. */
  readShut: boolean = false;
  /** `shutdown(SHUT_WR)` was called. */
  writeShut: boolean = false;
  /** Sends are refused (a SHUT_WR before connect, which Linux keeps) but no FIN went out: shutdown(SHUT_WR) still sends it. */
  finOwed: boolean = false;
  /** The transport is gone. */
  gone: boolean = false;
  private paused: boolean = false;
  /** A reader (makefile's readline) needs more than this many bytes buffered. */
  private need: number = 0;
  private error: OSError | null = null;
  /** An error for the write side only (it came after the peer's FIN). */
  private writeError: OSError | null = null;
  private errored: boolean = false;
  /** An error dropped bytes a waiting sendall had handed to the runtime (see onError). */
  private dropped: boolean = false;
  private writeBlocked: boolean = false;
  /**
   * Write batching. While unread input is queued the app is working through a burst (an
   * echo or proxy replying chunk by chunk, a server answering pipelined requests), so the
   * burst's sendall data goes out as one write — when the burst ends, when the batch is
   * full, before a read waits, or at the latest on the next turn of the event loop.
   * Bytes that recv just returned and that follow the batch in the same received chunk are
   * batched by reference, on every transport (they are bytes — immutable in Python); other
   * data only where `write()` copies at once ({@link StreamTransport.batchWrites}: Bun), into
   * `batch`. Accepted bytes the transport has not taken yet are the `backlog`, written
   * before anything else; close and shutdown wait for it.
   */
  private readonly copyBatch: boolean;
  private readonly asyncWrites: boolean;
  private batch: Uint8Array | null = null;
  private batched = 0;
  /**
   * The batch by reference instead of in `batch`: consecutive bytes of one received chunk,
   * sent back as recv returned them (an echo or proxy). They are bytes — immutable in Python.
   * Its first `batched` bytes from `batchView.byteOffset` on (one view made at the flush,
   * not one per sendall).
   */
  private batchView: Uint8Array | null = null;
  /** What the last recv returned (only for batching by reference). */
  private lastTaken: Uint8Array | null = null;
  private backlog: Uint8Array | null = null;
  /** After the backlog: 1 = shutdownWrite, 2 = close. */
  private afterBacklog: number = 0;
  /** After close(): resets a peer that does not take the last bytes (see linger()). */
  private lingerTimer: ReturnType<typeof setTimeout> | undefined = undefined;
  /** In the queue of batches to send on the next turn. */
  flushQueued = false;
  readonly readers: WaitList = new WaitList();
  private _writers: WaitList | null = null;
  /** Calls waiting to write (created on first use: most connections never wait). */
  get writers(): WaitList {
    if (this._writers === null) {
      this._writers = new WaitList();
      this._writers.keeper = this.readers.keeper;
    }
    return this._writers;
  }

  /** @param unix an AF_UNIX connection (no resets: a peer that has gone is EPIPE). */
  constructor(
    readonly t: StreamTransport,
    private readonly unix = false,
  ) {
    tuneAllocator();
    this.copyBatch = t.batchWrites === true;
    this.asyncWrites = t.asyncWrites === true;
    if (t.setRef !== undefined) this.readers.keeper = new Keeper(t, this);
    open.add(this);
    onExit();
    t.start(this);
  }

  // --- handlers (called by the adapter) ---

  onData(chunk: Uint8Array, reused?: boolean): void {
    if (chunk.length === 0) return;
    if (reused === true) chunk = copyOut(chunk);
    this.heard = true;
    const before = this.size;
    if (before === 0) {
      this.first = chunk;
      this.off = 0;
    } else if (this.chunks === NO_CHUNKS) this.chunks = [chunk];
    else this.chunks.push(chunk);
    this.size += chunk.length;
    // One chunk alone never pauses (Bun reads up to 512 KiB at a time; pausing for each
    // would cost two epoll_ctl calls per read): at most HIGH_WATER plus one chunk is queued.
    if (!this.paused && before > 0 && this.size >= HIGH_WATER && this.size >= this.need) {
      this.paused = true;
      this.t.pause();
    }
    this.readers.wake();
  }

  onEnd(): void {
    this.heard = true;
    this.eof = true;
    this.readers.wake();
  }

  onError(err: unknown): void {
    // A sendall waiting for the runtime to hand its bytes to the OS: they are dropped. Its caller
    // must hear it even if a concurrent recv takes the latched error first (then as EPIPE).
    if ((this._writers?.size ?? 0) > 0) this.dropped = true;
    this.heard = true;
    this.latch(err);
    // The kernel's EPIPE ends only the write side: reads go on until the runtime's EOF or reset
    // (Linux says EPIPE after the peer's FIN, or once a read took the reset; a unix socket when
    // its peer has gone): what the peer sent before is still there, as in the kernel.
    if (!(this.error === null && this.writeError?.errno === E.EPIPE)) this.eof = true;
    this.readers.wake();
    this._writers?.wake();
  }

  /**
   * One error per connection, as the kernel reports it once; reads then see EOF. After the
   * peer's FIN (a write to a peer that closed, answered by a reset) Linux's recv keeps
   * returning b'' and only a send raises it: such an error is kept for the write side.
   */
  private latch(err: unknown): void {
    const e = this.asLinux(err);
    if (!this.errored && !this.gone) {
      // (EPIPE is a write's only, as asLinux leaves it: the kernel's; its reads end at EOF or a reset.)
      if (this.eof || e.errno === E.EPIPE) this.writeError = e;
      else this.error = e;
    } else if (!this.gone) {
      // A write's EPIPE may be reported before the reset that caused it (Node's write callback
      // comes before the read's error): Linux raises the reset first, so it takes the EPIPE's place.
      if (e.errno === E.ECONNRESET) {
        if (this.error?.errno === E.EPIPE) this.error = e;
        else if (this.writeError?.errno === E.EPIPE) this.writeError = e;
      }
    }
    this.errored = true;
  }

  /**
   * A runtime's error as Linux reports it: a write's EPIPE that the runtime made up (Bun's, or
   * Node's for a socket it already closed) on a connection whose peer sent no FIN means the
   * peer reset it, which is ECONNRESET (EPIPE only for a reset after its FIN). The kernel's own
   * EPIPE stands: the peer's FIN had reached it (Linux's CLOSE_WAIT), if not the runtime yet.
   */
  private asLinux(err: unknown): OSError {
    const e = fromNative(err);
    // (A unix socket has no reset: Linux says EPIPE when its peer has gone.)
    return e.errno === E.EPIPE && !this.eof && !this.writeShut && !this.unix && !fromKernel(err) ? oserror(E.ECONNRESET) : e;
  }

  onDrain(): void {
    if (this.backlog !== null) {
      if (!this.writeOwned(this.backlog)) return;
      this.dropBatch();
    }
    this.writeBlocked = false;
    // A batch that waited for the transport goes now; a close or shutdown that waited for
    // them, after it.
    if (this.flushBatch() && this.afterBacklog !== 0) {
      if (this.afterBacklog === 1) this.t.shutdownWrite();
      else void this.t.close().catch(ignore);
      this.afterBacklog = 0;
    }
    this._writers?.wake();
  }

  onClose(): void {
    open.delete(this);
    if (this.lingerTimer !== undefined) clearTimeout(this.lingerTimer);
    this.stopAlarms();
    this.gone = true;
    this.batched = 0;
    this.batchView = null;
    this.backlog = null;
    this.eof = true;
    this.readers.wake();
    this._writers?.wake();
  }

  // --- read side ---

  /** The latched error, once (Python raises a pending socket error on the next call). */
  takeError(): OSError | null {
    const e = this.error;
    this.error = null;
    return e;
  }

  /** A read error is latched (the next recv raises it). */
  get errorPending(): boolean {
    return this.error !== null;
  }

  /** poll(): an error is latched (POLLERR until SO_ERROR or a call reports it). */
  get hasSoError(): boolean {
    return this.error !== null || (!this.unix && this.writeError !== null);
  }

  /**
   * SO_ERROR: the latched error, once; on TCP also a reset after the peer's FIN, which Linux
   * records as EPIPE (in CLOSE_WAIT), though recv goes on returning b''.
   */
  takeSoError(): OSError | null {
    if (this.error !== null || this.unix) return this.takeError();
    const e = this.writeError;
    this.writeError = null;
    return e !== null && e.errno === E.ECONNRESET && !this.writeShut ? oserror(E.EPIPE) : e;
  }

  /** The latched error for a send: also one that only the write side reports. */
  takeWriteError(): OSError | null {
    const e = this.takeError() ?? this.writeError;
    this.writeError = null;
    return e;
  }

  /** Bytes a waiting sendall had handed over were dropped by an error already reported elsewhere: EPIPE, once. */
  takeDropped(): OSError | null {
    if (!this.dropped) return null;
    this.dropped = false;
    return oserror(E.EPIPE);
  }

  /** A call waits to read or write (the Keeper holds the runtime handle meanwhile). */
  hasWaiters(): boolean {
    return this.readers.size > 0 || (this._writers?.size ?? 0) > 0;
  }

  /** The connection is over (reset, failed, or closed both ways): Linux's TCP_CLOSE. */
  get dead(): boolean {
    return this.gone || this.errored;
  }

  /** Would a send go ahead now (room, or an error or shutdown to raise)? select()'s writability. */
  get writable(): boolean {
    return this.dead || this.error !== null || this.writeError !== null || this.writeShut || !this.congested;
  }

  /** Is there something for a reader now (data, EOF, error)? */
  get readable(): boolean {
    return this.size > 0 || this.eof || this.readShut || this.error !== null;
  }

  /**
   * Take up to `n` bytes from the front: a view of the first chunk (no copy) when it
   * reaches that far, else a copy of as many chunks as needed. `peek` leaves them
   * queued. Caller ensures `size > 0`.
   */
  take(n: number, peek = false): Uint8Array {
    const first = this.first;
    const start = this.off;
    const avail = first.length - start;
    let out: Uint8Array;
    if (avail >= n || this.head === this.chunks.length) {
      if (avail > n) {
        out = first.subarray(start, start + n);
        if (!peek) {
          this.off = start + n;
          this.size -= n;
          this.front++;
        }
      } else {
        out = start === 0 ? first : first.subarray(start);
        if (!peek) this.dropHead();
      }
    } else {
      const len = Math.min(n, this.size);
      out = new Uint8Array(len);
      out.set(start === 0 ? first : first.subarray(start));
      let off = avail;
      for (let i = this.head; off < len; i++) {
        const c = this.chunks[i]!;
        const k = Math.min(c.length, len - off);
        out.set(k === c.length ? c : c.subarray(0, k), off);
        off += k;
      }
      if (!peek) this.skip(len);
    }
    if (!peek) {
      this.lastTaken = this.size > 0 || this.batched > 0 ? out : null;
      this.refill();
    }
    return out;
  }

  /** recv_into: up to `n` queued bytes copied into `view` (no array between); how many. */
  takeInto(view: Uint8Array, n: number): number {
    let got = 0;
    while (got < n && this.size > 0) {
      const first = this.first;
      const start = this.off;
      const k = Math.min(first.length - start, n - got);
      view.set(start === 0 && k === first.length ? first : first.subarray(start, start + k), got);
      got += k;
      this.skip(k);
    }
    this.lastTaken = null;
    this.refill();
    return got;
  }

  /** Resume reading once the queue is low again. */
  private refill(): void {
    // After shutdown(SHUT_RD) the read-ahead is not refilled: Linux's recv then returns what the
    // kernel holds and b'' once that is read, not the rest of a stream still arriving.
    if (this.paused && this.size < LOW_WATER && !this.gone && !this.readShut) {
      this.paused = false;
      this.t.resume();
    }
  }

  private skip(len: number): void {
    while (len > 0) {
      const avail = this.first.length - this.off;
      if (avail <= len) {
        len -= avail;
        this.dropHead();
      } else {
        this.off += len;
        this.size -= len;
        this.front++;
        len = 0;
      }
    }
  }

  private dropHead(): void {
    this.size -= this.first.length - this.off;
    this.front++;
    this.off = 0;
    if (this.head === this.chunks.length) {
      this.first = EMPTY;
      return;
    }
    this.first = this.chunks[this.head]!;
    this.chunks[this.head] = EMPTY;
    this.head++;
    if (this.head === this.chunks.length) {
      this.chunks = NO_CHUNKS; // cheaper than `length = 0`, a runtime call in V8
      this.head = 0;
    } else if (this.head > 64 && this.head * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }

  /** Put bytes back at the front (a makefile read or MSG_WAITALL that an error ends loses nothing). */
  unshift(b: Uint8Array): void {
    if (b.length === 0) return;
    this.front++;
    const was = this.off === 0 ? this.first : this.first.subarray(this.off);
    this.first = b;
    this.off = 0;
    if (this.size > 0) {
      if (this.head > 0) this.chunks[--this.head] = was;
      else if (this.chunks === NO_CHUNKS) this.chunks = [was];
      else this.chunks.unshift(was);
    }
    this.size += b.length;
  }

  /**
   * Index of `byte` within the first `limit` buffered bytes, searching from byte `from` on; -1 if
   * absent. Looks at no byte past `limit` (a line reader asks for each line: scanning each
   * chunk to its end every time made reading many short lines quadratic in the chunk size).
   */
  indexOf(byte: number, limit: number, from = 0): number {
    let base = 0;
    for (let i = this.head - 1; i < this.chunks.length && base < limit; i++) {
      const c = i < this.head ? this.first : this.chunks[i]!;
      const start = i < this.head ? this.off : 0; // (the first chunk is read from `off` on)
      const len = c.length - start;
      if (base + len > from) {
        const s = start + (from > base ? from - base : 0);
        const e = base + len > limit ? start + (limit - base) : c.length;
        const j = e === c.length ? c.indexOf(byte, s) : indexIn(c, byte, s, e);
        if (j >= 0) return base + j - start;
      }
      base += len;
    }
    return -1;
  }

  /** Wait until readable, honouring Python's timeout modes (0 → EAGAIN, on the next event-loop turn). */
  async waitReadable(timeout: number | null, deadline: number): Promise<void> {
    if (timeout === 0) return wouldBlock(E.EAGAIN);
    this.flush();
    while (!this.readable) await this.readers.wait(remaining(timeout, deadline));
  }

  /**
   * Wait until more than the bytes now buffered are there (or EOF / error): for readers
   * that need a delimiter. The read-ahead may grow past the high-water mark meanwhile.
   */
  async waitMore(timeout: number | null, deadline: number): Promise<void> {
    if (timeout === 0) return wouldBlock(E.EAGAIN);
    const before = this.size;
    this.need = before + 1;
    this.flush();
    if (this.paused && !this.gone) {
      this.paused = false;
      this.t.resume();
    }
    try {
      while (this.size <= before && !this.eof && !this.readShut && this.error === null)
        await this.readers.wait(remaining(timeout, deadline));
    } finally {
      this.need = 0;
    }
  }

  // --- write side ---

  /**
   * A send's checks before any bytes: a latched error (once), else EPIPE after SHUT_WR, once
   * gone, or once an error ended the connection (Linux's socket is closed then).
   */
  checkWritable(): void {
    const err = this.takeWriteError();
    if (err) throw err;
    if (this.writeShut || this.gone || this.errored) throw oserror(E.EPIPE);
  }

  private offer(data: Uint8Array, keep: boolean): number {
    if (this.batched > 0 && !this.flushBatch()) return 0;
    try {
      const n = this.t.write(keep ? this.kept(data) : data);
      if (n < data.length) this.writeBlocked = true;
      return n;
    } catch (err) {
      const e = this.asLinux(err);
      // Refused at once after the peer's reset: the connection is over (Linux's TCP_CLOSE:
      // getpeername raises ENOTCONN), though the runtime reports it only later.
      if (e.errno === E.EPIPE || e.errno === E.ECONNRESET) this.errored = true;
      throw e;
    }
  }

  /**
   * Will a sendall of `len` bytes (with `timeout`) report them sent while the runtime may still
   * hold them? Non-blocking, and small writes of {@link StreamTransport.asyncWrites} transports.
   */
  private reportsHeld(len: number, timeout: number | null): boolean {
    return timeout === 0 || (this.asyncWrites && len <= ASYNC_SENT_MAX);
  }

  /**
   * `data` to hand over for good: once a call reports bytes sent the app may reuse its buffer
   * (Python's kernel copied them), so a runtime that may hold them gets a copy. Bytes recv
   * returned are immutable (Python's `bytes`) and go as they are, as do those of a runtime
   * whose write() copies at once ({@link StreamTransport.batchWrites}). The copy shares a pooled
   * block (_copy.ts): a fresh 64-byte array costs Deno ~280 ns, the pool ~50.
   */
  private kept(data: Uint8Array): Uint8Array {
    return this.copyBatch || data instanceof PyBytes ? data : copyOut(data);
  }

  private get congested(): boolean {
    return this.writeBlocked || this.t.writePending;
  }

  /**
   * Hot path of sendall: batch `data` during a burst, else offer it once if nothing is
   * pending and nothing is wrong.
   * @returns bytes accepted (taken by the transport or batched), or -1 if not offered (the slow path decides).
   */
  tryWrite(data: Uint8Array, timeout: number | null): number {
    if (this.error !== null || this.writeError !== null || this.writeShut || this.gone || this.errored) return -1;
    if (this.copyBatch || this.batched > 0 || data === this.lastTaken) return this.batchWrite(data, timeout);
    if (this.congested) return -1;
    try {
      const n = this.t.write(this.reportsHeld(data.length, timeout) ? this.kept(data) : data);
      if (n < data.length) this.writeBlocked = true;
      return n;
    } catch {
      return -1;
    }
  }

  /**
   * Python `send`: in blocking mode every byte (Linux's blocking send(2) returns once all of
   * it is queued); with a timeout, what fits once there is room; EAGAIN when non-blocking.
   * What the runtime accepts counts as sent at once (as bytes in a send buffer), at most
   * {@link SEND_MAX} per call: a runtime that queues everything (Node, Deno) must not hold
   * a large buffer for a call that reports it sent, nor time out after taking it.
   */
  async send(data: Uint8Array, timeout: number | null): Promise<number> {
    if (timeout === null) {
      await this.sendall(data, null);
      return data.length;
    }
    const deadline = Date.now() + timeout * 1000;
    const part = data.length > SEND_MAX ? data.subarray(0, SEND_MAX) : data;
    for (let looked = false; ; looked = true) {
      this.checkWritable();
      if (!this.congested) {
        const n = this.offer(part, true); // reported sent at once
        if (n > 0) {
          if (this.mustSettle()) await this.settle();
          return n;
        }
      }
      if (timeout === 0) {
        if (!looked && (await this.roomSoon())) continue;
        return wouldBlock(E.EAGAIN);
      }
      await this.writers.wait(remaining(timeout, deadline));
    }
  }

  /**
   * One non-blocking send made now (a makefile() write on a non-blocking socket, which returns at
   * once): what the OS takes, as Linux's send(2) fills the send buffer — {@link SEND_MAX} at a
   * time while the runtime passes each part on whole; a part it holds (Node, Deno) counts as
   * sent and ends the call. 0 where Linux says EAGAIN (the runtime still holds earlier bytes).
   */
  sendNow(data: Uint8Array): number {
    this.checkWritable();
    let taken = 0;
    while (taken < data.length && !this.congested) {
      const part = data.subarray(taken, taken + SEND_MAX);
      const n = this.offer(part, true);
      taken += n;
      if (n < part.length) break;
    }
    return taken;
  }

  /**
   * Non-blocking, the transport busy with a write it took whole (Deno writes one at a time):
   * Linux's send buffer would take more now, so give that write until the runtime's next I/O
   * poll to finish. True if there is room then.
   */
  private async roomSoon(): Promise<boolean> {
    if (this.writeBlocked || !this.t.writePending) return false;
    await afterPoll(() => !this.congested || this.gone || this.errored);
    return !this.congested;
  }

  /** Python `sendall`: every byte handed to the OS; one deadline for the whole call. */
  async sendall(data: Uint8Array, timeout: number | null): Promise<void> {
    const deadline = timeout === null ? 0 : Date.now() + timeout * 1000;
    const keep = this.reportsHeld(data.length, timeout);
    let view = data;
    for (let looked = false; view.length > 0; looked = true) {
      this.checkWritable();
      if (!this.congested) {
        // Non-blocking: at most a send buffer's worth, then EAGAIN (the runtime must not hold it all).
        const n = this.offer(timeout === 0 && view.length > SEND_MAX ? view.subarray(0, SEND_MAX) : view, keep);
        view = view.subarray(n);
        if (view.length === 0) break;
      }
      if (timeout === 0) {
        if (!looked && view === data && (await this.roomSoon())) continue;
        return wouldBlock(E.EAGAIN);
      }
      await this.writers.wait(remaining(timeout, deadline));
    }
    // Non-blocking: every byte was accepted (what the runtime still holds counts as the send
    // buffer; the next call sees it congested), so there is nothing to wait for.
    if (timeout !== 0 && this.mustDrain(data.length)) await this.waitDrained(timeout, deadline);
    else if (this.mustSettle()) await this.settle();
  }

  /**
   * After the peer's FIN a write may fail at once (EPIPE: the peer reset it), as Linux's send(2)
   * reports; a runtime still holding the bytes (Deno's asynchronous writes) may not know yet.
   */
  mustSettle(): boolean {
    return this.eof && this.t.writePending;
  }

  /** Give such a write until the runtime's next I/O poll to fail (see afterPoll), and raise that. */
  async settle(): Promise<void> {
    await afterPoll(() => !this.t.writePending || this.writeError !== null || this.error !== null || this.gone);
    const err = this.takeWriteError() ?? this.takeDropped();
    if (err) throw err;
  }

  /**
   * The transport took all of a sendall's `len` bytes: must the call wait until the runtime
   * hands them to the OS? Not if it holds none, nor for a small write of a runtime whose
   * writes always complete later (see {@link StreamTransport.asyncWrites}) — unless they were
   * batched: a burst's replies then wait for the write before them (measured: Deno's bulk
   * echo lost 9% when a burst's sendalls went on without waiting) or the peer has closed its
   * side: a write may then fail (EPIPE after the peer's reset), and Linux's send(2) says so.
   */
  mustDrain(len: number): boolean {
    return this.t.writePending && (!(this.asyncWrites && len <= ASYNC_SENT_MAX && this.batched === 0) || this.eof);
  }

  /**
   * After the transport took every byte: resolve once the runtime handed them all to the OS
   * (Deno's write, Node's queue). One Promise; the sendall path of every Deno write.
   */
  whenDrained(timeout: number | null): Promise<void> {
    const w = new DrainWaiter(this, timeout);
    const p = w.promise();
    w.wake();
    return p;
  }

  private async waitDrained(timeout: number | null, deadline: number): Promise<void> {
    for (;;) {
      // An error while bytes were pending: the runtime dropped them (writePending then ends too).
      const err = this.takeWriteError() ?? this.takeDropped();
      if (err) throw err;
      if (!this.t.writePending) return;
      // shutdown(SHUT_WR) meanwhile: Linux fails the blocked send (the runtime still delivers what it holds).
      if (this.gone || this.writeShut) throw oserror(E.EPIPE);
      await this.writers.wait(remaining(timeout, deadline));
    }
  }

  // --- write batching ---

  private batchWrite(data: Uint8Array, timeout: number | null): number {
    const len = data.length;
    if (this.size > 0 && (this.canBatch(data) || (this.batched > 0 && this.flushBatch() && this.canBatch(data)))) {
      // Mid-burst (after sending a full batch or one of another chunk, if need be).
      this.addToBatch(data);
      queueFlush(this);
      return len;
    }
    if (this.batched > 0) {
      // End of the burst: these bytes and the batch as one write when they fit.
      if (this.canBatch(data)) {
        this.addToBatch(data);
        this.flushBatch();
        return len;
      }
      if (!this.flushBatch()) return -1;
    }
    if (this.congested) return -1;
    try {
      const n = this.t.write(this.reportsHeld(len, timeout) ? this.kept(data) : data);
      if (n < len) this.writeBlocked = true;
      return n;
    } catch {
      return -1;
    }
  }

  /**
   * Can `data` join the batch now? By reference at any time (it is written when the
   * transport is free, in order); by copy only while the transport is free (until then the
   * batch buffer may still hold the backlog).
   */
  private canBatch(data: Uint8Array): boolean {
    const total = this.batched + data.length;
    if (total > BATCH_MAX) return false;
    return this.continuesBatch(data) || (this.copyBatch && !this.congested && total <= COPY_BATCH_MAX);
  }

  /** `data` is what recv just returned, right after the batch in the same chunk (or starts one). */
  private continuesBatch(data: Uint8Array): boolean {
    if (data !== this.lastTaken) return false;
    if (this.batched === 0) return true;
    const v = this.batchView;
    return v !== null && data.buffer === v.buffer && data.byteOffset === v.byteOffset + this.batched;
  }

  private addToBatch(data: Uint8Array): void {
    const len = data.length;
    const v = this.batchView;
    if (this.batched === 0 && data === this.lastTaken) {
      this.batchView = data;
      this.batched = len;
      return;
    }
    if (v !== null && this.continuesBatch(data)) {
      this.batched += len;
      return;
    }
    const b = (this.batch ??= freeBatches.pop() ?? new Uint8Array(COPY_BATCH_MAX));
    if (v !== null) {
      b.set(this.viewBatch(v));
      this.batchView = null;
    }
    b.set(data, this.batched);
    this.batched += len;
  }

  /** The batched bytes of `v` (the batch by reference). */
  private viewBatch(v: Uint8Array): Uint8Array {
    return v.length === this.batched ? v : new Uint8Array(v.buffer, v.byteOffset, this.batched);
  }

  /** Send the batch now (before a read waits, and on the next turn of the event loop). */
  flush(): void {
    if (this.batched > 0) this.flushBatch();
  }

  /**
   * Write the batch unless the transport is busy (then `onDrain` does). True if nothing
   * remains for later (no batch, no backlog).
   */
  private flushBatch(): boolean {
    if (this.batched === 0) return true;
    if (this.congested) return false;
    const v = this.batchView;
    const out = v !== null ? this.viewBatch(v) : this.batch!.subarray(0, this.batched);
    this.batchView = null;
    this.batched = 0;
    const taken = this.writeOwned(out);
    if (taken) this.dropBatch(); // back to the shared pool: none is kept per connection
    if (this.size === 0) this.lastTaken = null; // the burst is over: keep no reference to received bytes
    return taken;
  }

  /** Write bytes core owns; what the transport does not take becomes the backlog. */
  private writeOwned(out: Uint8Array): boolean {
    let n: number;
    try {
      n = this.t.write(out);
    } catch (err) {
      // Bytes sendall already accepted cannot go out: report it on the next call, as the
      // kernel reports an error on a socket's buffered data.
      this.latch(err);
      this.backlog = null;
      this.dropBatch();
      return false;
    }
    if (n < out.length) {
      this.backlog = out.subarray(n);
      this.writeBlocked = true;
      return false;
    }
    this.backlog = null;
    return true;
  }

  private dropBatch(): void {
    const b = this.batch;
    this.batch = null;
    if (b !== null && freeBatches.length < FREE_BATCHES) freeBatches.push(b);
  }

  shutdownWrite(): void {
    if (this.writeShut && !this.finOwed) return;
    this.writeShut = true;
    this.finOwed = false;
    // A sendall waiting for room raises EPIPE now (Linux fails a blocked send on SHUT_WR).
    this._writers?.wake();
    if (this.gone) return;
    this.flush();
    if (this.backlog !== null || this.batched > 0) this.afterBacklog = 1;
    else this.t.shutdownWrite();
  }

  /** Timed waits are over for good (closed): their alarms would hold the connection until they ring. */
  private stopAlarms(): void {
    this.readers.stopAlarm();
    this._writers?.stopAlarm();
  }

  /** Reject every pending call with `err` (our own close → EBADF). */
  failAll(err: unknown): void {
    this.readers.fail(err);
    this._writers?.fail(err);
  }

  /**
   * Like close(2): graceful (queued bytes, then FIN) — unless received bytes were never
   * read (by recv, or into a makefile() reader's buffer), or `reset` (SO_LINGER on with a zero
   * timeout), in which case Linux resets the connection, and so do we.
   */
  /** At exit: reset when input is left unread (see atExit). */
  resetIfUnread(): void {
    if (!this.gone && this.size > this.fileHeld) {
      this.gone = true;
      this.t.abort();
    }
  }

  close(reset = false): Promise<void> {
    open.delete(this);
    this.stopAlarms();
    const unread = (reset || this.size > this.fileHeld) && !this.gone;
    const batched = this.batched > 0;
    // Replies sendall already reported as sent go out first, even before a reset: the
    // kernel would have sent them when sendall returned.
    if (!this.gone) this.flush();
    this.gone = true;
    if (unread) {
      this.t.abort();
      return Promise.resolve();
    }
    if (this.backlog !== null || this.batched > 0) {
      // Like close(2): returns at once; the accepted bytes, then FIN, follow when the peer reads.
      this.afterBacklog = 2;
      this.linger();
      return Promise.resolve();
    }
    const closing = this.t.close().catch(ignore);
    // close(2) returns at once and the kernel flushes in the background; when the runtime
    // still holds unsent bytes (a timed-out sendall to a stalled peer), do not wait for them
    // — unless they are a batch sendall already reported as sent (Deno's asynchronous
    // write): then close resolves once they are in the kernel, so a program may exit.
    if (!this.t.writePending) return closing;
    this.linger();
    return batched ? closing : Promise.resolve();
  }

  /**
   * Closed with bytes the peer has not taken yet: they go out in the background, as an
   * orphaned kernel socket's do — but a peer that never reads them must not hold the
   * connection (its memory, and the process) forever: it is reset after {@link LINGER_MS}.
   */
  private linger(): void {
    const timer = setTimeout(() => this.t.abort(), LINGER_MS);
    (timer as { unref?(): void }).unref?.();
    this.lingerTimer = timer;
  }
}

const EMPTY = new Uint8Array(0);

/** A runtime's close never fails the caller's close(). */
const ignore = (): undefined => undefined;

/** A sendall waiting until the runtime handed its bytes to the OS (see {@link StreamConn.whenDrained}). */
class DrainWaiter extends PromiseWaiter<void> {
  constructor(
    private readonly c: StreamConn,
    timeout: number | null,
  ) {
    super(timeout);
  }

  wake(): void {
    const c = this.c;
    try {
      // An error while bytes were pending: the runtime dropped them (writePending then ends too).
      const err = c.takeWriteError() ?? c.takeDropped();
      if (err) return this.reject(err);
      if (!c.t.writePending) return this.resolve();
      if (c.gone || c.writeShut) return this.reject(oserror(E.EPIPE));
      c.writers.addWaiter(this, this.left());
    } catch (err) {
      this.reject(err);
    }
  }
}

/** Batch buffers kept for reuse (at most this many, across all connections). */
const FREE_BATCHES = 8;
const freeBatches: Uint8Array[] = [];

/** Connections whose batch goes out on the next turn of the event loop (one timer for all). */
let flushList: StreamConn[] = [];

let exitHook = false;
/** Connections not closed yet (the runtime holds them open anyway): what the exit hook looks at. */
const open = new Set<StreamConn>();

function queueFlush(c: StreamConn): void {
  if (c.flushQueued) return;
  c.flushQueued = true;
  if (flushList.push(c) === 1) onNextTurn(flushAll);
}

/** Once: what the kernel would do with a program's sockets when it exits (see atExit). */
function onExit(): void {
  if (exitHook) return;
  exitHook = true;
  (globalThis as { process?: { on?(e: "exit", f: () => void): unknown } }).process?.on?.("exit", atExit);
}

/**
 * The program ends: a batch sendall reported as sent still reaches the kernel (Node's and Bun's
 * writes are synchronous); a connection with input the program never read is reset, as the
 * kernel resets it when it closes the descriptors of an exiting process (the runtime read the
 * bytes out of the kernel, which would otherwise close it with FIN).
 */
function atExit(): void {
  flushAll();
  for (const c of open) c.resetIfUnread();
}

function flushAll(): void {
  const list = flushList;
  flushList = [];
  for (const c of list) {
    c.flushQueued = false;
    c.flush();
  }
}

/** Index of `byte` in `c` from `s` up to (not including) `e`; -1 if absent. */
function indexIn(c: Uint8Array, byte: number, s: number, e: number): number {
  if (e - s <= 64) {
    for (let k = s; k < e; k++) if (c[k] === byte) return k;
    return -1;
  }
  const j = c.subarray(s, e).indexOf(byte);
  return j < 0 ? -1 : s + j;
}
