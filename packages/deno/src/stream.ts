// --- Deno `Conn` as a polysock StreamTransport ---
// Deno reads are pull-shaped (`conn.read(buf)`); a small pump makes them push-shaped for
// core. At most one read is in flight, and its bytes are always delivered, so `pause()`
// holds the peer back through the TCP window without losing a byte.
import type { NetAddress, StreamHandlers, StreamTransport } from "@polysock/core";
import { type DenoConn, deno, toNetAddress } from "./_deno-types.js";

/** Bytes asked for per `read()`: the read-ahead the pump adds on top of core's queue… */
const READ_SIZE = 64 * 1024;
/**
 * …once a read has filled the connection's first buffer, which is this small: an idle
 * connection (a read waits on it) then holds 4 KiB of read buffer, not 64 (10,000 idle
 * connections: 173 MiB RSS in all, where a raw Deno server with the usual 64 KiB buffer has 628).
 */
const FIRST_READ_SIZE = 4 * 1024;
/**
 * …and while data streams in (the last read brought at least READ_SIZE), reads fill a slab
 * this large, each into the space the previous ones left: fewer, larger reads cost the kernel
 * less per byte than the raw 64 KiB loop, and core batches the replies by reference
 * (consecutive reads are contiguous). No slab space is wasted: what was read is handed over.
 */
const SLAB_SIZE = 1024 * 1024;
/**
 * Slabs held at once, over all connections: a read that waits (or a paused pump) keeps its
 * buffer, so 10,000 connections that streamed and then went idle must not hold a slab each.
 */
const SLAB_BUDGET = 16;
let slabsHeld = 0;
/**
 * Read buffers of connections that reached EOF, for the next ones (READ_SIZE ones, and first
 * buffers): a server of short connections then allocates (zero-fills, and has the GC sweep)
 * no buffer per connection: 68.9 → 50.2 µs of CPU per connection (A/B, 64 KiB buffers).
 */
const spare: Uint8Array[] = [];
const spareFirst: Uint8Array[] = [];
const SPARE_MAX = 16;
/** The spare list for buffers of `size` bytes (none for slabs). */
const spareFor = (size: number): Uint8Array[] | null =>
  size === READ_SIZE ? spare : size === FIRST_READ_SIZE ? spareFirst : null;
/** How long abort() waits for a write in flight (one the kernel has room for takes well under 1 ms). */
const ABORT_WAIT_MS = 50;
/**
 * A read into a slab at least this large gives its bytes away instead of being copied (the
 * next read goes after them). Into a READ_SIZE buffer only a full read does: giving part of
 * it away would need a new buffer per read — 64 KiB allocated (and zero-filled, and swept by
 * the GC) per 16 KiB message: 35 µs of CPU per 16 KiB ping-pong round trip instead of 16 (A/B).
 */
const HANDOFF = 16 * 1024;

/** Deno's own error for writing a closed or shut-down connection (what `conn.write` rejects with). */
function brokenPipe(): Error {
  const err = new (deno().errors.BrokenPipe)("Broken pipe (os error 32)");
  (err as Error & { code: string }).code = "EPIPE";
  return err;
}

/** Wraps a connected `Deno.Conn` (tcp or unix). */
export class DenoStream implements StreamTransport {
  private h: StreamHandlers | null = null;
  /** The read buffer, allocated by the first read (not for unstarted conns)… */
  private buf: Uint8Array | null = null;
  /** …and where the next read goes in it (what lies before was handed to core). */
  private off = 0;
  /** The read pump while it runs (never rejects); `reading` is true meanwhile. */
  private pumping: Promise<void> = Promise.resolve();
  private reading = false;
  private paused = false;
  private eof = false;
  /** The write loop in flight, if any; it never rejects. */
  private writing: Promise<void> | null = null;
  private wantCloseWrite = false;
  /** Our FIN is sent (closeWrite done). */
  private writeClosed = false;
  private closing: Promise<void> | null = null;
  /** The conn is released (closed by us, or after a fatal error); later rejections are ours. */
  private closed = false;

  constructor(readonly conn: DenoConn) {}

  get raw(): unknown {
    return this.conn;
  }

  start(h: StreamHandlers): void {
    this.h = h;
    this.pumping = this.pump();
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    if (!this.reading) this.pumping = this.pump();
  }

  write(data: Uint8Array): number {
    if (this.closed || this.closing !== null || this.wantCloseWrite) throw brokenPipe();
    if (this.writing !== null || data.length === 0) return 0;
    this.writing = this.flush(data);
    return data.length;
  }

  /** `conn.write()` always completes on a later turn (an async op). */
  readonly asyncWrites = true;

  get writePending(): boolean {
    return this.writing !== null;
  }

  shutdownWrite(): void {
    if (this.wantCloseWrite) return;
    this.wantCloseWrite = true;
    if (this.writing === null) void this.closeWrite();
  }

  /** Hold the process open or not (core: only while a call waits on this). */
  setRef(on: boolean): void {
    const h = this.conn as { ref?(): unknown; unref?(): unknown };
    if (on) h.ref?.();
    else h.unref?.();
  }

  close(): Promise<void> {
    // Like close(2) after send(2): accepted bytes go out first, then FIN; unread input is dropped.
    this.closing ??= (async () => {
      // What close() waits for (the write, the pending read's rejection) is an op of this conn:
      // referenced, or Deno ends a program whose only wait is this close() before it resolves.
      if (!this.closed) this.setRef(true);
      if (this.writing !== null) await this.writing;
      this.release();
      await this.pumping; // a pending read holds the socket open until it rejects
    })();
    return this.closing;
  }

