// --- Deno `DatagramConn` as a polysock DatagramTransport ---
// `Deno.listenDatagram` exists only under `--unstable-net`; without it the adapter uses
// `@polysock/node`'s `node:dgram` transport, which Deno runs without any flag.
import type { DatagramHandlers, DatagramTransport, Endpoint, NetAddress } from "@polysock/core";
import { type DenoDatagramConn, deno, isDenoError, sleep, toNetAddress } from "./_deno-types.js";
import { copyOut } from "./_small.js";

/** Receive buffer: any UDP payload (IPv4 max 65,507) fits, so nothing is truncated here. */
const RECV_SIZE = 64 * 1024;
/** Pause after an unexpected receive error, so the loop cannot spin. */
const RECV_RETRY_MS = 100;

/**
 * Create a UDP socket bound to `ep`; rejects with the native error (`AddrInUse` …).
 * Deno's `reuseAddress` sets SO_REUSEADDR and SO_REUSEPORT together.
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
 * datagram): copy (a Buffer's `slice` is a view), so core's queue of small datagrams does not hold 64 KiB apiece.
 */
function compactNodeDatagram(t: DatagramTransport): DatagramTransport {
  const start = t.start.bind(t);
  t.start = (h) => start({ onMessage: (d, from) => h.onMessage(new Uint8Array(d), from), onError: (e) => h.onError(e) });
  return t;
}

/**
 * No `connect()`: Deno has none, so core emulates it (filters by peer). SO_BROADCAST is
 * already on for Deno UDP sockets, so `setBroadcast` has nothing to do.
 */
class DenoDatagram implements DatagramTransport {
  private closed = false;
  private loop: Promise<void> = Promise.resolve();

  constructor(private readonly sock: DenoDatagramConn) {}

  get raw(): unknown {
    return this.sock;
  }

  start(h: DatagramHandlers): void {
    // Until now the kernel's receive buffer holds (and, when full, drops) datagrams.
    this.loop = this.receiveLoop(h);
  }

  async send(data: Uint8Array, to?: NetAddress): Promise<void> {
    if (to === undefined) throw new TypeError("Deno datagram sockets cannot send without an address");
    await this.sock.send(data, { transport: "udp", hostname: to.host, port: to.port });
  }

  post(data: Uint8Array, to: NetAddress, done: (err: unknown) => void): void {
    this.sock.send(data, { transport: "udp", hostname: to.host, port: to.port }).then(() => done(null), done);
  }

  localAddress(): NetAddress {
    return toNetAddress(this.sock.addr);
  }

  setBroadcast(_on: boolean): void {}

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
    return this.loop;
  }

  private async receiveLoop(h: DatagramHandlers): Promise<void> {
    const buf = new Uint8Array(RECV_SIZE);
    while (!this.closed) {
      try {
        const [data, from] = await this.sock.receive(buf);
        // A copy: `buf` is reused, and a 64 KiB buffer per tiny datagram would waste memory.
        if (!this.closed) h.onMessage(copyOut(data), toNetAddress(from));
      } catch (err) {
        // After our close: Interrupted (pending) or BadResource "Socket has been closed".
        if (this.closed || isDenoError(err, "BadResource")) return;
        h.onError(err);
        await sleep(RECV_RETRY_MS);
      }
    }
  }
}
