// --- Bun TCP / unix socket as a polysock StreamTransport ---
import type { NetAddress, StreamHandlers, StreamTransport } from "@polysock/core";
import type { BunSocket, BunSocketHandlers } from "./_bun-types.js";

/** The native-like error for writing to a closed or shut-down socket (Bun only returns -1). */
function epipe(): Error {
  return Object.assign(new Error("write EPIPE"), { code: "EPIPE", syscall: "write" });
}

/**
 * Wraps one Bun socket. Bun calls the shared {@link handlers} with `socket.data`
 * set to the BunStream. The socket is paused on open; events that still arrive before
 * `start()` are queued (at most the chunk in flight) and replayed.
 */
export class BunStream implements StreamTransport {
  private h: StreamHandlers | null = null;
  // Fields most connections never set, with their values on the prototype (the end of this
  // file): an idle connection carries only the fields it uses.
  declare private early: (() => void)[] | null;
  declare private paused: boolean;
  declare private ended: boolean;
  declare private errored: boolean;
  declare private closed: boolean;
  declare private closing: boolean;
  declare private closeWaiters: (() => void)[] | null;
  declare private readonly unix: { path: string; local: boolean } | undefined;
  private readonly remoteHost: string;
  private readonly remotePort: number;
  private readonly localHost: string;
  private readonly localPort: number;

  /** Paused by {@link hold} until start(). */
  declare private held: boolean;

  /**
   * `unix`: the socket path and which side owns it (Bun reports no unix addresses). `local`:
   * the local address when known (accepted by a listener bound to one address); `remote`: the
   * peer's (connected to).
   */
  constructor(
    readonly sock: BunSocket<BunStream>,
    unix?: { path: string; local: boolean },
    local?: NetAddress,
    remote?: NetAddress,
  ) {
    sock.data = this;
    if (unix) (this as { unix?: object }).unix = unix;
    // Read now: after a peer reset Bun reports no address (CPython's accept() still does).
    // (Each of Bun's address getters costs µs on first use: a system call.)
    this.remoteHost = remote ? remote.host : (sock.remoteAddress ?? "");
    this.remotePort = remote ? remote.port : (sock.remotePort ?? 0);
    // Bun forgets the local address once the connection is closed; getsockname() still reports it.
    this.localHost = local ? local.host : (sock.localAddress ?? "");
    this.localPort = local ? local.port : (sock.localPort ?? 0);
    sock.setNoDelay(false); // Bun defaults to TCP_NODELAY=1; Python's default is 0
  }

  /** Read nothing until start() (a connection core does not take at once); data meanwhile stays in the kernel. */
  hold(): void {
    this.held = true;
    this.sock.pause?.();
  }

  get raw(): unknown {
    return this.sock;
  }

  private emit(fn: (h: StreamHandlers) => void): void {
    const h = this.h;
    if (h) fn(h);
    else (this.early ??= []).push(() => fn(this.h!));
  }

  start(h: StreamHandlers): void {
    this.h = h;
    const early = this.early;
    this.early = null;
    if (early) for (const fn of early) fn();
    if (this.held) {
      this.held = false;
      if (!this.paused && !this.closed) this.sock.resume?.();
    }
  }

  pause(): void {
    this.paused = true;
    if (!this.closed) this.sock.pause?.();
  }

  resume(): void {
    this.paused = false;
    if (this.h && !this.closed) this.sock.resume?.();
  }

  write(data: Uint8Array): number {
    if (this.closed) throw epipe();
    const n = data.length === 0 ? 0 : this.sock.write(data); // never pass a byteOffset (Bun quirk)
    if (n < 0) throw epipe();
    return n;
  }

  /** Bun's write() copies into the kernel at once: core may copy sendall data into batches too. */
  readonly batchWrites = true;

  /** Bun never holds accepted bytes: they are in the kernel, the rest was refused. */
  get writePending(): boolean {
    return false;
  }

  shutdownWrite(): void {
    // shutdown() is SHUT_WR; shutdown(true) would shut the READ side. NOT end(): it closes at once.
    if (!this.closed) this.sock.shutdown();
  }

  /** Hold the process open or not (core: only while a call waits on this). */
  setRef(on: boolean): void {
    const h = this.sock as { ref?(): unknown; unref?(): unknown };
    if (on) h.ref?.();
    else h.unref?.();
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    // Every accepted byte is already in the kernel, so close(2) sends it, then FIN.
    return new Promise((resolve) => {
      (this.closeWaiters ??= []).push(resolve);
      this.closing = true;
      this.sock.end();
    });
  }

  abort(): void {
    if (this.closed) return;
    this.closing = true;
    this.sock.terminate();
  }

  localAddress(): NetAddress {
    if (this.unix) return { host: this.unix.local ? this.unix.path : "", port: 0 };
    return { host: this.localHost, port: this.localPort };
  }

  remoteAddress(): NetAddress {
    if (this.unix) return { host: this.unix.local ? "" : this.unix.path, port: 0 };
    return { host: this.remoteHost, port: this.remotePort };
  }

  setNoDelay(on: boolean): void {
    if (!this.closed) this.sock.setNoDelay(on);
  }

  setKeepAlive(on: boolean, idleSeconds?: number): void {
    // The delay (ms) sets TCP_KEEPIDLE, and with it TCP_KEEPINTVL 1 and TCP_KEEPCNT 10; without one Bun keeps them.
    if (!this.closed) this.sock.setKeepAlive(on, (idleSeconds ?? 0) * 1000);
  }

  // --- called from the shared Bun handlers ---

  _data(chunk: Uint8Array): void {
    // Kept without a copy: Bun 1.4 hands each `data` call a freshly allocated buffer and
    // never writes to it again (checked: 31 chunks kept past their handlers, 31 distinct
    // ArrayBuffers, contents unchanged). test/suite checks every byte of bulk transfers.
    const h = this.h;
    if (h !== null) h.onData(chunk);
    else this.emit((x) => x.onData(chunk));
  }

  _drain(): void {
    this.h?.onDrain();
  }

  _end(): void {
    if (this.ended) return;
    this.ended = true;
    this.emit((h) => h.onEnd());
  }

  _error(err: unknown): void {
    if (this.errored) return;
    this.errored = true;
    this.emit((h) => h.onError(err));
  }

  _close(err?: unknown): void {
    if (this.closed) return;
    this.closed = true;
    // A peer reset comes only here (err.code ECONNRESET), with no `error` call.
    if (err) this._error(err);
    // After our shutdown(), Bun closes on the peer's FIN without calling `end`.
    else if (!this.closing) this._end();
    const waiters = this.closeWaiters;
    this.closeWaiters = null;
    if (waiters) for (const resolve of waiters) resolve();
    this.emit((h) => h.onClose());
  }
}

Object.assign(BunStream.prototype, {
  early: null,
  paused: false,
  ended: false,
  errored: false,
  closed: false,
  closing: false,
  closeWaiters: null,
  unix: undefined,
  held: false,
});

/** Handlers shared by every Bun socket; `socket.data` is its BunStream (set on open). */
export function handlers(onOpen: (s: BunSocket<BunStream>) => void): BunSocketHandlers<BunStream> {
  return {
    open: onOpen,
    data: (s, chunk) => s.data?._data(chunk),
    drain: (s) => s.data?._drain(),
    end: (s) => s.data?._end(),
    error: (s, err) => s.data?._error(err),
    close: (s, err) => s.data?._close(err),
  };
}