  abort(): void {
    // Deno cannot send a reset (docs/differences.md #6): close. A write in flight was reported
    // sent (asyncWrites), and closing now would drop it: it goes first, as the kernel had sent
    // it when sendall returned — unless the peer takes nothing (Linux's reset drops that too).
    if (this.writing === null || this.closed) return this.release();
    const timer = setTimeout(() => this.release(), ABORT_WAIT_MS);
    void this.writing.then(() => {
      clearTimeout(timer);
      this.release();
    });
  }

  localAddress(): NetAddress {
    return toNetAddress(this.conn.localAddr);
  }

  remoteAddress(): NetAddress {
    return toNetAddress(this.conn.remoteAddr);
  }

  setNoDelay(on: boolean): void {
    if (!this.closed) this.conn.setNoDelay?.(on); // TcpConn only; unix has no Nagle
  }

  setKeepAlive(on: boolean): void {
    // (Deno.TcpConn has no keep-alive delay: TCP_KEEPIDLE stays the kernel's; differences #9.)
    if (!this.closed) this.conn.setKeepAlive?.(on);
  }

  // --- helpers ---

  /** Read until paused, EOF, error or close. Only one pump runs at a time. */
  private async pump(): Promise<void> {
    const h = this.h;
    if (h === null || this.reading || this.eof || this.closed) return;
    this.reading = true;
    let buf = this.buf ?? this.reuseOrAllocate(FIRST_READ_SIZE);
    let off = this.off;
    try {
      while (!this.paused && !this.closed) {
        const space = off === 0 ? buf : buf.subarray(off);
        let n: number | null;
        try {
          n = await this.conn.read(space);
        } catch (err) {
          // After our own close the pending read rejects (Interrupted / BadResource): not an error.
          if (!this.closed) this.fail(err);
          return;
        }
        if (n === null) {
          this.eof = true;
          this.recycleBuffer();
          if (!this.closed) h.onEnd();
          if (this.writeClosed) this.release(); // closed both ways: the conn is over
          return;
        }
        if (this.closed) continue;
        if (n >= READ_SIZE || (n >= HANDOFF && buf.length > READ_SIZE)) {
          // A large read: hand its bytes over (no copy); the next read goes after them.
          h.onData(space.subarray(0, n));
          off += n;
          if (buf.length - off < READ_SIZE) {
            buf = this.newBuffer(n >= READ_SIZE);
            off = 0;
          }
        } else {
          h.onData(space.subarray(0, n), true); // core copies it (shared blocks up to 16 KiB); the space is reused
          if (buf.length > READ_SIZE || (n === FIRST_READ_SIZE && buf.length === FIRST_READ_SIZE)) {
            // The stream has slowed: give the slab up. Or the first buffer is too small: grow.
            buf = this.newBuffer(false);
            off = 0;
          }
        }
        this.off = off;
      }
    } finally {
      this.reading = false;
    }
  }

  /** Replace the read buffer (the old one belongs to core now, or to nobody): a slab if wanted and the budget allows. */
  private newBuffer(slab: boolean): Uint8Array {
    this.dropBuffer();
    if (slab && slabsHeld < SLAB_BUDGET) {
      slabsHeld++;
      return (this.buf = new Uint8Array(SLAB_SIZE));
    }
    return this.reuseOrAllocate(READ_SIZE);
  }

  /** A spare buffer of `size` bytes (READ_SIZE or FIRST_READ_SIZE), else a new one, as the read buffer. */
  private reuseOrAllocate(size: number): Uint8Array {
    return (this.buf = spareFor(size)!.pop() ?? new Uint8Array(size));
  }

  /**
   * At EOF (no read in flight): the read buffer is reused by a later connection (not a slab).
   * Core never holds part of it: only a read that filled a READ_SIZE buffer is handed over,
   * and a new buffer is taken then.
   */
  private recycleBuffer(): void {
    const b = this.buf;
    const list = b === null ? null : spareFor(b.length);
    if (list !== null && list.length < SPARE_MAX) list.push(b!);
    this.dropBuffer();
  }

  private dropBuffer(): void {
    if (this.buf !== null && this.buf.length > READ_SIZE) slabsHeld--;
    this.buf = null;
    this.off = 0;
  }

  /** Write all of `data`; Deno's `write` may take only part of it. */
  private async flush(data: Uint8Array): Promise<void> {
    try {
      for (let off = 0; off < data.length; ) {
        off += await this.conn.write(off === 0 ? data : data.subarray(off));
      }
    } catch (err) {
      this.writing = null;
      if (this.closed) return;
      // Refused because the peer has gone (EPIPE): that ends the write side only. Reads go on
      // (what the peer sent first is still to be read) until EOF or the reset ends them too.
      if (this.reading && err instanceof deno().errors.BrokenPipe) this.h?.onError(err);
      else this.fail(err);
      return;
    }
    this.writing = null;
    if (this.wantCloseWrite) await this.closeWrite();
    if (!this.closed) this.h?.onDrain();
  }

  private async closeWrite(): Promise<void> {
    try {
      await this.conn.closeWrite();
    } catch {
      // Already reset or closed: there is nothing left to half-close.
    }
    this.writeClosed = true;
    if (this.eof) this.release(); // closed both ways: the conn is over
  }

  /** A fatal read/write error: report it once, then release the conn. */
  private fail(err: unknown): void {
    if (this.closed) return;
    this.h?.onError(err);
    this.release();
  }

  private release(): void {
    if (this.closed) return;
    this.closed = true;
    this.dropBuffer();
    try {
      this.conn.close();
    } catch {
      // BadResource: already gone.
    }
    this.h?.onClose();
  }
}
