// --- Bun.udpSocket as a polysock DatagramTransport ---
import type { DatagramHandlers, DatagramTransport, Endpoint, NetAddress } from "@polysock/core";
import { bun, type BunUdpSocket } from "./_bun-types.js";

/** Datagrams kept before `start()`; beyond that they are dropped, as the kernel would. */
const EARLY_MAX = 64;
/** Turns in a row with a single reply after which replies are no longer held for the next turn. */
const SINGLES_MAX = 8;
/** While replies go out at once, every this many is held for the next turn again (bursts back?). */
const PROBE_EVERY = 64;

/**
 * Create a UDP socket bound to `ep`; rejects with the native error (EADDRINUSE …).
 * Bun has no SO_REUSEADDR/SO_REUSEPORT option for UDP and no `connect()` after
 * creation, so `opts` is not used and core emulates `connect()`.
 */
export async function bindDatagram(
  ep: Endpoint,
  _opts: { reuseAddr: boolean; reusePort: boolean },
): Promise<DatagramTransport> {
  const t = new BunDatagram();
  t.sock = await bun().udpSocket({
    hostname: ep.host,
    port: ep.port,
    socket: {
      // No copy: Bun 1.4 hands each datagram a fresh, right-sized buffer and never writes to
      // it again (checked: 200 datagrams kept past their handlers, 200 distinct ArrayBuffers,
      // contents unchanged); test/suite/udp.ts checks every byte of every echo.
      data: (_s, data, port, host) => t.message(data, port, host),
      drain: () => t.drain(),
      error: (err) => t.error(err), // one argument, not (socket, err)
    },
  });
  return t;
}

class BunDatagram implements DatagramTransport {
  sock!: BunUdpSocket;
  private h: DatagramHandlers | null = null;
  private early: [Uint8Array, NetAddress][] = [];
  private waiting: (() => void)[] = [];

  get raw(): unknown {
    return this.sock;
  }

  start(h: DatagramHandlers): void {
    this.h = h;
    for (const [m, f] of this.early.splice(0)) h.onMessage(m, f);
  }

  /** The last sender: a server hears from the same peer many times in a row (core only reads it). */
  private last: NetAddress = { host: "", port: -1 };

  message(data: Uint8Array, port: number, host: string): void {
    let from = this.last;
    if (from.port !== port || from.host !== host) this.last = from = { host, port };
    if (this.h) this.h.onMessage(data, from);
    else if (this.early.length < EARLY_MAX) this.early.push([data, from]);
  }

  error(err: unknown): void {
    // Bun reads the kernel error queue (IP_RECVERR), which echoes every EMSGSIZE that
    // `send` already threw; Linux never reports EMSGSIZE asynchronously to Python.
    if ((err as { code?: unknown } | null)?.code === "EMSGSIZE") return;
    this.h?.onError(err);
  }

  /**
   * Replies core posted this turn, `[data, port, host, …]`, and their completions: sent together
   * in one sendmmsg(2) on the next turn of the event loop. Bun delivers each datagram of a
   * recvmmsg batch in its own callback and the app replies in between, so only the next turn
   * knows the burst is over. One sendmmsg per burst instead of one per datagram: UDP echo with 32
   * in flight 6.4 → 5.0 µs of server CPU per datagram (A/B). A reply alone in its turn would
   * only wait (one more turn of the loop: a request at a time, +2 µs), so after
   * {@link SINGLES_MAX} such turns in a row replies go out at once again, and every
   * {@link PROBE_EVERY}th waits for the next turn to see whether bursts came back.
   */
  private posts: (Uint8Array | number | string)[] = [];
  private postDone: ((err: unknown) => void)[] = [];
  private batching = true;
  /** Turns in a row that had one reply (while batching); replies sent at once (while not). */
  private streak = 0;
  private readonly flushPosts = (): void => {
    const posts = this.posts;
    const done = this.postDone;
    const n = done.length;
    if (n === 0) return;
    this.posts = [];
    this.postDone = [];
    if (n > 1) {
      this.batching = true;
      this.streak = 0;
    } else if (!this.batching) this.streak = 0; // a probe found a reply alone: go on sending at once
    else if (++this.streak >= SINGLES_MAX) {
      this.batching = false;
      this.streak = 0;
    }
    let sent = 0;
    try {
      sent = n === 1 ? (this.sock.send(posts[0] as Uint8Array, posts[1] as number, posts[2] as string) ? 1 : 0) : Math.max(0, this.sock.sendMany(posts));
    } catch {
      // The first could not be sent (sendmmsg reports an error only then): each on its own below, with its own error.
    }
    for (let i = 0; i < sent; i++) done[i]!(null);
    for (let i = sent; i < n; i++) {
      const cb = done[i]!;
      try {
        this.sendThen(posts[3 * i] as Uint8Array, { host: posts[3 * i + 2] as string, port: posts[3 * i + 1] as number }, cb);
      } catch (err) {
        cb(err);
      }
    }
  };

