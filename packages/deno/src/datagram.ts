// --- Deno `DatagramConn` as a polysock DatagramTransport ---
// `Deno.listenDatagram` exists only under `--unstable-net`; without it the adapter uses
// `@polysock/node`'s `node:dgram` transport, which Deno runs without any flag.
import type { DatagramHandlers, DatagramTransport, Endpoint, NetAddress } from "@polysock/core";
import { type DenoDatagramConn, type DenoNetAddr, deno, isDenoError, sleep, toNetAddress } from "./_deno-types.js";

/** Receive buffer: any UDP payload (IPv4 max 65,507) fits, so nothing is truncated here. */
const RECV_SIZE = 64 * 1024;
/** Pause after an unexpected receive error, so the loop cannot spin. */
const RECV_RETRY_MS = 100;

/**
 * Create a UDP socket bound to `ep`; rejects with the native error (`AddrInUse` …).
 * Deno's `reuseAddress` sets SO_REUSEADDR only (measured: two sockets with it, the last bound gets
 * every datagram): SO_REUSEPORT is passed as it, the nearest there is (docs/differences.md #90).
 */
export async function bindDatagram(
  ep: Endpoint,
  opts: { reuseAddr: boolean; reusePort: boolean },
): Promise<DatagramTransport> {
  const D = deno();
  if (typeof D.listenDatagram !== "function") {
    // Loaded on first use: node:dgram (and node:net, node:dns) cost Deno ~8 MiB of RSS.
    const { bindDatagram: bindNodeDatagram } = await import("@polysock/node");
    return compactNodeDatagram(await bindNodeDatagram(ep, opts));
  }
  const sock = D.listenDatagram({
    transport: "udp",
    hostname: ep.host || (ep.ipVersion === 6 ? "::" : "0.0.0.0"),
    port: ep.port,
    reuseAddress: opts.reuseAddr || opts.reusePort,
  });
  return new DenoDatagram(sock);
}

/**
 * Deno's `node:dgram` hands each datagram in its own 64 KiB buffer (Node sizes it to the
 * datagram): core copies it out (`reused`: small ones into shared blocks, as for Deno's own
 * reads), so its queue of small datagrams does not hold 64 KiB apiece (a copy into an array
 * of its own per datagram instead: 7 % more CPU per 64 B echo, A/B).
 */
function compactNodeDatagram(t: DatagramTransport): DatagramTransport {
  const start = t.start.bind(t);
  t.start = (h) => start({ onMessage: (d, from) => h.onMessage(d, from, true), onError: (e) => h.onError(e) });
  return t;
}

/**
 * No `connect()`: Deno has none, so core emulates it (filters by peer). SO_BROADCAST is
 * already on for Deno UDP sockets, so `setBroadcast` has nothing to do.
 */
class DenoDatagram implements DatagramTransport {
  private closed = false;
  private h: DatagramHandlers | null = null;
  /** The receive() in flight (it holds the port until it settles), or null. */
  private pending: Promise<void> | null = null;
  /** Core wants no more datagrams now: none is asked for after the one in flight. */
  private paused = false;
  private readonly buf = new Uint8Array(RECV_SIZE);
  private last: NetAddress | null = null;
  private lastTo: DenoNetAddr | null = null;
  /** `post`'s completion callback, and its success form (no closure per datagram). */
  private done: ((err: unknown) => void) | null = null;
  private sent: () => void = () => undefined;

  constructor(private readonly sock: DenoDatagramConn) {}

  get raw(): unknown {
    return this.sock;
  }

  start(h: DatagramHandlers): void {
    // Until now the kernel's receive buffer holds (and, when full, drops) datagrams.
    this.h = h;
    this.receiveNext();
  }

  /**
   * Receive only while core wants datagrams (a recvfrom waits): Deno's receive() is a pull,
   * and one asked for when the reader is ready usually finds its datagram already there,
   * where a loop always asking waited in the runtime's poller (UDP echo +7%, measured).
   */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.receiveNext();
  }

  private receiveNext(): void {
    if (this.pending !== null || this.closed || this.paused) return;
    this.pending = this.sock.receive(this.buf).then(this.received, this.failed);
  }

  private readonly received = ([data, from]: [Uint8Array, unknown]): void => {
    this.pending = null;
    if (this.closed) return;
    // The same peer many times in a row: one address object (core only reads it).
    const f = from as DenoNetAddr;
    const last = this.last;
    const at = last === null || last.host !== f.hostname || last.port !== f.port ? (this.last = toNetAddress(f)) : last;
    // Core copies it: `buf` is reused (and a 64 KiB buffer per tiny datagram would waste memory).
    this.h!.onMessage(data, at, true);
    this.receiveNext();
  };

  private readonly failed = (err: unknown): void => {
    // After our close: Interrupted (pending) or BadResource "Socket has been closed".
    if (this.closed || isDenoError(err, "BadResource")) {
      this.pending = null;
      return;
    }
    this.h!.onError(err);
    // Pause before asking again, so an unexpected error cannot spin.
    this.pending = sleep(RECV_RETRY_MS).then(() => {
      this.pending = null;
      this.receiveNext();
    });
  };

  async send(data: Uint8Array, to?: NetAddress): Promise<void> {
    if (to === undefined) throw new TypeError("Deno datagram sockets cannot send without an address");
    await this.sock.send(data, this.denoAddr(to));
  }

  post(data: Uint8Array, to: NetAddress, done: (err: unknown) => void): void {
    if (this.done !== done) {
      this.done = done;
      this.sent = () => done(null);
    }
    this.sock.send(data, this.denoAddr(to)).then(this.sent, done);
  }

  /** Deno's form of `to`; a server replies to the same peer many times in a row. */
  private denoAddr(to: NetAddress): DenoNetAddr {
    const a = this.lastTo;
    if (a !== null && a.port === to.port && a.hostname === to.host) return a;
    return (this.lastTo = { transport: "udp", hostname: to.host, port: to.port });
  }

  localAddress(): NetAddress {
    return toNetAddress(this.sock.addr);
  }

  setBroadcast(_on: boolean): void {}

  /** Hold the process open or not (core: only while a call waits on this). */
  setRef(on: boolean): void {
    const h = this.sock as { ref?(): unknown; unref?(): unknown };
    if (on) h.ref?.();
    else h.unref?.();
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      try {
        this.sock.close();
      } catch {
        // BadResource: already closed.
      }
    }
    // A pending receive() holds the port until it rejects; wait, so a rebind can succeed.
    return this.pending ?? Promise.resolve();
  }
}
