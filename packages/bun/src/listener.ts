// --- Bun.listen as a polysock Listener ---
import type { Endpoint, ListenOptions, Listener, NetAddress, StreamTransport } from "@polysock/core";
import { bun, type BunListener } from "./_bun-types.js";
import { BunStream, handlers } from "./stream.js";

/**
 * Listen with `allowHalfOpen: true`. Bun throws EADDRINUSE synchronously; that becomes
 * the rejection. Bun's backlog is fixed (512), so `opts.backlog` is not used.
 */
export function listen(ep: Endpoint, opts: ListenOptions): Promise<Listener> {
  try {
    const pending: BunStream[] = [];
    let deliver: ((t: StreamTransport) => void) | null = null;
    const unix = ep.kind === "unix" ? { path: ep.host, local: true } : undefined;
    // Bound to one address, every accepted connection's local address is the listener's.
    let local: NetAddress | undefined;
    const socket = handlers((s) => {
      const t = new BunStream(s, unix, local);
      if (deliver) deliver(t); // core starts it at once
      else {
        t.hold(); // until core's start()
        pending.push(t);
      }
    });
    const server =
      ep.kind === "unix"
        ? bun().listen({ unix: ep.host, allowHalfOpen: true, socket })
        : bun().listen({
            hostname: ep.host,
            port: ep.port,
            allowHalfOpen: true,
            reusePort: opts.reusePort,
            ipv6Only: ep.ipVersion === 6 && opts.ipv6Only,
            socket,
          });
    const listener = new BunServer(server, ep, pending, (fn) => (deliver = fn));
    if (ep.kind === "inet" && ep.host !== "0.0.0.0" && ep.host !== "::" && ep.host !== "") local = listener.localAddress();
    return Promise.resolve(listener);
  } catch (err) {
    return Promise.reject(err);
  }
}

class BunServer implements Listener {
  private stopped = false;

  constructor(
    private readonly server: BunListener,
    private readonly ep: Endpoint,
    private readonly pending: BunStream[],
    private readonly setDeliver: (fn: (t: StreamTransport) => void) => void,
  ) {}

  get raw(): unknown {
    return this.server;
  }

  /** Bun reports no listener-level errors after listen, so `onError` is never called. */
  start(onConnection: (t: StreamTransport) => void, _onError: (err: unknown) => void): void {
    this.setDeliver(onConnection);
    for (const t of this.pending.splice(0)) onConnection(t);
  }

  localAddress(): NetAddress {
    if (this.ep.kind === "unix") return { host: this.ep.host, port: 0 };
    const out: { address?: string; port?: number } = {};
    this.server.getsockname?.(out);
    return { host: out.address ?? this.server.hostname ?? "", port: out.port ?? this.server.port ?? 0 };
  }

  /** Stop listening; accepted connections live on, those never accepted are reset (as Linux does). */
  /** Hold the process open or not (core: only while a call waits on this). */
  setRef(on: boolean): void {
    const h = this.server as { ref?(): unknown; unref?(): unknown };
    if (on) h.ref?.();
    else h.unref?.();
  }

  close(): Promise<void> {
    if (!this.stopped) {
      this.stopped = true;
      this.server.stop(false);
      for (const t of this.pending.splice(0)) t.abort();
    }
    return Promise.resolve();
  }
}