  /** Core's reply to a peer that just sent us a datagram: sent with the others of this burst (see {@link posts}). */
  post(data: Uint8Array, to: NetAddress, done: (err: unknown) => void): void {
    if (this.sock.closed) throw new Error("Socket is closed");
    if (this.postDone.length === 0) {
      if (!this.batching && ++this.streak < PROBE_EVERY) {
        this.sendThen(data, to, done); // throws what the kernel refuses at once: core raises it from sendto
        return;
      }
      setImmediate(this.flushPosts);
    }
    this.posts.push(data, to.port, to.host);
    this.postDone.push(done);
  }

  /** {@link send}, then `done` (null, or the error of a send that waited for room); throws as `send` does. */
  private sendThen(data: Uint8Array, to: NetAddress, done: (err: unknown) => void): void {
    const r = this.send(data, to);
    if (r) r.then(() => done(null), done);
    else done(null);
  }

  drain(): void {
    for (const retry of this.waiting.splice(0)) retry();
  }

  /**
   * Bun's `send` throws (EMSGSIZE, EACCES, closed …) or returns false when the OS buffer
   * is full (then we retry from `drain`). Bun sets IP_RECVERR, so an ICMP error caused by
   * an EARLIER datagram makes the next send throw ECONNREFUSED without sending; Linux
   * never does that to an unconnected socket, so send again (the kernel cleared it).
   * The ICMP error is still reported through `onError`.
   */
  send(data: Uint8Array, to?: NetAddress): Promise<void> | void {
    if (!to) return Promise.reject(new TypeError("Bun UDP socket is not connected: a destination is required"));
    this.flushPosts(); // posted replies go first, in order
    // Common case: the kernel takes it now; nothing to wait for, no Promise.
    try {
      if (this.sock.send(data, to.port, to.host)) return;
    } catch (err) {
      if ((err as { code?: unknown }).code !== "ECONNREFUSED") throw err;
    }
    return new Promise((resolve, reject) => {
      let refusedRetries = 0;
      const attempt = (): void => {
        try {
          if (this.sock.send(data, to.port, to.host)) resolve();
          else if (this.sock.closed) reject(new Error("Socket is closed"));
          else this.waiting.push(attempt); // retried from Bun's drain
        } catch (err) {
          if ((err as { code?: unknown }).code === "ECONNREFUSED" && refusedRetries++ < 3) attempt();
          else reject(err);
        }
      };
      attempt();
    });
  }

  localAddress(): NetAddress {
    const a = this.sock.address;
    return { host: a.address, port: a.port };
  }

  setBroadcast(on: boolean): void {
    this.sock.setBroadcast(on);
  }

  setMulticast(option: "ttl" | "loop" | "iface", value: number | string): void {
    if (option === "ttl") this.sock.setMulticastTTL(value as number);
    else if (option === "loop") this.sock.setMulticastLoopback(value === 1);
    else this.sock.setMulticastInterface(value as string);
  }

  setMembership(add: boolean, group: string, iface: string): void {
    if (add) this.sock.addMembership(group, iface);
    else this.sock.dropMembership(group, iface);
  }

  /** Hold the process open or not (core: only while a call waits on this). */
  setRef(on: boolean): void {
    const h = this.sock as { ref?(): unknown; unref?(): unknown };
    if (on) h.ref?.();
    else h.unref?.();
  }

  close(): Promise<void> {
    if (!this.sock.closed) this.sock.close();
    for (const retry of this.waiting.splice(0)) retry(); // rejects: socket is closed
    return Promise.resolve();
  }
}
